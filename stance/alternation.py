"""Regular expressions for lists of words, built as tries.

A word list written as ``word1|word2|...`` makes Python's regex engine try every word at every
position of the text, which grows with the length of the list. The same list written as a trie of
its characters (``(?:sanction(?:s|ed)?|sue)``) tries each character once, and matches what the flat
list matches, with the same preference: at a position, the longest word that lets the rest of the
pattern match, when a word boundary or a non-word character follows (as everywhere in the package).
Without one, two equally long words where one is a prefix wildcard ("sanction*", "sanctions") may
be tried in another order. ``tests/test_alternation.py`` checks both on hypothesis word lists and
text.

The word lists are those of ``stance/data``: a space in a word matches any run of whitespace and a
final ``*`` any continuation of word characters (what ``wildcard`` says).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

__all__ = ["alternation", "flat_alternation"]


def _atoms(word: str, wildcard: str, ignore_case: bool) -> list[str]:
    prefix = word.endswith("*")
    out: list[str] = []
    for k, part in enumerate(word.rstrip("*").split()):
        if k:
            out.append(r"\s+")
        out.extend(re.escape(ch) for ch in (part.lower() if ignore_case else part))
    if prefix:
        out.append(wildcard)
    return out


def alternation(words: Iterable[str], wildcard: str = r"[\w-]*", ignore_case: bool = True) -> str:
    """A regular expression (a group, no word boundaries) that matches any of ``words``.

    Parameters
    ----------
    words : iterable of str
        The words; a space matches any whitespace, a final ``*`` ends a prefix.
    wildcard : str, default ``[\\w-]*``
        What a final ``*`` matches.
    ignore_case : bool, default True
        Match in any case (the group is ``(?i:...)``).

    Returns
    -------
    str
        The pattern; it matches what :func:`flat_alternation` matches, with the longest word at a
        position tried first.

    Examples
    --------
    >>> alternation(["sanction", "sanctions", "sue"])
    '(?i:s(?:anction(?:s)?|ue))'
    >>> import re
    >>> re.findall(r"\\b" + alternation(["joint exercise*", "ban"]) + r"\\b", "Joint  exercises, a ban")
    ['Joint  exercises', 'ban']
    """
    trie: dict[str, Any] = {}
    for word in set(words):
        if not word.rstrip("*").strip():
            continue
        node = trie
        for atom in _atoms(word, wildcard, ignore_case):
            node = node.setdefault(atom, {})
        node[""] = {}

    def depth(node: dict[str, Any]) -> int:
        return max((1 + depth(child) for atom, child in node.items() if atom), default=0)

    def emit(node: dict[str, Any]) -> str:
        # longest first; of equally long continuations, the prefix wildcard first (as in the flat
        # list), which only matters where nothing bounds the word after it
        kids = sorted(((a, c) for a, c in node.items() if a),
                      key=lambda ac: (-depth(ac[1]), ac[0] != wildcard, ac[0]))
        if not kids:
            return ""
        body = "|".join(atom + emit(child) for atom, child in kids)
        if "" in node:
            return "(?:" + body + ")?"
        return body if len(kids) == 1 else "(?:" + body + ")"

    body = emit(trie) or "(?!)"  # an empty list matches nothing
    return ("(?i:" if ignore_case else "(?:") + body + ")"


def flat_alternation(words: Iterable[str], wildcard: str = r"[\w-]*", ignore_case: bool = True) -> str:
    """The same language as :func:`alternation`, written as a flat list, longest word first (the
    reference that the tests compare the trie with).

    Examples
    --------
    >>> flat_alternation(["ban", "sanction*"])
    '(?i:sanction[\\\\w-]*|ban)'
    """
    kept = {w for w in words if w.rstrip("*").strip()}
    parts = ["".join(_atoms(w, wildcard, ignore_case))
             for w in sorted(kept, key=lambda w: (-len(w), not w.endswith("*"), w))]
    return ("(?i:" if ignore_case else "(?:") + ("|".join(parts) or "(?!)") + ")"
