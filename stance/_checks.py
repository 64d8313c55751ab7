"""Argument checks shared by the public functions.

Every public function that takes a text calls :func:`check_text`, so ``None``, NaN, bytes and numbers
are refused the same way everywhere: a ``TypeError`` that names the argument, what was expected and
what was given.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["check_text", "clean_text", "clean_value"]

#: UTF-16 surrogate code points: a Python ``str`` may hold them (from ``"\\ud800"``, a JSON
#: escape or ``surrogateescape`` decoding) but UTF-8, Arrow and every file format refuse them.
_SURROGATE = re.compile("[\ud800-\udfff]")


def short_repr(value: Any, limit: int | None = 40) -> str:
    """``repr(value)`` as an error message shows a value: a NumPy scalar as the Python value it
    holds (``10000``, not ``np.int64(10000)``), cut to ``limit`` characters with "...".

    Examples
    --------
    >>> short_repr("x" * 50)
    "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx..."
    >>> import numpy as np
    >>> short_repr(np.int64(10000))
    '10000'
    """
    if type(value).__module__ == "numpy" and getattr(value, "ndim", None) == 0:
        value = value.item()
    text = repr(value)
    return text if limit is None or len(text) <= limit else text[:limit - 3] + "..."


def _describe(value: Any) -> str:
    if value is None:
        return "None"
    if isinstance(value, float) and value != value:
        return "NaN (a missing value)"
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{type(value).__name__} {text}"


def check_text(value: Any, name: str = "text") -> str:
    """Return ``value`` if it is a ``str``, else raise a ``TypeError`` that says what was expected.

    Parameters
    ----------
    value : object
        The value passed by the caller.
    name : str, default "text"
        The argument's name, used in the message.

    Returns
    -------
    str
        ``value`` itself.

    Raises
    ------
    TypeError
        If ``value`` is not a ``str`` (``None``, NaN, ``bytes``, numbers, ...). Bytes must be decoded
        by the caller, who knows their encoding.

    Examples
    --------
    >>> check_text("Beijing")
    'Beijing'
    >>> check_text(None)
    Traceback (most recent call last):
    ...
    TypeError: text must be a str, got None
    """
    if isinstance(value, str):
        return value
    hint = ""
    if isinstance(value, (bytes, bytearray)):
        hint = "; decode bytes first, e.g. data.decode('utf-8')"
    raise TypeError(f"{name} must be a str, got {_describe(value)}{hint}")


def clean_text(value: str) -> str:
    """``value`` with each surrogate code point replaced by U+FFFD, the replacement character.

    The one normalisation at the input boundary (:func:`stance.analyze`, the file readers and
    :func:`stance.profile` apply it to texts, ids, sources and speakers): a lone surrogate
    cannot be encoded as UTF-8 or stored in an Arrow string, so it would fail far from where it
    came in. One code point replaces one, so every offset into the text stays the same.

    Examples
    --------
    >>> clean_text("Japan condemned Russia \\ud800.")
    'Japan condemned Russia \\ufffd.'
    >>> len(clean_text("a\\ud83d\\ude00b")) == len("a\\ud83d\\ude00b")
    True
    """
    if value.isascii() or not _SURROGATE.search(value):
        return value
    return _SURROGATE.sub("\ufffd", value)


def clean_value(value: Any) -> Any:
    """:func:`clean_text` for a string, any other value unchanged (ids may be numbers)."""
    return clean_text(value) if isinstance(value, str) else value
