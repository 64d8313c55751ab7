"""The bundled sample against its answer key: agreement on the key's polar pairs.

Runs ``stance.analyze`` with the default model over ``datasets/sample_articles.csv`` (42 short texts
written for the project) and compares each item's stance for a pair (the most frequent stance of its
rows, :func:`stance.gold.item_triples`) with ``datasets/sample_articles_key.md`` on every pair the key
gives as oppose or support (:func:`stance.gold.key_agreement`). Prints the shares that agree, come out
neutral, have the opposite sign or are missed, and lists every pair that does not agree.

Run from the repository root::

    python benchmarks/bench_sample.py
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

import stance
from stance.gold import item_triples, key_agreement, read_key_table

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    docs = pd.read_csv(ROOT / "datasets" / "sample_articles.csv")
    rows = stance.analyze(docs, id_col="id", date_col="date", speaker_col="speaker",
                          source_col="source")
    outcomes = key_agreement(read_key_table(ROOT / "datasets" / "sample_articles_key.md"),
                             item_triples(rows))
    counts = outcomes["outcome"].value_counts()
    n = len(outcomes)
    print(f"stance {stance.__version__}, default model; the sample's {n} polar pairs of the key")
    for outcome in ("agree", "neutral", "opposite", "missed"):
        k = int(counts.get(outcome, 0))
        print(f"  {outcome:<9}{k:>3}  ({k / n:.3f})")
    wrong = outcomes[outcomes["outcome"] != "agree"]
    if len(wrong):
        print("\npairs that do not agree:")
        print(wrong.to_string(index=False))


if __name__ == "__main__":
    main()
