"""Locate gazetteer aliases in text: whole words, leftmost first, the longest at each position.

:class:`AliasMatcher` holds the alias keys of a gazetteer (lower case, one kind of apostrophe
``'``, hyphen ``-`` and space, see ``actors._key``) and finds where they occur in a lower-cased
text. In the text an apostrophe of the key matches any apostrophe, a hyphen any hyphen or dash, and a
space one to three whitespace characters. A match must have a non-word character (or the edge of the
text) on both sides. Scanning goes left to right; at each position the longest alias wins, and the
next match starts after the end of the previous one.

Two engines give the same spans:

- the **reference**, one regular expression compiled from a character trie of the keys. It never
  backtracks further than the longest alias, so its time is linear in the text, but the regex
  engine tries the trie at every word start, which makes it the slow part of ``find_actors``;
- the **fast path**, an Aho-Corasick automaton (the ``pyahocorasick`` package, written in C) run over
  an ASCII copy of the text in which every non-word character is a space and every other non-ASCII
  character one ASCII word character ("é" as "e"). Each hit is then checked against the real characters.
  Runs of two or three whitespace characters, which a key's space also matches, are collapsed to
  one space before the automaton runs and the offsets are mapped back. Long non-ASCII texts, where
  the copying costs about what the automaton saves, and texts with U+02BC (an apostrophe that is a
  letter) use the reference.

``tests/test_matching.py`` checks that both engines give identical spans, on hypothesis text built
from alias fragments, punctuation and unusual whitespace and, when ``../shared`` is present, on the
real news items.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable
from functools import cache
from typing import Any

__all__ = ["AliasMatcher"]

APOSTROPHES = "'\u2019\u2018`\u02bc\u2032"
HYPHENS = "-\u2010\u2011\u2012\u2013\u2014\u2212"
# the characters Python's regular expressions count as \s in str patterns
WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
              "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
UNIT_RE = {
    " ": r"[\s\u00a0]{1,3}",
    "'": "[" + re.escape(APOSTROPHES) + "]",
    "-": "[" + re.escape(HYPHENS) + "]",
}

# U+02BC, an apostrophe that is a letter, is a word character that a key's apostrophe matches: a
# text with it takes the reference path
_WORD_UNITS = re.compile("[" + "".join(c for c in APOSTROPHES + HYPHENS if c.isalnum()) + "]")
# the text that hits are checked against: each unit as the character that stands for it in a key
# (only the characters that change: substituting every plain space would be slow)
_UNIT_OF = {**{c: " " for c in WHITESPACE}, **{c: "'" for c in APOSTROPHES},
            **{c: "-" for c in HYPHENS}}
_UNITS = re.compile("[" + re.escape("".join(c for c, u in _UNIT_OF.items() if c != u)) + "]")
_NON_ASCII = re.compile("[^\x00-\x7f]")
# bytes tables for ASCII text: every non-word character to a space (what the automaton reads), and
# whitespace to a space, "`" to "'" (what each hit is checked against)
_TO_SPACE = bytes(c if chr(c).isalnum() or c == 95 else 32 for c in range(128)) + bytes(range(128, 256))
_TO_KEY = bytes(32 if chr(c) in WHITESPACE else 39 if c == 96 else c for c in range(256))
_RUN = re.compile(rb"  +")
_LONG = 20_000
_WORD = re.compile(r"\w+", re.ASCII)


@cache
def _ascii_of(ch: str) -> str:
    """The ASCII character the automaton reads for a non-ASCII one, of the same class.

    A letter or digit as its base letter ("é" as "e") or "_", anything else as "#", so word
    boundaries stay where they were. (Apostrophes, hyphens and whitespace are in key form before
    this is asked.) What the automaton finds is then checked against the real text.
    """
    if ch.isalnum() or ch == "_":
        base = unicodedata.normalize("NFD", ch)[0]
        return base if base.isascii() and base.isalnum() else "_"
    return "#"


def _ascii_sub(m: re.Match[str]) -> str:
    return _ascii_of(m.group())


def _unit_sub(m: re.Match[str]) -> str:
    return _UNIT_OF[m.group()]


def _trie_regex(keys: Iterable[str]) -> str:
    """One regex alternative per trie branch; greedy, so the longest key at a position is tried first."""
    trie: dict[str, Any] = {}
    for key in keys:
        node = trie
        for ch in key:
            node = node.setdefault(ch, {})
        node[""] = True

    def emit(node: dict[str, Any]) -> str:
        terminal = "" in node
        branches = []
        for ch in sorted(c for c in node if c):
            unit = UNIT_RE.get(ch) or re.escape(ch)
            branches.append(unit + emit(node[ch]))
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if terminal:
            return "(?:" + body + ")?" if len(branches) > 1 or len(body) > 1 else body + "?"
        return body

    return "(?:" + emit(trie) + r")(?!\w)"


class AliasMatcher:
    """Find alias keys in lower-cased text (see the module docstring for the rules).

    Parameters
    ----------
    keys : iterable of str
        Alias keys: lower case, non-empty, with ``'``, ``-`` and single spaces as the only forms
        of apostrophe, hyphen and whitespace.

    Examples
    --------
    >>> m = AliasMatcher(["china", "south china sea", "u.s."])
    >>> text = "U.S. ships in the South  China Sea; China objected."
    >>> [text[s:e] for s, e in m.spans(text.lower())]
    ['U.S.', 'South  China Sea', 'China']
    """

    def __init__(self, keys: Iterable[str]) -> None:
        self.keys = tuple(dict.fromkeys(keys))
        if not all(self.keys):
            raise ValueError("alias keys must be non-empty")
        self._body = _trie_regex(self.keys)
        self._scanner: re.Pattern[str] | None = None
        self._automaton: Any = None

    def __getstate__(self) -> dict[str, Any]:
        # the compiled matchers are rebuilt on first use after unpickling
        return {"keys": self.keys}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["keys"])  # type: ignore[misc]

    @property
    def scanner(self) -> re.Pattern[str]:
        """The reference regex: one non-word character, then the longest key.

        Starting with a character class lets the regex engine skip over word characters without
        trying the alternation at each of them; the text is padded with a space in front.
        """
        if self._scanner is None:
            self._scanner = re.compile(r"[^\w]" + self._body)
        return self._scanner

    def spans(self, low: str) -> list[tuple[int, int]]:
        """``(start, end)`` of every match in ``low``, a lower-cased text.

        Parameters
        ----------
        low : str
            The text, lower-cased (``text.lower()``, when that keeps its length).

        Returns
        -------
        list of (int, int)
            Non-overlapping spans, in order.

        Examples
        --------
        >>> AliasMatcher(["iran"]).spans("iranian oil and iran's gas")
        [(16, 20)]
        """
        if low.isascii():
            return self._spans_fast(low.encode("ascii").translate(_TO_KEY), None)
        if len(low) > _LONG or _WORD_UNITS.search(low) is not None:
            # on a long text the substitutions below and the offset mapping cost about what the
            # automaton saves
            return self.spans_reference(low)
        exact = _UNITS.sub(_unit_sub, low)
        return self._spans_fast(_NON_ASCII.sub(_ascii_sub, exact).encode("ascii"), exact)

    def spans_reference(self, text: str, ignorecase: bool = False) -> list[tuple[int, int]]:
        """The spans found by the reference regex (``ignorecase`` for text not lower-cased)."""
        scanner = self.scanner
        if ignorecase:
            scanner = re.compile(scanner.pattern, re.IGNORECASE)
        return [(m.start(), m.end() - 1) for m in scanner.finditer(" " + text)]

    def _build(self) -> None:
        import ahocorasick  # the pyahocorasick package

        groups: dict[str, list[str]] = {}
        for key in self.keys:
            # the key between two non-word characters, all of which are spaces in padded text
            ascii_key = _NON_ASCII.sub(_ascii_sub, key)
            form = " " + ascii_key.encode("ascii").translate(_TO_SPACE).decode("ascii") + " "
            groups.setdefault(form, []).append(key)
        automaton = ahocorasick.Automaton()
        for form, keys in groups.items():
            # What a hit is checked against: for ASCII text, the ASCII keys as bytes, or nothing
            # for one key of word characters only, which the form alone pins down; for other
            # text, the keys themselves.
            ascii_keys = [k for k in keys if k.isascii()]
            if len(keys) == 1 and ascii_keys and _WORD.fullmatch(keys[0]):
                check: frozenset[bytes] | None = None
            else:
                check = frozenset(k.encode("ascii") for k in ascii_keys)
            automaton.add_word(form, (len(form) - 1, check, frozenset(keys)))
        # a word that never occurs (padded text has no NUL) keeps the automaton searchable
        automaton.add_word("\x00", (0, None, frozenset()))
        automaton.make_automaton()
        self._automaton = automaton

    def _spans_fast(self, folded: bytes, exact: str | None) -> list[tuple[int, int]]:
        """Spans in ``folded``, the text as ASCII bytes (whitespace a space; see :func:`_ascii_of`).

        ``exact`` is the text with its units in key form, when it is not ASCII: hits are checked
        against it. For ASCII text they are checked against ``folded`` itself.
        """
        if self._automaton is None:
            self._build()
        starts: list[int] = []
        removed: list[int] = []
        if b"  " in folded:
            runs, starts, removed = _short_runs(folded)
            folded = _collapse(folded, runs)
            if exact is not None:
                exact = _collapse(exact, runs)
        padded = (b" " + folded + b" ").translate(_TO_SPACE).decode("ascii")
        hits = []
        last = -1
        nested = False
        for end, (size, check, keys) in self._automaton.iter(padded):
            # padded[end] is the space after the key: in the text, the key is [end - size, end - 1)
            start = end - size
            end -= 1
            if exact is None:
                if check is not None and folded[start:end] not in check:
                    continue
            elif exact[start:end] not in keys:
                continue
            hits.append((start, end))
            # hits come by their end; one that starts inside the previous one needs sorting
            nested = nested or start <= last
            last = end
        if nested:
            hits.sort(key=lambda h: (h[0], -h[1]))
            out = []
            last = -1
            for start, end in hits:
                if start > last:
                    out.append((start, end))
                    last = end
            hits = out
        if starts:
            # back to the offsets of the text before the runs were collapsed
            hits = [(s + (removed[k - 1] if (k := bisect_right(starts, s)) else 0),
                     e + (removed[k - 1] if (k := bisect_right(starts, e)) else 0)) for s, e in hits]
        return hits


def _short_runs(text: bytes) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """The runs of two or three spaces, which :func:`_collapse` makes one space each.

    A key's space stands for one to three whitespace characters; longer runs stay, as no key spans
    them. Returns the runs, the collapsed position after each of them, and how many characters had
    been removed up to and including it (to map collapsed offsets back).
    """
    runs = [m.span() for m in _RUN.finditer(text) if m.end() - m.start() <= 3]
    starts = []
    removed = []
    total = 0
    for begin, stop in runs:
        starts.append(begin + 1 - total)
        total += stop - begin - 1
        removed.append(total)
    return runs, starts, removed


def _collapse(text: Any, runs: list[tuple[int, int]]) -> Any:
    """``text`` (str or bytes) with each of ``runs`` cut to its first character."""
    pieces = []
    prev = 0
    for begin, stop in runs:
        pieces.append(text[prev:begin + 1])
        prev = stop
    pieces.append(text[prev:])
    return text[:0].join(pieces)
