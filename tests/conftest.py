"""Shared fixtures: a private model cache, the default model, a small fast model, shared data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

#: Third-party evaluation data beside the repository (absent in a user's fresh clone).
SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def run(capsys, *argv) -> tuple[int, str, str]:
    """Run the ``stance`` command in-process: exit status, stdout, stderr."""
    from stance.cli import main

    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def assert_error(code: int, err: str, *needles: str) -> None:
    """Exit status 2 and one line on stderr (a message, not a traceback) holding ``needles``."""
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("stance ")
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])


def leftovers(folder: Path) -> list[str]:
    """Temporary files an interrupted or refused write would have left in ``folder``."""
    return [p.name for p in folder.iterdir() if p.name.endswith((".part", ".tmp"))]


def shared_file(*parts: str) -> Path:
    """Path of a file under ../shared, skipping the test cleanly when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not available (../shared is only beside the developers' checkout)")
    return path


def assert_nothing_clipped(fig) -> None:
    """Every drawn artist (titles, labels, tick labels, colour bar, legends, texts) lies inside
    the figure: the figure's tight bounding box is within its own bounds."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    tight, bounds = fig.get_tightbbox(renderer), fig.bbox_inches
    tolerance = 1 / fig.dpi
    assert tight.x0 >= bounds.x0 - tolerance and tight.y0 >= bounds.y0 - tolerance, tight
    assert tight.x1 <= bounds.x1 + tolerance and tight.y1 <= bounds.y1 + tolerance, tight
    for ax in fig.axes:
        for text in [ax.title, ax.xaxis.label, ax.yaxis.label, *ax.texts]:
            if text.get_visible() and text.get_text():
                box = text.get_window_extent(renderer)
                assert fig.bbox.x0 - 1 <= box.x0 and box.x1 <= fig.bbox.x1 + 1, text.get_text()
                assert fig.bbox.y0 - 1 <= box.y0 and box.y1 <= fig.bbox.y1 + 1, text.get_text()


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory):
    """Train the default model into a cache private to this test session."""
    old = os.environ.get("STANCE_CACHE_DIR")
    os.environ["STANCE_CACHE_DIR"] = str(tmp_path_factory.mktemp("stance-cache"))
    os.environ.setdefault("MPLBACKEND", "Agg")
    yield
    if old is None:
        os.environ.pop("STANCE_CACHE_DIR", None)
    else:
        os.environ["STANCE_CACHE_DIR"] = old


@pytest.fixture(scope="session")
def default_model():
    """The default model (trained once per session from the bundled corpus)."""
    import stance

    return stance.load_model()


@pytest.fixture(scope="session")
def small_model():
    """A quick model trained on 600 rows of the train split (for round trips and CLI tests)."""
    import stance

    data = stance.default_corpus("train").sample(600, random_state=0)
    return stance.train(data, cv=3)
