"""Speed and memory of the whole pipeline, against TextBlob and VADER in the same run.

Default mode: the dense corpus, ``../shared/data/wikipedia_current_events.csv`` when it is
present (real news items, every one naming a target), else the bundled sample articles repeated
to about 2 MB; with ``--general``, also the general news corpus (``general_news.csv`` there, the
``text`` column; skipped with a note when absent, where about 3% of items name a target). For
each corpus it prints MB/s and sentences/s of ``stance.analyze`` with ``n_jobs=1`` and
``n_jobs=2``, of TextBlob polarity and of VADER polarity (``pip install vaderSentiment``; skipped
with a note when absent) per document and per sentence (split by ``stance.text.split_sentences``,
timed too, as a user would), the ratios between them with the issue's targets for that corpus
(dense: ``n_jobs=1`` at least TextBlob's speed and half VADER's per document, ``n_jobs=2`` at
least 1.7 times ``n_jobs=1``; general: ``n_jobs=1`` at least 3 times TextBlob and VADER per
document), and the share of time per stage of ``analyze`` (:func:`stage_seconds`: the pipeline's
own functions replayed in order and timed with ``perf_counter``, not a profiler, the rows checked
against ``analyze``'s). Then the peak resident memory, the first ``n_jobs=2`` call, and the
time of ``import stance`` and of ``load_model()`` (cached model, fresh process). Timings on
shared machines drift, so everything is compared within one run. Stance's per-text caches are
emptied before each timing of ``analyze``. The two worker processes of ``n_jobs=2`` are started
by a first call on 200 documents, timed and printed separately, so that the ``n_jobs`` figures are
the steady throughput of a long run (workers are reused across calls).

``--against REF`` mode: times ``stance.analyze`` with ``n_jobs=1`` on the same documents with this
checkout and with the code of git revision REF (checked out into a temporary worktree), each in a
fresh process warmed up on other text (the first 500 items of ``general_news.csv``, else the sample
articles), alternating for ``--rounds`` rounds, and prints each time, the means and their ratio:
the check that a change did not make the pipeline slower, free of the drift between separate runs.
The first round of a revision trains its model into the cache when it has none.

``--stream MB [MB ...]`` mode: writes a generated corpus of each size (sentences of the bundled
sample articles, recombined into new documents and numbered so that no sentence repeats) and runs
``stance analyze`` over it in a fresh process, printing that process's peak resident memory (and
its workers' with ``--jobs``).

``--cli`` mode: times the command line as a user runs it, each run a fresh process:
``stance analyze NEWS --id-col id --date-col date --source-col source --out TMP.csv --quiet`` and
``stance profile`` with the same options, with ``--jobs 1`` and ``--jobs 2``, after one untimed
run that makes sure the default model is cached; ``--repeat`` rounds (3 by default) alternate the
order of the two, and it prints every time, the medians and the ratio of the medians (with
``--limit N``, on the first N news items). The two ``analyze`` outputs must be identical. It
needs the news file (``--news``; skipped with a note without it).

Run from the repository root::

    python benchmarks/bench_pipeline.py [--general] [--limit N]
    python benchmarks/bench_pipeline.py --cli [--repeat 3] [--limit N] [--news FILE]
    python benchmarks/bench_pipeline.py --stream 50 200 [--jobs 2]
    python benchmarks/bench_pipeline.py --against 62d5c64 [--rounds 4] [--limit N]
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "wikipedia_current_events.csv"
GENERAL = SHARED.parent / "general_news.csv"
SAMPLE = ROOT / "datasets" / "sample_articles.csv"


def load_corpus(limit: int | None) -> tuple[list[str], str]:
    """The dense documents to time, and where they came from."""
    if SHARED.exists():
        docs, source = read_texts(SHARED), SHARED.name
    else:
        base = read_texts(SAMPLE)
        size = sum(len(d.encode()) for d in base)
        docs, source = base * max(1, 2_000_000 // size), f"{SAMPLE.name} repeated"
    if limit:
        docs, source = docs[:limit], f"{source} (first {limit})"
    return docs, source


def read_texts(path: Path) -> list[str]:
    """The ``text`` column of a CSV file (missing values as "")."""
    with path.open(encoding="utf-8", newline="") as fh:
        return [row["text"] or "" for row in csv.DictReader(fh)]


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident memory in MB (Linux reports kilobytes)."""
    return resource.getrusage(who).ru_maxrss / 1024


