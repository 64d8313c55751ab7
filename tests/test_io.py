"""Tests for stance.io: reading corpora in chunks, clear errors, atomic writes."""

from __future__ import annotations

import json
import os
import stat

import pandas as pd
import pytest

from stance.io import InputError, atomic_write, iter_documents, read_documents, write_table

DOCS = pd.DataFrame({
    "id": ["a", "b", "c", "d", "e"],
    "text": ["Beijing warned Taipei.", "Japan condemned Russia.", "Talks, with commas, \"quotes\".",
             "Moscow protested\tloudly.", "Seoul welcomed the deal."],
    "date": ["2020-01-01", "2020-02-01", "2021-03-01", "2022-04-01", "2023-05-01"],
})


def write_docs(path, kind):
    if kind == "csv":
        DOCS.to_csv(path, index=False)
    elif kind == "tsv":
        DOCS.to_csv(path, index=False, sep="\t")
    elif kind == "jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in DOCS.to_dict("records")),
                        encoding="utf-8")
    else:
        DOCS.to_parquet(path, index=False)
    return path


@pytest.mark.parametrize(("kind", "suffix"), [("csv", ".csv"), ("tsv", ".tsv"), ("jsonl", ".jsonl"),
                                              ("parquet", ".parquet"), ("jsonl", ".ndjson")])
@pytest.mark.parametrize("chunksize", [2, 1000])
def test_tabular_inputs_in_chunks(tmp_path, kind, suffix, chunksize):
    path = write_docs(tmp_path / f"docs{suffix}", kind)
    chunks = list(iter_documents(path, chunksize=chunksize))
    assert [len(c) for c in chunks] == ([2, 2, 1] if chunksize == 2 else [5])
    whole = pd.concat(chunks)
    # the index is the row position in the file, continued across chunks
    assert whole.index.tolist() == list(range(5))
    assert whole["text"].tolist() == DOCS["text"].tolist()
    assert whole["id"].tolist() == DOCS["id"].tolist()
    assert whole["date"].astype(str).tolist() == DOCS["date"].tolist()
    pd.testing.assert_frame_equal(read_documents(path)[["id", "text"]].reset_index(drop=True),
                                  DOCS[["id", "text"]])


def test_csv_keeps_values_as_text(tmp_path):
    path = tmp_path / "docs.csv"
    path.write_text("id,text\n007,NA\n008,\n", encoding="utf-8")
    frame = read_documents(path)
    assert frame["id"].tolist() == ["007", "008"]
    assert frame["text"].tolist() == ["NA", ""]


def test_other_text_column(tmp_path):
    path = tmp_path / "docs.csv"
    DOCS.rename(columns={"text": "body"}).to_csv(path, index=False)
    assert read_documents(path, text_col="body")["body"].tolist() == DOCS["text"].tolist()


def test_text_file_is_one_document(tmp_path):
    path = tmp_path / "article.txt"
    path.write_text("First paragraph.\n\nSecond paragraph about Beijing.", encoding="utf-8")
    chunks = list(iter_documents(path))
    assert len(chunks) == 1
    assert chunks[0][["id", "text"]].values.tolist() == [
        ["article.txt", "First paragraph.\n\nSecond paragraph about Beijing."]]


def test_folder_of_text_files(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "b.txt").write_text("Bee.", encoding="utf-8")
    (tmp_path / "a.txt").write_text("Ay.", encoding="utf-8")
    (tmp_path / "sub" / "c.md").write_text("Sea.", encoding="utf-8")
    (tmp_path / "skip.csv").write_text("x\n1\n", encoding="utf-8")
    chunks = list(iter_documents(tmp_path, chunksize=2))
    assert [len(c) for c in chunks] == [2, 1]
    whole = pd.concat(chunks)
    assert whole.index.tolist() == [0, 1, 2]
    assert whole[["id", "text"]].values.tolist() == [["a.txt", "Ay."], ["b.txt", "Bee."],
                                                     ["sub/c.md", "Sea."]]


# --- errors ---------------------------------------------------------------------------------


def _error(path, **kwargs) -> str:
    with pytest.raises(InputError) as info:
        list(iter_documents(path, **kwargs))
    message = str(info.value)
    assert str(path) in message
    assert isinstance(info.value, ValueError)
    return message


def test_missing_file(tmp_path):
    assert "no such file" in _error(tmp_path / "nope.csv")


def test_unsupported_suffix(tmp_path):
    path = tmp_path / "docs.xlsx"
    path.write_bytes(b"PK\x03\x04")
    assert "'.xlsx'" in _error(path)


@pytest.mark.parametrize(("kind", "suffix"), [("csv", ".csv"), ("tsv", ".tsv"),
                                              ("parquet", ".parquet")])
def test_missing_text_column(tmp_path, kind, suffix):
    path = write_docs(tmp_path / f"docs{suffix}", kind)
    message = _error(path, text_col="body")
    assert "'body'" in message and "id" in message


