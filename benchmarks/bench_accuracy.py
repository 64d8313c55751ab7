"""Accuracy on real text: the labelled development set and two checks against public records.

Runs the default model (``stance.load_model()``) over the ``dev`` items labelled in
``datasets/real_dev/`` (ids and labels only; the text is read from ``../shared/data``) and prints, in
one run:

- news items (``news_gold.txt``) and UN General Debate sentences with their speaker
  (``ungd_gold.txt``): polar triple precision, recall and F1 at item level, (holder, target) pair F1,
  polar F1 per target, and the confusion of stance on the pairs found in both; for all holders
  (countries and organisations) and for countries only;
- general news (``general_gold.txt``): the same, and false polar triples per 1,000 items, separately
  for items that name a target and items that do not;
- the AUC of each speaker's mean stance score toward TWN in its UN speeches against whether it
  recognised Taipei that year (``taipei_recognition.tsv``; even years 1994-2020, all ``dev``), and toward
  RUS in 2014 speeches against its vote on General Assembly resolution 68/262
  (``unga_68_262_votes.tsv``);
- the written test split's macro-F1 (a model trained on the bundled train split), for comparison.

``--errors FILE`` writes every false, missed and mis-labelled triple with the item's text (CSV), for
reading; the file holds third-party text, so keep it outside the repository. Without ``../shared``
the script prints one line saying so and exits 0.

Run from the repository root::

    python benchmarks/bench_accuracy.py [--errors /tmp/errors.csv] [--no-written]
        [--events] [--grid-weight W] [--C VALUE] [--learner logistic|svm] [--model PATH]

``--events``, ``--grid-weight``, ``--C`` and ``--learner`` train a model for an ablation instead of
using the default model: with the directed-event features, with the event-grid sentences of the
corpus at weight W (the default model leaves them out), or with another ``C`` or learner; the
written split is then scored by a model trained the same way on the train split. ``--model PATH``
evaluates a saved model.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
REAL = ROOT / "datasets" / "real_dev"
#: Approximate dates of the general news collections (no per-item date is given): Reuters-21578 is
#: 1987 newswire, the BBC News dataset 2004-2005. Leaders are read as in office on these dates.
GENERAL_DATES = {"reuter": "1987-06-01", "bbc": "2005-01-01"}
#: The day of the General Debate on which recognition is read (the debate opens in the second half of
#: September; no switch in a checked year falls between 1 September and mid-October).
DEBATE_DAY = (9, 20)


def _read(name: str):
    import pandas as pd

    frame = pd.read_csv(SHARED / name, dtype=str, keep_default_na=False)
    return frame[frame["split"] == "dev"]


def _sampling():
    """``datasets/real_dev/sample.py``, which defines how the sets were drawn."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("real_dev_sample", REAL / "sample.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _fmt(x: float) -> str:
    return "  n/a" if x != x else f"{x:.3f}"


def report(title: str, gold, pred, countries: set[str], extra: str = "") -> dict:
    """Print the figures of one labelled set and return the scores."""
    from stance.gold import score_items

    s = score_items(gold, pred)
    c = score_items(gold, pred, holders=countries)
    p, q = s["polar"], s["pairs"]
    print(f"\n## {title}: {s['n_items']} items scored ({len(gold.skipped)} skipped){extra}")
    print(f"polar triples    P {_fmt(p['precision'])}  R {_fmt(p['recall'])}  F1 {_fmt(p['f1'])}"
          f"   (tp {p['tp']}, fp {p['fp']}, fn {p['fn']})")
    cp = c["polar"]
    print(f"  countries only P {_fmt(cp['precision'])}  R {_fmt(cp['recall'])}  F1 {_fmt(cp['f1'])}"
          f"   (tp {cp['tp']}, fp {cp['fp']}, fn {cp['fn']})")
    print(f"holder-target pairs P {_fmt(q['precision'])}  R {_fmt(q['recall'])}  F1 {_fmt(q['f1'])}"
          f"   (tp {q['tp']}, fp {q['fp']}, fn {q['fn']})")
    print("polar F1 per target: " + ", ".join(
        f"{t} {_fmt(v['f1'])} (P {_fmt(v['precision'])}, R {_fmt(v['recall'])}, n_gold {v['tp'] + v['fn']})"
        for t, v in s["per_target"].items()))
    print(f"false polar triples per 1,000 items: {s['false_polar_per_1000']:.1f}")
    print("stance on the pairs found in both (rows gold, columns predicted):")
    print(s["confusion"].to_string())
    return s


