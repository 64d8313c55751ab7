"""Tests for stance.references: "the two countries" resolved to the pair named just before, and
people found again by family name once named in full."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stance.actors import Gazetteer, find_actors
from stance.references import BACK_REFERENCE, NamedPeople, antecedent_pair, resolve_pair_reference

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


GAZ = Gazetteer.default()


def _again(first: str, later: str, as_of: str) -> list[tuple[str, str, str, bool]]:
    people = NamedPeople(GAZ)
    people.remember(GAZ.find(first, as_of))
    return [(m.code, m.text, m.person, m.possessive)
            for m in people.find(later, GAZ.find(later, as_of))]


def test_family_name_after_the_full_name_is_the_same_person() -> None:
    first = "Foreign Secretary Jack Straw flew to Tokyo on Sunday."
    assert _again(first, "Mr Straw, speaking in Tokyo, said so.", "2005-01-10") == [
        ("GBR", "Straw", "Jack Straw", False)]
    assert _again(first, "Critics said Straw's plan would fail.", "2005-01-10") == [
        ("GBR", "Straw", "Jack Straw", True)]
    # family-name-first countries: "Wen" for Wen Jiabao, "Kim" for Kim Jong-un
    assert _again("Premier Wen Jiabao met reporters.", "Wen said little.", "2006-03-14")[0][:2] == \
        ("CHN", "Wen")
    assert _again("Kim Jong Un signed the treaty.", "Kim said it was historic.", "2024-06-19")[0][:2] == \
        ("PRK", "Kim")


def test_family_name_alone_is_not_a_reference_without_the_full_name_or_inside_another_name() -> None:
    assert _again("The talks went on.", "Straw said so.", "2005-01-10") == []  # nobody named yet
    first = "Kim Jong Un signed the treaty."
    assert _again(first, "Kim Dae-jung had won the prize.", "2024-06-19") == []  # a longer name
    assert _again(first, "The singer Lisa Kim was there.", "2024-06-19") == []  # another's given name
    assert _again("Foreign Secretary Jack Straw spoke.", "They bought straw.", "2005-01-10") == []
    # a family name named alone first remembers nobody (it may be anyone's)
    people = NamedPeople(GAZ)
    people.remember(GAZ.find("Straw said so.", "2005-01-10"))
    assert people.find("Straw said so again.", []) == []


def test_analyze_reads_a_family_name_as_the_person_named_earlier() -> None:
    import stance

    doc = ("Foreign Secretary Jack Straw arrived in Beijing on Monday. "
           "Mr Straw criticised China's record on human rights.")
    rows = stance.analyze(pd.DataFrame({"text": [doc], "date": ["2005-01-10"]}), date_col="date")
    second = rows[rows["sentence_id"] == 1]
    assert ("GBR", "CHN") in set(zip(second["holder"], second["target"]))
    alone = stance.analyze(pd.DataFrame({"text": ["Mr Straw criticised China's record on human rights."],
                                         "date": ["2005-01-10"]}), date_col="date")
    assert "GBR" not in set(alone["holder"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["Mr", "Straw", "straw", "Kim", "Jack", "said", ",", "'s", "Dae-jung",
                                 "China", " "]), max_size=12).map(" ".join))
def test_people_found_again_are_spans_of_the_text_outside_its_mentions(sentence: str) -> None:
    people = NamedPeople(GAZ)
    people.remember(GAZ.find("Foreign Secretary Jack Straw met Kim Jong Un.", "2005-01-10"))
    mentions = GAZ.find(sentence, "2005-01-10")
    for m in people.find(sentence, mentions):
        assert sentence[m.start:m.end] == m.text in ("Straw", "Kim")
        assert not any(n.start < m.end and m.start < n.end for n in mentions)
