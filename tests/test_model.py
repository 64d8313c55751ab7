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
from stance.model import (
    LABELS,
    build_pipeline,
    default_corpus,
    evaluate,
    explain,
    load_model,
    train,
    validate_training_data,
)

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
    (_frame(holder=(3, "Estonia")), r"unknown holder code.*'Estonia' in rows 3 \(did you mean 'EST'\?\)"),
    (_frame(holder=(3, "gbr")), r"unknown holder code.*'gbr' in rows 3 \(did you mean 'GBR'\?\)"),
    (_frame(target=(2, "XYZ")), r"unknown target code.*'XYZ' in rows 2\. A target must be an actor code"),
    (_frame(target=(2, "Putin")), r"'Putin' in rows 2 \(did you mean 'RUS', Russia\?\)"),
], ids=["no-stance-column", "no-text-column", "empty-text", "blank-text", "nan-text", "none-text",
        "unknown-label", "holder-is-target", "empty-target", "nan-target", "holder-name",
        "holder-lower-case", "unknown-target", "target-leader"])
def test_train_rejects_bad_frames(frame, pattern):
    with pytest.raises(ValueError, match=pattern):
        train(frame, cv=2)


def test_unknown_codes_are_named_with_their_file_lines():
    frame = _frame(holder=(1, "Estonia"), target=(4, "XYZ"))
    with pytest.raises(ValueError, match=r"^labels\.csv: unknown target code\(s\): 'XYZ' in lines 6\."):
        validate_training_data(frame, name="labels.csv", line_offset=2)
    frame = _frame(holder=(1, "Estonia"))
    frame.loc[4, "holder"] = "Estonia"
    frame.loc[5, "holder"] = " XYZ "
    with pytest.raises(ValueError, match=r"'Estonia' in lines 3, 6 \(did you mean 'EST'\?\); "
                                         r"'XYZ' in lines 7\. .*or empty for no holder"):
        validate_training_data(frame, name="labels.csv", line_offset=2)


def test_labels_and_codes_are_normalised_as_before():
    frame = _frame(stance=(0, " Oppose "), holder=(1, " CHN "))
    rows = validate_training_data(frame)
    assert rows["stance"].tolist() == ["oppose", "support", "neutral", "oppose", "support", "neutral"]
    assert rows["holder"].tolist()[:2] == ["JPN", "CHN"]
    with pytest.raises(ValueError, match=r"unknown stance label.*'Oppose!'"):
        validate_training_data(_frame(stance=(0, "Oppose!")))


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
    assert loaded.holders_ is not None


def test_metadata_file(small_model, saved):
    meta = json.loads(saved.with_name(saved.name + ".meta.json").read_text(encoding="utf-8"))
    for key in ("stance_version", "sklearn_version", "labels", "training_sha256", "created", "file_sha256"):
        assert key in meta, key
    assert meta["stance_version"] == stance.__version__
    assert meta["sklearn_version"] == sklearn.__version__
    assert meta["labels"] == list(LABELS)
    assert len(meta["training_sha256"]) == 64 and len(meta["file_sha256"]) == 64
    assert meta["training_sha256"] == small_model.metadata_["training_sha256"]
    assert meta["n_rows"] == 600
    assert meta["training_rows"]["fraction"] == 1.0
    hashes = meta["training_rows"]["hashes"]
    assert len(hashes) == 600 and hashes == sorted(hashes) and all(len(h) == 16 for h in hashes)
    import hashlib
    assert meta["file_sha256"] == hashlib.sha256(saved.read_bytes()).hexdigest()


@pytest.mark.filterwarnings("ignore:the training rows give no holder candidates:UserWarning")
def test_same_training_rows_same_training_hash():
    a = train(_frame(), cv=2)
    b = train(_frame(), cv=2)
    c = train(_frame(text=(0, "Japan denounced Russia.")), cv=2)
    assert a.metadata_["training_sha256"] == b.metadata_["training_sha256"]
    assert a.metadata_["training_sha256"] != c.metadata_["training_sha256"]


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


def _edit_meta(path, edit):
    """Rewrite the metadata beside ``path``: ``edit`` is JSON text, or a function of the dict."""
    meta_path = path.with_name(path.name + ".meta.json")
    if isinstance(edit, str):
        meta_path.write_text(edit, encoding="utf-8")
    else:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        edit(meta)
        meta_path.write_text(json.dumps(meta), encoding="utf-8")
    return meta_path


