"""The ``stance`` command line.

Subcommands: ``profile`` (the main job), ``analyze``, ``actors``, ``train``, ``evaluate`` and
``sample``. Bad input ends with exit status 2 and a one-line message naming the file, row and
problem; outputs are written atomically, so an interrupted run leaves no partial file.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ._version import __version__

EXAMPLES = """examples:
  stance profile datasets/sample_articles.csv --id-col id --date-col date --speaker-col speaker
  stance profile speeches.csv --speaker-col country --date-col date --by year --out p.csv --plot p.png
  stance analyze news.jsonl --date-col published --out rows.csv
  stance actors "Beijing warned Taipei as the Kremlin hailed Sino-Russian ties"
  stance train my_labels.csv -o my_model.joblib --include-default
  stance evaluate my_test.csv --model my_model.joblib
  stance evaluate                       # the bundled corpus's test split
  stance sample rows.csv -n 50 -o to_label.csv
"""


class CLIError(Exception):
    """An error to report in one line with exit status 2."""


def _input_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("input", help="CSV, TSV, JSONL, Parquet, a .txt file or a folder of .txt files")
    p.add_argument("--text-col", default="text", help="column with the text (default: text)")
    p.add_argument("--id-col", help="column with document ids (default: row position)")
    p.add_argument("--date-col", help="column with dates (resolves leaders' names by date)")
    p.add_argument("--speaker-col", help="column with the ISO3 code of the country speaking")
    p.add_argument("--source-col", help="column with the source, passed through")
    p.add_argument("--targets", default="CHN,RUS,TWN", help="comma-separated target codes")
    p.add_argument("--model", help="a model file from `stance train` (default: bundled model)")
    p.add_argument("--jobs", type=int, default=1, help="worker processes; -1 for all cores")
    p.add_argument("--aliases", help="TSV/CSV of your own aliases (columns alias, code) added to "
                                     "the gazetteer")
    p.add_argument("--role-rules", help="TSV of your own role rules (columns of "
                                        "stance/data/role_rules.tsv) added to the package's")
    p.add_argument("--encoding", default="utf-8",
                   help="text encoding of the input (default: utf-8; e.g. latin-1, cp1252)")
    p.add_argument("--strict", action="store_true",
                   help="stop with an error on a document with no text, instead of skipping it")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``stance`` command."""
    parser = argparse.ArgumentParser(
        prog="stance", formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Who stands where on China, Russia and Taiwan, from news and diplomatic text.",
        epilog=EXAMPLES)
    parser.add_argument("--version", action="version", version=f"stance {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("profile", help="per-country profiles of a corpus (the main job)",
                       formatter_class=argparse.RawDescriptionHelpFormatter, epilog=EXAMPLES)
    _input_options(p)
    p.add_argument("--out", help="write the profile here (CSV, TSV, JSONL or Parquet)")
    p.add_argument("--by", help="month, quarter, year or a column (e.g. source)")
    p.add_argument("--min-count", type=int, default=1, help="leave out groups with fewer rows")
    p.add_argument("--weight", choices=["sentence", "document"], default="sentence")
    p.add_argument("--plot", help="also draw the profile to this PNG/SVG/PDF: a heatmap; with "
                   "--by month/quarter/year the top holders' lines over time, one panel per "
                   "target; with --by COLUMN the ranking toward the first target over all rows")
    p.add_argument("--rows-out", help="also write the analysed rows here")

    p = sub.add_parser("analyze", help="one row per (document, sentence, holder, target)",
                       formatter_class=argparse.RawDescriptionHelpFormatter, epilog=EXAMPLES)
    _input_options(p)
    p.add_argument("--out", required=True, help="where to write the rows (CSV, TSV, JSONL, Parquet)")
    p.add_argument("--chunksize", type=int, default=2000, help="documents read at a time")

    p = sub.add_parser("actors", help="the countries and organisations a text names")
    p.add_argument("text", help="the text")
    p.add_argument("--as-of", help="date (YYYY-MM-DD) deciding who held an office")

    p = sub.add_parser("train", help="train a model on labelled rows")
    p.add_argument("data", help="CSV with columns text, holder, target, stance")
    p.add_argument("-o", "--out", required=True, help="model file to write (.joblib)")
    p.add_argument("--include-default", action="store_true", help="add the bundled corpus")

    p = sub.add_parser("evaluate", help="score a model on labelled rows")
    p.add_argument("data", nargs="?", help="CSV with text, holder, target, stance (default: the "
                   "bundled corpus's test split, scored by a model trained on its train split)")
    p.add_argument("--model", help="model file (default: the bundled model)")

    p = sub.add_parser("sample", help="pick the rows most worth labelling next")
    p.add_argument("input", help="rows from `stance analyze`, or a CSV with text, holder, target")
    p.add_argument("-n", type=int, default=50, help="how many rows (default 50)")
    p.add_argument("-o", "--out", required=True, help="CSV to write, with an empty stance column")
    p.add_argument("--strategy", choices=["uncertainty", "margin", "random"], default="uncertainty")
    p.add_argument("--model", help="model file (default: the bundled model)")
    return parser


