"""Tests for stance.plots: each plot draws the profile and saves a PNG atomically."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

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
    ylabels = [t.get_text() for t in ax.get_yticklabels()]
    assert sorted(ylabels) == sorted(Gazetteer.default().name(c) for c in ("JPN", "BLR", "USA"))
    assert [t.get_text() for t in ax.get_xticklabels()] == ["CHN", "RUS"]
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
    assert [t.get_text() for t in ax.get_xticklabels()] == years
    assert "RUS" in ax.get_title()


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
