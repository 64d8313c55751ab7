"""Sentiment features: TextBlob's polarity and subjectivity, of the sentence and near the target.

- :class:`SentimentFeatures` is the transformer; ``_window`` gives the words around the target.
- :func:`sentiment` scores a text as TextBlob's ``.sentiment`` does (pattern's lexicon, shipped
  inside textblob, so no download), faster: ``_fast_words`` replays pattern's tokenizer
  (``_PatternTokenizer``) and ``_assess`` its scoring on a plain copy of its lexicon
  (``_PatternLexicon``). The values are identical; the tests compare them.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import lru_cache
from typing import Any

import numpy as np

from .actors import Mention
from .rows import _mentions, _RowTransformer, row_mentions
from .views import _TOKEN

__all__ = ["SentimentFeatures", "sentiment"]


@lru_cache(maxsize=50_000)
def sentiment(text: str) -> tuple[float, float]:
    """TextBlob polarity and subjectivity of ``text`` (cached).

    TextBlob's ``.sentiment`` uses the pattern lexicon shipped inside the textblob package, so it
    needs no download.

    Parameters
    ----------
    text : str

    Returns
    -------
    tuple of float
        ``(polarity, subjectivity)``, polarity in [-1, 1], subjectivity in [0, 1].

    Examples
    --------
    >>> sentiment("a great and friendly partnership")[0] > 0
    True
    """
    # TextBlob(text).sentiment is pattern's analyser wrapped in a new blob and a namedtuple class
    # made on every call. Here: pattern's tokenization (_fast_words), then _assess, which replays
    # pattern's scoring on a plain copy of its lexicon; the values are identical (tests compare them).
    return _assess([w.lower() for w in _fast_words(text)], _pattern_lexicon())


def _fast_words(text: str) -> list[str]:
    """Pattern's words of ``text``: ``" ".join(find_tokens(text)).split()``, faster.

    Replicates ``textblob._text.find_tokens`` step by step: the contraction replacements ("n't"
    becomes " n't"), spaces around quotes and apostrophes, whitespace splitting, then leading and
    trailing punctuation split from each word, with the period of an abbreviation kept and "..."
    split as one token. A word that neither starts nor ends with punctuation is kept as it is.
    Pattern then groups the tokens into sentences, which only partitions them, and rewrites "( ! )"
    and emoticons written across spaces (": - )") within each sentence. Texts where that could
    change a token (a paragraph break or a literal END-OF-SENTENCE, which mark sentences, or an
    emoticon or "(!)" spanning a space) go to ``find_tokens`` itself. Tests check the equality.
    """
    tok = _pattern_tokenizer()
    if tok.eos in text or ("\n" in text and "\n\n" in text.replace("\r\n", "\n")):
        return tok.slow(text)
    s = text
    if "'" in s:  # every contraction has one
        for a, b in tok.contractions:
            s = s.replace(a, b)
    s = (s.replace("\u201c", " \u201c ").replace("\u201d", " \u201d ").replace("\u2018", " \u2018 ")
         .replace("\u2019", " \u2019 ").replace("'", " ' ").replace('"', ' " '))
    lead, trail = tok.lead, tok.trail
    words: list[str] = []
    for t in s.split():
        if t[0] in lead or t[-1] in trail:
            words += tok.split_punctuation(t)  # cached: "said," and "U.S." come back often
        else:
            words.append(t)
    joined = " ".join(words)
    if tok.spaced.search(joined) and tok.rewrites(joined):
        return tok.slow(text)
    return words


class _PatternTokenizer:
    """Pattern's tokenizer tables (``textblob._text``), for :func:`_fast_words`."""

    def __init__(self) -> None:
        from textblob import _text
        from textblob.en import parser

        self.find_tokens = parser.find_tokens
        self.eos = _text.EOS
        self.replace = _text.replacements
        self.contractions = tuple(_text.replacements.items())  # literal: str.replace == re.sub
        self.lead = frozenset(_text.PUNCTUATION.replace(".", ""))
        self.trail = self.lead | {"."}
        self.abbreviations = _text.ABBREVIATIONS
        self.abbr = (_text.RE_ABBR1.match, _text.RE_ABBR2.match, _text.RE_ABBR3.match)
        self.split_punctuation = lru_cache(maxsize=50_000)(self._split_punctuation)
        self.sarcasm, self.emoticons = _text.RE_SARCASM, _text.RE_EMOTICONS
        # a rewrite needs a space inside "(!)" or an emoticon, so two of its characters in a row
        # with a space between them: the last character of a token and the first of the next
        follows: dict[str, set[str]] = {"(": {"!"}, "!": {")"}}
        for faces in _text.EMOTICONS.values():
            for f in faces:
                for a, b in zip(f, f[1:]):
                    follows.setdefault(a, set()).add(b)
        self.spaced = re.compile("|".join(f"{re.escape(a)} [{re.escape(''.join(sorted(bs)))}]"
                                          for a, bs in sorted(follows.items())))

    def slow(self, text: str) -> list[str]:
        return " ".join(self.find_tokens(text)).split()

    def _split_punctuation(self, t: str) -> tuple[str, ...]:
        """The loops of ``find_tokens`` that split leading and trailing punctuation off a token."""
        head: list[str] = []
        tail: list[str] = []
        while t[:1] in self.lead and t not in self.replace:
            head.append(t[0])
            t = t[1:]
        while t[-1:] in self.trail and t not in self.replace:
            if t[-1:] in self.lead:
                tail.append(t[-1])
                t = t[:-1]
            if t.endswith("..."):
                tail.append("...")
                t = t[:-3].rstrip(".")
            if t.endswith("."):
                if t in self.abbreviations or any(match(t) is not None for match in self.abbr):
                    break
                tail.append(t[-1])
                t = t[:-1]
        if t != "":
            head.append(t)
        head.extend(reversed(tail))
        return tuple(head)

    def rewrites(self, joined: str) -> bool:
        """Could pattern's "(!)" or emoticon substitution change these tokens, joined by spaces?

        Only a match with a space in it changes the text: "( in 2008 )" becomes "( in 2008)"
        (the "8)" emoticon). Pattern substitutes within each sentence; a match on the whole text
        is either the same match or crosses a sentence boundary, and so contains a space.
        """
        return (any(" " in m.group() for m in self.sarcasm.finditer(joined))
                or any(" " in m.group(1) for m in self.emoticons.finditer(joined)))


