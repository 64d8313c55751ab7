"""Structural features: the sentence's shape around the holder and the target.

:class:`StructuralFeatures` tells whether there is a holder, whether the target is possessive,
whether the holder is the agent of a passive, whether it is reported speech, a headline or a
first-person statement, and where third parties stand (``_third_party``).
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from .actors import Mention
from .cues import load_cues
from .roles import word_pattern
from .rows import HOLDER, OTHER, TARGET, _mentions, _RowTransformer, row_mentions
from .views import view_text

__all__ = ["StructuralFeatures"]


def _third_party(view: str, reach: int = 12) -> tuple[float, float]:
    """``other_between`` and ``other_acts_on_target`` of a view (see StructuralFeatures)."""
    words = view.split()
    targets = [i for i, w in enumerate(words) if TARGET in w]
    holders = [i for i, w in enumerate(words) if HOLDER in w]
    others = [i for i, w in enumerate(words) if OTHER in w]
    if not targets or not others:
        return 0.0, 0.0
    between = 0.0
    if holders:
        lo, hi = sorted((holders[0], min(targets, key=lambda t: abs(t - holders[0]))))
        between = float(any(lo < o < hi for o in others))
    conflict = load_cues()["conflict"]
    acts = 0.0
    for o in others:
        for t in targets:
            if 0 < t - o <= reach and conflict.search(" ".join(words[o + 1:t])):
                acts = 1.0
    return between, acts


#: Reported speech and first-person statements: the ``saying`` and ``first_person`` word classes
#: (``stance/data/word_classes.tsv``), shared with holder attribution.
_REPORTED = re.compile(r"\b" + word_pattern("saying") + r"\b")
_FIRST_PERSON = re.compile(r"\b" + word_pattern("first_person") + r"\b")
_PASSIVE_BY = re.compile(r"\b(?:was|were|is|are|been|being|be)\s+\w+(?:ed|en)\b[^.]{0,60}?\bby\s+"
                         + HOLDER)


class StructuralFeatures(_RowTransformer):
    """The sentence's shape around holder and target.

    Features: ``holder_empty``, ``holder_named``, ``target_named``, ``target_possessive``,
    ``target_first_word`` (the sentence opens with the target), ``holder_passive_agent`` ("...
    was condemned by HOLDER"), ``by_holder``, ``reported_speech``, ``first_person``, ``headline``
    (no final punctuation), ``all_caps``, ``question``, ``quote``, ``n_actors`` (distinct actors,
    capped at 5), ``holder_organisation``, ``holder_via_leader``, ``target_via_demonym``,
    ``other_between`` (another actor stands between holder and target) and
    ``other_acts_on_target`` (another actor, then a conflict cue, then the target within a few
    words: "Japan fears that Beijing may attack Taiwan", where Taiwan is the threatened party
    rather than the holder's adversary).

    Whether the holder is named before the target is deliberately not a feature: the corpus
    taught it as a sign of support, and on real news it made "X meets Y", "X and Y fight" and
    "X condemns Y's leader" read as support.

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame({"text": ["Russia was condemned by Japan."], "holder": ["JPN"],
    ...                   "target": ["RUS"]})
    >>> f = StructuralFeatures().fit(X)
    >>> float(dict(zip(f.get_feature_names_out(), f.transform(X)[0]))["holder_passive_agent"])
    1.0
    """

    def transform(self, X: Any) -> np.ndarray:
        """Return the structural features, one row per input row."""
        rows = self._rows(X)
        out = np.zeros((len(rows), len(self._names())))
        for i, (t, h, g, ms) in enumerate(zip(rows["text"], rows["holder"], rows["target"],
                                              row_mentions(rows))):
            out[i] = self._row(t, h, g, ms)
        return out

    def _row(self, text: str, holder: str, target: str,
             found: tuple[Mention, ...] | None = None) -> list[float]:
        mentions = _mentions(text) if found is None else found
        tm = [m for m in mentions if m.code == target]
        hm = [m for m in mentions if holder and m.code == holder]
        view = view_text(text, holder, target, mentions=found)
        stripped = text.rstrip()
        caps = text.upper() == text and text.lower() != text  # letters, all capitals
        return [
            float(not holder),
            float(bool(hm)),
            float(bool(tm)),
            float(any(m.possessive for m in tm)),
            float(bool(tm and tm[0].start <= 4)),
            float(bool(_PASSIVE_BY.search(view))),
            float(f"by {HOLDER}" in view),
            float(bool(_REPORTED.search(text))),
            float(bool(_FIRST_PERSON.search(text))),
            float(bool(stripped) and stripped[-1] not in ".!?\"'\u201d"),
            float(caps),
            float("?" in text),
            float('"' in text or "\u201c" in text),
            min(len({m.code for m in mentions}), 5) / 5,
            float(bool(hm) and hm[0].kind == "organisation"),
            float(any(m.via == "leader" for m in hm)),
            float(bool(tm) and all(m.via == "demonym" for m in tm)),
            *_third_party(view),
        ]

    def _names(self) -> list[str]:
        return ["holder_empty", "holder_named", "target_named", "target_possessive",
                "target_first_word", "holder_passive_agent", "by_holder", "reported_speech",
                "first_person", "headline", "all_caps", "question", "quote", "n_actors",
                "holder_organisation", "holder_via_leader", "target_via_demonym",
                "other_between", "other_acts_on_target"]
