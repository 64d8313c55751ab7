"""Written data stays written: nothing in the repository copies a third-party sentence.

The third-party text in ``../shared/data`` may not be copied into the repository, and the corpus is
written for the project. This scan indexes every run of :data:`RUN` words of the third-party texts
(all rows, whatever their split: only hashes of word runs are kept, nothing is read closely) and
checks that no sentence of the corpus, the bundled sample articles, and no string in the tests or
the package shares one. Diplomatic formulas ("the Government of the People's Republic of China is
the sole legal government representing the whole of China") are long, so a shorter run is allowed;
a copied sentence shares a longer one. Skipped without ``../shared``.
"""

from __future__ import annotations

import ast
import csv
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
#: Shortest shared run of words that counts as copied text.
RUN = 20

pytestmark = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared is absent (third-party text)")

_WORDS = re.compile(r"[\w']+")


def _words(text: str) -> list[str]:
    return _WORDS.findall(text.lower())


@pytest.fixture(scope="module")
def third_party_runs() -> set[int]:
    runs: set[int] = set()
    csv.field_size_limit(1 << 28)
    for path in sorted(SHARED.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                w = _words(row.get("text") or "")
                runs.update(hash(tuple(w[i:i + RUN])) for i in range(len(w) - RUN + 1))
    assert runs, "no third-party text read"
    return runs


def _copied(text: str, runs: set[int]) -> bool:
    w = _words(text)
    return any(hash(tuple(w[i:i + RUN])) in runs for i in range(len(w) - RUN + 1))


def _csv_texts(path: Path) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [(f"{path.name} row {k}", row["text"])
                for k, row in enumerate(csv.DictReader(fh), start=2) if row.get("text")]


def _string_literals(path: Path) -> list[tuple[str, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [(f"{path.relative_to(ROOT)} line {node.lineno}", node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)]


def test_the_scan_finds_a_copied_sentence(third_party_runs):
    with (SHARED / "wikipedia_current_events.csv").open(encoding="utf-8", newline="") as fh:
        long_text = next(row["text"] for row in csv.DictReader(fh) if len(_words(row["text"])) > RUN)
    assert _copied(long_text, third_party_runs)
    assert not _copied(" ".join(["word"] * (RUN + 5)), third_party_runs)


def test_the_corpus_and_the_sample_articles_are_written(third_party_runs):
    texts = _csv_texts(ROOT / "stance" / "data" / "corpus.csv")
    texts += [t for p in sorted((ROOT / "datasets").glob("*.csv")) for t in _csv_texts(p)]
    copied = [where for where, text in texts if _copied(text, third_party_runs)]
    assert not copied, f"{len(copied)} texts share a run of {RUN}+ words with ../shared: {copied[:10]}"


def test_no_string_in_the_code_or_tests_copies_third_party_text(third_party_runs):
    files = sorted((ROOT / "stance").glob("*.py")) + sorted((ROOT / "tests").glob("*.py"))
    found = [where for path in files for where, text in _string_literals(path)
             if _copied(text, third_party_runs)]
    assert not found, f"strings sharing a run of {RUN}+ words with ../shared: {found[:10]}"
