"""Argument checks shared by the public functions.

Every public function that takes a text calls :func:`check_text`, so ``None``, NaN, bytes and numbers
are refused the same way everywhere: a ``TypeError`` that names the argument, what was expected and
what was given.
"""

from __future__ import annotations

from typing import Any

__all__ = ["check_text"]


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
