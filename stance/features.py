"""Feature extractors for (sentence, holder, target) rows, as scikit-learn transformers.

Each transformer takes a DataFrame with the columns ``text``, ``holder`` and ``target`` (``holder``
may be empty: no actor holds the stance), stores only its keyword parameters in ``__init__``,
learns nothing it does not need in ``fit``, and names its outputs in ``get_feature_names_out``. They
work with ``clone``, ``Pipeline``, ``cross_validate``, ``GridSearchCV`` and joblib.

- :class:`TargetView` rewrites the sentence with placeholders for the target, the holder and other
  actors, so that what is learned about one country carries over to every other.
- :class:`SentimentFeatures` gives TextBlob's polarity and subjectivity of the sentence and of the
  window around the target.
- :class:`CueFeatures` counts conflict, cooperation, neutral and reporting cues from the
  package's lexicon (``stance/data/cues.tsv``), with negation scope and nearness to the target.
- :class:`FastTfidfVectorizer` is scikit-learn's ``TfidfVectorizer`` with a faster ``transform``
  (same output).
- :class:`StructuralFeatures` describes the sentence's shape: is there a holder, is the target
  possessive, is the holder the agent of a passive, is it reported speech, a headline, a
  first-person statement.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.utils.validation import check_is_fitted

from .actors import Mention, find_actors

__all__ = [
    "CueFeatures",
    "FastTfidfVectorizer",
    "SentimentFeatures",
    "StructuralFeatures",
    "TargetView",
    "as_rows",
    "sentiment",
]

#: Placeholder tokens of the target-aware view.
TARGET, HOLDER, OTHER = "xtarget", "xholder", "xactor"
NO_HOLDER, HOLDER_UNNAMED = "xnoholder", "xunnamedholder"
REQUIRED = ("text", "holder", "target")


# ---------------------------------------------------------------------------------------------
# Input handling
# ---------------------------------------------------------------------------------------------


def as_rows(X: Any, *, name: str = "X") -> pd.DataFrame:
    """Validate ``X`` and return a DataFrame with string columns ``text``, ``holder``, ``target``.

    ``holder`` may be missing, None, NaN or "" for "no holder"; it is returned as "".

    Parameters
    ----------
    X : DataFrame or list of dict
        Rows with at least ``text`` and ``target``.
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
    if isinstance(X, pd.DataFrame):
        frame = X
    elif isinstance(X, (list, tuple)) and all(isinstance(r, dict) for r in X):
        frame = pd.DataFrame(list(X))
    else:
        raise TypeError(f"{name} must be a DataFrame (or a list of dicts) with columns text, "
                        f"holder and target, got {type(X).__name__}")
    missing = [c for c in ("text", "target") if c not in frame.columns]
    if missing:
        raise ValueError(f"{name} is missing the column(s) {missing}; it has {list(frame.columns)}")
    out = pd.DataFrame(index=frame.index)
    for col in ("text", "target"):
        values = frame[col]
        bad = [i for i, v in zip(frame.index, values) if not isinstance(v, str)]
        if bad:
            raise ValueError(f"{name}: column {col!r} must hold strings; rows {_rows(bad)} do not")
        out[col] = values.astype(object)
    if "holder" in frame.columns:
        holders = []
        for i, v in zip(frame.index, frame["holder"]):
            if not isinstance(v, str) and _is_missing(v):
                holders.append("")
            elif isinstance(v, str):
                holders.append(v.strip())
            else:
                raise ValueError(f"{name}: column 'holder' must hold codes or be empty; row {i} "
                                 f"has {v!r}")
        out["holder"] = pd.Series(holders, index=frame.index, dtype=object)
    else:
        out["holder"] = ""
    out["target"] = out["target"].str.strip()
    return out[list(REQUIRED)]


def _is_missing(value: Any) -> bool:
    """None, NaN, pandas.NA or NaT (scalars only)."""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # arrays and other non-scalars
        return False


