"""Tests for stance.events: the directed event lexicon and its features."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone

from stance.events import (
    EVENT_TYPES,
    KINDS,
    EventFeatures,
    event_values,
    load_event_types,
    load_events,
    match_events,
    parse_events,
    pattern_reads_example,
)
from stance.views import view_text

HEAD = "type\tmode\tpattern\tp_role\tstance\tq_role\tq_stance\tsymmetric\texample\texample_roles\n"


H, T = ("holder",), ("target",)


def _one(view: str) -> list[tuple]:
    return [(m.type, m.agents, m.others, m.modifier, m.stance) for m in match_events(view)]


def test_every_type_is_defined_and_covered():
    types = load_event_types()
    assert set(types) == set(EVENT_TYPES)
    assert {p.type for p in load_events()} == set(EVENT_TYPES)


def test_every_pattern_reads_its_own_example():
    failing = [f"line {p.line}: {p.pattern!r} on {p.example!r}" for p in load_events()
               if not pattern_reads_example(p)]
    assert not failing, "\n".join(failing[:20])


def test_patterns_are_distinct():
    seen = [(p.type, p.pattern) for p in load_events()]
    assert len(seen) == len(set(seen))


@pytest.mark.parametrize("line, message", [
    ("BOGUS\tverbal\tA .. x P\tpatient\t\t\t\t\tJapan x Russia.\tJPN>RUS", "unknown event type"),
    ("ACCUSE\tspoken\tA .. x P\tpatient\t\t\t\t\tJapan x Russia.\tJPN>RUS", "unknown mode"),
    ("ACCUSE\tverbal\tA .. x\tpatient\t\t\t\t\tJapan x Russia.\tJPN>RUS", "one A, one P"),
    ("ACCUSE\tverbal\tA .. x P\tvictim\t\t\t\t\tJapan x Russia.\tJPN>RUS", "unknown role"),
    ("ACCUSE\tverbal\tA .. x P\tpatient\thate\t\t\t\tJapan x Russia.\tJPN>RUS", "unknown stance"),
    ("ACCUSE\tverbal\tA .. x P\tpatient\t\t\t\t\tJapan x Russia.\tJapan>RUS", "example"),
    ("ACCUSE\tverbal\tA .. P\tpatient\t\t\t\t\tJapan x Russia.\tJPN>RUS", "literal word"),
    ("ACCUSE\tverbal\tA .. x {nonesuch} P\tpatient\t\t\t\t\tJapan x Russia.\tJPN>RUS", "word class"),
    ("ACCUSE\tverbal\tA .. x P\tpatient", "10 tab-separated fields"),
])
def test_bad_lines_name_the_file_and_line(line, message):
    with pytest.raises(ValueError, match=rf"mine\.tsv, line 3: .*{message}"):
        parse_events(HEAD + "# a comment\n" + line + "\n", "mine.tsv")


@pytest.mark.parametrize("view, expected", [
    # buying from the target supports it (the act, not the words)
    ("xholder orders fighter jets from xtarget.", ("COOPERATE", H, T, "plain", "support")),
    # passive voice: the by-agent acts
    ("xtarget banks were sanctioned by xholder.", ("SANCTION", H, T, "plain", "oppose")),
    # rule 5: a negated or refused conflict act is neutral
    ("xholder did not condemn xtarget.", ("ACCUSE", H, T, "negated", "neutral")),
    ("xholder refused to sanction xtarget.", ("SANCTION", H, T, "refused", "neutral")),
    # refusing to let the target act opposes it
    ("xholder will not allow xtarget to build there.", ("YIELD", H, T, "refused", "oppose")),
    # stopping or cutting cooperation refuses it, which opposes (not "imports from": support)
    ("xholder bans imports of gold from xtarget.", ("COOPERATE", H, T, "refused", "oppose")),
    ("xholder blocks imports of steel from xtarget.", ("COOPERATE", H, T, "refused", "oppose")),
    # a threatened act keeps its stance
    ("xholder threatened to impose sanctions on xtarget.", ("SANCTION", H, T, "modal", "oppose")),
    # coordinated agents all act
    ("xactor and xholder expel xtarget diplomats.", ("SANCTION", ("other", "holder"), T, "plain", "oppose")),
])
def test_who_does_what_to_whom(view, expected):
    assert expected in _one(view)


def test_gaps_take_the_nearest_actor_and_stop_at_a_clause_end():
    # the one who sanctions is the actor nearest before the act, not the holder who speaks
    assert _one("xholder said xactor sanctioned xtarget.")[0][1:3] == (("other",), ("target",))
    # a clause end stops the gap: the holder is not the agent of sanctions in the next clause
    assert _one("xholder imposed sanctions on xtarget.")[0][1] == ("holder",)
    for view in ("xholder is angry. sanctions on xtarget followed.",
                 "xholder is angry, but sanctions on xtarget followed."):
        assert all("holder" not in m.agents for m in match_events(view))


def test_an_active_pattern_does_not_read_a_passive_backwards():
    # "xtarget was sanctioned by xholder": the active "A sanction* P" must not make xtarget the agent
    assert all(m.agents != ("target",) for m in match_events("xtarget was sanctioned by xholder."))
    assert all(m.agents != ("target",) for m in match_events("xtarget was attacked in xholder."))
    # a progressive is active
    assert _one("xholder is sanctioning xtarget.")[0][1:3] == (("holder",), ("target",))


def test_sentence_matching_seen_from_a_row_equals_matching_the_row_view():
    from stance.events import row_events, sentence_events
    from stance.rows import _mentions

    for text in ("NATO ministers freeze the NATO-Russia Council over Moscow's moves in Georgia.",
                 "We thank China, and Chile signs a deal with Russia.",
                 "Vietnam orders Su-30 fighters from Moscow.",
                 "Olaf Scholz urged Russian president Vladimir Putin to withdraw his troops.",
                 "Japan and the Association of Southeast Asian Nations (ASEAN) renew their partnership."):
        ms = _mentions(text)
        codes = {m.code for m in ms} | {""}
        for holder in codes:
            for target in codes - {"", holder}:
                view = view_text(text, holder, target, mentions=ms)
                got = row_events(sentence_events(text, ms), ms, holder, target)
                assert [replace(m, text="") for m in got] == [replace(m, text="") for m in match_events(view)]


def test_first_person_is_the_holder_only_when_the_speaker_holds():
    assert _one("xunnamedholder we thank xtarget for the aid.")[0][1] == ("holder",)
    assert not any("holder" in m.agents for m in match_events("xnoholder we thank xtarget for the aid."))


def test_recognition_switch_links_two_others():
    (m,) = match_events("xholder switched its recognition from xtarget to xactor.")
    assert (m.others, m.seconds, m.stance, m.q_stance) == (("target",), ("other",), "oppose", "support")
    values = event_values([m])
    assert values["event_holder_target_oppose"] == 1 and values["event_holder_other_support"] == 1


def test_symmetric_acts_count_both_ways():
    values = event_values(match_events("xholder and xtarget sign a border treaty."))
    assert values["event_holder_target_support"] == 1
    assert values["event_target_holder_support"] == 1


def test_features_follow_scikit_learn_conventions():
    X = pd.DataFrame({"text": ["Vietnam orders Su-30 fighters from Moscow.", "Japan did not condemn Russia.",
                               "Russia's economy grew."],
                      "holder": ["VNM", "JPN", ""], "target": ["RUS", "RUS", "RUS"]})
    f = EventFeatures(cap=2)
    assert f.fit(X) is f
    assert clone(f).get_params() == {"cap": 2}
    names = list(f.get_feature_names_out())
    out = f.transform(X)
    assert out.shape == (3, len(names))
    row = dict(zip(names, out[0]))
    assert row["event_holder_target_support"] == 1 and row["event_holder_target_COOPERATE"] == 1
    row = dict(zip(names, out[1]))
    assert row["event_holder_target_neutral"] == 1 and row["event_holder_target_negated"] == 1
    assert not out[2].any()


def test_explain_lists_the_matched_patterns():
    from stance.model import _event_table
    from stance.rows import as_rows

    rows = as_rows(pd.DataFrame({"text": ["Estonia halts all purchases of Russian electricity."],
                                 "holder": ["EST"], "target": ["RUS"]}))
    table = _event_table(rows)
    assert table[["type", "agent", "other", "stance"]].values.tolist() == [
        ["SANCTION", "holder", "target", "oppose"]]
    assert table["pattern"].iat[0].startswith("events.tsv:")


_WORDS = st.sampled_from(["xholder", "xtarget", "xactor", "we", "not", "refused", "to", "sanction",
                          "sanctions", "on", "from", "buys", "and", "was", "by", ".", ",", "the",
                          "will", "condemn", "xtarget's", "with", "signs", "talks"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_WORDS, max_size=25), st.sampled_from(["xnoholder ", "xunnamedholder ", ""]))
def test_matches_are_well_formed_on_any_view(words, prefix):
    view = prefix + " ".join(words)
    for m in match_events(view):
        assert m.type in EVENT_TYPES
        assert m.agents and m.others
        assert set(m.agents + m.others + m.seconds) <= set(KINDS)
        assert m.stance in ("oppose", "neutral", "support")
    values = EventFeatures().fit(pd.DataFrame({"text": ["x"], "holder": [""], "target": ["RUS"]}))
    assert values is not None


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=80))
def test_features_are_capped_and_finite_on_any_text(text):
    X = pd.DataFrame({"text": [text or "x"], "holder": ["JPN"], "target": ["RUS"]})
    out = EventFeatures(cap=3).fit(X).transform(X)
    assert np.isfinite(out).all() and out.max() <= 3


def test_views_of_real_rows_match_as_their_patterns_say():
    view = view_text("Honduras switched its diplomatic recognition from Taipei to Beijing.", "HND", "TWN")
    assert ("SUPPORT", ("holder",), ("target",), "plain", "oppose") in _one(view)


def test_main_event_of_equals_the_main_event_of_the_row_view():
    from stance.events import main_event, main_event_of, row_events, sentence_events
    from stance.model import default_corpus
    from stance.rows import _mentions

    corpus = default_corpus().drop_duplicates(["text", "holder", "target"]).sample(1500, random_state=3)
    for text, holder, target in zip(corpus["text"], corpus["holder"], corpus["target"]):
        ms = _mentions(text)
        events = sentence_events(text, ms)
        expected = main_event(row_events(events, ms, holder, target)) if holder else None
        got = main_event_of(events, ms, holder, target)
        assert (got is None) == (expected is None), text
        if got is not None:
            assert (got.type, got.modifier, got.pattern) == (
                expected.type, expected.modifier, expected.pattern)


def test_the_lexicon_covers_every_type_in_depth_and_reports_itself():
    from stance.events import _summary

    patterns = load_events()
    assert len(patterns) >= 1500
    counts = {t: sum(p.type == t for p in patterns) for t in EVENT_TYPES}
    assert min(counts.values()) >= 90, counts
    head = _summary().splitlines()[0]
    assert head == f"stance/data/events.tsv: {len(patterns)} patterns over 15 PLOVER event types"


@pytest.mark.parametrize("view, expected", [
    # one actor named twice in a row, titles between: the slot takes both
    ("xholder urges xtarget president xtarget to release the activist.",
     ("REQUEST", H, T, "plain", "oppose")),
    ("xtarget's foreign minister xtarget thanked xholder.", ("SUPPORT", T, H, "plain", "support")),
    # ... or the second in brackets
    ("xtarget and the xholder (xholder) sign a trade pact.", ("AGREE", T, H, "plain", "support")),
])
def test_an_actor_named_twice_in_a_row_fills_one_slot(view, expected):
    assert expected in _one(view)


def test_only_one_actor_named_twice_is_taken_as_one_in_a_sentence():
    from stance.actors import Gazetteer
    from stance.events import sentence_events

    text = "Germany urged the Russian president Putin and Ukraine to talk."
    ms = tuple(Gazetteer.default().find(text, "2021-01-01"))
    assert [m.code for m in ms] == ["DEU", "RUS", "RUS", "UKR"]
    # "Russian president Putin" is one actor in the slot (the second mention), Ukraine another
    assert ("REQUEST", ("§0",), ("§2", "§3")) in [(m.type, m.agents, m.others)
                                                  for m in sentence_events(text, ms)]


@pytest.mark.parametrize("view, expected", [
    # a pronoun right after a plain verb of saying is the one who says it
    ("the xholder president says he will not allow xtarget to build there.",
     ("YIELD", H, T, "refused", "oppose")),
    ("xholder's premier said that she would impose sanctions on xtarget.",
     ("SANCTION", H, T, "modal", "oppose")),
])
def test_a_pronoun_after_saying_is_the_sayer(view, expected):
    assert expected in _one(view)


def test_a_pronoun_after_another_verb_is_left_alone():
    # "warned it would": the act is the warning, and its own pattern reads the pronoun
    view = "xholder warned it would not hesitate to punish xtarget."
    assert ("THREATEN", H, T, "plain", "oppose") in _one(view)
