"""Reading corpora from files and writing results atomically.

Inputs: CSV, TSV, JSONL (one JSON object a line), Parquet, a plain text file (one document), or a
folder of text files (one document each, the file name as id). Errors name the file, the row and
the problem. Outputs are written to a temporary file in the same folder and renamed into place, so
an interrupted run never leaves a truncated file.

Every chunk the readers yield knows where each of its documents came from:
``frame.attrs["places"]`` holds, row by row, ``"FILE: line N"`` (CSV, TSV, JSONL; 1-based
lines, so a record whose quoted text spans lines names its first), ``"FILE: row N"``
(Parquet) or the file's path (text files), and :mod:`stance.analysis` names them in its errors
and its report. Lone surrogates (``"\\ud800"`` in a JSON escape) are replaced by U+FFFD
(:func:`stance._checks.clean_text`).
"""

from __future__ import annotations

import codecs
import json
import os
import re
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from ._checks import clean_text, clean_value

__all__ = ["InputError", "atomic_write", "iter_documents", "output_kind", "read_documents",
           "write_table"]

TEXT_SUFFIXES = (".txt", ".text", ".md")


def is_text_input(path: str | os.PathLike[str]) -> bool:
    """Whether :func:`iter_documents` reads ``path`` as text files (a folder, a file ending in
    :data:`TEXT_SUFFIXES` or without a suffix): one document per file, in a column ``text``,
    with the file's name as ``id``.

    Examples
    --------
    >>> is_text_input("speech.txt"), is_text_input("news.csv")
    (True, False)
    """
    path = Path(path)
    return path.is_dir() or path.suffix.lower() in (*TEXT_SUFFIXES, "")

#: Output suffixes :func:`write_table` (and ``analyze_files(out=...)``) write, by format.
OUTPUT_SUFFIXES = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".jsonl": "jsonl",
                   ".ndjson": "jsonl", ".parquet": "parquet", ".pq": "parquet"}


class InputError(ValueError):
    """A problem with an input file, naming the file, the row and the problem."""


def _kind(path: Path) -> str:
    if path.is_dir():
        return "folder"
    suffix = path.suffix.lower()
    if suffix in (".csv",):
        return "csv"
    if suffix in (".tsv", ".tab"):
        return "tsv"
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix in (".parquet", ".pq"):
        return "parquet"
    if is_text_input(path):
        return "text"
    raise InputError(f"{path}: unsupported input type {suffix!r}; use CSV, TSV, JSONL, Parquet, a "
                     ".txt file or a folder of .txt files")


def output_kind(path: str | os.PathLike[str]) -> str:
    """The format written to ``path`` ("csv", "tsv", "jsonl" or "parquet"), from its suffix.

    A file without a suffix is CSV; any other suffix raises a ``ValueError`` before anything is
    computed, rather than writing CSV text into, say, an ``.xlsx`` file.

    Examples
    --------
    >>> output_kind("rows.parquet")
    'parquet'
    >>> output_kind("rows.xlsx")
    Traceback (most recent call last):
    ...
    ValueError: rows.xlsx: cannot write '.xlsx' files; use .csv, .jsonl, .ndjson, .parquet, .pq, .tab, .tsv
    """
    suffix = Path(path).suffix.lower()
    if suffix == "":
        return "csv"
    if suffix not in OUTPUT_SUFFIXES:
        raise ValueError(f"{path}: cannot write {suffix!r} files; use "
                         f"{', '.join(sorted(OUTPUT_SUFFIXES))}")
    return OUTPUT_SUFFIXES[suffix]


def _with_places(frame: pd.DataFrame, places: list[str]) -> pd.DataFrame:
    frame.attrs["places"] = places
    return frame


