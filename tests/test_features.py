"""Tests for stance.features: the row transformers and their input handling."""

from __future__ import annotations

import re

import joblib
import numpy as np
import pandas as pd
import pytest
from conftest import shared_file
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from stance.actors import Mention, find_actors
from stance.features import (
    CueFeatures,
    SentimentFeatures,
    StructuralFeatures,
    TargetView,
    _fast_words,
    _window,
    as_rows,
    load_cues,
    sentiment,
)

ROWS = pd.DataFrame({
    "text": [
        "Japan condemned Russia's invasion of Ukraine.",
        "Russia was condemned by Japan.",
        "We will never accept the occupation of our land by Russia.",
        "Japan did not condemn Russia.",
        "China and Russia signed a friendship treaty in Moscow.",
        "Taiwan's economy grew by 5 percent in May",
        "Russia held talks with officials on Monday in the capital after a very long journey by train, "
        "and the weather there was wonderful.",
    ],
    "holder": ["JPN", "JPN", "UKR", "JPN", "CHN", "", ""],
    "target": ["RUS", "RUS", "RUS", "RUS", "RUS", "TWN", "RUS"],
})

#: One instance of each transformer, with non-default parameters where it has any.
TRANSFORMERS = {
    "TargetView": TargetView(),
    "TargetView-relation": TargetView(scope="relation", context=2),
    "TargetView-options": TargetView(lowercase=False, mark_others=False),
    "SentimentFeatures": SentimentFeatures(window=3),
    "CueFeatures": CueFeatures(window=5, negation_scope=2, cap=2),
    "StructuralFeatures": StructuralFeatures(),
}
# a parameter to change in the set_params round trip, with a value that changes the output
CHANGES = {
    "TargetView": ("scope", "relation"),
    "TargetView-relation": ("context", 0),
    "TargetView-options": ("mark_others", True),
    "SentimentFeatures": ("window", 30),
    "CueFeatures": ("cap", 1),
    "StructuralFeatures": None,
}
IDS = list(TRANSFORMERS)


@pytest.fixture(params=IDS)
def name_and_transformer(request):
    return request.param, clone(TRANSFORMERS[request.param])


def _features(name: str, transformer, X) -> dict:
    out = transformer.fit(X).transform(X)
    return dict(zip(transformer.get_feature_names_out(), np.asarray(out)[0]))


# ---------------------------------------------------------------------------------------------
# The scikit-learn contract, for every transformer
# ---------------------------------------------------------------------------------------------


def test_clone_gives_equal_params(name_and_transformer):
    _, transformer = name_and_transformer
    copy = clone(transformer)
    assert copy is not transformer
    assert copy.get_params() == transformer.get_params()
    assert type(copy) is type(transformer)


def test_get_params_set_params_round_trip(name_and_transformer):
    name, transformer = name_and_transformer
    params = transformer.get_params()
    assert transformer.set_params(**params) is transformer
    assert transformer.get_params() == params
    change = CHANGES[name]
    if change is None:
        assert params == {}
        return
    key, value = change
    assert params[key] != value
    before = transformer.fit_transform(ROWS)
    transformer.set_params(**{key: value})
    assert transformer.get_params()[key] == value
    after = transformer.fit_transform(ROWS)
    assert not np.array_equal(np.asarray(before), np.asarray(after)), f"{key}={value!r} had no effect"
    transformer.set_params(**params)
    np.testing.assert_array_equal(transformer.fit_transform(ROWS), before)


def test_joblib_round_trip(name_and_transformer, tmp_path):
    _, transformer = name_and_transformer
    transformer.fit(ROWS)
    path = tmp_path / "transformer.joblib"
    joblib.dump(transformer, path)
    loaded = joblib.load(path)
    assert loaded.get_params() == transformer.get_params()
    np.testing.assert_array_equal(loaded.transform(ROWS), transformer.transform(ROWS))


def test_fit_transform_equals_fit_then_transform(name_and_transformer):
    _, transformer = name_and_transformer
    a = transformer.fit_transform(ROWS)
    b = clone(transformer).fit(ROWS).transform(ROWS)
    np.testing.assert_array_equal(a, b)
    assert len(a) == len(ROWS)


def test_feature_names_match_output_width(name_and_transformer):
    name, transformer = name_and_transformer
    out = np.asarray(transformer.fit_transform(ROWS))
    names = transformer.get_feature_names_out()
    if name.startswith("TargetView"):
        assert list(names) == ["view"]
        assert out.ndim == 1 and out.shape == (len(ROWS),)
        assert all(isinstance(v, str) for v in out)
    else:
        assert out.ndim == 2
        assert len(names) == out.shape[1]
        assert len(set(names)) == len(names)


def test_transform_before_fit_raises_not_fitted(name_and_transformer):
    _, transformer = name_and_transformer
    with pytest.raises(NotFittedError):
        transformer.transform(ROWS)
    with pytest.raises(NotFittedError):
        transformer.get_feature_names_out()


@pytest.mark.parametrize("column", ["text", "target"])
def test_missing_column_is_named(name_and_transformer, column):
    _, transformer = name_and_transformer
    with pytest.raises(ValueError, match=column):
        transformer.fit(ROWS.drop(columns=column))
    transformer.fit(ROWS)
    with pytest.raises(ValueError, match=column):
        transformer.transform(ROWS.drop(columns=column))


@pytest.mark.parametrize("bad", [None, np.nan, 42, b"Japan condemned Russia."])
def test_non_string_text_names_column_and_row(name_and_transformer, bad):
    _, transformer = name_and_transformer
    X = ROWS.copy()
    X.index = range(10, 10 + len(X))
    X["text"] = X["text"].astype(object)
    X.loc[13, "text"] = bad
    with pytest.raises((ValueError, TypeError), match=r"'text'.*\b13\b"):
        transformer.fit(X)
    transformer.fit(ROWS)
    with pytest.raises((ValueError, TypeError), match=r"'text'.*\b13\b"):
        transformer.transform(X)


