"""Tests for stance.panels: dyad-year and country-year panels and signed edge lists."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stance.panels import edges, panel


def _rows(**extra) -> pd.DataFrame:
    frame = pd.DataFrame({
        "doc_id": ["a", "a", "a", "b", "c", "c", "d"],
        "holder": ["JPN", "JPN", "", "JPN", "BLR", "JPN", "JPN"],
        "target": ["RUS", "RUS", "RUS", "RUS", "RUS", "CHN", "RUS"],
        "stance": ["oppose", "oppose", "neutral", "neutral", "support", "support", "oppose"],
        "score": [-0.9, -0.5, 0.0, 0.1, 0.8, 0.6, -0.4],
        "date": pd.to_datetime(["2021-01-05", "2021-01-05", "2021-01-05", "2021-06-01", "2021-02-02",
                                "2021-02-02", None]),
    })
    return frame.assign(**extra)


def test_dyad_year_weights_each_document_once_and_leaves_out_no_holder_and_undated_rows():
    out = panel(_rows())
    jpn = out[(out["holder"] == "JPN") & (out["target"] == "RUS")].iloc[0]
    # document a: mean of -0.9 and -0.5 = -0.7; document b: 0.1; their mean is -0.3
    assert jpn["score"] == pytest.approx(-0.3)
    assert (jpn["n_docs"], jpn["n_rows"], jpn["year"]) == (2, 3, 2021)
    assert jpn["share_oppose"] == pytest.approx(0.5)
    half = 1.96 * np.std([-0.7, 0.1], ddof=1) / np.sqrt(2)
    assert (jpn["score_low"], jpn["score_high"]) == (pytest.approx(-0.3 - half), pytest.approx(-0.3 + half))
    assert "" not in set(out["holder"])
    assert out.attrs["undated_rows"] == 1
    # one document: no interval
    assert np.isnan(out[out["holder"] == "BLR"]["score_low"].iat[0])


def test_country_year_has_one_row_per_holder_year_and_a_block_per_target():
    out = panel(_rows(), unit="country-year")
    assert list(out["holder"]) == ["BLR", "JPN"]
    assert out.loc[out["holder"] == "JPN", "CHN_score"].iat[0] == pytest.approx(0.6)
    assert np.isnan(out.loc[out["holder"] == "BLR", "CHN_score"].iat[0])


def test_event_codes_are_counted_by_quad_class():
    rows = _rows(event=["SANCTION", "", "", "", "COOPERATE", "", ""],
                 quad_class=["material_conflict", "", "", "", "material_cooperation", "", ""],
                 intensity=[-5.0, np.nan, np.nan, np.nan, 6.0, np.nan, np.nan])
    out = panel(rows).set_index(["holder", "target"])
    assert out.loc[("JPN", "RUS"), "n_events"] == 1
    assert out.loc[("JPN", "RUS"), "n_material_conflict"] == 1
    assert out.loc[("JPN", "RUS"), "mean_intensity"] == -5.0
    assert np.isnan(out.loc[("JPN", "CHN"), "mean_intensity"])


def test_edges_are_signed_and_split_by_a_column():
    e = edges(_rows())
    signs = dict(zip(zip(e["source"], e["target"]), e["sign"]))
    assert signs == {("BLR", "RUS"): 1, ("JPN", "CHN"): 1, ("JPN", "RUS"): -1}
    by_year = edges(_rows(), by="year")
    assert set(by_year["year"]) == {2021}  # the undated row has no year
    with pytest.raises(ValueError, match="not a column"):
        edges(_rows(), by="outlet")


def test_bad_input_says_what_is_wrong():
    with pytest.raises(ValueError, match="unit must be"):
        panel(_rows(), unit="dyad-month")
    with pytest.raises(ValueError, match=r"lack the columns \['score'\]"):
        panel(_rows().drop(columns="score"))
    with pytest.raises(TypeError, match="DataFrame"):
        edges([{"holder": "JPN"}])


def test_panel_of_analyze_rows_reads_their_event_columns(default_model):
    import stance

    docs = pd.DataFrame({"text": ["Estonia expels two Russian diplomats.", "Japan condemned Russia."],
                         "date": ["2022-03-01", "2023-04-01"]})
    rows = stance.analyze(docs, model=default_model, date_col="date")
    out = panel(rows)
    assert {"n_events", "mean_intensity", "n_material_conflict"} <= set(out.columns)
    assert out["n_rows"].sum() == (rows["holder"] != "").sum()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.sampled_from(["JPN", "BLR", ""]),
                          st.sampled_from(["RUS", "CHN"]), st.floats(-1, 1), st.integers(2000, 2003)),
                min_size=1, max_size=30))
def test_panel_counts_every_held_row_once_and_scores_stay_in_range(records):
    rows = pd.DataFrame(records, columns=["doc_id", "holder", "target", "score", "year"])
    rows["stance"] = np.where(rows["score"] > 0.3, "support",
                              np.where(rows["score"] < -0.3, "oppose", "neutral"))
    rows["date"] = pd.to_datetime(rows["year"].astype(str) + "-06-01")
    out = panel(rows.drop(columns="year"))
    total = int(out["n_rows"].sum()) if len(out) else 0
    assert total == (rows["holder"] != "").sum()
    assert ((out["score"] >= -1) & (out["score"] <= 1)).all()
    shares = out[["share_oppose", "share_neutral", "share_support"]].sum(axis=1)
    assert np.allclose(shares, 1.0)