def _decode_error(path: Path, encoding: str, reason: str) -> InputError:
    """The place of the first byte of ``path`` that does not decode: line, column and offset.

    Decoders report offsets within the block they were given; this reads the file again,
    block by block, to give the place in the file.
    """
    decoder = codecs.getincrementaldecoder(encoding)()
    offset = line = 0
    last_newline = -1
    with open(path, "rb") as fh:
        while True:
            block = fh.read(1 << 20)
            try:
                decoder.decode(block, final=not block)
            except UnicodeDecodeError as exc:
                bad = max(exc.start, 0)
                before = block[:bad]
                line += before.count(b"\n")
                if b"\n" in before:
                    last_newline = offset + before.rindex(b"\n")
                at = offset + bad
                return InputError(f"{path}: line {line + 1}, column {at - last_newline}: not "
                                  f"{encoding.upper()} text ({exc.reason}, byte {at}); give the file's "
                                  f"encoding with --encoding")
            if not block:
                break
            line += block.count(b"\n")
            if b"\n" in block:
                last_newline = offset + block.rindex(b"\n")
            offset += len(block)
    return InputError(f"{path}: not {encoding.upper()} text ({reason})")


def _record_lines(frame: pd.DataFrame, first: int) -> tuple[list[int], int]:
    """The 1-based line of each record of a CSV chunk whose first record starts on ``first``,
    and the line after the chunk: a quoted field holding line breaks makes its record span
    several lines (and is named in ``attrs["multiline"]``)."""
    breaks = [0] * len(frame)
    for column in frame.columns:
        values = frame[column].tolist()
        for i, v in enumerate(values):
            if isinstance(v, str) and "\n" in v:
                breaks[i] += v.count("\n")
    lines = []
    at = first
    for extra in breaks:
        lines.append(at)
        at += 1 + extra
    return lines, at