@lru_cache(maxsize=1)
def _pattern_tokenizer() -> _PatternTokenizer:
    return _PatternTokenizer()


class _PatternLexicon:
    """Pattern's sentiment lexicon as plain look-ups (see :func:`_assess`)."""

    def __init__(self) -> None:
        from textblob import _text
        from textblob.en import sentiment as analyser

        len(analyser)  # loads the lexicon shipped inside textblob (no download)
        # a string is scored word by word without part-of-speech tags: pattern reads the scores
        # averaged over tags (key None) and treats a word that can be an adverb as a modifier
        self.scores = {w: tuple(tags[None]) for w, tags in dict.items(analyser) if None in tags}
        self.modifiers = frozenset(w for w, tags in dict.items(analyser)
                                   if any(m in tags for m in analyser.modifiers))
        self.negations = frozenset(analyser.negations)
        self.punctuation = _text.PUNCTUATION
        self.emoticons = [(score, {e.lower() for e in faces})
                          for (_, score), faces in _text.EMOTICONS.items()]


@lru_cache(maxsize=1)
def _pattern_lexicon() -> _PatternLexicon:
    return _PatternLexicon()


def _assess(words: list[str], lex: _PatternLexicon) -> tuple[float, float]:
    """Pattern's ``Sentiment.assessments`` and averaging for lower-cased, untagged words.

    Each assessment is ``[polarity, subjectivity, intensity, negated]``. A known word starts one,
    or, after a modifier ("very"), rescales the modifier's; a negation ("not") before it inverts
    its intensity and marks it negated; "!" boosts the last one; "(!)" and emoticons add their own.
    A negated polarity counts -0.5 times. The results are the plain means (0 when none).
    """
    a: list[list[float]] = []
    modifier: str | None = None
    negation: str | None = None
    scores, modifiers, negations = lex.scores, lex.modifiers, lex.negations
    for w in words:
        psi = scores.get(w)
        if psi is not None:
            p, s, i = psi
            if modifier is None:
                a.append([p, s, i, 1])
            else:
                last = a[-1]
                last[0] = max(-1.0, min(p * last[2], +1.0))
                last[1] = max(-1.0, min(s * last[2], +1.0))
                last[2] = i
            if negation is not None:
                a[-1][2] = 1.0 / a[-1][2]
                a[-1][3] = -1
            modifier = w if w in modifiers else None
            negation = w if w in negations else None
            continue
        if w in negations:
            negation = w
        elif negation and len(w.strip("'")) > 1:
            negation = None
        if negation is not None and modifier is not None and modifier.endswith("ly"):
            a[-1][3] = -1
            negation = None
        elif modifier and len(w) > 2:
            modifier = None
        if w == "!" and a:
            a[-1][0] = max(-1.0, min(a[-1][0] * 1.25, +1.0))
        if w == "(!)":
            a.append([0.0, 1.0, 1.0, 1])
        if w.isalpha() is False and len(w) <= 5 and w not in lex.punctuation:
            for score, faces in lex.emoticons:
                if w in faces:
                    a.append([score, 1.0, 1.0, 1])
                    break
    if not a:
        return 0.0, 0.0
    polarity = subjectivity = 0
    for p, s, _, negated in a:
        polarity += p * -0.5 if negated < 0 else p
        subjectivity += s
    return float(polarity / float(len(a))), float(subjectivity / float(len(a)))


