"""Tests for stance.model: the pipeline, training, persistence, prediction, evaluation, explanation."""

from __future__ import annotations

import json
import shutil
import time

import numpy as np
import pandas as pd
import pytest
import sklearn
from sklearn.metrics import f1_score
from sklearn.model_selection import GridSearchCV, GroupKFold, KFold, cross_validate

import stance
from stance.model import LABELS, build_pipeline, default_corpus, evaluate, explain, load_model, train

FEATURES = ["text", "holder", "target"]


@pytest.fixture(scope="module")
def small_data() -> pd.DataFrame:
    return default_corpus("train").sample(200, random_state=1).reset_index(drop=True)


@pytest.fixture(scope="module")
def test_split() -> pd.DataFrame:
    return default_corpus("test")


@pytest.fixture(scope="module")
def saved(small_model, tmp_path_factory):
    """The small model saved once; tests copy its two files before changing them."""
    path = tmp_path_factory.mktemp("saved") / "small.joblib"
    small_model.save(path)
    return path


def _copy(saved_path, tmp_path):
    dest = tmp_path / saved_path.name
    shutil.copy(saved_path, dest)
    shutil.copy(saved_path.with_name(saved_path.name + ".meta.json"),
                dest.with_name(dest.name + ".meta.json"))
    return dest


# ---------------------------------------------------------------------------------------------
# The pipeline inside scikit-learn's model selection
# ---------------------------------------------------------------------------------------------


def test_pipeline_in_cross_validate(small_data):
    # char 3-grams only: the default 2-5 grams make each fit several times slower
    pipe = build_pipeline(cv=2, char_ngrams=(3, 3))
    result = cross_validate(pipe, small_data[FEATURES], small_data["stance"].to_numpy(),
                            cv=GroupKFold(n_splits=2), groups=small_data["sentence_id"],
                            scoring="f1_macro")
    scores = result["test_score"]
    assert scores.shape == (2,)
    assert np.all((scores >= 0) & (scores <= 1))
    assert scores.mean() > 0.4  # well above chance (about 1/3) for three labels


def test_pipeline_in_grid_search(small_data):
    grid = {"classifier__estimator__C": [0.1, 0.3]}
    pipe = build_pipeline(cv=2, char_ngrams=(3, 3), relation_ngrams=None)
    search = GridSearchCV(pipe, grid, cv=KFold(2, shuffle=True, random_state=0),
                          scoring="f1_macro")
    search.fit(small_data[FEATURES], small_data["stance"].to_numpy())
    assert search.best_params_["classifier__estimator__C"] in grid["classifier__estimator__C"]
    assert len(search.cv_results_["params"]) == 2
    assert search.best_estimator_.named_steps["classifier"].estimator.C == search.best_params_[
        "classifier__estimator__C"]
    pred = search.predict(small_data[FEATURES].head(10))
    assert set(pred) <= set(LABELS)


def test_build_pipeline_params_reach_the_steps():
    pipe = build_pipeline(C=0.5, window=3, relation_ngrams=None, cv=4)
    assert pipe.named_steps["classifier"].estimator.C == 0.5
    assert pipe.named_steps["classifier"].cv == 4
    union = dict(pipe.named_steps["features"].transformer_list)
    assert "relation" not in union
    assert union["sentiment"].window == 3
    assert "relation" in dict(build_pipeline().named_steps["features"].transformer_list)


# ---------------------------------------------------------------------------------------------
# train(): validation of the training frame
# ---------------------------------------------------------------------------------------------


def _frame(**changes) -> pd.DataFrame:
    frame = pd.DataFrame({
        "text": ["Japan condemned Russia.", "China and Russia signed a treaty.", "Russia's economy grew.",
                 "Britain condemned Russia.", "France praised Russia.", "Russia held an election."],
        "holder": ["JPN", "CHN", "", "GBR", "FRA", ""],
        "target": ["RUS"] * 6,
        "stance": ["oppose", "support", "neutral", "oppose", "support", "neutral"],
    })
    for column, (row, value) in changes.items():
        frame[column] = frame[column].astype(object)
        frame.loc[row, column] = value
    return frame