def iter_documents(path: str | os.PathLike[str], *, text_col: str = "text",
                   chunksize: int = 2_000, encoding: str = "utf-8") -> Iterator[pd.DataFrame]:
    """Read documents from ``path`` in chunks of rows.

    Parameters
    ----------
    path : path-like
        CSV, TSV, JSONL, Parquet, text file or folder of text files.
    text_col : str, default "text"
        Column holding the text (tabular inputs). Text files give a column ``text`` and an ``id``.
    chunksize : int, default 2000
        Rows per chunk.
    encoding : str, default "utf-8"
        The text encoding of CSV, TSV, JSONL and text files ("latin-1", "cp1252", "utf-16"...).

    Yields
    ------
    DataFrame
        Chunks of documents; the index continues across chunks (row position in the file), and
        ``attrs["places"]`` names each row's file and line (see the module's notes).

    Raises
    ------
    InputError
        Missing file, unsupported type, missing text column, unreadable content; the message names
        the file, and the line and column where there is one.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "docs.csv"
    >>> _ = p.write_text("id,text\\n1,Beijing warned Taipei.\\n", encoding="utf-8")
    >>> next(iter_documents(p)).text.tolist()
    ['Beijing warned Taipei.']
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise InputError(f"{path}: unknown encoding {encoding!r}") from None
    kind = _kind(path)
    if kind == "folder":
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES)
        if not files:
            raise InputError(f"{path}: the folder holds no .txt files")
        for start in range(0, len(files), chunksize):
            batch = files[start:start + chunksize]
            yield _with_places(pd.DataFrame(
                {"id": [clean_value(str(p.relative_to(path))) for p in batch],
                 "text": [_read_text(p, encoding) for p in batch]},
                index=range(start, start + len(batch))), [str(p) for p in batch])
        return
    if kind == "text":
        yield _with_places(pd.DataFrame({"id": [clean_value(path.name)],
                                         "text": [_read_text(path, encoding)]}), [str(path)])
        return
    if kind == "parquet":
        try:
            import pyarrow.parquet as pq
        except ImportError:  # pragma: no cover - depends on the environment
            raise InputError(f"{path}: reading Parquet needs pyarrow (pip install 'stance[io]')") from None
        try:
            reader = pq.ParquetFile(path)
        except Exception as exc:
            raise InputError(f"{path}: not a readable Parquet file ({exc})") from None
        if text_col not in reader.schema.names:
            raise InputError(f"{path}: no column {text_col!r}; columns are {reader.schema.names}")
        offset = 0
        for batch in reader.iter_batches(batch_size=chunksize):
            frame = batch.to_pandas()
            frame.index = range(offset, offset + len(frame))
            yield _with_places(frame, [f"{path}: row {offset + i + 1}" for i in range(len(frame))])
            offset += len(frame)
        return
    if kind == "jsonl":
        yield from _iter_jsonl(path, text_col, chunksize, encoding)
        return
    sep = "," if kind == "csv" else "\t"
    try:
        # blank lines are read (and dropped below) so that line numbers stay exact
        with pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False, na_values=[],
                         chunksize=chunksize, encoding=encoding, skip_blank_lines=False) as reader:
            offset = 0
            line = 2  # the header is line 1
            for frame in reader:
                if offset == 0 and text_col not in frame.columns:
                    raise InputError(f"{path}: no column {text_col!r}; columns are "
                                     f"{list(frame.columns)}; choose one with --text-col")
                lines, line = _record_lines(frame, line)
                ends = [*lines[1:], line]
                blank = frame.isna().all(axis=1) | (frame == "").all(axis=1)
                if blank.any():  # a blank line is no document
                    keep = ~blank.to_numpy()
                    frame = frame[keep]
                    ends = [e for e, k in zip(ends, keep) if k]
                    lines = [n for n, k in zip(lines, keep) if k]
                frame.index = range(offset, offset + len(frame))
                offset += len(frame)
                frame = _with_places(frame, [f"{path}: line {n}" for n in lines])
                frame.attrs["multiline"] = [f"{path}: lines {n}-{e - 1}"
                                            for n, e in zip(lines, ends) if e - n > 1]
                yield frame
    except UnicodeDecodeError as exc:
        raise _decode_error(path, encoding, exc.reason) from None
    except pd.errors.ParserError as exc:
        found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if found:  # the parser counts records from 1, header included: find the record's line
            want, record, saw = found.groups()
            line_no = _line_of_record(path, sep, encoding, int(record))
            raise InputError(f"{path}: line {line_no}: malformed {kind.upper()}, {saw} fields "
                             f"where the header has {want} (an unquoted separator in the text?)"
                             ) from None
        raise InputError(f"{path}: malformed {kind.upper()} ({exc})") from None
    except pd.errors.EmptyDataError:
        raise InputError(f"{path}: the file is empty") from None


def _line_of_record(path: Path, sep: str, encoding: str, record: int) -> int:
    """The file line (from 1) on which CSV record ``record`` (from 1, the header first) starts:
    quoted fields may span lines. Read again only to place an error."""
    import csv

    with open(path, newline="", encoding=encoding) as fh:
        reader = csv.reader(fh, delimiter=sep)
        start = 1
        for number, _ in enumerate(reader, 1):
            if number == record:
                return start
            start = reader.line_num + 1
    return start


def _clean_record(record: dict[str, Any]) -> dict[str, Any]:
    return {clean_value(k): clean_value(v) for k, v in record.items()}


def _iter_jsonl(path: Path, text_col: str, chunksize: int, encoding: str = "utf-8"
                ) -> Iterator[pd.DataFrame]:
    records: list[dict[str, Any]] = []
    lines: list[int] = []
    start = 0
    with open(path, encoding=encoding) as fh:
        try:
            for lineno, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(f"{path}, line {lineno}: invalid JSON ({exc.msg})") from None
                if not isinstance(record, dict):
                    raise InputError(f"{path}, line {lineno}: expected a JSON object")
                if text_col not in record:
                    raise InputError(f"{path}, line {lineno}: no field {text_col!r}")
                records.append(_clean_record(record))
                lines.append(lineno)
                if len(records) >= chunksize:
                    yield _jsonl_chunk(path, records, lines, start)
                    start += len(records)
                    records, lines = [], []
        except UnicodeDecodeError as exc:
            raise _decode_error(path, encoding, exc.reason) from None
    if records or start == 0:
        if not records:
            raise InputError(f"{path}: the file holds no records")
        yield _jsonl_chunk(path, records, lines, start)


def _jsonl_chunk(path: Path, records: list[dict[str, Any]], lines: list[int], start: int
                 ) -> pd.DataFrame:
    frame = pd.DataFrame(records, index=range(start, start + len(records)))
    return _with_places(frame, [f"{path}: line {n}" for n in lines])


def _read_text(path: Path, encoding: str = "utf-8") -> str:
    try:
        return clean_text(path.read_text(encoding=encoding))
    except UnicodeDecodeError as exc:
        raise _decode_error(path, encoding, exc.reason) from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None


def read_documents(path: str | os.PathLike[str], *, text_col: str = "text",
                   encoding: str = "utf-8") -> pd.DataFrame:
    """Read all documents of ``path`` into one DataFrame; see :func:`iter_documents`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.txt").write_text("Moscow protested.", encoding="utf-8")
    >>> read_documents(folder)[["id", "text"]].values.tolist()
    [['a.txt', 'Moscow protested.']]
    """
    frames = list(iter_documents(path, text_col=text_col, encoding=encoding))
    if len(frames) == 1:
        return frames[0]
    whole = pd.concat(frames)
    whole.attrs["places"] = [p for f in frames for p in f.attrs["places"]]
    whole.attrs["multiline"] = [p for f in frames for p in f.attrs.get("multiline", [])]
    return whole


def _umask() -> int:
    """The process's umask, read without changing it where the system tells it (Linux)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # elsewhere: read it by setting it, and put it back at once
    os.umask(mask)
    return mask


