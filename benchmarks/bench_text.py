"""Speed of sentence segmentation and actor finding, in MB/s on one core.

Reads ``../shared/data/wikipedia_current_events.csv`` when it is present (real news items), else the
bundled sample articles repeated to about 3 MB. Prints MB/s for ``split_sentences`` and
``find_actors`` over the documents one by one and over one large document, with TextBlob's polarity
on the same documents for reference (timings on shared machines drift, so compare within a run).

Run from the repository root::

    python benchmarks/bench_text.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "wikipedia_current_events.csv"
SAMPLE = ROOT / "datasets" / "sample_articles.csv"


def load_corpus() -> tuple[list[str], str]:
    """The documents to time, and where they came from."""
    if SHARED.exists():
        with SHARED.open(encoding="utf-8", newline="") as fh:
            return [row["text"] for row in csv.DictReader(fh)], str(SHARED.name)
    with SAMPLE.open(encoding="utf-8", newline="") as fh:
        docs = [row["text"] for row in csv.DictReader(fh)]
    size = sum(len(d.encode()) for d in docs)
    return docs * max(1, 3_000_000 // size), f"{SAMPLE.name} repeated"


def best_of(fn, repeat: int) -> float:
    """Fastest of ``repeat`` runs, in seconds (the least disturbed by other load)."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (best is kept)")
    parser.add_argument("--no-textblob", action="store_true", help="skip the TextBlob reference")
    args = parser.parse_args(argv)

    from stance.actors import Gazetteer
    from stance.text import split_sentences

    docs, source = load_corpus()
    mb = sum(len(d.encode("utf-8")) for d in docs) / 1e6
    big = "\n\n".join(docs)
    gaz = Gazetteer.default()
    gaz.find("warm up the matcher")

    results = {
        "split_sentences, per document": best_of(lambda: [split_sentences(d) for d in docs], args.repeat),
        "split_sentences, one document": best_of(lambda: split_sentences(big), args.repeat),
        "find_actors, per document": best_of(lambda: [gaz.find(d) for d in docs], args.repeat),
        "find_actors, one document": best_of(lambda: gaz.find(big), args.repeat),
    }
    if not args.no_textblob:
        from textblob import TextBlob

        results["TextBlob polarity (reference)"] = best_of(
            lambda: [TextBlob(d).sentiment.polarity for d in docs], 1)

    print(f"corpus: {source}, {len(docs)} documents, {mb:.2f} MB; python {sys.version.split()[0]}")
    print(f"{'task':36} {'seconds':>8} {'MB/s':>8}")
    for name, seconds in results.items():
        print(f"{name:36} {seconds:8.3f} {mb / seconds:8.2f}")
    # time grows linearly with the size of one long line (a quadratic step once hid here): the time
    # per copy of the unit stays flat as the line grows (one ratio of two sizes drifts with caches)
    unit = ("Beijing warned Washington on Tuesday over arms sales to Taiwan, while the Kremlin "
            "said Sino-Russian ties were strong and turkey prices rose in Georgia's capital. ")
    per_unit = {}
    for copies in (2_000, 8_000, 32_000):
        seconds = best_of(lambda copies=copies: gaz.find(unit * copies), args.repeat)
        per_unit[copies] = seconds / copies * 1e6
        print(f"find_actors on one line of {len(unit) * copies / 1e6:.2f} MB: {seconds:.3f} s, "
              f"{per_unit[copies]:.1f} us per copy of the unit")
    # (the smallest line still fits in the processor's caches, which makes each copy cheaper there)
    print(f"time per copy, largest line over the middle one: {per_unit[32_000] / per_unit[8_000]:.2f}, "
          f"over the smallest: {per_unit[32_000] / per_unit[2_000]:.2f} (linear is 1)")
    # one character repeated (end marks not followed by a space once took quadratic time)
    for ch in (".", "!", "?", " ", "a", "\n"):
        times = {size: best_of(lambda size=size, ch=ch: split_sentences(ch * int(size * 1e6)), args.repeat)
                 for size in (0.1, 1.0, 10.0)}
        print(f"split_sentences on {ch!r} repeated: 1 MB {times[1.0]:.3f} s (target < 1 s); "
              f"s per MB at 0.1 / 1 / 10 MB: {times[0.1] / 0.1:.3f} / {times[1.0]:.3f} / "
              f"{times[10.0] / 10:.3f}")
    per_doc = [mb / results[k] for k in results if k.endswith("per document")]
    print(f"slowest per-document rate: {min(per_doc):.2f} MB/s (target: 10 MB/s)")
    ours = [mb / v for k, v in results.items() if "TextBlob" not in k]
    print(f"median of the four stance rates: {statistics.median(ours):.2f} MB/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
