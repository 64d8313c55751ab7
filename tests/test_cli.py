"""Tests for the ``stance`` command line (stance.cli.main, run in-process)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import assert_error, assert_nothing_clipped, leftovers, run

import stance
from stance.analysis import ROW_COLUMNS
from stance.cli import main

PNG = b"\x89PNG\r\n\x1a\n"

#: Six short documents written for these tests, with dates and a speaking country.
DOCS = pd.DataFrame({
    "id": [1, 2, 3, 4, 5, 6],
    "date": ["2021-02-01", "2021-07-15", "2022-03-02", "2022-09-09", "2023-01-20", "2023-06-30"],
    "speaker": ["", "USA", "", "GBR", "", ""],
    "text": [
        "Japan condemned Russia's invasion of Ukraine. Beijing warned Taipei again.",
        "We reject any interference by China in our internal affairs.",
        "Germany criticised Moscow over the attack. China held talks with Brazil.",
        "We stand with Taiwan and oppose any use of force by China.",
        "The weather was fine and markets were calm.",
        "Japan protested against Chinese ships near the islands. Russia sent troops.",
    ],
})


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.fixture
def docs_csv(tmp_path) -> Path:
    path = tmp_path / "docs.csv"
    DOCS.to_csv(path, index=False)
    return path


# --- help and actors --------------------------------------------------------------------------


def test_installed_command_help():
    exe = shutil.which("stance") or str(Path(sys.executable).with_name("stance"))
    result = subprocess.run([exe, "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    for command in ("profile", "analyze", "actors", "train", "evaluate", "sample"):
        assert command in result.stdout


def test_no_command_prints_help_and_exits_2(capsys):
    code, out, _ = run(capsys)
    assert code == 2 and "profile" in out


def test_actors_prints_codes(capsys):
    code, out, _ = run(capsys, "actors", "Beijing warned Taipei as the Kremlin hailed ties")
    assert code == 0
    assert [line.split()[1] for line in out.strip().splitlines()] == ["CHN", "TWN", "RUS"]


def test_actors_by_date_and_nothing_found(capsys):
    code, out, _ = run(capsys, "actors", "Abe visited Washington", "--as-of", "2015-04-28")
    assert code == 0 and "JPN" in out and "USA" in out
    code, out, _ = run(capsys, "actors", "The weather was fine.")
    assert code == 0 and "no actors" in out


# --- profile ----------------------------------------------------------------------------------


def test_profile_prints_a_table_and_writes_out_and_plot(capsys, tmp_path, docs_csv, default_model):
    out_csv, plot = tmp_path / "profile.csv", tmp_path / "heat.png"
    code, out, err = run(capsys, "profile", docs_csv, "--id-col", "id", "--date-col", "date",
                         "--speaker-col", "speaker", "--out", out_csv, "--plot", plot, "--quiet")
    assert code == 0, err
    expected = stance.profile(stance.analyze(DOCS, model=default_model, id_col="id",
                                             date_col="date", speaker_col="speaker"))
    written = pd.read_csv(out_csv, keep_default_na=False)
    assert written[["holder", "target", "n"]].values.tolist() == \
        expected[["holder", "target", "n"]].values.tolist()
    assert written["n"].sum() == expected["n"].sum()
    # the printed table shows the holders and targets
    assert "stance rows from" in out
    for holder in ("JPN", "USA"):
        assert holder in out
    assert "USA" in set(written["holder"])  # the speaker's own "we"
    assert plot.read_bytes()[:8] == PNG
    assert leftovers(tmp_path) == []


def test_profile_by_year(capsys, tmp_path, docs_csv, default_model):
    out_csv, plot = tmp_path / "by_year.csv", tmp_path / "rank.png"
    code, out, err = run(capsys, "profile", docs_csv, "--id-col", "id", "--date-col", "date",
                         "--speaker-col", "speaker", "--by", "year", "--out", out_csv,
                         "--plot", plot, "--quiet")
    assert code == 0, err
    written = pd.read_csv(out_csv, keep_default_na=False, dtype={"year": str})
    assert "year" in written.columns
    assert set(written["year"]) <= {"2021", "2022", "2023"}
    assert len(set(written["year"])) >= 2
    assert "year" in out
    assert plot.read_bytes()[:8] == PNG


def test_profile_prints_names_beside_codes_and_why_intervals_are_missing(capsys, tmp_path,
                                                                         docs_csv, default_model):
    out_csv = tmp_path / "p.csv"
    code, out, err = run(capsys, "profile", docs_csv, "--id-col", "id", "--out", out_csv,
                         "--quiet")
    assert code == 0, err
    lines = out.splitlines()
    header = lines[2].split()
    assert header[:4] == ["holder", "holder_name", "target", "target_name"]
    assert header[-1] == "interval_note"
    japan = [line for line in lines if line.split()[:2] == ["JPN", "Japan"]]
    assert any("Russia" in line for line in japan)
    assert all(line.endswith("n < 2 documents") for line in japan)  # one document each
    assert lines == [line.rstrip() for line in lines]
    tone = [line for line in lines if "(no holder)" in line]
    assert tone and all(line.lstrip().startswith("(no holder)") for line in tone)  # blank code
    written = pd.read_csv(out_csv, keep_default_na=False)
    assert set(written.loc[written["holder"] == "", "holder_name"]) == {"(no holder)"}
    assert set(written.loc[written["n_docs"] < 2, "interval_note"]) == {"n < 2 documents"}


def test_profile_never_prints_negative_zero(capsys, tmp_path, docs_csv, default_model):
    rows_csv = tmp_path / "rows.csv"
    code, _, err = run(capsys, "analyze", docs_csv, "--id-col", "id", "--out", rows_csv, "--quiet")
    assert code == 0, err
    rows = pd.read_csv(rows_csv, keep_default_na=False)
    # tiny negative means: -0.001 prints as 0.00, not -0.00; -0.0 is written as 0.0
    rows = rows.assign(score=-0.001, sentiment=-0.0, p_support=0.0, p_oppose=0.001)
    rows.to_csv(rows_csv, index=False)
    code, out, err = run(capsys, "profile", rows_csv, "--out", tmp_path / "p.csv")
    assert code == 0, err
    assert "-0.00" not in out and " 0.00" in out
    written = (tmp_path / "p.csv").read_text(encoding="utf-8")
    assert "-0.0," not in written and "-0.0\n" not in written
    assert "-0.001" in written  # the file keeps full precision


def test_profile_by_period_plots_lines_over_time(capsys, tmp_path, docs_csv, default_model):
    import matplotlib.pyplot as plt

    for by in ("year", "quarter", "month"):
        plot = tmp_path / f"{by}.png"
        code, _, err = run(capsys, "profile", docs_csv, "--id-col", "id", "--date-col", "date",
                           "--speaker-col", "speaker", "--by", by, "--plot", plot, "--quiet")
        assert code == 0, err
        assert plot.read_bytes()[:8] == PNG
        fig = plt.gcf()
        titles = [ax.get_title(loc="left") for ax in fig.axes]
        assert titles and all(t.startswith("toward ") for t in titles)  # one panel per target
        assert all(ax.get_xlabel() in (by, "") for ax in fig.axes)
        assert_nothing_clipped(fig)
        plt.close("all")
    # years are numbers on the axis: 2021 to 2023 is two years wide, half a year at each end
    code, _, _ = run(capsys, "profile", docs_csv, "--id-col", "id", "--date-col", "date",
                     "--by", "year", "--plot", tmp_path / "y.png", "--quiet")
    assert plt.gcf().axes[0].get_xlim() == (2020.5, 2023.5)


def test_profile_plots_a_heatmap_or_a_ranking(capsys, tmp_path, docs_csv, default_model):
    import matplotlib.pyplot as plt

    code, _, err = run(capsys, "profile", docs_csv, "--id-col", "id", "--plot",
                       tmp_path / "heat.png", "--quiet")
    assert code == 0, err
    fig = plt.gcf()
    assert fig.axes[0].get_images() and fig.axes[1].get_ylabel().startswith("mean score")
    assert_nothing_clipped(fig)
    plt.close("all")
    sourced = tmp_path / "sourced.csv"
    DOCS.assign(source=["wire", "paper"] * 3).to_csv(sourced, index=False)
    code, _, err = run(capsys, "profile", sourced, "--id-col", "id", "--source-col", "source",
                       "--by", "source", "--plot", tmp_path / "rank.png", "--quiet")
    assert code == 0, err
    fig = plt.gcf()
    assert fig.axes[0].get_title().startswith("Stance toward China (CHN):")
    assert_nothing_clipped(fig)


def test_profile_reads_analysed_rows(capsys, tmp_path, docs_csv, default_model):
    rows_csv = tmp_path / "rows.csv"
    code, _, err = run(capsys, "analyze", docs_csv, "--id-col", "id", "--out", rows_csv, "--quiet")
    assert code == 0, err
    code, out, err = run(capsys, "profile", rows_csv, "--out", tmp_path / "p.csv")
    assert code == 0, err
    rows = pd.read_csv(rows_csv)
    assert f"{len(rows)} stance rows" in out
    assert pd.read_csv(tmp_path / "p.csv")["n"].sum() == len(rows)


# --- analyze ----------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_analyze_out(capsys, tmp_path, docs_csv, default_model, suffix):
    out_path = tmp_path / f"rows{suffix}"
    code, out, err = run(capsys, "analyze", docs_csv, "--id-col", "id", "--date-col", "date",
                         "--out", out_path, "--chunksize", "2", "--quiet")
    assert code == 0, err
    assert str(out_path) in out
    if suffix == ".csv":
        rows = pd.read_csv(out_path, keep_default_na=False)
    elif suffix == ".jsonl":
        rows = pd.read_json(out_path, lines=True)
    else:
        rows = pd.read_parquet(out_path)
    assert list(rows.columns) == ROW_COLUMNS
    expected = stance.analyze(DOCS, model=default_model, id_col="id", date_col="date")
    assert rows["doc_id"].astype(int).tolist() == expected["doc_id"].tolist()
    assert rows["stance"].tolist() == expected["stance"].tolist()
    assert leftovers(tmp_path) == []


def test_analyze_other_targets(capsys, tmp_path, docs_csv, default_model):
    out_path = tmp_path / "rows.csv"
    code, _, err = run(capsys, "analyze", docs_csv, "--targets", "ukr, deu", "--out", out_path,
                       "--quiet")
    assert code == 0, err
    assert set(pd.read_csv(out_path)["target"]) == {"UKR", "DEU"}


def test_interrupted_analyze_leaves_no_output(capsys, tmp_path, docs_csv, default_model,
                                              monkeypatch):
    import stance.analysis

    real = stance.analysis.analyze_frame
    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(stance.analysis, "analyze_frame", flaky)
    out_path = tmp_path / "rows.csv"
    code, _, err = run(capsys, "analyze", docs_csv, "--out", out_path, "--chunksize", "1",
                       "--quiet")
    assert len(calls) == 2
    assert code == 130
    assert "interrupted" in err
    assert not out_path.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs.csv"]


# --- train, evaluate, sample ------------------------------------------------------------------


@pytest.fixture(scope="module")
def labelled(tmp_path_factory) -> Path:
    data = stance.default_corpus("train")
    data = data.groupby("stance").head(12)
    path = tmp_path_factory.mktemp("labels") / "labels.csv"
    data[["text", "holder", "target", "stance"]].to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def trained(tmp_path_factory, labelled) -> Path:
    model = tmp_path_factory.mktemp("model") / "m.joblib"
    assert main(["train", str(labelled), "-o", str(model)]) == 0
    return model


def test_train_then_evaluate(capsys, trained, labelled):
    assert trained.is_file()
    assert trained.with_name(trained.name + ".meta.json").is_file()
    assert sorted(p.name for p in trained.parent.iterdir()) == ["m.joblib", "m.joblib.meta.json"]
    loaded = stance.load_model(trained)
    assert loaded.metadata_["n_rows"] == 36
    code, out, err = run(capsys, "evaluate", labelled, "--model", trained)
    assert code == 0, err
    assert "rows scored: 36" in out
    assert "macro-F1" in out


def test_sample_writes_rows_to_label(capsys, tmp_path, docs_csv, default_model):
    rows_csv = tmp_path / "rows.csv"
    assert main(["analyze", str(docs_csv), "--out", str(rows_csv), "--quiet"]) == 0
    capsys.readouterr()
    out_csv = tmp_path / "to_label.csv"
    code, out, err = run(capsys, "sample", rows_csv, "-n", "3", "-o", out_csv)
    assert code == 0, err
    picked = pd.read_csv(out_csv, keep_default_na=False)
    assert len(picked) == 3
    assert picked["stance"].tolist() == ["", "", ""]
    assert set(picked["text"]) <= set(pd.read_csv(rows_csv)["sentence"])
    assert (picked["uncertainty"].diff().dropna() <= 0).all()
    assert "wrote 3 rows" in out


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["profile", "analyze"])
def test_missing_input_file(capsys, tmp_path, command, default_model):
    missing = tmp_path / "nope.csv"
    out_path = tmp_path / "out.csv"
    code, _, err = run(capsys, command, missing, "--out", out_path, "--quiet")
    assert_error(code, err, str(missing))
    assert sorted(p.name for p in tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", ["profile", "analyze"])
def test_missing_column(capsys, tmp_path, docs_csv, command, default_model):
    out_path = tmp_path / "out.csv"
    code, _, err = run(capsys, command, docs_csv, "--text-col", "body", "--out", out_path,
                       "--quiet")
    assert_error(code, err, str(docs_csv), "'body'")
    assert not out_path.exists() and leftovers(tmp_path) == []


@pytest.mark.parametrize("command", ["profile", "analyze"])
def test_missing_id_column(capsys, tmp_path, docs_csv, command, default_model):
    out_path = tmp_path / "out.csv"
    code, _, err = run(capsys, command, docs_csv, "--id-col", "key", "--out", out_path,
                       "--quiet")
    assert_error(code, err, "'key'")
    assert not out_path.exists() and leftovers(tmp_path) == []


def test_bad_json_line(capsys, tmp_path, default_model):
    path = tmp_path / "docs.jsonl"
    path.write_text('{"text": "Japan condemned Russia."}\n{"text": \n', encoding="utf-8")
    code, _, err = run(capsys, "analyze", path, "--out", tmp_path / "rows.csv", "--quiet")
    assert_error(code, err, str(path), "line 2")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs.jsonl"]


def test_bad_labels_name_the_line(capsys, tmp_path):
    path = tmp_path / "labels.csv"
    pd.DataFrame({"text": ["Japan condemned Russia.", "China praised Russia.", "Seoul met Beijing."],
                  "holder": ["JPN", "CHN", "KOR"], "target": ["RUS", "RUS", "CHN"],
                  "stance": ["oppose", "maybe", "neutral"]}).to_csv(path, index=False)
    model = tmp_path / "m.joblib"
    code, _, err = run(capsys, "train", path, "-o", model)
    assert_error(code, err, str(path), "'maybe'", "lines 3")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["labels.csv"]


def test_labels_missing_column(capsys, tmp_path):
    path = tmp_path / "labels.csv"
    pd.DataFrame({"text": ["Japan condemned Russia."], "target": ["RUS"]}).to_csv(path, index=False)
    code, _, err = run(capsys, "evaluate", path)
    assert_error(code, err, str(path), "stance")


def test_labels_file_missing(capsys, tmp_path):
    missing = tmp_path / "none.csv"
    code, _, err = run(capsys, "train", missing, "-o", tmp_path / "m.joblib")
    assert_error(code, err, str(missing))
    assert list(tmp_path.iterdir()) == []


def test_unknown_target_code(capsys, tmp_path, docs_csv, default_model):
    out_path = tmp_path / "out.csv"
    for command in ("profile", "analyze"):
        code, _, err = run(capsys, command, docs_csv, "--targets", "CHN,XYZ", "--out", out_path,
                           "--quiet")
        assert_error(code, err, "--targets", "XYZ")
        assert not out_path.exists() and leftovers(tmp_path) == []


def test_tampered_model(capsys, tmp_path, trained, labelled):
    copy = tmp_path / "m.joblib"
    shutil.copy(trained, copy)
    shutil.copy(trained.with_name(trained.name + ".meta.json"), tmp_path / "m.joblib.meta.json")
    with open(copy, "ab") as fh:
        fh.write(b"\x00tampered")
    code, _, err = run(capsys, "evaluate", labelled, "--model", copy)
    assert_error(code, err, str(copy), "SHA-256")
    out_path = tmp_path / "rows.csv"
    code, _, err = run(capsys, "analyze", labelled, "--model", copy, "--out", out_path, "--quiet")
    assert_error(code, err, str(copy))
    assert not out_path.exists() and leftovers(tmp_path) == []


def test_tampered_model_with_workers_is_named_once(tmp_path, trained):
    # regression: with --jobs 2 the workers load the model file themselves; a bad file failed in
    # a worker, and loky's manager thread printed a traceback after the message. A fresh process
    # (the thread's traceback goes to the real stderr) and an input above MIN_PARALLEL_BYTES.
    from stance.analysis import MIN_PARALLEL_BYTES

    copy = tmp_path / "m.joblib"
    shutil.copy(trained, copy)
    shutil.copy(trained.with_name(trained.name + ".meta.json"), tmp_path / "m.joblib.meta.json")
    with open(copy, "ab") as fh:
        fh.write(b"\x00tampered")
    text = "Japan condemned Russia's decision, officials in Tokyo said on Monday. " * 20
    big = tmp_path / "big.csv"
    n = MIN_PARALLEL_BYTES // len(text) + 10
    pd.DataFrame({"id": range(n), "text": [text] * n}).to_csv(big, index=False)
    out_path = tmp_path / "rows.csv"
    result = subprocess.run([sys.executable, "-m", "stance", "analyze", str(big), "--id-col", "id",
                             "--model", str(copy), "--out", str(out_path), "--jobs", "2",
                             "--quiet"], capture_output=True, text=True, timeout=300)
    assert_error(result.returncode, result.stderr, str(copy), "SHA-256")
    assert not out_path.exists() and leftovers(tmp_path) == []


def test_model_without_metadata(capsys, tmp_path, trained, labelled):
    copy = tmp_path / "m.joblib"
    shutil.copy(trained, copy)
    code, _, err = run(capsys, "evaluate", labelled, "--model", copy)
    assert_error(code, err, str(copy), "metadata")


def test_sample_missing_input_and_bad_n(capsys, tmp_path, labelled, default_model):
    missing = tmp_path / "rows.csv"
    out_path = tmp_path / "x.csv"
    code, _, err = run(capsys, "sample", missing, "-n", "3", "-o", out_path)
    assert_error(code, err, str(missing))
    code, _, err = run(capsys, "sample", labelled, "-n", "0", "-o", out_path)
    assert_error(code, err, "n must be")
    assert not out_path.exists() and leftovers(tmp_path) == []


def test_analyze_and_profile_take_your_aliases_and_role_rules(capsys, tmp_path, default_model):
    docs = tmp_path / "docs.csv"
    docs.write_text("id,text\n1,The Hermit Kingdom warned China over the border.\n", encoding="utf-8")
    aliases = tmp_path / "aliases.tsv"
    aliases.write_text("alias\tcode\nHermit Kingdom\tPRK\n", encoding="utf-8")
    out = tmp_path / "rows.csv"
    code, _, _ = run(capsys, "analyze", docs, "--out", out, "--aliases", aliases, "--quiet")
    assert code == 0
    rows = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert set(rows["holder"]) == {"PRK"}
    code, printed, _ = run(capsys, "profile", docs, "--aliases", aliases, "--quiet")
    assert code == 0 and "PRK" in printed
    # a rule of your own: what the Hermit Kingdom "warns" over a border is no position here
    rules = tmp_path / "rules.tsv"
    rules.write_text(
        "rule\trole\tmentions\tkind\tvia\tpossessive\tleft\twindow\tright\tpredicate\twhen\teffect\t"
        "example\nhermit\tlabel\tother\tany\tany\tany\t\t\t\\s+(?i:warned)\\b\t\tpredict\tcandidate\tx\n",
        encoding="utf-8")
    code, _, _ = run(capsys, "analyze", docs, "--out", out, "--aliases", aliases, "--role-rules",
                     rules, "--quiet")
    assert code == 0
    assert set(pd.read_csv(out, dtype=str, keep_default_na=False)["holder"]) == {""}


@pytest.mark.parametrize(("option", "content", "message"), [
    ("--aliases", None, "--aliases: .*cannot read alias file"),
    ("--role-rules", "rule\trole\n", "--role-rules: .*missing column"),
])
def test_bad_aliases_or_rules_exit_2_with_one_line(capsys, tmp_path, option, content, message):
    docs = tmp_path / "docs.csv"
    docs.write_text("id,text\n1,Japan condemned Russia.\n", encoding="utf-8")
    path = tmp_path / "knowledge.tsv"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    code, _, err = run(capsys, "analyze", docs, "--out", tmp_path / "rows.csv", option, path)
    assert code == 2
    assert re.search(message, err) and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "rows.csv").exists()


# --- bad input: one line, exit 2, the file and line; accounting on stderr (issues 23, 24) ------


def test_analyze_prints_what_it_read_skipped_and_wrote(capsys, tmp_path, default_model):
    path = tmp_path / "docs.csv"
    path.write_text('id,text\n1,Japan condemned Russia.\n2,\n3,"The weather\nwas mild."\n',
                    encoding="utf-8")
    out_path = tmp_path / "rows.csv"
    code, _, err = run(capsys, "analyze", path, "--id-col", "id", "--out", out_path, "--quiet")
    assert code == 0
    line = [x for x in err.splitlines() if "documents read" in x]
    assert len(line) == 1 and not err.count("Warning"), err
    assert line[0].startswith("stance analyze: 3 documents read: 2 analysed (1 naming no target), "
                              f"1 skipped (empty text: {path}: line 3)")
    assert f"1 record(s) span several lines, check for an unclosed quote ({path}: lines 4-5)" \
        in line[0]
    assert line[0].endswith(f"{len(pd.read_csv(out_path))} rows written to {out_path}")
    code, _, err = run(capsys, "analyze", path, "--id-col", "id", "--out", out_path, "--quiet",
                       "--strict")
    assert_error(code, err, f"{path}: line 3, column 'text': empty text")


def test_profile_prints_the_accounting_too(capsys, tmp_path, docs_csv, default_model):
    code, _, err = run(capsys, "profile", docs_csv, "--id-col", "id", "--quiet")
    assert code == 0
    assert "stance profile: 6 documents read: 6 analysed (1 naming no target), 0 skipped" in err


def test_duplicate_ids_exit_2_naming_both_lines(capsys, tmp_path, default_model):
    path = tmp_path / "docs.csv"
    path.write_text("id,text\na,Japan condemned Russia.\nb,Fine.\na,Other text.\n",
                    encoding="utf-8")
    for command in ("analyze", "profile"):
        code, _, err = run(capsys, command, path, "--id-col", "id", "--out",
                           tmp_path / "out.csv", "--quiet")
        assert_error(code, err, f"{path}: line 4, column 'id': the id 'a' is already that of "
                                f"{path}: line 2")
    assert leftovers(tmp_path) == [] and not (tmp_path / "out.csv").exists()


def test_bad_date_exit_2_naming_file_line_and_value(capsys, tmp_path, default_model):
    path = tmp_path / "docs.csv"
    path.write_text("text,date\nJapan condemned Russia.,2020-01-01\nFine.,1677-02-30\n",
                    encoding="utf-8")
    for command in ("analyze", "profile"):
        code, _, err = run(capsys, command, path, "--date-col", "date", "--out",
                           tmp_path / "out.csv", "--quiet")
        assert_error(code, err, f"{path}: line 3, column 'date': '1677-02-30' is not a date")


@pytest.mark.parametrize("out", ["rows.xlsx", "rows.json", "rows.out"])
def test_an_output_format_we_do_not_write_is_refused_before_any_work(capsys, tmp_path, docs_csv,
                                                                     out, monkeypatch):
    import stance.analysis

    monkeypatch.setattr(stance.analysis, "analyze_frame", None)  # would fail if reached
    for command, option in (("analyze", "--out"), ("profile", "--out"),
                            ("profile", "--rows-out")):
        code, _, err = run(capsys, command, docs_csv, option, tmp_path / out, "--quiet")
        assert_error(code, err, f"{tmp_path / out}: cannot write '.{out.split('.')[1]}' files")
    code, _, err = run(capsys, "profile", docs_csv, "--plot", tmp_path / "p.xlsx", "--quiet")
    assert_error(code, err, "cannot draw '.xlsx' files")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs.csv"]


def test_encoding_option(capsys, tmp_path, default_model):
    path = tmp_path / "docs.csv"
    path.write_bytes("id,text\n1,Caf\xe9 owners in Japan condemned Russia.\n".encode("latin-1"))
    out_path = tmp_path / "rows.csv"
    code, _, err = run(capsys, "analyze", path, "--out", out_path, "--quiet")
    assert_error(code, err, f"{path}: line 2, column 6: not UTF-8 text", "--encoding")
    code, _, err = run(capsys, "analyze", path, "--out", out_path, "--quiet", "--encoding",
                       "latin-1")
    assert code == 0, err
    assert pd.read_csv(out_path)["sentence"].str.contains("Caf\xe9").all()


def test_a_json_surrogate_escape_is_read(capsys, tmp_path, default_model):
    # regression: exit 2 with a message naming no file or line
    path = tmp_path / "docs.jsonl"
    path.write_text('{"id": "x\\ud83d", "text": "Japan condemned Russia \\ud800."}\n'
                    '{"id": "y", "text": "No target \\udfff here."}\n', encoding="utf-8")
    for suffix in (".csv", ".jsonl", ".parquet"):
        out_path = tmp_path / f"rows{suffix}"
        code, _, err = run(capsys, "analyze", path, "--id-col", "id", "--out", out_path,
                           "--quiet")
        assert code == 0, err
    code, _, err = run(capsys, "profile", path, "--id-col", "id", "--quiet")
    assert code == 0, err


def _descendants(pid: int) -> set[int]:
    """Live processes below ``pid`` (Linux /proc)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z":
            parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {p for p, pp in parents.items() if pp in frontier} - found
        found |= frontier
    return found


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.add(pid)
    return alive


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("how", ["SIGTERM the run", "SIGKILL a worker", "SIGKILL the run"])
def test_a_killed_parallel_run_leaves_no_output_and_no_process(tmp_path, small_model, how):
    import os
    import signal
    import time

    from stance.analysis import MIN_PARALLEL_BYTES

    model = small_model.save(tmp_path / "m.joblib")
    countries = ["Japan", "Germany", "Brazil", "India", "Kenya", "Chile", "Peru"]
    n = 20_000  # large enough for workers (smaller inputs are analysed in one process)
    docs = pd.DataFrame({"id": range(n), "text": [
        f"{countries[i % 7]} condemned Russia over incident number {i}. Beijing warned Taipei "
        f"on day {i}. Talks resumed in the capital." for i in range(n)]})
    src = tmp_path / "docs.csv"
    docs.to_csv(src, index=False)
    assert src.stat().st_size > MIN_PARALLEL_BYTES
    out_path = tmp_path / "rows.csv"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "stance", "analyze", str(src), "--id-col", "id",
                             "--model", str(model), "--jobs", "2", "--chunksize", "500",
                             "--out", str(out_path), "--quiet"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        deadline = time.time() + 120
        workers: set[int] = set()
        while time.time() < deadline and proc.poll() is None:
            # running once the workers are up and the first rows are in the temporary file
            workers = {p for p in _descendants(proc.pid)
                       if "LokyProcess" in Path(f"/proc/{p}/cmdline").read_bytes().decode(
                           errors="replace")} if _descendants(proc.pid) else set()
            if len(workers) >= 2 and any(tmp_path.glob(".rows.csv.*.part")):
                break
            time.sleep(0.2)
        assert proc.poll() is None and len(workers) >= 2, "the run ended before it was killed"
        children = _descendants(proc.pid)
        if how == "SIGTERM the run":
            proc.send_signal(signal.SIGTERM)
        elif how == "SIGKILL a worker":
            os.kill(sorted(workers)[0], signal.SIGKILL)
        else:
            proc.kill()
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    deadline = time.time() + 10
    while _alive(children) and time.time() < deadline:
        time.sleep(0.2)
    assert not _alive(children)  # regression: workers idled on for 300 s after a kill -9
    if how == "SIGKILL the run":  # nothing can run in the killed process: the next run cleans up
        assert proc.returncode == -signal.SIGKILL
        return
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    if how == "SIGTERM the run":
        assert proc.returncode == 143
        assert lines[0] == "stance analyze: terminated; no partial output was left"
    else:
        assert proc.returncode == 2
        assert lines[0].startswith("stance analyze: error: a worker process died")
    assert not out_path.exists() and leftovers(tmp_path) == []


