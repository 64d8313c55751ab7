"""Text normalisation and sentence segmentation that need no downloaded data.

Nothing here uses NLTK or TextBlob's tokenisers: both need corpora downloaded at run time. The
segmenter is a small rule system tuned for wire news, headlines and diplomatic statements, and every
sentence keeps its character offsets into the *original* text, so a caller can always show the
source span.

All regular expressions in this module are linear in the length of the input: no nested
quantifiers, and every bounded construct has an explicit upper bound.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from typing import NamedTuple

from ._checks import check_text

__all__ = ["OffsetMap", "Sentence", "normalize", "normalize_with_offsets", "split_sentences"]

# --------------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------------

#: Characters replaced one for one (offsets unchanged).
_CHAR_MAP = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u02bc": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
    "\u2212": "-", "\ufe58": "-", "\ufe63": "-", "\uff0d": "-",
    "\u2026": "...",
}
#: Spaces other than U+0020, line breaks, and invisible characters (folded with the space runs).
_SPACE_CHARS = "\t\x0b\x0c\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
_BREAK_CHARS = "\n\r\u2028\u2029\x85"
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_BLOCK_TAGS = frozenset((
    "p", "br", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
    "blockquote", "section", "article", "header", "footer", "title", "hr",
))
_TAG = r"</?[A-Za-z][A-Za-z0-9]{0,15}\b[^<>]{0,2000}>"
_WS_ITEM = (
    "(?:[" + _SPACE_CHARS + _BREAK_CHARS + _INVISIBLE + "]|&nbsp;|&#160;|&#[xX][aA]0;"
    r"|<!--[^>]{0,10000}?-->|" + _TAG + ")"
)
_WS_TAIL = "(?:[ ]|" + _WS_ITEM + ")"
# A run of whitespace is taken possessively (++, *+): nothing after it in the pattern could ask it
# back, and a plain repeat kept a backtrack mark per character, which made 10 MB of spaces take
# ten times as long as 1 MB.
# The pattern starts with a character (a set of them, or a space that a look-ahead sees continue),
# so the regex engine skips ordinary characters in C; a look-behind then tells what the first
# character began.
# the characters that start something normalize() changes, besides a run of plain spaces
_SPECIAL_CHARS = "&<" + _SPACE_CHARS + _BREAK_CHARS + _INVISIBLE + "".join(_CHAR_MAP)
_NORM = re.compile(
    # a plain space only when what follows could continue a run (most spaces stand alone)
    "(?:[ ](?=[ &<" + _SPACE_CHARS + _BREAK_CHARS + _INVISIBLE + "])"
    "|[" + _SPECIAL_CHARS + "])"
    "(?:(?<=[ ])" + _WS_TAIL + "++"
    "|(?<=[" + _SPACE_CHARS + _BREAK_CHARS + _INVISIBLE + "])" + _WS_TAIL + "*+"
    "|(?<=&)(?:nbsp;|#160;|#[xX][aA]0;)" + _WS_TAIL + "*+"
    "|(?<=&)(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"
    r"|(?<=<)(?:!--[^>]{0,10000}?-->|/?[A-Za-z][A-Za-z0-9]{0,15}\b[^<>]{0,2000}>)" + _WS_TAIL + "*+"
    "|(?<=[" + "".join(_CHAR_MAP) + "]))"
)
_TAG_NAME = re.compile(r"<(?:/?)([A-Za-z][A-Za-z0-9]{0,15})")
_BREAKS = re.compile("\r\n|[" + _BREAK_CHARS + "]")
_VISIBLE_SPACE = re.compile("[ " + _SPACE_CHARS + "]|&|<")
_TRANSLATE = str.maketrans({**_CHAR_MAP, **{c: None for c in _INVISIBLE}})
# A text with none of these and no double space is already normal (apart from stripping): _NORM
# would try, and fail, at every single space of it.
_SPECIAL = re.compile("[" + _SPECIAL_CHARS + "]")


class OffsetMap:
    """Maps positions in a normalised text back to positions in the original text.

    The map is a sorted list of segments, each either copied unchanged or replaced (a run of
    spaces folded, an entity decoded, a tag removed). A look-up costs ``O(log n)`` in the number
    of segments.

    Parameters
    ----------
    segments : list of tuple of (int, int, int, int, bool)
        ``(normalised_start, original_start, normalised_length, original_length, copied)``.
    original_length : int
        Length of the original text.
    """

    __slots__ = ("_keys", "_segments", "is_identity", "original_length")

    def __init__(self, segments: list[tuple[int, int, int, int, bool]], original_length: int) -> None:
        self._segments = [seg for seg in segments if seg[2] > 0]
        self._keys = [seg[0] for seg in self._segments]
        self.original_length = original_length
        #: True when the normalised text is the original text.
        self.is_identity: bool = len(self._segments) <= 1 and all(
            seg[0] == 0 and seg[1] == 0 and seg[4] and seg[3] == original_length
            for seg in self._segments)

    def to_original(self, pos: int, *, end: bool = False) -> int:
        """Return the original offset of normalised offset ``pos``.

        Parameters
        ----------
        pos : int
            Offset in the normalised text.
        end : bool, default False
            Treat ``pos`` as an exclusive end: the result is then the end of the original piece
            that produced the character before ``pos``.

        Returns
        -------
        int

        Examples
        --------
        >>> norm, omap = normalize_with_offsets("a&amp;b")
        >>> norm, omap.to_original(1), omap.to_original(2, end=True), omap.to_original(2)
        ('a&b', 1, 6, 6)
        """
        if not self._segments:
            return 0
        probe = pos - 1 if end else pos
        i = bisect_right(self._keys, probe) - 1
        if i < 0:
            return self._segments[0][1] if not end else 0
        nstart, ostart, nlen, olen, copied = self._segments[i]
        offset = probe - nstart
        if offset >= nlen:  # past the last segment
            return ostart + olen
        if copied:
            return ostart + offset + (1 if end else 0)
        return ostart + olen if end else ostart


def _replacement(m: re.Match[str]) -> str:
    piece = m.group()
    first = piece[0]
    if len(piece) == 1 and first in _CHAR_MAP:
        return _CHAR_MAP[first]
    if first == "&" and not piece.startswith(("&nbsp;", "&#160;", "&#xa0;", "&#xA0;", "&#Xa0;",
                                               "&#XA0;")):
        return html.unescape(piece).translate(_TRANSLATE)
    breaks = len(_BREAKS.findall(piece))
    if "<" in piece:
        breaks += sum(1 for name in _TAG_NAME.findall(piece) if name.lower() in _BLOCK_TAGS)
    if breaks:
        return "\n\n" if breaks > 1 else "\n"
    return " " if _VISIBLE_SPACE.search(piece) else ""


def normalize_with_offsets(text: str) -> tuple[str, OffsetMap]:
    """Normalise ``text`` and return a map from normalised to original offsets.

    See :func:`normalize` for what is normalised.

    Parameters
    ----------
    text : str
        Raw text.

    Returns
    -------
    normalised : str
        The normalised text.
    offsets : OffsetMap
        Maps positions in ``normalised`` back to positions in ``text``.

    Raises
    ------
    TypeError
        If ``text`` is not a ``str``.

    Examples
    --------
    >>> norm, omap = normalize_with_offsets("Japan\u2019s  <b>first</b>")
    >>> norm
    "Japan's first"
    >>> omap.to_original(8)
    12
    """
    check_text(text)
    n = len(text)
    if "  " not in text and _SPECIAL.search(text) is None and text[:1] != " " and text[-1:] != " ":
        return text, OffsetMap([(0, 0, n, n, True)], n)
    out: list[str] = []
    segments: list[tuple[int, int, int, int, bool]] = []
    npos = 0
    last = 0
    for m in _NORM.finditer(text):
        new = _replacement(m)
        s, e = m.span()
        if new == m.group():
            continue
        if s > last:
            segments.append((npos, last, s - last, s - last, True))
            out.append(text[last:s])
            npos += s - last
        segments.append((npos, s, len(new), e - s, False))
        out.append(new)
        npos += len(new)
        last = e
    if last < len(text):
        segments.append((npos, last, len(text) - last, len(text) - last, True))
        out.append(text[last:])
    norm = "".join(out)
    stripped = norm.strip(" \n")
    if len(stripped) != len(norm):
        lead = len(norm) - len(norm.lstrip(" \n"))
        segments = [(ns - lead, os_, nl, ol, cp) for ns, os_, nl, ol, cp in segments]
    return stripped, OffsetMap(segments, len(text))


def normalize(text: str) -> str:
    """Normalise typography and markup so that downstream rules see one form of each character.

    - curly and angled quotes and apostrophes become ``'`` and ``"``;
    - dashes (en, em, minus, figure, non-breaking hyphen) become ``-``; an ellipsis becomes ``...``;
    - non-breaking, thin and other special spaces become a plain space; zero-width characters, soft
      hyphens and byte-order marks are removed;
    - HTML entities are decoded and HTML tags removed (block tags become line breaks);
    - runs of spaces become one space, line breaks are kept (at most one blank line), and the text
      is stripped.

    Parameters
    ----------
    text : str
        Raw text.

    Returns
    -------
    str

    Raises
    ------
    TypeError
        If ``text`` is not a ``str``.

    Examples
    --------
    >>> normalize("Japan\u2019s\u00a0first \u2013 &amp; <i>last</i>")
    "Japan's first - & last"
    """
    return normalize_with_offsets(text)[0]


# --------------------------------------------------------------------------------------------
# Sentence segmentation
# --------------------------------------------------------------------------------------------


class Sentence(NamedTuple):
    """One sentence: its normalised text and its span in the original text.

    Attributes
    ----------
    text : str
        The normalised sentence (line breaks inside it replaced by spaces).
    start, end : int
        ``original[start:end]`` is the sentence as it appears in the original text.
    """

    text: str
    start: int
    end: int


# Abbreviations after which a full stop never ends a sentence.
_NEVER_END = frozenset(
    """mr mrs ms messrs dr prof gen lt col maj capt cmdr cdr sgt adm gov sen rep reps rev hon pres
    st mt ft jan feb mar apr jun jul aug sep sept oct nov dec dept univ ave blvd rd amb sr jr lieut
    supt insp brig gens cpl pvt""".split()
)
# Lower-case abbreviations that never end a sentence.
_NEVER_END_LOWER = frozenset("vs v approx ca cf viz".split())
# Abbreviations that stand before a number ("No. 10", "Art. 51"): no split when a digit follows.
_BEFORE_NUMBER = frozenset("no nos art arts fig figs vol vols pp p para paras sec secs ch chap".split())
# Abbreviations that often end a sentence too: split only before a typical sentence opener.
_MAYBE_END = frozenset("inc ltd corp co plc llc etc al bros".split())
_OPENERS = frozenset(
    """the a an it its he she they we i this that these those there in on at by for from with but and
    or so yet however meanwhile according his her their our my your after before when while if as
    last earlier later officials analysts critics some many most several both such what why how who
    one two three four five six seven eight nine ten russia china taiwan""".split()
)

# A run of end marks is matched whole, from its first mark (a possessive run after a lookbehind):
# a long run not followed by a space is then rejected once, not once per mark with a backtrack
# through the rest of the run, which made '.' * 20000 take seconds.
_BOUNDARY = re.compile(r"(?<![.!?])[.!?]++[\"')\]]{0,4}(?P<ws>[ \n]+)(?=\S)")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]{0,15})\.$")
_BULLET = re.compile(r"(?:[-*\u2022\u00b7\u25aa\u25cf\u25e6>]|\(?[0-9]{1,3}[.)]|\(?[a-z][.)])[ ]+")
_LETTER = re.compile(r"[^\W\d_]")


def _ends_sentence(text: str, m: re.Match[str], seg_start: int) -> bool:
    """Decide whether the candidate boundary ``m`` ends a sentence."""
    nxt = text[m.end()]
    if nxt.islower():
        return False
    term_end = m.start("ws")
    stop = text[m.start():term_end].rstrip("\"')]")
    if not stop.endswith(".") or stop.endswith(".."):
        return True
    # Text of the current sentence up to and including the full stop.
    head = text[max(seg_start, m.start() - 20):m.start() + 1]
    wm = _WORD_BEFORE.search(head)
    if wm is None:
        # "1." at the start of a line is a list number, not a sentence.
        prefix = text[seg_start:m.start()]
        return not (prefix.isdigit() and len(prefix) <= 3)
    word = wm.group(1)
    low = word.lower().rstrip(".")
    if "." in low or (len(low) == 1 and word[0].isupper()):
        # Dotted acronym (U.S., e.g., a.m.) or an initial (John F. Kennedy): end only before an opener.
        return _next_word(text, m.end()) in _OPENERS and len(low) > 1
    if low in _BEFORE_NUMBER and text[m.end()].isdigit():
        return False
    if (low in _NEVER_END and word[0].isupper()) or low in _NEVER_END_LOWER:
        return False
    if low in _MAYBE_END:
        return _next_word(text, m.end()) in _OPENERS
    return True


def _next_word(text: str, pos: int) -> str:
    end = pos
    n = len(text)
    while end < n and end - pos < 20 and (text[end].isalpha() or text[end] == "'"):
        end += 1
    return text[pos:end].lower()


def _split_lines(text: str) -> list[tuple[int, int]]:
    """Blocks separated by line breaks, joining hard-wrapped lines (next line starts lowercase)."""
    blocks: list[tuple[int, int]] = []
    start = 0
    n = len(text)
    pos = text.find("\n")
    while pos != -1:
        nxt = pos + 1
        while nxt < n and text[nxt] == "\n":
            nxt += 1
        single = nxt == pos + 1
        prev_char = text[pos - 1] if pos > start else ""
        next_char = text[nxt] if nxt < n else ""
        hard_wrap = single and next_char.islower() and prev_char not in ".!?:;\"'"
        if not hard_wrap:
            blocks.append((start, pos))
            start = nxt
        pos = text.find("\n", nxt)
    blocks.append((start, n))
    return blocks


def _segment(norm: str) -> list[tuple[int, int]]:
    """Sentence spans in the normalised text."""
    spans: list[tuple[int, int]] = []
    for bstart, bend in _split_lines(norm):
        block = norm[bstart:bend]
        if not block.strip():
            continue
        seg = 0
        bm = _BULLET.match(block)
        if bm is not None and bm.end() < len(block):
            seg = bm.end()
        for m in _BOUNDARY.finditer(block, seg):
            if _ends_sentence(block, m, seg):
                end = m.start("ws")
                spans.append((bstart + seg, bstart + end))
                seg = m.end()
        if seg < len(block):
            spans.append((bstart + seg, bstart + len(block)))
    # keep only spans that contain a letter or digit
    return [(s, e) for s, e in spans if _LETTER.search(norm, s, e) or any(c.isdigit() for c in norm[s:e])]


def split_sentences(text: str) -> list[Sentence]:
    """Split ``text`` into sentences, keeping offsets into the original text.

    The text is normalised first (see :func:`normalize`). Rules:

    - a line break ends a sentence (headlines, bullet lines and datelines need no final stop),
      unless the next line starts in lower case after a line with no final punctuation (hard wrap);
    - ``.``, ``!``, ``?`` and ``...``, with any closing quotes or brackets, end a sentence when the
      next word does not start in lower case;
    - a full stop after a title or abbreviation (Mr., Gen., St., No., Jan., ...) never ends one; after
      an initial or a dotted acronym (U.S., U.K., e.g.) only before a typical sentence opener ("The",
      "It", "But", ...); decimals and numbers are never split;
    - bullet markers (``-``, ``*``, ``•``, ``1.``, ``(a)``) at the start of a line are left out of the
      sentence.

    Parameters
    ----------
    text : str
        Raw text (news article, statement, headline list).

    Returns
    -------
    list of Sentence
        ``Sentence(text, start, end)`` with ``text`` normalised and ``original[start:end]`` the raw
        sentence. Empty or blank input gives an empty list.

    Raises
    ------
    TypeError
        If ``text`` is not a ``str``.

    Examples
    --------
    >>> [s.text for s in split_sentences("Mr. Blinken met Gen. Milley in the U.S. capital. It rained.")]
    ['Mr. Blinken met Gen. Milley in the U.S. capital.', 'It rained.']
    >>> raw = "CHINA WARNS US\\nBeijing said it \\u201cfirmly opposes\\u201d the sale."
    >>> [(s.text, raw[s.start:s.end]) for s in split_sentences(raw)][0]
    ('CHINA WARNS US', 'CHINA WARNS US')
    """
    norm, omap = normalize_with_offsets(text)
    if not norm:
        return []
    out: list[Sentence] = []
    simple = omap.is_identity
    for s, e in _segment(norm):
        sent = norm[s:e].replace("\n", " ")
        if simple:
            out.append(Sentence(sent, s, e))
        else:
            out.append(Sentence(sent, omap.to_original(s), omap.to_original(e, end=True)))
    return out