def _rows(index: list[Any], limit: int = 10) -> str:
    shown = ", ".join(str(i) for i in index[:limit])
    return shown + (f" and {len(index) - limit} more" if len(index) > limit else "")


@lru_cache(maxsize=20_000)
def _mentions(text: str) -> tuple[Mention, ...]:
    """Actor mentions of a sentence, cached: every feature of every row of a sentence needs them."""
    return tuple(find_actors(text))


# ---------------------------------------------------------------------------------------------
# Sentiment (TextBlob's pattern lexicon; works offline)
# ---------------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------------
# Transformers
# ---------------------------------------------------------------------------------------------


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
        return as_rows(X)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """Names of the output columns."""
        check_is_fitted(self, "n_features_in_")
        return np.array(self._names(), dtype=object)

    def _names(self) -> list[str]:  # pragma: no cover - overridden
        raise NotImplementedError


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
        out = [self._view(t, h, g) for t, h, g in zip(rows["text"], rows["holder"], rows["target"])]
        return np.array(out, dtype=object)

    def _view(self, text: str, holder: str, target: str) -> str:
        view = view_text(text, holder, target, lowercase=self.lowercase, mark_others=self.mark_others)
        return view if self.scope == "sentence" else relation_text(view, self.context)

    def _names(self) -> list[str]:
        return ["view"]