def test_profile_progress_covers_the_whole_run(capsys, tmp_path, docs_csv, default_model,
                                               monkeypatch):
    from stance import analysis

    events: list = []
    real = analysis.analyze_frame

    class Bar:
        def __init__(self, total, unit):
            self.total, self.n = total, 0
            events.append(("bar", total))

        def update(self, k):
            self.n += k
            events.append(("update", self.n))

        def close(self):
            events.append(("close", self.n))

    def frame(docs, *args, **kwargs):
        events.append(("analyse", len(docs)))
        return real(docs, *args, **kwargs)

    monkeypatch.setattr(analysis, "_progress_bar", Bar)
    monkeypatch.setattr(analysis, "analyze_frame", frame)
    monkeypatch.setattr(analysis, "UNIT_CHARS", 100)  # several units
    monkeypatch.setattr(analysis, "SERIAL_UNIT_CHARS", 100)
    code, _, err = run(capsys, "profile", docs_csv)
    assert code == 0, err
    assert sum(kind == "analyse" for kind, _ in events) > 2
    size = docs_csv.stat().st_size
    assert events[0] == ("bar", size) and events[-1] == ("close", size)
    last = max(k for k, (kind, _) in enumerate(events) if kind == "analyse")
    assert all(n < size for kind, n in events[:last] if kind == "update")
