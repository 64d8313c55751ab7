"""Tests for stance.candidates: the candidate holders of a sentence and their features."""

from __future__ import annotations

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

import stance.attribution
from stance.candidates import CandidateFeatures, candidate_rows

ROWS = pd.DataFrame(
    candidate_rows("Japan and Britain condemned Russia's invasion of Ukraine.", "RUS", "FRA")
    + candidate_rows("Russia was condemned by Japan.", "RUS")
    + candidate_rows("We will never accept the occupation of our land by Russia.", "RUS", "UKR")
    + candidate_rows("Russian jets struck a market in Syria.", "RUS")
)


def test_attribution_re_exports_the_candidates():
    assert stance.attribution.candidate_rows is candidate_rows
    assert stance.attribution.CandidateFeatures is CandidateFeatures


# ---------------------------------------------------------------------------------------------
# CandidateFeatures: the scikit-learn contract
# ---------------------------------------------------------------------------------------------


def test_candidate_features_clone_and_params():
    features = CandidateFeatures()
    copy = clone(features)
    assert copy is not features and type(copy) is CandidateFeatures
    assert copy.get_params() == features.get_params() == {"roles": False}
    assert features.set_params(**features.get_params()) is features
    assert features.set_params(roles=True).get_params() == {"roles": True}


def test_candidate_features_joblib_round_trip(tmp_path):
    features = CandidateFeatures().fit(ROWS)
    path = tmp_path / "features.joblib"
    joblib.dump(features, path)
    loaded = joblib.load(path)
    assert loaded.transform(ROWS) == features.transform(ROWS)
    assert loaded.get_params() == features.get_params()


def test_candidate_features_fit_transform_equals_fit_then_transform():
    a = CandidateFeatures().fit_transform(ROWS)
    b = CandidateFeatures().fit(ROWS).transform(ROWS)
    assert a == b
    assert len(a) == len(ROWS)
    assert all(isinstance(d, dict) and d for d in a)


def test_candidate_features_names_match_output_width():
    features = CandidateFeatures().fit(ROWS)
    names = features.get_feature_names_out()
    out = features.transform(ROWS)
    # one column of feature dicts per row
    assert len(names) == 1
    assert np.asarray(out, dtype=object).shape == (len(ROWS),)


def test_candidate_features_before_fit_raises_not_fitted():
    with pytest.raises(NotFittedError):
        CandidateFeatures().transform(ROWS)
    with pytest.raises(NotFittedError):
        CandidateFeatures().get_feature_names_out()


@pytest.mark.parametrize("column", ["text", "target", "candidate"])
def test_candidate_features_missing_column_is_named(column):
    with pytest.raises(ValueError, match=column):
        CandidateFeatures().fit(ROWS.drop(columns=column))
    features = CandidateFeatures().fit(ROWS)
    with pytest.raises(ValueError, match=column):
        features.transform(ROWS.drop(columns=column))


@pytest.mark.parametrize("bad", [None, np.nan, 42])
def test_candidate_features_non_string_text_names_the_column(bad):
    X = ROWS.copy()
    X["text"] = X["text"].astype(object)
    X.loc[1, "text"] = bad
    features = CandidateFeatures().fit(ROWS)
    with pytest.raises((TypeError, ValueError), match="text"):
        features.transform(X)


def test_candidate_features_non_string_text_names_the_row():
    X = ROWS.copy()
    X["text"] = X["text"].astype(object)
    X.loc[2, "text"] = None
    with pytest.raises((TypeError, ValueError), match=r"rows? 2\b"):
        CandidateFeatures().fit(X)



# ---------------------------------------------------------------------------------------------
# Candidate rows
# ---------------------------------------------------------------------------------------------


def test_candidate_rows_lists_named_actors_except_target_plus_speaker():
    text = "Japan and Britain condemned Russia's invasion of Ukraine."
    rows = candidate_rows(text, "RUS", "FRA", for_training=True)
    assert [r["candidate"] for r in rows] == ["JPN", "GBR", "UKR", "FRA"]
    assert all(r["target"] == "RUS" and r["speaker"] == "FRA" for r in rows)
    assert set(rows[0]) == {"text", "target", "candidate", "speaker", "partner"}
    # when predicting, Ukraine is what Japan and Britain speak of, like Russia: no candidate
    assert [r["candidate"] for r in candidate_rows(text, "RUS", "FRA")] == ["JPN", "GBR", "FRA"]


def test_candidate_rows_speaker_not_duplicated_and_not_the_target():
    named = candidate_rows("Japan condemned Russia and Japan will act.", "RUS", "JPN")
    assert [r["candidate"] for r in named] == ["JPN"]
    assert candidate_rows("Russia said it would respond.", "RUS", "RUS") == []
    assert candidate_rows("Russia's economy grew.", "RUS") == []


def test_candidate_features_same_for_text_and_object_columns():
    # the columns are read as lists: pandas' Arrow-backed text columns, object columns and a
    # frame with dates, speakers and mentions all give the same feature dicts
    import datetime as dt

    from stance.actors import find_actors

    texts = ["Japan condemned Russia after talks in Beijing.", "We support China, said Kenya.",
             "Putin met Xi in Moscow on Monday."]
    rows = []
    for text in texts:
        found = find_actors(text, as_of="2023-05-01")
        for target in ("RUS", "CHN"):
            for m in found:
                rows.append({"text": text, "target": target, "candidate": m.code,
                             "speaker": "KEN" if "We" in text else "",
                             "as_of": dt.date(2023, 5, 1), "mentions": found})
    frame = pd.DataFrame(rows)
    text_cols = ["text", "target", "candidate", "speaker"]
    as_object = frame.astype({c: object for c in text_cols})
    as_str = frame.astype({c: "str" for c in text_cols})
    fitted = CandidateFeatures().fit(as_object)
    expected = fitted.transform(as_object)
    assert fitted.transform(as_str) == expected
    assert fitted.transform(rows) == expected
    assert len(expected) == len(rows) and all(isinstance(d, dict) and d for d in expected)
