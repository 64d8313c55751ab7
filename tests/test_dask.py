"""stance.dask: partition-wise analysis and a tree-reduced profile equal the single-process ones."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

import stance  # noqa: E402
from stance.dask import analyze_dask, profile_dask  # noqa: E402

SAMPLE = Path(__file__).resolve().parents[1] / "datasets" / "sample_articles.csv"


@pytest.fixture(scope="module")
def docs() -> pd.DataFrame:
    return pd.read_csv(SAMPLE)


@pytest.fixture(scope="module")
def cluster_client():
    """A LocalCluster with two worker processes (one thread each)."""
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=40) as cluster, Client(cluster) as client:
        yield client


def _sorted(rows: pd.DataFrame) -> pd.DataFrame:
    return rows.sort_values(["doc_id", "sentence_id", "target", "holder"]).reset_index(drop=True)


def test_local_cluster_two_workers_equals_single_process(docs, small_model, cluster_client):
    kw = {"id_col": "id", "date_col": "date", "speaker_col": "speaker", "source_col": "source"}
    expected = stance.analyze(docs, model=small_model, **kw)
    ddf = dd.from_pandas(docs, npartitions=5)
    lazy = analyze_dask(ddf, model=small_model, **kw)
    assert list(lazy.columns) == list(expected.columns)
    got = lazy.compute()
    assert len(cluster_client.scheduler_info()["workers"]) == 2
    pd.testing.assert_frame_equal(_sorted(got), _sorted(expected), check_dtype=False)

    for by in (None, "year", "source"):
        single = stance.profile(expected, by=by)
        tree = profile_dask(lazy, by=by, split_every=2)
        pd.testing.assert_frame_equal(tree, single, check_exact=False, rtol=1e-12, atol=1e-12)


def test_meta_matches_the_single_process_dtypes(docs, small_model):
    kw = {"id_col": "id", "date_col": "date", "source_col": "source"}
    lazy = analyze_dask(dd.from_pandas(docs.head(6), npartitions=2), model=small_model, **kw)
    expected = stance.analyze(docs.head(6), model=small_model, **kw)
    assert list(lazy._meta.columns) == list(expected.columns)
    for column in expected.columns:
        assert lazy._meta[column].dtype.kind == expected[column].dtype.kind, column


def test_without_id_col_doc_id_is_the_index_label(docs, small_model):
    frame = docs.head(8).set_index(pd.Index([f"n{i}" for i in range(8)]))
    got = analyze_dask(dd.from_pandas(frame, npartitions=3), model=small_model).compute(
        scheduler="sync")
    assert set(got["doc_id"]) <= set(frame.index)
    assert len(got) > 0


def test_partition_with_no_target_gives_empty_typed_rows(small_model):
    frame = pd.DataFrame({"text": ["Rain fell in the hills.", "Japan condemned Russia."]})
    got = analyze_dask(dd.from_pandas(frame, npartitions=2), model=small_model).compute(
        scheduler="sync")
    assert got["target"].tolist() == ["RUS"]


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"text_col": "body"}, "text_col='body' is not a column"),
    ({"targets": "CHN"}, "targets must be a non-empty sequence"),
])
def test_bad_arguments_are_named(docs, small_model, kwargs, message):
    with pytest.raises(ValueError, match=message):
        analyze_dask(dd.from_pandas(docs.head(2), npartitions=1), model=small_model, **kwargs)


def test_not_a_dask_frame(small_model):
    with pytest.raises(TypeError, match="must be a Dask DataFrame"):
        analyze_dask(pd.DataFrame({"text": ["x"]}), model=small_model)


def test_split_every_must_be_at_least_two(docs, small_model):
    lazy = analyze_dask(dd.from_pandas(docs.head(2), npartitions=1), model=small_model)
    with pytest.raises(ValueError, match="split_every"):
        profile_dask(lazy, split_every=1)
