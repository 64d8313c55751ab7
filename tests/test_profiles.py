"""Tests for stance.profiles: mergeable aggregation, intervals, pivots and comparisons."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from stance._checks import clean_text
from stance.actors import Gazetteer
from stance.analysis import ROW_COLUMNS
from stance.profiles import (
    INTERVAL_NOTES,
    MISSING,
    NO_DATE,
    NO_HOLDER_NAME,
    aggregate,
    compare,
    finalize,
    merge,
    profile,
    profile_table,
)

HOLDERS = ["JPN", "CHN", "USA", "DEU", ""]
TARGETS = ["CHN", "RUS", "TWN"]
LABELS = np.array(["oppose", "neutral", "support"])


def make_rows(n_docs: int = 60, seed: int = 0) -> pd.DataFrame:
    """Random rows shaped like analyze()'s output: several rows per document, dated, sourced."""
    rng = np.random.default_rng(seed)
    records = []
    for doc in range(n_docs):
        date = pd.Timestamp("2019-01-01") + pd.Timedelta(days=int(rng.integers(0, 4 * 365)))
        source = ["wire", "paper", "blog"][doc % 3]
        for k in range(int(rng.integers(1, 6))):
            holder = HOLDERS[int(rng.integers(0, len(HOLDERS)))]
            target = TARGETS[int(rng.integers(0, len(TARGETS)))]
            if holder == target:
                continue
            p = rng.dirichlet([1, 1, 1])
            records.append({"doc_id": doc, "sentence_id": k, "holder": holder, "target": target,
                            "stance": LABELS[p.argmax()], "p_oppose": p[0], "p_neutral": p[1],
                            "p_support": p[2], "score": p[2] - p[0],
                            "sentiment": float(rng.uniform(-1, 1)), "date": date,
                            "source": source})
    return pd.DataFrame(records)


@pytest.fixture(scope="module")
def rows() -> pd.DataFrame:
    return make_rows()


def by_document(frame: pd.DataFrame, n_chunks: int):
    """An iterator of frames that never splits a document."""
    ids = frame["doc_id"].unique()
    for part in np.array_split(ids, n_chunks):
        yield frame[frame["doc_id"].isin(part)]


# --- chunks ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("by", "weight"), [(None, "sentence"), ("year", "sentence"),
                                            ("source", "sentence"), (None, "document"),
                                            ("year", "document"), (["year", "source"], "sentence")])
@pytest.mark.parametrize("n_chunks", [2, 7])
def test_profile_of_chunks_equals_profile_of_the_whole(rows, by, weight, n_chunks):
    whole = profile(rows, by=by, weight=weight)
    chunked = profile(by_document(rows, n_chunks), by=by, weight=weight)
    assert len(whole) > 5
    pd.testing.assert_frame_equal(chunked, whole)


def test_chunks_in_any_order_and_with_an_empty_chunk(rows):
    whole = profile(rows)
    parts = [*list(by_document(rows, 5))[::-1], rows.iloc[:0]]
    pd.testing.assert_frame_equal(profile(iter(parts)), whole)


def test_merge_of_aggregates_equals_aggregate_of_the_whole(rows):
    parts = [aggregate(c, "year") for c in by_document(rows, 4)]
    pd.testing.assert_frame_equal(finalize(merge(parts)), finalize(aggregate(rows, "year")))
    with pytest.raises(ValueError, match="at least one"):
        merge([])


def test_chunk_without_dates_by_year(rows):
    undated = rows.copy()
    undated.loc[undated["doc_id"] < 10, "date"] = pd.NaT
    whole = profile(undated, by="year")
    chunks = [undated[undated["doc_id"] < 10], undated[undated["doc_id"] >= 10]]
    pd.testing.assert_frame_equal(profile(iter(chunks), by="year"), whole)


# --- counts and shares ----------------------------------------------------------------------


@pytest.mark.parametrize("by", [None, "year", "source", "month"])
def test_counts_add_up(rows, by):
    prof = profile(rows, by=by)
    assert (prof["n"] == prof["n_oppose"] + prof["n_neutral"] + prof["n_support"]).all()
    assert prof["n"].sum() == len(rows)
    shares = prof[["share_oppose", "share_neutral", "share_support"]].sum(axis=1)
    np.testing.assert_allclose(shares, 1.0)
    assert (prof["n_docs"] <= prof["n"]).all() and (prof["n_docs"] >= 1).all()