def _set(**fields):
    return lambda meta: meta.update(fields)


def _drop(key):
    return lambda meta: meta.pop(key)


def _count_plus_one(meta):
    meta["label_counts"]["oppose"] += 1


def _count_negative(meta):
    meta["label_counts"]["oppose"] = -meta["label_counts"]["oppose"]


def _two_labels(meta):
    # consistent metadata (labels, their counts, n_rows) that the unpickled model contradicts
    meta["labels"] = ["oppose", "support"]
    del meta["label_counts"]["neutral"]
    meta["n_rows"] = sum(meta["label_counts"].values())
    meta["training_rows"]["hashes"] = meta["training_rows"]["hashes"][:10]


@pytest.mark.parametrize("edit, pattern", [
    ("null", r"metadata must be a JSON object, got null"),
    ("[]", r"metadata must be a JSON object, got an array of 0"),
    ('"model"', r"metadata must be a JSON object, got 'model'"),
    ("{", r"unreadable metadata"),
    (_drop("file_sha256"), r"field 'file_sha256' is missing"),
    (_drop("labels"), r"field 'labels' is missing"),
    (_set(labels="neutral oppose support"), r"field 'labels' must be an array"),
    (_set(labels=["neutral", "oppose", "favour"]), r"field 'labels' must list two or three of"),
    (_set(labels=["support", "oppose", "neutral"]), r"field 'labels' must list .* in that order"),
    (_two_labels, r"field 'labels' is \['oppose', 'support'\], but the model's classes are"),
    (_set(label_counts=None), r"field 'label_counts' must be an object, got null"),
    (_set(label_counts={"oppose": 300, "support": 300}), r"'label_counts' must count exactly the labels"),
    (_count_plus_one, r"field 'label_counts' sums to 601, but 'n_rows' is 600"),
    (_count_negative, r"field 'label_counts' must hold non-negative integers"),
    (_set(n_rows="600"), r"field 'n_rows' must be an integer, got '600'"),
    (_set(n_rows=600.0), r"field 'n_rows' must be an integer"),
    (_set(stance_version=None), r"field 'stance_version' must be a string, got null"),
    (_set(stance_version=1), r"field 'stance_version' must be a string, got 1"),
    (_set(stance_version=""), r"field 'stance_version' is empty"),
    (_set(sklearn_version=["1.5"]), r"field 'sklearn_version' must be a string"),
    (_set(library="other"), r"field 'library' must be \"stance\""),
    (_set(file_sha256="abc"), r"field 'file_sha256' must be 64 hex digits"),
    (_set(training_sha256=None), r"field 'training_sha256' must be a string"),
    (_set(created="yesterday"), r"field 'created' must be an ISO date"),
    (_set(include_default="no"), r"field 'include_default' must be a boolean"),
    (_set(corpus_split="all"), r"field 'corpus_split' must be \"train\", \"test\" or null"),
    (_set(params=[]), r"field 'params' must be an object"),
    (_set(metrics=None), r"field 'metrics' must be an object"),
    (_set(default="yes"), r"field 'default' must be a boolean"),
    (_set(training_rows={"fraction": 2, "hashes": []}), r"'training_rows' must have a 'fraction'"),
    (_set(training_rows={"fraction": 1.0, "hashes": ["xyz"]}), r"'training_rows' must have 'hashes'"),
], ids=lambda v: v if isinstance(v, str) and len(v) < 12 else None)
def test_bad_metadata_is_refused_naming_file_and_field(saved, tmp_path, edit, pattern):
    path = _copy(saved, tmp_path)
    meta_path = _edit_meta(path, edit)
    with pytest.raises(ValueError, match=pattern) as raised:
        load_model(path)
    assert str(raised.value).startswith(str(meta_path))


def test_optional_metadata_fields_may_be_absent(saved, tmp_path):
    """Models saved before ``training_rows`` (or ``corpus_split``) existed still load."""
    path = _copy(saved, tmp_path)
    _edit_meta(path, lambda meta: [meta.pop(k) for k in ("training_rows", "corpus_split")])
    model = load_model(path)
    assert "training_rows" not in model.metadata_


def test_other_stance_version_loads_with_a_warning(saved, tmp_path, test_split):
    path = _copy(saved, tmp_path)
    _edit_meta(path, _set(stance_version="0.0.1"))
    with pytest.warns(UserWarning, match=r"saved by stance 0\.0\.1, but this is stance .*retrain"):
        model = load_model(path)
    assert len(model.predict(test_split[FEATURES].head(3))) == 3


