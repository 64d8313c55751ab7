"""Feature extractors for (sentence, holder, target) rows, as scikit-learn transformers.

Each transformer takes a DataFrame with the columns ``text``, ``holder`` and ``target`` (``holder``
may be empty: no actor holds the stance), stores only its keyword parameters in ``__init__``,
learns nothing it does not need in ``fit``, and names its outputs in ``get_feature_names_out``. They
work with ``clone``, ``Pipeline``, ``cross_validate``, ``GridSearchCV`` and joblib.

This module only gathers them; the code lives in one module per job:

- :mod:`stance.rows`: input handling shared by all transformers: :func:`as_rows`, the base class
  ``_RowTransformer``, the placeholder tokens and the cache of actor mentions.
- :mod:`stance.views`: :class:`TargetView` rewrites the sentence with placeholders for the target,
  the holder and other actors, so that what is learned about one country carries over to every
  other (:func:`view_text`, :func:`relation_text`).
- :mod:`stance.sentiment`: :class:`SentimentFeatures` gives TextBlob's polarity and subjectivity of
  the sentence and of the window around the target (:func:`sentiment`).
- :mod:`stance.cues`: :class:`CueFeatures` counts conflict, cooperation, neutral and reporting cues
  from the package's lexicon (``stance/data/cues.tsv``, :func:`load_cues`), with negation scope
  and nearness to the target.
- :mod:`stance.structure`: :class:`StructuralFeatures` describes the sentence's shape: is there a
  holder, is the target possessive, is the holder the agent of a passive, is it reported speech, a
  headline, a first-person statement.
- :mod:`stance.tfidf`: :class:`FastTfidfVectorizer` is scikit-learn's ``TfidfVectorizer`` with a
  faster ``transform`` (same output).

Every name that this module defined before the split is imported here, as the same object, so
``from stance.features import ...`` keeps working, and so do models saved before it (their pickles
refer to ``stance.features.TargetView`` and the like).
"""

from __future__ import annotations

from .cues import (
    _ACTS,
    _AGENTS,
    _CLAUSE_BOUNDARIES,
    _COORDINATION,
    _GAP_TOKEN,
    CUE_CATEGORIES,
    CueFeatures,
    _actor_marks,
    _against_actor,
    _coordinated_with_holder,
    _cue_agents,
    _cue_roles,
    _word_index,
    load_cues,
)
from .rows import (
    HOLDER,
    HOLDER_UNNAMED,
    NO_HOLDER,
    OTHER,
    REQUIRED,
    TARGET,
    _is_missing,
    _mentions,
    _rows,
    _RowTransformer,
    as_rows,
)
from .sentiment import (
    SentimentFeatures,
    _assess,
    _fast_words,
    _pattern_lexicon,
    _pattern_tokenizer,
    _PatternLexicon,
    _PatternTokenizer,
    _window,
    sentiment,
)
from .structure import _FIRST_PERSON, _PASSIVE_BY, _REPORTED, StructuralFeatures, _third_party
from .tfidf import FastTfidfVectorizer
from .views import _TOKEN, TargetView, relation_text, view_text

__all__ = [
    "CueFeatures",
    "FastTfidfVectorizer",
    "SentimentFeatures",
    "StructuralFeatures",
    "TargetView",
    "as_rows",
    "sentiment",
]
