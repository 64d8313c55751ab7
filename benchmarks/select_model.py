"""Choose the learner and its regularisation by cross-validation on the written train split.

Folds are grouped by sentence (GroupKFold), so that the rows of one sentence never fall on both
sides. The features are fitted on each fold's training part (as in ``build_pipeline``); each
candidate learner is then fitted on the same matrices and scored by macro-F1 on the held-out
part, uncalibrated (calibration keeps the ranking of a linear model's scores and costs one fit per
calibration fold). It prints the mean and spread of macro-F1 and the fit time per candidate.
The development set (``benchmarks/bench_accuracy.py --C ...``) confirms the choice.

Run from the repository root::

    python benchmarks/select_model.py [--folds 3] [--events]
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np


def candidates():
    from sklearn.linear_model import LogisticRegression
    from sklearn.svm import LinearSVC

    out = {}
    for c in (1.0, 4.0, 8.0):
        out[f"logistic C={c}"] = LogisticRegression(C=c, max_iter=3000, class_weight="balanced")
    for c in (0.1, 0.3, 0.6, 1.0):
        out[f"linear SVM C={c}"] = LinearSVC(C=c, class_weight="balanced")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--events", action="store_true", help="with the event features")
    args = parser.parse_args(argv)

    from sklearn.base import clone
    from sklearn.metrics import f1_score
    from sklearn.model_selection import GroupKFold
    from threadpoolctl import threadpool_limits

    from stance.model import build_pipeline, default_corpus
    from stance.rows import as_rows

    train = default_corpus("train")
    X = as_rows(train[["text", "holder", "target"]])
    y = train["stance"].to_numpy()
    groups = train["sentence_id"].to_numpy()
    features = build_pipeline(events=args.events).named_steps["features"]
    scores: dict[str, list[float]] = {name: [] for name in candidates()}
    times: dict[str, list[float]] = {name: [] for name in candidates()}
    print(f"train split: {len(train)} rows, {train['sentence_id'].nunique()} sentences; "
          f"{args.folds}-fold GroupKFold by sentence; events={args.events}")
    with threadpool_limits(1):
        for k, (a, b) in enumerate(GroupKFold(n_splits=args.folds).split(X, y, groups)):
            f = clone(features)
            xa = f.fit_transform(X.iloc[a], y[a])
            xb = f.transform(X.iloc[b])
            for name, learner in candidates().items():
                start = time.perf_counter()
                model = clone(learner).fit(xa, y[a])
                times[name].append(time.perf_counter() - start)
                scores[name].append(f1_score(y[b], model.predict(xb), average="macro"))
            print(f"fold {k + 1} done")
    print(f"\n{'learner':24s} {'macro-F1':>9s} {'sd':>6s} {'fit s':>7s}")
    for name in scores:
        print(f"{name:24s} {np.mean(scores[name]):9.3f} {np.std(scores[name]):6.3f} "
              f"{np.mean(times[name]):7.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
