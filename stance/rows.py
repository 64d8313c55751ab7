"""Input handling shared by every row transformer of :mod:`stance.features`.

- :func:`as_rows` validates a frame of (sentence, holder, target) rows and returns the columns
  ``text``, ``holder`` and ``target`` as strings (``holder`` is "" for "no holder").
- ``_RowTransformer`` is the transformers' base class: it validates the frame in ``fit`` and
  checks the fitted state in ``transform``.
- The placeholder tokens of the target-aware view (:data:`TARGET`, :data:`HOLDER`, :data:`OTHER`,
  :data:`NO_HOLDER`, :data:`HOLDER_UNNAMED`), the :data:`REQUIRED` columns, and ``_mentions``,
  the cache of each sentence's actor mentions that every feature reads.

This module imports no other feature module.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from .actors import Mention, find_actors

__all__ = [
    "HOLDER",
    "HOLDER_UNNAMED",
    "NO_HOLDER",
    "OTHER",
    "REQUIRED",
    "TARGET",
    "as_rows",
]


#: Placeholder tokens of the target-aware view.
TARGET, HOLDER, OTHER = "xtarget", "xholder", "xactor"
NO_HOLDER, HOLDER_UNNAMED = "xnoholder", "xunnamedholder"
REQUIRED = ("text", "holder", "target")
#: Optional column of rows: each sentence's actor mentions, already found (a tuple of Mention).
MENTIONS = "mentions"


def as_table(X: Any, *, name: str = "X") -> pd.DataFrame:
    """``X`` as a DataFrame: a DataFrame, a list (or tuple) of dicts, or a NumPy record array.

    Parameters
    ----------
    X : DataFrame, list of dict or structured ndarray
        The rows; their columns are not checked here (see :func:`as_rows`).
    name : str
        Argument name used in the error message.

    Returns
    -------
    DataFrame
        ``X`` itself when it is one.

    Raises
    ------
    TypeError
        For anything else (a plain array, a Series, a string, a list of lists ...), naming it.

    Examples
    --------
    >>> import numpy as np
    >>> records = np.array([("Japan condemned Russia.", "RUS")],
    ...                    dtype=[("text", object), ("target", object)])
    >>> as_table(records).columns.tolist()
    ['text', 'target']
    """
    if isinstance(X, pd.DataFrame):
        return X
    if isinstance(X, np.ndarray) and X.dtype.names:
        return pd.DataFrame.from_records(X)
    if isinstance(X, (list, tuple)) and all(isinstance(r, dict) for r in X):
        return pd.DataFrame(list(X))
    kind = type(X).__name__
    if isinstance(X, (list, tuple)):
        kind = f"a {kind} of {next(type(r).__name__ for r in X if not isinstance(r, dict))}"
    if isinstance(X, np.ndarray):
        kind = f"a {X.ndim}-d {X.dtype} array without field names"
    raise TypeError(f"{name} must be a DataFrame, a list of dicts or a NumPy record array with "
                    f"columns text, target and (optionally) holder, got {kind}")


def as_rows(X: Any, *, name: str = "X") -> pd.DataFrame:
    """Validate ``X`` and return a DataFrame with string columns ``text``, ``holder``, ``target``.

    ``holder`` may be missing, None, NaN or "" for "no holder"; it is returned as "". An optional
    ``mentions`` column (each sentence's mentions, as :func:`stance.analyze` found them once with
    the document's date and the caller's gazetteer) is kept; the features then read it instead of
    finding the mentions again.

    Parameters
    ----------
    X : DataFrame, list of dict or NumPy record array
        Rows with at least ``text`` and ``target`` (see :func:`as_table`).
    name : str
        Argument name used in error messages.

    Returns
    -------
    DataFrame

    Raises
    ------
    TypeError
        If ``X`` is not tabular.
    ValueError
        If a column is missing, or a ``text`` or ``target`` is missing or not a string; the message
        names the rows.

    Examples
    --------
    >>> as_rows([{"text": "Japan condemned Russia.", "target": "RUS"}]).holder.tolist()
    ['']
    """
    frame = as_table(X, name=name)
    missing = [c for c in ("text", "target") if c not in frame.columns]
    if missing:
        raise ValueError(f"{name} is missing the column(s) {missing}; it has {list(frame.columns)}")
    columns: dict[str, list[Any]] = {}
    for col in ("text", "target"):
        values = _strings(frame[col])
        if values is None:
            bad = [i for i, v in zip(frame.index, frame[col]) if not isinstance(v, str)]
            if bad:
                raise ValueError(f"{name}: column {col!r} must hold strings; rows {_rows(bad)} "
                                 "do not")
            values = frame[col].tolist()
        columns[col] = values
    if "holder" in frame.columns:
        holders = _strings(frame["holder"])
        if holders is None:
            holders = []
            for i, v in zip(frame.index, frame["holder"]):
                if not isinstance(v, str) and _is_missing(v):
                    holders.append("")
                elif isinstance(v, str):
                    holders.append(v)
                else:
                    raise ValueError(f"{name}: column 'holder' must hold codes or be empty; row "
                                     f"{i} has {v!r}")
        columns["holder"] = [h.strip() for h in holders]
    columns["target"] = [t.strip() for t in columns["target"]]
    if MENTIONS in frame.columns:
        # the sentence's mentions, found once upstream (stance.analyze): features read them
        # instead of finding them again, with the document's date and the caller's gazetteer
        columns[MENTIONS] = [v if type(v) is tuple else tuple(v) if isinstance(v, list) else None
                             for v in frame[MENTIONS]]
    # one frame built at once, columns in order: the classifiers call this for every
    # transformer, 7 times a call
    out = pd.DataFrame({c: pd.Series(columns[c], index=frame.index, dtype=object)
                        for c in (*REQUIRED, MENTIONS) if c in columns}, index=frame.index)
    if "holder" not in columns:
        out.insert(1, "holder", "")  # pandas' dtype for a column of one string, as before
    return out


def _strings(values: pd.Series) -> list[str] | None:
    """The values as a list when every one is a ``str`` (checked at C speed), else None."""
    items = values.tolist()
    return items if set(map(type, items)) <= {str} else None


def _is_rows(X: Any) -> bool:
    """Whether ``X`` is a frame that :func:`as_rows` would return unchanged: the columns
    ``text``, ``holder``, ``target`` (and ``mentions``) in that order, all of dtype object, texts
    and codes of type ``str``, codes stripped, mentions tuples or None."""
    if type(X) is not pd.DataFrame or list(X.columns) not in ([*REQUIRED], [*REQUIRED, MENTIONS]):
        return False
    if not all(isinstance(dtype, np.dtype) and dtype.kind == "O" for dtype in X.dtypes):
        return False
    for col in ("text", "holder", "target"):
        values = _strings(X[col])
        if values is None or (col != "text" and [v.strip() for v in values] != values):
            return False
    return MENTIONS not in X.columns or set(map(type, X[MENTIONS].tolist())) <= {tuple, type(None)}


def row_mentions(rows: pd.DataFrame) -> list[tuple[Mention, ...] | None]:
    """The ``mentions`` column of validated rows, or None for each row when there is none."""
    return list(rows[MENTIONS]) if MENTIONS in rows.columns else [None] * len(rows)


def _is_missing(value: Any) -> bool:
    """None, NaN, pandas.NA or NaT (scalars only)."""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # arrays and other non-scalars
        return False


def _is_blank(value: Any) -> bool:
    """Missing (:func:`_is_missing`), or a text of white space only: no text, no id."""
    return value.strip() == "" if isinstance(value, str) else _is_missing(value)


def _rows(index: list[Any], limit: int = 10) -> str:
    """The first ``limit`` of ``index``, then "and N more"."""
    shown = ", ".join(str(i) for i in index[:limit])
    return shown + (f" and {len(index) - limit} more" if len(index) > limit else "")


@lru_cache(maxsize=20_000)
def _mentions(text: str) -> tuple[Mention, ...]:
    """Actor mentions of a sentence, cached: every feature of every row of a sentence needs them."""
    return tuple(find_actors(text))


class _RowTransformer(TransformerMixin, BaseEstimator):
    """Shared plumbing: validate the frame in fit, check fitted state in transform."""

    def fit(self, X: Any, y: Any = None) -> _RowTransformer:
        """Check the input and record its width; nothing else is learned.

        Parameters
        ----------
        X : DataFrame
            Columns ``text``, ``holder``, ``target``.
        y : ignored

        Returns
        -------
        self
        """
        rows = as_rows(X)
        self.n_features_in_ = len(rows.columns)
        self.feature_names_in_ = np.array(REQUIRED, dtype=object)
        return self

    def _rows(self, X: Any) -> pd.DataFrame:
        check_is_fitted(self, "n_features_in_")
        # the rows a pipeline passes on from StanceModel.predict_proba are already as_rows's
        # output: read them as they are instead of building the same frame again
        return X if _is_rows(X) else as_rows(X)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """Names of the output columns."""
        check_is_fitted(self, "n_features_in_")
        return np.array(self._names(), dtype=object)

    def _names(self) -> list[str]:  # pragma: no cover - overridden
        raise NotImplementedError
