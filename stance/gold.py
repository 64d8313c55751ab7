"""Item-level gold labels for real text, and how the pipeline's rows are scored against them.

A gold file holds one line per item (a news item, a speech sentence, an article)::

    ID: HOLDER>TARGET=stance; HOLDER>TARGET=stance   # optional comment
    ID: none                                          # no actor takes a position toward a target
    ID: skip                                          # genuinely ambiguous: left out of every score

``analyze`` gives one row per (sentence, holder, target); an item's prediction for a (holder, target)
pair is the most frequent stance of the item's rows for that pair, ties broken by the mean score
(the tied label nearest to it, oppose = -1, neutral = 0, support = 1). Rows without a holder are the
tone of the coverage, not a position, and are not scored.

Scores (:func:`score_items`): precision, recall and F1 of the *polar* triples (holder, target,
oppose/support) per item, the F1 of (holder, target) pairs whatever their stance, per-target polar F1,
and the confusion of stance on the pairs found in both.

Examples
--------
>>> import pandas as pd
>>> gold = parse_gold(["a1: JPN>RUS=oppose; CHN>RUS=neutral", "a2: none", "a3: skip"])
>>> gold.labelled
['a1', 'a2']
>>> rows = pd.DataFrame({"doc_id": ["a1", "a1", "a2"], "holder": ["JPN", "JPN", "USA"],
...                      "target": ["RUS", "RUS", "CHN"], "stance": ["oppose", "neutral", "support"],
...                      "score": [-0.9, -0.3, 0.5]})
>>> pred = item_triples(rows)
>>> sorted(pred.itertuples(index=False, name=None))
[('a1', 'JPN', 'RUS', 'oppose'), ('a2', 'USA', 'CHN', 'support')]
>>> s = score_items(gold, pred)
>>> round(s["polar"]["precision"], 2), round(s["polar"]["recall"], 2), s["polar"]["fp"]
(0.5, 1.0, 1)
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

STANCES = ("oppose", "neutral", "support")
POLAR = ("oppose", "support")
_VALUE = {"oppose": -1.0, "neutral": 0.0, "support": 1.0}
_TRIPLE = re.compile(r"^([A-Z][A-Z0-9]{1,7})>([A-Z]{3})=(oppose|neutral|support)$")


@dataclass
class Gold:
    """Parsed gold labels: the triples of every labelled item, and which items were skipped.

    Attributes
    ----------
    triples : pandas.DataFrame
        Columns ``item``, ``holder``, ``target``, ``stance``: one row per labelled triple.
    labelled : list of str
        Every item that is scored (items with triples and items labelled ``none``), in file order.
    skipped : list of str
        Items labelled ``skip``.
    source : str
        Where the labels came from (a path), for error messages.
    """

    triples: pd.DataFrame
    labelled: list[str]
    skipped: list[str] = field(default_factory=list)
    source: str = "<lines>"

    @property
    def ids(self) -> list[str]:
        """Every item of the file, labelled or skipped."""
        return self.labelled + self.skipped


def parse_gold(lines: Iterable[str], source: str = "<lines>") -> Gold:
    """Parse gold label lines; raise ``ValueError`` naming the source, line (1-based) and problem.

    Blank lines and lines starting with ``#`` are ignored; text after `` # `` is a comment. A holder
    equal to its target, an unknown stance, a repeated (holder, target) pair within an item, or a
    repeated item id is an error.

    Examples
    --------
    >>> parse_gold(["x: USA>CHN=oppose # tariffs"]).triples.values.tolist()
    [['x', 'USA', 'CHN', 'oppose']]
    >>> parse_gold(["x: CHN>CHN=oppose"])
    Traceback (most recent call last):
    ...
    ValueError: <lines>, line 1: holder equals target in 'CHN>CHN=oppose'
    """
    records: list[tuple[str, str, str, str]] = []
    labelled: list[str] = []
    skipped: list[str] = []
    seen: set[str] = set()
    for number, raw in enumerate(lines, start=1):
        line = raw.split(" # ", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        where = f"{source}, line {number}"
        item, sep, body = line.partition(":")
        item, body = item.strip(), body.strip()
        if not sep or not item or not body:
            raise ValueError(f"{where}: expected 'ID: labels', got {line[:80]!r}")
        if item in seen:
            raise ValueError(f"{where}: item {item!r} is labelled twice")
        seen.add(item)
        if body == "skip":
            skipped.append(item)
            continue
        labelled.append(item)
        if body == "none":
            continue
        pairs: set[tuple[str, str]] = set()
        for part in body.split(";"):
            part = part.strip()
            match = _TRIPLE.match(part)
            if not match:
                raise ValueError(f"{where}: {part!r} is not HOLDER>TARGET=oppose|neutral|support")
            holder, target, stance = match.groups()
            if holder == target:
                raise ValueError(f"{where}: holder equals target in {part!r}")
            if (holder, target) in pairs:
                raise ValueError(f"{where}: the pair {holder}>{target} is labelled twice in item {item!r}")
            pairs.add((holder, target))
            records.append((item, holder, target, stance))
    triples = pd.DataFrame(records, columns=["item", "holder", "target", "stance"])
    return Gold(triples=triples, labelled=labelled, skipped=skipped, source=source)


def read_gold(path: str | os.PathLike[str]) -> Gold:
    """Read a gold label file (UTF-8); see :func:`parse_gold`."""
    path = Path(path)
    with path.open(encoding="utf-8") as fh:
        return parse_gold(fh, source=str(path))


def item_triples(rows: pd.DataFrame, item_col: str = "doc_id") -> pd.DataFrame:
    """Reduce ``analyze`` rows to one (item, holder, target, stance) per pair.

    The stance is the most frequent one of the item's rows for the pair; a tie goes to the tied
    label nearest the rows' mean score (oppose -1, neutral 0, support 1). Rows with no holder are
    dropped.

    Examples
    --------
    >>> rows = pd.DataFrame({"doc_id": ["d"] * 2, "holder": ["USA"] * 2, "target": ["CHN"] * 2,
    ...                      "stance": ["oppose", "neutral"], "score": [-0.9, -0.3]})
    >>> item_triples(rows).values.tolist()
    [['d', 'USA', 'CHN', 'oppose']]
    """
    columns = ["item", "holder", "target", "stance"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    held = rows[rows["holder"].fillna("").astype(str) != ""]
    out: list[tuple[str, str, str, str]] = []
    for (item, holder, target), group in held.groupby([item_col, "holder", "target"], sort=True):
        counts = group["stance"].value_counts()
        tied = [label for label in STANCES if counts.get(label, 0) == counts.max()]
        if len(tied) > 1:
            mean = float(group["score"].mean())
            tied.sort(key=lambda label: (abs(_VALUE[label] - mean), STANCES.index(label)))
        out.append((str(item), str(holder), str(target), tied[0]))
    return pd.DataFrame(out, columns=columns)


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    precision = tp / (tp + fp) if tp + fp else float("nan")
    recall = tp / (tp + fn) if tp + fn else float("nan")
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else float("nan")
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn}


def score_items(gold: Gold, pred: pd.DataFrame, holders: Iterable[str] | None = None) -> dict[str, Any]:
    """Score item-level predicted triples against gold labels.

    Only items in ``gold.labelled`` count (skipped items and items without labels are dropped from
    both sides). ``holders``, when given, keeps only triples whose holder is in it on both sides (for
    example countries only).

    Returns a dict: ``polar`` (precision, recall, F1, tp, fp, fn of oppose/support triples),
    ``pairs`` (the same over (holder, target) pairs of any stance), ``per_target`` (polar scores per
    target), ``confusion`` (a gold x predicted DataFrame of stance on the pairs in both),
    ``n_items``, ``false_polar_per_1000`` (false polar triples per 1,000 items).
    """
    keep = set(gold.labelled)
    g = gold.triples[gold.triples["item"].isin(keep)]
    p = pred[pred["item"].astype(str).isin(keep)]
    if holders is not None:
        allowed = set(holders)
        g, p = g[g["holder"].isin(allowed)], p[p["holder"].isin(allowed)]
    key = ["item", "holder", "target"]
    g_polar = set(map(tuple, g[g["stance"].isin(POLAR)][[*key, "stance"]].values.tolist()))
    p_polar = set(map(tuple, p[p["stance"].isin(POLAR)][[*key, "stance"]].values.tolist()))
    polar = _prf(len(g_polar & p_polar), len(p_polar - g_polar), len(g_polar - p_polar))
    g_pairs = set(map(tuple, g[key].values.tolist()))
    p_pairs = set(map(tuple, p[key].values.tolist()))
    pairs = _prf(len(g_pairs & p_pairs), len(p_pairs - g_pairs), len(g_pairs - p_pairs))
    per_target = {}
    for target in sorted({t[2] for t in g_polar | p_polar}):
        gt = {t for t in g_polar if t[2] == target}
        pt = {t for t in p_polar if t[2] == target}
        per_target[target] = _prf(len(gt & pt), len(pt - gt), len(gt - pt))
    both = g.merge(p, on=key, suffixes=("_gold", "_pred"))
    confusion = pd.crosstab(
        pd.Categorical(both["stance_gold"], categories=STANCES),
        pd.Categorical(both["stance_pred"], categories=STANCES),
        rownames=["gold"], colnames=["predicted"], dropna=False,
    )
    n_items = len(keep)
    return {
        "polar": polar,
        "pairs": pairs,
        "per_target": per_target,
        "confusion": confusion,
        "n_items": n_items,
        "false_polar_per_1000": 1000 * polar["fp"] / n_items if n_items else float("nan"),
    }


def errors(gold: Gold, pred: pd.DataFrame) -> pd.DataFrame:
    """Every false, missed and mis-labelled triple, one row each, for reading.

    Columns ``item``, ``holder``, ``target``, ``gold`` (stance or empty), ``predicted`` (stance or
    empty) and ``kind``: ``false`` (a predicted pair not in gold), ``missed`` (a gold pair not
    predicted), ``stance`` (the pair in both, another stance). Neutral-only disagreements (a neutral
    pair found on one side only) are kept too, so that holder errors can be read whatever the stance.
    """
    keep = set(gold.labelled)
    g = gold.triples[gold.triples["item"].isin(keep)]
    p = pred[pred["item"].astype(str).isin(keep)]
    both = g.merge(p, on=["item", "holder", "target"], how="outer", suffixes=("_gold", "_pred"))
    both = both.rename(columns={"stance_gold": "gold", "stance_pred": "predicted"}).fillna("")
    both["kind"] = np.select(
        [both["gold"] == "", both["predicted"] == "", both["gold"] != both["predicted"]],
        ["false", "missed", "stance"], default="",
    )
    return both[both["kind"] != ""].sort_values(["item", "holder", "target"]).reset_index(drop=True)


_KEY_ROW = re.compile(r"^\|\s*([A-Za-z0-9_.-]+)\s*\|[^|]*\|[^|]*\|([^|]*)\|")
_KEY_PART = re.compile(r"^\s*([A-Z][A-Z0-9]{1,7}(?:\s*,\s*[A-Z][A-Z0-9]{1,7})*)\s*→\s*([A-Z]{3}):?\s+"
                       r"(oppose|neutral|support)\b")


def read_key_table(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read an answer key written as a Markdown table (``datasets/sample_articles_key.md``).

    Each table row is ``| id | date | kind | main rows | deliberately no row |``; the main rows
    read ``HOLDER[, HOLDER ...]→TARGET stance (note)``, separated by ``;``, with ``**`` emphasis
    allowed and "—" for none. A pair may have two labels (a country that supports a target's
    plan and stays neutral on its war); both are kept, in the key's order.

    Parameters
    ----------
    path : path-like
        The Markdown file.

    Returns
    -------
    DataFrame
        Columns ``item``, ``holder``, ``target``, ``stance``, one row per labelled triple.

    Raises
    ------
    ValueError
        If a part of a main-rows cell is not ``HOLDERS→TARGET stance``, naming the file and line.

    Examples
    --------
    >>> key = read_key_table("datasets/sample_articles_key.md")
    >>> key[key["item"] == "s002"].values.tolist()
    [['s002', 'UKR', 'RUS', 'oppose']]
    """
    records: list[tuple[str, str, str, str]] = []
    with Path(path).open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            match = _KEY_ROW.match(line)
            if not match or match.group(1) == "id" or not match.group(1).strip("-"):
                continue
            item, cell = match.group(1), match.group(2).replace("**", "").strip()
            if cell.startswith("—"):
                continue
            for part in cell.split(";"):
                triple = _KEY_PART.match(part)
                if not triple:
                    raise ValueError(f"{path}, line {number}: {part.strip()!r} is not "
                                     "'HOLDER[, HOLDER ...]→TARGET oppose|neutral|support'")
                holders, target, stance = triple.groups()
                records += [(item, h.strip(), target, stance) for h in holders.split(",")]
    return pd.DataFrame(records, columns=["item", "holder", "target", "stance"])