def test_missing_text_field_in_jsonl_names_the_line(tmp_path):
    path = tmp_path / "docs.jsonl"
    path.write_text('{"text": "ok"}\n{"body": "no text"}\n', encoding="utf-8")
    message = _error(path)
    assert "line 2" in message and "'text'" in message


def test_invalid_json_line_names_the_line(tmp_path):
    path = tmp_path / "docs.jsonl"
    path.write_text('{"text": "one"}\n\n{"text": "two"}\n{"text": oops}\n', encoding="utf-8")
    message = _error(path)
    assert "line 4" in message and "invalid JSON" in message


def test_json_line_that_is_not_an_object(tmp_path):
    path = tmp_path / "docs.jsonl"
    path.write_text('{"text": "one"}\n["text"]\n', encoding="utf-8")
    assert "line 2" in _error(path)


#: One document with a non-ASCII letter, by input type, to be written in Latin-1.
LATIN1_BODIES = {".csv": "id,text\n1,Caf\xe9 in P\xe9king\n", ".jsonl": '{"text": "Caf\xe9"}\n',
                 ".txt": "Caf\xe9 talk"}


@pytest.mark.parametrize("suffix", list(LATIN1_BODIES))
def test_non_utf8_file(tmp_path, suffix):
    path = tmp_path / f"docs{suffix}"
    path.write_bytes(LATIN1_BODIES[suffix].encode("latin-1"))
    assert "UTF-8" in _error(path)


def test_a_bad_byte_far_into_a_file_is_placed_by_line_and_column(tmp_path):
    # decoders count from the block they read: the place must be the file's, not "byte 3"
    path = tmp_path / "docs.csv"
    good = "".join(f"{i},Sentence number {i} about nothing.\n" for i in range(20_000))
    path.write_bytes(("id,text\n" + good).encode() + b"20000,Caf\xe9 talk\n")
    message = _error(path)
    assert f"line {20_002}, column 10" in message and "UTF-8" in message
    assert f"byte {len(('id,text' + chr(10) + good).encode()) + 9}" in message


@pytest.mark.parametrize("suffix", list(LATIN1_BODIES))
def test_encoding_option_reads_other_encodings(tmp_path, suffix):
    path = tmp_path / f"docs{suffix}"
    path.write_bytes(LATIN1_BODIES[suffix].encode("latin-1"))
    text = read_documents(path, encoding="latin-1")["text"].tolist()[0]
    assert text.startswith("Caf\xe9")


def test_unknown_encoding_is_named(tmp_path):
    path = tmp_path / "docs.csv"
    path.write_text("text\nx\n", encoding="utf-8")
    assert "unknown encoding 'klingon'" in _error(path, encoding="klingon")


def test_places_name_file_and_line_even_when_a_quote_spans_lines(tmp_path):
    path = tmp_path / "docs.csv"
    path.write_text('id,text\n1,one\n2,"two\nstill two"\n\n3,three\n', encoding="utf-8")
    chunks = list(iter_documents(path, chunksize=2))
    places = [p for c in chunks for p in c.attrs["places"]]
    assert places == [f"{path}: line 2", f"{path}: line 3", f"{path}: line 6"]
    assert read_documents(path).attrs["places"] == places


def test_places_of_jsonl_parquet_and_text_files(tmp_path):
    jsonl = tmp_path / "docs.jsonl"
    jsonl.write_text('{"text": "a"}\n\n{"text": "b"}\n', encoding="utf-8")
    assert read_documents(jsonl).attrs["places"] == [f"{jsonl}: line 1", f"{jsonl}: line 3"]
    pytest.importorskip("pyarrow")
    parquet = tmp_path / "docs.parquet"
    pd.DataFrame({"text": ["a", "b"]}).to_parquet(parquet)
    assert read_documents(parquet).attrs["places"] == [f"{parquet}: row 1", f"{parquet}: row 2"]
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "a.txt").write_text("x", encoding="utf-8")
    assert read_documents(tmp_path / "t").attrs["places"] == [str(tmp_path / "t" / "a.txt")]


def test_a_json_escape_for_a_lone_surrogate_is_replaced(tmp_path):
    path = tmp_path / "docs.jsonl"
    path.write_text('{"id": "a\\ud83d", "text": "Japan condemned Russia \\ud800."}\n',
                    encoding="utf-8")
    frame = read_documents(path)
    assert frame["text"].tolist() == ["Japan condemned Russia \ufffd."]
    assert frame["id"].tolist() == ["a\ufffd"]


def test_non_utf8_file_in_a_folder_names_that_file(tmp_path):
    (tmp_path / "good.txt").write_text("Fine.", encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_bytes("Caf\xe9".encode("latin-1"))
    with pytest.raises(InputError, match=r"bad\.txt"):
        list(iter_documents(tmp_path))


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".jsonl", ".parquet"])
def test_empty_file(tmp_path, suffix):
    path = tmp_path / f"empty{suffix}"
    path.write_bytes(b"")
    _error(path)


def test_folder_without_text_files(tmp_path):
    (tmp_path / "data.csv").write_text("text\nx\n", encoding="utf-8")
    assert "no .txt files" in _error(tmp_path)