def test_counts_match_a_direct_count(rows):
    prof = profile(rows)
    for r in prof.itertuples():
        group = rows[(rows["holder"] == r.holder) & (rows["target"] == r.target)]
        assert r.n == len(group)
        assert r.n_docs == group["doc_id"].nunique()
        assert r.n_support == (group["stance"] == "support").sum()
        assert r.score == pytest.approx(group["score"].mean())
        assert r.sentiment == pytest.approx(group["sentiment"].mean())


def test_no_holder_rows_are_the_tone_of_coverage(rows):
    prof = profile(rows)
    tone = prof[prof["holder"] == ""]
    assert len(tone) > 0
    assert NO_HOLDER_NAME == "(no holder)"
    assert (tone["holder_name"] == "(no holder)").all()
    assert (prof.loc[prof["holder"] == "JPN", "holder_name"] == "Japan").all()


@pytest.mark.parametrize("by", [None, "year"])
def test_names_stand_beside_the_codes(rows, by):
    prof = profile(rows, by=by)
    keys = [] if by is None else [by]
    assert list(prof.columns[:len(keys) + 4]) == [*keys, "holder", "holder_name", "target",
                                                  "target_name"]
    gazetteer = Gazetteer.default()
    named = prof[prof["holder"] != ""]
    assert named["holder_name"].tolist() == [gazetteer.name(h) for h in named["holder"]]
    assert prof["target_name"].tolist() == [gazetteer.name(t) for t in prof["target"]]
    assert set(prof["target_name"]) == {"China", "Russia", "Taiwan"}
    assert set(prof.loc[prof["holder"] == "USA", "holder_name"]) == {"United States"}


def test_an_unknown_code_is_its_own_name():
    prof = profile(_frame(holder=["XYZ"], target=["ABC"]))
    assert prof[["holder_name", "target_name"]].values.tolist() == [["XYZ", "ABC"]]


@pytest.mark.parametrize("weight", ["sentence", "document"])
def test_interval_note_says_why_an_interval_is_missing(rows, weight):
    prof = profile(rows, by=["year", "source"], weight=weight)
    missing = prof["score_low"].isna() | prof["score_high"].isna()
    assert missing.any() and (~missing).any()
    assert (missing == (prof["n_docs"] < 2)).all()  # the one reason an interval is NaN
    assert set(prof.loc[missing, "interval_note"]) == {"n < 2 documents"}
    assert set(prof.loc[~missing, "interval_note"]) == {""}
    assert list(INTERVAL_NOTES.values()) == ["n < 2 documents"]


def test_a_mean_of_zero_is_never_negative_zero():
    # a score of -0.0 (p_support == p_oppose, computed as 0.2 - 0.2 reversed) sums to -0.0
    prof = profile(_frame(doc_id=[1, 2], score=[-0.0, -0.0], sentiment=[-0.0, -0.0]))
    for column in ("score", "score_low", "score_high", "score_se", "sentiment"):
        value = prof[column].iloc[0]
        assert value == 0 and not np.signbit(value), column


def test_counts_add_up_with_missing_sources(rows):
    some_missing = rows.assign(source=rows["source"].where(rows["doc_id"] % 5 != 0, None))
    prof = profile(some_missing, by="source")
    assert prof["n"].sum() == len(rows)


# --- intervals ------------------------------------------------------------------------------


def test_interval_contains_the_mean(rows):
    for weight in ("sentence", "document"):
        prof = profile(rows, weight=weight)
        several = prof[prof["n_docs"] > 1]
        assert len(several) > 0
        assert (several["score_low"] <= several["score"]).all()
        assert (several["score"] <= several["score_high"]).all()
        assert (several["score_se"] > 0).all()
        assert several["score_low"].between(-1, 1).all()
        assert several["score_high"].between(-1, 1).all()
        assert prof.loc[prof["n_docs"] == 1, "score_low"].isna().all()


def test_interval_is_nan_for_a_single_document():
    one = pd.DataFrame({"doc_id": [7, 7, 7], "holder": ["JPN"] * 3, "target": ["RUS"] * 3,
                        "stance": ["oppose", "oppose", "neutral"], "score": [-0.9, -0.5, 0.0],
                        "sentiment": [0.0, 0.1, 0.2]})
    for weight in ("sentence", "document"):
        prof = profile(one, weight=weight)
        assert prof["n"].tolist() == [3] and prof["n_docs"].tolist() == [1]
        assert prof[["score_low", "score_high", "score_se"]].isna().all(axis=None)
        assert prof["score"].iloc[0] == pytest.approx(-1.4 / 3)


