"""The corpus grid: how the bundled corpus covers event type x direction x form x cue, per split.

Sentences written since the event grid was planned (issue 21) carry four columns: ``event`` (one of
the 15 PLOVER event types), ``direction`` (``holder_acts``, ``target_acts``, ``third_party``,
``victim_place``), ``form`` (``wire``, ``digest``, ``caps``, ``speech``, ``ministry``) and ``cue``
(``plain``, ``negation``, ``modality``, ``refusal``, ``balance``). This script prints, for each event
type, the sentences per split, the labels of its rows, and the grid cells that lack a train or a
test sentence; ``tests/test_corpus.py`` checks that none does.

With ``--audit`` it also prints the label audit: a blind second annotation of a random sample of
each event type's sentences (``datasets/grid_audit.csv``: sentence ids and the second annotator's
rows), compared with the corpus per event type.

Run from the repository root::

    python datasets/grid.py [--audit]
"""

from __future__ import annotations

import sys
from itertools import product

EVENTS = ("AGREE", "CONSULT", "SUPPORT", "COOPERATE", "AID", "YIELD", "REQUEST", "ACCUSE", "REJECT",
          "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT")
DIRECTIONS = ("holder_acts", "target_acts", "third_party", "victim_place")
FORMS = ("wire", "digest", "caps", "speech", "ministry")
CUES = ("plain", "negation", "modality", "refusal", "balance")
GRID = ("event", "direction", "form", "cue")


def cells():
    """Every cell of the grid, as (event, direction, form, cue)."""
    return list(product(EVENTS, DIRECTIONS, FORMS, CUES))


def coverage(corpus):
    """Sentences per grid cell and split: a DataFrame indexed by the cell, columns train and test."""
    import pandas as pd

    sentences = corpus[corpus["event"] != ""].drop_duplicates("sentence_id")
    counts = sentences.groupby([*GRID, "split"]).size().unstack("split", fill_value=0)
    index = pd.MultiIndex.from_tuples(cells(), names=list(GRID))
    return counts.reindex(index, fill_value=0).reindex(columns=["train", "test"], fill_value=0)


def audit(corpus, path=None):
    """Agreement of the blind second annotation with the corpus, per event type.

    Returns a DataFrame: sentences audited, sentences whose rows are identical, stance agreement on
    the (holder, target) pairs both give, and the polar-triple F1 between the two annotations.
    """
    from pathlib import Path

    import pandas as pd

    path = Path(__file__).with_name("grid_audit.csv") if path is None else path
    second = pd.read_csv(path, dtype=str, keep_default_na=False)
    first = corpus[corpus["sentence_id"].isin(set(second["sentence_id"]))]
    event = dict(zip(first["sentence_id"], first["event"]))
    records = []
    for sid, rows in second.groupby("sentence_id"):
        a = {(h, t): s for h, t, s in zip(rows["holder"], rows["target"], rows["stance"])}
        mine = first[first["sentence_id"] == sid]
        b = {(h, t): s for h, t, s in zip(mine["holder"], mine["target"], mine["stance"])}
        both = set(a) & set(b)
        polar_a = {(k, v) for k, v in a.items() if v != "neutral"}
        polar_b = {(k, v) for k, v in b.items() if v != "neutral"}
        records.append({"event": event[sid], "identical": a == b, "pairs": len(both),
                        "agree": sum(a[k] == b[k] for k in both), "polar_both": len(polar_a & polar_b),
                        "polar_sum": len(polar_a) + len(polar_b)})
    frame = pd.DataFrame(records)
    table = frame.groupby("event").agg(sentences=("identical", "size"), identical=("identical", "sum"),
                                       pairs=("pairs", "sum"), agree=("agree", "sum"),
                                       polar_both=("polar_both", "sum"), polar_sum=("polar_sum", "sum"))
    table.loc["all"] = table.sum()
    table["stance_agreement"] = (table["agree"] / table["pairs"]).round(3)
    table["polar_f1"] = (2 * table["polar_both"] / table["polar_sum"]).round(3)
    order = [e for e in EVENTS if e in table.index] + ["all"]
    return table.loc[order, ["sentences", "identical", "pairs", "agree", "stance_agreement", "polar_f1"]]


def main() -> int:
    from stance.model import default_corpus

    corpus = default_corpus()
    grid = coverage(corpus)
    gridded = corpus[corpus["event"] != ""]
    print(f"corpus: {corpus['sentence_id'].nunique()} sentences, {len(corpus)} rows; in the event grid: "
          f"{gridded['sentence_id'].nunique()} sentences, {len(gridded)} rows; "
          f"{len(grid)} cells")
    print(f"\n{'event':10s} {'train':>6s} {'test':>5s} {'oppose':>7s} {'neutral':>8s} {'support':>8s} "
          f"{'cells without train/test':>25s}")
    for event in EVENTS:
        part = grid.loc[event]
        rows = gridded[gridded["event"] == event]
        labels = rows["stance"].value_counts()
        lacking = int(((part["train"] == 0) | (part["test"] == 0)).sum())
        print(f"{event:10s} {part['train'].sum():6d} {part['test'].sum():5d} {labels.get('oppose', 0):7d} "
              f"{labels.get('neutral', 0):8d} {labels.get('support', 0):8d} {lacking:25d}")
    for name, values in (("direction", DIRECTIONS), ("form", FORMS), ("cue", CUES)):
        sizes = gridded.drop_duplicates("sentence_id")[name].value_counts()
        print(f"\nby {name}: " + ", ".join(f"{v} {sizes.get(v, 0)}" for v in values))
    empty = grid[(grid["train"] == 0) | (grid["test"] == 0)]
    print(f"\ncells lacking a train or a test sentence: {len(empty)}")
    for cell in empty.index[:20]:
        print("  ", "/".join(cell), dict(empty.loc[cell]))
    if "--audit" in sys.argv[1:]:
        print("\nblind second annotation (datasets/grid_audit.csv) against the corpus:")
        print(audit(corpus).to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
