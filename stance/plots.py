"""Plots of profiles (matplotlib, an optional extra: ``pip install 'stance[plots]'``).

- :func:`heatmap`: holder x target mean score, with the number of stance rows in each cell; cells
  with few rows are faded and hatched;
- :func:`timeline`: one holder toward one target over time, with the interval as a band;
- :func:`trends`: the holders with the most rows toward each target over time, one panel per
  target (what ``stance profile --by year --plot`` draws);
- :func:`ranking`: the most opposed and most supportive holders toward one target, with intervals.

Time runs on a real axis: years as numbers (2007 to 2011 is four years wide), months and quarters
as dates at the middle of the period. A period without rows breaks the line and is shaded grey
(when more than half the periods have no rows, the legend counts them instead of shading). Each
function returns the matplotlib ``Axes`` (:func:`trends`: the first of its panels); pass ``path``
to also save the figure (written atomically). Figures made here use matplotlib's constrained
layout, and saving uses a tight bounding box, so no title, label or tick label is cut off.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["heatmap", "ranking", "timeline", "trends"]

_CMAP = "RdBu"  # red = oppose, blue = support
_PERIODS = ("month", "quarter", "year")
_FREQ = {"month": "M", "quarter": "Q", "year": "Y"}
_SCORE_LABEL = "mean score: -1 oppose ... +1 support"
_GAP_COLOR = "0.92"
#: Opacity of a heatmap cell with 1 row; cells from 1 to ``min_count - 1`` rows rise to _FADED_MAX.
_FADED_MIN, _FADED_MAX = 0.2, 0.55


def _pyplot() -> Any:
    try:
        import matplotlib

        if not os.environ.get("DISPLAY") and not os.environ.get("MPLBACKEND"):
            matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError("plots need matplotlib: pip install 'stance[plots]'") from None
    return plt


def _axes(ax: Any, width: float, height: float) -> Any:
    """``ax``, or the axes of a new figure of this size with constrained layout."""
    if ax is not None:
        return ax
    _, ax = _pyplot().subplots(figsize=(width, height), layout="constrained")
    return ax


def _save(ax: Any, path: str | os.PathLike[str] | None) -> Any:
    if path is not None:
        from .io import atomic_write

        suffix = os.path.splitext(os.fspath(path))[1].lstrip(".") or "png"
        with atomic_write(path, "wb") as fh:
            ax.figure.savefig(fh, format=suffix, dpi=120, bbox_inches="tight", pad_inches=0.1)
    return ax


def _check(prof: pd.DataFrame, needed: set[str]) -> None:
    if not isinstance(prof, pd.DataFrame):
        raise TypeError(f"expected a profile DataFrame, got {type(prof).__name__}")
    missing = needed - set(prof.columns)
    if missing:
        raise ValueError(f"the profile lacks column(s) {sorted(missing)}; pass the output of profile()")


def _label(name: object, code: object) -> str:
    """``"United Kingdom (GBR)"``; the code alone when the name is the code or missing."""
    code, name = str(code), "" if pd.isna(name) else str(name)  # type: ignore[arg-type]
    if not code:
        return name or "(no holder)"
    return code if name in ("", code) else f"{name} ({code})"


def _signed(value: float) -> str:
    """``"+0.19"``, ``"-0.41"``, and ``"0.00"`` for what rounds to zero (never ``"-0.00"``)."""
    rounded = round(float(value), 2) + 0.0
    return "0.00" if rounded == 0 else f"{rounded:+.2f}"


def _target_label(prof: pd.DataFrame, target: str) -> str:
    names = prof.loc[prof["target"] == target, "target_name"] if "target_name" in prof else []
    return _label(names.iloc[0] if len(names) else "", target)


def heatmap(prof: pd.DataFrame, *, min_count: int = 3, max_holders: int = 30, ax: Any = None,
            path: str | os.PathLike[str] | None = None) -> Any:
    """Holder x target heatmap of the mean score, annotated with counts.

    Parameters
    ----------
    prof : DataFrame
        A profile without ``by`` (from :func:`stance.profile`). Rows with no holder (the tone of
        coverage) are left out.
    min_count : int, default 3
        Cells with fewer stance rows are drawn faded (the fewer rows, the fainter) and hatched,
        with their score and count still printed, so that a cell of one sentence does not look
        like solid evidence. ``min_count=1`` draws every cell alike.
    max_holders : int, default 30
        Show the holders with the most rows.
    ax : matplotlib Axes, optional
    path : path-like, optional
        Save the figure here.

    Returns
    -------
    matplotlib.axes.Axes
        Its patches are the hatched rectangles over the low-count cells.

    Examples
    --------
    >>> import pandas as pd
    >>> prof = pd.DataFrame({"holder": ["JPN", "JPN"], "holder_name": ["Japan", "Japan"],
    ...                      "target": ["CHN", "RUS"], "score": [-0.3, -0.8], "n": [4, 1]})
    >>> ax = heatmap(prof)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['Japan (JPN)']
    >>> [p.get_hatch() for p in ax.patches]  # the RUS cell has 1 row
    ['///']
    """
    _check(prof, {"holder", "holder_name", "target", "score", "n"})
    if min_count < 1:
        raise ValueError(f"min_count must be 1 or more, got {min_count}")
    data = prof[prof["holder"] != ""]
    totals = data.groupby("holder")["n"].sum().sort_values(ascending=False, kind="stable")
    holders = totals.index[:max_holders].tolist()
    data = data[data["holder"].isin(holders)]
    scores = data.pivot_table(index="holder", columns="target", values="score",
                              aggfunc="first").reindex(holders)
    counts = data.pivot_table(index="holder", columns="target", values="n",
                              aggfunc="first").reindex(index=holders, columns=scores.columns)
    names = data.groupby("holder")["holder_name"].first()
    rows = [_label(names.get(h, ""), h) for h in holders]
    columns = [_target_label(prof, t).replace(" (", "\n(") for t in scores.columns]
    ax = _axes(ax, 3.0 + 1.3 * max(len(columns), 1), 1.8 + 0.32 * max(len(rows), 1))
    n = counts.to_numpy(dtype=float)
    low = n < min_count  # NaN (no rows) compares False
    step = (_FADED_MAX - _FADED_MIN) / max(min_count - 2, 1)
    alpha = np.where(low, _FADED_MIN + step * (np.nan_to_num(n) - 1), 1.0)
    image = ax.imshow(scores.to_numpy(dtype=float), cmap=_CMAP, vmin=-1, vmax=1, aspect="auto",
                      alpha=alpha, interpolation="nearest")
    ax.set_xticks(range(len(columns)), columns)
    ax.set_yticks(range(len(rows)), rows)
    ax.tick_params(length=0)
    from matplotlib.patches import Rectangle

    for i, j in zip(*np.nonzero(~np.isnan(n))):
        faded = bool(low[i, j])
        ax.text(j, i, f"{_signed(scores.iat[i, j])}\n(n={int(n[i, j])})", ha="center", va="center",
                fontsize=7, color="0.35" if faded else "black", style="italic" if faded else "normal")
        if faded:
            ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, hatch="///",
                                   edgecolor="0.65", linewidth=0))
    bar = ax.figure.colorbar(image, ax=ax, fraction=0.05, aspect=40)
    bar.set_label(_SCORE_LABEL)
    bar.solids.set_alpha(1)
    title = "Mean stance score; n = stance rows in the cell"
    if min_count > 1 and low.any():
        title += f"\nfaded and hatched: n < {min_count}, too few rows to read much into"
    ax.set_title(title, fontsize=10)
    return _save(ax, path)


def _period_column(prof: pd.DataFrame) -> str:
    period = next((c for c in _PERIODS if c in prof.columns), None)
    if period is None:
        raise ValueError("needs a profile made with by='month', 'quarter' or 'year'")
    return period


def _periods(labels: pd.Series, period: str) -> pd.PeriodIndex:
    """Every period from the first label to the last (rows without a date left out)."""
    known = pd.PeriodIndex([p for p in labels.astype(str).unique() if p != "(no date)"],
                           freq=_FREQ[period])
    if known.empty:
        return known
    return pd.period_range(known.min(), known.max(), freq=_FREQ[period])


def _positions(periods: pd.PeriodIndex, period: str) -> np.ndarray:
    """x of each period: the year as a number, or the middle of the month or quarter as a date."""
    if period == "year":
        return periods.year.to_numpy(dtype=float)
    start, end = periods.start_time, periods.end_time
    return (start + (end - start) / 2).to_numpy()


def _time_axis(ax: Any, periods: pd.PeriodIndex, x: np.ndarray, period: str,
               gaps: np.ndarray) -> None:
    """Ticks for the period, limits half a period beyond the ends, and the gaps shaded (or, when
    more than half the periods are gaps, counted in the legend)."""
    import matplotlib.dates as mdates
    from matplotlib.ticker import MaxNLocator, MultipleLocator

    if period == "year":
        half = 0.5
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=8))
        ax.xaxis.set_major_formatter("{x:.0f}")
        ax.xaxis.set_minor_locator(MultipleLocator(1))
        spans = [(v - half, v + half) for v in x]
    else:
        starts, ends = periods.start_time.to_numpy(), (periods.end_time + pd.Timedelta(1)).to_numpy()
        locator = mdates.AutoDateLocator(maxticks=8)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        spans = list(zip(starts, ends))
    if gaps.mean() > 0.5:  # shading most of the panel would hide what is there: say it instead
        ax.plot([], [], ls="none", label=f"{int(gaps.sum())} of {len(gaps)} {period}s without "
                "rows\n(lines break there)")
    else:
        for k, ((left, right), gap) in enumerate(zip(spans, gaps)):
            if gap:
                ax.axvspan(left, right, color=_GAP_COLOR, lw=0,
                           label=None if gaps[:k].any() else f"{period} without rows")
    left, right = spans[0][0], spans[-1][1]
    if period != "year":  # over many years half a month is too thin to keep markers whole
        pad = max((right - left) * 0.015 - (spans[0][1] - spans[0][0]) / 2, np.timedelta64(0))
        left, right = left - pad, right + pad
    ax.set_xlim(left, right)
    ax.set_xlabel(period)


def timeline(prof: pd.DataFrame, holder: str, target: str, *, ax: Any = None,
             path: str | os.PathLike[str] | None = None) -> Any:
    """One holder's mean score toward one target over time, with its interval as a band.

    The x axis is time: numeric years for ``by="year"`` (so 2007 to 2011 is four years wide),
    dates (the middle of each period) for months and quarters. A period without rows breaks the
    line and the band and is shaded grey (or counted in the legend, when more than half the
    periods have no rows); a point whose interval is NaN (one document) is drawn
    hollow; a point between two gaps shows its interval as an error bar. Rows without a date
    ("(no date)") are not drawn.

    Parameters
    ----------
    prof : DataFrame
        A profile with ``by="month"``, ``"quarter"`` or ``"year"`` and no other ``by`` column.
    holder, target : str
        Codes (``""`` for the rows with no holder).
    ax : matplotlib Axes, optional
    path : path-like, optional
        Save the figure here.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> prof = pd.DataFrame({"year": ["2007", "2008", "2011"], "holder": ["DEU"] * 3,
    ...                      "holder_name": ["Germany"] * 3, "target": ["RUS"] * 3,
    ...                      "score": [0.1, -0.6, -0.7], "score_low": [-0.1, -0.8, -0.9],
    ...                      "score_high": [0.3, -0.4, -0.5], "n": [5, 12, 8]})
    >>> ax = timeline(prof, "DEU", "RUS")
    >>> [float(v) for v in ax.get_xlim()]  # four years wide, half a year of margin at each end
    [2006.5, 2011.5]
    >>> ax.get_title()
    'Germany (DEU) toward RUS'
    """
    _check(prof, {"holder", "target", "score", "score_low", "score_high"})
    try:
        period = _period_column(prof)
    except ValueError:
        raise ValueError("timeline() needs a profile made with by='month', 'quarter' or "
                         "'year'") from None
    data = prof[(prof["holder"] == holder) & (prof["target"] == target)]
    if data.empty:
        raise ValueError(f"the profile has no rows for holder {holder!r} and target {target!r}")
    labels = data[period].astype(str)
    if labels.duplicated().any():
        raise ValueError(f"the profile has several rows per {period} for {holder!r} and "
                         f"{target!r}: make it with by={period!r} alone, or select one group")
    periods = _periods(labels, period)
    if periods.empty:
        raise ValueError(f"the rows of {holder!r} toward {target!r} have no date")
    full = data.assign(_p=labels).set_index("_p").reindex(periods.astype(str))
    x = _positions(periods, period)
    score = full["score"].to_numpy(float)
    low, high = full["score_low"].to_numpy(float), full["score_high"].to_numpy(float)
    ax = _axes(ax, 8, 3.5)
    _time_axis(ax, periods, x, period, np.isnan(score))
    ax.axhline(0, color="grey", lw=0.8)
    ax.fill_between(x, low, high, alpha=0.25, color="C0", lw=0, label="95% interval")
    has = ~np.isnan(low)
    alone = has & ~np.r_[False, has[:-1]] & ~np.r_[has[1:], False]
    if alone.any():
        ax.errorbar(x[alone], score[alone], yerr=[score[alone] - low[alone],
                                                  high[alone] - score[alone]],
                    fmt="none", ecolor="C0", alpha=0.5, capsize=3)
    ax.plot(x, score, color="C0", marker="o", label="mean score")
    hollow = ~np.isnan(score) & ~has
    if hollow.any():
        ax.plot(x[hollow], score[hollow], ls="none", marker="o", mfc="white", mec="C0",
                label="one document: no interval")
    ax.set_ylim(-1.05, 1.05)
    ax.set_ylabel("mean score")
    name = data["holder_name"].iloc[0] if "holder_name" in data else ""
    ax.set_title(f"{_label(name, holder)} toward {_target_label(prof, target)}")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False)
    return _save(ax, path)


def trends(prof: pd.DataFrame, targets: list[str] | None = None, *, top: int = 5,
           path: str | os.PathLike[str] | None = None) -> Any:
    """The holders with the most rows toward each target over time: one panel per target.

    Each panel draws one line per holder (the ``top`` holders by stance rows toward that target,
    rows with no holder left out), on a real time axis shared by the panels (see
    :func:`timeline`). A period in which the holder has no rows breaks its line; a period in which
    no holder of the panel has rows is shaded (or counted in the legend when they are most
    periods). Hollow markers are periods of one document (no
    interval). Intervals are not drawn, to keep the lines apart: use :func:`timeline` for one
    holder with its band. This is what ``stance profile --by year --plot FILE`` draws.

    Parameters
    ----------
    prof : DataFrame
        A profile with ``by="month"``, ``"quarter"`` or ``"year"``.
    targets : list of str, optional
        Target codes, one panel each, in this order (those without rows are left out); default:
        the targets of the profile.
    top : int, default 5
        Holders per panel.
    path : path-like, optional
        Save the figure here.

    Returns
    -------
    matplotlib.axes.Axes
        The first panel; ``ax.figure.axes`` holds them all.

    Examples
    --------
    >>> import pandas as pd
    >>> prof = pd.DataFrame({"year": ["2014", "2016", "2014", "2015"],
    ...                      "holder": ["DEU", "DEU", "USA", "USA"],
    ...                      "holder_name": ["Germany", "Germany", "United States", "United States"],
    ...                      "target": ["RUS", "RUS", "RUS", "CHN"], "score": [0.1, -0.6, -0.5, -0.4],
    ...                      "score_low": [-0.1] * 4, "score_high": [0.3] * 4, "n": [5, 12, 3, 4]})
    >>> ax = trends(prof, ["RUS", "CHN"])
    >>> [a.get_title(loc="left") for a in ax.figure.axes]
    ['toward RUS', 'toward CHN']
    """
    _check(prof, {"holder", "target", "score", "score_low", "n"})
    period = _period_column(prof)
    data = prof[(prof["holder"] != "") & (prof[period].astype(str) != "(no date)")]
    order = list(dict.fromkeys(data["target"])) if targets is None else list(targets)
    order = [t for t in order if (data["target"] == t).any()]
    if not order:
        raise ValueError("the profile has no dated rows with a holder"
                         + ("" if targets is None else f" toward {', '.join(targets)}"))
    periods = _periods(data[period], period)
    x = _positions(periods, period)
    keys = periods.astype(str)
    plt = _pyplot()
    fig, axes = plt.subplots(len(order), 1, figsize=(9, 0.6 + 2.4 * len(order)), sharex=True,
                             squeeze=False, layout="constrained")
    for ax, target in zip(axes[:, 0], order):
        rows = data[data["target"] == target]
        totals = rows.groupby("holder")["n"].sum().sort_values(ascending=False, kind="stable")
        shown = totals.index[:top]
        _time_axis(ax, periods, x, period, ~keys.isin(rows[period].astype(str)))
        ax.axhline(0, color="grey", lw=0.8)
        for k, holder in enumerate(shown):
            one = rows[rows["holder"] == holder].set_index(period).reindex(keys)
            score, low = one["score"].to_numpy(float), one["score_low"].to_numpy(float)
            name = one["holder_name"].dropna().iloc[0] if "holder_name" in one else ""
            color = f"C{k % 10}"
            ax.plot(x, score, color=color, marker="o", ms=4,
                    label=f"{_label(name, holder)}, n={int(totals[holder])}")
            hollow = ~np.isnan(score) & np.isnan(low)
            ax.plot(x[hollow], score[hollow], ls="none", marker="o", ms=4, mfc="white", mec=color)
        ax.set_ylim(-1.05, 1.05)
        ax.set_ylabel("mean score")
        ax.set_title(f"toward {_target_label(prof, target)}", fontsize=10, loc="left")
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False,
                  title=f"{len(shown)} of {len(totals)} holders, n = rows", title_fontsize=8,
                  alignment="left")
        if ax is not axes[-1, 0]:
            ax.set_xlabel("")
    fig.suptitle(f"Mean stance score per {period}: the {top} holders with the most rows toward "
                 "each target\n(hollow: one document, no interval; a line breaks where its "
                 "holder has no rows)", fontsize=10)
    return _save(axes[0, 0], path)


def ranking(prof: pd.DataFrame, target: str, *, top: int = 10, min_count: int = 3, ax: Any = None,
            path: str | os.PathLike[str] | None = None) -> Any:
    """The most opposed and most supportive holders toward ``target``, with intervals.

    Parameters
    ----------
    prof : DataFrame
        A profile without ``by``.
    target : str
        Target code.
    top : int, default 10
        Holders shown at each end.
    min_count : int, default 3
        Leave out holders with fewer stance rows.

        Holders whose interval is NaN (their rows come from one document) are drawn faded and
        hatched, without an error bar.
    ax : matplotlib Axes, optional
    path : path-like, optional
        Save the figure here.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> prof = pd.DataFrame({"holder": ["JPN", "BLR"], "holder_name": ["Japan", "Belarus"],
    ...                      "target": ["RUS", "RUS"], "score": [-0.8, 0.7], "n": [9, 4],
    ...                      "score_low": [-0.9, 0.5], "score_high": [-0.7, 0.9]})
    >>> ax = ranking(prof, "RUS")
    >>> len(ax.patches), ax.get_yticklabels()[0].get_text()
    (2, 'Japan (JPN), n=9')
    """
    _check(prof, {"holder", "holder_name", "target", "score", "n"})
    data = prof[(prof["target"] == target) & (prof["n"] >= min_count) & (prof["holder"] != "")]
    if data.empty:
        raise ValueError(f"no holder has {min_count} or more stance rows toward {target!r}")
    data = data.sort_values("score")
    data = pd.concat([data.head(top), data.tail(top)]).drop_duplicates(subset="holder")
    ax = _axes(ax, 7.5, 1.4 + 0.3 * len(data))
    y = np.arange(len(data))
    colors = ["#b2182b" if s < 0 else "#2166ac" for s in data["score"]]
    err, alone = None, np.zeros(len(data), dtype=bool)
    if {"score_low", "score_high"} <= set(data.columns):
        alone = data["score_low"].isna().to_numpy()
        low = (data["score"] - data["score_low"]).clip(lower=0)  # NaN: no bar, no cap
        high = (data["score_high"] - data["score"]).clip(lower=0)
        err = np.vstack([low, high])
    bars = ax.barh(y, data["score"], color=colors, xerr=err, capsize=2)
    for bar, faded in zip(bars, alone):
        if faded:  # no interval: one document, not to be read like the others
            bar.set_alpha(0.45)
            bar.set_hatch("///")
            bar.set_edgecolor("white")  # the hatch's colour
            bar.set_linewidth(0)
    ax.set_yticks(y, [f"{_label(nm, h)}, n={n}"
                      for nm, h, n in zip(data["holder_name"], data["holder"], data["n"])])
    ax.axvline(0, color="grey", lw=0.8)
    ax.set_xlim(-1.05, 1.05)
    ax.set_xlabel(_SCORE_LABEL)
    notes = [f"n >= {min_count} rows"] if min_count > 1 else []
    if alone.any():
        notes.append("faded, hatched: one document, no interval")
    title = f"Stance toward {_target_label(prof, target)}:\nmost opposed and most supportive holders"
    ax.set_title(title + (f"\n({'; '.join(notes)})" if notes else ""), fontsize=10)
    return _save(ax, path)