SMALL = pd.DataFrame({
    "doc_id": ["a", "a", "b", "c", "c", "c", "d"],
    "holder": ["JPN"] * 7,
    "target": ["CHN"] * 7,
    "stance": ["oppose", "oppose", "support", "neutral", "oppose", "neutral", "support"],
    "score": [-0.6, -0.4, 0.1, -0.2, -0.5, -0.1, 0.2],
    "sentiment": [0.0] * 7,
})


@pytest.mark.parametrize("level", [0.95, 0.8])
def test_document_clustered_interval_by_hand(level):
    y = SMALL["score"].to_numpy()
    docs = SMALL["doc_id"].to_numpy()
    n, clusters = len(y), np.unique(docs)
    g = len(clusters)
    mean = y.mean()
    # cluster-robust variance of a mean (with the usual G/(G-1) correction):
    # G/(G-1) * sum over documents of (sum of the document's residuals)^2 / n^2
    resid_sums = np.array([(y[docs == d] - mean).sum() for d in clusters])
    se = np.sqrt(g / (g - 1) * (resid_sums ** 2).sum() / n ** 2)
    half = stats.t.ppf(0.5 + level / 2, g - 1) * se
    assert -1 < mean - half and mean + half < 1  # not clipped

    prof = profile(SMALL, level=level)
    assert prof["n"].tolist() == [7] and prof["n_docs"].tolist() == [4]
    assert prof["score"].iloc[0] == pytest.approx(mean)
    assert prof["score_se"].iloc[0] == pytest.approx(se)
    assert prof["score_low"].iloc[0] == pytest.approx(mean - half)
    assert prof["score_high"].iloc[0] == pytest.approx(mean + half)


def test_clustering_widens_the_interval_when_documents_repeat_themselves():
    # one document repeating the same sentence many times must not look like many documents
    base = pd.DataFrame({"doc_id": [0, 1, 2, 3], "holder": ["JPN"] * 4, "target": ["CHN"] * 4,
                         "stance": ["oppose"] * 4, "score": [-0.9, -0.1, -0.5, 0.3],
                         "sentiment": [0.0] * 4})
    repeated = pd.concat([base] + [base[base["doc_id"] == 0]] * 10, ignore_index=True)
    independent = repeated.assign(doc_id=range(len(repeated)))
    se_clustered = profile(repeated)["score_se"].iloc[0]
    se_naive = profile(independent)["score_se"].iloc[0]
    assert se_clustered > se_naive


def test_one_row_per_document_reduces_to_the_ordinary_t_interval():
    y = np.array([-0.9, -0.4, 0.2, -0.6, -0.3, 0.1])
    rows = pd.DataFrame({"doc_id": range(6), "holder": ["DEU"] * 6, "target": ["RUS"] * 6,
                         "stance": ["oppose"] * 6, "score": y, "sentiment": [0.0] * 6})
    low, high = stats.t.interval(0.95, len(y) - 1, loc=y.mean(), scale=stats.sem(y))
    for weight in ("sentence", "document"):
        prof = profile(rows, weight=weight)
        assert prof["score_low"].iloc[0] == pytest.approx(low)
        assert prof["score_high"].iloc[0] == pytest.approx(high)


def test_document_weight_is_the_mean_of_document_means_by_hand():
    doc_means = SMALL.groupby("doc_id")["score"].mean().to_numpy()
    low, high = stats.t.interval(0.95, len(doc_means) - 1, loc=doc_means.mean(),
                                 scale=stats.sem(doc_means))
    prof = profile(SMALL, weight="document")
    assert prof["score"].iloc[0] == pytest.approx(doc_means.mean())
    assert prof["score"].iloc[0] != pytest.approx(SMALL["score"].mean())
    assert prof["score_low"].iloc[0] == pytest.approx(max(low, -1))
    assert prof["score_high"].iloc[0] == pytest.approx(min(high, 1))


def test_interval_is_clipped_to_the_score_range():
    rows = pd.DataFrame({"doc_id": [0, 1], "holder": ["JPN"] * 2, "target": ["RUS"] * 2,
                         "stance": ["oppose", "support"], "score": [-1.0, 0.9],
                         "sentiment": [0.0, 0.0]})
    prof = profile(rows)
    assert prof["score_low"].iloc[0] == -1 and prof["score_high"].iloc[0] == 1


