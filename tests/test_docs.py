"""The documentation runs: README examples, module doctests, and the CI command matches README."""

from __future__ import annotations

import doctest
import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
MODULES = ["stance", "stance._checks", "stance.text", "stance.actors", "stance.features",
           "stance.rows", "stance.views", "stance.sentiment", "stance.cues", "stance.structure",
           "stance.tfidf", "stance.model", "stance.attribution", "stance.analysis", "stance.profiles",
           "stance.io", "stance.annotation", "stance.plots", "stance.dask", "stance.gold", "stance.roles",
           "stance.sentence"]


def _blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", README, flags=re.S)


def test_quick_start_has_exactly_two_commands() -> None:
    quick = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```bash\n(.*?)```", quick, flags=re.S)
    assert len(commands) == 2
    assert all(len(c.strip().splitlines()) == 1 for c in commands)
    assert commands[0].startswith("pip install . && stance profile datasets/sample_articles.csv")
    assert (ROOT / "datasets" / "sample_articles.csv").exists()


def test_ci_runs_the_readme_test_command() -> None:
    quick = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    test_command = re.findall(r"```bash\n(.*?)```", quick, flags=re.S)[1].strip()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in [line.strip() for line in ci.splitlines()]


def test_readme_python_examples_run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(ROOT)
    namespace: dict = {}
    for block in _blocks("python"):
        exec(compile(block, "README.md", "exec"), namespace)  # our own README


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} doctest(s) failed in {name}"


def test_public_functions_have_examples() -> None:
    import stance

    for name in stance.__all__:
        if name in ("__version__", "plots"):
            continue
        obj = getattr(stance, name)
        doc = obj.__doc__ or ""
        assert "Examples" in doc or name in ("Mention", "Sentence", "StanceModel", "Evaluation"), name
