"""Choosing what to label next: uncertainty sampling for the retraining workflow.

Label the rows the model is least sure of, retrain with ``stance train MINE.csv --include-default``,
and repeat. :func:`sample_for_annotation` writes a CSV ready to fill in: the ``stance`` column is
empty, the model's guess and probabilities are beside it.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import pandas as pd

from .io import write_table
from .rows import as_rows

__all__ = ["sample_for_annotation"]

STRATEGIES = ("uncertainty", "margin", "random")


def sample_for_annotation(rows: Any, n: int, strategy: str = "uncertainty", *, model: Any = None,
                          path: str | os.PathLike[str] | None = None, random_state: int = 0
                          ) -> pd.DataFrame:
    """Pick the ``n`` rows most worth labelling next and optionally write them to a CSV.

    Parameters
    ----------
    rows : DataFrame
        Candidate rows with ``text``, ``holder``, ``target`` (e.g. the output of
        :func:`stance.analyze`, whose ``sentence`` column is used as ``text``).
    n : int
        How many rows to pick (fewer when there are fewer distinct rows).
    strategy : {"uncertainty", "margin", "random"}, default "uncertainty"
        ``uncertainty``: lowest top probability; ``margin``: smallest gap between the two most
        probable labels; ``random``: a random sample (a baseline).
    model : StanceModel, optional
        Defaults to :func:`stance.load_model`.
    path : path-like, optional
        Write the sample here (atomically) as CSV with an empty ``stance`` column to fill in.
    random_state : int, default 0
        Seed for ``random`` and for breaking ties.

    Returns
    -------
    DataFrame
        Columns ``text``, ``holder``, ``target``, ``stance`` (empty), ``predicted``, ``p_oppose``,
        ``p_neutral``, ``p_support``, ``uncertainty``, and any other columns of ``rows``.

    Raises
    ------
    ValueError
        If ``n`` is not a positive integer or ``strategy`` is unknown.

    Examples
    --------
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"text": ["Japan condemned Russia.", "Brazil met Russian envoys."],
    ...                      "holder": ["JPN", "BRA"], "target": ["RUS", "RUS"]})
    >>> sample_for_annotation(rows, 1).columns[:4].tolist()
    ['text', 'holder', 'target', 'stance']
    """
    from .model import load_model

    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    if strategy not in STRATEGIES:
        raise ValueError(f"strategy must be one of {STRATEGIES}, got {strategy!r}")
    if isinstance(rows, pd.DataFrame) and "text" not in rows.columns and "sentence" in rows.columns:
        rows = rows.rename(columns={"sentence": "text"})
    base = as_rows(rows, name="rows")
    extra = rows.drop(columns=[c for c in ("text", "holder", "target", "stance") if c in rows],
                      errors="ignore") if isinstance(rows, pd.DataFrame) else None
    frame = base.copy()
    if extra is not None:
        frame = pd.concat([frame, extra.loc[frame.index]], axis=1)
    frame = frame.drop_duplicates(subset=["text", "holder", "target"]).reset_index(drop=True)
    if frame.empty:
        return frame.assign(stance=pd.Series(dtype=object))
    model = model or load_model()
    proba = model.predict_proba(frame[["text", "holder", "target"]])
    classes = list(model.classes_)
    ordered = np.sort(proba, axis=1)
    if strategy == "margin":
        uncertainty = 1 - (ordered[:, -1] - ordered[:, -2])
    else:
        uncertainty = 1 - ordered[:, -1]
    rng = np.random.default_rng(random_state)
    tiebreak = rng.random(len(frame))
    if strategy == "random":
        order = np.argsort(tiebreak)
    else:
        order = np.lexsort((tiebreak, -uncertainty))
    picked = order[: int(n)]
    out = pd.DataFrame({
        "text": frame["text"].to_numpy()[picked],
        "holder": frame["holder"].to_numpy()[picked],
        "target": frame["target"].to_numpy()[picked],
        "stance": "",
        "predicted": np.asarray(classes, dtype=object)[proba[picked].argmax(axis=1)],
        **{f"p_{c}": proba[picked, classes.index(c)].round(4) for c in ("oppose", "neutral", "support")},
        "uncertainty": uncertainty[picked].round(4),
    })
    others = [c for c in frame.columns if c not in out.columns]
    for c in others:
        out[c] = frame[c].to_numpy()[picked]
    if path is not None:
        write_table(out, path)
    return out