# --- options and errors ---------------------------------------------------------------------


def test_min_count_filters(rows):
    full = profile(rows)
    k = int(full["n"].median()) + 1
    filtered = profile(rows, min_count=k)
    assert len(filtered) < len(full)
    assert (filtered["n"] >= k).all()
    kept = set(zip(full.loc[full["n"] >= k, "holder"], full.loc[full["n"] >= k, "target"]))
    assert set(zip(filtered["holder"], filtered["target"])) == kept


@pytest.mark.parametrize("kwargs", [{"by": "decade"}, {"by": "nope"}, {"weight": "word"},
                                    {"level": 1.5}, {"level": 0}])
def test_bad_arguments_raise_value_error(rows, kwargs):
    with pytest.raises(ValueError):
        profile(rows, **kwargs)


def test_by_period_needs_a_date_column_and_keeps_undated_rows(rows):
    with pytest.raises(ValueError, match="date"):
        profile(rows.drop(columns="date"), by="year")
    # rows without dates are kept in their own group, so counts still add up
    undated = profile(rows.assign(date=pd.NaT), by="month")
    assert set(undated["month"]) == {NO_DATE}
    assert undated["n"].sum() == len(rows)


def test_rows_missing_columns_raise(rows):
    with pytest.raises(ValueError, match="score"):
        profile(rows.drop(columns="score"))


def test_by_year_groups_by_calendar_year(rows):
    prof = profile(rows, by="year")
    assert set(prof["year"]) == {str(y) for y in rows["date"].dt.year.unique()}
    jpn = prof[(prof["holder"] == "JPN") & (prof["target"] == "RUS")]
    for r in jpn.itertuples():
        expected = rows[(rows["holder"] == "JPN") & (rows["target"] == "RUS")
                        & (rows["date"].dt.year == int(r.year))]
        assert r.n == len(expected)


def test_empty_rows_give_an_empty_profile(rows):
    prof = profile(rows.iloc[:0])
    assert prof.empty
    assert {"holder", "target", "n", "score", "score_low", "score_high"} <= set(prof.columns)


# --- bad input: one check where rows enter ----------------------------------------------------


def _frame(**columns) -> pd.DataFrame:
    """Rows from columns of Python values, text kept as object (pandas 3's Arrow-backed text
    refuses lone surrogates, which the tests need)."""
    n = len(next(iter(columns.values())))
    base = {"doc_id": list(range(n)), "holder": ["JPN"] * n, "target": ["RUS"] * n,
            "stance": ["oppose"] * n, "score": [-0.5] * n, "sentiment": [0.0] * n}
    base.update(columns)
    return pd.DataFrame({c: pd.Series(v, dtype=object if any(isinstance(x, str) for x in v)
                                      else None) for c, v in base.items()})


@pytest.mark.parametrize("by", [None, "year", "source", ["year", "source"]])
def test_no_rows_give_an_empty_profile_with_the_usual_columns(rows, by):
    columns = list(profile(rows, by=by).columns)
    for empty in (iter([]), [], iter([rows.iloc[:0], rows.iloc[:0]]), rows.iloc[:0]):
        prof = profile(empty, by=by)
        assert prof.empty
        assert list(prof.columns) == columns


def test_labels_are_stripped_and_lower_cased():
    prof = profile(_frame(stance=["Oppose", " SUPPORT\t", "neutral ", "oppose"],
                          score=[-0.5, 0.5, 0.0, -0.3]))
    assert prof[["n_oppose", "n_neutral", "n_support"]].values.tolist() == [[2, 1, 1]]
    shares = prof[["share_oppose", "share_neutral", "share_support"]].iloc[0]
    assert shares.tolist() == [0.5, 0.25, 0.25] and shares.sum() == 1.0


def test_labels_it_cannot_count_raise_naming_values_and_rows():
    labels = ["oppose", "support", "opose", "neutral", None, "x", "x", "x", "opose", "neutral"]
    with pytest.raises(ValueError) as info:
        profile(_frame(stance=labels))
    message = str(info.value)
    assert message.startswith("rows: column 'stance' has values that are not oppose, neutral or "
                              "support: ")
    assert "'opose' (rows 3, 9)" in message
    assert "a missing value (row 5)" in message and "'x' (rows 6, 7, 8)" in message