def test_unpicklable_model_is_refused_with_the_file_named(saved, tmp_path):
    """A file whose hash matches but which the installed code cannot unpickle: no traceback."""
    path = _copy(saved, tmp_path)
    path.write_bytes(b"not a joblib file")
    import hashlib

    _edit_meta(path, _set(file_sha256=hashlib.sha256(path.read_bytes()).hexdigest()))
    with pytest.raises(ValueError, match=r"cannot load the model saved by stance"):
        load_model(path)


# ---------------------------------------------------------------------------------------------
# The default model's cache: a bad cache is rebuilt; one process builds it at a time
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def private_default(monkeypatch, tmp_path, small_model):
    """The default model built into tmp_path by a stand-in train() that counts its calls."""
    import stance.model as M

    calls = []

    def cheap_train(data=None, **params):
        calls.append(data)
        return M.StanceModel.from_fitted(small_model.pipeline_, dict(small_model.metadata_),
                                         small_model.holders_)

    path = tmp_path / "default.joblib"
    monkeypatch.setattr(M, "_default_path", lambda: path)
    monkeypatch.setattr(M, "train", cheap_train)
    M._default_model.cache_clear()
    yield path, calls
    M._default_model.cache_clear()


def _truncate(path):
    path.write_bytes(path.read_bytes()[:100])


@pytest.mark.parametrize("damage", [
    lambda p: _edit_meta(p, "null"),
    lambda p: _edit_meta(p, "[]"),
    lambda p: _edit_meta(p, "{"),
    lambda p: _edit_meta(p, _count_plus_one),
    lambda p: _edit_meta(p, _set(stance_version="0.0.1")),
    lambda p: _edit_meta(p, "").unlink(),
    _truncate,
], ids=["null", "array", "bad-json", "label-counts", "stance-version", "no-metadata", "truncated"])
def test_bad_default_cache_warns_once_and_is_rebuilt(private_default, damage):
    import warnings

    import stance.model as M

    path, calls = private_default
    M._default_model()
    assert len(calls) == 1 and path.is_file()
    damage(path)
    M._default_model.cache_clear()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = M._default_model()
    messages = [str(w.message) for w in caught]
    assert len(messages) == 1 and "cached default model unusable" in messages[0], messages
    assert "retraining" in messages[0]
    assert len(calls) == 2 and model.metadata_["default"] is True
    M._default_model.cache_clear()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert M._default_model().metadata_["file_sha256"] == model.metadata_["file_sha256"]
    assert len(calls) == 2  # the rebuilt cache is served


def _lock_is_free(lock_path) -> bool:
    fcntl = pytest.importorskip("fcntl")
    with open(lock_path, "a+b") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
        return True


def test_file_lock_is_released_on_every_exit(tmp_path):
    from stance._lock import file_lock

    lock = tmp_path / "cache" / "x.lock"
    with file_lock(lock) as held:
        assert held and lock.is_file() and not _lock_is_free(lock)
    assert _lock_is_free(lock)
    with pytest.raises(RuntimeError), file_lock(lock):
        raise RuntimeError("failed inside")
    assert _lock_is_free(lock)


def test_file_lock_waits_for_the_holder(tmp_path):
    import threading

    from stance._lock import file_lock

    lock, events = tmp_path / "x.lock", []

    def second():
        with file_lock(lock, waiting=lambda: events.append("waiting")):
            events.append("locked")

    with file_lock(lock):
        thread = threading.Thread(target=second)
        thread.start()
        thread.join(0.5)
        assert events == ["waiting"]  # blocked while this block holds the lock
        events.append("released")
    thread.join(10)
    assert events == ["waiting", "released", "locked"]


def test_default_model_lock_is_released_when_training_fails(private_default, monkeypatch):
    import stance.model as M

    path, _ = private_default

    def failing_train(data=None, **params):
        assert not _lock_is_free(path.parent / M._LOCK_NAME)
        raise RuntimeError("training failed")

    monkeypatch.setattr(M, "train", failing_train)
    with pytest.raises(RuntimeError, match="training failed"):
        M._default_model()
    assert _lock_is_free(path.parent / M._LOCK_NAME)