@pytest.mark.parametrize("frame, pattern", [
    (_frame().drop(columns="stance"), r"missing column.*stance"),
    (_frame().drop(columns="text"), r"missing column.*text"),
    (_frame(text=(4, "")), r"empty text in rows 4"),
    (_frame(text=(4, "   ")), r"empty text in rows 4"),
    (_frame(text=(3, np.nan)), r"'text' in rows 3"),
    (_frame(text=(3, None)), r"'text' in rows 3"),
    (_frame(stance=(2, "favour")), r"unknown stance label.*favour.*rows 2"),
    (_frame(holder=(1, "RUS")), r"holder equals target in rows 1"),
    (_frame(target=(5, "")), r"missing target in rows 5"),
    (_frame(target=(5, np.nan)), r"missing target in rows 5"),
], ids=["no-stance-column", "no-text-column", "empty-text", "blank-text", "nan-text", "none-text",
        "unknown-label", "holder-is-target", "empty-target", "nan-target"])
def test_train_rejects_bad_frames(frame, pattern):
    with pytest.raises(ValueError, match=pattern):
        train(frame, cv=2)


def test_train_names_rows_by_index_label():
    frame = _frame(stance=(2, "favour"))
    frame.index = [100, 101, 102, 103, 104, 105]
    with pytest.raises(ValueError, match=r"rows 102\b"):
        train(frame, cv=2)


def test_train_rejects_a_single_label():
    frame = _frame().assign(stance="oppose")
    with pytest.raises(ValueError, match=r"two stance labels.*oppose"):
        train(frame, cv=2)


def test_train_rejects_non_frame():
    with pytest.raises(TypeError, match="DataFrame"):
        train([{"text": "Japan condemned Russia.", "target": "RUS", "stance": "oppose"}])


# ---------------------------------------------------------------------------------------------
# Save and load
# ---------------------------------------------------------------------------------------------


def test_save_load_round_trip(small_model, saved, test_split):
    loaded = load_model(saved)
    X = test_split[FEATURES].head(60)
    np.testing.assert_array_equal(loaded.predict(X), small_model.predict(X))
    np.testing.assert_array_equal(loaded.predict_proba(X), small_model.predict_proba(X))
    assert list(loaded.classes_) == list(small_model.classes_)
    assert loaded.holders is not None


def test_metadata_file(small_model, saved):
    meta = json.loads(saved.with_name(saved.name + ".meta.json").read_text(encoding="utf-8"))
    for key in ("stance_version", "sklearn_version", "labels", "training_sha256", "created", "file_sha256"):
        assert key in meta, key
    assert meta["stance_version"] == stance.__version__
    assert meta["sklearn_version"] == sklearn.__version__
    assert meta["labels"] == list(LABELS)
    assert len(meta["training_sha256"]) == 64 and len(meta["file_sha256"]) == 64
    assert meta["training_sha256"] == small_model.metadata["training_sha256"]
    assert meta["n_rows"] == 600
    import hashlib
    assert meta["file_sha256"] == hashlib.sha256(saved.read_bytes()).hexdigest()


@pytest.mark.filterwarnings("ignore:the training rows give no holder candidates:UserWarning")
def test_same_training_rows_same_training_hash():
    a = train(_frame(), cv=2)
    b = train(_frame(), cv=2)
    c = train(_frame(text=(0, "Japan denounced Russia.")), cv=2)
    assert a.metadata["training_sha256"] == b.metadata["training_sha256"]
    assert a.metadata["training_sha256"] != c.metadata["training_sha256"]


@pytest.mark.parametrize("tamper", ["append", "flip"])
def test_tampered_model_file_is_refused(saved, tmp_path, tamper):
    path = _copy(saved, tmp_path)
    data = bytearray(path.read_bytes())
    if tamper == "append":
        data += b"\0"
    else:
        data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="SHA-256"):
        load_model(path)


def test_missing_metadata_is_refused(saved, tmp_path):
    path = _copy(saved, tmp_path)
    path.with_name(path.name + ".meta.json").unlink()
    with pytest.raises(FileNotFoundError, match="metadata"):
        load_model(path)


def test_missing_model_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_model(tmp_path / "nothing.joblib")


def test_other_sklearn_version_is_refused(saved, tmp_path):
    path = _copy(saved, tmp_path)
    meta_path = path.with_name(path.name + ".meta.json")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["sklearn_version"] = "0.24.2"
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ValueError, match=r"0\.24\.2"):
        load_model(path)


def test_default_model_is_cached(default_model):
    start = time.perf_counter()
    again = load_model()
    elapsed = time.perf_counter() - start
    assert again is default_model or elapsed < 1.0