def test_non_tabular_input_raises_type_error(name_and_transformer):
    _, transformer = name_and_transformer
    with pytest.raises(TypeError, match="DataFrame"):
        transformer.fit("Japan condemned Russia.")


def test_list_of_dicts_is_accepted(name_and_transformer):
    _, transformer = name_and_transformer
    records = ROWS.to_dict(orient="records")
    np.testing.assert_array_equal(transformer.fit_transform(records), transformer.fit_transform(ROWS))


def test_bad_scope_is_refused():
    view = TargetView(scope="paragraph").fit(ROWS)
    with pytest.raises(ValueError, match="scope"):
        view.transform(ROWS)


# ---------------------------------------------------------------------------------------------
# as_rows
# ---------------------------------------------------------------------------------------------


def test_as_rows_maps_missing_holders_to_empty_string():
    X = pd.DataFrame({"text": ["Japan condemned Russia."] * 4, "holder": [None, np.nan, "", " JPN "],
                      "target": ["RUS"] * 4})
    rows = as_rows(X)
    assert rows["holder"].tolist() == ["", "", "", "JPN"]
    assert list(rows.columns) == ["text", "holder", "target"]


def test_as_rows_without_holder_column():
    rows = as_rows([{"text": "Japan condemned Russia.", "target": " RUS "}])
    assert rows["holder"].tolist() == [""]
    assert rows["target"].tolist() == ["RUS"]


def test_as_rows_rejects_non_string_holder_naming_the_row():
    X = pd.DataFrame({"text": ["a", "b"], "holder": ["JPN", 7], "target": ["RUS", "RUS"]}, index=[5, 6])
    with pytest.raises(ValueError, match=r"holder.*row 6"):
        as_rows(X)


class _Code(str):
    """A str subclass: as_rows takes it through its checked path, not the all-str one."""


@pytest.mark.parametrize("dtype", [object, "str"])
def test_as_rows_all_string_columns_give_what_the_checked_path_gives(dtype):
    # the all-str fast path and the element-by-element path (a str subclass or a missing holder
    # sends a column there) return the same frame: object columns, holders and targets stripped
    text = ["Japan condemned Russia.", "  Russia's economy grew. ", "Beijing warned Taipei.", ""]
    holder = [" JPN", "", "CHN ", "\tUSA"]
    target = ["RUS", " RUS", "TWN\n", "CHN"]
    index = [3, 1, 7, 0]
    fast = as_rows(pd.DataFrame({"text": text, "holder": holder, "target": target}, index=index,
                                dtype=dtype))
    checked = as_rows(pd.DataFrame({"text": [_Code(t) for t in text],
                                    "holder": [_Code(h) for h in holder],
                                    "target": [_Code(t) for t in target]}, index=index, dtype=object))
    pd.testing.assert_frame_equal(fast, checked, check_exact=True)
    assert all(type(v) is str for col in ("holder", "target") for v in fast[col])
    assert fast["holder"].tolist() == ["JPN", "", "CHN", "USA"]
    assert fast["target"].tolist() == ["RUS", "RUS", "TWN", "CHN"]
    assert fast["text"].tolist() == text
    assert all(fast[c].dtype == object for c in fast.columns)


def test_as_rows_keeps_the_index_the_column_order_and_the_mentions():
    from stance.actors import find_actors

    found = tuple(find_actors("Japan condemned Russia."))
    X = pd.DataFrame({"extra": [1, 2, 3], "target": ["RUS ", "RUS", "JPN"],
                      "mentions": [found, list(found), None], "holder": ["JPN", None, "RUS"],
                      "text": ["Japan condemned Russia."] * 3}, index=[4, 4, 0])
    rows = as_rows(X)
    assert list(rows.columns) == ["text", "holder", "target", "mentions"]
    assert rows.index.tolist() == [4, 4, 0]
    assert all(rows[c].dtype == object for c in rows.columns)
    assert rows["mentions"].tolist() == [found, found, None]
    assert rows["holder"].tolist() == ["JPN", "", "RUS"] and rows["target"].tolist()[0] == "RUS"
    pd.testing.assert_frame_equal(as_rows(rows), rows, check_exact=True)  # validated rows pass


def test_row_transformers_read_validated_rows_as_they_are():
    # a frame that as_rows returns unchanged is read as it is (the pipeline passes as_rows's
    # output to every transformer); any other frame is validated first, with the same result
    from stance.actors import find_actors
    from stance.rows import _is_rows

    rows = as_rows(ROWS.assign(mentions=[tuple(find_actors(t)) for t in ROWS["text"]]))
    assert _is_rows(rows) and _is_rows(rows[["text", "holder", "target"]])
    pd.testing.assert_frame_equal(as_rows(rows), rows, check_exact=True)
    others = [ROWS.assign(holder=[" JPN", *ROWS["holder"][1:]]),  # not stripped
              ROWS.assign(target=[*ROWS["target"][:-1], "RUS "]),
              ROWS.astype({"holder": "str"}), ROWS[["holder", "text", "target"]],
              ROWS.assign(extra=1), ROWS.astype(object).assign(holder=[None, *ROWS["holder"][1:]]),
              rows.assign(mentions=[list(m) for m in rows["mentions"]]), ROWS.to_dict("records")]
    for X in others:
        assert not _is_rows(X)
    for transformer in (TargetView(), CueFeatures(), StructuralFeatures(), SentimentFeatures()):
        fitted = transformer.fit(ROWS)
        for X in [rows, *others[:2]]:
            out = fitted.transform(X)
            again = fitted.transform(as_rows(X).astype(object).copy())
            assert np.array_equal(out, again), type(transformer).__name__


