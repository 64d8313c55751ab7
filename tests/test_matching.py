"""Tests for stance.matching: the Aho-Corasick fast path gives exactly the reference regex's spans."""

from __future__ import annotations

import csv
import pickle
import random
import re
from bisect import bisect_right

import pytest
from conftest import shared_file
from hypothesis import given, settings
from hypothesis import strategies as st

from stance.actors import Gazetteer
from stance.matching import AliasMatcher, _ascii_of, _collapse, _short_runs

MATCHER = Gazetteer.default().matcher

# pieces of news text: aliases and near-misses, every kind of apostrophe, hyphen and whitespace,
# punctuation, letters with and without an ASCII base letter
PIECES = [
    "china", "China", "CHINA", "south", "korea", "South Korea", "north", "sea", "russia", "russian",
    "u.s.", "U.S.A.", "us", "uk", "the", "kremlin", "white house", "sino", "-", "\u2013", "\u2014",
    "'s", "\u2019s", "`s", "\u02bcs", "'", "\u2019", "\u2032", "washington", "d.c.", ",", ".",
    "(", ")", "\"", "\u201c", "\u201d", "\u2026", " ", "  ", "   ", "    ", "\n", "\n\n", "\t",
    "\u00a0", "\u2009", "\u3000",
    "\r\n", "xi", "jinping", "president", "people's republic of", "taiwan", "strait", "new",
    "guinea", "papua", "c\u00f4te d'ivoire", "\u00e9", "erdo\u011fan", "\u0130", "i\u0307", "_",
    "#", "\u00ad", "\u200b", "!", ";", ": ", "?", "kyiv", "ukraine", "ukr", "eu", "europe", "un",
    "united nations", "\u043c\u043e\u0441\u043a\u0432\u0430", "\u4e2d\u56fd", "\u0142", "\u00df",
    "s\u00e3o tom\u00e9", "\u00e9\u00e9", "\u2122", "\u20ac",
]
NEWS_PIECES = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


def _both(low: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    return MATCHER.spans(low), MATCHER.spans_reference(low)


@settings(max_examples=600, deadline=None)
@given(NEWS_PIECES)
def test_fast_path_equals_reference_on_news_like_text(text: str) -> None:
    low = text.lower()
    if len(low) != len(text):
        return  # find() matches such text with the reference ignoring case
    fast, ref = _both(low)
    assert fast == ref


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_fast_path_equals_reference_on_arbitrary_text(text: str) -> None:
    low = text.lower()
    if len(low) == len(text):
        assert MATCHER.spans(low) == MATCHER.spans_reference(low)


@pytest.mark.parametrize("text", [
    "south  korea", "south\n\nkorea", "south \n korea", "south    korea", "u.s.  china",
    "the  white   house", "the white    house", "  china  ", "china\u00a0\u00a0sea",
    "washington,  d.c.", "washington, d.c.,", "sino\u2013russian", "russia\u2019s", "xi  jinping",
    "china\u02bcs", "\u201cchina\u201d", "china\u2026", "taiwan\u00ad", "china\u200bsea",
])
def test_whitespace_runs_and_folded_punctuation(text: str) -> None:
    fast, ref = _both(text)
    assert fast == ref
    # a key's space stands for one to three whitespace characters; four break the alias
    m = AliasMatcher(["south korea", "korea"])
    assert m.spans("south \n korea") == [(0, 13)]
    assert m.spans("south    korea") == [(9, 14)]


def test_text_with_accented_and_other_letters_equals_reference() -> None:
    text = ("china and russia (erdo\u011fan visited ankara); south  korea\u2019s view: "
            "c\u00f4te d'ivoire! taiwan, the u.s. and \u0107 \"japan\"") * 3
    assert MATCHER.spans(text) == MATCHER.spans_reference(text)
    assert len(MATCHER.spans(text)) >= 24


def test_long_non_ascii_text_equals_reference() -> None:
    # above _LONG characters such text goes to the reference itself; below, to the fast path
    unit = "Erdo\u011fan met Xi in Beijing;  \u201cT\u00fcrkiye\u201d and Russia\u2019s envoy.\n\n"
    for text in (unit * 10, unit * 800):
        low = text.lower()
        assert MATCHER.spans(low) == MATCHER.spans_reference(low)
        assert len(MATCHER.spans(low)) >= 3 * text.count("\n\n")


def test_collapse_runs_maps_offsets_back() -> None:
    text = b"a  b   c    d e"
    runs, starts, removed = _short_runs(text)
    collapsed = _collapse(text, runs)
    assert collapsed == b"a b c    d e"
    assert _collapse(text.decode(), runs) == collapsed.decode()  # the same cut for str
    assert (starts, removed) == ([2, 4], [1, 3])  # after "a " and "b ": one, then two more removed
    for i, ch in enumerate(collapsed):
        k = bisect_right(starts, i)
        if ch != 32:
            assert text[i + (removed[k - 1] if k else 0)] == ch


def test_non_ascii_characters_are_read_as_ascii_of_the_same_class() -> None:
    # word boundaries must stay where they were: a word character as one, anything else not
    chars = ("\u201c\u201d\u00ab\u00bb\u2026\u2022\u00ad\u200b\u20ac\u2122\u0307"
             "\u00e9\u011f\u0142\u00df\u043c\u4e2d\u0660\u00aa")
    for ch in chars:
        rep = _ascii_of(ch)
        assert rep.isascii() and len(rep) == 1
        assert (rep.isalnum() or rep == "_") == (ch.isalnum() or ch == "_"), ch
    assert _ascii_of("\u00e9") == "e"


def test_a_key_with_the_character_punctuation_is_read_as() -> None:
    m = AliasMatcher(["#china", "china"])
    text = "\u201cchina\u201d and #china"
    assert m.spans(text) == m.spans_reference(text) == [(1, 6), (12, 18)]


def test_empty_matcher_and_empty_text() -> None:
    with pytest.raises(ValueError, match="non-empty"):
        AliasMatcher(["china", ""])
    assert AliasMatcher(["china"]).spans("") == []


def test_matcher_pickles_without_its_compiled_engines() -> None:
    m = AliasMatcher(["china", "south china sea"])
    m.spans("china")  # builds the automaton
    copy = pickle.loads(pickle.dumps(m))
    assert copy.keys == m.keys
    assert copy._automaton is None
    assert copy.spans("the south china sea and china") == [(4, 19), (24, 29)]


def test_fast_path_equals_reference_on_real_news() -> None:
    path = shared_file("data", "wikipedia_current_events.csv")
    with path.open(encoding="utf-8", newline="") as fh:
        docs = [row["text"] for row in csv.DictReader(fh)]
    rng = random.Random(5)
    # the same items with their spaces turned into runs and unusual whitespace
    mangled = [re.sub(" ", lambda _: rng.choice([" ", "  ", "   ", "\n\n", "    ", "\u00a0"]), d)
               for d in docs[:2000]]
    for doc in docs + mangled + ["\n\n".join(docs)]:
        low = doc.lower()
        if len(low) == len(doc):
            assert MATCHER.spans(low) == MATCHER.spans_reference(low), doc[:80]
