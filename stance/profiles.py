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
no interval (NaN), and their ``interval_note`` says so ("n < 2 documents"): that is the only way
an interval is NaN.

Input checks: rows enter through one step, which :func:`aggregate` applies to the whole frame or to
each chunk. It normalises labels and texts and refuses rows that would silently bend the profile (a
label it cannot count, a missing target, a score that is not a number) with a ``ValueError`` that
names the column, the values and the rows (1-based, counted over all the rows given to
:func:`profile`, chunks included). See :func:`profile` for what is checked and what is normalised.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd

from ._checks import clean_text, clean_value, short_repr
from .rows import _is_blank, _rows

__all__ = ["aggregate", "compare", "finalize", "merge", "profile", "profile_table"]

PERIODS = {"month": "M", "quarter": "Q", "year": "Y"}
_SUMS = ["n", "n_docs", "n_oppose", "n_neutral", "n_support", "sum_score", "sum_sentiment",
         "n_sentiment", "doc_sum_sq", "doc_sum_n", "doc_n_sq", "doc_mean_sum", "doc_mean_sq"]
LABELS = ("oppose", "neutral", "support")
_REQUIRED = ("doc_id", "holder", "target", "stance", "score", "sentiment")
#: Columns besides holder and target that may hold text and be grouped on: lone surrogates in
#: them are replaced (see clean_text).
_TEXT = ("doc_id", "source", "speaker", "date")
#: The dtype pandas gives text (object, or str from pandas 3), as in stance.analysis.
_TEXT_DTYPE = pd.Series(["x"]).dtype
#: How many distinct bad values, and rows per value, an error message names.
_SHOWN = 5
#: ``holder_name`` of the rows with no holder (``holder`` stays ``""``): the tone of coverage.
NO_HOLDER_NAME = "(no holder)"
#: ``interval_note`` where the interval is NaN, by reason. :func:`finalize` leaves an interval out
#: for one reason only: the group's rows come from fewer than 2 documents, so the spread between
#: documents cannot be measured (the t quantile has no degrees of freedom). Every other group has
#: a finite interval (scores are checked finite and in [-1, 1], so the variance is finite).
INTERVAL_NOTES = {"one document": "n < 2 documents"}
#: Group labels of rows whose date (for month/quarter/year) or ``by`` column is missing: such rows
#: are kept, in their own group, so that counts always add up to the number of rows.
NO_DATE, MISSING = "(no date)", "(missing)"


def _show(value: object) -> str:
    """A value as an error message names it."""
    return "a missing value" if _is_blank(value) else short_repr(value)


def _row_numbers(positions: np.ndarray, start: int) -> str:
    """``"row 3"`` or ``"rows 3, 9"``: 1-based numbers of the first positions, after ``start`` rows."""
    numbers = [start + int(i) + 1 for i in positions]
    return f"row{'s' if len(numbers) > 1 else ''} {_rows(numbers, _SHOWN)}"


def _bad_values(values: pd.Series, bad: np.ndarray, start: int) -> str:
    """``'opose' (rows 3, 9), 'x' (row 4)``: the distinct bad values, each with its first rows."""
    groups: dict[str, list[int]] = {}
    for i in np.flatnonzero(bad):
        groups.setdefault(_show(values.iat[i]), []).append(int(i))
    parts = [f"{v} ({_row_numbers(np.array(p), start)})" for v, p in list(groups.items())[:_SHOWN]]
    if len(groups) > _SHOWN:
        parts.append(f"and {len(groups) - _SHOWN} more values")
    return ", ".join(parts)


def _numbers(rows: pd.DataFrame, column: str, start: int, where: np.ndarray | None = None
             ) -> tuple[np.ndarray, np.ndarray]:
    """A column as floats (NaN where missing) and its mask of missing values (NaN, None, "").

    Raises a ValueError naming the rows (among ``where``, if given) whose value is there but is
    not a finite number.
    """
    raw = rows[column]
    values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    if _holds_text(raw):
        missing = _per_value(raw, _is_blank, bool).to_numpy(dtype=bool)
    else:
        missing = raw.isna().to_numpy(dtype=bool)
    bad = ~missing & ~np.isfinite(values)
    if where is not None:
        bad &= where
    if bad.any():
        raise ValueError(f"rows: column {column!r} has values that are not numbers: "
                         f"{_bad_values(raw, bad, start)}")
    return values, missing