def test_rows_are_numbered_over_all_chunks(rows):
    first, second = rows.iloc[:10], rows.iloc[10:20].copy()
    second.iloc[3, second.columns.get_loc("stance")] = "Against"
    with pytest.raises(ValueError, match=r"'Against' \(row 14\)"):
        profile(iter([first, second]))
    with pytest.raises(ValueError, match=r"'Against' \(row 4\)"):
        profile(second)


def test_a_missing_score_is_recomputed_from_the_probabilities():
    # the issue: [-0.5, NaN] gave a mean of -0.25 (NaN summed as 0, counted in n)
    frame = _frame(score=[-0.5, np.nan], p_support=[0.2, 0.2], p_oppose=[0.7, 0.5],
                   p_neutral=[0.1, np.nan])
    prof = profile(frame)
    assert prof["n"].tolist() == [2]
    assert prof["score"].iloc[0] == pytest.approx(-0.4)
    assert profile(frame, weight="document")["score"].iloc[0] == pytest.approx(-0.4)


@pytest.mark.parametrize(("extra", "message"), [
    ({}, "rows: column 'score' is missing in rows 2, 3, and without p_support and p_oppose "
         "columns it cannot be recomputed"),
    ({"p_support": [0.2, 0.2, 0.1], "p_oppose": [0.7, np.nan, 0.2]},
     "rows: column 'score' is missing in row 2, and p_support - p_oppose cannot replace it there"),
])
def test_a_missing_score_that_cannot_be_recomputed_raises(extra, message):
    with pytest.raises(ValueError) as info:
        profile(_frame(score=[-0.5, np.nan, None], **extra))
    assert message in str(info.value)


@pytest.mark.parametrize(("columns", "message"), [
    ({"score": [-0.5, "abc"]}, "rows: column 'score' has values that are not numbers: 'abc' (row 2)"),
    ({"score": [np.inf, 0.1]}, "rows: column 'score' has values that are not numbers: inf (row 1)"),
    ({"score": [-0.5, 1.5]}, "rows: column 'score' has values outside [-1, 1]: 1.5 (row 2)"),
    ({"sentiment": ["n/a", 0.1]},
     "rows: column 'sentiment' has values that are not numbers: 'n/a' (row 1)"),
    ({"sentiment": [0.0, -3.0]}, "rows: column 'sentiment' has values outside [-1, 1]: -3.0 (row 2)"),
    ({"score": [np.nan, -0.2], "p_support": ["high", 0.1], "p_oppose": [0.3, 0.3]},
     "rows: column 'p_support' has values that are not numbers: 'high' (row 1)"),
])
def test_numbers_that_are_not_numbers_raise(columns, message):
    with pytest.raises(ValueError) as info:
        profile(_frame(**columns))
    assert message in str(info.value)


def test_numbers_written_as_text_are_read():
    prof = profile(_frame(score=["-0.5", " -0.3 "], sentiment=["0.2", ""]))
    assert prof["score"].iloc[0] == pytest.approx(-0.4)
    assert prof["sentiment"].iloc[0] == pytest.approx(0.2)


def test_a_missing_sentiment_is_left_out_of_the_sentiment_mean():
    prof = profile(_frame(holder=["JPN", "JPN", "DEU"], sentiment=[0.4, np.nan, np.nan]))
    jpn, deu = (prof[prof["holder"] == h].iloc[0] for h in ("JPN", "DEU"))
    assert jpn["n"] == 2 and jpn["sentiment"] == pytest.approx(0.4)  # not 0.2
    assert jpn["score"] == pytest.approx(-0.5)
    assert deu["n"] == 1 and np.isnan(deu["sentiment"])


@pytest.mark.parametrize("missing", [None, np.nan, "", "  "])
def test_a_row_without_target_raises_naming_the_rows(missing):
    with pytest.raises(ValueError) as info:
        profile(_frame(target=["RUS", missing, "CHN", missing]))
    assert "rows: column 'target' is empty or missing in rows 2, 4" in str(info.value)


def test_a_missing_holder_is_the_tone_of_coverage():
    prof = profile(_frame(holder=["", None, np.nan, "JPN"], score=[-0.2, -0.4, -0.6, 0.1]))
    tone = prof[prof["holder"] == ""]
    assert len(prof) == 2 and tone["n"].tolist() == [3]
    assert tone["holder_name"].tolist() == [NO_HOLDER_NAME]
    assert tone["score"].iloc[0] == pytest.approx(-0.4)


