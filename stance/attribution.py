"""Holder attribution: which of a sentence's candidates hold a stance toward a target.

The candidates of a sentence and target, and the features that describe each, are in
:mod:`stance.candidates`. A logistic regression over those features scores each candidate; those
above the threshold are holders. It is learned from the corpus's holder column: the corpus is
annotated exhaustively, so every named actor that is not a holder is a negative. The role rules'
``holder`` effect makes a partner of the target in a joint act a holder whatever the score.

Statements follow the annotation guidelines (rule 9): first-person references are the speaker's,
and a sentence that names no other holder is the speaker's, unless the model is confident that the
speaker only mentions the target in passing (see :data:`SPEAKER_FLOOR`). A passing mention takes no
position, so :func:`speaker_positions` gives such a sentence back to the speaker when the stance
classifier, reading it as the speaker's, finds a clear position (see :data:`SPEAKER_POSITION`);
:func:`stance.analyze` applies both rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from .actors import Mention, find_actors
from .candidates import (
    AS_OF,
    CANDIDATE_COLUMNS,
    PARTNER,
    SENTENCE,
    CandidateFeatures,
    _Ruling,
    candidate_features,
    candidate_rows,
    named_codes,
)
from .rows import MENTIONS

__all__ = [
    "PARTNER",
    "CandidateFeatures",
    "build_holder_pipeline",
    "candidate_features",
    "candidate_rows",
    "choose_holders",
    "evaluate_holders",
    "holder_training_rows",
    "predict_holders",
    "predict_holders_batch",
    "speaker_positions",
]

def build_holder_pipeline(C: float = 1.0, roles: bool = False) -> Pipeline:
    """The holder classifier: candidate features, DictVectorizer, logistic regression.

    Examples
    --------
    >>> build_holder_pipeline().named_steps["classifier"].C
    1.0
    """
    return Pipeline([
        ("features", CandidateFeatures(roles=roles)),
        ("vectorizer", DictVectorizer()),
        ("classifier", LogisticRegression(C=C, max_iter=2000, class_weight="balanced")),
    ])


def holder_training_rows(corpus: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """Candidate rows with 0/1 labels from an exhaustively annotated corpus.

    Parameters
    ----------
    corpus : DataFrame
        Columns ``text``, ``holder``, ``target`` and optionally ``speaker``.

    Returns
    -------
    X : DataFrame
        Candidate rows.
    y : ndarray of int
        1 when the candidate is a holder toward the target in the corpus.
    """
    rows: list[dict[str, str]] = []
    labels: list[int] = []
    speaker = corpus["speaker"] if "speaker" in corpus.columns else pd.Series("", index=corpus.index)
    frame = corpus.assign(speaker=speaker.fillna(""))
    for (text, target, spk), group in frame.groupby(["text", "target", "speaker"], sort=False):
        holders = {h for h in group["holder"] if isinstance(h, str) and h}
        for row in candidate_rows(text, target, spk, for_training=True):
            rows.append(row)
            labels.append(int(row["candidate"] in holders))
    return pd.DataFrame(rows, columns=list(CANDIDATE_COLUMNS)), np.array(labels)


#: With a known speaker and no other holder, the speaker holds the sentence unless the model gives
#: it less than this probability (a passing mention: "the conference held in Beijing in 1995").
SPEAKER_FLOOR = 0.2


def choose_holders(candidates: list[str], proba: np.ndarray, target: str, speaker: str = "",
                   threshold: float = 0.5, speaker_floor: float = SPEAKER_FLOOR,
                   forced: Iterable[bool] | None = None) -> list[tuple[str, float]]:
    """Apply the threshold and the speaker rule to one (sentence, target)'s candidate scores.

    ``forced`` marks candidates that hold a stance whatever their score (the ``holder`` effect of
    the role rules: partners of the target in a joint act).

    Examples
    --------
    >>> import numpy as np
    >>> choose_holders(["JPN", "UKR"], np.array([0.9, 0.3]), "RUS", speaker="UKR")
    [('JPN', 0.9)]
    >>> choose_holders(["UKR"], np.array([0.35]), "RUS", speaker="UKR")
    [('UKR', 0.35)]
    >>> choose_holders(["UKR"], np.array([0.05]), "RUS", speaker="UKR")
    []
    """
    forced = list(forced) if forced is not None else [False] * len(candidates)
    chosen = [(c, float(p)) for c, p in zip(candidates, proba) if p >= threshold]
    if speaker and speaker != target and not chosen and speaker in candidates:
        p = float(proba[candidates.index(speaker)])
        if p >= speaker_floor:
            chosen = [(speaker, p)]
    # partners in a joint act hold a stance too, without taking the sentence from the speaker
    taken = {c for c, _ in chosen}
    chosen += [(c, float(p)) for c, p, f in zip(candidates, proba, forced) if f and c not in taken]
    return chosen


#: A sentence of a known speaker that the holder model left without a holder (a passing mention,
#: below :data:`SPEAKER_FLOOR`) is the speaker's after all when the stance classifier, reading it as
#: the speaker's, gives ``oppose`` or ``support`` at least this probability: a sentence that takes a
#: clear position ("The invasion of Ukraine is a flagrant breach of the Charter") is not a passing
#: mention. ``stance evaluate`` prints the holder figures of the statements in the test split with
#: and without this rule.
SPEAKER_POSITION = 0.5


def speaker_positions(stance_model: Any, groups: list[dict[str, Any]],
                      threshold: float = SPEAKER_POSITION) -> list[np.ndarray | None]:
    """Stance probabilities of the speaker for (sentence, target) pairs left without a holder.

    Parameters
    ----------
    stance_model : fitted classifier
        Anything with ``classes_`` and ``predict_proba`` over a DataFrame with columns ``text``,
        ``holder``, ``target`` (a :class:`~stance.model.StanceModel` or the stance pipeline).
    groups : list of dict
        Each with ``text``, ``target`` and ``speaker``: pairs for which no holder was chosen.
    threshold : float, default :data:`SPEAKER_POSITION`
        Least probability of ``oppose`` or ``support`` (the most likely label) that makes the
        sentence the speaker's.

    Returns
    -------
    list of ndarray or None
        Per group, the stance probabilities (in the order of ``stance_model.classes_``) with the
        speaker as holder when the rule gives the sentence to the speaker; None otherwise (no
        speaker, the speaker is the target, or the most likely label is ``neutral`` or below the
        threshold).

    Examples
    --------
    >>> import numpy as np
    >>> class Model:  # a stand-in for the stance classifier
    ...     classes_ = np.array(["neutral", "oppose", "support"])
    ...     def predict_proba(self, X):
    ...         return np.array([[0.2, 0.7, 0.1]] * len(X))
    >>> out = speaker_positions(Model(), [{"text": "...", "target": "RUS", "speaker": "NZL"},
    ...                                   {"text": "...", "target": "RUS", "speaker": "RUS"}])
    >>> out[0].tolist(), out[1]
    ([0.2, 0.7, 0.1], None)
    """
    asked = [i for i, g in enumerate(groups)
             if g.get("speaker") and g["speaker"] != g["target"]]
    out: list[np.ndarray | None] = [None] * len(groups)
    if not asked:
        return out
    X = pd.DataFrame({"text": [groups[i]["text"] for i in asked],
                      "holder": [groups[i]["speaker"] for i in asked],
                      "target": [groups[i]["target"] for i in asked]})
    found = [getattr(groups[i].get("sentence"), "mentions", None) or groups[i].get("mentions")
             for i in asked]
    if all(f is not None for f in found):
        X[MENTIONS] = [tuple(f) for f in found]  # found once upstream
    proba = np.asarray(stance_model.predict_proba(X))
    neutral = list(stance_model.classes_).index("neutral")
    for i, p in zip(asked, proba):
        best = int(p.argmax())
        if best != neutral and p[best] >= threshold:
            out[i] = p
    return out


def predict_holders_batch(pipeline: Pipeline, groups: list[dict[str, Any]], threshold: float = 0.5,
                          stance_model: Any = None) -> list[list[tuple[str, float]]]:
    """Holders for many (sentence, target) pairs with one call to the classifier.

    Parameters
    ----------
    pipeline : Pipeline
        A fitted holder pipeline.
    groups : list of dict
        Each with ``text``, ``target``, ``speaker`` and optionally ``mentions`` (the sentence's
        mentions) and ``as_of``.
    threshold : float, default 0.5
        Least holder probability of a candidate.
    stance_model : fitted stance classifier, optional
        When given, a pair of a known speaker left without a holder goes to the speaker if the
        stance classifier finds a clear position in it (:func:`speaker_positions`).

    Returns
    -------
    list of list of (code, probability)
        One list per group, in order; empty when no actor holds a stance. The probability is the
        holder model's, also for a speaker given the sentence by the position rule (it is then
        below :data:`SPEAKER_FLOOR`).
    """
    # Every named actor is scored first (a candidate's features do not depend on the others); the
    # role rules are then read only where they can change the answer: the target's mentions, the
    # candidates the model puts above the threshold, and those a partner rule may force in.
    rows: list[dict[str, Any]] = []
    spans: list[tuple[int, int]] = []
    found_of: list[list[Mention]] = []
    for g in groups:
        sentence = g.get("sentence")
        found = list(sentence.mentions if sentence is not None else
                     g.get("mentions") if g.get("mentions") is not None else find_actors(g["text"]))
        text = sentence.text if sentence is not None else g["text"]
        target, speaker = g["target"], g.get("speaker", "") or ""
        found_of.append(found)
        codes = named_codes(found, target, speaker)
        spans.append((len(rows), len(rows) + len(codes)))
        rows.extend({"text": text, "target": target, "candidate": c, "speaker": speaker,
                     AS_OF: g.get("as_of"), MENTIONS: found, SENTENCE: sentence} for c in codes)
    if not rows:
        return [[] for _ in groups]
    proba = pipeline.predict_proba(pd.DataFrame(rows))[:, 1]
    names: list[list[str]] = []
    out: list[list[tuple[str, float]]] = []
    for g, (a, b), found in zip(groups, spans, found_of):
        target, speaker = g["target"], g.get("speaker", "") or ""
        sentence = g.get("sentence")
        ruling = None if a == b else _Ruling(rows[a]["text"], found, target, speaker,
                                              getattr(sentence, "rules", None), False)
        if ruling is None or ruling.no_holder():
            names.append([])
            out.append([])
            continue
        kept: list[tuple[int, str, float, bool]] = []  # (first kept mention, code, score, partner)
        for k in range(a, b):
            c, p = rows[k]["candidate"], proba[k]
            first, partner = None, False
            if any(m.code == c for m in found) and (p >= threshold or ruling.may_be_partner(c)):
                first, partner = ruling.standing(c)
            if first is not None:
                kept.append((first, c, p, partner))
            elif c == speaker:  # the speaker stays a candidate, last, whatever its mentions' roles
                kept.append((len(found), c, p, False))
        kept.sort(key=lambda k: k[0])
        names.append([c for _, c, _, _ in kept])
        out.append(choose_holders(names[-1], np.array([p for _, _, p, _ in kept]), target, speaker,
                                  threshold, forced=[f for _, _, _, f in kept]))
    if stance_model is not None:
        empty = [i for i, found in enumerate(out)
                 if not found and groups[i].get("speaker") in names[i]]
        positions = speaker_positions(stance_model, [groups[i] for i in empty])
        for i, position in zip(empty, positions):
            if position is not None:
                speaker = groups[i]["speaker"]
                row = next(k for k in range(*spans[i]) if rows[k]["candidate"] == speaker)
                out[i] = [(speaker, float(proba[row]))]
    return out


def predict_holders(pipeline: Pipeline, text: str, target: str, speaker: str = "",
                    mentions: list[Mention] | None = None, threshold: float = 0.5,
                    stance_model: Any = None) -> list[tuple[str, float]]:
    """Holders of a stance toward ``target`` in one sentence, with their probabilities.

    The speaker rule is applied on top of the model: when a speaker is known and no other candidate
    is a holder, the speaker is, unless the model gives it less than :data:`SPEAKER_FLOOR` (a
    passing mention with no position, which the guidelines leave without a holder). With
    ``stance_model``, such a sentence still goes to the speaker when the stance classifier finds a
    clear position in it (:func:`speaker_positions`), as in :func:`stance.analyze`.

    Returns
    -------
    list of (code, probability)
        Empty when no actor holds a stance (the row then has an empty holder).
    """
    return predict_holders_batch(pipeline, [{"text": text, "target": target, "speaker": speaker,
                                             "mentions": mentions}], threshold, stance_model)[0]


def evaluate_holders(pipeline: Pipeline, corpus: pd.DataFrame, threshold: float = 0.5,
                     stance_model: Any = None) -> dict[str, float]:
    """Holder accuracy on an exhaustively annotated corpus.

    With ``stance_model`` the holders are decided as :func:`stance.analyze` decides them, with the
    position rule for statements (:func:`speaker_positions`); without it, by the holder model and
    the speaker rule alone.

    Returns
    -------
    dict
        ``set_accuracy``: share of (sentence, target) pairs whose predicted holder set equals the
        annotated one (the empty set included); ``precision``, ``recall``, ``f1`` over holder
        decisions; ``reachable``: share of annotated holders that the sentence names or that are
        the speaker (the rest cannot be found by any candidate-based method); ``n_pairs``.
    """
    speaker = corpus["speaker"] if "speaker" in corpus.columns else pd.Series("", index=corpus.index)
    frame = corpus.assign(speaker=speaker.fillna(""))
    exact = tp = fp = fn = reach = total = 0
    pairs = 0
    for (text, target, spk), group in frame.groupby(["text", "target", "speaker"], sort=False):
        gold = {h for h in group["holder"] if isinstance(h, str) and h}
        mentions = find_actors(text)
        pred = {c for c, _ in predict_holders(pipeline, text, target, spk, mentions, threshold,
                                              stance_model)}
        named = {m.code for m in mentions} | ({spk} if spk else set())
        pairs += 1
        exact += int(pred == gold)
        tp += len(pred & gold)
        fp += len(pred - gold)
        fn += len(gold - pred)
        reach += len(gold & named)
        total += len(gold)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"set_accuracy": exact / pairs if pairs else 0.0, "precision": precision,
            "recall": recall, "f1": f1, "reachable": reach / total if total else 1.0,
            "n_pairs": float(pairs)}
