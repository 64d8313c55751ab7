"""The bundled corpus (stance/data/corpus.csv) keeps its datasheet's schema and covers its grid."""

from __future__ import annotations

import importlib.util
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest

from stance.model import default_corpus

ROOT = Path(__file__).resolve().parents[1]
COLUMNS = ["sentence_id", "text", "holder", "target", "stance", "speaker", "hard", "register", "split",
           "event", "direction", "form", "cue"]
SENTENCE_LEVEL = ["text", "speaker", "hard", "register", "split", "event", "direction", "form", "cue"]


def _grid():
    spec = importlib.util.spec_from_file_location("grid", ROOT / "datasets" / "grid.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def corpus() -> pd.DataFrame:
    return default_corpus()


@pytest.fixture(scope="module")
def codes() -> set[str]:
    text = resources.files("stance").joinpath("data", "actors.tsv").read_text(encoding="utf-8")
    return {line.split("\t")[0] for line in text.splitlines()[1:] if line}


def test_columns_and_values(corpus, codes):
    assert list(corpus.columns) == COLUMNS
    assert set(corpus["stance"]) == {"oppose", "neutral", "support"}
    assert set(corpus["target"]) == {"CHN", "RUS", "TWN"}
    assert set(corpus["split"]) == {"train", "test"}
    assert set(corpus["register"]) <= {"news", "statement", "digest"}
    assert set(corpus["holder"]) - {""} <= codes
    assert set(corpus["speaker"]) - {""} <= codes
    assert not (corpus["holder"] == corpus["target"]).any()
    # an empty holder takes no side (datasheet: all empty-holder rows are neutral)
    assert set(corpus.loc[corpus["holder"] == "", "stance"]) == {"neutral"}


def test_one_id_per_sentence_and_one_row_per_pair(corpus):
    per_id = corpus.groupby("sentence_id")[SENTENCE_LEVEL].nunique()
    assert (per_id == 1).all().all()
    assert corpus.groupby("text")["sentence_id"].nunique().max() == 1
    assert not corpus.duplicated(["sentence_id", "holder", "target"]).any()


def test_grid_columns_are_all_set_or_all_empty(corpus):
    grid = _grid()
    gridded = corpus["event"] != ""
    for column, values in (("event", grid.EVENTS), ("direction", grid.DIRECTIONS), ("form", grid.FORMS),
                           ("cue", grid.CUES)):
        assert set(corpus.loc[gridded, column]) <= set(values)
        assert (corpus.loc[~gridded, column] == "").all()
        assert (corpus.loc[gridded, column] != "").all()
    speech = corpus[corpus["form"] == "speech"]
    assert (speech["speaker"] != "").all()
    caps = corpus.loc[corpus["form"] == "caps", "text"]
    assert (caps == caps.str.upper()).all()


def test_every_grid_cell_has_train_and_test_sentences(corpus):
    coverage = _grid().coverage(corpus)
    lacking = coverage[(coverage["train"] == 0) | (coverage["test"] == 0)]
    assert len(coverage) == 15 * 4 * 5 * 5
    assert lacking.empty, f"{len(lacking)} cells lack a split, e.g. {list(lacking.index[:5])}"


def test_at_least_twelve_thousand_sentences(corpus):
    assert corpus["sentence_id"].nunique() >= 12_000


def test_the_blind_audit_covers_grid_sentences_and_agrees_with_the_corpus(corpus):
    grid = _grid()
    second = pd.read_csv(ROOT / "datasets" / "grid_audit.csv", dtype=str, keep_default_na=False)
    events = dict(zip(corpus["sentence_id"], corpus["event"]))
    assert set(second["sentence_id"]) <= set(events)
    assert {events[s] for s in second["sentence_id"]} == set(grid.EVENTS)
    table = grid.audit(corpus)
    # the datasheet reports these figures; a relabelling that breaks agreement shows here
    assert table.loc["all", "stance_agreement"] >= 0.9
    assert table.loc["all", "polar_f1"] >= 0.85
