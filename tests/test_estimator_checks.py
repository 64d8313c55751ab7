"""The scikit-learn contract, for every estimator the package exposes, the public model included.

scikit-learn's own checks that take no data run as they are (``sklearn.utils.estimator_checks``);
its data checks feed random numeric arrays, which a text estimator cannot take, so their
properties (fit returns self, fitted attributes, parameters untouched by fit, idempotent fit,
pickling, not-fitted errors, pandas output) are checked here on sentence rows.
"""

from __future__ import annotations

import pickle
import re
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV, KFold, cross_validate
from sklearn.utils import estimator_checks as checks
from sklearn.utils.validation import check_is_fitted

import stance
from stance.candidates import CandidateFeatures
from stance.cues import CueFeatures
from stance.events import EventFeatures
from stance.model import StanceModel, default_corpus
from stance.sentiment import SentimentFeatures
from stance.structure import StructuralFeatures
from stance.tfidf import FastTfidfVectorizer
from stance.views import TargetView

ESTIMATORS = [TargetView(), TargetView(scope="relation"), SentimentFeatures(), CueFeatures(),
              StructuralFeatures(), EventFeatures(), FastTfidfVectorizer(), CandidateFeatures(),
              StanceModel(), StanceModel(C=1.0, learner="svm", holder_model=False)]
DATA_FREE_CHECKS = ["check_parameters_default_constructible", "check_no_attributes_set_in_init",
                    "check_get_params_invariance", "check_set_params", "check_estimator_cloneable",
                    "check_estimator_repr", "check_valid_tag_types", "check_estimator_tags_renamed",
                    "check_do_not_raise_errors_in_init_or_set_params", "check_mixin_order"]


@pytest.mark.parametrize("check", DATA_FREE_CHECKS)
@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda e: type(e).__name__)
def test_scikit_learn_checks_that_take_no_data(estimator, check):
    getattr(checks, check)(type(estimator).__name__, clone(estimator))


# ---------------------------------------------------------------------------------------------
# The model on sentence rows
# ---------------------------------------------------------------------------------------------

#: Small and quick: 2-fold calibration, no character n-grams wider than 3.
QUICK = {"cv": 2, "char_ngrams": (2, 3), "holder_model": False}


@pytest.fixture(scope="module")
def rows() -> pd.DataFrame:
    return default_corpus("train").sample(240, random_state=0).reset_index(drop=True)


@pytest.fixture(scope="module")
def fitted(rows) -> StanceModel:
    return StanceModel(**QUICK).fit(rows, rows["stance"])


def test_fit_returns_self_and_sets_fitted_attributes_only(rows):
    model = StanceModel(**QUICK)
    with pytest.raises(NotFittedError):
        check_is_fitted(model)
    params = model.get_params()
    assert model.fit(rows, rows["stance"]) is model
    check_is_fitted(model)
    assert model.get_params() == params
    assert set(model.classes_) == {"neutral", "oppose", "support"}
    assert model.holders_ is None and model.metadata_["n_rows"] == len(rows)
    assert model.metadata_["params"]["cv"] == 2 and model.metadata_["params"]["holder_model"] is False


@pytest.mark.parametrize("method", ["predict", "predict_proba", "explain", "save"])
def test_unfitted_model_raises_not_fitted(method, tmp_path):
    model = StanceModel()
    args = {"predict": ([{"text": "Japan condemned Russia.", "target": "RUS"}],),
            "predict_proba": ([{"text": "Japan condemned Russia.", "target": "RUS"}],),
            "explain": ("Japan condemned Russia.", "RUS"),
            "save": (tmp_path / "m.joblib",)}[method]
    with pytest.raises(NotFittedError):
        getattr(model, method)(*args)


def test_fit_is_idempotent_and_pickles(fitted, rows):
    again = clone(fitted).fit(rows, rows["stance"])
    np.testing.assert_allclose(again.predict_proba(rows), fitted.predict_proba(rows))
    restored = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(restored.predict(rows), fitted.predict(rows))


def test_fit_accepts_records_and_a_list_of_dicts(fitted, rows):
    records = rows[["text", "holder", "target"]].to_records(index=False)
    as_dicts = rows[["text", "holder", "target"]].to_dict("records")
    expected = fitted.predict(rows)
    np.testing.assert_array_equal(fitted.predict(records), expected)
    np.testing.assert_array_equal(fitted.predict(as_dicts), expected)
    np.testing.assert_allclose(fitted.predict_proba(records), fitted.predict_proba(rows))
    from_dicts = StanceModel(**QUICK).fit(as_dicts, rows["stance"].tolist())
    np.testing.assert_allclose(from_dicts.predict_proba(rows), fitted.predict_proba(rows))