# ---------------------------------------------------------------------------------------------
# Prediction
# ---------------------------------------------------------------------------------------------


def test_classes_are_the_three_labels(default_model, small_model):
    assert list(default_model.classes_) == list(LABELS)
    assert list(small_model.classes_) == list(LABELS)


def test_predict_accepts_every_empty_holder(default_model):
    text = "Japan condemned Russia's invasion of Ukraine."
    X = pd.DataFrame({"text": [text] * 3, "holder": [None, np.nan, ""], "target": ["RUS"] * 3})
    no_column = pd.DataFrame({"text": [text], "target": ["RUS"]})
    pred = default_model.predict(X)
    proba = default_model.predict_proba(X)
    assert len(set(pred)) == 1
    assert pred[0] == default_model.predict(no_column)[0]
    np.testing.assert_allclose(proba, np.repeat(default_model.predict_proba(no_column), 3, axis=0))


def test_holder_changes_the_prediction_input(default_model):
    X = pd.DataFrame({"text": ["Japan condemned Russia's invasion of Ukraine."] * 2,
                      "holder": ["JPN", ""], "target": ["RUS", "RUS"]})
    proba = default_model.predict_proba(X)
    assert not np.allclose(proba[0], proba[1])
    assert default_model.predict(X)[0] == "oppose"


def test_empty_frame(default_model):
    empty = pd.DataFrame(columns=FEATURES)
    assert len(default_model.predict(empty)) == 0
    assert default_model.predict_proba(empty).shape == (0, 3)


def test_probabilities_sum_to_one(small_model, test_split):
    X = test_split[FEATURES].head(40)
    proba = small_model.predict_proba(X)
    assert proba.shape == (40, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-9)
    assert np.all(proba >= 0)
    np.testing.assert_array_equal(small_model.classes_[proba.argmax(axis=1)], small_model.predict(X))


@pytest.mark.parametrize("text, holder, target, expected", [
    ("Japan condemned North Korea's missile launch.", "JPN", "PRK", "oppose"),
    ("Japan condemned Russia's invasion of Ukraine.", "JPN", "RUS", "oppose"),
])
def test_any_target_code_works(default_model, text, holder, target, expected):
    X = pd.DataFrame({"text": [text], "holder": [holder], "target": [target]})
    assert default_model.predict(X).tolist() == [expected]


def test_predict_rejects_bad_rows(default_model):
    with pytest.raises(ValueError, match="target"):
        default_model.predict(pd.DataFrame({"text": ["Japan condemned Russia."]}))
    with pytest.raises(ValueError, match=r"'text'.*rows 1"):
        default_model.predict(pd.DataFrame({"text": ["a", None], "target": ["RUS", "RUS"]}))


def test_predict_accepts_pd_na_holder(small_model):
    X = pd.DataFrame({"text": ["Japan condemned Russia."] * 2, "holder": ["JPN", None],
                      "target": ["RUS", "RUS"]}).convert_dtypes()
    assert len(small_model.predict(X)) == 2


# ---------------------------------------------------------------------------------------------
# Evaluation
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def evaluation(small_model, test_split):
    return evaluate(small_model, test_split)


def test_evaluate_fields(evaluation, test_split):
    n = len(test_split)
    assert evaluation.n == n
    assert 0 <= evaluation.macro_f1 <= 1 and 0 <= evaluation.f_avg <= 1
    assert list(evaluation.per_class.index) == list(LABELS)
    assert {"precision", "recall", "f1", "support"} <= set(evaluation.per_class.columns)
    assert evaluation.per_class["support"].sum() == n
    assert evaluation.confusion.shape == (3, 3)
    assert int(evaluation.confusion.to_numpy().sum()) == n
    assert {"majority_class", "textblob_polarity", "model"} <= set(evaluation.baselines.index)
    assert evaluation.to_dict()["n"] == n
    assert "macro-F1" in str(evaluation)


def test_evaluate_scores_match_sklearn(evaluation, test_split):
    y = test_split["stance"].to_numpy()
    pred = evaluation.predictions
    assert evaluation.macro_f1 == pytest.approx(f1_score(y, pred, average="macro"))
    favg = f1_score(y, pred, labels=["oppose", "support"], average=None).mean()
    assert evaluation.f_avg == pytest.approx(favg)
    np.testing.assert_allclose(evaluation.per_class["f1"].to_numpy(),
                               f1_score(y, pred, labels=list(LABELS), average=None))
    diag = np.diag(evaluation.confusion.to_numpy()).sum()
    assert evaluation.accuracy == pytest.approx(diag / len(y))