def test_lone_surrogates_are_replaced_before_grouping():
    frame = _frame(doc_id=["d\ud800", "d\ud800", 3], holder=["J\udfff", "JPN", "JPN"],
                   source=["a\ud800", "a\ufffd", "b\x00"],
                   speaker=["\ud83d", "s", "s"])
    prof = profile(frame, by="source")
    assert prof["source"].tolist() == ["a\ufffd", "a\ufffd", "b\x00"]
    assert prof["holder"].tolist() == ["JPN", "J\ufffd", "JPN"]
    assert prof["n"].sum() == 3 and prof["n_docs"].tolist() == [1, 1, 1]
    by_speaker = profile(frame, by="speaker")
    assert set(by_speaker["speaker"]) == {"\ufffd", "s"}
    chunked = profile(iter([frame.iloc[:2], frame.iloc[2:]]), by="source")
    pd.testing.assert_frame_equal(chunked, prof)


@pytest.mark.parametrize("bad", ["rows.csv", 3, [{"doc_id": 1}]])
def test_rows_of_the_wrong_type_raise_type_error(bad):
    with pytest.raises(TypeError, match="DataFrame"):
        profile(bad)


# --- hypothesis: arbitrary text never breaks a profile, and every row is counted -------------

#: Any text, lone surrogates and control characters included, and a few that broke things before.
_ANY_TEXT = st.one_of(st.text(alphabet=st.characters(codec=None), max_size=6),
                      st.sampled_from(["a\ud800", "\udfff", "\x00", "x\x1b[31m", "", " "]))
_LABEL_FORMS = [str, str.upper, str.title, lambda s: f" {s}\t"]


@st.composite
def _synthetic_rows(draw: st.DrawFn) -> pd.DataFrame:
    """Rows with the columns of analyze() and arbitrary text in doc_id, source, holder_name."""
    n = draw(st.integers(1, 20))
    columns: dict[str, list] = {c: [] for c in ROW_COLUMNS}
    for i in range(n):
        p = np.array(draw(st.lists(st.floats(0.01, 1), min_size=3, max_size=3)))
        p = p / p.sum()
        values = {
            "doc_id": draw(st.one_of(_ANY_TEXT, st.integers(0, 3))), "sentence_id": i,
            "start": 0, "end": 1, "sentence": draw(_ANY_TEXT),
            "holder": draw(st.one_of(st.sampled_from([*HOLDERS, None, np.nan]), _ANY_TEXT)),
            "holder_name": draw(_ANY_TEXT), "holder_p": 1.0,
            "target": draw(st.one_of(st.sampled_from(TARGETS),
                                     _ANY_TEXT.filter(lambda t: t.strip()))),
            "stance": draw(st.sampled_from(_LABEL_FORMS))(draw(st.sampled_from(list(LABELS)))),
            "p_oppose": p[0], "p_neutral": p[1], "p_support": p[2],
            "score": draw(st.sampled_from([p[2] - p[0], np.nan])),
            "sentiment": draw(st.one_of(st.floats(-1, 1), st.just(np.nan))),
            "event": "", "event_modifier": "", "quad_class": "", "intensity": np.nan,
            "date": draw(st.sampled_from([pd.Timestamp("2020-05-01"), pd.NaT])),
            "source": draw(st.one_of(_ANY_TEXT, st.none())), "speaker": draw(_ANY_TEXT),
        }
        for c, v in values.items():
            columns[c].append(v)
    return pd.DataFrame({c: pd.Series(v, dtype=object) for c, v in columns.items()})


def _key(value, missing: str) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return missing
    return clean_text(str(value))


