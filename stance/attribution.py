"""Holder attribution: which actors in a sentence hold a stance toward a target.

For each sentence and each target it mentions, the *candidates* are the other actors the sentence
names, plus the speaker of a statement when one is known. A logistic regression over the
candidate's position and surroundings (is it the subject, the agent of a passive, a victim after
"on" or "against", a place after "in", the speaker of a first-person sentence...) scores each
candidate; those above the threshold are holders. It is learned from the corpus's holder column:
the corpus is annotated exhaustively, so every named actor that is not a holder is a negative.

Statements follow the annotation guidelines (rule 9): first-person references are the speaker's,
and a sentence that names no other holder is the speaker's, unless the model is confident that the
speaker only mentions the target in passing (see :data:`SPEAKER_FLOOR`). A passing mention takes no
position, so :func:`speaker_positions` gives such a sentence back to the speaker when the stance
classifier, reading it as the speaker's, finds a clear position (see :data:`SPEAKER_POSITION`);
:func:`stance.analyze` applies both rules.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from .actors import Mention, _read_package_tsv, find_actors

__all__ = [
    "CandidateFeatures",
    "build_holder_pipeline",
    "candidate_rows",
    "evaluate_holders",
    "holder_training_rows",
    "predict_holders",
    "predict_holders_batch",
    "speaker_positions",
]

_FIRST_PERSON = re.compile(r"\b(?:we|our|ours|us|my (?:country|government|delegation|nation|people))\b",
                           re.IGNORECASE)
_WORD = re.compile(r"[\w']+|[^\w\s]")
#: What follows a territory claimed as part of another ("Taiwan is an inalienable part of China",
#: "regards Taiwan as an integral part of Chinese territory", "belongs to one China"): the
#: territory is the object of the claim, not a holder (the guidelines' own example).
_CLAIMED_PART = re.compile(r"(?:\s*,\s*(?:which|that|who)\b)?"
                           r"\s*(?:(?:is|are|was|were|has|have|had|remains|remained|as)"
                           r"(?:\s+[\w-]+){0,4}?\s+(?:part|province|territory|region)\s+of|"
                           r"(?:\w+\s+)?belongs?\s+to|(?:\w+\s+)?belonged\s+to)\s+"
                           r"(?:the\s+|(?:that\s+|this\s+)?one\s+and\s+the\s+same\s+|"
                           r"(?:that\s+|this\s+)?one\s+)?")
CANDIDATE_COLUMNS = ("text", "target", "candidate", "speaker")
#: Optional column of candidate rows: the date that resolves leaders' names (as in find_actors).
AS_OF = "as_of"


def candidate_rows(text: str, target: str, speaker: str = "", mentions: Iterable[Mention] | None = None,
                   for_training: bool = False) -> list[dict[str, str]]:
    """The candidate holders for ``target`` in one sentence.

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
        Keep an organisation named only as the arena ("China's seat in the United Nations"), a
        country named only as the place of an event ("strikes in Kharkiv, Ukraine"), actors
        listed with the target as objects ("thanks to Spain, China and Chile"), in a
        statement, an organisation called on with a modal ("the United Nations must"), and the
        countries of a sports result. The holder model is trained with such candidates, as the
        negatives they are, and never offered them when predicting.

    Returns
    -------
    list of dict
        One ``{"text", "target", "candidate", "speaker"}`` per distinct candidate, in order of
        first mention; the speaker last when the sentence does not name it. An actor named only
        as a territory claimed as part of the target ("Taiwan is an inalienable part of China") is
        the object of the claim, not a candidate for it (the guidelines' own example). A capital
        in the name of a document or conference ("the Vilnius Summit communique") is no
        candidate, and a target named only so ("the Beijing Declaration") has none, not even the
        speaker: nobody takes a position on it. A country named only by demonyms of private
        people or groups ("Chinese companies", "pro-Russian separatists") is no candidate either
        (rule 8; the head nouns are in ``stance/data/non_state.tsv``), nor an organisation named
        only as the place or membership at stake ("excluded from the United Nations", "the
        universality of the United Nations", "the United Nations Charter"), nor a country named
        only as the place of an event, nor one listed with the target in an object's place. In
        a statement, an organisation named only as the subject of a modal ("the United Nations
        must restore China's rights") is the speaker's addressee, not a candidate; in a sports
        result ("Sweden beats Russia 1-0 in the final") no country is. A target named only as
        the orientation of others ("pro-Russian separatists", "the pro-Beijing camp") or as the
        venue of a meeting or signing ("the treaty signed in Moscow", "talks start in Beijing")
        has no candidates: the sentence is about those others, or about what was agreed there,
        not about a stance toward the target. The victims of a passive of harm by the target
        ("two Ukrainians are killed by Russian drones") are no candidates either (rule 6).

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
    """
    found = list(mentions if mentions is not None else find_actors(text))
    if _named_in_documents_only(found, target):
        return []
    if not for_training and (_oriented_only(text, found, target) or _venue_only(text, found, target)):
        return []
    ruled_out = _claimed_parts(text, found, target) | _non_state_only(text, found)
    if not for_training:
        ruled_out |= _arena_only(text, found) | _place_only(text, found) | \
            _listed_with(text, found, target) | _sports_teams(text, found) | \
            _harmed_by(text, found, target)
        if speaker:
            ruled_out |= _exhorted_only(text, found)
    seen: list[str] = []
    for m in found:
        if m.code != target and m.code not in seen and m.code not in ruled_out and \
                m.via != "document":
            seen.append(m.code)
    if speaker and speaker != target and speaker not in seen:
        seen.append(speaker)
    return [{"text": text, "target": target, "candidate": c, "speaker": speaker or ""}
            for c in seen]


def _named_only_so(mentions: list[Mention], so: Callable[[Mention], bool]) -> set[str]:
    """Codes all of whose mentions are ``so``."""
    named_so, otherwise = set(), set()
    for m in mentions:
        (named_so if so(m) else otherwise).add(m.code)
    return named_so - otherwise


@lru_cache(maxsize=1)
def _non_state_head() -> re.Pattern[str]:
    """What follows a demonym that names private people or groups of that country, not its state:
    "Chinese companies", "a Dutch pop singer", "pro-Russian separatists", "Iranian-born". The head
    nouns are in ``stance/data/non_state.tsv``; one modifier may come between ("Japanese
    electronics company"), unless it makes the group the state's ("Chinese state hackers"), and
    further demonyms may be coordinated before it ("American and Russian scientists")."""
    heads = sorted({row["head"].lower() for row in _read_package_tsv("non_state.tsv")},
                   key=len, reverse=True)
    state = r"state|government|military|army|navy|naval|official|defen[cs]e|intelligence|foreign"
    return re.compile(
        r"(?:(?:\s*,\s*|\s+and\s+|\s+or\s+)[A-Z][\w-]*)*"
        rf"(?:[\s-]+(?!(?:{state})\b)[A-Za-z]\w*)?"
        rf"[\s-]+(?:{'|'.join(map(re.escape, heads))})\b", re.IGNORECASE)


def _non_state_only(text: str, mentions: list[Mention]) -> set[str]:
    """Codes named only by demonyms of private people or groups (annotation rule 8: separatists,
    activists, private companies and analysts are not holders): "Chinese companies signed deals
    with Russian counterparts" has no Chinese holder."""
    head = _non_state_head()
    return _named_only_so(mentions, lambda m: m.via == "demonym" and bool(head.match(text, m.end)))


#: What comes before an organisation named as a place or a membership rather than as an actor:
#: "China's seat in the United Nations", "Taiwan's bid to join the WHO", "accession to the WTO",
#: "the Charter of the United Nations". "By" (the agent of a passive) and "with" (a partner) are
#: not in it, nor "from" unless after an exclusion ("excluded from the United Nations", not
#: "criticism from the UN"), nor "of" after an organ, an official or the members ("the
#: Secretary-General of the United Nations condemned", "a session of the General Assembly
#: voted", "the member states of the European Union agreed").
_ARENA_BEFORE = re.compile(
    r"(?:\b(?:in|into|to|at|within|outside|joins?|joined|joining|enters?|entered|entering)|"
    r"\b(?:exclu|expel|expul|absen|driven|remov|oust|barr|withdr|suspen|kept\s+out|keep\s+out)"
    r"[\w-]*(?:\s+[\w-]+){0,3}?\s+from|(?<![\w-])(?P<head>[\w-]+)\s+of)\s+(?:the\s+)?$",
    re.IGNORECASE)
_ORGAN_HEADS = frozenset({
    "secretary-general", "secretary", "spokesman", "spokesperson", "spokeswoman", "chief",
    "head", "president", "presidency", "chair", "chairman", "envoy", "representative",
    "representatives", "official", "officials", "council", "assembly", "commission", "court",
    "summit", "leaders", "ministers", "mission", "monitors", "inspectors", "experts", "resolution",
    "resolutions", "decision", "decisions", "statement", "report", "vote", "sanctions", "behalf",
    "state", "session", "sessions", "meeting", "member", "members", "countries", "states",
    "nations", "governments"})
#: What may follow an organisation named as an arena: the end of the phrase. A noun after it makes
#: the organisation the agent of that noun ("joined the EU sanctions", "voted for the UN
#: resolution", "at the G20 summit").
_ARENA_AFTER = re.compile(
    r"\s*(?:[.,;:)!?\"”]|$|(?:and|or)\b(?!\s+[A-Z])|(?:but|is|are|was|were|has|have|had|as|since|"
    r"because|that|which|where|when|while|to|in|on|for|with|by|at|of|if|so|itself|must|should|"
    r"will|would|can|could|cannot|may)\b)")

#: "The United Nations Charter" names a document, not the organisation acting.
_CHARTER = re.compile(r"\s+Charter\b")


def _arena_only(text: str, mentions: list[Mention]) -> set[str]:
    """Organisations named only as the place or the membership at stake, or in "the United Nations
    Charter", not as actors.

    In statements to the General Assembly the United Nations is mostly the arena ("the
    representation of China in the United Nations", "the universality of the United Nations"),
    and it gave hundreds of rows with the United Nations as the holder toward China or Taiwan.
    """
    def arena(m: Mention) -> bool:
        # a seat named like a city ("pressure from Brussels") is the organisation acting
        if m.kind != "organisation" or m.via != "organisation" or not (
                " " in m.text or m.text.isupper()):
            return False
        before = _ARENA_BEFORE.search(text, max(0, m.start - 40), m.start)
        return bool(_CHARTER.match(text, m.end)) or bool(before and _arena(text, m, before))

    return _named_only_so(mentions, arena)


def _arena(text: str, m: Mention, before: re.Match[str]) -> bool:
    """Whether an organisation after an arena preposition is the arena, given what follows it."""
    head = before.group("head")
    if head is None:  # "in the United Nations": the end of the phrase must follow
        return bool(_ARENA_AFTER.match(text, m.end))
    # "the universality of the United Nations requires": whatever follows belongs to the head,
    # unless the organisation heads a noun of its own ("the adoption of the UN resolution")
    following = _WORD.match(text, len(text) - len(text[m.end:].lstrip()))
    return head.lower() not in _ORGAN_HEADS and not (
        following and following.group().lower() in _ORGAN_HEADS)


#: A modal after an organisation: in a statement, "the United Nations must restore the lawful
#: rights of the People's Republic of China" is the speaker's call on the organisation, not the
#: organisation's position.
_MODAL = re.compile(r"(?:,[^,]{0,60},)?\s+(?:should|must|cannot|can(?:not)?|will|would|could|ought|"
                    r"has\s+to|have\s+to|needs?\s+to)\b")


def _exhorted_only(text: str, mentions: list[Mention]) -> set[str]:
    """Organisations named only as the subject of a modal in a statement (see :data:`_MODAL`)."""
    return _named_only_so(mentions, lambda m: m.kind == "organisation" and m.via == "organisation"
                          and bool(_MODAL.match(text, m.end)))


#: A sports result: countries named in it are teams or their athletes ("Japan defeats China 3-1 in
#: the Asian Cup final", "Sweden beats Russia 1-0 in the gold medal game"), not states.
_SPORT = re.compile(r"\b(?:World Cup|Asian Cup|Cup final|Championships?|Olympics?|Olympic Games|"
                    r"Paralympics?|tournament|semi-?finals?|quarter-?finals?|gold medal|silver medal|"
                    r"bronze medal|medals?|match(?:es)?|Grand Prix|Open|league|FIFA|UEFA|IIHF)\b")
#: ... and what makes it a result: a score, a prize won, or a team beaten.
_RESULT = re.compile(
    r"\b\d{1,2}\s*[-–]\s*\d{1,2}\b|"
    r"\b(?:wins?|won|winning)\s+(?:[\w'-]+\s+){0,4}?(?:gold|silver|bronze|medals?|titles?|finals?|"
    r"championships?|cup|trophy|race|tournament|Grand Prix)\b|"
    r"\b(?:defeat(?:s|ed|ing)?|beat|beats|beaten|beating)\s+(?:the\s+)?[A-Z]")


def _sports_teams(text: str, mentions: list[Mention]) -> set[str]:
    """The countries named in a sports result (see :data:`_SPORT` and :data:`_RESULT`)."""
    if _SPORT.search(text) and _RESULT.search(text):
        return {m.code for m in mentions if m.kind == "country"}
    return set()


#: A country named as the place of an event, after the places in it: "overnight strikes in
#: Kharkiv, Kherson and Kyiv, Ukraine", "debris found in Tulcea County, Romania", "the Kyiv and
#: Odesa oblasts of Ukraine". Group ``phrase`` starts at the first place.
_PLACE_BEFORE = re.compile(
    r"\b(?:in|near|at|on|from|across|outside|over|into|to|around)\s+(?:the\s+)?"
    r"(?P<phrase>(?:[A-Z][\w'’.-]*,?\s+(?:and\s+)?){1,8}?"
    r"(?:(?:oblasts?|regions?|provinces?)\s+of\s+(?:the\s+)?|(?<=,\s)))$")
_PLACE_AFTER = re.compile(r"\s*(?:[,.;:)]|$)")


def _place_only(text: str, mentions: list[Mention]) -> set[str]:
    """Countries named only as the place of an event: the victims of "Russian strikes in Kharkiv,
    Ukraine, killed three people" are not holders (annotation rule 6). A capital in the list of
    places ("in Kharkiv and Kyiv, Ukraine") is a place too."""
    places: list[tuple[int, int, str]] = []
    for m in mentions:
        if m.kind == "country" and m.via == "name" and not m.possessive and \
                _PLACE_AFTER.match(text, m.end):
            before = _PLACE_BEFORE.search(text, max(0, m.start - 120), m.start)
            # "aid to Poland, Ukraine and Moldova" is a list of countries, not a place in one
            if before and not any(before.start("phrase") <= n.start < m.start and n.code != m.code
                                  for n in mentions):
                places.append((before.start("phrase"), m.end, m.code))
    return _named_only_so(mentions, lambda m: any(
        a <= m.start and m.end <= b and code == m.code for a, b, code in places))


#: What joins the members of a list of actors: "China, Japan, and South Korea", "the United
#: States, the United Kingdom and China".
_LIST_JOIN = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+|&\s*)(?:the\s+)?")
#: What puts a list in an object's place, where its members do nothing to one another: "thanks to
#: Spain, China and Venezuela", "partners, including Japan, Taiwan and Australia", "measures
#: imposed on Russia, Iran and Belarus", "opposed by Russia, China and Taiwan". Not "between"
#: nor "of" ("the Presidents of Mongolia, China and Russia signed"), nor "with" (joint drills),
#: nor "from" ("leaders from Germany, France, Russia and Ukraine met").
_LIST_OBJECT = re.compile(
    r"\b(?:including|includes?|included|such\s+as|as|to|on|against|like|particularly|"
    r"especially|notably|namely|comprising|comprises|were|are|was|is|in|after|by|than|among|"
    r"towards?|for)\s*[,:(\-–—]?\s*(?:the\s+)?$", re.IGNORECASE)


def _listed_with(text: str, mentions: list[Mention], target: str) -> set[str]:
    """Actors named only in a list of three or more in an object's place that also names the
    target: none of them takes a position on another by being listed with it."""
    ordered = sorted(mentions, key=lambda m: m.start)
    runs: list[list[Mention]] = []
    closed = False  # a list ends at its "and": "advances in China and North Korea, Japan passed"
    for m in ordered:
        join = text[runs[-1][-1].end:m.start] if runs else ""
        if runs and not closed and _LIST_JOIN.fullmatch(join) and \
                m.code not in {n.code for n in runs[-1]}:
            runs[-1].append(m)
            closed = bool(re.search(r"\b(?:and|or)\b|&", join))
        else:
            runs.append([m])
            closed = False
    listed: set[int] = set()
    for run in runs:
        codes = {m.code for m in run}
        if len(codes) >= 3 and target in codes and \
                _LIST_OBJECT.search(text, max(0, run[0].start - 40), run[0].start):
            listed |= {id(m) for m in run}
    return _named_only_so(mentions, lambda m: id(m) in listed)


#: A passive of harm whose agent is named next: "Two Ukrainians are killed by Russian drone
#: attacks", "Georgian troops are forced to withdraw from Tskhinvali by the Russian army",
#: "servicemen, who were detained by the Russian forces". Whoever comes before it in the clause is
#: the victim (annotation rule 6).
_HARMED_BY = re.compile(
    r"\b(?:is|are|was|were|been|being)\s+(?:\w+ly\s+)?(?:killed|injured|wounded|attacked|struck|"
    r"hit|shelled|bombed|detained|arrested|captured|seized|forced|targeted|harassed|rammed|"
    r"intercepted|expelled|threatened|accused|critici[sz]ed|condemned|sanctioned|banned|punished|"
    r"downed|shot|abducted|kidnapped|jailed|sentenced|blocked|barred|summoned|warned|deported|"
    r"raided|invaded|occupied|annexed|pushed|driven|ousted)\b[^.;:!?]{0,90}?\bby\s+(?:the\s+)?$")


def _harmed_by(text: str, mentions: list[Mention], target: str) -> set[str]:
    """Actors named, in the clause before it, as the victims of a passive of harm whose agent is
    the target ("Four Philippine sailors are injured when water cannon is used by the Chinese
    coast guard"): victims are not holders (rule 6). A possessive ("Japan's protest was
    rejected by China") names the actor's own act, so it stays, and so does an actor that tells of
    the harm ("Ukraine says its towns were shelled by Russia")."""
    victims: set[int] = set()
    if "by" not in text:
        return victims
    for t in mentions:
        if t.code != target:
            continue
        harm = _HARMED_BY.search(text, max(0, t.start - 200), t.start)
        if harm is None:
            continue
        clause = max(text.rfind(c, 0, harm.start()) for c in ".;:!?") + 1
        victims |= {id(m) for m in mentions
                    if m.code != target and not m.possessive and clause <= m.start and
                    m.end <= harm.start() and not _SAYS.search(text, m.end, harm.start()) and
                    not _BY_BEFORE.search(text, max(0, m.start - 12), m.start)}
    return _named_only_so(mentions, lambda m: id(m) in victims)


#: An actor that is itself the agent of a passive ("a drone operated by Ukrainian military
#: intelligence ... after being seized by Russian divers") is no victim.
_BY_BEFORE = re.compile(r"\bby\s+(?:the\s+)?$")
#: A verb of saying between an actor and a passive of harm makes the actor the one who tells of
#: it: "Ukraine says its towns were shelled by Russia" is Ukraine accusing Russia.
_SAYS = re.compile(r"\b(?:says?|said|tells?|told|claims?|claimed|reports?|reported|accuses|accused|"
                   r"warns?|warned|announces?|announced|confirms?|confirmed|insists?|insisted|"
                   r"alleges?|alleged|complains?|complained|protests?|protested|that)\b")


#: What names a place as the venue of a meeting or a signing: "the summit held recently in
#: Hangzhou, China", "the signing at Moscow of the test ban treaty", "talks start in Beijing",
#: "agreed in Qingdao, China". A verb of holding or starting must come first: "the Games in
#: Beijing" alone may be the object of a stance ("boycotted the Games in Beijing"), and what "took
#: place in China" is an event in China, on which a speaker may take a position ("the tragic
#: events that took place in China"). Dates, adverbs of time and up to three capitalised words (a
#: city before the country) may come between.
_VENUE_BEFORE = re.compile(
    r"\b(?i:held|hosted|signed|signing|adopted|concluded|convened|agreed|start|starts|started|"
    r"begin|begins|began|open|opens|opened|resume|resumes|resumed)"
    r"(?:\s+(?:recently|last|this|next|earlier|later|on|year|month|week|\d+|[A-Z][\w.]*)){0,3}"
    r"\s+(?:in|at)\s+(?:[A-Z][\w'’.-]*,?\s+){0,3}$")


def _venue_only(text: str, mentions: list[Mention], target: str) -> bool:
    """Whether ``target`` is named, but only as the venue of a meeting, signing or event ("the G20
    summit held in Hangzhou, China", "a new round of talks starts in Beijing"): a sentence that
    names China only as the place where others met takes no stance toward it."""
    return _target_named_only_so(mentions, target, lambda m: (
        m.kind == "country" and not m.possessive and m.via in ("name", "capital") and
        bool(_VENUE_BEFORE.search(text, max(0, m.start - 90), m.start))))


#: "pro-" before an actor's name makes it the orientation of somebody else.
_PRO = re.compile(r"\bpro[-‐‑]$", re.IGNORECASE)


def _oriented_only(text: str, mentions: list[Mention], target: str) -> bool:
    """Whether ``target`` is named, but only as an orientation ("pro-Russian separatists", "a
    pro-Moscow party", "the pro-Beijing camp"): the actor itself does nothing there, and the
    people named so are not it (annotation rules 3 and 8)."""
    return _target_named_only_so(mentions, target, lambda m: bool(
        _PRO.search(text, max(0, m.start - 4), m.start)))


def _target_named_only_so(mentions: list[Mention], target: str, so: Callable[[Mention], bool]
                          ) -> bool:
    """Whether ``target`` is named and all its mentions are ``so`` (the others are not looked at)."""
    named = [m for m in mentions if m.code == target]
    return bool(named) and all(so(m) for m in named)


def _named_in_documents_only(mentions: list[Mention], target: str) -> bool:
    """Whether ``target`` is named, but only in the name of a document or conference ("the
    Beijing Declaration and Platform for Action"): the sentence then has no holder toward it."""
    return _target_named_only_so(mentions, target, lambda m: m.via == "document")


def _claimed_parts(text: str, mentions: list[Mention], target: str) -> set[str]:
    """Codes named only as a territory claimed as part of ``target`` in ``text``."""
    target_starts = {n.start for n in mentions if n.code == target}

    def claimed(m: Mention) -> bool:
        if m.code == target:
            return False
        match = _CLAIMED_PART.match(text, m.end)
        return match is not None and match.end() in target_starts

    return _named_only_so(mentions, claimed)


def _bucket(n: int) -> str:
    return str(n) if n < 4 else ("4-7" if n < 8 else "8+")


def candidate_features(text: str, target: str, candidate: str, speaker: str = "",
                       mentions: list[Mention] | None = None) -> dict[str, Any]:
    """Describe one candidate's place in the sentence (a dict for :class:`DictVectorizer`).

    Examples
    --------
    >>> f = candidate_features("Russia was condemned by Japan.", "RUS", "JPN")
    >>> f["prev=by"], f["before_target"]
    (1, 0)
    """
    mentions = list(find_actors(text)) if mentions is None else mentions
    cm = [m for m in mentions if m.code == candidate]
    tm = [m for m in mentions if m.code == target]
    others = [m for m in mentions if m.code not in (candidate, target)]
    f: dict[str, Any] = {"bias": 1}
    f["n_candidates"] = _bucket(len({m.code for m in mentions if m.code != target}))
    f["target_named"] = int(bool(tm))
    if speaker and candidate == speaker:
        f["is_speaker"] = 1
        f["first_person"] = int(bool(_FIRST_PERSON.search(text)))
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

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame(candidate_rows("Japan condemned Russia.", "RUS"))
    >>> CandidateFeatures().fit_transform(X)[0]["before_target"]
    1
    """

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
        speakers = X["speaker"] if "speaker" in X.columns else [""] * len(X)
        dates = X[AS_OF] if AS_OF in X.columns else [None] * len(X)
        cache: dict[tuple[str, Any], list[Mention]] = {}
        out = []
        for text, target, cand, spk, day in zip(X["text"], X["target"], X["candidate"], speakers,
                                                dates):
            day = None if day is None or (isinstance(day, float) and day != day) else day
            key = (text, day)
            if key not in cache:
                cache[key] = find_actors(text, as_of=day)
            spk = spk if isinstance(spk, str) else ""
            out.append(candidate_features(text, target, cand, spk, cache[key]))
        return out

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """The output is a list of dicts; its names are those of the following DictVectorizer."""
        check_is_fitted(self, "n_features_in_")
        return np.array(["candidate_features"], dtype=object)


def build_holder_pipeline(C: float = 1.0) -> Pipeline:
    """The holder classifier: candidate features, DictVectorizer, logistic regression.

    Examples
    --------
    >>> build_holder_pipeline().named_steps["classifier"].C
    1.0
    """
    return Pipeline([
        ("features", CandidateFeatures()),
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
                   threshold: float = 0.5, speaker_floor: float = SPEAKER_FLOOR
                   ) -> list[tuple[str, float]]:
    """Apply the threshold and the speaker rule to one (sentence, target)'s candidate scores.

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
    chosen = [(c, float(p)) for c, p in zip(candidates, proba) if p >= threshold]
    if speaker and speaker != target and not chosen and speaker in candidates:
        p = float(proba[candidates.index(speaker)])
        if p >= speaker_floor:
            chosen = [(speaker, p)]
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
    rows: list[dict[str, Any]] = []
    spans: list[tuple[int, int]] = []
    for g in groups:
        cands = candidate_rows(g["text"], g["target"], g.get("speaker", ""), g.get("mentions"))
        for r in cands:
            r[AS_OF] = g.get("as_of")
        spans.append((len(rows), len(rows) + len(cands)))
        rows.extend(cands)
    if not rows:
        return [[] for _ in groups]
    proba = pipeline.predict_proba(pd.DataFrame(rows))[:, 1]
    names = [[r["candidate"] for r in rows[a:b]] for a, b in spans]
    out = [choose_holders(names[i], proba[a:b], g["target"], g.get("speaker", ""), threshold)
           for i, (g, (a, b)) in enumerate(zip(groups, spans))]
    if stance_model is not None:
        empty = [i for i, found in enumerate(out)
                 if not found and groups[i].get("speaker") in names[i]]
        positions = speaker_positions(stance_model, [groups[i] for i in empty])
        for i, position in zip(empty, positions):
            if position is not None:
                speaker = groups[i]["speaker"]
                out[i] = [(speaker, float(proba[spans[i][0] + names[i].index(speaker)]))]
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