def test_as_rows_rejects_non_string_text_naming_the_row():
    X = pd.DataFrame({"text": ["a", None, 3], "holder": ["JPN"] * 3, "target": ["RUS"] * 3},
                     index=[4, 5, 6])
    with pytest.raises(ValueError, match=r"'text' must hold strings; rows 5, 6 do not"):
        as_rows(X)


def test_as_rows_accepts_pd_na_holder():
    X = pd.DataFrame({"text": ["Japan condemned Russia.", "Russia's economy grew."],
                      "holder": ["JPN", None], "target": ["RUS", "RUS"]}).convert_dtypes()
    assert as_rows(X)["holder"].tolist() == ["JPN", ""]


# ---------------------------------------------------------------------------------------------
# Behaviour of each transformer
# ---------------------------------------------------------------------------------------------


def _view(text: str, holder: str, target: str, **params) -> str:
    X = pd.DataFrame({"text": [text], "holder": [holder], "target": [target]})
    return TargetView(**params).fit_transform(X)[0]


def test_target_view_replaces_mentions_with_placeholders():
    view = _view("Japan condemned Russia's invasion of Ukraine.", "JPN", "RUS")
    assert view == "xholder condemned xtarget's invasion of xactor."
    for name in ("japan", "russia", "ukraine"):
        assert name not in view


def test_target_view_without_holder_adds_xnoholder():
    view = _view("Japan condemned Russia.", "", "RUS")
    assert view.split()[0] == "xnoholder"
    assert "xholder" not in view
    assert "xactor" in view  # Japan is just another actor now


def test_target_view_unnamed_holder_adds_xunnamedholder():
    view = _view("We will never accept the occupation of our land by Russia.", "UKR", "RUS")
    assert view.split()[0] == "xunnamedholder"
    assert "xtarget" in view and "xholder" not in view.replace("xunnamedholder", "")


def test_target_view_options():
    text = "Britain condemned Russia's invasion of Georgia."
    assert _view(text, "GBR", "RUS", mark_others=False) == "xholder condemned xtarget's invasion of georgia."
    assert "Georgia" in _view(text, "GBR", "RUS", mark_others=False, lowercase=False)


def test_country_names_do_not_change_the_view():
    X = pd.DataFrame({
        "text": ["Britain condemned Russia's invasion of Georgia.",
                 "Japan condemned China's invasion of Vietnam."],
        "holder": ["GBR", "JPN"], "target": ["RUS", "CHN"]})
    for transformer in (TargetView(), TargetView(scope="relation"), CueFeatures(), StructuralFeatures()):
        out = np.asarray(transformer.fit_transform(X))
        np.testing.assert_array_equal(out[0], out[1])


def test_relation_scope_keeps_holder_to_target_span():
    text = "On Monday Japan sharply condemned Russia's invasion of Ukraine, officials said in Tokyo."
    sentence = _view(text, "JPN", "RUS")
    relation = _view(text, "JPN", "RUS", scope="relation", context=1)
    assert relation.startswith("xholder") and "xtarget" in relation
    assert "monday" not in relation and "officials" not in relation
    assert len(relation.split()) < len(sentence.split())
    no_holder = _view(text, "", "RUS", scope="relation", context=1)
    assert "xnoholder" not in no_holder and len(no_holder.split()) == 3


def _cues(text: str, holder: str = "JPN", target: str = "RUS", **params) -> dict:
    X = pd.DataFrame({"text": [text], "holder": [holder], "target": [target]})
    return _features("CueFeatures", CueFeatures(**params), X)


def test_cue_negation():
    plain = _cues("Japan condemned Russia.")
    negated = _cues("Japan did not condemn Russia.")
    assert plain["conflict"] == 1 and plain["conflict_negated"] == 0
    assert negated["conflict"] == 1 and negated["conflict_negated"] == 1
    assert negated["negation"] >= 1 and plain["negation"] == 0


@pytest.mark.parametrize(("text", "conflict"), [
    ("Canada demanded that Russia pull its forces out of Ukraine.", 2),
    ("Russia needs to get its soldiers out of Ukraine and must stop the shelling now.", 2),
    # demand as a quantity is not a demand on anyone
    ("Demand for Russian gas fell as Japan stocked up.", 0),
])
def test_cue_demands_on_the_target(text, conflict):
    assert _cues(text, "CAN", "RUS")["conflict"] == conflict


def test_cue_switching_recognition_away_from_the_target():
    # "recogni*" is cooperation, but recognition switched from the target governs it as conflict
    # (the guidelines: switching recognition from Taipei to Beijing opposes TWN)
    switched = _cues("Dominica switches diplomatic recognition from Taiwan to China.", "DMA", "TWN")
    assert switched["governed_by_conflict"] == 1 and switched["governed_by_cooperation"] == 0
    kept = _cues("Tuvalu reaffirmed its recognition of Taiwan.", "TUV", "TWN")
    assert kept["governed_by_cooperation"] == 1 and kept["conflict"] == 0


def test_cue_rhetoric_of_statements():
    # words of UN-debate condemnation without a verb of condemning
    assert _cues("Russia's imperial ambitions and its energy blackmail threaten Europe.", "CAN",
                 "RUS")["conflict"] == 3
    assert _cues("Moscow weaponizes grain and keeps occupying Ukrainian land.", "CAN",
                 "RUS")["conflict"] == 2


def test_cue_negation_scope():
    text = "Japan did not hesitate for a single moment and condemned Russia."
    assert _cues(text)["conflict_negated"] == 0
    assert _cues(text, negation_scope=20)["conflict_negated"] == 1


