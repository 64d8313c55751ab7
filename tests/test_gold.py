"""Gold labels for real text: parsing, item-level reduction of rows, scores."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from stance.gold import errors, item_triples, key_agreement, parse_gold, read_key_table, score_items


def _rows(*records):
    return pd.DataFrame(records, columns=["doc_id", "holder", "target", "stance", "score"])


def test_parse_gold_reads_triples_none_skip_and_comments():
    gold = parse_gold([
        "# a comment line",
        "",
        "n1: USA>CHN=oppose; EU>RUS=support # sanctions, then a deal",
        "n2: none",
        "n3: skip",
    ], source="g.txt")
    assert gold.labelled == ["n1", "n2"]
    assert gold.skipped == ["n3"]
    assert gold.ids == ["n1", "n2", "n3"]
    assert gold.triples.values.tolist() == [["n1", "USA", "CHN", "oppose"], ["n1", "EU", "RUS", "support"]]


@pytest.mark.parametrize("line, problem", [
    ("n1 USA>CHN=oppose", "expected 'ID: labels'"),
    ("n1: USA>CHN=against", "is not HOLDER>TARGET"),
    ("n1: usa>CHN=oppose", "is not HOLDER>TARGET"),
    ("n1: RUS>RUS=oppose", "holder equals target"),
    ("n1: USA>CHN=oppose; USA>CHN=support", "labelled twice in item"),
    ("n1:", "expected 'ID: labels'"),
])
def test_parse_gold_errors_name_source_line_and_problem(line, problem):
    with pytest.raises(ValueError, match=rf"g\.txt, line 2: .*{problem}"):
        parse_gold(["n0: none", line], source="g.txt")


def test_parse_gold_rejects_a_repeated_item():
    with pytest.raises(ValueError, match="line 2: item 'n0' is labelled twice"):
        parse_gold(["n0: none", "n0: skip"], source="g.txt")


def test_item_triples_majority_then_nearest_mean_and_no_holder_dropped():
    rows = _rows(
        ("d1", "USA", "CHN", "oppose", -0.7), ("d1", "USA", "CHN", "oppose", -0.6),
        ("d1", "USA", "CHN", "support", 0.5),                       # majority: oppose
        ("d2", "JPN", "RUS", "oppose", -0.9), ("d2", "JPN", "RUS", "neutral", -0.3),  # tie, mean -0.6
        ("d3", "JPN", "RUS", "oppose", -0.5), ("d3", "JPN", "RUS", "neutral", 0.1),   # tie, mean -0.2
        ("d4", "", "TWN", "support", 0.8),                          # no holder: tone, not scored
    )
    got = item_triples(rows).values.tolist()
    assert got == [["d1", "USA", "CHN", "oppose"], ["d2", "JPN", "RUS", "oppose"],
                   ["d3", "JPN", "RUS", "neutral"]]


def test_score_items_counts_polar_pairs_confusion_and_skips():
    gold = parse_gold([
        "a: USA>CHN=oppose; JPN>CHN=neutral",
        "b: none",
        "c: GBR>RUS=support",
        "d: skip",
    ])
    pred = item_triples(_rows(
        ("a", "USA", "CHN", "oppose", -0.8),     # true polar
        ("a", "JPN", "CHN", "support", 0.6),     # pair right, stance wrong: false polar
        ("b", "KOR", "CHN", "oppose", -0.7),     # false polar on a 'none' item
        ("d", "FRA", "RUS", "oppose", -0.9),     # skipped item: not scored
        ("e", "FRA", "RUS", "oppose", -0.9),     # unlabelled item: not scored
    ))
    s = score_items(gold, pred)
    assert (s["polar"]["tp"], s["polar"]["fp"], s["polar"]["fn"]) == (1, 2, 1)
    assert s["polar"]["precision"] == pytest.approx(1 / 3)
    assert s["polar"]["recall"] == pytest.approx(1 / 2)
    assert (s["pairs"]["tp"], s["pairs"]["fp"], s["pairs"]["fn"]) == (2, 1, 1)
    assert s["per_target"]["CHN"]["tp"] == 1 and s["per_target"]["RUS"]["fn"] == 1
    assert s["confusion"].loc["neutral", "support"] == 1
    assert s["confusion"].loc["oppose", "oppose"] == 1
    assert s["confusion"].to_numpy().sum() == 2
    assert s["n_items"] == 3
    assert s["false_polar_per_1000"] == pytest.approx(1000 * 2 / 3)
    only_usa = score_items(gold, pred, holders={"USA"})
    assert (only_usa["polar"]["tp"], only_usa["polar"]["fp"], only_usa["polar"]["fn"]) == (1, 0, 0)


def test_score_items_with_nothing_to_score_gives_nan_not_an_error():
    s = score_items(parse_gold(["a: none"]), item_triples(_rows()))
    assert math.isnan(s["polar"]["precision"]) and s["polar"]["fp"] == 0
    assert s["false_polar_per_1000"] == 0


def test_errors_lists_false_missed_and_stance_errors():
    gold = parse_gold(["a: USA>CHN=oppose; JPN>CHN=neutral; GBR>RUS=support"])
    pred = item_triples(_rows(
        ("a", "USA", "CHN", "oppose", -0.8), ("a", "JPN", "CHN", "support", 0.6),
        ("a", "KOR", "CHN", "oppose", -0.6),
    ))
    got = errors(gold, pred)[["holder", "gold", "predicted", "kind"]].values.tolist()
    assert got == [["GBR", "support", "", "missed"], ["JPN", "neutral", "support", "stance"],
                   ["KOR", "", "oppose", "false"]]


_triple = st.tuples(st.sampled_from(["a", "b", "c"]), st.sampled_from(["USA", "JPN", "EU"]),
                    st.sampled_from(["CHN", "RUS", "TWN"]), st.sampled_from(["oppose", "neutral", "support"]))


@given(st.lists(_triple, max_size=12, unique_by=lambda t: t[:3]),
       st.lists(_triple, max_size=12, unique_by=lambda t: t[:3]))
def test_scores_are_bounded_and_perfect_on_themselves(gold_triples, pred_triples):
    def lines(triples):
        by_item = {i: [] for i in "abc"}
        for item, holder, target, stance in triples:
            by_item[item].append(f"{holder}>{target}={stance}")
        return [f"{i}: {'; '.join(v) or 'none'}" for i, v in by_item.items()]

    gold = parse_gold(lines(gold_triples))
    pred = pd.DataFrame(pred_triples, columns=["item", "holder", "target", "stance"])
    s = score_items(gold, pred)
    for block in (s["polar"], s["pairs"]):
        for key in ("precision", "recall", "f1"):
            assert math.isnan(block[key]) or 0 <= block[key] <= 1
    assert s["confusion"].to_numpy().sum() <= len(gold.triples)
    self_score = score_items(gold, gold.triples)
    assert self_score["polar"]["fp"] == self_score["polar"]["fn"] == 0
    assert self_score["pairs"]["fp"] == self_score["pairs"]["fn"] == 0
    assert len(errors(gold, gold.triples)) == 0


# ---------------------------------------------------------------------------------------------
# The bundled sample's answer key (datasets/sample_articles_key.md)
# ---------------------------------------------------------------------------------------------

KEY = Path(__file__).resolve().parents[1] / "datasets" / "sample_articles_key.md"
SAMPLE = KEY.with_name("sample_articles.csv")


def test_read_key_table_reads_lists_of_holders_emphasis_and_no_rows(tmp_path):
    path = tmp_path / "key.md"
    path.write_text("| id | date | kind | main rows | no row |\n|---|---|---|---|---|\n"
                    "| a1 | 2020-01-01 | news | USA, GBR→CHN oppose (tariffs); **CHN→RUS support** | x |\n"
                    "| a2 | 2020-01-02 | news | — (no stance) | weather |\n"
                    "| a3 | 2020-01-03 | stmt | IND→RUS neutral; IND→RUS support | — |\n", encoding="utf-8")
    assert read_key_table(path).values.tolist() == [
        ["a1", "USA", "CHN", "oppose"], ["a1", "GBR", "CHN", "oppose"], ["a1", "CHN", "RUS", "support"],
        ["a3", "IND", "RUS", "neutral"], ["a3", "IND", "RUS", "support"]]
    path.write_text("| a4 | 2020-01-04 | news | USA opposes CHN |  |\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"key\.md, line 1: 'USA opposes CHN' is not 'HOLDER"):
        read_key_table(path)


def test_key_agreement_takes_the_first_polar_label_and_names_each_outcome():
    key = pd.DataFrame([("a", "IND", "RUS", "neutral"), ("a", "IND", "RUS", "support"),
                        ("a", "USA", "CHN", "oppose"), ("b", "GBR", "CHN", "oppose"),
                        ("b", "JPN", "CHN", "oppose"), ("b", "FRA", "CHN", "neutral")],
                       columns=["item", "holder", "target", "stance"])
    pred = pd.DataFrame([("a", "IND", "RUS", "support"), ("a", "USA", "CHN", "support"),
                         ("b", "GBR", "CHN", "neutral"), ("b", "FRA", "CHN", "oppose")],
                        columns=["item", "holder", "target", "stance"])
    got = key_agreement(key, pred)
    assert got[["holder", "outcome"]].values.tolist() == [
        ["IND", "agree"], ["USA", "opposite"], ["GBR", "neutral"], ["JPN", "missed"]]


def test_the_sample_key_covers_every_sample_item():
    key = read_key_table(KEY)
    ids = pd.read_csv(SAMPLE)["id"].tolist()
    assert set(key["item"]) <= set(ids)
    # the three items the key gives no stance: a sports report, the Olympics, chip exports
    assert sorted(set(ids) - set(key["item"])) == ["s009", "s020", "s040"]
    assert (key["stance"].isin(["oppose", "support"])).sum() >= 85


@pytest.fixture(scope="module")
def sample_outcomes():
    import stance

    rows = stance.analyze(pd.read_csv(SAMPLE), id_col="id", date_col="date", speaker_col="speaker",
                          source_col="source")
    return key_agreement(read_key_table(KEY), item_triples(rows)).set_index(["item", "holder"])


def test_the_sample_agrees_with_its_key_no_worse_than_measured(sample_outcomes):
    # measured on this code with benchmarks/bench_sample.py: 64 of 85 agree, 1 opposite sign
    outcome = sample_outcomes["outcome"]
    assert (outcome == "agree").mean() >= 0.75
    assert (outcome == "opposite").sum() <= 1
    # pairs that hold: the switches of recognition, the Crimea-era expulsions, and concern about
    # the target's military cooperation (read as support before the nested acts of stance.cues)
    for item, holder in [("s015", "SLB"), ("s031", "HND"), ("s012", "GBR"), ("s024", "DEU"),
                         ("s037", "USA")]:
        assert (outcome.loc[[(item, holder)]] == "agree").all(), (item, holder)


@pytest.mark.xfail(strict=True, reason="issue #23 asks for 90% agreement and no opposite sign; "
                                       "bench_sample.py measures 64 of 85 (0.753) and 1 opposite")
def test_the_sample_agrees_with_its_key_as_issue_23_asks(sample_outcomes):
    outcome = sample_outcomes["outcome"]
    assert (outcome == "agree").mean() >= 0.90 and (outcome == "opposite").sum() == 0
