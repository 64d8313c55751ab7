"""Draw the README's example figures from the bundled sample, with the code they show.

Run from the repository root (needs the ``plots`` extra)::

    python docs/make_figures.py

It writes ``docs/figures/heatmap.png`` (``stance profile ... --plot``), ``trends_by_year.png``
(``stance profile ... --by year --plot``), ``timeline_ukr_rus.png`` and ``ranking_rus.png``, from
``stance.analyze`` over ``datasets/sample_articles.csv`` (42 short texts written for the project)
with the default model. The figures show what the plots look like, not findings: each holder has
a handful of rows.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

import stance
from stance import plots

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "figures"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    docs = pd.read_csv(ROOT / "datasets" / "sample_articles.csv")
    rows = stance.analyze(docs, id_col="id", date_col="date", speaker_col="speaker",
                          source_col="source")
    overall = stance.profile(rows)
    by_year = stance.profile(rows, by="year")
    plots.heatmap(overall, path=OUT / "heatmap.png")
    plots.trends(by_year, path=OUT / "trends_by_year.png")
    plots.timeline(by_year, "UKR", "RUS", path=OUT / "timeline_ukr_rus.png")
    plots.ranking(overall, "RUS", path=OUT / "ranking_rus.png")
    for path in sorted(OUT.glob("*.png")):
        print(path.relative_to(ROOT))


if __name__ == "__main__":
    main()