def test_cue_near_target():
    near = _cues("Japan condemned Russia.")
    far = _cues("Japan condemned the decision on Monday, officials said at a long and crowded press "
                "briefing held in the capital late in the evening about Russia.")
    assert near["conflict_near"] == 1
    assert far["conflict"] == 1 and far["conflict_near"] == 0


def test_cue_counts_are_capped():
    text = "Japan condemned, denounced, condemned, condemned and condemned Russia."
    assert _cues(text, cap=3)["conflict"] == 3
    assert _cues(text, cap=1)["conflict"] == 1


def test_cue_agents_tell_the_holder_s_act_from_a_third_party_s():
    # the condemnation is Japan's, the attack a third party's: Taiwan is the victim
    f = _cues("Japan condemned Russia's attack on Taiwan.", "JPN", "TWN")
    assert (f["conflict_by_holder"], f["conflict_by_other"], f["conflict_by_target"]) == (1, 1, 0)
    # toward Russia the attack is the target's own act
    f = _cues("Japan condemned Russia's attack on Taiwan.", "JPN", "RUS")
    assert (f["conflict_by_holder"], f["conflict_by_other"], f["conflict_by_target"]) == (1, 0, 1)


def test_cue_agents_without_a_preceding_actor_and_for_cooperation():
    f = _cues("Sanctions hit Russia after Japan signed a partnership with India.", "JPN", "RUS")
    assert f["conflict_by_none"] == f["conflict"] >= 1 and f["conflict_by_holder"] == 0
    assert f["cooperation_by_holder"] == f["cooperation"] >= 1 and f["cooperation_by_other"] == 0


@pytest.mark.parametrize("text, holder", [
    ("Britain is deeply concerned about the growing military cooperation between Moscow and Tehran.",
     "GBR"),
    ("Canada condemns the signing of the new defence pact between Russia and Belarus.", "CAN"),
    ("We strongly condemn the signing in Moscow of the treaty on the accession of Crimea to Russia.",
     "UKR"),
])
def test_cooperation_that_is_the_object_of_a_disapproval_is_nobody_s_cooperation(text, holder):
    f = _cues(text, holder, "RUS")
    assert f["cooperation"] == f["cooperation_by_holder"] == f["cooperation_holder_on_target"] == 0
    # the disapproval is the holder's act, on the target named in its object
    assert f["conflict_by_holder"] >= 1 and f["conflict_holder_on_target"] >= 1


def test_a_second_act_after_and_is_not_the_object_of_a_disapproval():
    f = _cues("Oman condemns the attack and expresses its solidarity with Russia.", "OMN", "RUS")
    assert f["cooperation_by_holder"] == f["cooperation"] >= 1
    # beyond the disapproval's reach, or in another clause, the cooperation stays
    f = _cues("Chile condemned the attack, but it signed a trade pact with Russia.", "CHL", "RUS")
    assert f["cooperation_holder_on_target"] >= 1


@pytest.mark.parametrize("text, approved", [
    ("Japan welcomed the new sanctions on Russia.", True),
    ("Japan backs the lawsuit against Russia at the court.", True),
    ("Japan welcomed Russia's decision to end the blockade.", False),  # the blockade is not on it
    ("Japan welcomed the talks and the sanctions on Russia.", False),  # a second object
])
def test_approving_a_conflict_act_on_the_target_is_conflict(text, approved):
    f = _cues(text, "JPN", "RUS")
    if approved:
        assert f["cooperation"] == 0 and f["conflict_holder_on_target"] >= 2
    else:
        assert f["cooperation"] >= 1


def test_nested_acts_read_by_the_default_model():
    # regression: "concerned about the cooperation between Moscow and X" read as support
    import stance

    for text in ["Britain said it was deeply concerned about the growing military cooperation "
                 "between Moscow and Tehran.",
                 "Canada condemns the signing of the new defence pact between Russia and Belarus.",
                 "Japan welcomed the new sanctions on Russia."]:
        rows = stance.analyze([text])
        assert rows.loc[rows["holder"] != "", "stance"].tolist() == ["oppose"], text


def test_cue_agents_count_the_speaker_as_holder():
    X = pd.DataFrame({"text": ["We condemn the invasion by Russia."], "holder": ["POL"],
                      "target": ["RUS"]})
    f = _features("CueFeatures", CueFeatures(), X)
    # "xunnamedholder we condemn the invasion by xtarget": both cues are the speaker's
    assert f["conflict_by_holder"] == f["conflict"] == 2


def test_cue_patients_tell_who_is_acted_on():
    # the fear is Japan's and about China; the blockade is China's act on Taiwan, the victim
    toward_victim = _cues("Japan fears that China could blockade Taiwan.", "JPN", "TWN")
    assert toward_victim["conflict_holder_on_other"] == 1
    assert toward_victim["conflict_other_on_target"] == 1
    assert toward_victim["conflict_holder_on_target"] == 0
    toward_aggressor = _cues("Japan fears that China could blockade Taiwan.", "JPN", "CHN")
    assert toward_aggressor["conflict_holder_on_target"] == 1
    assert toward_aggressor["conflict_target_on_other"] == 1
    assert toward_aggressor["conflict_other_on_target"] == 0


