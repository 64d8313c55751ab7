"""The command line on bad model files and bad training files: one line naming the file, exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from conftest import assert_error, run

import stance


@pytest.fixture(scope="module")
def training_rows() -> pd.DataFrame:
    """Rows the conftest small_model was trained on."""
    return stance.default_corpus("train").sample(600, random_state=0)


@pytest.fixture(scope="module")
def labelled(tmp_path_factory, training_rows) -> Path:
    path = tmp_path_factory.mktemp("labels") / "labels.csv"
    training_rows.head(12)[["text", "holder", "target", "stance"]].to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def saved(tmp_path_factory, small_model) -> Path:
    path = tmp_path_factory.mktemp("model") / "m.joblib"
    stance.StanceModel.from_fitted(small_model.pipeline_, dict(small_model.metadata_),
                                   small_model.holders_).save(path)
    return path


@pytest.mark.parametrize("content, message", [
    ("null", "the metadata must be a JSON object, got null"),
    ("[]", "the metadata must be a JSON object, got an array of 0"),
])
def test_metadata_that_is_no_object(capsys, tmp_path, labelled, content, message):
    """Regression: `null` or `[]` raised AttributeError, a traceback from the command line."""
    model = tmp_path / "m.joblib"
    model.write_bytes(b"whatever: refused before it is read")
    meta = tmp_path / "m.joblib.meta.json"
    meta.write_text(content, encoding="utf-8")
    code, _, err = run(capsys, "evaluate", labelled, "--model", model)
    assert_error(code, err, str(meta), message)


def test_edited_metadata_field(capsys, tmp_path, labelled, saved):
    model = tmp_path / "m.joblib"
    model.write_bytes(saved.read_bytes())
    meta = json.loads(saved.with_name(saved.name + ".meta.json").read_text(encoding="utf-8"))
    meta["label_counts"]["support"] += 5
    meta_path = tmp_path / "m.joblib.meta.json"
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    code, _, err = run(capsys, "evaluate", labelled, "--model", model)
    assert_error(code, err, str(meta_path), "'label_counts' sums to 605, but 'n_rows' is 600")


def test_train_names_unknown_codes_and_their_lines(capsys, tmp_path, labelled):
    data = pd.read_csv(labelled, dtype=str, keep_default_na=False)
    data.loc[1, "holder"] = "Estonia"  # line 3 of the file
    data.loc[3, "target"] = "XYZ"  # line 5
    bad = tmp_path / "bad.csv"
    data.to_csv(bad, index=False)
    out = tmp_path / "out.joblib"
    code, _, err = run(capsys, "train", bad, "-o", out)
    assert_error(code, err, str(bad), "unknown target code(s): 'XYZ' in lines 5.")
    data.loc[3, "target"] = "RUS" if data.loc[3, "holder"] != "RUS" else "CHN"
    data.to_csv(bad, index=False)
    code, _, err = run(capsys, "train", bad, "-o", out)
    assert_error(code, err, str(bad), "unknown holder code(s): 'Estonia' in lines 3 (did you mean 'EST'?)")
    assert not out.exists()


def test_evaluate_warns_about_training_rows(capsys, labelled, saved):
    # pytest records the warning that the command line would print on stderr
    with pytest.warns(UserWarning, match="^12 of the 12 evaluation rows are training rows of the model"):
        code, out, err = run(capsys, "evaluate", labelled, "--model", saved)
    assert code == 0, err
    assert "rows scored: 12" in out


def test_the_cache_keeps_the_three_most_recently_used_default_models(tmp_path):
    import os

    import stance.model as M

    for i in range(6):
        model = tmp_path / f"default-0.1.{i}-sklearn1-abc{i}.joblib"
        model.write_bytes(b"model")
        (tmp_path / (model.name + ".meta.json")).write_text("{}")
        os.utime(model, (1000 + i, 1000 + i))
    M._touch(tmp_path / "default-0.1.0-sklearn1-abc0.joblib")  # used just now
    (tmp_path / "stance-model-123-x.joblib").write_bytes(b"not a default model")
    removed = M._prune_default_models(tmp_path)
    assert sorted(p.name for p in removed) == [f"default-0.1.{i}-sklearn1-abc{i}.joblib"
                                               for i in (1, 2, 3)]
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted([*(f"default-0.1.{i}-sklearn1-abc{i}.joblib{s}" for i in (0, 4, 5)
                             for s in ("", ".meta.json")), "stance-model-123-x.joblib"])
