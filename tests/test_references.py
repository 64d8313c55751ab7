"""Tests for stance.references: "the two countries" resolved to the pair named just before."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stance.actors import Gazetteer, find_actors
from stance.references import BACK_REFERENCE, antecedent_pair, resolve_pair_reference

TARGETS = frozenset({"CHN", "RUS", "TWN"})
NAME = Gazetteer.default().name


def _resolve(sentence: str, *before: str) -> str | None:
    previous = [(s, find_actors(s)) for s in before]
    return resolve_pair_reference(sentence, find_actors(sentence), previous, TARGETS, NAME)


@pytest.mark.parametrize("text", [
    "The two countries signed a deal.", "Both nations agreed.", "ties between the two sides",
    "the two leaders' talks", "Both governments protested.", "the two  neighbours",
])
def test_back_reference_forms(text: str) -> None:
    assert BACK_REFERENCE.search(text)


@pytest.mark.parametrize("text", [
    "Our two countries signed a deal.", "the two sisters", "both of them", "two countries signed",
])
def test_not_back_references(text: str) -> None:
    assert BACK_REFERENCE.search(text) is None


@pytest.mark.parametrize(("text", "pair"), [
    ("Canada's prime minister visited China.", ("CAN", "CHN")),
    ("Britain and Japan signed a deal in London with NATO's blessing.", ("GBR", "JPN")),
    ("Russia, China and Iran held naval drills.", None),
    ("Moscow hosted talks with Ankara and Tehran.", ("TUR", "IRN")),  # the pair joined by "and"
    ("Kazakhstan voted.", None),
])
def test_antecedent_pair(text: str, pair: tuple[str, str] | None) -> None:
    assert antecedent_pair(text, find_actors(text)) == pair


def test_pair_with_a_target_is_resolved_other_country_first() -> None:
    out = _resolve("The two countries signed trade deals worth $3 billion.",
                   "Canada's prime minister visited China for four days.")
    assert out == "Canada and China signed trade deals worth $3 billion."
    assert {m.code for m in find_actors(out)} == {"CAN", "CHN"}


def test_possessive_reference_keeps_the_possessive() -> None:
    out = _resolve("The two countries' navies held drills.", "Russia sent ships to Iran.")
    assert out == "Iran and Russia's navies held drills."


def test_nearest_pair_is_the_referent_and_lookback_is_two_sentences() -> None:
    # the nearer sentence names a pair of third countries: not resolved, even though a pair with
    # a target stands further back
    assert _resolve("The two countries agreed.", "China met Laos.", "Peru met Chile.") is None
    # a sentence with a single actor is skipped over
    assert _resolve("The two countries agreed.", "China met Laos.", "Laos was pleased.") == \
        "Laos and China agreed."
    # three sentences back is too far
    assert _resolve("The two countries agreed.", "China met Laos.", "It rained.", "Talks went on.") \
        is None


def test_pairs_of_third_countries_and_named_pairs_are_left_alone() -> None:
    # third countries: their concern about a target is left to the sentence as written
    assert _resolve("The two countries voiced concern about China.",
                    "Britain and Japan signed a defence pact.") is None
    # the sentence already names two actors before the reference
    assert _resolve("Putin and Lukashenko said the two nations would merge their grids.",
                    "Russia met Belarus.") is None
    # no reference
    assert _resolve("Trade grew.", "Canada met China.") is None


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80), st.text(max_size=80))
def test_arbitrary_text_never_raises(before: str, sentence: str) -> None:
    out = _resolve(sentence + " the two countries", before)
    assert out is None or isinstance(out, str)