def fresh_process_seconds(code: str, repeat: int = 3) -> float:
    """Best of ``repeat`` timings printed by ``code`` run in a new interpreter."""
    times = []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True, cwd=ROOT)
        times.append(float(out.stdout.strip().splitlines()[-1]))
    return min(times)


def timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def clear_text_caches() -> None:
    """Empty stance's per-text caches (the bounded ``lru_cache`` functions of 1,000 entries or
    more of its imported modules: mentions, views, windows, sentiment, events), so that every
    timing starts as a new process's first pass over these documents does; caches of data files
    and patterns stay."""
    import functools

    for name, module in list(sys.modules.items()):
        if not name.startswith("stance.") or module is None:
            continue
        for value in vars(module).values():
            if isinstance(value, functools._lru_cache_wrapper):
                size = value.cache_parameters()["maxsize"]
                if size is not None and size >= 1000:
                    value.cache_clear()


#: Stages of ``stance.analyze`` in the stage-share table, in the order the pipeline runs them.
STAGES = ("splitting", "mentions", "roles and holders", "features", "classification",
          "sentiment", "events", "output")


def stage_seconds(docs: list[str], model: Any, expected: Any) -> dict[str, float]:
    """Seconds of each stage of ``stance.analyze(docs, n_jobs=1)``, one core, no profiler.

    The pipeline's own functions are called as :func:`stance.analysis.analyze_frame` calls them,
    in the same order and on the same units of documents, each timed with ``perf_counter``:
    sentence splitting (``split_sentences``, timed on its own; :func:`_pending_rows` splits again,
    and its time less the splitting is "mentions": actors, pair references, target filter),
    :func:`_holder_rows` (role rules, holder model, speaker positions), the stance model's feature
    union and its calibrated classifier, the sentiment and event columns (with the act evidence
    that weighs the classifier's probabilities), and the rest of the
    output (records, frame, names, dtypes, concatenation). The rows must equal ``expected``
    (``analyze``'s), or the replay is not the pipeline and an AssertionError says so.
    """
    import pandas as pd

    from stance import analysis
    from stance.actors import Gazetteer
    from stance.events import implied_stances
    from stance.model import _weigh_acts
    from stance.rows import as_rows
    from stance.text import split_sentences

    clear_text_caches()
    spent = dict.fromkeys(STAGES, 0.0)
    features, classifier = model.pipeline_[:-1], model.pipeline_[-1]
    gazetteer = Gazetteer.default()
    frame = analysis._as_docs(docs, "text", None, None, None, None)
    found = []

    def clock(stage: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        value = fn(*args, **kwargs)
        spent[stage] += time.perf_counter() - t0
        return value

    def split(texts: list[str]) -> list[list[Any]]:
        return [split_sentences(t) for t in texts]

    def holder_names(rows: pd.DataFrame, proba: Any) -> None:
        analysis._add_stance(rows, proba, model.classes_)
        rows["holder_name"] = [gazetteer.name(h) if h else "" for h in rows["holder"]]

    def featurize(X: pd.DataFrame) -> Any:
        return features.transform(as_rows(X))  # as StanceModel.predict_proba, then the pipeline

    def weigh_acts(X: pd.DataFrame, proba: Any) -> Any:
        # as StanceModel.predict_proba: the act that links each row's holder to its target
        # weighs the classifier's probabilities (act_evidence)
        if getattr(model, "act_likelihood_", None) is None:
            return proba
        return _weigh_acts(proba, implied_stances(as_rows(X)), list(model.classes_),
                           model.act_likelihood_)

    def finish(rows: pd.DataFrame, unit: pd.DataFrame) -> pd.DataFrame:
        return analysis._like_input(analysis._fix_dtypes(rows[analysis.ROW_COLUMNS]), unit)

    targets = frozenset(analysis.DEFAULT_TARGETS)
    for unit, _ in analysis._units(frame, 0, analysis._unit_chars(1)):
        clock("splitting", split, unit["text"].tolist())
        pending = clock("mentions", analysis._pending_rows,
                        list(unit.itertuples(index=False, name=None)), targets, gazetteer)
        records = clock("roles and holders", analysis._holder_rows, pending, model)
        if not records:
            continue
        rows = clock("output", pd.DataFrame.from_records, records)
        X = clock("output", analysis._stance_input, rows)
        matrix = clock("features", featurize, X)
        proba = clock("classification", classifier.predict_proba, matrix)
        proba = clock("events", weigh_acts, X, proba)
        clock("output", holder_names, rows, proba)
        clock("sentiment", analysis._add_sentiment, rows)
        clock("events", analysis._add_events, rows)
        found.append(clock("output", finish, rows, unit))
    out = clock("output", pd.concat, found, ignore_index=True)
    out = analysis._like_input(out, frame)
    spent["mentions"] -= spent["splitting"]  # _pending_rows split the sentences again
    out.attrs, expected_rows = {}, expected.copy()
    expected_rows.attrs = {}
    pd.testing.assert_frame_equal(out, expected_rows, check_exact=True)
    return spent


#: Targets of the issue (#22), per corpus: (ratio, least value).
TARGETS = {
    "dense": [("analyze n_jobs=1 / TextBlob", 1.0), ("analyze n_jobs=1 / VADER per document", 0.5),
              ("analyze n_jobs=2 / analyze n_jobs=1", 1.7)],
    "general": [("analyze n_jobs=1 / TextBlob", 3.0), ("analyze n_jobs=1 / VADER per document", 3.0)],
}


def speed_corpus(kind: str, docs: list[str], source: str, model: object) -> None:
    """Time and print everything for one corpus (``kind`` "dense" or "general")."""
    import warnings

    import stance
    from stance.text import split_sentences

    mb = sum(len(d.encode("utf-8")) for d in docs) / 1e6
    n_sent = sum(len(split_sentences(d)) for d in docs)
    results: dict[str, float] = {}
    from textblob import TextBlob

    results["TextBlob polarity"] = timed(lambda: [TextBlob(d).sentiment.polarity for d in docs])
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError:
        print("note: vaderSentiment is not installed (pip install vaderSentiment); VADER skipped")
    else:
        vader = SentimentIntensityAnalyzer()
        results["VADER per document"] = timed(lambda: [vader.polarity_scores(d)["compound"]
                                                       for d in docs])
        # as users call it on sentences: split (stance's splitter, timed too), then score each
        results["VADER per sentence"] = timed(lambda: [vader.polarity_scores(s.text)["compound"]
                                                       for d in docs for s in split_sentences(d)])
    rows: dict[int, object] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # documents with no text are skipped with a warning
        for n_jobs in (1, 2):
            def run(n_jobs: int = n_jobs) -> None:
                rows[n_jobs] = stance.analyze(docs, model=model, n_jobs=n_jobs)
            clear_text_caches()
            results[f"stance.analyze n_jobs={n_jobs}"] = timed(run)
        stages = stage_seconds(docs, model, rows[1])

    print(f"\n## {kind.capitalize()} news: {source}, {len(docs)} documents, {mb:.2f} MB of text, "
          f"{n_sent} sentences")
    print(f"analyze rows: {len(rows[1])} (n_jobs=2: {len(rows[2])}, "
          f"{'identical' if rows[1].equals(rows[2]) else 'DIFFERENT'})")
    print(f"{'task':28} {'seconds':>8} {'MB/s':>7} {'sentences/s':>12}")
    for name, seconds in results.items():
        print(f"{name:28} {seconds:8.2f} {mb / seconds:7.3f} {n_sent / seconds:12.0f}")
    one, two = results["stance.analyze n_jobs=1"], results["stance.analyze n_jobs=2"]
    ratios = {"analyze n_jobs=1 / TextBlob": results["TextBlob polarity"] / one,
              "analyze n_jobs=2 / analyze n_jobs=1": one / two}
    if "VADER per document" in results:
        ratios["analyze n_jobs=1 / VADER per document"] = results["VADER per document"] / one
        ratios["analyze n_jobs=1 / VADER per sentence"] = results["VADER per sentence"] / one
        ratios["analyze n_jobs=2 / VADER per document"] = results["VADER per document"] / two
    targets = dict(TARGETS[kind])
    print("ratios (speed of the first over the second; >1 means faster):")
    for name, ratio in ratios.items():
        target = targets.get(name)
        verdict = "" if target is None else \
            f"  (target >= {target}: {'met' if ratio >= target else 'NOT met'})"
        print(f"  {name:40} {ratio:6.2f}{verdict}")
    total = sum(stages.values())
    print(f"share of time per stage (analyze n_jobs=1 replayed stage by stage, one core, "
          f"{total:.2f} s in all):")
    for stage in STAGES:
        print(f"  {stage:20} {stages[stage]:7.2f} s {100 * stages[stage] / total:5.1f} %")


def main_speed(args: argparse.Namespace) -> int:
    import stance

    docs, source = load_corpus(args.limit)
    model = stance.load_model()  # trains into the cache on the very first run
    stance.analyze(docs[:20], model=model)  # warm up the matchers and lexicons

    import_s = fresh_process_seconds(
        "import time; t = time.perf_counter(); import stance; print(time.perf_counter() - t)")
    load_s = fresh_process_seconds(
        "import time, numpy, pandas, sklearn.linear_model, stance; t = time.perf_counter(); "
        "stance.load_model(); print(time.perf_counter() - t)")
    # Start the two workers once (imports, regex compilation, model load: paid once per worker
    # process and reused by later calls) and time steady-state throughput, as in a long run.
    startup = timed(lambda: stance.analyze(docs[:200], model=model, n_jobs=2))
    print(f"python {sys.version.split()[0]}; {os.cpu_count()} cores; stance from "
          f"{Path(stance.__file__).parent}", flush=True)
    speed_corpus("dense", docs, source, model)
    if args.general:
        if GENERAL.exists():
            general = read_texts(GENERAL)
            if args.limit:
                general = general[:args.limit * 10]
            speed_corpus("general", general, GENERAL.name + (
                f" (first {args.limit * 10})" if args.limit else ""), model)
        else:
            print(f"\nnote: {GENERAL} is absent; the general news case is skipped")
    print(f"\nfirst n_jobs=2 call on 200 documents, starting the workers: {startup:.2f} s")
    print(f"peak resident memory: this process {peak_rss_mb():.0f} MB, "
          f"largest worker {peak_rss_mb(resource.RUSAGE_CHILDREN):.0f} MB")
    print(f"import stance: {import_s:.3f} s (target < 0.5: {'met' if import_s < 0.5 else 'NOT met'}); "
          f"load_model() cached, after numpy/pandas/scikit-learn imports: {load_s:.3f} s "
          f"(target < 0.5: {'met' if load_s < 0.5 else 'NOT met'})")
    return 0


def write_generated_corpus(path: Path, megabytes: float, seed: int = 0) -> tuple[int, float]:
    """A CSV of new documents made of numbered sample sentences; returns (documents, MB)."""
    from stance.text import split_sentences

    with SAMPLE.open(encoding="utf-8", newline="") as fh:
        sentences = [s.text for row in csv.DictReader(fh) for s in split_sentences(row["text"])]
    rng = random.Random(seed)
    target = megabytes * 1e6
    written, n = 0, 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["id", "text"])
        while written < target:
            picked = rng.sample(sentences, rng.randint(3, 9))
            text = " ".join(f"{s[:-1]} (item {n}-{k}){s[-1]}" if s[-1:] in ".!?" else f"{s} ({n}-{k})"
                            for k, s in enumerate(picked))
            out.writerow([f"g{n}", text])
            written += len(text.encode("utf-8")) + 10
            n += 1
    return n, path.stat().st_size / 1e6


