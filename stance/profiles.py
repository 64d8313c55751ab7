"""Per-country profiles: who stands where toward each target, with uncertainty.

A profile aggregates the rows of :func:`stance.analyze` per holder and target (and optionally per
period or source). The aggregation is *mergeable*: :func:`aggregate` turns rows into sums, sums of
chunks add up with :func:`merge`, and :func:`finalize` turns the sums into the profile. So the
profile of a corpus processed in chunks (or on a Dask cluster) is exactly the profile of the whole,
provided no document is split across chunks.

Interval: the mean score's 95% interval is analytic, with standard errors clustered by document
(sentences of one article are not independent), and a Student t quantile with ``n_docs - 1``
degrees of freedom. With ``weight="document"`` each document counts once (the mean of its rows'
scores) and the interval is that of a mean of independent documents. Profiles of one document have
no interval (NaN).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

__all__ = ["aggregate", "compare", "finalize", "merge", "profile", "profile_table"]

PERIODS = {"month": "M", "quarter": "Q", "year": "Y"}
_SUMS = ["n", "n_docs", "n_oppose", "n_neutral", "n_support", "sum_score", "sum_sentiment",
         "doc_sum_sq", "doc_sum_n", "doc_n_sq", "doc_mean_sum", "doc_mean_sq"]
NO_HOLDER_NAME = "(no holder: tone of coverage)"
#: Group labels of rows whose date (for month/quarter/year) or ``by`` column is missing: such rows
#: are kept, in their own group, so that counts always add up to the number of rows.
NO_DATE, MISSING = "(no date)", "(missing)"


def _group_columns(rows: pd.DataFrame, by: str | list[str] | None) -> tuple[pd.DataFrame, list[str]]:
    keys: list[str] = []
    if by is None:
        return rows, keys
    for item in [by] if isinstance(by, str) else list(by):
        if item in PERIODS:
            if "date" not in rows.columns:
                raise ValueError(f"by={item!r} needs a 'date' column; analyze with date_col=...")
            dates = pd.to_datetime(rows["date"], errors="coerce")
            periods = dates.dt.to_period(PERIODS[item]).astype(str).where(dates.notna(), NO_DATE)
            rows = rows.assign(**{item: periods})
            keys.append(item)
        elif item in rows.columns:
            values = rows[item].astype(object)
            rows = rows.assign(**{item: values.where(values.notna(), MISSING).astype(str)})
            keys.append(item)
        else:
            raise ValueError(f"by={item!r} is neither 'month', 'quarter', 'year' nor a column of "
                             f"the rows ({list(rows.columns)})")
    return rows, keys


def aggregate(rows: pd.DataFrame, by: str | list[str] | None = None) -> pd.DataFrame:
    """Sufficient statistics of rows per (by..., holder, target): sums that merge by addition.

    Parameters
    ----------
    rows : DataFrame
        Output of :func:`stance.analyze` (columns doc_id, holder, target, stance, score,
        sentiment, and date or the ``by`` column).
    by : str or list of str, optional
        "month", "quarter", "year" or column names.

    Returns
    -------
    DataFrame
        Indexed by the group keys; columns are additive sums.
    """
    required = {"doc_id", "holder", "target", "stance", "score", "sentiment"}
    missing = required - set(rows.columns)
    if missing:
        raise ValueError(f"rows are missing column(s) {sorted(missing)}; pass the output of analyze()")
    rows, keys = _group_columns(rows, by)
    keys = [*keys, "holder", "target"]
    if rows.empty:
        return pd.DataFrame(columns=_SUMS, index=pd.MultiIndex.from_tuples([], names=keys),
                            dtype=float)
    frame = rows[[*keys, "doc_id", "stance", "score", "sentiment"]].copy()
    frame["holder"] = frame["holder"].fillna("")
    for label in ("oppose", "neutral", "support"):
        frame[f"n_{label}"] = (frame["stance"] == label).astype(float)
    frame["doc_id"] = frame["doc_id"].astype(str)
    docs = frame.groupby([*keys, "doc_id"], sort=False, dropna=False).agg(
        n=("score", "size"), s=("score", "sum"), sent=("sentiment", "sum"),
        o=("n_oppose", "sum"), u=("n_neutral", "sum"), p=("n_support", "sum"))
    docs["n"] = docs["n"].astype(float)
    docs["mean"] = docs["s"] / docs["n"]
    per = pd.DataFrame({
        "n": docs["n"], "n_docs": 1.0, "n_oppose": docs["o"], "n_neutral": docs["u"],
        "n_support": docs["p"], "sum_score": docs["s"], "sum_sentiment": docs["sent"],
        "doc_sum_sq": docs["s"] ** 2, "doc_sum_n": docs["s"] * docs["n"],
        "doc_n_sq": docs["n"] ** 2, "doc_mean_sum": docs["mean"], "doc_mean_sq": docs["mean"] ** 2,
    })
    return per.groupby(level=list(range(len(keys))), sort=False).sum()[_SUMS]


def merge(parts: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Add up aggregates of chunks (see :func:`aggregate`).

    Examples
    --------
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"doc_id": [0, 1], "holder": ["JPN", "JPN"], "target": ["RUS", "RUS"],
    ...                      "stance": ["oppose", "neutral"], "score": [-0.8, 0.0],
    ...                      "sentiment": [0.0, 0.1]})
    >>> whole = finalize(aggregate(rows))
    >>> parts = finalize(merge([aggregate(rows.iloc[:1]), aggregate(rows.iloc[1:])]))
    >>> bool(whole.equals(parts))
    True
    """
    parts = [p for p in parts if p is not None]
    if not parts:
        raise ValueError("merge() needs at least one aggregate")
    nonempty = [p for p in parts if len(p)]
    if not nonempty:
        return parts[0]
    combined = pd.concat(nonempty)
    return combined.groupby(level=list(range(combined.index.nlevels)), sort=False).sum()[_SUMS]


