"""Tests for stance.annotation: choosing the rows most worth labelling next."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import stance
from stance.annotation import sample_for_annotation


@pytest.fixture(scope="module")
def candidates() -> pd.DataFrame:
    data = stance.default_corpus("test")
    return data[["text", "holder", "target"]].drop_duplicates().head(60).reset_index(drop=True)


def test_uncertainty_sample(candidates, small_model):
    out = sample_for_annotation(candidates, 10, model=small_model)
    assert len(out) == 10
    assert out.columns[:4].tolist() == ["text", "holder", "target", "stance"]
    assert (out["stance"] == "").all()
    # sorted by uncertainty, most uncertain first
    assert (np.diff(out["uncertainty"].to_numpy()) <= 0).all()
    # uncertainty is 1 - the top probability, and predicted is its label
    proba = small_model.predict_proba(out[["text", "holder", "target"]])
    np.testing.assert_allclose(out["uncertainty"], 1 - proba.max(axis=1), atol=1e-4)
    np.testing.assert_allclose(out[["p_oppose", "p_neutral", "p_support"]].sum(axis=1), 1, atol=1e-3)
    classes = list(small_model.classes_)
    assert out["predicted"].tolist() == [classes[i] for i in proba.argmax(axis=1)]
    # they are the most uncertain of all candidates
    all_unc = 1 - small_model.predict_proba(candidates).max(axis=1)
    assert out["uncertainty"].min() >= np.sort(all_unc)[-10] - 1e-4
    # the picked rows are candidates
    picked = set(zip(out["text"], out["holder"], out["target"]))
    assert picked <= set(zip(candidates["text"], candidates["holder"], candidates["target"]))


def test_margin_sample_is_sorted_by_its_own_uncertainty(candidates, small_model):
    out = sample_for_annotation(candidates, 8, "margin", model=small_model)
    assert (np.diff(out["uncertainty"].to_numpy()) <= 0).all()
    top2 = np.sort(out[["p_oppose", "p_neutral", "p_support"]].to_numpy(), axis=1)[:, -2:]
    np.testing.assert_allclose(out["uncertainty"], 1 - (top2[:, 1] - top2[:, 0]), atol=1e-3)


def test_random_differs_and_is_seeded(candidates, small_model):
    unc = sample_for_annotation(candidates, 10, model=small_model)
    rnd = sample_for_annotation(candidates, 10, "random", model=small_model)
    assert len(rnd) == 10 and (rnd["stance"] == "").all()
    assert rnd["text"].tolist() != unc["text"].tolist()
    again = sample_for_annotation(candidates, 10, "random", model=small_model)
    assert again["text"].tolist() == rnd["text"].tolist()
    other = sample_for_annotation(candidates, 10, "random", model=small_model, random_state=1)
    assert other["text"].tolist() != rnd["text"].tolist()


def test_writes_a_csv_when_path_is_given(tmp_path, candidates, small_model):
    path = tmp_path / "to_label.csv"
    out = sample_for_annotation(candidates, 5, model=small_model, path=path)
    back = pd.read_csv(path, keep_default_na=False)
    assert len(back) == 5
    assert back["stance"].tolist() == [""] * 5
    assert back["text"].tolist() == out["text"].tolist()
    assert back.columns.tolist() == out.columns.tolist()


def test_fewer_distinct_rows_than_n(candidates, small_model):
    doubled = pd.concat([candidates.head(4), candidates.head(4)], ignore_index=True)
    out = sample_for_annotation(doubled, 50, model=small_model)
    assert len(out) == 4


def test_analyze_output_is_accepted_with_extra_columns(small_model):
    rows = stance.analyze(["Japan condemned Russia's invasion.", "Beijing warned Taipei sharply."],
                          model=small_model)
    distinct = rows.drop_duplicates(subset=["sentence", "holder", "target"])
    out = sample_for_annotation(rows, 2, model=small_model)
    assert len(out) == min(2, len(distinct))
    assert set(out["text"]) <= set(rows["sentence"])
    # asking for every row returns every distinct (sentence, holder, target) once
    every = sample_for_annotation(rows, len(rows) + 5, model=small_model)
    assert len(every) == len(distinct)
    assert set(every["text"]) == set(rows["sentence"])
    assert "doc_id" in out.columns and (out["stance"] == "").all()


@pytest.mark.parametrize("n", [0, -3, 2.5, True])
def test_bad_n_raises(candidates, small_model, n):
    with pytest.raises(ValueError, match="n must be"):
        sample_for_annotation(candidates, n, model=small_model)


def test_unknown_strategy_raises(candidates, small_model):
    with pytest.raises(ValueError, match="strategy"):
        sample_for_annotation(candidates, 3, "entropy", model=small_model)