@lru_cache(maxsize=50_000)
def view_text(text: str, holder: str, target: str, *, lowercase: bool = True,
              mark_others: bool = True) -> str:
    """The target-aware view of one sentence; see :class:`TargetView`.

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
    for m in _mentions(text):
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
        for i, (text, target) in enumerate(zip(rows["text"], rows["target"])):
            pol, subj = sentiment(text)
            wtext = _window(text, target, self.window)
            wpol, wsubj = (pol, subj) if wtext == text else sentiment(wtext)
            out[i] = (pol, subj, wpol, wsubj)
        return out

    def _names(self) -> list[str]:
        return ["polarity", "subjectivity", "window_polarity", "window_subjectivity"]


@lru_cache(maxsize=50_000)
def _window(text: str, target: str, width: int) -> str:
    """The words within ``width`` of each mention of ``target`` (cached: analyze needs it twice)."""
    spans = [(m.start, m.end) for m in _mentions(text) if m.code == target]
    if not spans:
        return text
    tokens = [(t.start(), t.end()) for t in _TOKEN.finditer(text)]
    keep = set()
    for s, e in spans:
        idx = [i for i, (ts, te) in enumerate(tokens) if te > s and ts < e]
        if not idx:
            continue
        lo, hi = max(0, idx[0] - width), min(len(tokens), idx[-1] + width + 1)
        keep.update(range(lo, hi))
    if not keep:
        return text
    return " ".join(text[tokens[i][0]:tokens[i][1]] for i in sorted(keep))


# --- cue lexicon ------------------------------------------------------------------------------

CUE_CATEGORIES = ("conflict", "cooperation", "neutral", "reporting", "negation")


@lru_cache(maxsize=1)
def load_cues() -> dict[str, re.Pattern[str]]:
    """Compile the cue lexicon (``stance/data/cues.tsv``): one pattern per category.

    A cue ending in ``*`` matches any word starting with it; a cue of several words matches them
    in sequence.

    Returns
    -------
    dict of str to compiled pattern

    Examples
    --------
    >>> bool(load_cues()["conflict"].search("they condemned it"))
    True
    """
    text = resources.files("stance").joinpath("data", "cues.tsv").read_text(encoding="utf-8")
    cues: dict[str, list[str]] = {c: [] for c in CUE_CATEGORIES}
    for i, line in enumerate(text.splitlines()[1:], start=2):
        if not line.strip():
            continue
        try:
            cue, category = line.split("\t")
        except ValueError:
            raise ValueError(f"stance/data/cues.tsv, line {i}: expected 2 tab-separated fields") from None
        if category not in cues:
            raise ValueError(f"stance/data/cues.tsv, line {i}: unknown category {category!r}")
        cues[category].append(cue)
    patterns = {}
    for category, words in cues.items():
        alts = []
        for w in sorted(words, key=len, reverse=True):
            if w.endswith("*"):
                alts.append(re.escape(w[:-1]) + r"[\w'-]*")
            else:
                alts.append(re.escape(w).replace(r"\ ", r"\s+"))
        patterns[category] = re.compile(r"(?<![\w])(?:" + "|".join(alts) + r")(?![\w])")
    return patterns


class CueFeatures(_RowTransformer):
    """Counts of geopolitical cue words with negation scope and nearness to the target.

    For conflict and cooperation cues: all occurrences, negated occurrences (a negation cue within
    ``negation_scope`` words before), and occurrences within ``window`` words of the target. For
    neutral, reporting and negation cues: all occurrences and those near the target. Conflict and
    cooperation cues are also counted by who acts and on whom: ``conflict_by_holder`` and the like
    by the actor named nearest before the cue (its agent: holder, target, another actor or none;
    third parties listed with the holder count as the holder), and ``conflict_other_on_target``
    and the like by agent and patient (the actor named within six words after the cue), so that
    in "xholder fears xactor could blockade xtarget" the blockade is a third party's act on the
    target, not the holder's. ``conflict_holder_on_aggressor`` is 1 when the holder's conflict
    cues are aimed at a third party that itself acts against the target and none at the target
    ("xholder is concerned by xactor's drills around xtarget"): the holder takes the victim's
    side, whatever the count of conflict words says. "Against" before an actor ("plans against
    xtarget") is a conflict cue rather than a negation. Counts are capped at ``cap``.

    Parameters
    ----------
    window : int, default 8
        Words on each side of the target that count as near.
    negation_scope : int, default 3
        Words before a cue in which a negation cue negates it.
    cap : int, default 3
        Counts are clipped to this value.
    adjacent : int, default 4
        Words before a target mention searched for the cue that governs it; its category
        (conflict, cooperation or neutral; a negated cue counts as neutral) is one-hot encoded as
        ``governed_by_conflict``, ``governed_by_cooperation``, ``governed_by_neutral``.

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame({"text": ["Japan did not condemn Russia."], "holder": ["JPN"],
    ...                   "target": ["RUS"]})
    >>> f = CueFeatures().fit(X)
    >>> float(dict(zip(f.get_feature_names_out(), f.transform(X)[0]))["conflict_negated"])
    1.0
    """

    def __init__(self, window: int = 8, negation_scope: int = 3, cap: int = 3,
                 adjacent: int = 4) -> None:
        self.window = window
        self.negation_scope = negation_scope
        self.cap = cap
        self.adjacent = adjacent

    def transform(self, X: Any) -> np.ndarray:
        """Return the cue counts, one row per input row."""
        rows = self._rows(X)
        patterns = load_cues()
        out = np.zeros((len(rows), len(self._names())))
        for i, (t, h, g) in enumerate(zip(rows["text"], rows["holder"], rows["target"])):
            out[i] = self._row(view_text(t, h, g), patterns)
        return np.minimum(out, self.cap)

    def _row(self, view: str, patterns: dict[str, re.Pattern[str]]) -> list[float]:
        words = [(m.start(), m.end()) for m in _TOKEN.finditer(view)]
        starts = [s for s, _ in words]
        target_idx = [i for i, (s, e) in enumerate(words) if TARGET in view[s:e]]
        # the word index of every cue, per category, found once and shared by all the features
        cue_words = {c: [_word_index(starts, m.start()) for m in patterns[c].finditer(view)]
                     for c in CUE_CATEGORIES}
        tokens = [view[s:e].lower() for s, e in words]
        actors = _actor_marks(tokens)
        _against_actor(tokens, actors, cue_words)
        neg_idx = cue_words["negation"]
        roles = _cue_roles(view, words, tokens, actors, cue_words)
        feats: list[float] = []
        for category in CUE_CATEGORIES:
            total = negated = near = 0
            for k in cue_words[category]:
                total += 1
                if category in ("conflict", "cooperation") and any(
                        0 < k - j <= self.negation_scope for j in neg_idx):
                    negated += 1
                if any(abs(k - j) <= self.window for j in target_idx):
                    near += 1
            if category in ("conflict", "cooperation"):
                feats += [total, negated, near]
            else:
                feats += [total, near]
        feats += self._governing(target_idx, neg_idx, cue_words)
        feats += _cue_agents(roles)
        return feats

    def _governing(self, target_idx: list[int], neg_idx: list[int],
                   cue_words: dict[str, list[int]]) -> list[float]:
        """One-hot category of the cue closest before a target mention, within ``adjacent`` words.

        The phrase that governs the target ("concern over X", "sanctions on X", "ties with X") says
        more about the stance toward X than cues elsewhere in the sentence.
        """
        best: dict[int, str] = {}
        for category in ("conflict", "cooperation", "neutral"):
            for k in cue_words[category]:
                best.setdefault(k, category)
        out = {"conflict": 0.0, "cooperation": 0.0, "neutral": 0.0}
        for t in target_idx:
            for k in range(t - 1, max(-1, t - 1 - self.adjacent), -1):
                if k in best:
                    negated = any(0 < k - j <= self.negation_scope for j in neg_idx)
                    category = best[k]
                    if negated and category != "neutral":
                        category = "neutral"
                    out[category] = 1.0
                    break
        return [out["conflict"], out["cooperation"], out["neutral"]]

    def _names(self) -> list[str]:
        names = []
        for category in CUE_CATEGORIES:
            names += [category, f"{category}_near"] if category not in ("conflict", "cooperation") \
                else [category, f"{category}_negated", f"{category}_near"]
        return [*names, "governed_by_conflict", "governed_by_cooperation", "governed_by_neutral",
                *[f"{c}_by_{a}" for c in ("conflict", "cooperation") for a in _AGENTS],
                *[f"{c}_{a}_on_{p}" for c in ("conflict", "cooperation") for a, p in _ACTS],
                "conflict_holder_on_aggressor"]


_AGENTS = ("holder", "target", "other", "none")
#: (agent, patient) pairs of a cue counted on their own: who acts on whom.
_ACTS = (("holder", "target"), ("other", "target"), ("target", "holder"), ("target", "other"),
         ("holder", "other"))


def _actor_marks(tokens: list[str]) -> list[tuple[int, str]]:
    """The word index and kind ("target", "holder" or "other") of every actor placeholder."""
    actors: list[tuple[int, str]] = []
    for i, w in enumerate(tokens):
        if TARGET in w:
            actors.append((i, "target"))
        elif HOLDER in w or w.startswith(HOLDER_UNNAMED):
            actors.append((i, "holder"))
        elif OTHER in w:
            actors.append((i, "other"))
    return actors


def _cue_roles(view: str, words: list[tuple[int, int]], tokens: list[str],
               actors: list[tuple[int, str]], cue_words: dict[str, list[int]], reach: int = 6
               ) -> dict[str, list[tuple[str, str]]]:
    """The agent and the patient of every conflict and cooperation cue.

    The agent stands in for who acts: the actor named nearest before the cue, where a third party
    listed together with the holder ("xholder, xactor and xactor expelled ...") counts as the
    holder. The patient is the actor named next after the cue, within ``reach`` words and the same
    clause ("none" otherwise): in "xholder fears that xactor could blockade xtarget" the blockade
    is a third party's act on the target, so the target is its victim, not the holder's adversary.
    Roles are "holder", "target", "other" or "none". ``tokens`` are the lowercased words and
    ``actors`` their placeholders (:func:`_actor_marks`). Under ``"conflict_in_clause"`` are the
    conflict cues whose agent is named in the cue's own clause.
    """
    actors = _coordinated_with_holder(view, words, actors)
    # a clause boundary ends the search for a patient: in "xholder and xactor sign deals amid
    # concern over xtarget" the deals are not made with the target
    bounds = [i for i, w in enumerate(tokens)
              if w.strip("\"'()") in _CLAUSE_BOUNDARIES or w[-1] in ";:"]
    # an actor after "from" is where the act comes from or turns away from, not what it is done
    # to: "switches recognition from xtarget to xactor"
    sources = {i for i, _ in actors
               if tokens[max(i - 1, 0):i] == ["from"] or tokens[max(i - 2, 0):i] == ["from", "the"]}
    # the conflict acts whose agent is in the cue's own clause: in "xholder supplies missiles to
    # xactor amid tensions with xtarget" the tensions are not the nearest actor's act
    roles: dict[str, list[tuple[str, str]]] = {"conflict_in_clause": []}
    for category in ("conflict", "cooperation"):
        roles[category] = []
        for k in cue_words[category]:
            agent = patient = "none"
            agent_at = -1
            for i, kind in actors:
                if i >= k:
                    if i in sources:
                        continue
                    if i - k <= reach and not any(k < b < i for b in bounds):
                        patient = kind
                    break
                agent, agent_at = kind, i
            roles[category].append((agent, patient))
            if (category == "conflict" and agent_at >= 0
                    and not any(agent_at < b < k for b in bounds)):
                roles["conflict_in_clause"].append((agent, patient))
    return roles


def _against_actor(tokens: list[str], actors: list[tuple[int, str]],
                   cue_words: dict[str, list[int]], scope: int = 3) -> None:
    """Read "against" before an actor as a conflict cue, not a negation (in place).

    "Against" negates what follows it when that is a measure ("voted against sanctions"), but
    before an actor it names who the act is aimed at: "plans against xtarget", "a lawsuit against
    xtarget". It then counts as a conflict cue, with the actor before it as its agent, unless a
    conflict cue within ``scope`` words before already is the act ("sanctions against xtarget"),
    where it stays as it was. ``tokens`` and ``actors`` are as in :func:`_cue_roles`.
    """
    marked = {i for i, _ in actors}
    conflict = cue_words["conflict"]
    for j in list(cue_words["negation"]):
        if tokens[j] != "against":
            continue
        nxt = j + 2 if j + 2 < len(tokens) and tokens[j + 1] == "the" else j + 1
        if nxt not in marked:
            continue
        if not any(0 < j - k <= scope for k in conflict):
            cue_words["negation"].remove(j)
            conflict.append(j)
    conflict.sort()


#: Words that open a new clause, which a cue's patient is not looked for beyond.
_CLAUSE_BOUNDARIES = frozenset({"amid", "after", "before", "while", "as", "because", "since",
                                "despite", "when", "where", "which", "who", "whose", "but",
                                "although", "though", "whereas", "-", "--", "–", "—"})


def _cue_agents(roles: dict[str, list[tuple[str, str]]]) -> list[float]:
    """Conflict and cooperation cues counted per agent, then per (agent, patient) pair in _ACTS.

    In "xholder condemned xactor's attack on xtarget" the condemnation is the holder's and the
    attack a third party's.
    """
    out: list[float] = []
    acts: list[float] = []
    for category in ("conflict", "cooperation"):
        agents = [a for a, _ in roles[category]]
        out += [float(agents.count(a)) for a in _AGENTS]
        acts += [float(roles[category].count(pair)) for pair in _ACTS]
    conflict = set(roles["conflict"])
    # the holder's conflict is aimed at a third party, a third party acts against the target in
    # its own clause, and the holder aims none at the target: "xholder is concerned by xactor's
    # drills around xtarget"
    against_aggressor = float(("holder", "other") in conflict
                              and ("other", "target") in roles["conflict_in_clause"]
                              and ("holder", "target") not in conflict)
    return [*out, *acts, against_aggressor]


#: Words that may stand between two actors of one coordinated list: "xholder, xactor and xactor".
_COORDINATION = frozenset({",", "and", "&", "the", "both", "as", "well", "together", "with"})
_GAP_TOKEN = re.compile(r"[,&]|[^\s,&]+")


def _coordinated_with_holder(view: str, words: list[tuple[int, int]],
                             actors: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Count third parties listed together with the holder as the holder.

    In "xholder, xactor and xactor announced expulsions of xtarget diplomats" the expulsions are
    the holder's, though the actor named nearest before them is another country of the list.
    """
    groups: list[list[int]] = []
    for j, (i, _) in enumerate(actors):
        if j and i - actors[j - 1][0] <= 4:
            # the text from the previous actor's marker to this one, without the marker itself
            # (a comma may be glued to it: "xholder, xactor and xactor")
            gap = _GAP_TOKEN.findall(view[words[actors[j - 1][0]][0]:words[i][0]])[1:]
            if all(g in _COORDINATION for g in gap) and ("and" in gap or "," in gap
                                                          or "&" in gap):
                groups[-1].append(j)
                continue
        groups.append([j])
    out = list(actors)
    for group in groups:
        if len(group) > 1 and any(actors[j][1] == "holder" for j in group):
            for j in group:
                if actors[j][1] == "other":
                    out[j] = (actors[j][0], "holder")
    return out


def _word_index(starts: list[int], pos: int) -> int:
    return max(0, bisect_right(starts, pos) - 1)


# --- structure --------------------------------------------------------------------------------

def _third_party(view: str, reach: int = 12) -> tuple[float, float]:
    """``other_between`` and ``other_acts_on_target`` of a view (see StructuralFeatures)."""
    words = view.split()
    targets = [i for i, w in enumerate(words) if TARGET in w]
    holders = [i for i, w in enumerate(words) if HOLDER in w]
    others = [i for i, w in enumerate(words) if OTHER in w]
    if not targets or not others:
        return 0.0, 0.0
    between = 0.0
    if holders:
        lo, hi = sorted((holders[0], min(targets, key=lambda t: abs(t - holders[0]))))
        between = float(any(lo < o < hi for o in others))
    conflict = load_cues()["conflict"]
    acts = 0.0
    for o in others:
        for t in targets:
            if 0 < t - o <= reach and conflict.search(" ".join(words[o + 1:t])):
                acts = 1.0
    return between, acts


_REPORTED = re.compile(r"\b(?:said|says|say|told|according to|stated|announced|insisted|claimed|"
                       r"added|warned|argued|quoted)\b", re.IGNORECASE)
_FIRST_PERSON = re.compile(r"\b(?:we|our|ours|us|my (?:country|government|delegation|nation))\b",
                           re.IGNORECASE)
_PASSIVE_BY = re.compile(r"\b(?:was|were|is|are|been|being|be)\s+\w+(?:ed|en)\b[^.]{0,60}?\bby\s+"
                         + HOLDER)


class StructuralFeatures(_RowTransformer):
    """The sentence's shape around holder and target.

    Features: ``holder_empty``, ``holder_named``, ``target_named``, ``target_possessive``,
    ``target_first_word`` (the sentence opens with the target), ``holder_passive_agent`` ("...
    was condemned by HOLDER"), ``by_holder``, ``reported_speech``, ``first_person``, ``headline``
    (no final punctuation), ``all_caps``, ``question``, ``quote``, ``n_actors`` (distinct actors,
    capped at 5), ``holder_organisation``, ``holder_via_leader``, ``target_via_demonym``,
    ``other_between`` (another actor stands between holder and target) and
    ``other_acts_on_target`` (another actor, then a conflict cue, then the target within a few
    words: "Japan fears that Beijing may attack Taiwan", where Taiwan is the threatened party
    rather than the holder's adversary).

    Whether the holder is named before the target is deliberately not a feature: the corpus
    taught it as a sign of support, and on real news it made "X meets Y", "X and Y fight" and
    "X condemns Y's leader" read as support.

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame({"text": ["Russia was condemned by Japan."], "holder": ["JPN"],
    ...                   "target": ["RUS"]})
    >>> f = StructuralFeatures().fit(X)
    >>> float(dict(zip(f.get_feature_names_out(), f.transform(X)[0]))["holder_passive_agent"])
    1.0
    """

    def transform(self, X: Any) -> np.ndarray:
        """Return the structural features, one row per input row."""
        rows = self._rows(X)
        out = np.zeros((len(rows), len(self._names())))
        for i, (t, h, g) in enumerate(zip(rows["text"], rows["holder"], rows["target"])):
            out[i] = self._row(t, h, g)
        return out

    def _row(self, text: str, holder: str, target: str) -> list[float]:
        mentions = _mentions(text)
        tm = [m for m in mentions if m.code == target]
        hm = [m for m in mentions if holder and m.code == holder]
        view = view_text(text, holder, target)
        stripped = text.rstrip()
        letters = [c for c in text if c.isalpha()]
        return [
            float(not holder),
            float(bool(hm)),
            float(bool(tm)),
            float(any(m.possessive for m in tm)),
            float(bool(tm and tm[0].start <= 4)),
            float(bool(_PASSIVE_BY.search(view))),
            float(f"by {HOLDER}" in view),
            float(bool(_REPORTED.search(text))),
            float(bool(_FIRST_PERSON.search(text))),
            float(bool(stripped) and stripped[-1] not in ".!?\"'\u201d"),
            float(bool(letters) and all(c.isupper() for c in letters)),
            float("?" in text),
            float('"' in text or "\u201c" in text),
            min(len({m.code for m in mentions}), 5) / 5,
            float(bool(hm) and hm[0].kind == "organisation"),
            float(any(m.via == "leader" for m in hm)),
            float(bool(tm) and all(m.via == "demonym" for m in tm)),
            *_third_party(view),
        ]

    def _names(self) -> list[str]:
        return ["holder_empty", "holder_named", "target_named", "target_possessive",
                "target_first_word", "holder_passive_agent", "by_holder", "reported_speech",
                "first_person", "headline", "all_caps", "question", "quote", "n_actors",
                "holder_organisation", "holder_via_leader", "target_via_demonym",
                "other_between", "other_acts_on_target"]


# --- TF-IDF with a faster transform ------------------------------------------------------------


class FastTfidfVectorizer(TfidfVectorizer):
    """scikit-learn's ``TfidfVectorizer`` with a faster, identical ``transform``.

    For ``analyzer="char_wb"``: n-grams never cross a space, so a text's counts are the sums of its
    words' counts; each lower-cased word's n-grams are looked up once and kept in a cache. For
    ``analyzer="word"``: tokens come from one ``findall`` of the token pattern and the n-grams from
    joining neighbouring tokens, looked up in the vocabulary without the per-n-gram Python loop.
    Either way the counts are added up with NumPy/SciPy, and the matrix returned is exactly the one
    ``TfidfVectorizer.transform`` returns (the tests check this). Fitting, the parameters, other
    analysers, stop words, a custom preprocessor or tokenizer and other input types are left to
    ``TfidfVectorizer`` unchanged. The cache is not saved with the model.

    Examples
    --------
    >>> from sklearn.feature_extraction.text import TfidfVectorizer
    >>> docs = ["xholder condemned xtarget", "trade with xtarget grew"]
    >>> fast = FastTfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4)).fit(docs)
    >>> slow = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4)).fit(docs)
    >>> bool(abs(fast.transform(docs) - slow.transform(docs)).max() == 0)
    True
    """

    _CACHE_LIMIT = 200_000

    def _fast_path(self) -> str | None:
        if not (self.input == "content" and self.lowercase and self.preprocessor is None
                and self.tokenizer is None and self.strip_accents is None):
            return None
        if self.analyzer == "char_wb":
            return "char_wb"
        if self.analyzer == "word" and self.stop_words is None and \
                re.compile(self.token_pattern).groups == 0:
            return "word"
        return None

    def transform(self, raw_documents: Any) -> Any:
        """Transform texts to the TF-IDF matrix (see ``TfidfVectorizer.transform``)."""
        path = None if isinstance(raw_documents, str) else self._fast_path()
        if path is None:
            return super().transform(raw_documents)
        check_is_fitted(self, msg="The TF-IDF vectorizer is not fitted")
        docs = list(raw_documents)
        if not all(type(d) is str for d in docs):
            return super().transform(docs)
        import scipy.sparse as sp

        cols, lengths = (self._char_wb_columns if path == "char_wb" else self._word_columns)(docs)
        rows = np.repeat(np.arange(len(docs)), lengths)
        counts = sp.csr_matrix((np.ones(len(cols), dtype=self.dtype), (rows, cols)),
                               shape=(len(docs), len(self.vocabulary_)), dtype=self.dtype)
        counts.sum_duplicates()
        counts.sort_indices()
        if self.binary:
            counts.data.fill(1)
        return self._tfidf.transform(counts, copy=False)

    def _char_wb_columns(self, docs: list[str]) -> tuple[np.ndarray, np.ndarray]:
        cache = self.__dict__.get("_word_ngrams")
        if cache is None or len(cache) > self._CACHE_LIMIT:
            cache = self.__dict__["_word_ngrams"] = {}
        parts: list[np.ndarray] = []
        lengths = np.zeros(len(docs), dtype=np.int64)
        for i, doc in enumerate(docs):
            total = 0
            for word in doc.lower().split():
                found = cache.get(word)
                if found is None:
                    found = cache[word] = self._word_indices(word)
                parts.append(found)
                total += len(found)
            lengths[i] = total
        cols = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32)
        return cols, lengths

    def _word_indices(self, word: str) -> np.ndarray:
        """Vocabulary indices of one word's padded n-grams, repeated as often as they occur."""
        vocabulary = self.vocabulary_
        min_n, max_n = self.ngram_range
        w = f" {word} "
        w_len = len(w)
        found = []
        for n in range(min_n, max_n + 1):
            offset = 0
            grams = [w[offset:offset + n]]
            while offset + n < w_len:
                offset += 1
                grams.append(w[offset:offset + n])
            found += [vocabulary[g] for g in grams if g in vocabulary]
            if offset == 0:  # a word shorter than n counts once, as scikit-learn does
                break
        return np.array(found, dtype=np.int32)

    def _word_columns(self, docs: list[str]) -> tuple[np.ndarray, np.ndarray]:
        get = self.vocabulary_.get
        findall = re.compile(self.token_pattern).findall
        min_n, max_n = self.ngram_range
        cols: list[int] = []
        lengths = np.zeros(len(docs), dtype=np.int64)
        for i, doc in enumerate(docs):
            tokens = findall(doc.lower())
            before = len(cols)
            for n in range(min_n, min(max_n, len(tokens)) + 1):
                grams = tokens if n == 1 else map(" ".join, zip(*(tokens[k:] for k in range(n))))
                cols += [j for j in map(get, grams) if j is not None]
            lengths[i] = len(cols) - before
        return np.array(cols, dtype=np.int32), lengths

    def __getstate__(self) -> dict[str, Any]:
        state = super().__getstate__()
        state.pop("_word_ngrams", None)
        return state