_BUILDER = r"""
import os, sys, time
from pathlib import Path

import stance.model as M

shared, saved = Path(sys.argv[1]), sys.argv[2]


def cheap_train(data=None, **params):
    with open(shared / "trained.txt", "a") as fh:
        fh.write(f"{os.getpid()}\n")
    # wait until both processes have asked for the model, then a little longer: the other one is
    # then at the lock (without a lock, it would be training too)
    deadline = time.monotonic() + 40
    while len(list(shared.glob("asked-*"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1.0)
    return M.load_model(saved)


M.train = cheap_train
(shared / f"asked-{os.getpid()}").touch()
print(M.load_model().metadata_["file_sha256"])
"""


def test_two_processes_build_the_default_model_once(saved, tmp_path):
    """Two processes ask for the default model of an empty cache at once: one trains, the other
    waits for its lock, then loads what it wrote."""
    import os
    import subprocess
    import sys

    pytest.importorskip("fcntl")
    script = tmp_path / "builder.py"
    script.write_text(_BUILDER, encoding="utf-8")
    env = dict(os.environ, STANCE_CACHE_DIR=str(tmp_path / "cache"))
    procs = [subprocess.Popen([sys.executable, str(script), str(tmp_path), str(saved)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outputs = [p.communicate(timeout=120) for p in procs]
    for proc, (_, err) in zip(procs, outputs):
        assert proc.returncode == 0, err
    trained = (tmp_path / "trained.txt").read_text().split()
    assert len(trained) == 1, outputs
    digests = {out.strip() for out, _ in outputs}
    assert len(digests) == 1
    (meta_path,) = (tmp_path / "cache").glob("default-*.joblib.meta.json")
    assert json.loads(meta_path.read_text(encoding="utf-8"))["file_sha256"] in digests
    assert _lock_is_free(tmp_path / "cache" / "default-model.lock")


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


def _small_model_rows() -> pd.DataFrame:
    """The rows conftest's small_model was trained on."""
    return default_corpus("train").sample(600, random_state=0)


def _overlap_warnings(caught) -> list[str]:
    return [str(w.message) for w in caught if "evaluation rows are training rows" in str(w.message)]


def test_evaluate_warns_when_rows_were_training_rows(small_model, test_split):
    import warnings

    seen = _small_model_rows().head(30).copy()
    seen["text"] = "  " + seen["text"].str.replace(" ", "  ") + " "  # the same row, spaced out
    data = pd.concat([seen, test_split.head(20)], ignore_index=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = evaluate(small_model, data)
    assert result.n == 50
    assert _overlap_warnings(caught) == [
        "30 of the 50 evaluation rows are training rows of the model (same text, holder and "
        "target): the scores overstate its accuracy on new text"]


def test_evaluate_does_not_warn_on_new_rows(small_model, test_split):
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        evaluate(small_model, test_split.head(40))
    assert _overlap_warnings(caught) == []
    untracked = stance.StanceModel.from_fitted(small_model.pipeline_, {
        k: v for k, v in small_model.metadata_.items() if k != "training_rows"}, small_model.holders_)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        evaluate(untracked, _small_model_rows().head(10))  # a model saved without row hashes
    assert _overlap_warnings(caught) == []


def test_overlap_is_estimated_from_a_share_of_many_training_rows(monkeypatch):
    import warnings
    from types import SimpleNamespace

    import stance.model as M

    rows = M.validate_training_data(default_corpus("train").head(2000))
    monkeypatch.setattr(M, "_MAX_ROW_HASHES", 500)
    info = M._training_rows(rows)
    assert info["fraction"] == 0.25 and 350 < len(info["hashes"]) < 650
    assert all(int(h, 16) < M._hash_cutoff(0.25) for h in info["hashes"])
    with pytest.warns(UserWarning, match=r"^about [\d,]+ of the 1,000 evaluation rows .*estimated") as w:
        M._warn_overlap(SimpleNamespace(metadata_={"training_rows": info}), rows.head(1000))
    estimate = int(str(w[0].message).split()[1].replace(",", ""))
    assert 600 < estimate <= 1000
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        M._warn_overlap(SimpleNamespace(metadata_={"training_rows": info}), rows.tail(0))
        M._warn_overlap(SimpleNamespace(metadata_={"training_rows": M._training_rows(rows.head(1000))}),
                        rows.tail(500))


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
    not_model = {"io.py": "atomic file writing", "_version.py": "already in the cache file's name",
                 "_lock.py": "the lock around building the default model"}
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


# ---------------------------------------------------------------------------------------------
# The act that links the holder to the target (act_evidence)
# ---------------------------------------------------------------------------------------------


def test_act_likelihood_is_fitted_from_the_training_rows(small_model, default_model):
    for model in (small_model, default_model):
        lik = model.act_likelihood_
        assert lik.shape == (3, 3)
        np.testing.assert_allclose(lik.sum(axis=1), 1.0)
        # on the bundled corpus the act's implied stance is most often the true stance
        assert (lik.argmax(axis=1) == np.arange(3)).all()
    assert default_model.get_params()["act_evidence"] is True
    assert default_model.metadata_["params"]["act_evidence"] is True


def test_act_evidence_off_leaves_the_classifier_s_probabilities(small_data):
    model = stance.StanceModel(cv=2, char_ngrams=(2, 3), holder_model=False, act_evidence=False)
    model.fit(small_data, small_data["stance"])
    assert model.act_likelihood_ is None
    X = small_data[FEATURES].head(40)
    np.testing.assert_array_equal(model.predict_proba(X), model.pipeline_.predict_proba(X))


def test_rows_no_act_links_keep_the_classifier_s_probabilities(default_model, test_split):
    from stance.events import implied_stances

    X = test_split[FEATURES].head(300)
    acts = implied_stances(X)
    assert (acts != "").any() and (acts == "").any()
    words = default_model.pipeline_.predict_proba(X)
    proba = default_model.predict_proba(X)
    np.testing.assert_array_equal(proba[acts == ""], words[acts == ""])
    assert not np.allclose(proba[acts != ""], words[acts != ""])
    # predict is the most probable class of predict_proba, act or not
    np.testing.assert_array_equal(default_model.predict(X), default_model.classes_[proba.argmax(axis=1)])


@pytest.mark.parametrize(("text", "holder", "target", "expected"), [
    # the act, not the words (issue 21's examples): buying from the target supports it,
    # halting purchases from it opposes it, suing it opposes it
    ("Vietnam orders Su-30 fighters from Moscow.", "VNM", "RUS", "support"),
    ("India bought S-400 missiles from Russia.", "IND", "RUS", "support"),
    ("Estonia halts all purchases of Russian electricity and gas ahead of its exit from the BRELL "
     "grid.", "EST", "RUS", "oppose"),
    ("Georgia sues Russia at the European Court of Human Rights.", "GEO", "RUS", "oppose"),
    # switching recognition opposes the one it leaves and supports the one it goes to
    ("Saint Lucia switched its diplomatic recognition from Beijing to Taipei.", "LCA", "CHN", "oppose"),
    ("Saint Lucia switched its diplomatic recognition from Beijing to Taipei.", "LCA", "TWN", "support"),
])
def test_the_act_decides_where_the_words_mislead(default_model, text, holder, target, expected):
    rows = stance.analyze([text], model=default_model)
    row = rows[(rows["holder"] == holder) & (rows["target"] == target)]
    assert row["stance"].tolist() == [expected]
    assert default_model.predict([{"text": text, "holder": holder, "target": target}]).tolist() == [expected]


def test_act_likelihood_survives_save_and_load(small_model, saved):
    loaded = load_model(saved)
    np.testing.assert_array_equal(loaded.act_likelihood_, small_model.act_likelihood_)
    assert loaded.act_evidence is True


def test_a_model_without_act_likelihood_has_act_evidence_off(small_model, test_split):
    # what a file saved before act_evidence existed loads as
    old = stance.StanceModel.from_fitted(small_model.pipeline_, dict(small_model.metadata_),
                                         small_model.holders_)
    assert old.act_evidence is False and old.act_likelihood_ is None
    X = test_split[FEATURES].head(40)
    np.testing.assert_array_equal(old.predict_proba(X), small_model.pipeline_.predict_proba(X))


def test_explain_shows_the_act_and_the_classifier_s_own_probabilities(default_model):
    table = default_model.explain("Vietnam orders Su-30 fighters from Moscow.", "RUS", "VNM")
    assert table.attrs["act"] == "support"
    assert table.attrs["prediction"] == "support"
    assert set(table.attrs["classifier_probabilities"]) == {"oppose", "neutral", "support"}
    assert table.attrs["events"]["type"].tolist() == ["COOPERATE"]
