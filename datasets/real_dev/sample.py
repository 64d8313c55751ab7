"""Draw the ids of the real-text development set from ``../shared/data`` (``dev`` rows only).

The label files in this folder hold ids and labels only; this script reproduces which ids were drawn,
so that anyone with the third-party files can check the sampling. It prints the ids of each set, one
per line, prefixed by the set name, and reads nothing but the ``split``, ``id``, ``other_countries``,
``year`` and ``text`` columns (the text only to tell whether a general news item names a target).

Run from the repository root::

    python datasets/real_dev/sample.py [--shared ../shared/data] > /tmp/ids.txt
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import pandas as pd

SEED = 20261207
#: News items: half from items whose ``other_countries`` is not empty, half from the rest.
N_NEWS_EACH = 310
#: UN General Debate sentences per decade (1940s ... 2020s, dev years only).
N_UNGD_PER_DECADE = 45
#: General news: items that name a target, and items that do not.
N_GENERAL_EACH = 300

#: A broad, gazetteer-independent test of whether a general news item names China, Russia or Taiwan
#: (the Soviet Union counts as Russia, see README.md). Deliberately wider than the library's gazetteer, so
#: that the sample of items naming no target is not chosen by the system under test.
NAMES_TARGET = re.compile(
    r"\b(?:China|Chinese|Beijing|Peking|PRC|Sino|Russia|Russian|Russians|Moscow|Kremlin|Soviet|Soviets|"
    r"USSR|U\.S\.S\.R|Taiwan|Taiwanese|Taipei|Formosa|Putin|Yeltsin|Gorbachev|Medvedev|Lavrov|Xinhua|"
    r"Tass|TASS|Hu Jintao|Wen Jiabao|Jiang Zemin|Deng|Chen Shui-bian|Zhao Ziyang|Li Peng|Ryzhkov|"
    r"Shevardnadze|Kuomintang)"
)


def _read(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    return frame[frame["split"] == "dev"]


def draw(shared: Path) -> dict[str, list[str]]:
    """Return the sampled ids of each set: ``news``, ``ungd``, ``general_named``, ``general_none``."""
    news = _read(shared / "wikipedia_current_events.csv")
    with_others = news[news["other_countries"] != ""]
    without = news[news["other_countries"] == ""]
    news_ids = pd.concat(
        [with_others.sample(N_NEWS_EACH, random_state=SEED), without.sample(N_NEWS_EACH, random_state=SEED)]
    )["id"]

    ungd = _read(shared / "un_general_debate.csv")
    decade = ungd["year"].str[:3]
    ungd_ids = pd.concat(
        [group.sample(N_UNGD_PER_DECADE, random_state=SEED) for _, group in ungd.groupby(decade, sort=True)]
    )["id"]

    general = _read(shared / "general_news.csv")
    named = general["text"].map(lambda text: NAMES_TARGET.search(text) is not None)
    general_named = general[named].sample(N_GENERAL_EACH, random_state=SEED)["id"]
    general_none = general[~named].sample(N_GENERAL_EACH, random_state=SEED)["id"]
    return {
        "news": sorted(news_ids),
        "ungd": sorted(ungd_ids),
        "general_named": sorted(general_named),
        "general_none": sorted(general_none),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(__file__).resolve().parents[3] / "shared" / "data"
    parser.add_argument("--shared", type=Path, default=default)
    args = parser.parse_args(argv)
    if not (args.shared / "wikipedia_current_events.csv").exists():
        print(f"sample.py: {args.shared} has no third-party data; nothing to draw", file=sys.stderr)
        return 0
    for name, ids in draw(args.shared).items():
        for item in ids:
            print(f"{name}\t{item}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
