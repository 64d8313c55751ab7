"""Plots of profiles (matplotlib, an optional extra: ``pip install 'stance[plots]'``).

- :func:`heatmap`: holder x target mean score, with the number of stance rows in each cell;
- :func:`timeline`: one holder toward one target over time, with the interval as a band;
- :func:`ranking`: the most opposed and most supportive holders toward one target, with intervals.

Each returns the matplotlib ``Axes``; pass ``path`` to also save the figure (written atomically).
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["heatmap", "ranking", "timeline"]

_CMAP = "RdBu"  # red = oppose, blue = support


def _pyplot() -> Any:
    try:
        import matplotlib

        if not os.environ.get("DISPLAY") and not os.environ.get("MPLBACKEND"):
            matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError("plots need matplotlib: pip install 'stance[plots]'") from None
    return plt


def _save(ax: Any, path: str | os.PathLike[str] | None) -> Any:
    if path is not None:
        from .io import atomic_write

        fig = ax.figure
        fig.tight_layout()
        suffix = os.path.splitext(os.fspath(path))[1].lstrip(".") or "png"
        with atomic_write(path, "wb") as fh:
            fig.savefig(fh, format=suffix, dpi=120)
    return ax


def _check(prof: pd.DataFrame, needed: set[str]) -> None:
    if not isinstance(prof, pd.DataFrame):
        raise TypeError(f"expected a profile DataFrame, got {type(prof).__name__}")
    missing = needed - set(prof.columns)
    if missing:
        raise ValueError(f"the profile lacks column(s) {sorted(missing)}; pass the output of profile()")


def heatmap(prof: pd.DataFrame, *, min_count: int = 1, max_holders: int = 30, ax: Any = None,
            path: str | os.PathLike[str] | None = None) -> Any:
    """Holder x target heatmap of the mean score, annotated with counts.

    Parameters
    ----------
    prof : DataFrame
        A profile without ``by`` (from :func:`stance.profile`).
    min_count : int, default 1
        Leave out cells with fewer stance rows.
    max_holders : int, default 30
        Show the holders with the most rows.
    ax : matplotlib Axes, optional
    path : path-like, optional
        Save the figure here.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> prof = pd.DataFrame({"holder": ["JPN", "JPN"], "holder_name": ["Japan", "Japan"],
    ...                      "target": ["CHN", "RUS"], "score": [-0.3, -0.8], "n": [4, 9]})
    >>> heatmap(prof).get_title()
    'Mean stance score (support - oppose); n in cells'
    """
    _check(prof, {"holder", "holder_name", "target", "score", "n"})
    plt = _pyplot()
    data = prof[(prof["n"] >= min_count) & (prof["holder"] != "")]
    totals = data.groupby("holder_name")["n"].sum().sort_values(ascending=False)
    names = totals.index[:max_holders].tolist()
    data = data[data["holder_name"].isin(names)]
    scores = data.pivot_table(index="holder_name", columns="target", values="score",
                              aggfunc="first").reindex(names)
    counts = data.pivot_table(index="holder_name", columns="target", values="n",
                              aggfunc="first").reindex(names)
    if ax is None:
        _, ax = plt.subplots(figsize=(2.2 + 1.3 * max(len(scores.columns), 1),
                                      1.5 + 0.32 * max(len(names), 1)))
    image = ax.imshow(scores.to_numpy(dtype=float), cmap=_CMAP, vmin=-1, vmax=1, aspect="auto")
    ax.set_xticks(range(len(scores.columns)), scores.columns)
    ax.set_yticks(range(len(names)), names)
    for i in range(len(names)):
        for j in range(len(scores.columns)):
            n = counts.iloc[i, j]
            if not np.isnan(n):
                ax.text(j, i, f"{scores.iloc[i, j]:+.2f}\n(n={int(n)})", ha="center", va="center",
                        fontsize=7)
    ax.figure.colorbar(image, ax=ax, label="score: -1 oppose ... +1 support")
    ax.set_title("Mean stance score (support - oppose); n in cells")
    return _save(ax, path)


def timeline(prof: pd.DataFrame, holder: str, target: str, *, ax: Any = None,
             path: str | os.PathLike[str] | None = None) -> Any:
    """One holder's mean score toward one target over time, with its interval as a band.

    Parameters
    ----------
    prof : DataFrame
        A profile with ``by="month"``, ``"quarter"`` or ``"year"``.
    holder, target : str
        Codes.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> prof = pd.DataFrame({"year": ["2021", "2022"], "holder": ["DEU", "DEU"],
    ...                      "holder_name": ["Germany"] * 2, "target": ["RUS", "RUS"],
    ...                      "score": [0.1, -0.6], "score_low": [-0.1, -0.8],
    ...                      "score_high": [0.3, -0.4], "n": [5, 12]})
    >>> timeline(prof, "DEU", "RUS").get_ylabel()
    'mean score'
    """
    _check(prof, {"holder", "target", "score", "score_low", "score_high"})
    period = next((c for c in ("month", "quarter", "year") if c in prof.columns), None)
    if period is None:
        raise ValueError("timeline() needs a profile made with by='month', 'quarter' or 'year'")
    plt = _pyplot()
    data = prof[(prof["holder"] == holder) & (prof["target"] == target)].sort_values(period)
    if data.empty:
        raise ValueError(f"the profile has no rows for holder {holder!r} and target {target!r}")
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3.5))
    x = np.arange(len(data))
    ax.axhline(0, color="grey", lw=0.8)
    ax.fill_between(x, data["score_low"].to_numpy(float), data["score_high"].to_numpy(float),
                    alpha=0.25, label="95% interval")
    ax.plot(x, data["score"], marker="o", label="mean score")
    ax.set_xticks(x, data[period].astype(str), rotation=45, ha="right")
    ax.set_ylim(-1.05, 1.05)
    ax.set_ylabel("mean score")
    name = data["holder_name"].iloc[0] if "holder_name" in data else holder
    ax.set_title(f"{name} toward {target}")
    ax.legend(loc="best", fontsize=8)
    return _save(ax, path)


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

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> prof = pd.DataFrame({"holder": ["JPN", "BLR"], "holder_name": ["Japan", "Belarus"],
    ...                      "target": ["RUS", "RUS"], "score": [-0.8, 0.7], "n": [9, 4],
    ...                      "score_low": [-0.9, 0.5], "score_high": [-0.7, 0.9]})
    >>> len(ranking(prof, "RUS").patches)
    2
    """
    _check(prof, {"holder", "holder_name", "target", "score", "n"})
    plt = _pyplot()
    data = prof[(prof["target"] == target) & (prof["n"] >= min_count) & (prof["holder"] != "")]
    if data.empty:
        raise ValueError(f"no holder has {min_count} or more stance rows toward {target!r}")
    data = data.sort_values("score")
    data = pd.concat([data.head(top), data.tail(top)]).drop_duplicates(subset="holder")
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 1 + 0.3 * len(data)))
    y = np.arange(len(data))
    colors = ["#b2182b" if s < 0 else "#2166ac" for s in data["score"]]
    err = None
    if {"score_low", "score_high"} <= set(data.columns):
        low = (data["score"] - data["score_low"]).fillna(0).clip(lower=0)
        high = (data["score_high"] - data["score"]).fillna(0).clip(lower=0)
        err = np.vstack([low, high])
    ax.barh(y, data["score"], color=colors, xerr=err, capsize=2)
    ax.set_yticks(y, [f"{nm} (n={n})" for nm, n in zip(data["holder_name"], data["n"])])
    ax.axvline(0, color="grey", lw=0.8)
    ax.set_xlim(-1.05, 1.05)
    ax.set_xlabel("mean score: -1 oppose ... +1 support")
    ax.set_title(f"Stance toward {target}: most opposed and most supportive")
    return _save(ax, path)