def test_malformed_csv(tmp_path):
    path = tmp_path / "docs.csv"
    path.write_text('id,text\n1,"unterminated\n', encoding="utf-8")
    _error(path)


# --- atomic writes --------------------------------------------------------------------------


def test_atomic_write_renames_on_success(tmp_path):
    path = tmp_path / "sub" / "out.txt"
    with atomic_write(path) as fh:
        fh.write("done\n")
        assert not path.exists()
    assert path.read_text(encoding="utf-8") == "done\n"
    assert [p.name for p in path.parent.iterdir()] == ["out.txt"]


@pytest.mark.parametrize("exc", [RuntimeError, KeyboardInterrupt])
def test_atomic_write_leaves_nothing_when_the_block_raises(tmp_path, exc):
    path = tmp_path / "out.csv"
    with pytest.raises(exc), atomic_write(path) as fh:
        fh.write("partial")
        raise exc()
    assert not path.exists()
    assert list(tmp_path.iterdir()) == []


def test_atomic_write_keeps_the_old_file_when_the_block_raises(tmp_path):
    path = tmp_path / "out.txt"
    path.write_text("old", encoding="utf-8")
    with pytest.raises(ValueError), atomic_write(path) as fh:
        fh.write("new")
        raise ValueError("boom")
    assert path.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_atomic_write_binary(tmp_path):
    path = tmp_path / "out.bin"
    with atomic_write(path, "wb") as fh:
        fh.write(b"\x00\x01")
    assert path.read_bytes() == b"\x00\x01"


TABLE = pd.DataFrame({"holder": ["JPN", "", "CHN"], "target": ["RUS", "CHN", "TWN"],
                      "n": [3, 1, 7], "score": [-0.5, 0.25, -0.875],
                      "sentence": ['He said "no", twice.', "Tabs\there", "Caf\u00e9 \u4e2d\u56fd"]})


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".jsonl", ".parquet"])
def test_write_table_round_trips(tmp_path, suffix):
    path = tmp_path / f"table{suffix}"
    assert write_table(TABLE, path) == path
    if suffix == ".csv":
        back = pd.read_csv(path, keep_default_na=False)
    elif suffix == ".tsv":
        back = pd.read_csv(path, sep="\t", keep_default_na=False)
        assert path.read_text(encoding="utf-8").splitlines()[0] == "holder\ttarget\tn\tscore\tsentence"
    elif suffix == ".jsonl":
        back = pd.read_json(path, lines=True, dtype=False)
        assert len(path.read_text(encoding="utf-8").splitlines()) == 3
        assert "\u4e2d\u56fd" in path.read_text(encoding="utf-8")  # not escaped
    else:
        back = pd.read_parquet(path)
    pd.testing.assert_frame_equal(back, TABLE)
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_write_table_without_suffix_writes_csv(tmp_path):
    path = write_table(TABLE, tmp_path / "table")
    assert pd.read_csv(path, keep_default_na=False)["holder"].tolist() == ["JPN", "", "CHN"]


@pytest.mark.parametrize("name", ["rows.xlsx", "table.out", "rows.json"])
def test_write_table_refuses_a_format_it_does_not_write(tmp_path, name):
    # an .xlsx holding CSV text is a file nobody can open; refuse before touching the disk
    with pytest.raises(ValueError, match=rf"{name}: cannot write '\.{name.split('.')[1]}' files"):
        write_table(TABLE, tmp_path / name)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("umask", [0o022, 0o027, 0o077])
def test_atomic_write_follows_the_umask(tmp_path, umask):
    old = os.umask(umask)
    try:
        path = tmp_path / "rows.csv"
        with atomic_write(path) as fh:
            fh.write("a\n")
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask
    finally:
        os.umask(old)


def test_atomic_write_keeps_the_mode_of_the_file_it_replaces(tmp_path):
    path = tmp_path / "model.joblib"
    path.write_bytes(b"old")
    path.chmod(0o640)
    with atomic_write(path, "wb") as fh:
        fh.write(b"new")
    assert path.read_bytes() == b"new"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_cli_outputs_follow_the_umask(tmp_path, small_model):
    """What `stance analyze` and a saved model write is readable as the umask allows."""
    from stance.cli import main

    model = tmp_path / "m.joblib"
    src = tmp_path / "docs.csv"
    src.write_text("id,text\n1,Japan condemned Russia.\n", encoding="utf-8")
    old = os.umask(0o022)
    try:
        small_model.save(model)
        assert main(["analyze", str(src), "--id-col", "id", "--model", str(model), "--out",
                     str(tmp_path / "rows.csv"), "--quiet"]) == 0
    finally:
        os.umask(old)
    for name in ("m.joblib", "m.joblib.meta.json", "rows.csv"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o644, name


def test_a_row_with_too_many_fields_is_placed_by_file_line(tmp_path):
    path = tmp_path / "docs.csv"
    path.write_text("id,text\n1,fine\n2,\"two\nlines\"\n3,one, two\n", encoding="utf-8")
    message = _error(path)
    assert f"{path}: line 5: malformed CSV, 3 fields where the header has 2" in message