def _auc(labels, scores) -> float:
    from sklearn.metrics import roc_auc_score

    if len(set(labels)) < 2:
        return float("nan")
    return float(roc_auc_score(labels, scores))


def recognition_check(model, labels: Path = REAL) -> None:
    """AUC of the speaker's mean score toward TWN against recognition of Taipei, even years 1994-2020."""
    import pandas as pd

    import stance

    table = pd.read_csv(labels / "taipei_recognition.tsv", sep="\t", dtype=str, keep_default_na=False)
    ungd = _read("un_general_debate.csv")
    years = [str(y) for y in range(1994, 2021, 2)]
    speeches = ungd[ungd["year"].isin(years)]
    rows = stance.analyze(speeches, model=model, targets=("TWN",), id_col="id", date_col="year",
                          speaker_col="speaker_iso3")
    own = rows[(rows["holder"] == rows["speaker"]) & (rows["target"] == "TWN")]
    means = own.groupby([own["speaker"], own["date"].dt.year])["score"].mean()
    labels, scores = [], []
    for (speaker, year), score in means.items():
        day = dt.date(int(year), *DEBATE_DAY).isoformat()
        periods = table[table["code"] == speaker]
        recognised = any(p.start <= day and (p.end == "" or day < p.end) for p in periods.itertuples())
        labels.append(int(recognised))
        scores.append(score)
    n_pos = sum(labels)
    print(f"\n## TWN and recognition of Taipei (UN General Debate, even years 1994-2020, dev): "
          f"{len(labels)} speaker-years with a row of their own toward TWN "
          f"({n_pos} recognising Taipei, {len(labels) - n_pos} not)")
    print(f"AUC of the mean score (higher = recognises Taipei): {_fmt(_auc(labels, scores))}")


def vote_check(model, labels: Path = REAL) -> None:
    """AUC of the speaker's mean score toward RUS in 2014 against its vote on resolution 68/262."""
    import pandas as pd

    import stance

    votes = pd.read_csv(labels / "unga_68_262_votes.tsv", sep="\t", dtype=str,
                        keep_default_na=False).set_index("code")["vote"]
    ungd = _read("un_general_debate.csv")
    rows = stance.analyze(ungd[ungd["year"] == "2014"], model=model, targets=("RUS",), id_col="id",
                          date_col="year", speaker_col="speaker_iso3")
    own = rows[(rows["holder"] == rows["speaker"]) & (rows["target"] == "RUS")]
    means = own.groupby("speaker")["score"].mean()
    vote = means.index.map(lambda code: votes.get(code, "not a member"))
    counts = pd.Series(vote).value_counts().to_dict()
    print(f"\n## RUS in 2014 speeches and the vote on A/RES/68/262 (territorial integrity of Ukraine): "
          f"{len(means)} speakers with a row of their own toward RUS, by vote {counts}")
    voted = vote.isin(["yes", "no", "abstain"])
    yes_rest = _auc([int(v == "yes") for v in vote[voted]], list(-means[voted]))
    both = vote.isin(["yes", "no"])
    yes_no = _auc([int(v == "yes") for v in vote[both]], list(-means[both]))
    print(f"AUC of the mean score (lower = voted yes): yes against no and abstain {_fmt(yes_rest)}; "
          f"yes against no {_fmt(yes_no)}")


