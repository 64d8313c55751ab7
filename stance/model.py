"""The stance classifier: build, train, evaluate, explain, save and load it.

The design follows the SemEval-2016 stance task's lesson: a linear model over word and character
n-grams is hard to beat, and lexicon scores help most as features of a learned model. Here the
n-grams are taken from a *target-aware view* of the sentence (see :class:`stance.views.TargetView`)
so that the model is target-agnostic, and TextBlob sentiment, a geopolitical cue lexicon with
negation scope and structural cues are added as features. Probabilities are calibrated
(:class:`sklearn.calibration.CalibratedClassifierCV`).

Persistence uses joblib with a metadata file beside the model. **A joblib file is a pickle: loading
one runs code.** :func:`load_model` therefore reads the metadata first, checks every field of it,
and refuses a model whose SHA-256 does not match it, or that was saved by another scikit-learn
version. The check protects against corrupted, truncated, swapped or edited model files; it cannot
protect against someone who rewrites both files, so load only models you trained or got from
someone you trust.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import io
import json
import os
import platform
import re
import sys
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pandas as pd
import sklearn
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support
from sklearn.pipeline import FeatureUnion, Pipeline, make_pipeline
from sklearn.svm import LinearSVC
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits

from ._checks import short_repr
from ._lock import file_lock
from ._version import __version__
from .actors import Gazetteer
from .cues import CueFeatures
from .events import EventFeatures, implied_stances, match_events
from .rows import as_rows, as_table
from .sentiment import SentimentFeatures, sentiment
from .structure import StructuralFeatures
from .tfidf import FastTfidfVectorizer
from .views import TargetView

__all__ = [
    "LABELS",
    "Evaluation",
    "StanceModel",
    "build_pipeline",
    "default_corpus",
    "evaluate",
    "explain",
    "load_model",
    "train",
    "validate_training_data",
]

#: The stance labels, in the order of ``classes_``.
LABELS = ("neutral", "oppose", "support")
META_SUFFIX = ".meta.json"


# ---------------------------------------------------------------------------------------------
# The pipeline
# ---------------------------------------------------------------------------------------------


#: Weight of the event-grid sentences (batch 16 of the bundled corpus) in the default model's stance
#: classifier, chosen on the development set (``benchmarks/bench_accuracy.py --grid-weight``): with
#: them (weight 0.3, or 1) the written test split gains, real text did not (README, "How well it
#: works"), so the default model leaves them out.
GRID_WEIGHT = 0.0


def build_pipeline(
    *,
    C: float = 4.0,
    word_ngrams: tuple[int, int] = (1, 2),
    char_ngrams: tuple[int, int] = (2, 5),
    min_df: int = 2,
    relation_ngrams: tuple[int, int] | None = (1, 3),
    window: int = 6,
    class_weight: str | None = "balanced",
    calibration: str = "sigmoid",
    cv: int = 5,
    events: bool = False,
    learner: str = "logistic",
) -> Pipeline:
    """Return the (unfitted) stance pipeline.

    Parameters
    ----------
    C : float, default 4.0
        Inverse regularisation strength of the logistic regression.
    word_ngrams, char_ngrams : tuple of int
        N-gram ranges of the word and character (``char_wb``) TF-IDF over the target-aware view.
    min_df : int, default 2
        Minimum document frequency of an n-gram.
    relation_ngrams : tuple of int or None, default (1, 3)
        N-gram range of a third TF-IDF over the relation view (the words from holder to target,
        see :func:`stance.views.relation_text`); None leaves it out.
    window : int, default 6
        Words on each side of the target for the window sentiment and cue features.
    class_weight : "balanced" or None
        Passed to the logistic regression.
    calibration : {"sigmoid", "isotonic"}
        Probability calibration method.
    cv : int, default 5
        Folds for calibration.
    events : bool, default False
        Add the directed-event features (:class:`stance.events.EventFeatures`): which events of
        the lexicon link the holder and the target, in which direction, implying which stance.
        Off by default: on the development set they did not raise real-text accuracy (README,
        "How well it works"); the rows' event codes and ``explain()`` read the lexicon either way.
    learner : {"logistic", "svm"}, default "logistic"
        The linear learner under the calibration: scikit-learn's ``LogisticRegression`` or
        ``LinearSVC`` (``C`` is its regularisation either way). ``benchmarks/select_model.py``
        compares them by cross-validation on the written train split.

    Returns
    -------
    sklearn.pipeline.Pipeline
        Steps ``features`` (a FeatureUnion) and ``classifier``; ``fit(X, y)`` takes a DataFrame
        with columns ``text``, ``holder``, ``target`` and labels from :data:`LABELS`.

    Examples
    --------
    >>> from sklearn.model_selection import cross_validate
    >>> pipe = build_pipeline(C=2.0)
    >>> sorted(pipe.named_steps)
    ['classifier', 'features']
    """
    features = FeatureUnion([
        ("words", make_pipeline(
            TargetView(),
            FastTfidfVectorizer(ngram_range=word_ngrams, min_df=min_df, sublinear_tf=True,
                                token_pattern=r"(?u)\b\w[\w']*\b"))),
        ("chars", make_pipeline(
            TargetView(),
            FastTfidfVectorizer(analyzer="char_wb", ngram_range=char_ngrams, min_df=min_df,
                                sublinear_tf=True, max_features=60_000))),
        *([("relation", make_pipeline(
            TargetView(scope="relation"),
            FastTfidfVectorizer(ngram_range=relation_ngrams, min_df=min_df, sublinear_tf=True,
                                token_pattern=r"(?u)\b\w[\w']*\b")))] if relation_ngrams else []),
        ("sentiment", SentimentFeatures(window=window)),
        ("cues", CueFeatures(window=window + 2)),
        ("structure", StructuralFeatures()),
        *([("events", EventFeatures())] if events else []),
    ])
    if learner == "logistic":
        linear: Any = LogisticRegression(C=C, max_iter=3000, class_weight=class_weight)
    elif learner == "svm":
        linear = LinearSVC(C=C, class_weight=class_weight, max_iter=5000)
    else:
        raise ValueError(f"learner must be 'logistic' or 'svm', got {learner!r}")
    classifier = CalibratedClassifierCV(linear, method=calibration, cv=cv, ensemble=True)
    return Pipeline([("features", features), ("classifier", classifier)])


# ---------------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------------


def default_corpus(split: str | None = None) -> pd.DataFrame:
    """The labelled corpus shipped with the package (``stance/data/corpus.csv``).

    Parameters
    ----------
    split : {"train", "test"} or None
        Only the rows of this split; None gives all rows.

    Returns
    -------
    DataFrame
        Columns ``sentence_id``, ``text``, ``holder``, ``target``, ``stance``, ``speaker``,
        ``hard``, ``register``, ``split``; empty strings for missing holders.

    Examples
    --------
    >>> corpus = default_corpus()
    >>> sorted(corpus.stance.unique())
    ['neutral', 'oppose', 'support']
    """
    raw = resources.files("stance").joinpath("data", "corpus.csv").read_bytes()
    frame = pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False)
    if split is not None:
        if split not in ("train", "test"):
            raise ValueError(f"split must be 'train', 'test' or None, got {split!r}")
        frame = frame[frame["split"] == split].reset_index(drop=True)
    return frame


def validate_training_data(data: Any, *, name: str = "data", line_offset: int | None = None
                           ) -> pd.DataFrame:
    """Check a labelled frame and return it with clean string columns.

    Parameters
    ----------
    data : DataFrame
        Columns ``text``, ``holder``, ``target``, ``stance``.
    name : str
        How to call the data in messages (a file name, for the command line).
    line_offset : int, optional
        When given, rows are reported as file line numbers (index + offset) instead of index labels.

    Returns
    -------
    DataFrame
        Columns ``text``, ``holder``, ``target``, ``stance``.

    Raises
    ------
    ValueError
        Missing columns, empty or missing text, missing target, a target or holder that is not an
        actor code of the gazetteer (:attr:`stance.Gazetteer.codes`; the holder may be empty for
        "no holder"), unknown stance labels, or a holder equal to the target; the message names the
        problem, the offending values and rows, and the code when a value is a name the gazetteer
        knows (``"Estonia"``: ``EST``) or a code in the wrong case.

    Notes
    -----
    Stance labels are normalised (surrounding spaces removed, lower-cased: ``" Support"`` is
    ``"support"``); codes only lose surrounding spaces, as the features look them up exactly.

    Examples
    --------
    >>> import pandas as pd
    >>> bad = pd.DataFrame({"text": ["x", ""], "holder": ["", ""], "target": ["CHN", "CHN"],
    ...                     "stance": ["support", "support"]})
    >>> validate_training_data(bad)
    Traceback (most recent call last):
    ...
    ValueError: data: empty text in rows 1
    """
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"{name} must be a DataFrame with columns text, holder, target, stance, "
                        f"got {type(data).__name__}")
    missing = [c for c in ("text", "target", "stance") if c not in data.columns]
    if missing:
        raise ValueError(f"{name}: missing column(s) {missing}; found {list(data.columns)}")
    where = (lambda idx: [i + line_offset for i in idx]) if line_offset is not None else list
    label = "lines" if line_offset is not None else "rows"
    frame = data.reset_index(drop=True) if line_offset is not None else data

    def bad_rows(mask: Any) -> str:
        idx = list(frame.index[np.asarray(mask, dtype=bool)])
        shown = where(idx)
        text = ", ".join(str(i) for i in shown[:10])
        return text + (f" and {len(shown) - 10} more" if len(shown) > 10 else "")

    text = frame["text"]
    not_str = ~text.map(lambda v: isinstance(v, str))
    if not_str.any():
        raise ValueError(f"{name}: missing or non-text value in column 'text' in {label} "
                         f"{bad_rows(not_str)}")
    empty = text.str.strip() == ""
    if empty.any():
        raise ValueError(f"{name}: empty text in {label} {bad_rows(empty)}")
    target = frame["target"].map(lambda v: v.strip() if isinstance(v, str) else "")
    if (target == "").any():
        raise ValueError(f"{name}: missing target in {label} {bad_rows(target == '')}")
    holder = frame["holder"] if "holder" in frame.columns else pd.Series("", index=frame.index)
    holder = holder.map(lambda v: v.strip() if isinstance(v, str) else "")
    for column, values in (("target", target), ("holder", holder)):
        unknown_codes = ~values.isin(_actor_codes()) & (values != "")
        if unknown_codes.any():
            found = list(dict.fromkeys(values[unknown_codes]))
            listed = "; ".join(f"{v!r} in {label} {bad_rows(values == v)}{_code_hint(v)}"
                               for v in found[:5])
            more = f"; and {len(found) - 5} more value(s)" if len(found) > 5 else ""
            empty = ", or empty for no holder" if column == "holder" else ""
            raise ValueError(f"{name}: unknown {column} code(s): {listed}{more}. A {column} must "
                             "be an actor code (stance.Gazetteer.default().codes; `stance actors "
                             f"NAME` shows a name's code){empty}")
    stance = frame["stance"].map(lambda v: v.strip().lower() if isinstance(v, str) else "")
    unknown = ~stance.isin(LABELS)
    if unknown.any():
        values = sorted({str(v) for v in frame["stance"][unknown]})[:5]
        raise ValueError(f"{name}: unknown stance label(s) {values} in {label} {bad_rows(unknown)}; "
                         f"expected one of {list(LABELS)}")
    same = (holder == target) & (holder != "")
    if same.any():
        raise ValueError(f"{name}: holder equals target in {label} {bad_rows(same)}; a country "
                         "holds no stance toward itself")
    return pd.DataFrame({"text": text.values, "holder": holder.values, "target": target.values,
                         "stance": stance.values})


@lru_cache(maxsize=1)
def _actor_codes() -> frozenset[str]:
    return frozenset(Gazetteer.default().codes)


def _code_hint(value: str) -> str:
    """" (did you mean 'EST'?)" when ``value`` is a code in the wrong case or a name of one actor
    (:meth:`stance.actors.Gazetteer.suggest_code`), with the actor's name when it is not
    ``value`` itself."""
    gazetteer = Gazetteer.default()
    code = gazetteer.suggest_code(value)
    if code is None:
        return ""
    name = gazetteer.name(code)
    same = code == value.upper() or name.casefold() == value.casefold()
    return f" (did you mean {code!r}" + ("" if same else f", {name}") + "?)"


def _sha256_rows(rows: pd.DataFrame) -> str:
    payload = rows[["text", "holder", "target", "stance"]].to_csv(index=False, lineterminator="\n")
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


#: Hex characters kept of each training row's SHA-256 in the metadata (64 bits: the odds that some
#: row of a 3k-row evaluation set falsely matches one of 16k training rows are about 3e-12).
_ROW_HASH_CHARS = 16
#: Above this many distinct training rows, the metadata keeps the row hashes of an even share of
#: the hash space only (about this many of them; 26 bytes each in the JSON file, ~430 KB).
_MAX_ROW_HASHES = 16_384


def _row_hashes(rows: pd.DataFrame) -> list[str]:
    """Short hashes of each row's (text with runs of white space made one space, holder, target).

    The stance is left out: a sentence scored for a pair the model was trained on overstates its
    accuracy whatever the label says.
    """
    return [hashlib.sha256(f"{' '.join(t.split())}\x1f{h}\x1f{g}".encode()).hexdigest()[
                :_ROW_HASH_CHARS]
            for t, h, g in zip(rows["text"], rows["holder"], rows["target"])]


def _hash_cutoff(fraction: float) -> int:
    """Row hashes below this number (as integers) are the ones kept for a sampled ``fraction``."""
    return int(float(fraction) * 16**_ROW_HASH_CHARS)


def _training_rows(rows: pd.DataFrame) -> dict[str, Any]:
    """The metadata's fingerprint of the training rows: ``{"fraction": f, "hashes": [...]}``.

    ``hashes`` are the sorted distinct :func:`_row_hashes` of the rows; when there are more than
    :data:`_MAX_ROW_HASHES`, only those below :func:`_hash_cutoff` of ``fraction`` (an even share
    of the hash space) are kept, and :func:`evaluate` checks the evaluation rows in the same share.
    """
    hashes = sorted(set(_row_hashes(rows)))
    fraction = 1.0
    if len(hashes) > _MAX_ROW_HASHES:
        fraction = _MAX_ROW_HASHES / len(hashes)
        cutoff = _hash_cutoff(fraction)
        hashes = [h for h in hashes if int(h, 16) < cutoff]
    return {"fraction": fraction, "hashes": hashes}


def _act_likelihood(rows: pd.DataFrame, classes: Any, sample_weight: np.ndarray | None
                    ) -> np.ndarray:
    """``[i, j]``: among training rows of stance ``classes[i]`` that an event links, the
    (weighted, add-one smoothed) share whose act implies ``classes[j]``."""
    classes = [str(c) for c in classes]
    counts = np.ones((len(classes), len(classes)))
    implied = implied_stances(rows)
    weight = np.ones(len(rows)) if sample_weight is None else sample_weight
    for label, act, w in zip(rows["stance"], implied, weight):
        if act in classes:
            counts[classes.index(label), classes.index(act)] += w
    return counts / counts.sum(axis=1, keepdims=True)


def _weigh_acts(proba: np.ndarray, implied: np.ndarray, classes: list[str],
                likelihood: np.ndarray) -> np.ndarray:
    """``proba`` times the likelihood of each row's implied stance under each class, renormalised
    (rows with no implied stance unchanged).

    Examples
    --------
    >>> lik = np.array([[0.8, 0.1, 0.1], [0.2, 0.6, 0.2], [0.1, 0.1, 0.8]])
    >>> p = _weigh_acts(np.array([[0.6, 0.1, 0.3], [0.6, 0.1, 0.3]]), np.array(["support", ""]),
    ...                 ["oppose", "neutral", "support"], lik)
    >>> p.round(3).tolist()
    [[0.188, 0.063, 0.75], [0.6, 0.1, 0.3]]
    """
    out = proba.copy()
    for j, label in enumerate(classes):
        rows = implied == label
        if rows.any():
            weighed = out[rows] * likelihood[:, j]
            out[rows] = weighed / weighed.sum(axis=1, keepdims=True)
    return out


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# ---------------------------------------------------------------------------------------------
# The model object
# ---------------------------------------------------------------------------------------------


class StanceModel(ClassifierMixin, BaseEstimator):
    """The stance classifier, a scikit-learn estimator: text, holder and target in, stance out.

    Its parameters are those of :func:`build_pipeline` and ``holder_model``; ``fit`` builds that
    pipeline and fits it (and the holder-attribution model) on the rows it is given, so
    :func:`sklearn.base.clone`, :class:`~sklearn.model_selection.GridSearchCV` and
    :func:`~sklearn.model_selection.cross_validate` work on it, the loaded default model included
    (a clone has the loaded model's parameters, unfitted). :func:`train` fits one on the bundled
    corpus and your rows; :func:`load_model` loads a saved one.

    Parameters
    ----------
    C, word_ngrams, char_ngrams, min_df, relation_ngrams, window, class_weight, calibration, cv, \
events, learner
        See :func:`build_pipeline`. ``cv`` is lowered to the smallest label count when a label
        has fewer rows (the fitted pipeline's value is ``metadata_["params"]["cv"]``).
    holder_model : bool, default True
        Also fit the holder-attribution model (:func:`stance.attribution.build_holder_pipeline`)
        that :func:`stance.analyze` uses to decide who holds a stance. It learns from sentences
        annotated exhaustively (every holder toward every target they name); an optional
        ``speaker`` column of ``X`` gives the speaker of a statement. False skips it (quicker in
        a grid search that only scores stances).
    act_evidence : bool, default True
        Weigh the act that links a row's holder to its target, as the event lexicon reads it
        (:func:`stance.events.implied_stance`), with the classifier's probabilities: they are
        multiplied by how often each true stance comes with the act's implied stance in the
        training rows (:attr:`act_likelihood_`), and renormalised. The classifier sees which words
        occur; this reads who does what to whom ("Vietnam orders fighters from Moscow" supports
        RUS whatever words surround it). Rows that no event links keep the classifier's
        probabilities.

    Attributes
    ----------
    classes_ : ndarray of str
        The labels in the column order of :meth:`predict_proba`.
    pipeline_ : sklearn.pipeline.Pipeline
        The fitted stance pipeline (steps ``features`` and ``classifier``).
    holders_ : sklearn.pipeline.Pipeline or None
        The fitted holder-attribution pipeline, None when not fitted or when the rows gave no
        holder candidates of both kinds.
    act_likelihood_ : ndarray of shape (3, 3) or None
        ``act_likelihood_[i, j]``: in the training rows of true stance ``classes_[i]`` that an
        event links, the share whose act implies ``classes_[j]`` (add-one smoothed, weighted like
        the rows); None when ``act_evidence`` is False.
    metadata_ : dict
        Library and scikit-learn versions, labels, training-data hash, short hashes of the
        training rows (``training_rows``, see :func:`train`), metrics, date, parameters.

    Examples
    --------
    >>> from sklearn.base import clone
    >>> model = load_model()
    >>> clone(model).get_params()["C"]
    4.0
    >>> X = [{"text": "Japan condemned Russia's invasion of Ukraine.", "holder": "JPN",
    ...       "target": "RUS"}]
    >>> model.predict(X).tolist()
    ['oppose']
    """

    def __init__(self, *, C: float = 4.0, word_ngrams: tuple[int, int] = (1, 2),
                 char_ngrams: tuple[int, int] = (2, 5), min_df: int = 2,
                 relation_ngrams: tuple[int, int] | None = (1, 3), window: int = 6,
                 class_weight: str | None = "balanced", calibration: str = "sigmoid", cv: int = 5,
                 events: bool = False, learner: str = "logistic", holder_model: bool = True,
                 act_evidence: bool = True) -> None:
        self.C = C
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.min_df = min_df
        self.relation_ngrams = relation_ngrams
        self.window = window
        self.class_weight = class_weight
        self.calibration = calibration
        self.cv = cv
        self.events = events
        self.learner = learner
        self.holder_model = holder_model
        self.act_evidence = act_evidence

    @classmethod
    def from_fitted(cls, pipeline: Pipeline, metadata: dict[str, Any],
                    holders: Pipeline | None = None,
                    act_likelihood: np.ndarray | None = None) -> StanceModel:
        """Wrap a fitted pipeline (and holder pipeline) with its metadata.

        The parameters are read back from ``metadata["params"]`` (those of
        :func:`build_pipeline`; other keys, such as ``grid_weight``, stay in the metadata only).

        Parameters
        ----------
        pipeline : sklearn.pipeline.Pipeline
            A fitted pipeline from :func:`build_pipeline`.
        metadata : dict
            As in :attr:`metadata_`.
        holders : sklearn.pipeline.Pipeline, optional
            A fitted holder-attribution pipeline.
        act_likelihood : ndarray of shape (3, 3), optional
            As in :attr:`act_likelihood_`; without it (a file saved before it existed) the model
            has ``act_evidence=False``.

        Returns
        -------
        StanceModel

        Examples
        --------
        >>> model = load_model()
        >>> copy = StanceModel.from_fitted(model.pipeline_, dict(model.metadata_), model.holders_,
        ...                                model.act_likelihood_)
        >>> copy.predict([{"text": "Japan condemned Russia.", "holder": "JPN", "target": "RUS"}])
        array(['oppose'], dtype=object)
        """
        check_is_fitted(pipeline)
        names = cls._get_param_names()
        saved = metadata.get("params") if isinstance(metadata.get("params"), dict) else {}
        params = {k: tuple(v) if isinstance(v, list) else v for k, v in saved.items() if k in names}
        params["act_evidence"] = act_likelihood is not None
        model = cls(**params)
        model._set_fitted(pipeline, metadata, holders, act_likelihood)
        return model

    def _set_fitted(self, pipeline: Pipeline, metadata: dict[str, Any],
                    holders: Pipeline | None, act_likelihood: np.ndarray | None = None) -> None:
        self.pipeline_ = pipeline
        self.holders_ = holders
        self.act_likelihood_ = act_likelihood
        self.metadata_ = metadata
        self.classes_ = np.asarray(pipeline.classes_)

    def _pipeline_params(self) -> dict[str, Any]:
        return {k: v for k, v in self.get_params().items() if k not in ("holder_model", "act_evidence")}

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> StanceModel:
        """Fit the stance pipeline (and the holder model) on labelled rows.

        Parameters
        ----------
        X : DataFrame or list of dict
            Columns ``text``, ``target``, optionally ``holder`` (a code, or empty for no holder)
            and ``speaker`` (the speaker of a statement, for the holder model).
        y : array-like of str
            "oppose", "neutral" or "support" per row.
        sample_weight : array-like of float, optional
            Weight of each row in the stance classifier.

        Returns
        -------
        StanceModel
            self, fitted.

        Raises
        ------
        ValueError
            If a row or label is invalid (see :func:`validate_training_data`), or the rows have
            fewer than two labels or fewer than two rows of a label.

        Examples
        --------
        >>> rows = default_corpus("train").sample(600, random_state=0)
        >>> model = StanceModel(C=2.0, holder_model=False).fit(rows, rows["stance"])
        >>> model.holders_ is None
        True
        """
        frame = as_table(X)
        labels = np.asarray(y, dtype=object).ravel() if not isinstance(y, str) else None
        if labels is None or len(labels) != len(frame):
            raise ValueError(f"y must hold one label per row of X ({len(frame)} rows), got "
                             f"{'a string' if labels is None else f'{len(labels)} labels'}")
        data = validate_training_data(frame.assign(stance=labels), name="X")
        weight = None
        if sample_weight is not None:
            weight = np.asarray(sample_weight, dtype=float).ravel()
            if weight.shape != (len(data),) or not np.isfinite(weight).all() or (weight < 0).any():
                raise ValueError(f"sample_weight must be {len(data)} finite weights >= 0")
        holder_rows = data.assign(speaker=_speaker_column(frame)) if self.holder_model else None
        return self._fit(data, weight, holder_rows)

    def _fit(self, rows: pd.DataFrame, sample_weight: np.ndarray | None,
             holder_rows: pd.DataFrame | None) -> StanceModel:
        """Fit on validated rows (column ``stance`` the labels); the holder model on ``holder_rows``."""
        labels = sorted(rows["stance"].unique())
        if len(labels) < 2:
            raise ValueError(f"data: need at least two stance labels to train, found {labels}")
        counts = rows["stance"].value_counts()
        params = self._pipeline_params()
        params["cv"] = min(int(params["cv"]), int(counts.min()))
        if params["cv"] < 2:
            raise ValueError(f"data: each label needs at least 2 rows for calibration; counts are "
                             f"{counts.to_dict()}")
        pipeline = build_pipeline(**params)
        # One BLAS/OpenMP thread while fitting: the solvers work on small dense blocks, and a thread
        # pool as wide as the machine oversubscribes a small one (more so when anything else runs).
        with threadpool_limits(limits=1):
            fit_params = ({} if sample_weight is None or (sample_weight == 1).all()
                          else {"classifier__sample_weight": sample_weight})
            pipeline.fit(rows[["text", "holder", "target"]], rows["stance"].to_numpy(), **fit_params)
            holders = None if holder_rows is None else _train_holders([holder_rows])
        act = (_act_likelihood(rows, pipeline.classes_, sample_weight) if self.act_evidence
               else None)
        metadata = {
            "library": "stance",
            "stance_version": __version__,
            "sklearn_version": sklearn.__version__,
            "python_version": platform.python_version(),
            "labels": [str(c) for c in pipeline.classes_],
            "training_sha256": _sha256_rows(rows),
            "n_rows": len(rows),
            "label_counts": {str(k): int(v) for k, v in counts.items()},
            "training_rows": _training_rows(rows),
            "include_default": False,
            "corpus_split": None,
            "params": {k: list(v) if isinstance(v, tuple) else v
                       for k, v in dict(params, holder_model=self.holder_model,
                                        act_evidence=self.act_evidence).items()},
            "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            "metrics": {},
        }
        self._set_fitted(pipeline, metadata, holders, act)
        return self

    def predict(self, X: Any) -> np.ndarray:
        """Predict the stance of each (text, holder, target) row.

        Parameters
        ----------
        X : DataFrame, list of dict or NumPy record array
            Columns (keys, fields) ``text``, ``target`` and optionally ``holder`` (a code; None,
            NaN or "" for no holder). Anything else raises a ``TypeError`` that says so.

        Returns
        -------
        ndarray of str
            "oppose", "neutral" or "support" per row.

        Examples
        --------
        >>> import pandas as pd
        >>> model = load_model()
        >>> X = pd.DataFrame({"text": ["Japan condemned Russia's invasion of Ukraine."],
        ...                   "holder": ["JPN"], "target": ["RUS"]})
        >>> model.predict(X).tolist()
        ['oppose']
        """
        check_is_fitted(self)
        rows = as_rows(X)
        if rows.empty:
            return np.array([], dtype=object)
        # the calibrated classifier's own predict is this argmax too
        return self.classes_[self._proba(rows).argmax(axis=1)]

    def predict_proba(self, X: Any) -> np.ndarray:
        """Calibrated probabilities, columns in the order of :attr:`classes_`.

        Parameters
        ----------
        X : DataFrame, list of dict or NumPy record array
            As in :meth:`predict`.

        Returns
        -------
        ndarray of shape (n_rows, 3)

        Examples
        --------
        >>> model = load_model()
        >>> p = model.predict_proba([{"text": "Japan condemned Russia.", "target": "RUS"}])
        >>> p.shape, bool(abs(p.sum() - 1) < 1e-9)
        ((1, 3), True)
        """
        check_is_fitted(self)
        rows = as_rows(X)
        if rows.empty:
            return np.zeros((0, len(self.classes_)))
        return self._proba(rows)

    def _proba(self, rows: pd.DataFrame) -> np.ndarray:
        """The pipeline's probabilities of validated rows, weighed with the act that links each
        row's holder to its target (``act_evidence``)."""
        return self._weighed(self.pipeline_.predict_proba(rows), rows)[0]

    def _weighed(self, proba: np.ndarray, rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """``proba`` (the pipeline's, of ``rows``) weighed with the acts, and the stance each act
        implies ("" where none, and everywhere when ``act_likelihood_`` is None)."""
        likelihood = getattr(self, "act_likelihood_", None)
        if likelihood is None:
            return proba, np.full(len(rows), "", dtype=object)
        acts = implied_stances(rows)
        return _weigh_acts(proba, acts, list(self.classes_), likelihood), acts

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.input_tags.dict = True
        return tags

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Save the model with joblib and write its metadata beside it.

        Both files are written atomically (a temporary file, then a rename). The metadata file
        (``PATH.meta.json``) records the model file's SHA-256, which :func:`load_model` checks
        before unpickling.

        Parameters
        ----------
        path : path-like
            Where to write the model (conventionally ``*.joblib``).

        Returns
        -------
        Path
            The model path.
        """
        from .io import atomic_write

        check_is_fitted(self)
        path = Path(path)
        with atomic_write(path, "wb") as fh:
            joblib.dump({"pipeline": self.pipeline_, "holders": self.holders_,
                         "act_likelihood": self.act_likelihood_, "metadata": self.metadata_}, fh,
                        compress=3)
        meta = dict(self.metadata_, file_sha256=_file_sha256(path), file_name=path.name)
        with atomic_write(_meta_path(path)) as fh:
            fh.write(json.dumps(meta, indent=2, sort_keys=True))
        self.metadata_ = meta
        return path

    def explain(self, text: str, target: str, holder: str | None = None, top: int = 10
                ) -> pd.DataFrame:
        """The features that pushed the prediction for one row, with their weights.

        See :func:`explain`.
        """
        check_is_fitted(self)
        return _explain(self, text, target, holder, top)

    def __repr__(self, N_CHAR_MAX: int = 700) -> str:
        params = super().__repr__(N_CHAR_MAX)
        meta = getattr(self, "metadata_", None)
        if meta is None:
            return params
        f1 = meta.get("metrics", {}).get("training_fit", {}).get("macro_f1")
        score = f", training macro_f1={f1:.3f}" if isinstance(f1, float) else ""
        return (f"{params} fitted: trained={meta.get('created', '?')}, "
                f"rows={meta.get('n_rows', '?')}{score}")


def _meta_path(path: Path) -> Path:
    return path.with_name(path.name + META_SUFFIX)


# ---------------------------------------------------------------------------------------------
# Training and evaluation
# ---------------------------------------------------------------------------------------------


def train(data: pd.DataFrame | None = None, include_default: bool = False, *,
          grid_weight: float = GRID_WEIGHT, split: str | None = None, **params: Any) -> StanceModel:
    """Train a stance model on labelled rows.

    Parameters
    ----------
    data : DataFrame or None
        Columns ``text``, ``holder`` (code or empty), ``target``, ``stance``. None trains on the
        bundled corpus only.
    include_default : bool, default False
        Add the bundled corpus (all splits) to ``data``.
    grid_weight : float, default :data:`GRID_WEIGHT`
        Weight of the bundled corpus's event-grid sentences (batch 16, the rows with an ``event``)
        in the stance classifier; the other bundled rows and all of your rows weigh 1, and 0
        leaves the grid out. The grid teaches who does what to whom in forms real news seldom
        uses (negation, refusal, balance, victims and venues); ``benchmarks/bench_accuracy.py``
        measures the
        choice on real text (``--grid-weight``). The holder model always learns from the bundled
        rows written before the grid: the grid gives reporting and onlooking countries neutral
        rows, which on real news made it take bystanders for holders.
    split : {"train", "test"} or None
        Use only this split of the bundled corpus (``train(split="train")`` is the model that
        ``stance evaluate`` scores on the test split).
    **params
        Passed to :func:`build_pipeline`.

    Notes
    -----
    The holder-attribution model is trained on the same rows. It learns from sentences annotated
    exhaustively (every holder toward every target the sentence names, as in the bundled corpus);
    when your own rows are not, train with ``include_default=True`` so that the bundled corpus
    teaches it.

    The metadata keeps a short hash (16 hex digits) of each distinct training row's text, holder
    and target, sorted (``metadata["training_rows"]["hashes"]``), for :func:`evaluate` to warn
    about evaluation rows the model was trained on. Above 16,384 distinct rows only the hashes in
    an even share of the hash space are kept (``fraction``, about 16,384 of them), so that the
    metadata file stays under about 450 KB (415 KB for all 15,981 rows of the bundled corpus).

    Returns
    -------
    StanceModel

    Raises
    ------
    ValueError
        If the data are invalid (see :func:`validate_training_data`: among others, holders and
        targets must be actor codes of the gazetteer) or have fewer than two labels.

    Examples
    --------
    >>> model = train(split="train")
    >>> sorted(model.classes_)
    ['neutral', 'oppose', 'support']
    """
    if not 0.0 <= float(grid_weight) <= 1.0:
        raise ValueError(f"grid_weight must be between 0 and 1, got {grid_weight!r}")
    frames, weights, holder_frames = [], [], []
    if data is not None:
        frames.append(validate_training_data(data))
        weights.append(np.ones(len(frames[-1])))
        holder_frames.append(frames[-1].assign(speaker=_speaker_column(data)))
    if include_default or data is None:
        corpus = default_corpus(split)
        gridded = corpus["event"].ne("").to_numpy()
        if grid_weight == 0:
            corpus, gridded = corpus[~gridded].reset_index(drop=True), np.zeros((~gridded).sum(), bool)
        frames.append(validate_training_data(corpus, name="bundled corpus"))
        weights.append(np.where(gridded, float(grid_weight), 1.0))
        holder_frames.append(frames[-1].assign(speaker=corpus["speaker"].to_numpy())[~gridded])
    rows = pd.concat(frames, ignore_index=True)
    sample_weight = np.concatenate(weights)
    unknown = set(params) - set(StanceModel._get_param_names())
    if unknown:
        raise TypeError(f"train() got unexpected parameter(s) {sorted(unknown)}; the model's "
                        f"parameters are {StanceModel._get_param_names()}")
    model = StanceModel(**params)
    holder_rows = pd.concat(holder_frames, ignore_index=True) if model.holder_model else None
    model._fit(rows, sample_weight, holder_rows)
    metadata = model.metadata_
    metadata["include_default"] = bool(include_default or data is None)
    metadata["corpus_split"] = split
    metadata["params"]["grid_weight"] = float(grid_weight)
    # Scores on the training rows themselves: a check that the fit worked, not an estimate of
    # accuracy on new text (use evaluate() on held-out rows for that).
    with threadpool_limits(limits=1):
        metadata["metrics"] = {"training_fit": _evaluate(model, rows).to_dict()}
    return model


def _speaker_column(data: pd.DataFrame) -> np.ndarray:
    if "speaker" not in data.columns:
        return np.full(len(data), "", dtype=object)
    return np.array([v.strip() if isinstance(v, str) else "" for v in data["speaker"]], dtype=object)


def _train_holders(frames: list[pd.DataFrame]) -> Pipeline | None:
    """Fit the holder-attribution pipeline on labelled rows (None when they give no candidates)."""
    from .attribution import build_holder_pipeline, holder_training_rows

    X, y = holder_training_rows(pd.concat(frames, ignore_index=True))
    if len(set(y.tolist())) < 2:
        warnings.warn("the training rows give no holder candidates of both kinds; analyze() will "
                      "report every stance with an empty holder", stacklevel=3)
        return None
    return build_holder_pipeline().fit(X, y)


def textblob_baseline(texts: Sequence[str], threshold: float = 0.0) -> np.ndarray:
    """Stance from TextBlob polarity alone: > threshold support, < -threshold oppose, else neutral.

    Examples
    --------
    >>> textblob_baseline(["a great friend", "a terrible war", "they met"]).tolist()
    ['support', 'oppose', 'neutral']
    """
    pol = np.array([sentiment(t)[0] for t in texts])
    return np.where(pol > threshold, "support", np.where(pol < -threshold, "oppose", "neutral"))


@dataclass
class Evaluation:
    """Scores of a model on labelled rows, with baselines side by side.

    Attributes
    ----------
    n : int
        Rows scored.
    macro_f1 : float
        Macro-averaged F1 over the three labels.
    f_avg : float
        SemEval-2016's F_avg: the mean F1 of oppose and support.
    per_class : DataFrame
        Precision, recall, F1 and support per label.
    confusion : DataFrame
        Rows are true labels, columns predicted labels.
    baselines : DataFrame
        Macro-F1 and F_avg of the model, the majority class and TextBlob polarity.
    """

    n: int
    macro_f1: float
    f_avg: float
    accuracy: float
    per_class: pd.DataFrame
    confusion: pd.DataFrame
    baselines: pd.DataFrame
    predictions: np.ndarray = field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        """Plain numbers, for JSON or model metadata."""
        return {"n": self.n, "macro_f1": self.macro_f1, "f_avg": self.f_avg,
                "accuracy": self.accuracy,
                "per_class": self.per_class.round(4).to_dict(orient="index"),
                "baselines": self.baselines.round(4).to_dict(orient="index")}

    def __str__(self) -> str:
        lines = [f"rows scored: {self.n}",
                 f"macro-F1: {self.macro_f1:.3f}   F_avg (oppose, support): {self.f_avg:.3f}   "
                 f"accuracy: {self.accuracy:.3f}",
                 "", "per class:", self.per_class.round(3).to_string(),
                 "", "confusion (rows true, columns predicted):", self.confusion.to_string(),
                 "", "against baselines:", self.baselines.round(3).to_string()]
        return "\n".join(lines)


def _scores(y_true: np.ndarray, y_pred: np.ndarray) -> tuple[float, float, float]:
    macro = f1_score(y_true, y_pred, labels=list(LABELS), average="macro", zero_division=0)
    per = f1_score(y_true, y_pred, labels=["oppose", "support"], average=None, zero_division=0)
    return float(macro), float(np.mean(per)), float(np.mean(y_true == y_pred))


def evaluate(model: StanceModel | None, data: pd.DataFrame) -> Evaluation:
    """Score ``model`` on labelled rows and compare with the majority class and TextBlob polarity.

    Parameters
    ----------
    model : StanceModel or None
        None uses :func:`load_model`'s default model.
    data : DataFrame
        Columns ``text``, ``holder``, ``target``, ``stance``.

    Returns
    -------
    Evaluation

    Warns
    -----
    UserWarning
        When some rows are training rows of the model (same text, holder and target, by the
        row hashes its metadata keeps; see :func:`train`), saying how many: scores on them
        overstate the accuracy on new text. Models saved without the hashes are not checked.

    Examples
    --------
    >>> result = evaluate(train(split="train"), default_corpus("test"))
    >>> bool(result.macro_f1 > result.baselines.loc["textblob_polarity", "macro_f1"])
    True
    """
    rows = validate_training_data(data)
    model = model or load_model()
    _warn_overlap(model, rows)
    return _evaluate(model, rows)


def _warn_overlap(model: StanceModel, rows: pd.DataFrame) -> None:
    """Warn when ``rows`` (validated) hold rows the model was trained on."""
    info = model.metadata_.get("training_rows")
    if not isinstance(info, dict) or not rows.size:
        return
    known = set(info["hashes"])
    fraction = float(info["fraction"])
    cutoff = _hash_cutoff(fraction)
    hits = sum(h in known for h in _row_hashes(rows) if int(h, 16) < cutoff)
    if not hits:
        return
    if fraction >= 1.0:
        count, note = f"{hits:,}", ""
    else:
        count = f"about {min(len(rows), round(hits / fraction)):,}"
        note = "; estimated from the share of its training rows whose hashes the metadata keeps"
    warnings.warn(f"{count} of the {len(rows):,} evaluation rows are training rows of the model "
                  f"(same text, holder and target{note}): the scores overstate its accuracy on new "
                  "text", stacklevel=3)


def _evaluate(model: StanceModel, rows: pd.DataFrame) -> Evaluation:
    """:func:`evaluate` on rows that :func:`validate_training_data` returned."""
    y = rows["stance"].to_numpy()
    pred = np.asarray(model.predict(rows[["text", "holder", "target"]]), dtype=object)
    macro, favg, acc = _scores(y, pred)
    p, r, f, s = precision_recall_fscore_support(y, pred, labels=list(LABELS), zero_division=0)
    per_class = pd.DataFrame({"precision": p, "recall": r, "f1": f, "support": s},
                             index=list(LABELS))
    confusion = pd.DataFrame(confusion_matrix(y, pred, labels=list(LABELS)),
                             index=[f"true {c}" for c in LABELS], columns=list(LABELS))
    counts = model.metadata_.get("label_counts") or pd.Series(y).value_counts().to_dict()
    majority = max(counts, key=counts.get)
    base = {"model": (macro, favg, acc)}
    base["majority_class"] = _scores(y, np.full(len(y), majority, dtype=object))
    base["textblob_polarity"] = _scores(y, textblob_baseline(rows["text"].tolist()))
    baselines = pd.DataFrame(base, index=["macro_f1", "f_avg", "accuracy"]).T
    return Evaluation(len(rows), macro, favg, acc, per_class, confusion, baselines, pred)


# ---------------------------------------------------------------------------------------------
# Explanations
# ---------------------------------------------------------------------------------------------


def _explain(model: StanceModel, text: str, target: str, holder: str | None, top: int
             ) -> pd.DataFrame:
    row = pd.DataFrame({"text": [text], "holder": [holder or ""], "target": [target]})
    rows = as_rows(row)
    pipeline = model.pipeline_
    features = pipeline.named_steps["features"]
    clf = pipeline.named_steps["classifier"]
    x = features.transform(rows)
    x = x.tocsr() if hasattr(x, "tocsr") else np.asarray(x)
    names = features.get_feature_names_out()
    coefs = np.mean([c.estimator.coef_ for c in clf.calibrated_classifiers_], axis=0)
    classes = list(clf.classes_)
    words = pipeline.predict_proba(rows)
    weighed, acts = model._weighed(words, rows)
    proba, words, act = weighed[0], words[0], str(acts[0])
    label = classes[int(np.argmax(proba))]
    k = classes.index(label)
    if hasattr(x, "indices"):
        idx, values = x.indices, x.data
    else:
        idx = np.flatnonzero(x[0])
        values = x[0, idx]
    contrib = values * coefs[k, idx]
    order = np.argsort(-np.abs(contrib))[:top]
    out = pd.DataFrame({
        "feature": names[idx[order]],
        "value": values[order],
        "weight": coefs[k, idx[order]],
        "contribution": contrib[order],
    })
    out.attrs.update(prediction=label, probabilities=dict(zip(classes, proba.round(4))),
                     classifier_probabilities=dict(zip(classes, words.round(4))),
                     act=act, events=_event_table(rows))
    return out


def _event_table(rows: pd.DataFrame) -> pd.DataFrame:
    """The event patterns matched in one row's view: who acts on whom, and what it implies."""
    from .views import view_text

    view = view_text(rows["text"].iat[0], rows["holder"].iat[0], rows["target"].iat[0])
    matches = match_events(view)
    return pd.DataFrame({
        "type": [m.type for m in matches],
        "mode": [m.mode for m in matches],
        "agent": [", ".join(m.agents) for m in matches],
        "other": [", ".join(m.others + m.seconds) for m in matches],
        "modifier": [m.modifier for m in matches],
        "stance": [m.stance for m in matches],
        "words": [m.text for m in matches],
        "pattern": [m.pattern for m in matches],
    })


def explain(text: str, target: str, holder: str | None = None, *, model: StanceModel | None = None,
            top: int = 10) -> pd.DataFrame:
    """List the features that pushed the prediction for one (text, holder, target), with weights.

    The weights are the logistic-regression coefficients for the predicted label, averaged over
    the calibration folds; ``contribution`` is feature value times weight. The prediction and its
    probabilities are in ``result.attrs``; so are the classifier's own probabilities
    (``classifier_probabilities``), before the act that links the holder to the target weighs
    them (``act``: the stance it implies, "" for none; see ``act_evidence`` of
    :class:`StanceModel`), and the event patterns of the lexicon
    (:mod:`stance.events`) that matched the row, as a table under ``result.attrs["events"]``:
    their type, who acts on whom ("holder", "target", "other"), the modifier (negated, refused,
    modal), the stance they imply for the agent, the words matched and the lexicon line.

    Parameters
    ----------
    text : str
        The sentence.
    target : str
        Target code ("CHN", "RUS", "TWN" or any other actor code).
    holder : str, optional
        Holder code; None for no holder.
    model : StanceModel, optional
        Defaults to :func:`load_model`.
    top : int, default 10
        Number of features to list.

    Returns
    -------
    DataFrame
        Columns ``feature``, ``value``, ``weight``, ``contribution``, largest first.

    Examples
    --------
    >>> table = explain("Japan condemned Russia's invasion.", "RUS", "JPN")
    >>> table.attrs["prediction"]
    'oppose'
    >>> table.attrs["events"][["type", "agent", "other", "stance"]].values.tolist()
    [['ACCUSE', 'holder', 'target', 'oppose']]
    >>> explain("Vietnam orders Su-30 fighters from Moscow.", "RUS", "VNM").attrs["act"]
    'support'
    """
    from ._checks import check_text

    check_text(text)
    check_text(target, "target")
    return _explain(model or load_model(), text, target, holder, top)


# ---------------------------------------------------------------------------------------------
# Loading and the default model
# ---------------------------------------------------------------------------------------------


def cache_dir() -> Path:
    """Where the default model is cached: ``$STANCE_CACHE_DIR``, else ``$XDG_CACHE_HOME/stance``,
    else ``~/.cache/stance``."""
    env = os.environ.get("STANCE_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "stance"


#: Files whose content decides what the default model is: the code that builds its features and
#: the data it reads, and every module of the package that this code imports (a test checks that
#: none is missing). Any change gives a new cache key, so a stale model is never served.
_MODEL_SOURCES = ("text.py", "actors.py", "matching.py", "_checks.py", "features.py", "rows.py",
                  "views.py", "sentiment.py", "cues.py", "structure.py", "tfidf.py",
                  "attribution.py", "candidates.py", "roles.py", "alternation.py", "sentence.py", "events.py",
                  "model.py")


def _default_path() -> Path:
    digest = hashlib.sha256()
    package = resources.files("stance")
    for name in _MODEL_SOURCES:
        digest.update(package.joinpath(name).read_bytes())
    data = package.joinpath("data")
    for entry in sorted(data.iterdir(), key=lambda e: e.name):
        if entry.name.endswith((".tsv", ".csv")):
            digest.update(entry.name.encode())
            digest.update(entry.read_bytes())
    tag = digest.hexdigest()[:16]
    return cache_dir() / f"default-{__version__}-sklearn{sklearn.__version__}-{tag}.joblib"


def load_model(path: str | os.PathLike[str] | None = None) -> StanceModel:
    """Load a saved model, or the default model when ``path`` is None.

    A model file is only unpickled after its metadata file (``PATH.meta.json``) has been read and
    checked field by field (the fields :meth:`StanceModel.save` writes, with their types, and
    labels and label counts that agree), the file's SHA-256 matches the one recorded there, and
    when it was saved by the installed scikit-learn version. A model saved by another stance
    version loads with a warning (its pickled features run the installed code), and its labels
    must be the unpickled model's classes.

    The default model is trained deterministically from the bundled corpus (all rows) on first use
    and cached under :func:`cache_dir`, keyed by the library version, the scikit-learn version and
    a hash of the corpus, the data files and the code that builds the features: a pickle made by
    another scikit-learn version or by other code is never served. A cached model that fails any
    check is rebuilt, with a warning. Processes that need the default model at the same time
    build it once: the first holds a lock file in the cache directory while it trains, and the
    others wait for it, then load what it wrote.

    Parameters
    ----------
    path : path-like, optional
        A model written by :meth:`StanceModel.save` or ``stance train``.

    Returns
    -------
    StanceModel

    Raises
    ------
    FileNotFoundError
        If ``path`` or its metadata file does not exist.
    ValueError
        If the metadata file is not valid JSON or fails a check, the hash does not match, the
        scikit-learn version differs, the file cannot be unpickled, or the labels are not the
        model's classes; the message names the file (and the field).

    Warns
    -----
    UserWarning
        If the model was saved by another stance version.

    Examples
    --------
    >>> model = load_model()
    >>> list(model.classes_)
    ['neutral', 'oppose', 'support']
    """
    if path is None:
        return _default_model()
    return _load_verified(Path(path))


#: The metadata fields that :func:`train` and :meth:`StanceModel.save` write: whether each must be
#: present, and its JSON type. ``corpus_split`` and ``training_rows`` (the row hashes
#: :func:`evaluate` checks) came after the first models were saved, and ``default`` only marks the
#: cached default model, so these may be absent.
_META_FIELDS: dict[str, tuple[bool, str]] = {
    "library": (True, "string"),
    "stance_version": (True, "string"),
    "sklearn_version": (True, "string"),
    "python_version": (True, "string"),
    "labels": (True, "array"),
    "training_sha256": (True, "string"),
    "n_rows": (True, "integer"),
    "label_counts": (True, "object"),
    "training_rows": (False, "object"),
    "include_default": (True, "boolean"),
    "corpus_split": (False, "string or null"),
    "params": (True, "object"),
    "created": (True, "string"),
    "metrics": (True, "object"),
    "default": (False, "boolean"),
    "file_sha256": (True, "string"),
    "file_name": (True, "string"),
}
_JSON_TYPES: dict[str, Any] = {
    "string": lambda v: isinstance(v, str),
    "string or null": lambda v: v is None or isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
}
_ARTICLE = {"string": "a", "string or null": "a", "integer": "an", "number": "a", "boolean": "a",
            "array": "an", "object": "an"}
_HEX64 = re.compile(r"[0-9a-f]{64}")
_ROW_HASH = re.compile(rf"[0-9a-f]{{{_ROW_HASH_CHARS}}}")


def _json_value(value: Any) -> str:
    """A short description of a JSON value for messages: ``null``, ``an array``, ``'0.0.1'``."""
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, list):
        return f"an array of {len(value)}"
    if isinstance(value, dict):
        return "an object"
    return short_repr(value)


def _check_metadata(meta: Any, meta_path: str | os.PathLike[str]) -> dict[str, Any]:
    """Check a model's metadata (the parsed ``PATH.meta.json``) against what :meth:`StanceModel.save`
    writes, before the model file is trusted.

    Checked: the value is a JSON object; every field :func:`train` and :meth:`StanceModel.save`
    write is present with its JSON type (``corpus_split``, ``default`` and ``training_rows`` may
    be absent); ``library`` is ``"stance"``; ``stance_version``, ``sklearn_version``,
    ``python_version`` and ``file_name`` are non-empty; the SHA-256 fields are 64 lower-case hex
    digits; ``created`` is an ISO date and time; ``labels`` are distinct stance labels
    (:data:`LABELS`), at least two, sorted as a model's ``classes_`` are; ``label_counts`` has
    exactly those labels as keys, with non-negative integer counts summing to ``n_rows``;
    ``training_rows`` holds a ``fraction`` in (0, 1] and its row hashes. Whether the versions are
    the running ones, and whether ``labels`` are the model's classes, are checked by
    :func:`load_model`, which knows what is installed and what was unpickled.

    Parameters
    ----------
    meta : Any
        The parsed JSON.
    meta_path : path-like
        The metadata file, for messages.

    Returns
    -------
    dict
        ``meta``, checked.

    Raises
    ------
    ValueError
        The first problem found, naming the file and the field.

    Examples
    --------
    >>> _check_metadata([], "m.joblib.meta.json")
    Traceback (most recent call last):
    ...
    ValueError: m.joblib.meta.json: the metadata must be a JSON object, got an array of 0; ...
    """

    def refuse(problem: str) -> ValueError:
        return ValueError(f"{meta_path}: {problem}; refusing to load the model")

    if not isinstance(meta, dict):
        raise refuse(f"the metadata must be a JSON object, got {_json_value(meta)}")
    for key, (required, kind) in _META_FIELDS.items():
        if key not in meta:
            if required:
                raise refuse(f"field {key!r} is missing")
            continue
        if not _JSON_TYPES[kind](meta[key]):
            raise refuse(f"field {key!r} must be {_ARTICLE[kind]} {kind}, got "
                         f"{_json_value(meta[key])}")
    if meta["library"] != "stance":
        raise refuse(f"field 'library' must be \"stance\", got {_json_value(meta['library'])}")
    for key in ("stance_version", "sklearn_version", "python_version", "file_name"):
        if not meta[key].strip():
            raise refuse(f"field {key!r} is empty")
    for key in ("training_sha256", "file_sha256"):
        if not _HEX64.fullmatch(meta[key]):
            raise refuse(f"field {key!r} must be 64 hex digits, got {_json_value(meta[key])}")
    try:
        _dt.datetime.fromisoformat(meta["created"])
    except ValueError:
        raise refuse(f"field 'created' must be an ISO date and time, got "
                     f"{_json_value(meta['created'])}") from None
    if meta.get("corpus_split") not in (None, "train", "test"):
        raise refuse(f"field 'corpus_split' must be \"train\", \"test\" or null, got "
                     f"{_json_value(meta['corpus_split'])}")
    labels = meta["labels"]
    if (len(labels) < 2 or not all(isinstance(v, str) and v in LABELS for v in labels)
            or labels != sorted(set(labels))):
        raise refuse(f"field 'labels' must list two or three of {list(LABELS)} in that order, got "
                     f"{labels!r:.80}")
    n_rows, counts = meta["n_rows"], meta["label_counts"]
    if n_rows < 0:
        raise refuse(f"field 'n_rows' must not be negative, got {n_rows}")
    if sorted(counts) != labels:
        raise refuse(f"field 'label_counts' must count exactly the labels {labels}, got the keys "
                     f"{sorted(counts)!r:.80}")
    bad = {k: v for k, v in counts.items() if not _JSON_TYPES["integer"](v) or v < 0}
    if bad:
        raise refuse(f"field 'label_counts' must hold non-negative integers, got {bad!r:.80}")
    if sum(counts.values()) != n_rows:
        raise refuse(f"field 'label_counts' sums to {sum(counts.values())}, but 'n_rows' is {n_rows}")
    if "training_rows" in meta:
        info = meta["training_rows"]
        fraction, hashes = info.get("fraction"), info.get("hashes")
        if not _JSON_TYPES["number"](fraction) or not 0 < fraction <= 1:
            raise refuse(f"field 'training_rows' must have a 'fraction' in (0, 1], got "
                         f"{_json_value(fraction)}")
        if not isinstance(hashes, list) or not all(
                isinstance(h, str) and _ROW_HASH.fullmatch(h) for h in hashes):
            raise refuse(f"field 'training_rows' must have 'hashes', a list of {_ROW_HASH_CHARS}-hex-"
                         "digit strings")
        if len(hashes) > n_rows:
            raise refuse(f"field 'training_rows' has {len(hashes)} row hashes for {n_rows} rows")
    return meta


def verify_model_file(path: str | os.PathLike[str], *, default: bool = False) -> dict[str, Any]:
    """Check a saved model without unpickling it: its metadata, its SHA-256 and the versions.

    :func:`load_model` runs these checks before it unpickles a file. Where worker processes load
    the file themselves (``analyze_files`` with ``n_jobs`` > 1), the calling process runs them
    first, so that a bad file is named there, once.

    Parameters
    ----------
    path : path-like
        A model written by :meth:`StanceModel.save`.
    default : bool, default False
        For the cached default model, whose file name holds the stance version: a metadata file
        naming another version is refused, not just warned about.

    Returns
    -------
    dict
        The checked metadata.

    Raises
    ------
    FileNotFoundError, ValueError
        As :func:`load_model`.

    Warns
    -----
    UserWarning
        If the model was saved by another stance version.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such model file")
    meta_path = _meta_path(path)
    if not meta_path.is_file():
        raise FileNotFoundError(f"{path}: no metadata file {meta_path.name} beside it; refusing to "
                                "unpickle a model whose integrity cannot be checked")
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"{meta_path}: unreadable metadata ({exc})") from None
    meta = _check_metadata(meta, meta_path)
    if _file_sha256(path) != meta["file_sha256"]:
        raise ValueError(f"{path}: SHA-256 does not match {meta_path.name}; the file was changed "
                         "after it was saved. Refusing to load it (a joblib file runs code when "
                         "loaded).")
    if meta["sklearn_version"] != sklearn.__version__:
        raise ValueError(f"{path}: saved with scikit-learn {meta['sklearn_version']}, but "
                         f"{sklearn.__version__} is installed; retrain it with `stance train`")
    if meta["stance_version"] != __version__:
        if default:
            raise ValueError(f"{meta_path}: field 'stance_version' is {meta['stance_version']!r}, "
                             f"but the cache file is for stance {__version__}")
        warnings.warn(f"{path}: saved by stance {meta['stance_version']}, but this is stance "
                      f"{__version__}; the pickled features run this version's code: retrain it "
                      "with `stance train` if its predictions look wrong", stacklevel=4)
    return meta


def _load_verified(path: Path, *, default: bool = False) -> StanceModel:
    """Load a model after :func:`verify_model_file`'s checks, and check its labels."""
    meta = verify_model_file(path, default=default)
    try:
        payload = joblib.load(path)
        model = StanceModel.from_fitted(payload["pipeline"], meta, payload.get("holders"),
                                        payload.get("act_likelihood"))
    except Exception as exc:  # the file is as saved, so the installed code cannot read it
        raise ValueError(f"{path}: cannot load the model saved by stance {meta['stance_version']} "
                         f"({type(exc).__name__}: {exc}); retrain it with `stance train`") from exc
    classes = [str(c) for c in model.classes_]
    if classes != meta["labels"]:
        raise ValueError(f"{_meta_path(path)}: field 'labels' is {meta['labels']}, but the model's classes "
                         f"are {classes}; refusing to load the model")
    return model


#: The lock file, in the cache directory, held while the default model is built.
_LOCK_NAME = "default-model.lock"


@lru_cache(maxsize=1)
def _default_model() -> StanceModel:
    """Load the cached default model, or build and cache it (once, whatever the processes).

    A cache that cannot be read or fails a check (a bad metadata file, a changed model file) is
    rebuilt with one warning, never an error. Building happens under a lock file in the cache
    directory (:func:`stance._lock.file_lock`): a process that finds another one building waits,
    then loads what that one wrote instead of training a second time.
    """
    path = _default_path()
    problem: Exception | None = None
    if path.is_file():
        try:
            model = _load_verified(path, default=True)
            _touch(path)
            return model
        except Exception as exc:  # any unusable cache is rebuilt
            problem = exc
    lock = path.parent / _LOCK_NAME

    def waiting() -> None:
        print(f"stance: another process is building the default model; waiting for it (lock file "
              f"{lock})", file=sys.stderr, flush=True)

    with file_lock(lock, waiting=waiting):
        if path.is_file():  # written by the process this one waited for, or the same bad file
            try:
                return _load_verified(path, default=True)
            except Exception as exc:
                problem = exc
        if problem is not None:
            warnings.warn(f"cached default model unusable ({problem}); retraining", stacklevel=3)
        print(f"stance: training the default model from the bundled corpus, a one-time step (see "
              f"benchmarks/bench_model.py for its time); it will be cached in {path.parent}",
              file=sys.stderr, flush=True)
        model = train(None)
        model.metadata_["default"] = True
        try:
            model.save(path)
        except OSError as exc:
            warnings.warn(f"could not cache the default model in {path.parent} ({exc}); it will be "
                          "retrained in the next process", stacklevel=3)
        else:
            _prune_default_models(path.parent)
    return model


#: How many default models the cache keeps, the most recently used first: one per library
#: version and code (6 MB each), so that two installs sharing a cache do not retrain in turn.
KEEP_DEFAULT_MODELS = 3


def _touch(path: Path) -> None:
    """Mark a cached model as used now (its modification time), for :func:`_prune_default_models`."""
    try:
        os.utime(path)
    except OSError:  # a read-only cache is used as it is
        pass


def _prune_default_models(folder: Path, keep: int | None = None) -> list[Path]:
    """Remove all but the ``keep`` most recently used default models (and their metadata) from the
    cache; return the model files removed.

    Every change of the library, scikit-learn or the bundled data gives the default model a new
    cache key and a new 6 MB file; without pruning the cache grows with every upgrade. Files that
    cannot be removed are left as they are.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> for i in range(5):
    ...     _ = (folder / f"default-{i}.joblib").write_bytes(b"")
    ...     os.utime(folder / f"default-{i}.joblib", (i, i))
    >>> [p.name for p in _prune_default_models(folder, keep=3)]
    ['default-1.joblib', 'default-0.joblib']
    """
    keep = KEEP_DEFAULT_MODELS if keep is None else keep
    def used(p: Path) -> float:
        try:
            return p.stat().st_mtime
        except OSError:  # removed meanwhile
            return float("inf")

    models = sorted(folder.glob("default-*.joblib"), key=used, reverse=True)
    removed = []
    for old in models[keep:]:
        try:
            old.unlink()
            _meta_path(old).unlink(missing_ok=True)
            removed.append(old)
        except OSError:
            continue
    return removed