def test_cue_holder_against_the_aggressor_of_the_target():
    # regression (seed article): Japan's concern about China's threat to Taiwan read as Japan
    # leaning against Taiwan, because every conflict word of the sentence pushed toward oppose
    toward_victim = _cues("Japan is concerned by China's drills around Taiwan.", "JPN", "TWN")
    assert toward_victim["conflict_holder_on_aggressor"] == 1
    # toward the aggressor the concern is the holder's act on the target
    toward_aggressor = _cues("Japan is concerned by China's drills around Taiwan.", "JPN", "CHN")
    assert toward_aggressor["conflict_holder_on_aggressor"] == 0
    # the holder also acts on the target: not only the victim's side
    both = _cues("Japan warned Taiwan, and Japan condemned China's drills around Taiwan.", "JPN",
                 "TWN")
    assert both["conflict_holder_on_aggressor"] == 0
    # no third party acts on the target
    alone = _cues("Japan is concerned by China's drills.", "JPN", "TWN")
    assert alone["conflict_holder_on_aggressor"] == 0
    # the tensions are not Ukraine's act on Russia, though Ukraine is named nearest before them
    # (real news: this read as Britain siding with Russia)
    apart = _cues("Britain delivers long-range missiles to Ukraine amid growing tensions with Russia.",
                  "GBR", "RUS")
    assert apart["conflict_holder_on_other"] == 1 and apart["conflict_other_on_target"] == 1
    assert apart["conflict_holder_on_aggressor"] == 0


@pytest.mark.parametrize(("text", "conflict", "negation"), [
    # "against" before an actor names whom an act is aimed at: a conflict cue of its own
    ("Japan said China's plans against Taiwan were known.", 1, 0),
    ("Ukraine filed a case against the Russian Federation.", 1, 0),
    # after a conflict cue it is only that cue's preposition: counted once, as before
    ("Japan imposed sanctions against Russia.", 1, 1),
    # before a measure it still negates it
    ("Hungary voted against sanctions on Russia.", 1, 1),
])
def test_cue_against_an_actor_is_conflict_not_negation(text, conflict, negation):
    f = _cues(text, "JPN", "RUS" if "Russia" in text else "TWN")
    assert f["conflict"] == conflict and f["negation"] == negation


def test_cue_patient_is_only_an_actor_close_after_the_cue():
    f = _cues("Japan condemned the decision on Monday, officials said at a long and crowded "
              "briefing in the capital about Russia.", "JPN", "RUS")
    assert f["conflict_by_holder"] == 1 and f["conflict_holder_on_target"] == 0


def test_blockade_is_not_a_cooperation_cue():
    # regression: "block*" matched "blockade", so a blockade counted as cooperation too
    f = _cues("Japan fears that China could blockade Taiwan.", "JPN", "TWN")
    assert f["cooperation"] == 0 and f["conflict"] == 2
    blocked = _cues("Hungary blocked the sanctions on Russia.", "HUN", "RUS")
    assert blocked["cooperation"] >= 1


# regression: prefix cues matched unrelated words ("sever*" matched "several", "accord*" matched
# "according", "invest*" matched "investigation", "host*" matched "hostage" and "hostile")
NOT_CUES = ["several", "severe", "according", "committee", "hostage", "hostel", "counterpart",
            "counterterrorism", "opposition leader", "significant", "signal", "signature",
            "respectively", "respective", "assistant", "protectionism", "objective", "determined",
            "protesters", "fighter jets", "critical minerals", "wages"]


@pytest.mark.parametrize("phrase", NOT_CUES)
def test_unrelated_words_are_no_conflict_or_cooperation_cues(phrase):
    cues = load_cues()
    assert not cues["conflict"].search(phrase) and not cues["cooperation"].search(phrase)


@pytest.mark.parametrize("phrase, category", [
    ("severed ties", "conflict"), ("countermeasures", "conflict"), ("deterrence", "conflict"),
    ("relations deteriorated", "conflict"), ("objected", "conflict"), ("opposes", "conflict"),
    ("opposition to the plan", "conflict"), ("lodged a protest", "conflict"),
    ("fought", "conflict"), ("airstrikes", "conflict"), ("a lawsuit", "conflict"),
    ("critical of Beijing", "conflict"), ("investigation", "conflict"),
    ("the accord", "cooperation"), ("assistance", "cooperation"), ("signed", "cooperation"),
    ("investment", "cooperation"), ("hosting", "cooperation"), ("respects", "cooperation"),
    ("protection", "cooperation"), ("commitment", "cooperation"), ("imports", "cooperation"),
    ("defended", "cooperation"),
])
def test_cue_words_still_match(phrase, category):
    assert load_cues()[category].search(phrase)


def test_several_and_according_do_not_make_a_sentence_hostile():
    f = _cues("According to officials, several ministers met Russia's envoy.", "JPN", "RUS")
    assert f["conflict"] == 0 and f["cooperation"] == 0


def test_third_parties_listed_with_the_holder_act_as_the_holder():
    # the expulsions are Spain's too, though Italy is named nearest before them
    listed = _cues("Spain, France and Italy expelled Russian diplomats.", "ESP", "RUS")
    assert listed["conflict_by_holder"] == 1 and listed["conflict_by_other"] == 0
    # a third party in another clause is not part of the holder's list
    apart = _cues("Spain expelled Russian diplomats after Italy protested.", "ESP", "RUS")
    assert apart["conflict_by_holder"] == 1 and apart["conflict_by_other"] == 1


def _structure(text: str, holder: str, target: str) -> dict:
    X = pd.DataFrame({"text": [text], "holder": [holder], "target": [target]})
    return _features("StructuralFeatures", StructuralFeatures(), X)


def test_structure_passive_agent_and_target_first():
    passive = _structure("Russia was condemned by Japan.", "JPN", "RUS")
    active = _structure("Japan condemned Russia.", "JPN", "RUS")
    assert passive["holder_passive_agent"] == 1 and passive["by_holder"] == 1
    assert passive["target_first_word"] == 1
    assert active["holder_passive_agent"] == 0 and active["by_holder"] == 0
    assert active["target_first_word"] == 0


