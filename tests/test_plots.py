"""Tests for stance.plots: each plot draws the profile and saves a PNG atomically."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import assert_nothing_clipped

from stance import plots
from stance.actors import Gazetteer
from stance.profiles import profile

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def make_rows(seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    records = []
    for doc in range(40):
        date = pd.Timestamp("2020-01-01") + pd.Timedelta(days=int(rng.integers(0, 3 * 365)))
        for holder, target, centre in (("JPN", "RUS", -0.7), ("BLR", "RUS", 0.6),
                                       ("USA", "CHN", -0.4), ("", "CHN", 0.0)):
            if rng.random() < 0.7:
                score = float(np.clip(centre + rng.normal(0, 0.2), -1, 1))
                stance = "oppose" if score < -0.2 else "support" if score > 0.2 else "neutral"
                records.append({"doc_id": doc, "holder": holder, "target": target,
                                "stance": stance, "score": score, "sentiment": 0.0, "date": date})
    return pd.DataFrame(records)


@pytest.fixture(scope="module")
def rows() -> pd.DataFrame:
    return make_rows()


def assert_png(path):
    assert path.is_file()
    assert path.read_bytes()[:8] == PNG
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left


def test_heatmap_writes_a_png(tmp_path, rows):
    prof = profile(rows)
    path = tmp_path / "heat.png"
    ax = plots.heatmap(prof, path=path)
    assert_png(path)
    # holders on the y axis (not the tone-of-coverage row), targets on the x axis
    gazetteer = Gazetteer.default()
    ylabels = [t.get_text() for t in ax.get_yticklabels()]
    assert sorted(ylabels) == sorted(f"{gazetteer.name(c)} ({c})" for c in ("JPN", "BLR", "USA"))
    assert [t.get_text() for t in ax.get_xticklabels()] == ["China\n(CHN)", "Russia\n(RUS)"]
    image = ax.get_images()[0].get_array()
    assert image.shape == (3, 2)


def test_heatmap_min_count_and_max_holders(rows):
    prof = profile(rows)
    ax = plots.heatmap(prof, max_holders=1)
    assert len(ax.get_yticklabels()) == 1


def test_timeline_writes_a_png(tmp_path, rows):
    prof = profile(rows, by="year")
    path = tmp_path / "time.png"
    ax = plots.timeline(prof, "JPN", "RUS", path=path)
    assert_png(path)
    years = sorted(prof.loc[(prof["holder"] == "JPN") & (prof["target"] == "RUS"), "year"])
    assert ax.get_lines()[-1].get_xdata().tolist() == [float(y) for y in years]
    assert ax.get_title() == "Japan (JPN) toward Russia (RUS)"


def _yearly(years: list[int], holder: str = "DEU", target: str = "RUS") -> pd.DataFrame:
    """A profile by year of one holder toward one target, one document in the first year."""
    k = len(years)
    return pd.DataFrame({"year": [str(y) for y in years], "holder": [holder] * k,
                         "holder_name": ["Germany"] * k, "target": [target] * k,
                         "target_name": ["Russia"] * k, "score": np.linspace(-0.5, 0.5, k),
                         "score_low": [np.nan, *np.linspace(-0.7, 0.3, k)[1:]],
                         "score_high": [np.nan, *np.linspace(-0.3, 0.7, k)[1:]],
                         "n": [1, *[5] * (k - 1)], "n_docs": [1, *[3] * (k - 1)]})


def _mean_line(ax):
    return next(line for line in ax.get_lines() if line.get_label() == "mean score")


def test_timeline_x_axis_is_time_in_years_and_gaps_break_the_line():
    ax = plots.timeline(_yearly([2007, 2008, 2011]), "DEU", "RUS")
    ax.figure.canvas.draw()
    # 2007 to 2011 is four years wide, not two steps: half a year of margin at each end
    assert ax.get_xlim() == (2006.5, 2011.5)
    ticks = [t for t in ax.get_xticks() if 2006.5 <= t <= 2011.5]
    steps = np.diff(ticks)
    assert len(ticks) >= 3 and (steps > 0).all() and np.allclose(steps, steps[0])
    labels = {t.get_position()[0]: t.get_text() for t in ax.get_xticklabels()}
    assert labels[2007.0] == "2007" and labels[2008.0] == "2008"
    line = _mean_line(ax)
    assert line.get_xdata().tolist() == [2007.0, 2008.0, 2009.0, 2010.0, 2011.0]
    y = np.asarray(line.get_ydata(), dtype=float)
    assert np.isnan(y[2:4]).all() and not np.isnan(y[[0, 1, 4]]).any()  # the line breaks
    shaded = [p for p in ax.patches if p.get_label() == "year without rows"]
    assert len(shaded) == 1  # the first of the two gap years is labelled once
    spans = sorted(p.get_x() for p in ax.patches if p.get_width() == 1 and p.get_y() < 0.5)
    assert spans == [2008.5, 2009.5]
    # the first year has one document: a hollow marker, no band there
    hollow = next(line for line in ax.get_lines() if "one document" in line.get_label())
    assert hollow.get_xdata().tolist() == [2007.0]


def test_timeline_by_month_is_a_date_axis():
    import matplotlib.dates as mdates

    prof = _yearly([2020, 2021, 2022]).drop(columns="year").assign(
        month=["2020-01", "2020-02", "2020-06"])
    ax = plots.timeline(prof, "DEU", "RUS")
    ax.figure.canvas.draw()
    left, right = (mdates.num2date(v).replace(tzinfo=None) for v in ax.get_xlim())
    assert abs(left - pd.Timestamp("2020-01-01")) < pd.Timedelta(seconds=1)
    assert abs(right - pd.Timestamp("2020-07-01")) < pd.Timedelta(seconds=1)
    x = mdates.date2num(_mean_line(ax).get_xdata())
    assert len(x) == 6 and (np.diff(x) > 27).all() and (np.diff(x) < 32).all()  # a month apart
    ticks = ax.get_xticks()
    assert (np.diff(ticks) > 0).all()


def test_timeline_leaves_out_undated_rows_and_refuses_several_rows_per_period():
    prof = _yearly([2007, 2008])
    undated = pd.concat([prof, prof.iloc[:1].assign(year="(no date)")])
    assert plots.timeline(undated, "DEU", "RUS").get_xlim() == (2006.5, 2008.5)
    with pytest.raises(ValueError, match="several rows per year"):
        plots.timeline(pd.concat([prof, prof]), "DEU", "RUS")


def test_heatmap_marks_cells_with_few_rows():
    prof = pd.DataFrame({"holder": ["JPN", "JPN", "BLR", "BLR"],
                         "holder_name": ["Japan", "Japan", "Belarus", "Belarus"],
                         "target": ["CHN", "RUS", "CHN", "RUS"], "score": [-0.9, -0.95, 0.9, 0.95],
                         "n": [12, 1, 2, 30]})
    ax = plots.heatmap(prof)  # rows: JPN (13 rows), BLR (32 rows) -> BLR first
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Belarus (BLR)", "Japan (JPN)"]
    hatched = sorted((p.get_x() + 0.5, p.get_y() + 0.5) for p in ax.patches if p.get_hatch())
    assert hatched == [(0.0, 0.0), (1.0, 1.0)]  # (column, row): BLR-CHN n=2, JPN-RUS n=1
    alpha = np.asarray(ax.get_images()[0].get_alpha())
    assert alpha[1, 0] == alpha[0, 1] == 1.0  # enough rows: solid
    assert alpha[1, 1] < alpha[0, 0] < 1.0  # n=1 fainter than n=2, both faded
    assert alpha[1, 1] <= 0.25
    texts = [t.get_text() for t in ax.texts]
    assert "-0.95\n(n=1)" in texts and "+0.90\n(n=2)" in texts  # counts still printed
    assert "n < 3" in ax.get_title()
    # min_count=1: every cell alike
    ax = plots.heatmap(prof, min_count=1)
    assert not [p for p in ax.patches if p.get_hatch()]
    assert np.all(np.asarray(ax.get_images()[0].get_alpha()) == 1.0)


def test_heatmap_prints_no_negative_zero():
    prof = pd.DataFrame({"holder": ["JPN"], "holder_name": ["Japan"], "target": ["RUS"],
                         "score": [-0.001], "n": [5]})
    assert [t.get_text() for t in plots.heatmap(prof).texts] == ["0.00\n(n=5)"]


def test_trends_draws_one_panel_per_target_and_one_line_per_top_holder(tmp_path, rows):
    prof = profile(rows, by="year")
    path = tmp_path / "trends.png"
    ax = plots.trends(prof, ["RUS", "CHN", "TWN"], top=1, path=path)
    assert_png(path)
    panels = ax.figure.axes
    assert [a.get_title(loc="left") for a in panels] == ["toward Russia (RUS)", "toward China (CHN)"]
    labels = [[t.get_text() for t in a.get_legend().get_texts()] for a in panels]
    named = prof[prof["holder"] != ""]
    for panel, target in zip(labels, ("RUS", "CHN")):
        totals = named[named["target"] == target].groupby("holder")["n"].sum()
        first = Gazetteer.default().name(totals.idxmax())
        assert panel[-1] == f"{first} ({totals.idxmax()}), n={totals.max()}"
    assert labels[1][-1].startswith("United States (USA)")  # the no-holder rows left out
    years = sorted(int(y) for y in prof["year"].unique())
    assert panels[0].get_xlim() == (years[0] - 0.5, years[-1] + 0.5)
    with pytest.raises(ValueError, match="TWN"):
        plots.trends(prof, ["TWN"])


def test_the_clipping_check_catches_clipping():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(3, 2))
    ax.set_yticks([0, 1], ["Eurasian Economic Union (EAEU), n=1", "G7"])
    with pytest.raises(AssertionError):
        assert_nothing_clipped(fig)


LONG = pd.DataFrame({"holder": ["EAEU", "SLB", "GBR"],
                     "holder_name": ["Eurasian Economic Union", "Solomon Islands", "United Kingdom"],
                     "target": ["RUS"] * 3, "target_name": ["Russia"] * 3,
                     "score": [0.7, -0.2, -0.8], "score_low": [0.5, -0.5, np.nan],
                     "score_high": [0.9, 0.1, np.nan], "n": [4, 3, 1]})


@pytest.mark.parametrize("draw", [
    lambda rows: plots.heatmap(pd.concat([profile(rows), LONG])),
    lambda rows: plots.timeline(profile(rows, by="month"), "JPN", "RUS"),
    lambda rows: plots.timeline(profile(rows, by="year"), "", "CHN"),
    lambda rows: plots.ranking(pd.concat([profile(rows), LONG]), "RUS", min_count=1),
    lambda rows: plots.trends(profile(rows, by="quarter")),
], ids=["heatmap", "timeline-month", "timeline-year", "ranking", "trends"])
def test_nothing_is_clipped(rows, draw):
    assert_nothing_clipped(draw(rows).figure)


def test_ranking_writes_a_png(tmp_path, rows):
    prof = profile(rows)
    path = tmp_path / "rank.png"
    ax = plots.ranking(prof, "RUS", path=path)
    assert_png(path)
    widths = [p.get_width() for p in ax.patches]
    assert len(widths) == 2
    assert min(widths) < 0 < max(widths)  # Japan opposes, Belarus supports


def test_plots_accept_an_existing_axes(rows):
    import matplotlib.pyplot as plt

    _, ax = plt.subplots()
    assert plots.ranking(profile(rows), "CHN", ax=ax) is ax


@pytest.mark.parametrize("func", [plots.heatmap, lambda p: plots.timeline(p, "JPN", "RUS"),
                                  lambda p: plots.ranking(p, "RUS")])
def test_missing_columns_raise_value_error(rows, func):
    prof = profile(rows, by="year").drop(columns=["score"])
    with pytest.raises(ValueError, match="score"):
        func(prof)


def test_not_a_frame_raises_type_error():
    with pytest.raises(TypeError):
        plots.heatmap([1, 2, 3])


def test_timeline_unknown_holder_or_target(rows):
    prof = profile(rows, by="year")
    with pytest.raises(ValueError, match="'FRA'"):
        plots.timeline(prof, "FRA", "RUS")
    with pytest.raises(ValueError, match="'TWN'"):
        plots.timeline(prof, "JPN", "TWN")


def test_timeline_needs_a_period(rows):
    with pytest.raises(ValueError, match="by="):
        plots.timeline(profile(rows), "JPN", "RUS")


def test_ranking_without_enough_rows(rows):
    prof = profile(rows)
    with pytest.raises(ValueError, match="TWN"):
        plots.ranking(prof, "TWN")
    with pytest.raises(ValueError):
        plots.ranking(prof, "RUS", min_count=10_000)


def test_failed_plot_leaves_no_file(tmp_path, rows):
    path = tmp_path / "x.png"
    with pytest.raises(ValueError):
        plots.timeline(profile(rows, by="year"), "FRA", "RUS", path=path)
    assert list(tmp_path.iterdir()) == []