def key_agreement(key: pd.DataFrame, pred: pd.DataFrame) -> pd.DataFrame:
    """Compare item-level predictions with an answer key on the key's polar pairs.

    A pair is polar when the key gives it oppose or support (its first polar label when it also
    gives neutral). The prediction agrees when the item's stance for the pair
    (:func:`item_triples`) is that label, and has the opposite sign when it is the other polar
    label; a pair with no rows is missed.

    Parameters
    ----------
    key : DataFrame
        As :func:`read_key_table` returns.
    pred : DataFrame
        As :func:`item_triples` returns.

    Returns
    -------
    DataFrame
        One row per polar pair of the key: ``item``, ``holder``, ``target``, ``key`` (the label),
        ``predicted`` (the label, or "" when missed) and ``outcome`` ("agree", "opposite",
        "neutral" or "missed").

    Examples
    --------
    >>> key = pd.DataFrame([("a", "UKR", "RUS", "oppose"), ("a", "CHN", "RUS", "neutral")],
    ...                    columns=["item", "holder", "target", "stance"])
    >>> pred = pd.DataFrame([("a", "UKR", "RUS", "support")],
    ...                     columns=["item", "holder", "target", "stance"])
    >>> key_agreement(key, pred)["outcome"].tolist()
    ['opposite']
    """
    polar = key[key["stance"].isin(POLAR)].drop_duplicates(["item", "holder", "target"])
    found = {(i, h, t): s for i, h, t, s in pred[["item", "holder", "target", "stance"]]
             .itertuples(index=False, name=None)}
    out = []
    for item, holder, target, label in polar.itertuples(index=False, name=None):
        got = found.get((item, holder, target), "")
        outcome = ("missed" if not got else "agree" if got == label else
                   "neutral" if got == "neutral" else "opposite")
        out.append((item, holder, target, label, got, outcome))
    return pd.DataFrame(out, columns=["item", "holder", "target", "key", "predicted", "outcome"])