def test_structure_has_no_word_order_feature():
    # regression: "holder named before the target" was learned as support, and real news lines
    # such as "X meets Y" and "X and Y continue to fight" came out as support
    f = StructuralFeatures().fit(pd.DataFrame({"text": ["Japan condemned Russia."], "holder": ["JPN"],
                                               "target": ["RUS"]}))
    assert "holder_first" not in set(f.get_feature_names_out())
    a = _structure("Japan condemned Russia.", "JPN", "RUS")
    b = _structure("Russia, Japan condemned.", "JPN", "RUS")
    assert {k: v for k, v in a.items() if k != "target_first_word"} == \
        {k: v for k, v in b.items() if k != "target_first_word"}


def test_structure_holder_flags():
    empty = _structure("Japan condemned Russia.", "", "RUS")
    assert empty["holder_empty"] == 1 and empty["holder_named"] == 0
    unnamed = _structure("We will never accept the occupation of our land by Russia.", "UKR", "RUS")
    assert unnamed["holder_empty"] == 0 and unnamed["holder_named"] == 0
    assert unnamed["first_person"] == 1
    headline = _structure("JAPAN CONDEMNS RUSSIA", "JPN", "RUS")
    assert headline["headline"] == 1 and headline["all_caps"] == 1
    assert _structure("Japan condemned Russia.", "JPN", "RUS")["headline"] == 0


def _sentiment(text: str, target: str, **params) -> dict:
    X = pd.DataFrame({"text": [text], "holder": [""], "target": [target]})
    return _features("SentimentFeatures", SentimentFeatures(**params), X)


def test_sentiment_window_differs_from_sentence_when_word_is_far():
    far = _sentiment("Russia held talks with officials on Monday in the capital after a very long "
                     "journey by train, and the weather there was wonderful.", "RUS")
    assert far["polarity"] > 0
    assert far["window_polarity"] != far["polarity"]
    assert far["window_polarity"] == 0
    near = _sentiment("Russia is a wonderful partner.", "RUS")
    assert near["polarity"] > 0 and near["window_polarity"] == near["polarity"]


def _window_by_scan(text: str, spans: list[tuple[int, int]], width: int) -> str:
    """The window as _window computed it before bisection: every token scanned for each span."""
    tokens = [(t.start(), t.end()) for t in re.finditer(r"\S+", text)]
    keep: set[int] = set()
    for s, e in spans:
        idx = [i for i, (ts, te) in enumerate(tokens) if te > s and ts < e]
        if idx:
            keep.update(range(max(0, idx[0] - width), min(len(tokens), idx[-1] + width + 1)))
    return " ".join(text[tokens[i][0]:tokens[i][1]] for i in sorted(keep)) if keep else text


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab  \t\n.,'")), min_size=1, max_size=40),
       st.lists(st.tuples(st.integers(0, 40), st.integers(1, 8)), min_size=1, max_size=3),
       st.integers(0, 3))
def test_sentiment_window_by_bisection_equals_the_token_scan(text, raw_spans, width):
    # mention spans anywhere: inside a token, across tokens, on white space only, at the ends
    spans = [(min(s, len(text) - 1), min(s + n, len(text))) for s, n in raw_spans]
    mentions = tuple(Mention("RUS", "Russia", "country", text[s:e], s, e, "name") for s, e in spans)
    assert _window(text, "RUS", width, mentions) == _window_by_scan(text, spans, width)


def test_sentiment_window_on_written_sentences():
    texts = ["Japan condemned Russia's invasion of Ukraine on Monday after a long night of talks.",
             "Russia,  Russia and   again Russia: the Kremlin said nothing at all.",
             "In Moscow, officials said the talks with China would resume next week in Beijing."]
    for text in texts:
        mentions = tuple(find_actors(text))
        for target in ("RUS", "CHN", "JPN"):
            spans = [(m.start, m.end) for m in mentions if m.code == target]
            for width in (0, 2, 6):
                assert _window(text, target, width, mentions) == _window_by_scan(text, spans, width)


def test_sentiment_signs():
    assert _sentiment("China is a great and friendly partner.", "CHN")["polarity"] > 0
    assert _sentiment("China's terrible and brutal crackdown.", "CHN")["polarity"] < 0


def test_sentiment_unnamed_target_uses_whole_sentence():
    f = _sentiment("They met on Monday and it was a wonderful, friendly visit.", "CHN", window=1)
    assert f["window_polarity"] == f["polarity"] and f["polarity"] > 0


# --- sentiment is exactly TextBlob's ---------------------------------------------------------

def _textblob(text: str) -> tuple[float, float]:
    from textblob import TextBlob

    s = TextBlob(text).sentiment
    return float(s.polarity), float(s.subjectivity)


def test_sentiment_equals_textblob_on_the_corpus():
    from stance.model import default_corpus

    corpus = default_corpus().drop_duplicates(["text", "target"])
    texts = [*corpus["text"].drop_duplicates(),
             *(_window(t, g, 6) for t, g in zip(corpus["text"], corpus["target"])),
             "not good", "not very good!", "really not bad (!)", "great :-) but sad :(",
             "never really terrible", "the very best!!", "NOT GOOD", "isn't it lovely"]
    for text in texts:
        assert sentiment.__wrapped__(text) == _textblob(text), text


def test_sentiment_equals_textblob_on_news():
    import csv

    from stance.text import split_sentences

    with shared_file("data", "wikipedia_current_events.csv").open(encoding="utf-8") as fh:
        docs = [row["text"] for _, row in zip(range(1500), csv.DictReader(fh))]
    for doc in docs:
        for sent in split_sentences(doc):
            assert sentiment.__wrapped__(sent.text) == _textblob(sent.text), sent.text


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abc not very good bad!?.'\"():-D ")), max_size=60))
def test_sentiment_equals_textblob_on_arbitrary_text(text):
    assert sentiment.__wrapped__(text) == _textblob(text)


# --- _fast_words is exactly pattern's tokenizer -----------------------------------------------

def _pattern_words(text: str) -> list[str]:
    from textblob.en import parser

    return " ".join(parser.find_tokens(text)).split()


