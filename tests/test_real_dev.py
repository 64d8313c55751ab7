"""The real-text development set: label files parse, ids are ``dev`` rows, the sampling reproduces.

Labels are kept as ids and labels only (``datasets/real_dev/``); the text is third-party and lives in
``../shared/data``, so the checks that need it skip cleanly when it is absent.
"""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import pandas as pd
import pytest
from conftest import shared_file

from stance.gold import read_gold

REAL = Path(__file__).resolve().parents[1] / "datasets" / "real_dev"
FILES = {"news": "wikipedia_current_events.csv", "ungd": "un_general_debate.csv",
         "general": "general_news.csv"}
MIN_ITEMS = {"news": 600, "ungd": 400, "general": 600}
HISTORICAL = {"DDR", "YUG", "CSK", "YMD"}


def _module(name: str):
    spec = importlib.util.spec_from_file_location(f"real_dev_{name}", REAL / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _codes() -> set[str]:
    from importlib import resources

    with resources.files("stance").joinpath("data/actors.tsv").open(encoding="utf-8") as fh:
        return {row["code"] for row in csv.DictReader(fh, delimiter="\t")} | HISTORICAL


@pytest.mark.parametrize("name", sorted(FILES))
def test_gold_files_parse_with_sizes_known_codes_and_few_skips(name):
    gold = read_gold(REAL / f"{name}_gold.txt")
    assert len(gold.ids) >= MIN_ITEMS[name]
    assert len(gold.skipped) < 0.05 * len(gold.ids)
    assert set(gold.triples["target"]) <= {"CHN", "RUS", "TWN"}
    assert set(gold.triples["holder"]) <= _codes()
    for who in ("1", "2"):
        passes = read_gold(REAL / "annotators" / f"{name}_{who}.txt")
        assert sorted(passes.ids) == sorted(gold.ids)


def test_adjudication_covers_every_disagreement_and_only_it_changes_labels():
    agreement = _module("agreement")
    rows = list(csv.DictReader((REAL / "adjudication.tsv").open(encoding="utf-8"), delimiter="\t"))
    for name in FILES:
        one = agreement._sets(read_gold(REAL / "annotators" / f"{name}_1.txt"))
        two = agreement._sets(read_gold(REAL / "annotators" / f"{name}_2.txt"))
        gold = agreement._sets(read_gold(REAL / f"{name}_gold.txt"))
        disputed = {i for i in one if one[i] != two[i]}
        adjudicated = {r["item"] for r in rows if r["set"] == name}
        assert disputed <= adjudicated
        assert all(gold[i] == one[i] for i in one if i not in adjudicated)
        assert all(r["reason"].strip() for r in rows)


def test_agreement_compare_is_symmetric_and_perfect_on_itself():
    agreement = _module("agreement")
    gold = read_gold(REAL / "ungd_gold.txt")
    one = read_gold(REAL / "annotators" / "ungd_1.txt")
    same = agreement.compare(gold, gold)
    assert same["identical"] == same["triple_f1"] == same["pair_f1"] == 1.0
    ab, ba = agreement.compare(gold, one), agreement.compare(one, gold)
    assert ab == pytest.approx(ba)
    assert ab["triple_f1"] < 1.0


def test_external_check_files_are_well_formed():
    codes = _codes()
    votes = pd.read_csv(REAL / "unga_68_262_votes.tsv", sep="\t", dtype=str, keep_default_na=False)
    assert votes["code"].is_unique and set(votes["code"]) <= codes
    counts = votes["vote"].value_counts().to_dict()
    # A/RES/68/262: 100 yes, 11 no, 58 abstentions, 24 absent; the two Congos are left unresolved.
    assert counts == {"yes": 99, "abstain": 58, "absent": 23, "no": 11, "unresolved": 2}
    assert votes.set_index("code").loc[["RUS", "UKR", "CHN"], "vote"].tolist() == ["no", "yes", "abstain"]
    recognition = pd.read_csv(REAL / "taipei_recognition.tsv", sep="\t", dtype=str, keep_default_na=False)
    assert set(recognition["code"]) <= codes
    for row in recognition.itertuples():
        assert row.end == "" or row.start < row.end, row
    for code, group in recognition.groupby("code"):
        periods = sorted(zip(group["start"], group["end"]))
        assert all(a_end and a_end <= b_start for (_, a_end), (b_start, _) in zip(periods, periods[1:])), code


@pytest.mark.parametrize("name", sorted(FILES))
def test_every_labelled_id_is_a_dev_row_of_its_file(name):
    frame = pd.read_csv(shared_file("data", FILES[name]), dtype=str, keep_default_na=False,
                        usecols=["id", "split"]).set_index("id")["split"]
    ids = read_gold(REAL / f"{name}_gold.txt").ids
    missing = [i for i in ids if i not in frame.index]
    assert not missing
    assert set(frame[ids]) == {"dev"}


def test_sampling_reproduces_the_labelled_ids():
    shared = shared_file("data", "wikipedia_current_events.csv").parent
    drawn = _module("sample").draw(shared)
    assert sorted(drawn["news"]) == sorted(read_gold(REAL / "news_gold.txt").ids)
    assert sorted(drawn["ungd"]) == sorted(read_gold(REAL / "ungd_gold.txt").ids)
    general = sorted(drawn["general_named"] + drawn["general_none"])
    assert general == sorted(read_gold(REAL / "general_gold.txt").ids)
    news = pd.read_csv(shared / "wikipedia_current_events.csv", dtype=str, keep_default_na=False)
    news = news.set_index("id")
    with_others = (news.loc[drawn["news"], "other_countries"] != "").sum()
    assert with_others == len(drawn["news"]) // 2
    ungd = pd.read_csv(shared / "un_general_debate.csv", dtype=str, keep_default_na=False).set_index("id")
    decades = ungd.loc[drawn["ungd"], "year"].str[:3].value_counts()
    assert len(decades) == 9 and decades.min() == decades.max()