@settings(max_examples=100, deadline=None)
@given(_synthetic_rows())
def test_profile_of_arbitrary_rows_counts_every_row(frame):
    prof = profile(frame, by="source")
    assert prof["n"].sum() == len(frame)
    assert (prof["n"] == prof["n_oppose"] + prof["n_neutral"] + prof["n_support"]).all()
    shares = prof[["share_oppose", "share_neutral", "share_support"]].sum(axis=1)
    np.testing.assert_allclose(shares, 1.0)
    assert prof["score"].between(-1, 1).all()
    # n per group equals a direct count of the cleaned keys
    holders = ["" if isinstance(h, str) and not h.strip() else _key(h, "")
               for h in frame["holder"]]
    expected = Counter(zip((_key(s, MISSING) for s in frame["source"]), holders,
                           (clean_text(t) for t in frame["target"])))
    assert dict(zip(zip(prof["source"], prof["holder"], prof["target"]), prof["n"])) == expected
    # chunks that do not split a document give the same profile
    docs = frame["doc_id"].map(lambda d: clean_text(str(d)))
    first = docs.isin(sorted(set(docs))[::2])
    chunked = profile(iter([frame[first], frame[~first]]), by="source")
    pd.testing.assert_frame_equal(chunked.sort_values(["source", "holder", "target"])
                                  .reset_index(drop=True),
                                  prof.sort_values(["source", "holder", "target"])
                                  .reset_index(drop=True))


_NEWS = st.sampled_from(["Japan condemned Russia.", "China praised Taiwan.",
                         "Germany criticised China over Taiwan.", "Russia said nothing."])


@settings(max_examples=5, deadline=None)
@given(st.lists(st.tuples(_NEWS, _ANY_TEXT, _ANY_TEXT, _ANY_TEXT), min_size=1, max_size=3))
def test_profile_of_analyzed_arbitrary_texts(small_model, docs):
    import stance

    # analyze() refuses blank and repeated ids: a position before the arbitrary text avoids both
    frame = pd.DataFrame({c: pd.Series(v, dtype=object) for c, v in zip(
        ("text", "id", "source"),
        zip(*((f"{a} {noise}", f"{i}:{d}", s) for i, (a, noise, d, s) in enumerate(docs))))})
    rows = stance.analyze(frame, model=small_model, id_col="id", source_col="source")
    prof = profile(rows, by="source")
    assert prof["n"].sum() == len(rows)
    np.testing.assert_allclose(
        prof[["share_oppose", "share_neutral", "share_support"]].sum(axis=1), 1.0)


# --- profile_table and compare ----------------------------------------------------------------


def test_profile_table_pivots_holder_by_target(rows):
    prof = profile(rows)
    table = profile_table(prof)
    assert set(table.columns) == set(prof["target"])
    assert "Japan" in table.index
    for r in prof.itertuples():
        assert table.loc[r.holder_name, r.target] == pytest.approx(r.score)
    counts = profile_table(prof, "n", names=False)
    assert counts.loc["JPN", "RUS"] == prof.loc[(prof["holder"] == "JPN")
                                                & (prof["target"] == "RUS"), "n"].iloc[0]


def test_profile_table_keeps_the_period(rows):
    table = profile_table(profile(rows, by="year"))
    assert table.index.names == ["year", "holder_name"]


def _docs(scores, start=0):
    return pd.DataFrame({"doc_id": range(start, start + len(scores)), "holder": ["DEU"] * len(scores),
                         "target": ["RUS"] * len(scores), "stance": ["neutral"] * len(scores),
                         "score": scores, "sentiment": [0.0] * len(scores)})


def test_compare_flags_a_big_change_and_not_a_tiny_one():
    rng = np.random.default_rng(1)
    before = profile(_docs(np.clip(0.5 + rng.normal(0, 0.2, 30), -1, 1)))
    after = profile(_docs(np.clip(-0.6 + rng.normal(0, 0.2, 30), -1, 1), start=100))
    big = compare(before, after)
    assert len(big) == 1
    assert big["change"].iloc[0] == pytest.approx(after["score"].iloc[0] - before["score"].iloc[0])
    assert big["change"].iloc[0] < -0.8
    assert bool(big["significant"].iloc[0]) and not bool(big["intervals_overlap"].iloc[0])
    assert big["change_low"].iloc[0] < big["change"].iloc[0] < big["change_high"].iloc[0]

    similar = profile(_docs(np.clip(0.52 + rng.normal(0, 0.3, 30), -1, 1), start=200))
    tiny = compare(before, similar)
    assert abs(tiny["change"].iloc[0]) < 0.2
    assert not bool(tiny["significant"].iloc[0])
    assert bool(tiny["intervals_overlap"].iloc[0])


def test_compare_keeps_only_pairs_present_in_both(rows):
    a = profile(rows[rows["doc_id"] < 30])
    b = profile(rows[rows["doc_id"] >= 30])
    b = b[b["holder"] != "JPN"]
    out = compare(a, b)
    assert "JPN" not in set(out["holder"])
    assert len(out) == len(a.merge(b, on=["holder", "target"]))