@pytest.mark.parametrize("text", [
    "", " ", "Russia's troops don't (yet) control the U.S.-backed area, e.g. Kyiv.",
    "Mr. Smith arrived at 3 p.m. on Jan. 5... then left.", "“Never,” he said. ‘We’ll see.’",
    "Elected (in 2008) and re-elected", "great :-) but sad :(", "really not bad (!)", "wow ( ! )",
    "xD", "Plan: D-Day", "said: 'no'", "one\n\ntwo", "one\r\n\r\ntwo", "one\n two", "END-OF-SENTENCE",
    "Stop!!! Really?! (Yes.)", "“Quote” and \"quote\" and `quote' and ''quote''", "A. B. Smith",
    "vs. etc. i.e. St. Dr. Mrs. Ltd.", "...", "a...b", "x.... y", "$5.5bn (+3%) #1 @un",
])
def test_fast_words_equals_pattern_on_examples(text):
    assert _fast_words(text) == _pattern_words(text)


def test_fast_words_takes_the_fast_path_on_plain_news(monkeypatch):
    from stance.features import _pattern_tokenizer

    text = "Mr. Smith's “U.S.-led” talks (in May) didn't fail, e.g. in Kyiv..."
    expected = ["Mr.", "Smith", "'", "s", "“", "U.S.-led", "”", "talks", "(", "in", "May", ")",
                "did", "n", "'", "t", "fail", ",", "e.g.", "in", "Kyiv", "..."]
    assert _pattern_words(text) == expected
    monkeypatch.setattr(_pattern_tokenizer(), "slow", None)  # calling it would fail
    assert _fast_words(text) == expected


def test_fast_words_equals_pattern_on_the_corpus():
    from stance.model import default_corpus

    corpus = default_corpus().drop_duplicates(["text", "target"])
    texts = [*corpus["text"].drop_duplicates(),
             *(_window(t, g, 6) for t, g in zip(corpus["text"], corpus["target"]))]
    for text in texts:
        assert _fast_words(text) == _pattern_words(text), text


def test_fast_words_equals_pattern_on_news():
    import csv

    with shared_file("data", "wikipedia_current_events.csv").open(encoding="utf-8") as fh:
        docs = [row["text"] for _, row in zip(range(3000), csv.DictReader(fh))]
    for doc in docs:
        assert _fast_words(doc) == _pattern_words(doc), doc


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_fast_words_equals_pattern_on_arbitrary_text(text):
    assert _fast_words(text) == _pattern_words(text)


_NEWS_PIECES = [
    "Russia", "said", "the", "talks", "not", "very", "good", "Kyiv", "A", "I", "x", "o", "D", "s",
    "2008", "8", "3.5", "1,000", "$5", "5%", "-3", "+2", "#1", "@un", "U.S.", "U.N.", "e.g.",
    "i.e.", "Mr.", "Mrs.", "Dr.", "St.", "etc.", "a.m.", "Jan.", "A.", "vs.", "w/",
    "n't", "'s", "’s", "'re", "'ll", "'d", "'m", "'ve", "don't", "it's", "Russia's", "Russia’s",
    "won’t", ".", ",", ";", ":", "!", "?", "(", ")", "[", "]", "{", "}", "-", "--", "—", "/",
    "...", "..", "....", "…", '"', "'", "“", "”", "‘", "’", "`", "``", "''", ":)", ":-)", ":(",
    ":'(", ";)", "8)", "xD", "XD", "<3", "♥", "(!)", "( ! )", "o_O", "°o°", ":-/", ":\\", ">:D",
    "=)", ":P", ":-p", "END-OF-SENTENCE",
]
_NEWS_CHARS = "aDoOsSxX8o3.,;:!?()[]{}<>=-_/\\^*'\"“”‘’`@#$&+|~°♥ \n\r\t"
_SEPARATORS = ["", " ", " ", " ", "  ", "\n", "\n\n", "\r\n", "\r\n\r\n", "\t", "\u00a0"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(st.one_of(st.sampled_from(_NEWS_PIECES),
                                    st.text(alphabet=_NEWS_CHARS, max_size=4)),
                          st.sampled_from(_SEPARATORS)), max_size=25))
def test_fast_words_equals_pattern_on_news_like_text(pieces):
    text = "".join(piece + sep for piece, sep in pieces)
    assert _fast_words(text) == _pattern_words(text)


# --- FastTfidfVectorizer: the same matrix as TfidfVectorizer ----------------------------------

from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402

from stance.features import FastTfidfVectorizer, relation_text, view_text  # noqa: E402

_TOKENS = r"(?u)\b\w[\w']*\b"
_VECTORIZER_PARAMS = [
    {"analyzer": "char_wb", "ngram_range": (2, 5), "min_df": 2, "sublinear_tf": True,
     "max_features": 60_000},
    {"ngram_range": (1, 2), "min_df": 2, "sublinear_tf": True, "token_pattern": _TOKENS},
    {"ngram_range": (1, 3), "min_df": 2, "sublinear_tf": True, "token_pattern": _TOKENS},
    {"ngram_range": (2, 3), "binary": True},
    {"analyzer": "char_wb", "ngram_range": (3, 3), "norm": None, "use_idf": False},
]


@pytest.fixture(scope="module")
def corpus_views() -> list[str]:
    from stance.model import default_corpus

    c = default_corpus()
    return [view_text(t, h, g) for t, h, g in zip(c["text"], c["holder"], c["target"])]


def _identical(a, b) -> bool:
    a, b = a.tocsr(), b.tocsr()
    return (a.shape == b.shape and a.nnz == b.nnz and (a.indptr == b.indptr).all()
            and (a.indices == b.indices).all() and (a.data == b.data).all())