def finalize(sums: pd.DataFrame, *, min_count: int = 1, weight: str = "sentence",
             level: float = 0.95) -> pd.DataFrame:
    """Turn aggregated sums into a profile (see :func:`profile` for the columns)."""
    from scipy import stats

    from .actors import Gazetteer

    if weight not in ("sentence", "document"):
        raise ValueError(f"weight must be 'sentence' or 'document', got {weight!r}")
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, got {level!r}")
    keys = list(sums.index.names)
    out = sums.reset_index()
    n, g = out["n"].to_numpy(float), out["n_docs"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        if weight == "sentence":
            mean = out["sum_score"].to_numpy() / n
            # cluster-robust variance of a mean: sum over documents of (S_d - n_d * mean)^2 / n^2
            resid = (out["doc_sum_sq"] - 2 * mean * out["doc_sum_n"] + mean ** 2 * out["doc_n_sq"])
            var = np.clip(resid.to_numpy(), 0, None) / n ** 2 * g / (g - 1)
        else:
            mean = out["doc_mean_sum"].to_numpy() / g
            ss = np.clip(out["doc_mean_sq"].to_numpy() - g * mean ** 2, 0, None)
            var = ss / (g - 1) / g
        se = np.sqrt(var)
        t = stats.t.ppf(0.5 + level / 2, np.where(g > 1, g - 1, 1))
        half = np.where(g > 1, t * se, np.nan)
    result = out[keys].copy()
    result["holder_name"] = [Gazetteer.default().name(h) if h else NO_HOLDER_NAME
                             for h in out["holder"]]
    result["n"] = n.astype(int)
    result["n_docs"] = g.astype(int)
    for label in ("oppose", "neutral", "support"):
        result[f"n_{label}"] = out[f"n_{label}"].astype(int)
    for label in ("oppose", "neutral", "support"):
        result[f"share_{label}"] = out[f"n_{label}"] / n
    result["score"] = mean
    result["score_low"] = np.clip(mean - half, -1, 1)
    result["score_high"] = np.clip(mean + half, -1, 1)
    result["score_se"] = np.where(g > 1, se, np.nan)
    result["sentiment"] = out["sum_sentiment"] / n
    result = result[result["n"] >= min_count]
    sort_keys = [k for k in keys if k not in ("holder", "target")]
    result = result.assign(_no_holder=result["holder"] == "").sort_values(
        [*sort_keys, "target", "_no_holder", "n", "holder"],
        ascending=[*[True] * len(sort_keys), True, True, False, True]).drop(columns="_no_holder")
    return result.reset_index(drop=True)


def profile(rows: pd.DataFrame | Iterable[pd.DataFrame], *, by: str | list[str] | None = None,
            min_count: int = 1, weight: str = "sentence", level: float = 0.95) -> pd.DataFrame:
    """Per-country profiles: counts, shares and the mean score with its interval.

    Parameters
    ----------
    rows : DataFrame or iterable of DataFrames
        Output of :func:`stance.analyze`, whole or in chunks (chunks must not split a document).
    by : str or list of str, optional
        "month", "quarter" or "year" (from the ``date`` column) for time series, or column names
        (``source``, ``speaker``) for per-source profiles. Rows without a date or without a value
        in the column form a group labelled "(no date)" or "(missing)": no row is dropped.
    min_count : int, default 1
        Leave out (holder, target) groups with fewer stance rows.
    weight : {"sentence", "document"}, default "sentence"
        Whether each sentence row or each document counts once in the mean score.
    level : float, default 0.95
        Confidence level of the interval.

    Returns
    -------
    DataFrame
        Long form, one row per (by..., holder, target): ``holder_name``, ``n`` (stance rows),
        ``n_docs``, ``n_oppose``/``n_neutral``/``n_support``, ``share_*``, ``score`` (mean of
        p_support - p_oppose, in [-1, 1]), ``score_low``/``score_high`` (the interval, analytic and
        clustered by document; see the module docstring), ``score_se`` and ``sentiment`` (mean
        TextBlob polarity around the target). Rows with an empty ``holder`` are the tone of the
        coverage. :func:`profile_table` pivots to a holder x target table.

    Examples
    --------
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"doc_id": [0, 1, 2], "holder": ["JPN"] * 3, "target": ["RUS"] * 3,
    ...                      "stance": ["oppose"] * 3, "score": [-0.9, -0.7, -0.8],
    ...                      "sentiment": [0.0, 0.0, 0.0]})
    >>> p = profile(rows)
    >>> p[["holder", "target", "n", "score"]].round(2).values.tolist()
    [['JPN', 'RUS', 3, -0.8]]
    """
    if isinstance(rows, pd.DataFrame):
        sums = aggregate(rows, by)
    else:
        sums = merge(aggregate(chunk, by) for chunk in rows)
    return finalize(sums, min_count=min_count, weight=weight, level=level)


def profile_table(prof: pd.DataFrame, value: str = "score", *, names: bool = True) -> pd.DataFrame:
    """Pivot a long profile into a holder x target table of ``value``.

    Examples
    --------
    >>> import pandas as pd
    >>> prof = pd.DataFrame({"holder": ["JPN", "JPN"], "holder_name": ["Japan", "Japan"],
    ...                      "target": ["CHN", "RUS"], "score": [-0.2, -0.8]})
    >>> profile_table(prof).round(1).values.tolist()
    [[-0.2, -0.8]]
    """
    index = "holder_name" if names and "holder_name" in prof.columns else "holder"
    extra = [c for c in prof.columns if c in ("month", "quarter", "year")]
    return prof.pivot_table(index=[*extra, index], columns="target", values=value, aggfunc="first")


def compare(a: pd.DataFrame, b: pd.DataFrame, *, level: float = 0.95) -> pd.DataFrame:
    """The change of each (holder, target) score from profile ``a`` to profile ``b``.

    Parameters
    ----------
    a, b : DataFrame
        Profiles from :func:`profile` with the same ``by`` columns (or none).
    level : float, default 0.95
        Confidence level of the change's interval.

    Returns
    -------
    DataFrame
        One row per (holder, target) present in both: ``score_a``, ``score_b``, ``change``,
        ``change_low``/``change_high`` (interval of the difference, from the two standard errors),
        ``significant`` (the interval excludes 0) and ``intervals_overlap`` (the two profiles'
        intervals overlap: a stricter, more conservative reading).

    Examples
    --------
    >>> import pandas as pd
    >>> a = pd.DataFrame({"holder": ["HND"], "holder_name": ["Honduras"], "target": ["TWN"],
    ...                   "score": [0.6], "score_low": [0.4], "score_high": [0.8],
    ...                   "score_se": [0.1], "n": [20]})
    >>> b = a.assign(score=[-0.7], score_low=[-0.9], score_high=[-0.5])
    >>> compare(a, b)[["change", "significant"]].values.tolist()
    [[-1.3, True]]
    """
    from scipy import stats

    keys = [c for c in a.columns if c in ("holder", "target", "source", "speaker")]
    cols = [*keys, "score", "score_low", "score_high", "score_se", "n"]
    merged = a[[*cols, "holder_name"]].merge(b[cols], on=keys, suffixes=("_a", "_b"))
    z = stats.norm.ppf(0.5 + level / 2)
    merged["change"] = merged["score_b"] - merged["score_a"]
    se = np.sqrt(merged["score_se_a"] ** 2 + merged["score_se_b"] ** 2)
    merged["change_low"] = merged["change"] - z * se
    merged["change_high"] = merged["change"] + z * se
    merged["significant"] = (merged["change_low"] > 0) | (merged["change_high"] < 0)
    merged["intervals_overlap"] = ~((merged["score_low_a"] > merged["score_high_b"])
                                    | (merged["score_low_b"] > merged["score_high_a"]))
    merged["change"] = merged["change"].round(12)
    return merged[[*keys, "holder_name", "n_a", "n_b", "score_a", "score_b", "change",
                   "change_low", "change_high", "significant", "intervals_overlap"]]


