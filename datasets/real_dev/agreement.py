"""Agreement between the two annotators of the real-text development set, and of each with the gold.

Reads ``annotators/{set}_1.txt`` and ``annotators/{set}_2.txt`` (the two independent passes, ids and
labels only) and ``{set}_gold.txt`` (after adjudication), and prints per set: the share of items whose
label sets are identical, Cohen's kappa on whether an item has any triple, and the F1 between the two
passes of triples (holder, target, stance), of polar triples and of (holder, target) pairs. Items either
pass skipped are left out of the triple figures.

Run from the repository root (no third-party text needed)::

    python datasets/real_dev/agreement.py
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from stance.gold import Gold, read_gold  # noqa: E402

SETS = ("news", "ungd", "general")


def _sets(gold: Gold) -> dict[str, object]:
    out: dict[str, object] = {item: frozenset() for item in gold.labelled}
    for row in gold.triples.itertuples(index=False):
        out[row.item] = out[row.item] | {(row.holder, row.target, row.stance)}
    out.update({item: "skip" for item in gold.skipped})
    return out


def _f1(a: set, b: set) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a or b else float("nan")


def _kappa(x: list[bool], y: list[bool]) -> float:
    n = len(x)
    observed = sum(p == q for p, q in zip(x, y)) / n
    px, py = sum(x) / n, sum(y) / n
    expected = px * py + (1 - px) * (1 - py)
    return (observed - expected) / (1 - expected) if expected < 1 else float("nan")


def compare(a: Gold, b: Gold) -> dict[str, float]:
    """Agreement figures of two label files over the same items."""
    sa, sb = _sets(a), _sets(b)
    if set(sa) != set(sb):
        raise ValueError(f"{a.source} and {b.source} label different items")
    items = sorted(sa)
    both = [i for i in items if sa[i] != "skip" and sb[i] != "skip"]
    triples_a = {(i, *t) for i in both for t in sa[i]}
    triples_b = {(i, *t) for i in both for t in sb[i]}
    polar = ("oppose", "support")
    return {
        "items": len(items),
        "identical": sum(sa[i] == sb[i] for i in items) / len(items),
        "kappa_any": _kappa([bool(sa[i]) for i in both], [bool(sb[i]) for i in both]),
        "triple_f1": _f1(triples_a, triples_b),
        "polar_f1": _f1({t for t in triples_a if t[3] in polar}, {t for t in triples_b if t[3] in polar}),
        "pair_f1": _f1({t[:3] for t in triples_a}, {t[:3] for t in triples_b}),
    }


def main() -> int:
    header = f"{'set':8} {'pair':16} {'items':>5} {'identical':>9} {'kappa(any)':>10} {'triple F1':>9} " \
             f"{'polar F1':>8} {'pair F1':>7}"
    print(header)
    for name in SETS:
        one = read_gold(HERE / "annotators" / f"{name}_1.txt")
        two = read_gold(HERE / "annotators" / f"{name}_2.txt")
        gold = read_gold(HERE / f"{name}_gold.txt")
        for label, (a, b) in [("1 vs 2", (one, two)), ("1 vs gold", (one, gold)), ("2 vs gold", (two, gold))]:
            r = compare(a, b)
            print(f"{name:8} {label:16} {r['items']:>5} {r['identical']:>9.3f} {r['kappa_any']:>10.3f} "
                  f"{r['triple_f1']:>9.3f} {r['polar_f1']:>8.3f} {r['pair_f1']:>7.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
