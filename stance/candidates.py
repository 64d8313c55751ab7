"""Candidate holders of a sentence toward a target, and what describes each.

For each sentence and each target it mentions, the *candidates* are the other actors the sentence
names, plus the speaker of a statement when one is known, less those the role rules rule out
(:mod:`stance.roles`: the victim of the target's act, a place, the nationality of private people, a
team in a sports result, a buyer in a market report...). :func:`candidate_features` describes each
candidate's place in the sentence (is it the subject, the agent of a passive, a victim after "on"
or "against", a place after "in", the speaker of a first-person sentence...) for the holder model
of :mod:`stance.attribution`, which chooses the holders among them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from .actors import Mention, find_actors
from .roles import RoleRule, RoleRules, RuleContext, mention_roles, mention_rules, word_pattern
from .rows import MENTIONS, _strings

__all__ = [
    "AS_OF",
    "CANDIDATE_COLUMNS",
    "PARTNER",
    "SENTENCE",
    "CandidateFeatures",
    "candidate_features",
    "candidate_rows",
    "named_codes",
]

_WORD = re.compile(r"[\w']+|[^\w\s]")
CANDIDATE_COLUMNS = ("text", "target", "candidate", "speaker")
#: Optional column of candidate rows: the date that resolves leaders' names (as in find_actors).
AS_OF = "as_of"
#: Column of candidate rows: "1" when a role rule with the ``holder`` effect makes the candidate a
#: holder whatever the holder model says (a partner of the target in a joint act or a meeting).
PARTNER = "partner"
#: Optional column of candidate rows: the analysed sentence (:class:`stance.sentence.AnalysedSentence`).
SENTENCE = "sentence"


@lru_cache(maxsize=1)
def _first_person() -> re.Pattern[str]:
    """First-person references of a statement (the ``first_person`` word class)."""
    return re.compile(r"\b" + word_pattern("first_person") + r"\b")



def candidate_rows(text: str, target: str, speaker: str = "", mentions: Iterable[Mention] | None = None,
                   for_training: bool = False, rules: RoleRules | None = None
                   ) -> list[dict[str, str]]:
    """The candidate holders for ``target`` in one sentence.

    Each mention's roles come from the role rules (:mod:`stance.roles`, ``stance/data/role_rules.tsv``).
    An actor all of whose mentions have roles that rule it out is no candidate (the victim of the
    target's act, the place of an event, the nationality of private people, a team in a sports
    result, a member of a list in an object's place, the arena of a vote, the author of a report of
    fact...); a target all of whose mentions have roles that leave it without a holder (named only
    in the name of a document, as the orientation of others, the venue of a meeting, the
    nationality of private people) has no candidates at all.

    Parameters
    ----------
    text : str
        The sentence.
    target : str
        Target code.
    speaker : str, default ""
        Code of the speaker of a statement, if known.
    mentions : iterable of Mention, optional
        The sentence's mentions, when already computed.
    for_training : bool, default False
        Apply only the rules that hold ``always``. The holder model is trained with the candidates
        that the ``predict`` rules remove, as the negatives they are, and never offered them when
        predicting.
    rules : RoleRules, optional
        The role rules in force (default: the package's).

    Returns
    -------
    list of dict
        One ``{"text", "target", "candidate", "speaker"}`` per distinct candidate, in order of
        first mention; the speaker last when the sentence does not name it.

    Examples
    --------
    >>> [r["candidate"] for r in candidate_rows("Japan and Britain condemned Russia.", "RUS")]
    ['JPN', 'GBR']
    >>> [r["candidate"] for r in candidate_rows("We hold that Taiwan is part of China.", "CHN")]
    []
    >>> candidate_rows("We honour the Beijing Declaration.", "CHN", speaker="ISL")
    []
    >>> candidate_rows("Chinese companies signed deals with Russia.", "RUS")
    []
    >>> candidate_rows("China regained its seat in the United Nations.", "CHN")
    []
    >>> [r["candidate"] for r in candidate_rows("China suspends flights from Italy and Spain.", "CHN")]
    []
    """
    found = list(mentions if mentions is not None else find_actors(text))
    if not named_codes(found, target, speaker):
        return []  # nobody else is named: no candidate, whatever the roles
    ruling = _Ruling(text, found, target, speaker, rules, for_training)
    if ruling.no_holder():
        return []
    kept: list[tuple[int, str]] = []
    partners: set[str] = set()
    for code in dict.fromkeys(m.code for m in found if m.code != target):
        first, partner = ruling.standing(code)
        if first is not None:
            kept.append((first, code))
            if partner:
                partners.add(code)
    codes = [c for _, c in sorted(kept)]
    if speaker and speaker != target and speaker not in codes:
        codes.append(speaker)
    return [{"text": text, "target": target, "candidate": c, "speaker": speaker or "",
             PARTNER: "1" if c in partners else ""} for c in codes]


def named_codes(found: Iterable[Mention], target: str, speaker: str = "") -> list[str]:
    """Who may hold a stance toward ``target`` before the role rules are read: every actor named
    but the target, in order of first mention, and the speaker last when not named (never the
    target).

    Examples
    --------
    >>> from stance.actors import find_actors
    >>> named_codes(find_actors("Japan and Britain condemned Russia."), "RUS", speaker="FRA")
    ['JPN', 'GBR', 'FRA']
    """
    codes = list(dict.fromkeys(m.code for m in found if m.code != target))
    if speaker and speaker != target and speaker not in codes:
        codes.append(speaker)
    return codes


class _Ruling:
    """What the role rules say of one sentence's candidates for one target, worked out on demand.

    Only the rules whose effect the question needs are read, each mention's until one settles it,
    and the predicates of all questions share one :class:`~stance.roles.RuleContext`.
    """

    def __init__(self, text: str, found: list[Mention], target: str, speaker: str,
                 rules: RoleRules | None, for_training: bool) -> None:
        self.text, self.found, self.target, self.speaker = text, found, target, speaker
        self.for_training = for_training
        self.context = RuleContext(text, found, target, speaker, rules)

    def _ruled(self, held: tuple[RoleRule, ...], effect: str) -> bool:
        return any(effect in r.effects and r.active(self.for_training, self.speaker) for r in held)

    def _held(self, code: str, effects: frozenset[str], stop: str | None
              ) -> tuple[list[int], list[tuple[RoleRule, ...]]]:
        at = [i for i, m in enumerate(self.found) if m.code == code]
        held = mention_rules(self.text, self.found, self.target, self.speaker, only=at,
                             effects=effects,
                             enough=None if stop is None else
                             (lambda m, r: stop in r.effects
                              and r.active(self.for_training, self.speaker)),
                             context=self.context)
        return at, held

    def no_holder(self) -> bool:
        """Whether every mention of the target has a role that leaves it without a holder."""
        at, held = self._held(self.target, _TARGET_EFFECTS, "target")
        return bool(at) and all(self._ruled(held[i], "target") for i in at)

    def standing(self, code: str) -> tuple[int | None, bool]:
        """The index of the first mention of ``code`` not ruled out (None when all are) and
        whether such a mention is a partner of the target (the ``holder`` effect)."""
        at, held = self._held(code, _CANDIDATE_EFFECTS, "candidate")
        kept = [i for i in at if not self._ruled(held[i], "candidate")]
        return (kept[0] if kept else None), any(self._ruled(held[i], "holder") for i in kept)

    def may_be_partner(self, code: str) -> bool:
        """Whether a rule with the ``holder`` effect holds of a mention of ``code`` (before asking
        whether another rule rules it out)."""
        at, held = self._held(code, _HOLDER_EFFECTS, None)
        return any(self._ruled(held[i], "holder") for i in at)


_TARGET_EFFECTS = frozenset({"target"})
_CANDIDATE_EFFECTS = frozenset({"candidate", "holder"})
_HOLDER_EFFECTS = frozenset({"holder"})


def _bucket(n: int) -> str:
    return str(n) if n < 4 else ("4-7" if n < 8 else "8+")


def candidate_features(text: str, target: str, candidate: str, speaker: str = "",
                       mentions: list[Mention] | None = None,
                       roles: list[frozenset[str]] | None = None) -> dict[str, Any]:
    """Describe one candidate's place in the sentence (a dict for :class:`DictVectorizer`).

    ``roles`` are the roles of ``mentions`` relative to ``target`` (:func:`stance.roles.mention_roles`,
    computed when not given): ``role=R`` says that a mention of the candidate has role R,
    ``target_role=R`` that a mention of the target has.

    Examples
    --------
    >>> f = candidate_features("Russia was condemned by Japan.", "RUS", "JPN")
    >>> f["prev=by"], f["before_target"]
    (1, 0)
    >>> candidate_features("Canada beat Russia in the hockey final.", "RUS", "CAN")["role=competitor"]
    1
    """
    mentions = list(find_actors(text)) if mentions is None else mentions
    if roles is None:
        roles = mention_roles(text, mentions, target, speaker)
    cm = [m for m in mentions if m.code == candidate]
    tm = [m for m in mentions if m.code == target]
    others = [m for m in mentions if m.code not in (candidate, target)]
    f: dict[str, Any] = {"bias": 1}
    for m, held in zip(mentions, roles):
        prefix = "role=" if m.code == candidate else "target_role=" if m.code == target else None
        if prefix:
            for role in held:
                f[prefix + role] = 1
    f["n_candidates"] = _bucket(len({m.code for m in mentions if m.code != target}))
    f["target_named"] = int(bool(tm))
    if speaker and candidate == speaker:
        f["is_speaker"] = 1
        f["first_person"] = int(bool(_first_person().search(text)))
        f["speaker_named"] = int(bool(cm))
    if not cm:
        f["unnamed"] = 1
        return f
    first = cm[0]
    f["via=" + first.via] = 1
    f["kind=" + first.kind] = 1
    f["possessive"] = int(any(m.possessive for m in cm))
    f["mentions"] = _bucket(len(cm))
    order = sorted({m.code: m.start for m in reversed(mentions)}.items(), key=lambda kv: kv[1])
    rank = [c for c, _ in order].index(candidate)
    f["rank=" + _bucket(rank)] = 1
    f["sentence_start"] = int(first.start <= 4)
    f["before_target"] = int(bool(tm) and first.start < tm[0].start)
    f["former_leader"] = int(any(m.former for m in cm if m.via == "leader"))
    before = _WORD.findall(text[max(0, first.start - 40):first.start].lower())
    after = _WORD.findall(text[first.end:first.end + 60].lower())
    if first.possessive and after[:2] == ["'", "s"]:
        after = after[2:]
    elif first.possessive and after[:1] == ["'"]:
        after = after[1:]
    for k, w in enumerate(reversed(before[-2:])):
        f[f"prev{k or ''}={w}"] = 1
    for k, w in enumerate(after[:2]):
        f[f"next{k or ''}={w}"] = 1
    if tm:
        a, b = (first.end, tm[0].start) if first.start < tm[0].start else (tm[0].end, first.start)
        between = _WORD.findall(text[a:b].lower()) if b > a else []
        f["distance"] = _bucket(len(between))
        for w in between[:8]:
            f["between=" + w] = 1
        f["other_between"] = int(any(a <= m.start < b for m in others))
    # "X and Y condemned": coordination with another actor
    f["coordinated"] = int(any(abs(m.start - first.end) <= 6 or abs(first.start - m.end) <= 6
                               for m in others))
    # what a possessive candidate acts on: the next actor named just after it ("Russia's invasion
    # of Ukraine" acts on Ukraine, not on a target named later; "Ukraine's strikes on Russia" on
    # Russia)
    following = [m for m in mentions if m.start >= first.end and m.code != candidate]
    if first.possessive and following and following[0].start - first.end <= 40:
        f["possessive_next_actor=" + ("target" if following[0].code == target else "other")] = 1
    # the target is acted on by a third party ("... Beijing threatened to take Taiwan by force"):
    # the target is a victim there, and the sentence's subject is less likely its adversary
    f["third_party_acts_on_target"] = int(_acted_on(text, tm, others))
    return f


def _acted_on(text: str, target_mentions: list[Mention], others: list[Mention], reach: int = 90
              ) -> bool:
    """Whether the actor named nearest before a target mention acts on it with a conflict cue.

    "Japan fears that China may take Taiwan by force": China, the nearest actor before Taiwan,
    "take ... by force" -- Taiwan is the threatened party. Only the nearest actor counts, so that a
    conflict word elsewhere in the sentence does not make every target a victim.
    """
    from .cues import load_cues

    conflict = load_cues()["conflict"]
    low = text.lower()
    for t in target_mentions:
        before = [o for o in others if o.end <= t.start]
        if not before:
            continue
        o = max(before, key=lambda m: m.end)
        if t.start - o.end <= reach and conflict.search(low, o.end, t.start):
            return True
    return False


class CandidateFeatures(TransformerMixin, BaseEstimator):
    """Turn candidate rows (``text``, ``target``, ``candidate``, ``speaker``) into feature dicts.

    With ``roles=True`` the dicts include the roles of the candidate's and the target's mentions
    (:mod:`stance.roles`) as ``role=R`` and ``target_role=R``.

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame(candidate_rows("Japan condemned Russia.", "RUS"))
    >>> CandidateFeatures().fit_transform(X)[0]["before_target"]
    1
    """

    def __init__(self, roles: bool = False) -> None:
        self.roles = roles

    def fit(self, X: Any, y: Any = None) -> CandidateFeatures:
        """Check the columns; nothing is learned."""
        self._check(X)
        self.n_features_in_ = len(CANDIDATE_COLUMNS)
        self.feature_names_in_ = np.array(CANDIDATE_COLUMNS, dtype=object)
        return self

    @staticmethod
    def _check(X: Any) -> pd.DataFrame:
        if not isinstance(X, pd.DataFrame):
            X = pd.DataFrame(list(X))
        missing = [c for c in ("text", "target", "candidate") if c not in X.columns]
        if missing:
            raise ValueError(f"candidate rows are missing column(s) {missing}")
        for col in ("text", "target", "candidate"):
            if _strings(X[col]) is not None:
                continue
            bad = [i for i, v in zip(X.index, X[col]) if not isinstance(v, str)]
            if bad:
                shown = ", ".join(str(i) for i in bad[:10])
                raise ValueError(f"candidate rows: column {col!r} must hold strings; rows {shown} "
                                 "do not")
        return X

    def transform(self, X: Any) -> list[dict[str, Any]]:
        """Return one feature dict per candidate row."""
        check_is_fitted(self, "n_features_in_")
        X = self._check(X)
        # lists, not the columns: pandas' Arrow-backed text columns are slow to iterate
        speakers = X["speaker"].tolist() if "speaker" in X.columns else [""] * len(X)
        dates = X[AS_OF].tolist() if AS_OF in X.columns else [None] * len(X)
        given = X[MENTIONS].tolist() if MENTIONS in X.columns else [None] * len(X)
        sentences = X[SENTENCE].tolist() if SENTENCE in X.columns else [None] * len(X)
        cache: dict[tuple[str, Any], list[Mention]] = {}
        role_cache: dict[tuple[str, Any, str, str], list[frozenset[str]]] = {}
        out = []
        for text, target, cand, spk, day, found, sentence in zip(
                X["text"].tolist(), X["target"].tolist(), X["candidate"].tolist(), speakers, dates,
                given, sentences):
            day = None if day is None or (isinstance(day, float) and day != day) else day
            spk = spk if isinstance(spk, str) else ""
            key = (text, day)
            if isinstance(found, (list, tuple)):
                mentions = list(found)  # the sentence's mentions, found once upstream
            else:
                if key not in cache:
                    cache[key] = find_actors(text, as_of=day)
                mentions = cache[key]
            role_key = (text, day, target, spk)
            if not self.roles:
                role_cache[role_key] = [frozenset()] * len(mentions)
            elif hasattr(sentence, "roles"):
                role_cache[role_key] = sentence.roles(target)
            elif role_key not in role_cache:
                role_cache[role_key] = mention_roles(text, mentions, target, spk)
            out.append(candidate_features(text, target, cand, spk, mentions, role_cache[role_key]))
        return out

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """The output is a list of dicts; its names are those of the following DictVectorizer."""
        check_is_fitted(self, "n_features_in_")
        return np.array(["candidate_features"], dtype=object)