def _mode_for(path: Path) -> int:
    """Permission bits for a file written to ``path``: the existing file's, else 0o666 & ~umask."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return 0o666 & ~_umask()


@contextmanager
def atomic_write(path: str | os.PathLike[str], mode: str = "w", encoding: str | None = "utf-8"
                 ) -> Iterator[Any]:
    """Open a temporary file beside ``path``; rename it to ``path`` only if the block succeeds.

    The file gets the permissions a plain ``open(path, "w")`` would give it: those of the file it
    replaces, or ``0o666`` less the process's umask for a new file (a temporary file is private,
    0600, until then), so that colleagues on a shared server can read what the umask lets them.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> with atomic_write(p) as fh:
    ...     _ = fh.write("done")
    >>> p.read_text()
    'done'
    """
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    directory.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=directory)
    try:
        with os.fdopen(fd, mode, encoding=encoding if "b" not in mode else None,
                       newline="" if "b" not in mode else None) as fh:
            yield fh
        os.chmod(tmp, _mode_for(path))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_table(frame: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write ``frame`` atomically as CSV, TSV, JSONL or Parquet, chosen by the suffix
    (:func:`output_kind`: any other suffix is refused before the file is touched).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = write_table(pd.DataFrame({"a": [1]}), p)
    >>> p.read_text().splitlines()
    ['a', '1']
    """
    path = Path(path)
    kind = output_kind(path)
    if kind == "parquet":
        with atomic_write(path, "wb") as fh:
            frame.to_parquet(fh, index=False)
    elif kind == "jsonl":
        with atomic_write(path) as fh:
            frame.to_json(fh, orient="records", lines=True, force_ascii=False, date_format="iso")
    elif kind == "tsv":
        with atomic_write(path) as fh:
            frame.to_csv(fh, sep="\t", index=False, lineterminator="\n")
    else:
        with atomic_write(path) as fh:
            frame.to_csv(fh, index=False, lineterminator="\n")
    return path
