"""Panels and edge lists: the rows of :func:`stance.analyze` in the units other data come in.

Analysts merge stance with UN voting, V-Dem or event data by dyad-year or country-year, and draw
networks of who stands where. :func:`panel` turns rows into a tidy dyad-year panel (one row per
holder, target and year) or a country-year panel (one row per holder and year, a column block per
target); :func:`edges` turns them into a signed, weighted edge list that ``networkx`` reads with
``networkx.from_pandas_edgelist(e, "source", "target", edge_attr=True,
create_using=networkx.DiGraph)``.

Each document counts once: its rows for a (holder, target) pair are averaged first, so that a long
article does not outweigh a short one. Rows with no holder (the tone of coverage) are left out;
rows with no date are left out of panels and counted in ``result.attrs["undated_rows"]``.

Examples
--------
>>> import pandas as pd
>>> rows = pd.DataFrame({"doc_id": [0, 0, 1], "holder": ["JPN", "JPN", "JPN"],
...                      "target": ["RUS"] * 3, "stance": ["oppose", "oppose", "neutral"],
...                      "score": [-0.8, -0.6, 0.0], "event": ["SANCTION", "", ""],
...                      "quad_class": ["material_conflict", "", ""],
...                      "intensity": [-5.0, float("nan"), float("nan")],
...                      "date": pd.to_datetime(["2022-03-01", "2022-03-01", "2022-05-02"])})
>>> panel(rows)[["holder", "target", "year", "n_docs", "score", "n_events"]].values.tolist()
[['JPN', 'RUS', 2022, 2, -0.35, 1]]
>>> edges(rows)[["source", "target", "weight", "sign", "n_docs"]].values.tolist()
[['JPN', 'RUS', -0.35, -1, 2]]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["edges", "panel"]

UNITS = ("dyad-year", "country-year")
QUADS = ("verbal_cooperation", "material_cooperation", "verbal_conflict", "material_conflict")
_REQUIRED = ("doc_id", "holder", "target", "stance", "score")


def _check(rows: pd.DataFrame, extra: tuple[str, ...] = ()) -> None:
    if not isinstance(rows, pd.DataFrame):
        raise TypeError(f"rows must be the DataFrame stance.analyze returns, got {type(rows).__name__}")
    missing = [c for c in (*_REQUIRED, *extra) if c not in rows.columns]
    if missing:
        raise ValueError(f"rows lack the columns {missing}; pass the rows stance.analyze returns")


def _per_document(rows: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """One record per (keys..., doc_id): the mean score, the stance shares and the events."""
    held = rows[rows["holder"].astype(str) != ""]
    frame = pd.DataFrame({
        **{k: held[k].to_numpy() for k in keys},
        "doc_id": held["doc_id"].astype(str).to_numpy(),
        "score": held["score"].astype(float).to_numpy(),
        **{f"is_{s}": (held["stance"] == s).to_numpy(float) for s in ("oppose", "neutral", "support")},
    })
    if "event" in held.columns:
        frame["has_event"] = (held["event"].astype(str) != "").to_numpy(float)
        frame["intensity"] = (held["intensity"].astype(float).to_numpy() if "intensity" in held
                              else np.nan)
        quads = (held["quad_class"].astype(str).to_numpy() if "quad_class" in held
                 else np.array([""] * len(held)))
        for q in QUADS:
            frame[f"is_{q}"] = (quads == q).astype(float)
    docs = frame.groupby([*keys, "doc_id"], sort=True).agg(
        rows=("score", "size"), score=("score", "mean"),
        **{f"share_{s}": (f"is_{s}", "mean") for s in ("oppose", "neutral", "support")},
        **({"events": ("has_event", "sum"), "intensity_sum": ("intensity", "sum"),
            **{f"n_{q}": (f"is_{q}", "sum") for q in QUADS}} if "has_event" in frame else {}))
    return docs.reset_index()


def _summarise(docs: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    grouped = docs.groupby(keys, sort=True)
    out = grouped.agg(n_rows=("rows", "sum"), n_docs=("doc_id", "nunique"), score=("score", "mean"),
                      score_sd=("score", "std"),
                      **{f"share_{s}": (f"share_{s}", "mean") for s in ("oppose", "neutral", "support")})
    # the 95% interval of the mean over documents (normal approximation); NaN with one document
    half = 1.96 * out["score_sd"] / np.sqrt(out["n_docs"])
    out["score_low"], out["score_high"] = out["score"] - half, out["score"] + half
    if "events" in docs.columns:
        out["n_events"] = grouped["events"].sum().astype("int64")
        with np.errstate(invalid="ignore", divide="ignore"):
            events = out["n_events"].where(out["n_events"] > 0)
            out["mean_intensity"] = grouped["intensity_sum"].sum() / events
        for q in QUADS:
            out[f"n_{q}"] = grouped[f"n_{q}"].sum().astype("int64")
    out = out.drop(columns="score_sd").reset_index()
    return out.round({c: 6 for c in out.columns if out[c].dtype.kind == "f"})


def panel(rows: pd.DataFrame, unit: str = "dyad-year") -> pd.DataFrame:
    """A tidy panel of stance by dyad-year or country-year.

    Parameters
    ----------
    rows : DataFrame
        Rows of :func:`stance.analyze` (with ``date``).
    unit : {"dyad-year", "country-year"}
        ``"dyad-year"``: one row per (holder, target, year) with ``n_rows``, ``n_docs``, ``score``
        (mean over documents of each document's mean score), ``score_low``/``score_high`` (95%
        interval over documents; NaN with one document), the mean shares of each stance, and, when
        the rows carry event codes, ``n_events``, ``mean_intensity`` and the count per quad class.
        ``"country-year"``: one row per (holder, year), those columns prefixed by the target
        (``CHN_score``, ``RUS_n_docs``, ...).

    Returns
    -------
    DataFrame
        ``attrs["undated_rows"]`` counts the rows left out for want of a date.

    Examples
    --------
    >>> rows = pd.DataFrame({"doc_id": [0, 1], "holder": ["JPN", "JPN"], "target": ["RUS", "CHN"],
    ...                      "stance": ["oppose", "neutral"], "score": [-0.8, 0.1],
    ...                      "date": pd.to_datetime(["2022-03-01", "2022-05-02"])})
    >>> panel(rows, unit="country-year")[["holder", "year", "CHN_score", "RUS_score"]].values.tolist()
    [['JPN', 2022, 0.1, -0.8]]
    """
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {UNITS}, got {unit!r}")
    _check(rows, ("date",))
    dates = pd.to_datetime(rows["date"], errors="coerce")
    dated = rows.assign(year=dates.dt.year)[dates.notna()]
    undated = int((dates.isna() & (rows["holder"].astype(str) != "")).sum())
    keys = ["holder", "target", "year"]
    out = _summarise(_per_document(dated, keys), keys) if len(dated) else pd.DataFrame(columns=keys)
    if len(out):
        out["year"] = out["year"].astype("int64")
    if unit == "country-year" and len(out):
        wide = out.set_index(["holder", "year", "target"]).unstack("target")
        wide.columns = [f"{target}_{column}" for column, target in wide.columns]
        out = wide[sorted(wide.columns)].reset_index()
    out.attrs["undated_rows"] = undated
    return out


def edges(rows: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """A signed, weighted edge list: who stands where toward whom.

    Parameters
    ----------
    rows : DataFrame
        Rows of :func:`stance.analyze`.
    by : str, optional
        A column to split the edges by (``"source"``, or ``"year"`` from ``date``).

    Returns
    -------
    DataFrame
        ``source`` (the holder), ``target``, ``weight`` (mean score over documents, -1 to 1),
        ``sign`` (-1, 0 or +1: the sign of a weight beyond 0.05), ``n_docs``, ``n_rows``, the
        interval and shares of :func:`panel`, and the event counts when the rows carry them.

    Examples
    --------
    >>> rows = pd.DataFrame({"doc_id": [0, 1], "holder": ["BLR", "JPN"], "target": ["RUS", "RUS"],
    ...                      "stance": ["support", "oppose"], "score": [0.9, -0.7]})
    >>> edges(rows)[["source", "target", "sign"]].values.tolist()
    [['BLR', 'RUS', 1], ['JPN', 'RUS', -1]]
    """
    _check(rows)
    keys = ["holder", "target"]
    if by == "year":
        _check(rows, ("date",))
        rows = rows.assign(year=pd.to_datetime(rows["date"], errors="coerce").dt.year.astype("Int64"))
    if by is not None:
        if by not in rows.columns:
            raise ValueError(f"by={by!r} is not a column of the rows")
        rows = rows[rows[by].notna()]
        keys = [by, *keys]
    out = _summarise(_per_document(rows, keys), keys)
    out = out.rename(columns={"holder": "source", "score": "weight"})
    out.insert(out.columns.get_loc("weight") + 1, "sign",
               np.where(out["weight"] > 0.05, 1, np.where(out["weight"] < -0.05, -1, 0)).astype("int64"))
    return out