def tree_rss_mb(root: int) -> float:
    """Resident memory of a process and all its descendants now, in MB (Linux /proc)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="utf-8") as fh:
                    parents[int(entry)] = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    tree, frontier = {root}, [root]
    while frontier:
        frontier = [pid for pid, ppid in parents.items() if ppid in frontier and pid not in tree]
        tree.update(frontier)
    total = 0.0
    for pid in tree:
        try:
            with open(f"/proc/{pid}/status", encoding="utf-8") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) / 1024
        except OSError:
            continue
    return total


def main_stream(args: argparse.Namespace) -> int:
    print(f"streaming generated corpora through `stance analyze` (jobs={args.jobs}); "
          f"python {sys.version.split()[0]}")
    print(f"{'size MB':>8} {'documents':>10} {'rows':>9} {'seconds':>8} {'MB/s':>6} "
          f"{'peak RSS MB':>12} {'with workers':>13}")
    # the main process reports its own peak; the sum over it and its worker processes is sampled
    # from /proc every 0.2 s (workers outlive the call, so their own peaks are not reported back)
    child = ("import resource, sys; from stance.cli import main; rc = main(sys.argv[1:]); "
             "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024); sys.exit(rc)")
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.stream:
            corpus = Path(tmp) / f"corpus_{size}.csv"
            n_docs, real_mb = write_generated_corpus(corpus, size)
            out = Path(tmp) / f"rows_{size}.csv"
            t0 = time.perf_counter()
            proc = subprocess.Popen([sys.executable, "-c", child, "analyze", str(corpus), "--id-col",
                                     "id", "--out", str(out), "--quiet", "--jobs", str(args.jobs)],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                    cwd=ROOT)
            tree_mb = 0.0
            while proc.poll() is None:
                tree_mb = max(tree_mb, tree_rss_mb(proc.pid))
                time.sleep(0.2)
            stdout, stderr = proc.communicate()
            seconds = time.perf_counter() - t0
            if proc.returncode != 0:
                print(stderr, file=sys.stderr)
                return proc.returncode
            self_mb = float(stdout.strip().splitlines()[-1])
            with out.open(encoding="utf-8", newline="") as fh:
                n_rows = sum(1 for _ in csv.reader(fh)) - 1
            print(f"{real_mb:8.1f} {n_docs:10d} {n_rows:9d} {seconds:8.0f} {real_mb / seconds:6.2f} "
                  f"{self_mb:12.0f} {tree_mb:13.0f}")
            corpus.unlink()
            out.unlink()
    return 0


_AGAINST_CHILD = """
import csv, sys, time
import stance
docs_path, warm_path, limit = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(docs_path, encoding="utf-8", newline="") as fh:
    docs = [row["text"] for row in csv.DictReader(fh)]