def test_model_beats_the_baselines(evaluation):
    base = evaluation.baselines
    assert evaluation.macro_f1 > base.loc["textblob_polarity", "macro_f1"]
    assert evaluation.macro_f1 > base.loc["majority_class", "macro_f1"]
    assert base.loc["model", "macro_f1"] == pytest.approx(evaluation.macro_f1)


def test_evaluate_rejects_bad_data(small_model):
    with pytest.raises(ValueError, match="stance"):
        evaluate(small_model, _frame().drop(columns="stance"))


# ---------------------------------------------------------------------------------------------
# Explanations
# ---------------------------------------------------------------------------------------------


def test_explain(default_model):
    table = explain("Japan condemned Russia's invasion of Ukraine.", "RUS", "JPN", model=default_model, top=8)
    assert list(table.columns) == ["feature", "value", "weight", "contribution"]
    assert 0 < len(table) <= 8
    contrib = table["contribution"].abs().to_numpy()
    assert np.all(contrib[:-1] >= contrib[1:])
    np.testing.assert_allclose(table["contribution"], table["value"] * table["weight"])
    attrs = table.attrs
    assert attrs["prediction"] == "oppose"
    assert set(attrs["probabilities"]) == set(LABELS)
    assert sum(attrs["probabilities"].values()) == pytest.approx(1.0, abs=1e-3)
    assert max(attrs["probabilities"], key=attrs["probabilities"].get) == attrs["prediction"]


def test_explain_method_matches_function(small_model):
    args = ("China and Russia signed a friendship treaty.", "RUS", "CHN")
    by_method = small_model.explain(*args)
    by_function = explain(*args, model=small_model)
    pd.testing.assert_frame_equal(by_method, by_function)
    X = pd.DataFrame({"text": [args[0]], "holder": [args[2]], "target": [args[1]]})
    assert by_method.attrs["prediction"] == small_model.predict(X)[0]


def test_explain_rejects_non_text(small_model):
    with pytest.raises(TypeError, match="text"):
        explain(None, "RUS", model=small_model)
    with pytest.raises(TypeError, match="target"):
        explain("Japan condemned Russia.", None, model=small_model)


def test_model_cache_key_covers_every_module_the_model_code_imports():
    """Regression: matching.py (alias matching, split from actors.py) was missing from the cache key,
    so a change to it would have kept serving a model built by the old code."""
    import ast
    from pathlib import Path

    from stance.model import _MODEL_SOURCES

    package = Path(stance.__file__).parent
    not_model = {"io.py": "atomic file writing", "_version.py": "already in the cache file's name"}
    seen, todo = set(), list(_MODEL_SOURCES)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for node in ast.walk(ast.parse((package / name).read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module:
                todo.append(node.module.split(".")[0] + ".py")
    missing = seen - set(_MODEL_SOURCES) - set(not_model)
    assert not missing, f"modules the model code imports but the cache key ignores: {missing}"


def test_training_fits_with_one_blas_thread(monkeypatch):
    """Fitting runs under a one-thread BLAS/OpenMP limit (a pool as wide as the machine
    oversubscribes a small one); what the limit reports while the holder model is fitted."""
    from threadpoolctl import threadpool_info

    import stance.model as M

    seen = []
    real = M._train_holders

    def spy(frames):
        seen.extend(info["num_threads"] for info in threadpool_info())
        return real(frames)

    monkeypatch.setattr(M, "_train_holders", spy)
    M.train(stance.default_corpus("train").sample(300, random_state=0), cv=2)
    assert seen and set(seen) == {1}


def test_building_the_default_model_says_so_on_stderr(monkeypatch, tmp_path, capsys, small_model):
    import stance.model as M

    monkeypatch.setattr(M, "_default_path", lambda: tmp_path / "default.joblib")
    monkeypatch.setattr(M, "train", lambda data=None, **kw: small_model)
    M._default_model.cache_clear()
    try:
        assert M._default_model() is small_model
        err = capsys.readouterr().err
        assert "training the default model" in err and str(tmp_path) in err
        M._default_model.cache_clear()
        M._default_model()  # now cached on disk: loaded, nothing said
        assert "training the default model" not in capsys.readouterr().err
    finally:
        M._default_model.cache_clear()
