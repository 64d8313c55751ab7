"""The target-aware view of a sentence: placeholders for the target, the holder and other actors.

- :class:`TargetView` is the transformer; it rewrites each row's sentence, so that what is learned
  about one country carries over to every other.
- :func:`view_text` is the (cached) view of one sentence, read by the n-gram, cue and structural
  features alike; :func:`relation_text` keeps the part of a view from the holder to the target.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import numpy as np

from .actors import Mention
from .rows import (
    HOLDER,
    HOLDER_UNNAMED,
    NO_HOLDER,
    OTHER,
    TARGET,
    _mentions,
    _RowTransformer,
    row_mentions,
)

__all__ = ["TargetView", "relation_text", "view_text"]


class TargetView(_RowTransformer):
    """Rewrite each sentence with placeholders for the target, the holder and other actors.

    "Japan condemned Russia's invasion" with holder ``JPN`` and target ``RUS`` becomes
    "xholder condemned xtarget's invasion". A missing holder adds the token ``xnoholder``; a holder
    that the sentence does not name (a speaker's "we") adds ``xunnamedholder``.

    Parameters
    ----------
    lowercase : bool, default True
        Lower-case the view.
    mark_others : bool, default True
        Replace actors other than holder and target by ``xactor``; when False they are left as
        written.
    scope : {"sentence", "relation"}, default "sentence"
        ``"relation"`` keeps only the words from the holder's mention to the nearest target
        mention, plus ``context`` words around the target (the whole window around the target
        when the sentence names no holder): the part of the sentence that says what the holder
        does to the target.
    context : int, default 3
        Words kept on each side of the target with ``scope="relation"``.

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame({"text": ["Japan condemned Russia's invasion of Ukraine."],
    ...                   "holder": ["JPN"], "target": ["RUS"]})
    >>> TargetView().fit_transform(X)[0]
    "xholder condemned xtarget's invasion of xactor."
    """

    def __init__(self, lowercase: bool = True, mark_others: bool = True, scope: str = "sentence",
                 context: int = 3) -> None:
        self.lowercase = lowercase
        self.mark_others = mark_others
        self.scope = scope
        self.context = context

    def transform(self, X: Any) -> np.ndarray:
        """Return the view of each row as a 1-D array of strings.

        Parameters
        ----------
        X : DataFrame
            Columns ``text``, ``holder``, ``target``.

        Returns
        -------
        ndarray of str, shape (n_rows,)
        """
        rows = self._rows(X)
        if self.scope not in ("sentence", "relation"):
            raise ValueError(f"scope must be 'sentence' or 'relation', got {self.scope!r}")
        out = [self._view(t, h, g, ms) for t, h, g, ms in
               zip(rows["text"], rows["holder"], rows["target"], row_mentions(rows))]
        return np.array(out, dtype=object)

    def _view(self, text: str, holder: str, target: str,
              mentions: tuple[Mention, ...] | None = None) -> str:
        # with the default options, the call the cue and structural features make: the same key
        # of view_text's cache, so that a row's view is built once for all of them
        options = {} if self.lowercase is True and self.mark_others is True else {
            "lowercase": self.lowercase, "mark_others": self.mark_others}
        view = view_text(text, holder, target, mentions=mentions, **options)
        return view if self.scope == "sentence" else relation_text(view, self.context)

    def _names(self) -> list[str]:
        return ["view"]


@lru_cache(maxsize=50_000)
def view_text(text: str, holder: str, target: str, *, lowercase: bool = True,
              mark_others: bool = True, mentions: tuple[Mention, ...] | None = None) -> str:
    """The target-aware view of one sentence; see :class:`TargetView`.

    ``mentions`` are the sentence's mentions when already found (by :func:`stance.analyze`, with
    the document's date and the caller's gazetteer); otherwise they are found here, without a date.
    Cached: the word, character and relation views, the cue and the structural features all read
    the same view of a row.

    Examples
    --------
    >>> view_text("Beijing warned Taipei.", "CHN", "TWN")
    'xholder warned xtarget.'
    >>> view_text("Taiwan's economy grew.", "", "TWN")
    "xnoholder xtarget's economy grew."
    """
    parts: list[str] = []
    last = 0
    holder_named = False
    for m in _mentions(text) if mentions is None else mentions:
        if m.code == target:
            token = TARGET
        elif holder and m.code == holder:
            token = HOLDER
            holder_named = True
        elif mark_others:
            token = OTHER
        else:
            continue
        parts.append(text[last:m.start])
        parts.append(token)
        last = m.end
    parts.append(text[last:])
    view = "".join(parts)
    if not holder:
        view = f"{NO_HOLDER} {view}"
    elif not holder_named:
        view = f"{HOLDER_UNNAMED} {view}"
    return view.lower() if lowercase else view


_TOKEN = re.compile(r"\S+")


def relation_text(view: str, context: int = 3) -> str:
    """The part of a view from the holder to the nearest target, with words around the target.

    Examples
    --------
    >>> relation_text("xholder on monday sharply condemned xtarget's invasion of xactor .", 2)
    "xholder on monday sharply condemned xtarget's invasion of"
    >>> relation_text("xnoholder trade with xtarget grew by 5 percent in may", 2)
    'trade with xtarget grew by'
    """
    words = _TOKEN.findall(view)
    targets = [i for i, w in enumerate(words) if TARGET in w]
    if not targets:
        return " ".join(words[1:] if words and words[0] in (NO_HOLDER, HOLDER_UNNAMED) else words)
    holders = [i for i, w in enumerate(words) if HOLDER in w]
    if holders:
        h = holders[0]
        t = min(targets, key=lambda i: abs(i - h))
        start, end = max(0, min(h, t - context)), min(len(words), max(h, t + context) + 1)
    else:
        t = targets[0]
        start, end = max(0, t - context), min(len(words), t + context + 1)
    kept = [w for w in words[start:end] if w not in (NO_HOLDER, HOLDER_UNNAMED)]
    return " ".join(kept)
