"""Analyse and profile corpora larger than one machine with Dask (``pip install "stance[dask]"``).

:func:`analyze_dask` runs :func:`stance.analyze` on each partition of a Dask DataFrame
(``map_partitions`` with the exact ``meta`` of the result), so the work spreads over every worker
of a ``distributed`` cluster; the model is put into the graph once and shipped to each worker once.
:func:`profile_dask` aggregates every partition to the additive sums of
:func:`stance.profiles.aggregate` and adds them up in a tree (``split_every`` at a time), so no
worker ever holds more than a few partitions' sums; the final profile equals the one
:func:`stance.profile` computes in one process.

A document must not be split across partitions (each row of the input is one document, so this
holds for any partitioning of a document table).

Examples
--------
On a multi-machine cluster, connect a client first; everything else is the same::

    from dask.distributed import Client
    import dask.dataframe as dd
    from stance.dask import analyze_dask, profile_dask

    client = Client("tcp://scheduler-host:8786")
    docs = dd.read_parquet("s3://bucket/news/*.parquet")
    rows = analyze_dask(docs, id_col="id", date_col="date", source_col="source")
    rows.to_parquet("s3://bucket/stance-rows/")          # one file per partition
    prof = profile_dask(rows, by="year")
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from .analysis import (
    DEFAULT_TARGETS,
    _analyze_partition,
    _check_columns,
    _check_targets,
    _empty_rows,
)
from .profiles import aggregate, finalize, merge

__all__ = ["analyze_dask", "profile_dask"]


def _require_dask() -> Any:
    try:
        import dask.dataframe as dd
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError('stance.dask needs Dask: pip install "stance[dask]"') from None
    return dd


def analyze_dask(
    ddf: Any,
    *,
    model: Any = None,
    targets: Sequence[str] = DEFAULT_TARGETS,
    text_col: str = "text",
    id_col: str | None = None,
    date_col: str | None = None,
    speaker_col: str | None = None,
    source_col: str | None = None,
) -> Any:
    """Analyse a Dask DataFrame of documents, partition by partition.

    Parameters
    ----------
    ddf : dask.dataframe.DataFrame
        One document per row.
    model : StanceModel, optional
        Defaults to :func:`stance.load_model` (loaded here, once, and shipped to the workers).
    targets, text_col, id_col, date_col, speaker_col, source_col
        As in :func:`stance.analyze`. Without ``id_col``, ``doc_id`` is the row's index label
        (give the frame a unique index, or pass ``id_col``).

    Returns
    -------
    dask.dataframe.DataFrame
        Lazy; the columns and dtypes of :func:`stance.analyze`'s result.

    Examples
    --------
    >>> import dask.dataframe as dd, pandas as pd
    >>> docs = dd.from_pandas(pd.DataFrame({"text": ["Japan condemned Russia's invasion."]}),
    ...                       npartitions=1)
    >>> rows = analyze_dask(docs).compute(scheduler="sync")
    >>> rows[["holder", "target", "stance"]].values.tolist()
    [['JPN', 'RUS', 'oppose']]
    """
    _require_dask()
    from dask import delayed

    from .model import load_model

    if not hasattr(ddf, "map_partitions"):
        raise TypeError(f"ddf must be a Dask DataFrame, got {type(ddf).__name__}")
    _check_targets(targets)
    _check_columns(ddf.columns, "ddf", text_col=text_col, id_col=id_col, date_col=date_col,
                   speaker_col=speaker_col, source_col=source_col)
    shared_model = delayed(model or load_model(), pure=True)
    meta = _empty_rows()
    meta["doc_id"] = meta["doc_id"].astype(ddf[id_col].dtype if id_col else ddf.index.dtype)
    if source_col:
        meta["source"] = meta["source"].astype(ddf[source_col].dtype)
    return ddf.map_partitions(
        _analyze_partition, shared_model, tuple(targets), text_col, id_col, date_col,
        speaker_col, source_col, meta=meta, align_dataframes=False)


def profile_dask(rows: Any, *, by: str | list[str] | None = None, min_count: int = 1,
                 weight: str = "sentence", level: float = 0.95, split_every: int = 8,
                 **compute_kwargs: Any) -> pd.DataFrame:
    """Profile the rows of :func:`analyze_dask` with a tree reduction of mergeable sums.

    Parameters
    ----------
    rows : dask.dataframe.DataFrame
        The output of :func:`analyze_dask` (or rows of :func:`stance.analyze` read back with Dask).
        A document's rows must all sit in one partition.
    by, min_count, weight, level
        As in :func:`stance.profile`.
    split_every : int, default 8
        Partial sums added together at each level of the tree.
    **compute_kwargs
        Passed to ``dask.compute`` (for example ``scheduler="processes"``).

    Returns
    -------
    DataFrame
        The profile, equal to ``stance.profile(rows.compute(), by=...)``.

    Examples
    --------
    >>> import dask.dataframe as dd, pandas as pd
    >>> docs = dd.from_pandas(pd.DataFrame({"text": ["Japan condemned Russia.",
    ...                                              "Japan criticised Russia."]}), npartitions=2)
    >>> prof = profile_dask(analyze_dask(docs), scheduler="sync")
    >>> prof[["holder", "target", "n"]].values.tolist()
    [['JPN', 'RUS', 2]]
    """
    _require_dask()
    import dask
    from dask import delayed

    if split_every < 2:
        raise ValueError(f"split_every must be at least 2, got {split_every!r}")
    level_parts = [delayed(aggregate)(part, by) for part in rows.to_delayed()]
    if not level_parts:
        raise ValueError("rows has no partitions")
    while len(level_parts) > 1:
        level_parts = [delayed(merge)(level_parts[i:i + split_every])
                       for i in range(0, len(level_parts), split_every)]
    (sums,) = dask.compute(level_parts[0], **compute_kwargs)
    return finalize(sums, min_count=min_count, weight=weight, level=level)