class SentimentFeatures(_RowTransformer):
    """TextBlob polarity and subjectivity of the sentence and of the window around the target.

    Parameters
    ----------
    window : int, default 6
        Number of words on each side of each target mention that make the window. When the
        target is not named (only a place name or a pronoun), the window is the whole sentence.

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame({"text": ["A wonderful, friendly visit to China."], "holder": [""],
    ...                   "target": ["CHN"]})
    >>> SentimentFeatures().fit_transform(X).shape
    (1, 4)
    """

    def __init__(self, window: int = 6) -> None:
        self.window = window

    def transform(self, X: Any) -> np.ndarray:
        """Return ``[polarity, subjectivity, window_polarity, window_subjectivity]`` per row."""
        rows = self._rows(X)
        out = np.zeros((len(rows), 4))
        for i, (text, target, ms) in enumerate(zip(rows["text"], rows["target"], row_mentions(rows))):
            pol, subj = sentiment(text)
            wtext = _window(text, target, self.window, ms)
            wpol, wsubj = (pol, subj) if wtext == text else sentiment(wtext)
            out[i] = (pol, subj, wpol, wsubj)
        return out

    def _names(self) -> list[str]:
        return ["polarity", "subjectivity", "window_polarity", "window_subjectivity"]


@lru_cache(maxsize=50_000)
def _window(text: str, target: str, width: int, mentions: tuple[Mention, ...] | None = None) -> str:
    """The words within ``width`` of each mention of ``target`` (cached: analyze needs it twice);
    ``mentions`` when already found, else found here."""
    found = _mentions(text) if mentions is None else mentions
    spans = [(m.start, m.end) for m in found if m.code == target]
    if not spans:
        return text
    tokens = [t.span() for t in _TOKEN.finditer(text)]
    # the tokens do not overlap and come in order, so both their starts and their ends increase:
    # the tokens overlapping a mention (end after its start, start before its end) are a run,
    # found by bisection
    starts = [ts for ts, _ in tokens]
    ends = [te for _, te in tokens]
    keep = set()
    for s, e in spans:
        first, last = bisect_right(ends, s), bisect_left(starts, e) - 1
        if first > last:
            continue
        lo, hi = max(0, first - width), min(len(tokens), last + width + 1)
        keep.update(range(lo, hi))
    if not keep:
        return text
    return " ".join(text[tokens[i][0]:tokens[i][1]] for i in sorted(keep))
