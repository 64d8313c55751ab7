"""Word-list regexes built as tries match what the flat lists match."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stance.alternation import alternation, flat_alternation
from stance.roles import RoleRules

_PIECES = ["ban", "bans", "band", "sanction", "sanctions", "sanction*", "joint", "joint exercise*",
           "talk", "talks with", "US", "u.s.", "Ab", "a", "aid", "aide*", "e-mail", "ex-ante", ""]


@settings(max_examples=2000, deadline=None)
@given(words=st.lists(st.sampled_from(_PIECES), max_size=8),
       text=st.lists(st.sampled_from([*_PIECES, " ", "  ", ",", ".", "\n", "x", "-"]), max_size=25)
       .map("".join),
       ignore_case=st.booleans())
def test_trie_matches_flat_list(words: list[str], text: str, ignore_case: bool) -> None:
    # bounded after, as the package uses word lists (unbounded, equally long overlapping words may
    # be tried in another order; see stance.alternation)
    for wrap in (r"\b{}\b", r"(?<![\w]){}(?![\w])", r"{}\b", r"{}(?=\s|$)"):
        trie = re.compile(wrap.format(alternation(words, ignore_case=ignore_case)))
        flat = re.compile(wrap.format(flat_alternation(words, ignore_case=ignore_case)))
        assert [m.span() for m in trie.finditer(text)] == [m.span() for m in flat.finditer(text)]


def test_longest_word_first() -> None:
    pattern = re.compile(alternation(["sanction", "sanctions", "sanctioned"]))
    assert pattern.match("sanctioned").group() == "sanctioned"
    assert pattern.match("sanctions").group() == "sanctions"
    assert pattern.match("sanctionist").group() == "sanction"


def test_case_and_spaces() -> None:
    assert re.fullmatch(alternation(["joint exercise"]), "Joint \n Exercise")
    assert not re.fullmatch(alternation(["joint exercise"], ignore_case=False), "Joint exercise")
    assert re.fullmatch(alternation(["condemn*"], wildcard=r"[\w'-]*"), "condemn's")


def test_empty_list_matches_nothing() -> None:
    assert re.search(alternation([]), "anything") is None
    assert re.search(alternation(["", "*"]), "anything") is None


@pytest.mark.parametrize("name", sorted(RoleRules.default().classes))
def test_package_word_classes(name: str) -> None:
    words = RoleRules.default().classes[name]
    text = " ".join(w.rstrip("*") + suffix for w in words for suffix in ("", "s", "ed", " x"))
    trie = re.compile(r"\b" + alternation(words) + r"\b")
    flat = re.compile(r"\b" + flat_alternation(words) + r"\b")
    assert [m.span() for m in trie.finditer(text)] == [m.span() for m in flat.finditer(text)]
    assert [m.span() for m in trie.finditer(text.upper())] == [m.span() for m in flat.finditer(text.upper())]
