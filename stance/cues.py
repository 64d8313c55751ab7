"""Cue features: the package's lexicon of geopolitical cue words, counted around the target.

- :func:`load_cues` compiles the lexicon (``stance/data/cues.tsv``): conflict, cooperation,
  neutral, reporting and negation cues.
- :class:`CueFeatures` counts them in the target-aware view, with negation scope, nearness to the
  target, the cue that governs the target, and who acts on whom (``_actor_marks``,
  ``_against_actor``, ``_cue_roles``, ``_coordinated_with_holder``, ``_cue_agents``).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from .alternation import alternation
from .roles import word_class, word_pattern
from .rows import HOLDER, HOLDER_UNNAMED, OTHER, TARGET, _RowTransformer, row_mentions
from .views import _TOKEN, view_text

__all__ = ["CUE_CATEGORIES", "CueFeatures", "load_cues"]


CUE_CATEGORIES = ("conflict", "cooperation", "neutral", "reporting", "negation")


@lru_cache(maxsize=1)
def load_cues() -> dict[str, re.Pattern[str]]:
    """Compile the cue lexicon (``stance/data/cues.tsv``): one pattern per category.

    A cue ending in ``*`` matches any word starting with it; a cue of several words matches them
    in sequence.

    Returns
    -------
    dict of str to compiled pattern

    Examples
    --------
    >>> bool(load_cues()["conflict"].search("they condemned it"))
    True
    """
    text = resources.files("stance").joinpath("data", "cues.tsv").read_text(encoding="utf-8")
    cues: dict[str, list[str]] = {c: [] for c in CUE_CATEGORIES}
    for i, line in enumerate(text.splitlines()[1:], start=2):
        if not line.strip():
            continue
        try:
            cue, category = line.split("\t")
        except ValueError:
            raise ValueError(f"stance/data/cues.tsv, line {i}: expected 2 tab-separated fields") from None
        if category not in cues:
            raise ValueError(f"stance/data/cues.tsv, line {i}: unknown category {category!r}")
        cues[category].append(cue)
    return {category: re.compile(r"(?<![\w])" + alternation(words, r"[\w'-]*", ignore_case=False)
                                 + r"(?![\w])")
            for category, words in cues.items()}


class CueFeatures(_RowTransformer):
    """Counts of geopolitical cue words with negation scope and nearness to the target.

    For conflict and cooperation cues: all occurrences, negated occurrences (a negation cue within
    ``negation_scope`` words before), and occurrences within ``window`` words of the target. For
    neutral, reporting and negation cues: all occurrences and those near the target. Conflict and
    cooperation cues are also counted by who acts and on whom: ``conflict_by_holder`` and the like
    by the actor named nearest before the cue (its agent: holder, target, another actor or none;
    third parties listed with the holder count as the holder), and ``conflict_other_on_target``
    and the like by agent and patient (the actor named within six words after the cue), so that
    in "xholder fears xactor could blockade xtarget" the blockade is a third party's act on the
    target, not the holder's. ``conflict_holder_on_aggressor`` is 1 when the holder's conflict
    cues are aimed at a third party that itself acts against the target and none at the target
    ("xholder is concerned by xactor's drills around xtarget"): the holder takes the victim's
    side, whatever the count of conflict words says. "Against" before an actor ("plans against
    xtarget") is a conflict cue rather than a negation. Acts inside acts are read by their
    frame (the ``disapproval`` and ``approval`` word classes): cooperation that a holder condemns
    or is concerned about ("condemns the signing of a pact between xtarget and xactor") is not
    counted as cooperation, and approving a conflict act on the target ("welcomes the sanctions
    on xtarget") counts as conflict. Counts are capped at ``cap``.

    Parameters
    ----------
    window : int, default 8
        Words on each side of the target that count as near.
    negation_scope : int, default 3
        Words before a cue in which a negation cue negates it.
    cap : int, default 3
        Counts are clipped to this value.
    adjacent : int, default 4
        Words before a target mention searched for the cue that governs it; its category
        (conflict, cooperation or neutral; a negated cue counts as neutral) is one-hot encoded as
        ``governed_by_conflict``, ``governed_by_cooperation``, ``governed_by_neutral``.

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame({"text": ["Japan did not condemn Russia."], "holder": ["JPN"],
    ...                   "target": ["RUS"]})
    >>> f = CueFeatures().fit(X)
    >>> float(dict(zip(f.get_feature_names_out(), f.transform(X)[0]))["conflict_negated"])
    1.0
    """

    def __init__(self, window: int = 8, negation_scope: int = 3, cap: int = 3,
                 adjacent: int = 4) -> None:
        self.window = window
        self.negation_scope = negation_scope
        self.cap = cap
        self.adjacent = adjacent

    def transform(self, X: Any) -> np.ndarray:
        """Return the cue counts, one row per input row."""
        rows = self._rows(X)
        patterns = load_cues()
        out = np.zeros((len(rows), len(self._names())))
        for i, (t, h, g, ms) in enumerate(zip(rows["text"], rows["holder"], rows["target"],
                                              row_mentions(rows))):
            out[i] = self._row(view_text(t, h, g, mentions=ms), patterns)
        return np.minimum(out, self.cap)

    def _row(self, view: str, patterns: dict[str, re.Pattern[str]]) -> list[float]:
        words = [(m.start(), m.end()) for m in _TOKEN.finditer(view)]
        starts = [s for s, _ in words]
        target_idx = [i for i, (s, e) in enumerate(words) if TARGET in view[s:e]]
        # the word index of every cue, per category, found once and shared by all the features
        cue_words = {c: [_word_index(starts, m.start()) for m in patterns[c].finditer(view)]
                     for c in CUE_CATEGORIES}
        tokens = [view[s:e].lower() for s, e in words]
        actors = _actor_marks(tokens)
        _against_actor(tokens, actors, cue_words)
        neg_idx = cue_words["negation"]
        roles = _cue_roles(view, words, tokens, actors, cue_words)
        feats: list[float] = []
        for category in CUE_CATEGORIES:
            total = negated = near = 0
            for k in cue_words[category]:
                total += 1
                if category in ("conflict", "cooperation") and any(
                        0 < k - j <= self.negation_scope for j in neg_idx):
                    negated += 1
                if any(abs(k - j) <= self.window for j in target_idx):
                    near += 1
            if category in ("conflict", "cooperation"):
                feats += [total, negated, near]
            else:
                feats += [total, near]
        feats += self._governing(target_idx, neg_idx, cue_words)
        feats += _cue_agents(roles)
        return feats

    def _governing(self, target_idx: list[int], neg_idx: list[int],
                   cue_words: dict[str, list[int]]) -> list[float]:
        """One-hot category of the cue closest before a target mention, within ``adjacent`` words.

        The phrase that governs the target ("concern over X", "sanctions on X", "ties with X") says
        more about the stance toward X than cues elsewhere in the sentence.
        """
        best: dict[int, str] = {}
        for category in ("conflict", "cooperation", "neutral"):
            for k in cue_words[category]:
                best.setdefault(k, category)
        out = {"conflict": 0.0, "cooperation": 0.0, "neutral": 0.0}
        for t in target_idx:
            for k in range(t - 1, max(-1, t - 1 - self.adjacent), -1):
                if k in best:
                    negated = any(0 < k - j <= self.negation_scope for j in neg_idx)
                    category = best[k]
                    if negated and category != "neutral":
                        category = "neutral"
                    out[category] = 1.0
                    break
        return [out["conflict"], out["cooperation"], out["neutral"]]

    def _names(self) -> list[str]:
        names = []
        for category in CUE_CATEGORIES:
            names += [category, f"{category}_near"] if category not in ("conflict", "cooperation") \
                else [category, f"{category}_negated", f"{category}_near"]
        return [*names, "governed_by_conflict", "governed_by_cooperation", "governed_by_neutral",
                *[f"{c}_by_{a}" for c in ("conflict", "cooperation") for a in _AGENTS],
                *[f"{c}_{a}_on_{p}" for c in ("conflict", "cooperation") for a, p in _ACTS],
                "conflict_holder_on_aggressor"]


_AGENTS = ("holder", "target", "other", "none")
#: (agent, patient) pairs of a cue counted on their own: who acts on whom.
_ACTS = (("holder", "target"), ("other", "target"), ("target", "holder"), ("target", "other"),
         ("holder", "other"))


def _actor_marks(tokens: list[str]) -> list[tuple[int, str]]:
    """The word index and kind ("target", "holder" or "other") of every actor placeholder."""
    actors: list[tuple[int, str]] = []
    for i, w in enumerate(tokens):
        if TARGET in w:
            actors.append((i, "target"))
        elif HOLDER in w or w.startswith(HOLDER_UNNAMED):
            actors.append((i, "holder"))
        elif OTHER in w:
            actors.append((i, "other"))
    return actors


def _cue_roles(view: str, words: list[tuple[int, int]], tokens: list[str],
               actors: list[tuple[int, str]], cue_words: dict[str, list[int]], reach: int = 6
               ) -> dict[str, list[tuple[str, str]]]:
    """The agent and the patient of every conflict and cooperation cue.

    The agent stands in for who acts: the actor named nearest before the cue, where a third party
    listed together with the holder ("xholder, xactor and xactor expelled ...") counts as the
    holder. The patient is the actor named next after the cue, within ``reach`` words and the same
    clause ("none" otherwise): in "xholder fears that xactor could blockade xtarget" the blockade
    is a third party's act on the target, so the target is its victim, not the holder's adversary.
    Roles are "holder", "target", "other" or "none". ``tokens`` are the lowercased words and
    ``actors`` their placeholders (:func:`_actor_marks`). Under ``"conflict_in_clause"`` are the
    conflict cues whose agent is named in the cue's own clause.
    """
    actors = _coordinated_with_holder(view, words, actors)
    # a clause boundary ends the search for a patient: in "xholder and xactor sign deals amid
    # concern over xtarget" the deals are not made with the target
    bounds = [i for i, w in enumerate(tokens)
              if w.strip("\"'()") in _CLAUSE_BOUNDARIES or w[-1] in ";:"]
    # an actor after "from" is where the act comes from or turns away from, not what it is done
    # to: "switches recognition from xtarget to xactor"
    sources = {i for i, _ in actors
               if tokens[max(i - 1, 0):i] == ["from"] or tokens[max(i - 2, 0):i] == ["from", "the"]}
    # the conflict acts whose agent is in the cue's own clause: in "xholder supplies missiles to
    # xactor amid tensions with xtarget" the tensions are not the nearest actor's act
    roles: dict[str, list[tuple[str, str]]] = {"conflict_in_clause": []}
    for category in ("conflict", "cooperation"):
        roles[category] = []
        for k in cue_words[category]:
            agent = patient = "none"
            agent_at = -1
            for i, kind in actors:
                if i >= k:
                    # ... unless the cue itself ends in "from": "recognition from xtarget" turns
                    # away from the target, which is what it is done to
                    if i in sources and not (category == "conflict" and
                                             tokens[k + 1:k + 2] == ["from"] and i - k <= 3):
                        continue
                    if i - k <= reach and not any(k < b < i for b in bounds):
                        patient = kind
                    break
                agent, agent_at = kind, i
            roles[category].append((agent, patient))
            if (category == "conflict" and agent_at >= 0
                    and not any(agent_at < b < k for b in bounds)):
                roles["conflict_in_clause"].append((agent, patient))
    _disapproved_acts(tokens, cue_words, bounds, roles)
    _approved_conflict(tokens, cue_words, bounds, roles)
    return roles


def _in_class(pattern: re.Pattern[str], token: str) -> bool:
    """Whether a word of the view, without the punctuation glued to it, is of a word class."""
    return pattern.fullmatch(token.strip("\"'(),.;:")) is not None


def _within(i: int, j: int, bounds: list[int], reach: int) -> bool:
    """Whether word ``j`` is at most ``reach`` words after word ``i``, in the same clause (no
    clause boundary of ``bounds`` after ``i`` up to ``j``)."""
    return j - i <= reach and not any(i < b <= j for b in bounds)


def _coordinated(tokens: list[str], i: int, j: int) -> bool:
    """Whether "and", "or" or a comma stands between words ``i`` and ``j``: a second act, not the
    object of the first ("condemns the attack and expresses its solidarity with xtarget")."""
    return any(w in ("and", "or") or w.endswith(",") for w in tokens[i:j])


#: Cooperation cues that approve of an act named after them ("welcomes the sanctions on ...").
_APPROVAL = re.compile(word_pattern("approval"), re.IGNORECASE)


def _approved_conflict(tokens: list[str], cue_words: dict[str, list[int]], bounds: list[int],
                       roles: dict[str, list[tuple[str, str]]], reach: int = 14) -> None:
    """Read the approval of a conflict act on the target as conflict (in place).

    In "xholder welcomes the sanctions on xtarget" and "xholder backs the case against xtarget",
    the welcome and the backing take the side of a measure against the target: the cue moves from
    the cooperation cues to the conflict cues, its agent kept and its patient the target. An
    approval (a cooperation cue of the ``approval`` word class) counts so when a conflict cue
    whose patient is the target follows it within ``reach`` words, in the same clause, and is not
    coordinated with it (no "and", "or" or comma between them).
    """
    conflict, cooperation = cue_words["conflict"], cue_words["cooperation"]
    moved: list[int] = []
    for n, k in enumerate(cooperation):
        if not _in_class(_APPROVAL, tokens[k]):
            continue
        for m, j in enumerate(conflict):
            if j <= k or not _within(k, j, bounds, reach):
                continue
            if roles["conflict"][m][1] == "target" and not _coordinated(tokens, k, j):
                moved.append(n)
                break
    for n in reversed(moved):
        k = cooperation.pop(n)
        agent, _ = roles["cooperation"].pop(n)
        conflict.append(k)
        roles["conflict"].append((agent, "target"))
    order = sorted(range(len(conflict)), key=conflict.__getitem__)
    cue_words["conflict"] = [conflict[i] for i in order]
    roles["conflict"] = [roles["conflict"][i] for i in order]


#: Conflict cues that disapprove of an act named after them ("condemns the signing of ...").
_DISAPPROVAL = re.compile(word_pattern("disapproval"), re.IGNORECASE)


def _disapproved_acts(tokens: list[str], cue_words: dict[str, list[int]], bounds: list[int],
                      roles: dict[str, list[tuple[str, str]]], reach: int = 12) -> None:
    """Drop the cooperation cues that are the object of a disapproval (in place).

    In "xholder condemns the signing of the treaty on the accession of crimea to xtarget" and
    "xholder is concerned about the military cooperation between xtarget and xactor", the signing,
    the treaty and the cooperation are acts the holder disapproves of, not its own cooperation.
    A cooperation cue is such an object when it follows a disapproval (a conflict cue of the
    ``disapproval`` word class, ``stance/data/word_classes.tsv``) or another such object within
    ``reach`` words, in the same clause, and is not coordinated with it ("condemns the attack and
    signs a deal with xtarget": no "and", "or" or comma between them). Such a cue is no
    cooperation of anyone's in the sentence's features: the disapproval is the act, and when it
    has no patient within its own reach, it takes the object's ("concerned about the cooperation
    between xtarget and xactor" is concern about the target).
    """
    conflict, cooperation = cue_words["conflict"], cue_words["cooperation"]
    kinds = sorted([(k, "conflict", n) for n, k in enumerate(conflict)]
                   + [(k, "cooperation", n) for n, k in enumerate(cooperation)])
    head: tuple[int, int] | None = None  # (word index, conflict number) of the disapproval
    objects: list[int] = []  # the cooperation cues read as its objects
    last = -1  # word index of the disapproval or of its last object
    for k, category, n in kinds:
        if category == "conflict":
            if _in_class(_DISAPPROVAL, tokens[k]):
                head, last = (k, n), k
            continue
        if head is None or not _within(last, k, bounds, reach):
            continue
        if _coordinated(tokens, last, k):
            head = None
            continue
        patient = roles["cooperation"][n][1]
        h_agent, h_patient = roles["conflict"][head[1]]
        if h_patient == "none" and patient != "none":
            roles["conflict"][head[1]] = (h_agent, patient)
        objects.append(n)
        last = k
    for n in reversed(objects):
        del cooperation[n]
        del roles["cooperation"][n]


def _against_actor(tokens: list[str], actors: list[tuple[int, str]],
                   cue_words: dict[str, list[int]], scope: int = 3) -> None:
    """Read "against" before an actor as a conflict cue, not a negation (in place).

    "Against" negates what follows it when that is a measure ("voted against sanctions"), but
    before an actor it names who the act is aimed at: "plans against xtarget", "a lawsuit against
    xtarget". It then counts as a conflict cue, with the actor before it as its agent, unless a
    conflict cue within ``scope`` words before already is the act ("sanctions against xtarget"),
    where it stays as it was. ``tokens`` and ``actors`` are as in :func:`_cue_roles`.
    """
    marked = {i for i, _ in actors}
    conflict = cue_words["conflict"]
    for j in list(cue_words["negation"]):
        if tokens[j] != "against":
            continue
        nxt = j + 2 if j + 2 < len(tokens) and tokens[j + 1] == "the" else j + 1
        if nxt not in marked:
            continue
        if not any(0 < j - k <= scope for k in conflict):
            cue_words["negation"].remove(j)
            conflict.append(j)
    conflict.sort()


#: Words that open a new clause, which a cue's patient is not looked for beyond: the one-word
#: members of the ``clause_boundary`` word class (``stance/data/word_classes.tsv``, shared with
#: the role rules) and dashes.
_CLAUSE_BOUNDARIES = frozenset({w.lower() for w in word_class("clause_boundary") if " " not in w}
                               | {"-", "--", "–", "—"})


def _cue_agents(roles: dict[str, list[tuple[str, str]]]) -> list[float]:
    """Conflict and cooperation cues counted per agent, then per (agent, patient) pair in _ACTS.

    In "xholder condemned xactor's attack on xtarget" the condemnation is the holder's and the
    attack a third party's.
    """
    out: list[float] = []
    acts: list[float] = []
    for category in ("conflict", "cooperation"):
        agents = [a for a, _ in roles[category]]
        out += [float(agents.count(a)) for a in _AGENTS]
        acts += [float(roles[category].count(pair)) for pair in _ACTS]
    conflict = set(roles["conflict"])
    # the holder's conflict is aimed at a third party, a third party acts against the target in
    # its own clause, and the holder aims none at the target: "xholder is concerned by xactor's
    # drills around xtarget"
    against_aggressor = float(("holder", "other") in conflict
                              and ("other", "target") in roles["conflict_in_clause"]
                              and ("holder", "target") not in conflict)
    return [*out, *acts, against_aggressor]


#: Words that may stand between two actors of one coordinated list: "xholder, xactor and xactor".
_COORDINATION = frozenset(word_class("coordination"))
_GAP_TOKEN = re.compile(r"[,&]|[^\s,&]+")


def _coordinated_with_holder(view: str, words: list[tuple[int, int]],
                             actors: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Count third parties listed together with the holder as the holder.

    In "xholder, xactor and xactor announced expulsions of xtarget diplomats" the expulsions are
    the holder's, though the actor named nearest before them is another country of the list.
    """
    groups: list[list[int]] = []
    for j, (i, _) in enumerate(actors):
        if j and i - actors[j - 1][0] <= 4:
            # the text from the previous actor's marker to this one, without the marker itself
            # (a comma may be glued to it: "xholder, xactor and xactor")
            gap = _GAP_TOKEN.findall(view[words[actors[j - 1][0]][0]:words[i][0]])[1:]
            if all(g in _COORDINATION for g in gap) and ("and" in gap or "," in gap
                                                          or "&" in gap):
                groups[-1].append(j)
                continue
        groups.append([j])
    out = list(actors)
    for group in groups:
        if len(group) > 1 and any(actors[j][1] == "holder" for j in group):
            for j in group:
                if actors[j][1] == "other":
                    out[j] = (actors[j][0], "holder")
    return out


def _word_index(starts: list[int], pos: int) -> int:
    return max(0, bisect_right(starts, pos) - 1)