def _model(path: str | None) -> Any:
    from .model import load_model

    return load_model(path)


def _targets(value: str) -> tuple[str, ...]:
    """The codes of ``--targets`` (any case), checked as :func:`stance.analyze` checks them."""
    from .analysis import _check_targets

    try:
        return _check_targets(tuple(c.strip().upper() for c in value.split(",") if c.strip()))
    except ValueError as exc:
        raise CLIError(f"--targets {value}: {exc}") from None


def _read_rows(args: argparse.Namespace) -> Any:
    """The rows of an input that already holds analysed rows (a CSV or TSV from `stance
    analyze`, without the text column), else None: documents, to analyse."""
    import pandas as pd

    from .analysis import ROW_COLUMNS

    path = Path(args.input)
    if path.suffix.lower() not in (".csv", ".tsv") or not path.is_file():
        return None
    sep = "\t" if path.suffix.lower() == ".tsv" else ","
    try:
        head = pd.read_csv(path, nrows=0, sep=sep, encoding=args.encoding)
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError):
        return None  # the document reader names the problem
    if args.text_col in head.columns or not set(ROW_COLUMNS) - {"date", "source", "speaker"} \
            <= set(head.columns):
        return None
    return pd.read_csv(path, keep_default_na=False, sep=sep, encoding=args.encoding)


def _knowledge(args: argparse.Namespace) -> dict[str, Any]:
    """The user's gazetteer and role rules, from --aliases and --role-rules."""
    out: dict[str, Any] = {}
    if getattr(args, "aliases", None):
        from .actors import load_gazetteer

        try:
            out["gazetteer"] = load_gazetteer(args.aliases)
        except (OSError, ValueError) as exc:
            raise CLIError(f"--aliases: {exc}") from None
    if getattr(args, "role_rules", None):
        from .roles import load_role_rules

        try:
            out["role_rules"] = load_role_rules(args.role_rules)
        except (OSError, ValueError) as exc:
            raise CLIError(f"--role-rules: {exc}") from None
    return out


def _analyze(args: argparse.Namespace, out: str | None = None) -> Any:
    """Analyse the input file chunk by chunk (:func:`stance.analysis.analyze_files`): the rows,
    or ``out`` when given; the run's report in ``args.report``."""
    from .analysis import analyze_files
    from .io import is_text_input
    from .report import RunReport

    # text files and folders of them give a column "text", whatever --text-col says
    is_text = is_text_input(args.input)
    args.report = RunReport()
    with _skips_in_the_report():
        return analyze_files(args.input, out=out, model=args.model,
                             targets=_targets(args.targets),
                             text_col="text" if is_text else args.text_col, id_col=args.id_col,
                             date_col=args.date_col, speaker_col=args.speaker_col,
                             source_col=args.source_col,
                             chunksize=getattr(args, "chunksize", 2000), n_jobs=args.jobs,
                             progress=not args.quiet, encoding=args.encoding,
                             strict=args.strict, report=args.report, **_knowledge(args))