docs = docs[:limit] if limit else docs
with open(warm_path, encoding="utf-8", newline="") as fh:
    warm = [row["text"] for row in csv.DictReader(fh)][:500]
model = stance.load_model()
stance.analyze(warm, model=model, n_jobs=1)
t0 = time.perf_counter()
rows = len(stance.analyze(docs, model=model, n_jobs=1))
print(stance.__file__, rows, time.perf_counter() - t0)
"""


def main_against(args: argparse.Namespace) -> int:
    docs_path = SHARED if SHARED.exists() else SAMPLE
    warm_path = GENERAL if GENERAL.exists() else SAMPLE
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "ref"
        made = subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree),
                               args.against], capture_output=True, text=True)
        if made.returncode != 0:
            print(f"bench_pipeline: cannot check out {args.against!r}: {made.stderr.strip()}",
                  file=sys.stderr)
            return 2
        try:
            codes = {"this checkout": ROOT, args.against: tree}
            times: dict[str, list[float]] = {name: [] for name in codes}
            rows: dict[str, int] = {}
            print(f"corpus: {docs_path.name}{f' (first {args.limit})' if args.limit else ''}; "
                  f"warm-up: {warm_path.name}; analyze n_jobs=1; python {sys.version.split()[0]}")
            for k in range(args.rounds):
                for name, where in (codes.items() if k % 2 == 0 else reversed(codes.items())):
                    env = dict(os.environ, PYTHONPATH=str(where))
                    out = subprocess.run([sys.executable, "-c", _AGAINST_CHILD, str(docs_path),
                                          str(warm_path), str(args.limit or 0)], capture_output=True,
                                         text=True, cwd=where, env=env)
                    if out.returncode != 0:
                        print(out.stderr, file=sys.stderr)
                        return out.returncode
                    module, n_rows, seconds = out.stdout.strip().splitlines()[-1].rsplit(" ", 2)
                    if not Path(module).resolve().is_relative_to(Path(where).resolve()):
                        print(f"bench_pipeline: {name} imported stance from {module}", file=sys.stderr)
                        return 2
                    times[name].append(float(seconds))
                    rows[name] = int(n_rows)
                    print(f"  round {k + 1}: {name:16} {float(seconds):7.2f} s  ({n_rows} rows)")
            mean = {name: sum(t) / len(t) for name, t in times.items()}
            for name in codes:
                print(f"{name:16} mean {mean[name]:7.2f} s over {args.rounds} rounds")
            ratio = mean[args.against] / mean["this checkout"]
            print(f"speed of this checkout over {args.against}: {ratio:.2f} "
                  f"({'not slower' if ratio >= 1 else 'slower'})")
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)],
                           capture_output=True)
    return 0


def _cli_seconds(command: list[str]) -> float:
    """Wall time of one ``python -m stance`` run in a fresh process (this checkout's code)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "stance", *command], capture_output=True,
                          text=True, cwd=ROOT, env=env)
    seconds = time.perf_counter() - t0
    if done.returncode != 0:
        raise RuntimeError(f"stance {' '.join(command)} exited with {done.returncode}:\n"
                           f"{done.stderr}")
    return seconds