@pytest.mark.parametrize("params", _VECTORIZER_PARAMS)
def test_fast_tfidf_equals_tfidf_on_the_corpus(params, corpus_views):
    fit_docs = corpus_views[::2]
    new_docs = corpus_views[1::2] + [relation_text(v) for v in corpus_views[1::40]]
    fast = FastTfidfVectorizer(**params).fit(fit_docs)
    slow = TfidfVectorizer(**params).fit(fit_docs)
    assert fast.vocabulary_ == slow.vocabulary_
    assert _identical(fast.transform(new_docs), slow.transform(new_docs))
    assert _identical(fast.transform(new_docs), slow.transform(new_docs))  # warm cache


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("ab xy'\t\n\u00a0\u0130\u00df.,")),
                        max_size=30), min_size=1, max_size=6))
def test_fast_tfidf_equals_tfidf_on_arbitrary_text(docs):
    fit_docs = ["ab xy", "a'b x.y", "abab xyxy \u00df", "\u0130 ab"]
    for params in (_VECTORIZER_PARAMS[0], _VECTORIZER_PARAMS[2]):
        params = {**params, "min_df": 1}
        fast = FastTfidfVectorizer(**params).fit(fit_docs)
        slow = TfidfVectorizer(**params).fit(fit_docs)
        assert _identical(fast.transform(docs), slow.transform(docs))


def test_fast_tfidf_falls_back_where_it_has_no_fast_path():
    docs = ["Alpha beta", "beta gamma"]
    for params in ({"analyzer": "char"}, {"preprocessor": str.upper}, {"stop_words": ["beta"]},
                   {"token_pattern": r"(\w+)"}):
        fast = FastTfidfVectorizer(**params).fit(docs)
        slow = TfidfVectorizer(**params).fit(docs)
        assert _identical(fast.transform(docs), slow.transform(docs)), params
    fitted = FastTfidfVectorizer(analyzer="char_wb").fit(docs)
    with pytest.raises(ValueError, match="string object received"):
        fitted.transform("one string")
    with pytest.raises(ValueError):
        fitted.transform([np.nan])
    for vectorizer in (fitted, TfidfVectorizer(analyzer="char_wb").fit(docs)):
        with pytest.raises(ValueError, match="0 sample"):
            vectorizer.transform([])
    with pytest.raises(NotFittedError):
        FastTfidfVectorizer(analyzer="char_wb").transform(docs)


def test_fast_tfidf_is_a_clonable_estimator_and_pickles_without_its_cache(tmp_path):
    fast = FastTfidfVectorizer(analyzer="char_wb", ngram_range=(2, 3)).fit(["ab cd", "cd ef"])
    fast.transform(["ab ef"])
    assert fast.__dict__.get("_word_ngrams")
    assert clone(fast).get_params() == fast.get_params()
    joblib.dump(fast, tmp_path / "v.joblib")
    loaded = joblib.load(tmp_path / "v.joblib")
    assert "_word_ngrams" not in loaded.__dict__
    assert _identical(loaded.transform(["ab ef"]), fast.transform(["ab ef"]))


def test_cue_patient_stops_at_a_clause_boundary():
    # the deals are made between the holder and a partner, not with the target named after "amid"
    f = _cues("Britain and Japan sign defense deals amid growing concern over China.", "GBR", "CHN")
    assert f["cooperation_holder_on_target"] == 0 and f["conflict_holder_on_target"] == 1


def test_cue_patient_is_not_the_actor_an_act_turns_away_from():
    # regression: "recognition from the xtarget" made Taiwan the patient of the recognition
    text = ("Dominica shifts its recognition from the Republic of China to the "
            "People's Republic of China.")
    away = _cues(text, "DMA", "TWN")
    assert away["cooperation_holder_on_target"] == 0 and away["cooperation_holder_on_other"] == 1
    toward = _cues(text, "DMA", "CHN")
    assert toward["cooperation_holder_on_target"] == 1


def test_fast_tfidf_matrix_is_canonical_with_empty_and_repeating_texts():
    # the matrix is built as CSR from the columns row by row: empty rows, n-grams repeated within
    # a row and rows of unknown words give what TfidfVectorizer gives, sorted and summed
    fit_docs = ["xholder warned xtarget", "xtarget warned xtarget again", "talks talks talks"]
    docs = ["", "talks talks talks talks", "zzz qqq", "xtarget warned xholder warned xtarget", ""]
    for params in (_VECTORIZER_PARAMS[0], _VECTORIZER_PARAMS[3], _VECTORIZER_PARAMS[4]):
        params = {**params, "min_df": 1}
        fast = FastTfidfVectorizer(**params).fit(fit_docs).transform(docs)
        slow = TfidfVectorizer(**params).fit(fit_docs).transform(docs)
        assert _identical(fast, slow), params
        assert fast.has_canonical_format and fast.indices.dtype == slow.indices.dtype


def test_target_view_shares_the_view_cache_with_the_cue_and_structural_features():
    # with its default options TargetView asks view_text for a row's view with the key the cue
    # and structural features use, so each row's view is built once; other options still work
    rows = as_rows(ROWS)
    view_text.cache_clear()
    views = TargetView().fit(rows).transform(rows)
    CueFeatures().fit(rows).transform(rows)
    StructuralFeatures().fit(rows).transform(rows)
    assert view_text.cache_info().misses == len(rows)
    explicit = TargetView(lowercase=True, mark_others=True).fit(rows).transform(rows)
    assert views.tolist() == explicit.tolist() == [view_text(t, h, g) for t, h, g in
                                                   zip(rows["text"], rows["holder"], rows["target"])]
    kept = TargetView(lowercase=False, mark_others=False).fit(rows).transform(rows)
    assert kept[0] == "xholder condemned xtarget's invasion of Ukraine."
