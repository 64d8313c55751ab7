"""Reading corpora from files and writing results atomically.

Inputs: CSV, TSV, JSONL (one JSON object a line), Parquet, a plain text file (one document), or a
folder of text files (one document each, the file name as id). Errors name the file, the row and
the problem. Outputs are written to a temporary file in the same folder and renamed into place, so
an interrupted run never leaves a truncated file.
"""

from __future__ import annotations

import json
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["InputError", "atomic_write", "iter_documents", "read_documents", "write_table"]

TEXT_SUFFIXES = (".txt", ".text", ".md")


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
    if suffix in TEXT_SUFFIXES or suffix == "":
        return "text"
    raise InputError(f"{path}: unsupported input type {suffix!r}; use CSV, TSV, JSONL, Parquet, a "
                     ".txt file or a folder of .txt files")


def iter_documents(path: str | os.PathLike[str], *, text_col: str = "text",
                   chunksize: int = 2_000) -> Iterator[pd.DataFrame]:
    """Read documents from ``path`` in chunks of rows.

    Parameters
    ----------
    path : path-like
        CSV, TSV, JSONL, Parquet, text file or folder of text files.
    text_col : str, default "text"
        Column holding the text (tabular inputs). Text files give a column ``text`` and an ``id``.
    chunksize : int, default 2000
        Rows per chunk.

    Yields
    ------
    DataFrame
        Chunks of documents; the index continues across chunks (row position in the file).

    Raises
    ------
    InputError
        Missing file, unsupported type, missing text column, unreadable content; the message names
        the file (and line, for JSONL).

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
    kind = _kind(path)
    if kind == "folder":
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES)
        if not files:
            raise InputError(f"{path}: the folder holds no .txt files")
        for start in range(0, len(files), chunksize):
            batch = files[start:start + chunksize]
            yield pd.DataFrame({"id": [str(p.relative_to(path)) for p in batch],
                                "text": [_read_text(p) for p in batch]},
                               index=range(start, start + len(batch)))
        return
    if kind == "text":
        yield pd.DataFrame({"id": [path.name], "text": [_read_text(path)]})
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
            offset += len(frame)
            yield frame
        return
    if kind == "jsonl":
        yield from _iter_jsonl(path, text_col, chunksize)
        return
    sep = "," if kind == "csv" else "\t"
    try:
        with pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False, na_values=[],
                         chunksize=chunksize, encoding="utf-8") as reader:
            offset = 0
            for frame in reader:
                if offset == 0 and text_col not in frame.columns:
                    raise InputError(f"{path}: no column {text_col!r}; columns are "
                                     f"{list(frame.columns)}; choose one with --text-col")
                frame.index = range(offset, offset + len(frame))
                offset += len(frame)
                yield frame
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except pd.errors.ParserError as exc:
        raise InputError(f"{path}: malformed {kind.upper()} ({exc})") from None
    except pd.errors.EmptyDataError:
        raise InputError(f"{path}: the file is empty") from None


def _iter_jsonl(path: Path, text_col: str, chunksize: int) -> Iterator[pd.DataFrame]:
    records: list[dict[str, Any]] = []
    start = 0
    with open(path, encoding="utf-8") as fh:
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
                records.append(record)
                if len(records) >= chunksize:
                    yield pd.DataFrame(records, index=range(start, start + len(records)))
                    start += len(records)
                    records = []
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}: not UTF-8 text ({exc.reason})") from None
    if records or start == 0:
        if not records:
            raise InputError(f"{path}: the file holds no records")
        yield pd.DataFrame(records, index=range(start, start + len(records)))


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None


def read_documents(path: str | os.PathLike[str], *, text_col: str = "text") -> pd.DataFrame:
    """Read all documents of ``path`` into one DataFrame; see :func:`iter_documents`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.txt").write_text("Moscow protested.", encoding="utf-8")
    >>> read_documents(folder)[["id", "text"]].values.tolist()
    [['a.txt', 'Moscow protested.']]
    """
    frames = list(iter_documents(path, text_col=text_col))
    return pd.concat(frames) if len(frames) > 1 else frames[0]


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
    """Write ``frame`` atomically as CSV, TSV, JSONL or Parquet, chosen by the suffix.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = write_table(pd.DataFrame({"a": [1]}), p)
    >>> p.read_text().splitlines()
    ['a', '1']
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        with atomic_write(path, "wb") as fh:
            frame.to_parquet(fh, index=False)
    elif suffix in (".jsonl", ".ndjson"):
        with atomic_write(path) as fh:
            frame.to_json(fh, orient="records", lines=True, force_ascii=False, date_format="iso")
    elif suffix in (".tsv", ".tab"):
        with atomic_write(path) as fh:
            frame.to_csv(fh, sep="\t", index=False, lineterminator="\n")
    else:
        with atomic_write(path) as fh:
            frame.to_csv(fh, index=False, lineterminator="\n")
    return path
