"""Tests for stance.attribution: the holder classifier and the choice of holders among the candidates
(the candidates' own contract is in tests/test_candidates.py; the role rules that rule candidates out
are tested here through the holders they leave)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

import stance
from stance.attribution import (
    build_holder_pipeline,
    candidate_features,
    candidate_rows,
    evaluate_holders,
    holder_training_rows,
    predict_holders,
    predict_holders_batch,
    speaker_positions,
)
from stance.model import default_corpus


def _holders(model, text, target, speaker=""):
    return {code for code, _ in predict_holders(model.holders_, text, target, speaker)}


def test_holder_pipeline_is_cloneable():
    pipe = build_holder_pipeline(C=0.3)
    copy = clone(pipe)
    assert copy.get_params()["classifier__C"] == 0.3
    X, y = holder_training_rows(default_corpus("train").head(300))
    fitted = copy.fit(X, y)
    assert set(fitted.predict(X)) <= {0, 1}


# ---------------------------------------------------------------------------------------------
# Candidates and training rows
# ---------------------------------------------------------------------------------------------


def test_holder_training_rows_labels():
    corpus = pd.DataFrame({
        "text": ["Japan condemned Russia while China stayed silent."] * 2
        + ["Russian jets struck a market in Syria.", "We will never accept this, Russia."],
        "holder": ["JPN", "JPN", np.nan, "UKR"],
        "target": ["RUS", "CHN", "RUS", "RUS"],
        "speaker": ["", "", None, "UKR"],
    })
    X, y = holder_training_rows(corpus)
    got = {(t, c): label for t, c, label in zip(X["target"], X["candidate"], y)}
    assert got == {("RUS", "JPN"): 1, ("RUS", "CHN"): 0,
                   ("CHN", "JPN"): 1, ("CHN", "RUS"): 0,
                   ("RUS", "SYR"): 0,
                   ("RUS", "UKR"): 1}
    assert list(X.columns) == ["text", "target", "candidate", "speaker"]
    assert y.dtype.kind == "i"


def test_holder_training_rows_without_speaker_column():
    corpus = pd.DataFrame({"text": ["Japan condemned Russia."], "holder": ["JPN"], "target": ["RUS"]})
    X, y = holder_training_rows(corpus)
    assert X["candidate"].tolist() == ["JPN"] and y.tolist() == [1]


# ---------------------------------------------------------------------------------------------
# The trained holder model
# ---------------------------------------------------------------------------------------------


def test_default_model_has_holder_pipeline(default_model):
    assert default_model.holders_ is not None


def test_named_condemner_is_a_holder(default_model):
    assert "JPN" in _holders(default_model, "Japan condemned Russia.", "RUS")


def test_place_is_not_a_holder(default_model):
    assert "SYR" not in _holders(default_model, "Russian jets struck a market in Syria.", "RUS")


def test_speaker_rule(default_model):
    text = "We will never accept the occupation of our land by Russia."
    assert _holders(default_model, text, "RUS", "UKR") == {"UKR"}
    assert _holders(default_model, text, "RUS") == set()


def test_predict_holders_probabilities(default_model):
    found = predict_holders(default_model.holders_, "Japan and Britain condemned Russia.", "RUS")
    assert found and all(0.5 <= p <= 1 for _, p in found)
    assert predict_holders(default_model.holders_, "Japan condemned Russia.", "RUS", threshold=1.01) == []


def test_evaluate_holders(default_model):
    scores = evaluate_holders(default_model.holders_, default_corpus("test"))
    for key in ("set_accuracy", "precision", "recall", "f1", "reachable"):
        assert 0.0 <= scores[key] <= 1.0, key
    p, r = scores["precision"], scores["recall"]
    assert scores["f1"] == pytest.approx(2 * p * r / (p + r))
    assert scores["f1"] > 0.5
    assert scores["n_pairs"] > 0


def test_candidate_features_next_actor_acted_on():
    # "Russia's invasion of Ukraine": Russia acts on Ukraine, not on the target named later
    text = "Japan fears that Russia's invasion of Ukraine will embolden China against Taiwan."
    f = candidate_features(text, "TWN", "RUS")
    assert f.get("possessive_next_actor=other") == 1
    # "Ukraine's strikes on Russia": the next actor is the target
    f = candidate_features("Ukraine's drone strikes on Russia continued.", "RUS", "UKR")
    assert f.get("possessive_next_actor=target") == 1
    # not possessive, or nothing named within reach after it: no such feature
    assert not any(k.startswith("possessive_next") for k in candidate_features(text, "TWN", "JPN"))
    f = candidate_features("Japan's cabinet said on Monday, after a long meeting in Tokyo, that it "
                           "would protest to Russia.", "RUS", "JPN")
    assert not any(k.startswith("possessive_next") for k in f)


# --- the position rule for statements ---------------------------------------------------------


class _Holders:
    """A stand-in holder pipeline: every candidate gets the same probability."""

    def __init__(self, p: float) -> None:
        self.p = p

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        return np.tile([1 - self.p, self.p], (len(X), 1))


class _Stance:
    """A stand-in stance classifier with fixed probabilities (neutral, oppose, support)."""

    classes_ = np.array(["neutral", "oppose", "support"])

    def __init__(self, proba: list[float]) -> None:
        self.proba = proba
        self.seen: list[pd.DataFrame] = []

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        self.seen.append(X)
        return np.tile(self.proba, (len(X), 1))


_STATEMENT = {"text": "Moscow's war on its neighbour breaks the Charter.", "target": "RUS",
              "speaker": "NZL"}


def test_position_rule_gives_a_clear_position_to_the_speaker():
    # the holder model leaves the speaker below the floor (a passing mention) ...
    assert predict_holders_batch(_Holders(0.1), [_STATEMENT]) == [[]]
    # ... but the classifier, reading the sentence as the speaker's, finds a clear position
    stance_model = _Stance([0.2, 0.7, 0.1])
    found = predict_holders_batch(_Holders(0.1), [_STATEMENT], stance_model=stance_model)
    assert found == [[("NZL", pytest.approx(0.1))]]
    asked = stance_model.seen[0]
    assert asked[["holder", "target"]].values.tolist() == [["NZL", "RUS"]]


@pytest.mark.parametrize("proba", [[0.6, 0.3, 0.1], [0.3, 0.45, 0.25]],
                         ids=["neutral", "position below the threshold"])
def test_position_rule_leaves_passing_mentions_without_holder(proba):
    found = predict_holders_batch(_Holders(0.1), [_STATEMENT], stance_model=_Stance(proba))
    assert found == [[]]


def test_position_rule_only_for_a_speaker_other_than_the_target_and_no_holder():
    stance_model = _Stance([0.1, 0.8, 0.1])
    no_speaker, speaker_is_target = {**_STATEMENT, "speaker": ""}, {**_STATEMENT, "speaker": "RUS"}
    assert predict_holders_batch(_Holders(0.1), [no_speaker, speaker_is_target],
                                 stance_model=stance_model) == [[], []]
    assert speaker_positions(stance_model, [no_speaker, speaker_is_target]) == [None, None]
    # a pair with holders keeps them
    named = {"text": "Japan condemned Russia.", "target": "RUS", "speaker": "NZL"}
    found = predict_holders_batch(_Holders(0.9), [named], stance_model=stance_model)
    assert "JPN" in [h for h, _ in found[0]]
    assert stance_model.seen == []  # none of these pairs was worth a call to the classifier


def test_target_named_only_in_a_document_has_no_holder_not_even_the_speaker():
    # "the Beijing Declaration" names China, but nobody takes a position on China through it
    text = "We honour the Beijing Declaration and Platform for Action, and Japan does too."
    assert candidate_rows(text, "CHN", "ISL") == []
    speech = {"text": text, "target": "CHN", "speaker": "ISL"}
    found = predict_holders_batch(_Holders(0.9), [speech], stance_model=_Stance([0.0, 0.0, 1.0]))
    assert found == [[]]
    # the capital of a summit's name is no candidate; the target named as a state keeps its own
    rows = candidate_rows("The Vilnius Summit communique criticised Russia, and Britain agreed.",
                          "RUS")
    assert [r["candidate"] for r in rows] == ["GBR"]
    assert [r["candidate"] for r in candidate_rows("Moscow rejected the Minsk Protocol.", "RUS",
                                                   "UKR")] == ["UKR"]


# --- a territory claimed as part of the target is not a holder --------------------------------


@pytest.mark.parametrize(("text", "target", "expected"), [
    ("Taiwan is an inalienable part of China.", "CHN", []),
    ("Taiwan has always been an inseparable part of China's territory.", "CHN", []),
    ("Our government regards Taiwan as a province of the People's Republic of China.", "CHN", []),
    ("Taiwan belongs to one and the same China.", "CHN", []),
    ("Taiwan, which has always been a province of China, will one day be reunified.", "CHN", []),
    ("Fujian and Taiwan alike belong to that one China.", "CHN", []),
    # the claim is about another whole, or the territory also acts
    ("Japan is part of the coalition against Russia.", "RUS", ["JPN"]),
    ("Taiwan rejected Beijing's claim.", "CHN", ["TWN"]),
    ("Taiwan is part of China, Beijing says, but Taiwan rejects that.", "CHN", ["TWN"]),
    ("Taiwan, which rejects the claim, protested to China.", "CHN", ["TWN"]),
])
def test_claimed_territory_is_not_a_candidate(text, target, expected):
    assert [r["candidate"] for r in candidate_rows(text, target)] == expected


def test_one_china_formula_of_a_speaker(default_model):
    # the guidelines' example: the speaker supports CHN and opposes TWN; Taiwan holds nothing
    rows = stance.analyze(pd.DataFrame({"text": ["Taiwan is an inalienable part of China."],
                                        "speaker": ["PAK"]}), speaker_col="speaker",
                          model=default_model)
    assert "TWN" not in set(rows["holder"])
    assert set(zip(rows["holder"], rows["target"])) == {("PAK", "TWN"), ("PAK", "CHN")}


# --- private people and groups named by a demonym are not holders (rule 8) ---------------------


@pytest.mark.parametrize(("text", "target", "expected"), [
    ("Chinese companies sign deals worth $8.6 billion with Russian counterparts.", "RUS", []),
    ("Pro-Russian separatists praised China for its support.", "CHN", []),
    ("Russian-backed separatists praised China.", "CHN", []),
    ("American and Russian scientists found a new element with Chinese colleagues.", "CHN", []),
    ("Japanese camera maker Nikora closes its factory in China.", "CHN", []),
    ("Dutch artist Anneke Vos unveiled a giant heron in Tainan, Taiwan.", "TWN", []),
    ("The Russian Orthodox Church praised China.", "CHN", []),
    ("The Portuguese monk Rui Almeida travelled to China.", "CHN", []),
    ("Lebanese-born Australian politician Nadia Haddad endorsed China's stance.", "CHN", ["AUS"]),
    # the state itself: a state modifier, a state noun, or the country also named as a state
    ("Chinese state hackers attacked Taiwan's banks.", "TWN", ["CHN"]),
    ("Chinese government hackers attacked Taiwan's banks.", "TWN", ["CHN"]),
    ("The Japanese government condemned Russia.", "RUS", ["JPN"]),
    ("Japanese companies left Russia after Japan imposed sanctions.", "RUS", ["JPN"]),
])
def test_private_people_named_by_a_demonym_are_not_candidates(text, target, expected):
    assert [r["candidate"] for r in candidate_rows(text, target)] == expected


# --- an organisation named as the arena is not a holder ------------------------------------------


@pytest.mark.parametrize(("text", "target", "expected"), [
    ("China regained its seat in the United Nations.", "CHN", []),
    ("We hope to see the Republic of China brought back to the United Nations.", "TWN", []),
    ("The universality of the United Nations requires the People's Republic of China.", "CHN", []),
    ("Finland joined NATO, angering Russia.", "RUS", ["FIN"]),
    ("Taiwan is barred from the WHO, Japan said.", "TWN", ["JPN"]),
    ("China is ready to uphold the United Nations Charter.", "CHN", []),
    # the organisation acting: subject, agent, organ, official or a noun it heads
    ("The UN Security Council condemned Russia.", "RUS", ["UN"]),
    ("Russia was condemned by the United Nations.", "RUS", ["UN"]),
    ("The Secretary-General of the United Nations condemned Russia.", "RUS", ["UN"]),
    ("The resolution of the General Assembly condemned Russia.", "RUS", ["UN"]),
    ("Brazil voted for the UN resolution condemning Russia.", "RUS", ["BRA", "UN"]),
    ("Ankara did not join the EU and US sanctions on Moscow.", "RUS", ["TUR", "EU", "USA"]),
    ("Serbia resisted pressure from Brussels to sanction Russia.", "RUS", ["SRB", "EU"]),
])
def test_organisation_named_as_the_arena_is_not_a_candidate(text, target, expected):
    assert [r["candidate"] for r in candidate_rows(text, target)] == expected


def test_organisation_heading_its_own_noun_after_of_is_an_actor():
    rows = candidate_rows("The adoption of the UN resolution condemning Russia was welcomed.", "RUS")
    assert [r["candidate"] for r in rows] == ["UN"]


@pytest.mark.parametrize(("text", "target", "expected"), [
    ("China was excluded from the United Nations for 22 years.", "CHN", []),
    ("Cambodia sent the detained monks back to China despite protests from the UN.", "CHN",
     ["KHM", "UN"]),
    ("A special session of the UN General Assembly called on Russia to withdraw.", "RUS", ["UN"]),
    ("All member states of the European Union imposed sanctions on Russia.", "RUS", ["EU"]),
])
def test_organisation_after_from_and_of(text, target, expected):
    assert [r["candidate"] for r in candidate_rows(text, target)] == expected


# --- a country named as the place of an event is not a holder (rule 6) --------------------------


@pytest.mark.parametrize(("text", "target", "expected"), [
    ("Russian missiles hit a shopping centre in Kremenchuk, Ukraine, killing 20 people.", "RUS", []),
    ("Two people die in Russian shelling in Sumy, Poltava, and Kyiv, Ukraine.", "RUS", []),
    ("Nine are wounded in Russian shelling of the Kyiv, Sumy, and Zaporizhzhia oblasts of Ukraine.",
     "RUS", []),
    ("Lavrov and Kuleba meet for a day of talks in Istanbul, Turkey.", "RUS", ["UKR"]),
    # the country also acts, or the places are a list of countries
    ("Romania says fragments of a Russian drone landed in Constanta County, Romania.", "RUS",
     ["ROU"]),
    ("Japan sent aid to Poland, Ukraine.", "RUS", ["JPN", "POL", "UKR"]),
    ("Russia struck Kyiv, Ukraine said.", "RUS", ["UKR"]),
])
def test_country_named_as_the_place_of_an_event_is_not_a_candidate(text, target, expected):
    assert [r["candidate"] for r in candidate_rows(text, target)] == expected


def test_training_keeps_arena_and_place_candidates_as_negatives():
    text = "Russian missiles hit a mall in Kremenchuk, Ukraine, and the United Nations Charter."
    assert [r["candidate"] for r in candidate_rows(text, "RUS")] == []
    assert [r["candidate"] for r in candidate_rows(text, "RUS", for_training=True)] == ["UKR",
                                                                                         "UN"]
    corpus = pd.DataFrame({"text": [text], "holder": [None], "target": ["RUS"]})
    X, y = holder_training_rows(corpus)
    assert list(X["candidate"]) == ["UKR", "UN"] and list(y) == [0, 0]


# --- actors listed with the target in an object's place are not holders toward it ----------------


@pytest.mark.parametrize(("text", "target", "expected"), [
    ("We are grateful to Spain, China, Germany, Venezuela and Chile.", "CHN", []),
    ("Syria calls for lifting measures imposed on Russia, Iran, Venezuela and Belarus.", "RUS",
     ["SYR"]),
    ("The new quota is opposed by Vietnam, Japan, Taiwan and the Philippines.", "TWN", []),
    # joint action, a partner, a list of two, or the actor also named outside the list
    ("In May 2011, the leaders of Mongolia, China and Russia approved a joint road plan.", "CHN",
     ["MNG", "RUS"]),
    ("Russia held drills with China, Iran and Belarus.", "CHN", ["RUS", "IRN", "BLR"]),
    ("Top officials from Germany, France, Russia and Ukraine met by video link.", "RUS",
     ["DEU", "FRA", "UKR"]),
    # two actors thanked together: neither takes a position on the other by it (co-objects)
    ("Japan thanked Australia and Taiwan.", "TWN", ["JPN"]),
    # the list ends at its "and" (the seed article)
    ("Concerned about arms advances in China and North Korea, Japan passed reforms.", "CHN",
     ["JPN"]),
    ("Japan thanked partners including Australia, Taiwan and New Zealand, and Australia praised "
     "Taiwan.", "TWN", ["JPN", "AUS"]),
])
def test_actors_listed_with_the_target_as_objects_are_not_candidates(text, target, expected):
    assert [r["candidate"] for r in candidate_rows(text, target)] == expected


@pytest.mark.parametrize(("text", "target", "speaker", "expected"), [
    ("The United Nations must hand the People's Republic of China back its lawful seat.", "CHN",
     "ALB", ["ALB"]),
    ("The General Assembly, which meets every year, should admit Taiwan.", "TWN", "PLW", ["PLW"]),
    # outside a statement a modal is the organisation's own intent; a past act is its position
    ("The G7 will suspend its participation until Russia changes course.", "RUS", "", ["G7"]),
    ("The United Nations has disgraced itself by branding China an aggressor.", "CHN", "POL",
     ["UN", "POL"]),
])
def test_organisation_called_on_in_a_statement_is_not_a_candidate(text, target, speaker, expected):
    assert [r["candidate"] for r in candidate_rows(text, target, speaker)] == expected


@pytest.mark.parametrize(("text", "target", "speaker", "expected"), [
    ("In the Pacific Rim Cup final, Japan defeats China 2-0.", "CHN", "", []),
    ("Sweden beats Russia 1-0 in the gold medal game.", "RUS", "", []),
    ("Ukraine wants Russia barred from the world games over doping.", "RUS", "", ["UKR"]),
    ("Our athletes won medals at the Olympics in China.", "CHN", "KEN", ["KEN"]),
    # a boycott is no result
    ("Britain boycotted the Olympics in Russia.", "RUS", "", ["GBR"]),
])
def test_countries_of_a_sports_result_are_not_candidates(text, target, speaker, expected):
    assert [r["candidate"] for r in candidate_rows(text, target, speaker)] == expected


# --- a target named only as an orientation ("pro-Russian separatists") has no holders --------------


@pytest.mark.parametrize(("text", "target", "expected"), [
    ("Ukrainian forces recapture Debaltseve from pro-Russian separatists.", "RUS", []),
    ("Kyiv and pro-Russia rebels swap prisoners near Horlivka.", "RUS", []),
    ("PRO-RUSSIAN REBELS SEIZE AIRPORT AS KYIV VOWS RESPONSE", "RUS", []),
    ("Hong Kong's pro-Beijing camp wins a majority, and Britain voices concern.", "CHN", []),
    # named as an actor too: the sentence is about the actor again
    ("Ukrainian forces fight pro-Russian separatists backed by Moscow.", "RUS", ["UKR"]),
    ("Poland condemned Russia for arming pro-Russian militias.", "RUS", ["POL"]),
    # "anti-" is a stance toward the actor, not an orientation of others
    ("Japan joined the anti-Russian sanctions.", "RUS", ["JPN"]),
])
def test_target_named_only_as_an_orientation_has_no_candidates(text, target, expected):
    assert [r["candidate"] for r in candidate_rows(text, target)] == expected


def test_orientation_rule_applies_when_predicting_only():
    text = "Ukrainian forces recapture Debaltseve from pro-Russian separatists."
    assert [r["candidate"] for r in candidate_rows(text, "RUS", for_training=True)] == ["UKR"]


def test_target_named_only_as_an_orientation_gives_an_empty_holder_row(default_model):
    rows = stance.analyze("Ukrainian forces recapture Debaltseve from pro-Russian separatists.",
                          model=default_model)
    assert rows[["holder", "target"]].values.tolist() == [["", "RUS"]]


# --- a target named only as the venue of a meeting or signing has no holders ----------------------


@pytest.mark.parametrize(("text", "target", "speaker", "expected"), [
    ("A new round of talks on North Korea's nuclear programme starts in Beijing.", "CHN", "", []),
    ("India and Pakistan agreed in Kunming, China, to prolong their ceasefire on the border.", "CHN",
     "", []),
    ("The accord signed at Moscow on 12 March 1958 gave hope to many nations.", "RUS", "NER", []),
    ("We applaud the regional summit on fisheries, held last month in Beijing.", "CHN", "FJI", []),
    # named as an actor too, or the venue is the object of an act: candidates stay
    ("Orban meets Putin in Moscow.", "RUS", "", ["HUN"]),
    ("Leaders gathered in Beijing, and Japan criticised China.", "CHN", "", ["JPN"]),
    ("Japan boycotted the Olympic Games in Beijing.", "CHN", "", ["JPN"]),
    ("Ukraine struck targets in Moscow.", "RUS", "", ["UKR"]),
    # an event in the country is not a venue: a speaker may take a position on it
    ("The violent events that took place in China this year greatly troubled us.", "CHN", "ESP",
     ["ESP"]),
])
def test_target_named_only_as_a_venue_has_no_candidates(text, target, speaker, expected):
    assert [r["candidate"] for r in candidate_rows(text, target, speaker)] == expected


def test_venue_rule_applies_when_predicting_only():
    text = "India and Pakistan agreed in Kunming, China, to prolong their ceasefire on the border."
    assert [r["candidate"] for r in candidate_rows(text, "CHN", for_training=True)] == ["IND", "PAK"]


# --- the victims of a passive of harm whose agent is the target are not holders -------------------


@pytest.mark.parametrize(("text", "target", "expected"), [
    ("Five Ukrainians are wounded by Russian artillery fire on a farm near Sumy.", "RUS", []),
    ("Six Philippine Coast Guard officers are wounded when flares are launched by the Chinese "
     "Coast Guard.", "CHN", []),
    # the agent of the passive, a possessive act, a teller of the harm and a second mention stay
    ("Russia was condemned by Japan.", "RUS", ["JPN"]),
    ("Japan's protest was rejected by China.", "CHN", ["JPN"]),
    ("Ukraine said its towns were shelled by Russia.", "RUS", ["UKR"]),
    ("Japanese diplomats were expelled by Russia, and Tokyo vowed to respond.", "RUS", ["JPN"]),
    ("A drone operated by Ukrainian intelligence exploded after being seized by Russian divers.",
     "RUS", ["UKR"]),
    # another sentence's actor is not in the clause
    ("Japan condemned the attack; Ukrainian towns were shelled by Russia.", "RUS", ["JPN"]),
])
def test_victims_of_a_passive_of_harm_by_the_target_are_not_candidates(text, target, expected):
    assert [r["candidate"] for r in candidate_rows(text, target)] == expected


def test_victims_rule_applies_when_predicting_only():
    text = "Five Ukrainians are wounded by Russian artillery fire."
    assert [r["candidate"] for r in candidate_rows(text, "RUS", for_training=True)] == ["UKR"]


@pytest.mark.parametrize("threshold", [0.2, 0.5, 0.8])
def test_predict_holders_batch_reads_rules_only_where_they_matter(default_model, threshold):
    """The batch scores every named actor and reads the role rules only for the target, the
    candidates above the threshold and possible partners; it must choose exactly what reading
    every rule first (candidate_rows) and scoring the survivors chooses."""
    from stance.attribution import PARTNER, choose_holders

    corpus = default_corpus("test")
    corpus = corpus.assign(speaker=corpus["speaker"].fillna("") if "speaker" in corpus else "")
    pairs = corpus.drop_duplicates(["text", "target", "speaker"]).head(500)
    groups = [{"text": t, "target": g, "speaker": s}
              for t, g, s in zip(pairs["text"], pairs["target"], pairs["speaker"])]
    got = predict_holders_batch(default_model.holders_, groups, threshold=threshold)
    checked = 0
    for g, chosen in zip(groups, got):
        rows = candidate_rows(g["text"], g["target"], g["speaker"])
        if rows:
            proba = default_model.holders_.predict_proba(pd.DataFrame(rows))[:, 1]
            want = choose_holders([r["candidate"] for r in rows], proba, g["target"], g["speaker"],
                                  threshold, forced=[bool(r[PARTNER]) for r in rows])
        else:
            want = []
        assert [c for c, _ in chosen] == [c for c, _ in want], g
        assert np.allclose([p for _, p in chosen], [p for _, p in want])
        checked += bool(want)
    assert checked > 100