def _in_range(column: str, values: np.ndarray, start: int) -> None:
    outside = np.abs(values) > 1 + 1e-9  # NaN compares False
    if outside.any():
        raise ValueError(f"rows: column {column!r} has values outside [-1, 1]: "
                         f"{_bad_values(pd.Series(values), outside, start)}")


def _holds_text(values: pd.Series) -> bool:
    return values.dtype == object or pd.api.types.is_string_dtype(values.dtype)


def _per_value(values: pd.Series, function: Callable[[Any], Any], dtype: Any = object
               ) -> pd.Series:
    """``function`` of each value as a column of ``dtype``, called once per distinct value
    (columns repeat few values)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    results = pd.array([function(v) for v in uniques], dtype=dtype)
    return pd.Series(results.take(codes), index=values.index, name=values.name)


def _cleaned(values: pd.Series) -> pd.Series:
    """``values`` with lone surrogates in its texts replaced (:func:`stance._checks.clean_value`);
    the column itself, dtype included, when no text has one."""
    if not _holds_text(values):
        return values
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    uniques = list(uniques)
    cleaned = np.empty(len(uniques), dtype=object)
    cleaned[:] = [clean_value(v) for v in uniques]
    changed = np.array([c is not v for c, v in zip(cleaned, uniques)], dtype=bool)
    if not changed.any():
        return values
    out = values.to_numpy(dtype=object, copy=True)
    where = changed[codes]
    out[where] = cleaned[codes[where]]
    return pd.Series(out, index=values.index, dtype=object, name=values.name)


def _as_text(value: object) -> str:
    """A holder or target as a ``str``: ``""`` when missing or blank, lone surrogates replaced."""
    return "" if _is_blank(value) else clean_text(str(value))


def _checked_rows(rows: pd.DataFrame, by: str | list[str] | None = None, start: int = 0
                  ) -> pd.DataFrame:
    """The one step by which rows enter a profile: check them and normalise what can be.

    Parameters
    ----------
    rows : DataFrame
        Rows shaped like the output of :func:`stance.analyze`.
    by : str or list of str, optional
        The ``by`` of :func:`profile`: its columns are cleaned like the other texts.
    start : int, default 0
        Rows before these ones (earlier chunks), so that messages number rows over all chunks.

    Returns
    -------
    DataFrame
        ``rows`` with ``stance`` stripped and lower-cased; ``target``, ``holder`` (a missing one
        as ``""``), ``doc_id``, ``source``, ``speaker``, ``date`` and the ``by`` columns with lone
        surrogates replaced by U+FFFD; ``score`` as floats, a missing one replaced by
        ``p_support - p_oppose``; ``sentiment`` as floats, NaN where missing.

    Raises
    ------
    ValueError
        Naming the column, the values and the 1-based rows: a required column is absent, a
        ``target`` is empty or missing, a ``stance`` is not oppose, neutral or support, a ``score``
        or ``sentiment`` is not a number or outside [-1, 1], a ``score`` is missing and the row has
        no ``p_support`` and ``p_oppose`` to recompute it from.
    """
    missing_columns = set(_REQUIRED) - set(rows.columns)
    if missing_columns:
        raise ValueError(f"rows are missing column(s) {sorted(missing_columns)}; pass the output "
                         "of analyze()")
    columns: dict[str, pd.Series] = {}
    for column in dict.fromkeys([*_TEXT, *_by_list(by)]):
        if column in rows.columns and column not in ("holder", "target", "stance"):
            columns[column] = _cleaned(rows[column])

    # str: texts without surrogates fit pandas' own text dtype, which compares and groups fastest
    target = _per_value(rows["target"], _as_text, _TEXT_DTYPE)
    empty = (target == "").to_numpy(dtype=bool)
    if empty.any():
        raise ValueError(f"rows: column 'target' is empty or missing in "
                         f"{_row_numbers(np.flatnonzero(empty), start)}; analyze() writes a target "
                         "on every row, so these rows were edited or come from elsewhere")
    columns["target"] = target
    columns["holder"] = _per_value(rows["holder"], _as_text, _TEXT_DTYPE)

    raw = rows["stance"]
    stance = _per_value(raw, lambda v: v.strip().lower() if isinstance(v, str) else "",
                        _TEXT_DTYPE)
    bad = ~stance.isin(LABELS).to_numpy(dtype=bool)
    if bad.any():
        raise ValueError("rows: column 'stance' has values that are not oppose, neutral or "
                         f"support: {_bad_values(raw, bad, start)}")
    columns["stance"] = stance

    score, missing = _numbers(rows, "score", start)
    if missing.any():
        if not {"p_support", "p_oppose"} <= set(rows.columns):
            raise ValueError(f"rows: column 'score' is missing in "
                             f"{_row_numbers(np.flatnonzero(missing), start)}, and without "
                             "p_support and p_oppose columns it cannot be recomputed")
        support, _ = _numbers(rows, "p_support", start, missing)
        oppose, _ = _numbers(rows, "p_oppose", start, missing)
        recomputed = support - oppose
        lost = missing & np.isnan(recomputed)
        if lost.any():
            raise ValueError(f"rows: column 'score' is missing in "
                             f"{_row_numbers(np.flatnonzero(lost), start)}, and p_support - "
                             "p_oppose cannot replace it there: p_support or p_oppose is missing "
                             "too")
        score = np.where(missing, recomputed, score)
    _in_range("score", score, start)
    columns["score"] = pd.Series(score, index=rows.index)

    sentiment, _ = _numbers(rows, "sentiment", start)
    _in_range("sentiment", sentiment, start)
    columns["sentiment"] = pd.Series(sentiment, index=rows.index)
    return rows.assign(**columns)


def _by_list(by: str | list[str] | None) -> list[str]:
    return [] if by is None else [by] if isinstance(by, str) else list(by)


def _empty_sums(keys: list[str]) -> pd.DataFrame:
    return pd.DataFrame(columns=_SUMS, index=pd.MultiIndex.from_tuples([], names=keys), dtype=float)


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


def aggregate(rows: pd.DataFrame, by: str | list[str] | None = None, *,
              row_offset: int = 0) -> pd.DataFrame:
    """Sufficient statistics of rows per (by..., holder, target): sums that merge by addition.

    Parameters
    ----------
    rows : DataFrame
        Output of :func:`stance.analyze` (columns doc_id, holder, target, stance, score,
        sentiment, and date or the ``by`` column); checked and normalised as :func:`profile`
        describes.
    by : str or list of str, optional
        "month", "quarter", "year" or column names.
    row_offset : int, default 0
        Number of rows given before these ones (earlier chunks): error messages number rows
        from ``row_offset + 1``.

    Returns
    -------
    DataFrame
        Indexed by the group keys; columns are additive sums.

    Raises
    ------
    ValueError
        If a row cannot be counted honestly (see :func:`profile`).
    """
    rows = _checked_rows(rows, by, row_offset)
    rows, keys = _group_columns(rows, by)
    keys = [*keys, "holder", "target"]
    if rows.empty:
        return _empty_sums(keys)
    frame = rows[[*keys, "doc_id", "stance", "score", "sentiment"]].copy()
    for label in LABELS:
        frame[f"n_{label}"] = (frame["stance"] == label).astype(float)
    frame["has_sentiment"] = frame["sentiment"].notna().astype(float)
    frame["doc_id"] = frame["doc_id"].astype(str)
    docs = frame.groupby([*keys, "doc_id"], sort=False, dropna=False).agg(
        n=("score", "size"), s=("score", "sum"), sent=("sentiment", "sum"),
        ns=("has_sentiment", "sum"), o=("n_oppose", "sum"), u=("n_neutral", "sum"),
        p=("n_support", "sum"))
    docs["n"] = docs["n"].astype(float)
    docs["mean"] = docs["s"] / docs["n"]
    per = pd.DataFrame({
        "n": docs["n"], "n_docs": 1.0, "n_oppose": docs["o"], "n_neutral": docs["u"],
        "n_support": docs["p"], "sum_score": docs["s"], "sum_sentiment": docs["sent"],
        "n_sentiment": docs["ns"],
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
    gazetteer = Gazetteer.default()
    result["holder_name"] = _per_value(
        out["holder"], lambda h: gazetteer.name(h) if h else NO_HOLDER_NAME, _TEXT_DTYPE)
    result["target_name"] = _per_value(out["target"], gazetteer.name, _TEXT_DTYPE)
    result["n"] = n.astype(int)
    result["n_docs"] = g.astype(int)
    for label in LABELS:
        result[f"n_{label}"] = out[f"n_{label}"].astype(int)
    for label in LABELS:
        result[f"share_{label}"] = out[f"n_{label}"] / n
    # + 0.0 turns a -0.0 (a mean of scores that cancel out) into 0.0
    result["score"] = mean + 0.0
    result["score_low"] = np.clip(mean - half, -1, 1) + 0.0
    result["score_high"] = np.clip(mean + half, -1, 1) + 0.0
    result["score_se"] = np.where(g > 1, se, np.nan) + 0.0
    result["sentiment"] = out["sum_sentiment"] / out["n_sentiment"] + 0.0  # NaN if none has one
    result["interval_note"] = pd.Series(np.where(g > 1, "", INTERVAL_NOTES["one document"]),
                                        index=out.index, dtype=_TEXT_DTYPE)
    first = [*[k for k in keys if k not in ("holder", "target")], "holder", "holder_name",
             "target", "target_name"]
    result = result[[*first, *[c for c in result.columns if c not in first]]]
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
        Long form, one row per (by..., holder, target): ``holder_name`` and ``target_name``
        (display names from the package gazetteer, ``stance/data/actors.tsv``; the code itself
        when unknown), ``n`` (stance rows), ``n_docs``, ``n_oppose``/``n_neutral``/``n_support``,
        ``share_*``, ``score`` (mean of p_support - p_oppose, in [-1, 1]),
        ``score_low``/``score_high`` (the interval, analytic and clustered by document; see the
        module docstring), ``score_se``, ``interval_note`` (why the interval is NaN: "n < 2
        documents", the only case; empty where there is an interval) and ``sentiment`` (mean
        TextBlob polarity around the target, over the rows that have one; NaN if none has).
        Rows with an empty ``holder`` (kept as ``""``) are the tone of the coverage; their
        ``holder_name`` is "(no holder)". A mean of exactly zero is 0.0, never -0.0.
        :func:`profile_table` pivots to a holder x target table. No rows (an empty frame, or an
        iterable of no chunks or of empty ones) give an empty profile with these columns.

    Raises
    ------
    ValueError
        If ``by``, ``weight`` or ``level`` is not valid, or a row cannot be counted honestly. The
        message names the column, the values and the rows (1-based, among all the rows given,
        chunks included): a column of analyze's output that the profile reads is absent; a
        ``target`` is empty or missing (analyze() writes one on every row, so the rows were
        edited or come from elsewhere); a ``stance`` is not oppose, neutral or support; a ``score``
        or ``sentiment`` is not a number or outside [-1, 1]; a ``score`` is missing where
        ``p_support`` or ``p_oppose`` is missing too.
    TypeError
        If ``rows`` is neither a DataFrame nor an iterable of DataFrames.

    Notes
    -----
    What the rows may hold that analyze() would not write, and how it is read:

    - ``stance`` is stripped and lower-cased ("Oppose " counts as oppose).
    - A missing (NaN) ``score`` is recomputed as ``p_support - p_oppose``, the way analyze()
      computes it; ``p_neutral`` is not read.
    - A missing ``sentiment`` is left out of the sentiment mean (its row still counts in ``n``,
      the shares and the score), so it neither counts as 0 nor shrinks the mean.
    - A missing or blank ``holder`` is ``""``: the row is tone of coverage.
    - Lone surrogates (``"\\ud800"``) in ``doc_id``, ``holder``, ``target``, ``source``,
      ``speaker``, ``date`` and the ``by`` columns are replaced by U+FFFD (see
      :func:`stance._checks.clean_text`), so that pandas' Arrow-backed text can hold them.

    Examples
    --------
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"doc_id": [0, 1, 2], "holder": ["JPN"] * 3, "target": ["RUS"] * 3,
    ...                      "stance": ["oppose"] * 3, "score": [-0.9, -0.7, -0.8],
    ...                      "sentiment": [0.0, 0.0, 0.0]})
    >>> p = profile(rows)
    >>> p[["holder", "holder_name", "target", "target_name", "n", "score"]].round(2).values.tolist()
    [['JPN', 'Japan', 'RUS', 'Russia', 3, -0.8]]
    >>> profile(rows.iloc[:1])[["n_docs", "score_low", "interval_note"]].values.tolist()
    [[1, nan, 'n < 2 documents']]
    """
    if isinstance(rows, pd.DataFrame):
        sums = aggregate(rows, by)
    else:
        if isinstance(rows, (str, bytes)) or not isinstance(rows, Iterable):
            raise TypeError(f"rows must be a DataFrame or an iterable of DataFrames, got "
                            f"{type(rows).__name__}")
        parts, start = [], 0
        for number, chunk in enumerate(rows, 1):
            if not isinstance(chunk, pd.DataFrame):
                raise TypeError(f"rows: chunk {number} is a {type(chunk).__name__}, not a "
                                "DataFrame")
            parts.append(aggregate(chunk, by, row_offset=start))
            start += len(chunk)
        sums = merge(parts) if parts else _empty_sums([*_by_list(by), "holder", "target"])
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