def main_cli(args: argparse.Namespace) -> int:
    import statistics

    news = Path(args.news)
    if not news.exists():
        print(f"bench_pipeline --cli: {news} is absent; skipped (it needs the news file)")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        corpus = news
        if args.limit:
            corpus = Path(tmp) / f"first_{args.limit}.csv"
            with news.open(encoding="utf-8", newline="") as fh, \
                    corpus.open("w", encoding="utf-8", newline="") as out:
                reader = csv.reader(fh)
                writer = csv.writer(out)
                for k, row in enumerate(reader):
                    if k > args.limit:
                        break
                    writer.writerow(row)
        options = [str(corpus), "--id-col", "id", "--date-col", "date", "--source-col", "source",
                   "--quiet"]
        print(f"corpus: {news.name}{f' (first {args.limit})' if args.limit else ''}, "
              f"{corpus.stat().st_size / 1e6:.2f} MB; python {sys.version.split()[0]}; "
              f"{os.cpu_count()} cores; {args.repeat} rounds, each run a fresh process")
        outs = {jobs: Path(tmp) / f"rows_{jobs}.csv" for jobs in (1, 2)}
        commands = {
            "analyze": lambda jobs: ["analyze", *options, "--out", str(outs[jobs]),
                                     "--jobs", str(jobs)],
            "profile": lambda jobs: ["profile", *options, "--jobs", str(jobs)],
        }
        _cli_seconds(commands["profile"](1))  # untimed: the default model is cached after it
        for name, command in commands.items():
            times: dict[int, list[float]] = {1: [], 2: []}
            for k in range(args.repeat):
                for jobs in ((1, 2) if k % 2 == 0 else (2, 1)):
                    times[jobs].append(_cli_seconds(command(jobs)))
            if name == "analyze" and outs[1].read_bytes() != outs[2].read_bytes():
                print("bench_pipeline --cli: --jobs 2 wrote other rows than --jobs 1",
                      file=sys.stderr)
                return 1
            median = {jobs: statistics.median(t) for jobs, t in times.items()}
            for jobs, t in times.items():
                print(f"stance {name} --jobs {jobs}: median {median[jobs]:6.2f} s  "
                      f"(runs: {', '.join(f'{x:.2f}' for x in t)})")
            ratio = median[1] / median[2]
            print(f"  speed of --jobs 2 over --jobs 1: {ratio:.2f} "
                  f"({'faster' if ratio > 1 else 'NOT faster'})")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int,
                        help="time only the first N dense documents (10 N general ones)")
    parser.add_argument("--general", action="store_true",
                        help="also time the general news corpus (../shared/data/general_news.csv)")
    parser.add_argument("--stream", type=float, nargs="+", metavar="MB",
                        help="stream generated corpora of these sizes through `stance analyze`")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes in --stream mode")
    parser.add_argument("--against", metavar="REF",
                        help="compare analyze's speed with the code of this git revision")
    parser.add_argument("--rounds", type=int, default=4, help="alternating rounds in --against mode")
    parser.add_argument("--cli", action="store_true",
                        help="time `stance analyze` and `stance profile` with --jobs 1 and 2")
    parser.add_argument("--repeat", type=int, default=3, help="rounds in --cli mode")
    parser.add_argument("--news", default=str(SHARED),
                        help="the news file of --cli mode (default: ../shared/data/...)")
    args = parser.parse_args(argv)
    if args.cli:
        return main_cli(args)
    if args.against:
        return main_against(args)
    return main_stream(args) if args.stream else main_speed(args)


if __name__ == "__main__":
    sys.exit(main())