def written_split(params: dict) -> None:
    from threadpoolctl import threadpool_limits

    from stance.model import default_corpus, evaluate, train

    with threadpool_limits(1):
        model = train(split="train", **params)
    test = default_corpus("test")
    result = evaluate(model, test)
    print(f"\n## Written test split (bundled corpus, {len(test)} rows; trained on the "
          f"train split): macro-F1 {result.macro_f1:.3f}")
    if "event" in test.columns:
        for label, part in (("batches 1-15", test[test["event"] == ""]),
                            ("event grid (batch 16)", test[test["event"] != ""])):
            print(f"  {label}: {len(part)} rows, macro-F1 {evaluate(model, part).macro_f1:.3f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", type=Path, help="write every false and missed triple with its text")
    parser.add_argument("--no-written", action="store_true", help="skip the written test split")
    parser.add_argument("--labels", type=Path, default=REAL, help="folder of the gold label files")
    parser.add_argument("--model", type=Path, help="evaluate this saved model instead of the default")
    parser.add_argument("--events", action="store_true",
                        help="ablation: train a model with the directed-event features")
    parser.add_argument("--no-act", action="store_true",
                        help="ablation: train a model without the act evidence (act_evidence=False)")
    parser.add_argument("--C", type=float, help="train a model with this regularisation")
    parser.add_argument("--learner", choices=("logistic", "svm"), help="train a model with this learner")
    parser.add_argument("--grid-weight", type=float,
                        help="train a model with this weight of the event-grid sentences (0 leaves them out)")
    args = parser.parse_args(argv)
    params = {k: v for k, v in (("events", True if args.events else None),
                                ("act_evidence", False if args.no_act else None), ("C", args.C),
                                ("learner", args.learner), ("grid_weight", args.grid_weight))
              if v is not None}
    labels = args.labels
    if not (SHARED / "wikipedia_current_events.csv").exists():
        print(f"bench_accuracy: {SHARED} is absent (third-party text); nothing to measure")
        return 0

    import pandas as pd

    import stance
    from stance.gold import errors, item_triples, read_gold

    actors = pd.read_csv(Path(stance.__file__).parent / "data" / "actors.tsv", sep="\t", dtype=str)
    countries = set(actors.loc[actors["kind"] == "country", "code"]) | {"DDR", "YUG", "CSK", "YMD"}
    if args.model is not None:
        model = stance.load_model(args.model)
        what = f"the model in {args.model}"
    elif params:
        from threadpoolctl import threadpool_limits

        with threadpool_limits(1):
            model = stance.train(**params)
        what = f"a model trained on the bundled corpus with {params}"
    else:
        model = stance.load_model()
        what = "default model"
    print(f"stance {stance.__version__}, {what}; item level: the most frequent stance of an "
          f"item's rows for a pair, ties by the mean score")
    wrong = []

    def run(title, file, frame, extra="", **cols):
        gold = read_gold(labels / file)
        docs = frame[frame["id"].isin(gold.ids)]
        rows = stance.analyze(docs, model=model, id_col="id", **cols)
        pred = item_triples(rows)
        scores = report(title, gold, pred, countries, extra)
        if args.errors:
            bad = errors(gold, pred)
            text = docs.set_index("id")["text"]
            bad.insert(0, "set", title)
            bad["text"] = bad["item"].map(text)
            wrong.append(bad)
        return gold, pred, scores

    run("News items (wikipedia_current_events.csv)", "news_gold.txt",
        _read("wikipedia_current_events.csv"), date_col="date")
    run("UN General Debate sentences, speaker known", "ungd_gold.txt",
        _read("un_general_debate.csv"), date_col="year", speaker_col="speaker_iso3")
    general = _read("general_news.csv").copy()
    general["date"] = general["id"].map(
        lambda i: GENERAL_DATES["reuter" if i.startswith("reuter") else "bbc"])
    gold, pred, _ = run("General news (general_news.csv)", "general_gold.txt", general,
                        " (dates: Reuters items 1987, BBC items 2005)", date_col="date")
    names_target = _sampling().NAMES_TARGET
    text = general.set_index("id")["text"]
    named = {i for i in gold.labelled if names_target.search(text[i])}
    for label, keep in [("naming a target", lambda i: i in named), ("naming none", lambda i: i not in named)]:
        items = [i for i in gold.labelled if keep(i)]
        polar = pred[pred["item"].isin(items) & pred["stance"].isin(["oppose", "support"])]
        g = gold.triples
        truth = g[g["item"].isin(items) & g["stance"].isin(["oppose", "support"])]
        merged = polar.merge(truth, on=["item", "holder", "target", "stance"], how="left", indicator=True)
        false = int((merged["_merge"] == "left_only").sum())
        print(f"  items {label}: {len(items)}, false polar triples {false} "
              f"({1000 * false / max(len(items), 1):.1f} per 1,000 items)")

    recognition_check(model, labels)
    vote_check(model, labels)
    if not args.no_written:
        written_split(params)
    if args.errors:
        pd.concat(wrong, ignore_index=True).to_csv(args.errors, index=False)
        print(f"\nwrote {sum(len(w) for w in wrong)} errors to {args.errors}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