@contextmanager
def _skips_in_the_report() -> Iterator[None]:
    """No warning for skipped documents: the summary line names them, once."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"\d+ document\(s\) with .* skipped")
        yield


def _say(args: argparse.Namespace, line: str) -> None:
    """One line on standard error, prefixed with the command."""
    print(f"stance {args.command}: {line}", file=sys.stderr)


def _check_outputs(*paths: str | None) -> None:
    """Refuse an output format we do not write before any work is done."""
    from .io import output_kind

    for path in paths:
        if path:
            output_kind(path)


def cmd_profile(args: argparse.Namespace) -> int:
    import pandas as pd

    from .io import write_table
    from .profiles import PERIODS, profile

    _check_outputs(args.out, args.rows_out)
    if args.plot and Path(args.plot).suffix.lower() not in (".png", ".svg", ".pdf"):
        raise CLIError(f"--plot {args.plot}: cannot draw {Path(args.plot).suffix!r} files; use "
                       ".png, .svg or .pdf")
    rows = _read_rows(args)
    if rows is None:
        rows = _analyze(args)
        _say(args, args.report.summary())
    if args.rows_out:
        write_table(rows, args.rows_out)
    prof = profile(rows, by=args.by, min_count=args.min_count, weight=args.weight)
    if args.out:
        write_table(prof, args.out)
    if args.plot:
        from . import plots

        if args.by in PERIODS:
            plots.trends(prof, _targets(args.targets), path=args.plot)
        elif args.by:
            plots.ranking(profile(rows, min_count=args.min_count), _targets(args.targets)[0],
                          path=args.plot, min_count=max(args.min_count, 1))
        else:
            plots.heatmap(prof, path=args.plot)
    shown = _rounded(prof.drop(columns=["score_se", "n_oppose", "n_neutral", "n_support"],
                               errors="ignore"), 2)
    with pd.option_context("display.max_rows", 200, "display.width", 200,
                           "display.float_format", "{:.2f}".format):
        print(f"{len(rows)} stance rows from {rows['doc_id'].nunique() if len(rows) else 0} "
              f"documents; score = p_support - p_oppose, 95% interval clustered by document\n")
        table = shown.to_string(index=False) if len(shown) else "(no sentence mentions a target)"
        print("\n".join(line.rstrip() for line in table.splitlines()))
    return 0


def _rounded(frame: Any, decimals: int) -> Any:
    """``frame`` with its float columns rounded, and the -0.0 that rounding leaves (-0.001 to
    -0.0) made 0.0, so that a table never prints "-0.00"."""
    floats = frame.select_dtypes("float").columns
    return frame.assign(**{c: frame[c].round(decimals) + 0.0 for c in floats})


def cmd_analyze(args: argparse.Namespace) -> int:
    _check_outputs(args.out)
    out = _analyze(args, args.out)
    _say(args, args.report.summary() + f" written to {out}")
    print(f"wrote {out}")
    return 0


def cmd_actors(args: argparse.Namespace) -> int:
    from .actors import find_actors

    mentions = find_actors(args.text, as_of=args.as_of)
    if not mentions:
        print("(no actors found)")
    for m in mentions:
        extra = f"  {m.person} ({m.office}{', former' if m.former else ''})" if m.person else ""
        print(f"{m.start:>5}-{m.end:<5} {m.code:<6} {m.text!r:<28} {m.via:<12} {m.name}{extra}")
    return 0


def _read_labelled(path: str) -> Any:
    import pandas as pd

    from .model import validate_training_data

    p = Path(path)
    if not p.is_file():
        raise CLIError(f"{path}: no such file")
    try:
        frame = pd.read_csv(p, dtype=str, keep_default_na=False,
                            sep="\t" if p.suffix.lower() in (".tsv", ".tab") else ",")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise CLIError(f"{path}: cannot read as CSV ({exc})") from None
    validate_training_data(frame, name=path, line_offset=2)
    return frame


def cmd_train(args: argparse.Namespace) -> int:
    from .model import train

    data = _read_labelled(args.data)
    model = train(data, include_default=args.include_default)
    path = model.save(args.out)
    print(f"trained on {model.metadata_['n_rows']} rows; wrote {path} and {path.name}.meta.json")
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from .attribution import evaluate_holders
    from .model import default_corpus, evaluate, train

    if args.data is None:
        if args.model:
            raise CLIError("--model needs DATA: the default evaluation trains its own model on the "
                           "bundled train split")
        print("Bundled corpus: model trained on the train split, scored on the test split.\n")
        model = train(split="train")
        data = default_corpus("test")
    else:
        data = _read_labelled(args.data)
        model = _model(args.model)
    result = evaluate(model, data)
    print(result)
    if args.data is None and model.holders_ is not None:
        h = evaluate_holders(model.holders_, data, stance_model=model)
        print(f"\nholder attribution on {int(h['n_pairs'])} (sentence, target) pairs, as analyze() "
              f"decides it: exact holder set {h['set_accuracy']:.3f}, precision "
              f"{h['precision']:.3f}, recall {h['recall']:.3f}, F1 {h['f1']:.3f} "
              f"(holders named in the sentence or speaking: {h['reachable']:.3f})")
        statements = data[data["speaker"] != ""]
        off = evaluate_holders(model.holders_, statements)
        on = evaluate_holders(model.holders_, statements, stance_model=model)
        print(f"  the {int(on['n_pairs'])} pairs with a speaker, without -> with the position rule: "
              + ", ".join(f"{name} {off[key]:.3f} -> {on[key]:.3f}" for name, key in
                          [("exact holder set", "set_accuracy"), ("precision", "precision"),
                           ("recall", "recall")]))
    return 0


def cmd_sample(args: argparse.Namespace) -> int:
    import pandas as pd

    from .annotation import sample_for_annotation

    p = Path(args.input)
    if not p.is_file():
        raise CLIError(f"{args.input}: no such file")
    rows = pd.read_csv(p, dtype=str, keep_default_na=False)
    out = sample_for_annotation(rows, args.n, args.strategy, model=_model(args.model),
                                path=args.out)
    print(f"wrote {len(out)} rows to {args.out}; fill in the stance column, then "
          f"`stance train {args.out} -o model.joblib --include-default`")
    return 0


COMMANDS = {"profile": cmd_profile, "analyze": cmd_analyze, "actors": cmd_actors,
            "train": cmd_train, "evaluate": cmd_evaluate, "sample": cmd_sample}


class Terminated(KeyboardInterrupt):
    """SIGTERM (sent by ``timeout``, schedulers and containers), handled like Ctrl-C."""


def _on_sigterm(signum: int, frame: Any) -> None:
    raise Terminated


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status.

    SIGTERM is handled like SIGINT: outputs being written are removed (they are only renamed
    into place when complete), worker processes are stopped, one line says so, and the exit
    status is 143 (130 for Ctrl-C). A worker process that dies (killed, out of memory) ends the
    run the same way, with status 2.
    """
    import signal

    from joblib.externals.loky.process_executor import TerminatedWorkerError

    from .analysis import stop_workers
    from .io import InputError

    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    previous = signal.signal(signal.SIGTERM, _on_sigterm) if _main_thread() else None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("default")
            return COMMANDS[args.command](args)
    except (CLIError, InputError, ValueError, TypeError, FileNotFoundError, ImportError) as exc:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        _say(args, f"error: {message}")
        return 2
    except TerminatedWorkerError:
        _say(args, "error: a worker process died (killed, or out of memory); no partial "
                   "output was left")
        return 2
    except KeyboardInterrupt as exc:
        how = "terminated" if isinstance(exc, Terminated) else "interrupted"
        _say(args, f"{how}; no partial output was left")
        return 143 if isinstance(exc, Terminated) else 130
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        if getattr(args, "jobs", 1) != 1:
            stop_workers()


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