@pytest.mark.parametrize("bad, named", [
    (np.array([["Japan condemned Russia.", "JPN", "RUS"]]), "a 2-d <U23 array without field names"),
    (pd.Series({"text": "Japan condemned Russia.", "target": "RUS"}), "Series"),
    ("Japan condemned Russia.", "str"),
    ([("Japan condemned Russia.", "JPN", "RUS")], "a list of tuple"),
])
def test_predict_refuses_anything_else_with_one_clear_error(fitted, bad, named):
    for method in (fitted.predict, fitted.predict_proba):
        with pytest.raises(TypeError, match=r"^X must be a DataFrame, a list of dicts or a NumPy "
                                            r"record array .*got " + re.escape(named)):
            method(bad)
    with pytest.raises(TypeError, match="X must be a DataFrame"):
        StanceModel(**QUICK).fit(bad, ["oppose"])


def test_fit_refuses_labels_that_do_not_match_the_rows(rows):
    with pytest.raises(ValueError, match=r"one label per row of X \(240 rows\), got 239 labels"):
        StanceModel(**QUICK).fit(rows, rows["stance"][:-1])
    with pytest.raises(ValueError, match=r"stance"):
        StanceModel(**QUICK).fit(rows, ["agree"] * len(rows))
    with pytest.raises(ValueError, match=r"sample_weight must be 240 finite weights >= 0"):
        StanceModel(**QUICK).fit(rows, rows["stance"], sample_weight=-np.ones(len(rows)))


def test_sample_weight_changes_the_fit(rows, fitted):
    weight = np.where(rows["stance"].eq("support"), 5.0, 1.0)
    heavy = StanceModel(**QUICK).fit(rows, rows["stance"], sample_weight=weight)
    support = list(fitted.classes_).index("support")
    assert heavy.predict_proba(rows)[:, support].mean() > fitted.predict_proba(rows)[:, support].mean()


def test_clone_of_the_loaded_model_has_its_parameters_unfitted():
    model = stance.load_model()
    copy = clone(model)
    assert copy.get_params() == model.get_params()
    assert model.get_params()["holder_model"] is True
    with pytest.raises(NotFittedError):
        check_is_fitted(copy)
    check_is_fitted(model)


def test_grid_search_and_cross_validate_on_the_loaded_model(rows):
    model = clone(stance.load_model()).set_params(**QUICK)
    folds = KFold(2, shuffle=True, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # tiny folds: an unseen n-gram or two
        scores = cross_validate(model, rows, rows["stance"], cv=folds, scoring="f1_macro")
        search = GridSearchCV(model, {"C": [0.5, 4.0]}, cv=folds, scoring="f1_macro").fit(
            rows, rows["stance"])
    assert len(scores["test_score"]) == 2 and np.isfinite(scores["test_score"]).all()
    assert search.best_params_["C"] in (0.5, 4.0)
    assert search.best_estimator_.get_params()["C"] == search.best_params_["C"]
    assert search.predict(rows.head(3)).shape == (3,)


def test_saved_model_loads_with_its_parameters(fitted, tmp_path):
    path = fitted.save(tmp_path / "m.joblib")
    loaded = stance.load_model(path)
    assert loaded.get_params() == fitted.get_params()
    test = default_corpus("test").head(20)
    np.testing.assert_allclose(loaded.predict_proba(test), fitted.predict_proba(test))


def test_train_passes_parameters_to_the_model_and_refuses_unknown_ones():
    with pytest.raises(TypeError, match=r"unexpected parameter\(s\) \['gamma'\]"):
        stance.train(default_corpus("train").head(60), gamma=1)


@pytest.mark.parametrize("transformer", [SentimentFeatures(), CueFeatures(), StructuralFeatures(),
                                         EventFeatures()], ids=lambda t: type(t).__name__)
def test_dense_transformers_give_pandas_output(transformer, rows):
    out = clone(transformer).set_output(transform="pandas").fit_transform(rows)
    assert isinstance(out, pd.DataFrame)
    assert list(out.columns) == list(transformer.fit(rows).get_feature_names_out())
    np.testing.assert_allclose(out.to_numpy(), transformer.transform(rows))


def test_the_model_is_the_last_step_of_a_pipeline(rows, fitted):
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    def strip_texts(X: pd.DataFrame) -> pd.DataFrame:
        return X.assign(text=X["text"].str.strip())

    pipe = make_pipeline(FunctionTransformer(strip_texts), StanceModel(**QUICK))
    padded = rows.assign(text="  " + rows["text"] + "  ")
    pipe.fit(padded, rows["stance"])
    np.testing.assert_allclose(pipe.predict_proba(padded), fitted.predict_proba(rows))
    assert list(pipe.classes_) == list(fitted.classes_)


def test_the_model_s_defaults_are_build_pipeline_s():
    # StanceModel repeats build_pipeline's parameters (scikit-learn reads them from __init__):
    # the two signatures must not drift apart
    import inspect

    from stance.model import build_pipeline

    pipeline = {k: p.default for k, p in inspect.signature(build_pipeline).parameters.items()}
    model = StanceModel().get_params()
    assert model.pop("holder_model") is True
    assert model.pop("act_evidence") is True
    assert model == pipeline
