"""Directed events: who does what to whom, read from the package's event lexicon.

The lexicon (``stance/data/events.tsv``) holds patterns written for the project from the PLOVER
ontology's definitions, one per line, grouped by event type. Each pattern links an *agent* (who
acts) with one or two other slots (who is acted on, who receives, who is the source, who is the
partner), and says which stance the act implies for the agent toward each of them, by the project's
annotation rules: buying arms *from* the target supports it, sanctioning it opposes it, switching
recognition *from* one government *to* another opposes the first and supports the second.

``stance/data/event_types.tsv`` gives each PLOVER type its CAMEO-style quad class, an intensity on
the project's own scale from -10 (most hostile) to +10 (most cooperative), and the stance the act
implies when it is stated plainly, negated ("did not condemn"), or refused ("refused to join
sanctions"): annotation rule 5 makes a negated or refused conflict act neutral, while refusing
cooperation opposes. A modal act ("threatens to", "plans to") keeps its stance and is flagged.

Patterns are read on the target-aware view of a row (:func:`stance.views.view_text`), where the
holder, the target and other actors are placeholders, so one pattern serves every country.

Pattern syntax (space-separated elements, each matching one token of the view):

- ``A``: the agent slot; ``P`` and ``Q``: the other slots. A slot takes an actor placeholder
  (possessives included) or a coordinated list of them ("xholder and xactor"); ``A`` also takes a
  first-person reference ("we", "my government"), which is the speaker (annotation rule 9).
- ``word``: that word; ``word*``: any word starting with it; ``a|b*``: either.
- ``[word]``: an optional word (alternatives and ``*`` allowed inside).
- ``{class}``: any word or phrase of a word class of ``stance/data/word_classes.tsv``.
- ``!word``: marks the act word when it is not the first word of the pattern ("A and P .. !sign*");
  negation and modality are read just before the act word.
- ``..``: up to four words; ``...``: up to ten. Gaps never take an actor or cross a clause end.
  A ``P`` or ``Q`` slot right after a word may open with up to three words that are not
  prepositions ("summoned the xtarget ambassador", but not "backs sanctions on xtarget").

Examples
--------
>>> [(m.type, m.agents, m.others, m.stance) for m in match_events("xholder buys jets from xtarget.")]
[('COOPERATE', ('holder',), ('target',), 'support')]
>>> [(m.type, m.modifier, m.stance) for m in match_events("xholder refused to sanction xtarget.")]
[('SANCTION', 'refused', 'neutral')]
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import numpy as np

from .actors import Mention
from .alternation import alternation
from .roles import _package_classes
from .rows import (
    HOLDER,
    HOLDER_UNNAMED,
    NO_HOLDER,
    OTHER,
    TARGET,
    _mentions,
    _RowTransformer,
    as_rows,
    row_mentions,
)
from .views import view_text

__all__ = [
    "EVENT_TYPES",
    "EventFeatures",
    "EventMatch",
    "EventPattern",
    "EventType",
    "implied_stance",
    "implied_stances",
    "load_event_types",
    "load_events",
    "main_event",
    "main_event_of",
    "match_events",
    "parse_events",
    "pattern_reads_example",
    "row_events",
    "sentence_events",
]

#: The PLOVER event types, in the lexicon's order.
EVENT_TYPES = ("AGREE", "CONSULT", "SUPPORT", "COOPERATE", "AID", "YIELD", "REQUEST", "ACCUSE",
               "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT")
QUADS = ("verbal_cooperation", "material_cooperation", "verbal_conflict", "material_conflict")
STANCES = ("oppose", "neutral", "support")
MODES = ("verbal", "material")
ROLES = ("patient", "recipient", "source", "partner", "subject")
MODIFIERS = ("plain", "negated", "refused", "modal")
#: Who fills a slot, seen from a row: its holder, its target, another actor.
KINDS = ("holder", "target", "other")
#: (agent, other) pairs counted as features, with the name of the direction.
DIRECTIONS = (("holder", "target"), ("target", "holder"), ("other", "target"), ("holder", "other"),
              ("target", "other"))

_GAPS = {"..": 4, "...": 10}
#: Words a P or Q slot may open with when it follows a word ("expels two xtarget diplomats").
_LEAD = 3
#: In the canonical text the patterns read, every actor is one token opening with "§": "§h", "§t",
#: "§o" (the holder, the target, another actor of a view), "§0", "§1"... (the mentions of a
#: sentence), "§w" (a first-person reference); clause ends and "but", "while", "whereas" and
#: "although" are "|". So a gap word is any token that opens with neither, and the expressions stay
#: small (quick to compile and to run).
_ACTOR = r"§[^ ]*"
#: A slot: an actor or a coordinated list ("A and B", "A, B and C", "A, B, and C"); a comma
#: before "and" only after a comma list, so that "xa praised xb, and xc said" does not join them.
_SLOT = (rf"{_ACTOR}(?:(?: , {_ACTOR})+ (?:, )?(?:and|or) {_ACTOR}| (?:and|or) {_ACTOR}"
         rf"|(?: , {_ACTOR})+)?")
_GAP_WORD = r"[^ §|][^ ]* "
#: A word a P or Q slot may open with: a determiner, a number, an adjective; not a preposition
#: ("backs sanctions on xtarget": xtarget is not what is backed) nor "by" (a passive's agent).
_LEAD_WORD = (r"(?!(?:by|on|against|with|from|at|for|in|into|over|about|onto|toward|towards"
              rf"|upon|under|after|before|than) ){_GAP_WORD}")
_CLAUSE = re.compile(r"(?<![^ ])(?:[.;:!?]|but|while|whereas|although)(?= )")
_PLACEHOLDER = re.compile(rf"{HOLDER}|{TARGET}|{OTHER}|xa(\d+)")
_MARKS = {HOLDER: "§h", TARGET: "§t", OTHER: "§o"}
_TOKENS = re.compile(r"[§\w'’-]+|[^\w\s]")


@dataclass(frozen=True)
class EventType:
    """A PLOVER event type as the lexicon uses it.

    Attributes
    ----------
    name : str
        PLOVER type (``"SANCTION"``).
    quad : str
        CAMEO-style quad class: verbal or material, cooperation or conflict.
    intensity : float
        The project's scale, -10 (most hostile) to +10 (most cooperative).
    plain, negated, refused : str
        The stance the act implies for its agent when stated, negated, or refused.
    """

    name: str
    quad: str
    intensity: float
    plain: str
    negated: str
    refused: str


@dataclass(frozen=True)
class EventPattern:
    """One line of the event lexicon.

    Attributes
    ----------
    type, mode : str
        PLOVER event type and mode (``"verbal"`` or ``"material"``).
    pattern : str
        The pattern as written in the file.
    p_role, q_role : str
        What the ``P`` and ``Q`` slots are (patient, recipient, source, partner, subject).
    stance, q_stance : str
        Stance of the agent toward ``P`` and ``Q`` when the act is stated plainly ("" for the
        type's default toward ``P``, none toward ``Q``).
    symmetric : bool
        The act binds both sides the same way ("A and P sign an accord"): ``P`` holds the same
        stance toward the agent.
    line : int
        Line of ``events.tsv`` (1-based).
    example, example_roles : str
        A sentence written for the project that the pattern reads, and who fills its slots
        (``"VNM>RUS"``: agent ``VNM``, ``P`` ``RUS``; ``we`` is the speaker).
    """

    type: str
    mode: str
    pattern: str
    p_role: str
    stance: str
    q_role: str
    q_stance: str
    symmetric: bool
    line: int
    example: str = ""
    example_roles: str = ""


@dataclass(frozen=True)
class EventMatch:
    """One match of a pattern in a view: who fills each slot and the stance the act implies.

    Attributes
    ----------
    type, mode, quad : str
        The event's PLOVER type, mode and quad class.
    agents, others, seconds : tuple of str
        The kinds ("holder", "target", "other") filling the ``A``, ``P`` and ``Q`` slots.
    modifier : str
        ``"plain"``, ``"negated"``, ``"refused"`` or ``"modal"``, read in the words before the
        act.
    stance, q_stance : str
        Stance of the agent toward ``P`` (and ``Q``) after the modifier.
    symmetric : bool
        ``P`` holds the same stance toward the agent.
    intensity : float
        The type's intensity (0 when negated or refused).
    pattern : str
        The lexicon line that matched (``events.tsv:LINE pattern``).
    text : str
        The matched words of the view.
    """

    type: str
    mode: str
    quad: str
    agents: tuple[str, ...]
    others: tuple[str, ...]
    seconds: tuple[str, ...]
    modifier: str
    stance: str
    q_stance: str
    symmetric: bool
    intensity: float
    pattern: str
    text: str


def _lines(text: str) -> list[tuple[int, str]]:
    """The data lines of a TSV file of this module, with their 1-based numbers: no header, no
    comment (``#``), no blank line."""
    return [(i, line) for i, line in enumerate(text.splitlines(), start=1)
            if i > 1 and line.strip() and not line.startswith("#")]


def _read(name: str) -> list[tuple[int, list[str]]]:
    text = resources.files("stance").joinpath("data", name).read_text(encoding="utf-8")
    return [(i, line.split("\t")) for i, line in _lines(text)]


@lru_cache(maxsize=1)
def load_event_types() -> dict[str, EventType]:
    """The event types of ``stance/data/event_types.tsv``.

    Examples
    --------
    >>> load_event_types()["SANCTION"].quad
    'material_conflict'
    """
    types = {}
    for i, fields in _read("event_types.tsv"):
        where = f"stance/data/event_types.tsv, line {i}"
        if len(fields) < 6:
            raise ValueError(f"{where}: expected 6 tab-separated fields")
        name, quad, intensity, plain, negated, refused = fields[:6]
        if name not in EVENT_TYPES:
            raise ValueError(f"{where}: unknown event type {name!r}")
        if quad not in QUADS:
            raise ValueError(f"{where}: unknown quad class {quad!r}")
        for s in (plain, negated, refused):
            if s not in STANCES:
                raise ValueError(f"{where}: unknown stance {s!r}")
        try:
            value = float(intensity)
        except ValueError:
            raise ValueError(f"{where}: intensity {intensity!r} is not a number") from None
        if not -10 <= value <= 10:
            raise ValueError(f"{where}: intensity {value} outside -10..10")
        types[name] = EventType(name, quad, value, plain, negated, refused)
    missing = set(EVENT_TYPES) - set(types)
    if missing:
        raise ValueError(f"stance/data/event_types.tsv: no line for {sorted(missing)}")
    return types


@lru_cache(maxsize=1)
def load_events() -> tuple[EventPattern, ...]:
    """The patterns of ``stance/data/events.tsv``, checked (see :func:`parse_events`).

    Examples
    --------
    >>> len({p.type for p in load_events()})
    15
    """
    text = resources.files("stance").joinpath("data", "events.tsv").read_text(encoding="utf-8")
    return parse_events(text, "stance/data/events.tsv")


def parse_events(text: str, source: str = "events.tsv") -> tuple[EventPattern, ...]:
    r"""Read and check an event lexicon.

    Columns: ``type``, ``mode``, ``pattern``, ``p_role``, ``stance``, ``q_role``, ``q_stance``,
    ``symmetric``, ``example``, ``example_roles``, after one header line. Lines starting with
    ``#`` are comments. Errors name ``source`` and the line (1-based).

    Examples
    --------
    >>> head = "type\tmode\tpattern\tp_role\tstance\tq_role\tq_stance\tsymmetric\texample\troles\n"
    >>> line = "ACCUSE\tverbal\tA .. condemn* P\tpatient\t\t\t\t\tJapan condemned Russia.\tJPN>RUS\n"
    >>> parse_events(head + line)[0].type
    'ACCUSE'
    """
    patterns = []
    for i, line in _lines(text):
        fields = line.split("\t")
        where = f"{source}, line {i}"
        if len(fields) != 10:
            raise ValueError(f"{where}: expected 10 tab-separated fields, got {len(fields)}")
        etype, mode, pattern, p_role, stance, q_role, q_stance, symmetric, example, roles = fields
        if etype not in EVENT_TYPES:
            raise ValueError(f"{where}: unknown event type {etype!r}")
        if mode not in MODES:
            raise ValueError(f"{where}: unknown mode {mode!r}")
        if p_role not in ROLES or (q_role and q_role not in ROLES):
            raise ValueError(f"{where}: unknown role {p_role!r} or {q_role!r}")
        if (stance and stance not in STANCES) or (q_stance and q_stance not in STANCES):
            raise ValueError(f"{where}: unknown stance {stance!r} or {q_stance!r}")
        if bool(q_role) != bool(q_stance):
            raise ValueError(f"{where}: q_role and q_stance go together")
        if symmetric not in ("", "yes"):
            raise ValueError(f"{where}: symmetric must be empty or 'yes', got {symmetric!r}")
        elements = pattern.split()
        if elements.count("A") != 1 or elements.count("P") != 1 or elements.count("Q") != bool(q_role):
            raise ValueError(f"{where}: a pattern needs one A, one P and, with a q_role, one Q: "
                             f"{pattern!r}")
        if not example.strip() or not re.fullmatch(r"(?:[A-Z]{2,8}|we)>[A-Z]{2,8}(?:;[A-Z]{2,8})?", roles):
            raise ValueError(f"{where}: needs an example and its roles as AGENT>P or AGENT>P;Q "
                             f"(codes, or 'we' for the speaker), got {roles!r}")
        _compile(pattern, where)  # checks every element; the expression is compiled on first use
        patterns.append(EventPattern(etype, mode, pattern, p_role, stance, q_role, q_stance,
                                     symmetric == "yes", i, example, roles))
    return tuple(patterns)


def _element(token: str) -> str:
    classes = _package_classes()
    if token.startswith("{") and token.endswith("}"):
        name = token[1:-1]
        if name not in classes:
            raise ValueError(f"unknown word class {token}")
        return alternation(classes[name], r"[^ ]*") + " "
    words = token.split("|")
    if any(not w or not re.fullmatch(r"[\w'’-]+\*?|[^\w\s*]", w) for w in words):
        raise ValueError(f"bad element {token!r}")
    return "(?:" + "|".join(re.escape(w[:-1]) + "[^ ]*" if w.endswith("*") else re.escape(w)
                            for w in words) + ") "


def _compile(pattern: str, where: str) -> tuple[str, str, tuple[frozenset[str], ...]]:
    """The regular expression (source) of a pattern over the canonical view, its act word, and
    the sets of words of which the view must hold one each for the pattern to match (its literal
    elements without a prefix wildcard): a cheap test before the expression is run. Built once
    per pattern text (checking the lexicon and reading it share the work); errors name ``where``."""
    try:
        return _pattern_source(pattern)
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None


@cache
def _pattern_source(pattern: str) -> tuple[str, str, tuple[frozenset[str], ...]]:
    tokens = pattern.split()
    marked = [t for t in tokens if t.startswith("!")]
    if len(marked) > 1:
        raise ValueError(f"at most one act word may be marked with '!': {pattern!r}")
    act = marked[0] if marked else next(
        (t for t in tokens if t not in ("A", "P", "Q", *_GAPS) and not t.startswith(("[", "{"))), "")
    if not act:
        raise ValueError(f"a pattern needs at least one literal word: {pattern!r}")
    parts, prev, needs = [], "", []
    for token in tokens:
        bare = token.lstrip("!")
        if bare not in ("A", "P", "Q", *_GAPS) and not bare.startswith(("[", "{")) \
                and "*" not in bare:
            needs.append(frozenset(bare.split("|")))
        if token in ("A", "P", "Q"):
            if token != "A" and prev not in ("A", "P", "Q", "..", "...", ""):
                # a slot right after a word may open with a determiner, a number, an adjective
                parts.append(f"(?:{_LEAD_WORD}){{0,{_LEAD}}}")
            parts.append(f"(?P<{token}>{_SLOT}) ")
        elif token in _GAPS:
            parts.append(f"(?:{_GAP_WORD}){{0,{_GAPS[token]}}}")
        elif token.startswith("[") and token.endswith("]"):
            parts.append(f"(?:{_element(token[1:-1])})?")
        elif token == act:
            parts.append(f"(?P<act>{_element(token.lstrip('!'))})")
        else:
            parts.append(_element(token))
        prev = token
    return "(?<![^ ])" + "".join(parts), act.lstrip("!"), tuple(needs)


@dataclass(eq=False)
class _Compiled:
    sources: dict[str, tuple[tuple[EventPattern, str, tuple[frozenset[str], ...]], ...]]
    exact: dict[str, frozenset[str]]
    stems: dict[str, frozenset[str]]
    modifiers: tuple[tuple[str, re.Pattern[str]], ...]
    first_person: re.Pattern[str]
    passive: re.Pattern[str]
    same_actor: re.Pattern[str]
    same_aside: re.Pattern[str]
    sayer: re.Pattern[str]
    _memo: dict[str, tuple[str, ...]] = field(default_factory=dict)
    _regexes: dict[str, re.Pattern[str]] = field(default_factory=dict)

    def regex(self, source: str) -> re.Pattern[str]:
        """A pattern's expression, compiled the first time a sentence passes its word test (a
        process never pays for the patterns its text never needs)."""
        found = self._regexes.get(source)
        if found is None:
            found = self._regexes[source] = re.compile(source)
        return found

    def acts(self, word: str) -> tuple[str, ...]:
        """The act words of the lexicon that ``word`` is a form of (remembered per word)."""
        found = self._memo.get(word)
        if found is None:
            out = set(self.exact.get(word, ()))
            for k in range(1, len(word) + 1):
                out.update(self.stems.get(word[:k], ()))
            found = self._memo[word] = tuple(sorted(out))
        return found


@lru_cache(maxsize=8)
def _compiled(patterns: tuple[EventPattern, ...] | None = None) -> _Compiled:
    groups: dict[str, list[tuple[EventPattern, str, tuple[frozenset[str], ...]]]] = defaultdict(list)
    exact: dict[str, set[str]] = defaultdict(set)
    stems: dict[str, set[str]] = defaultdict(set)
    for p in load_events() if patterns is None else patterns:
        source, act, needs = _compile(p.pattern, f"stance/data/events.tsv, line {p.line}")
        groups[act].append((p, source, needs))
        for w in act.split("|"):
            (stems[w[:-1]] if w.endswith("*") else exact[w]).add(act)
    classes = _package_classes()
    modifiers = tuple(
        (name, re.compile(r"(?<![^ ])" + alternation(classes[f"event_{name}"], r"[^ ]*") + "(?= )"))
        for name in ("refused", "negated", "modal"))
    first = re.compile(r"(?<![^ ])" + alternation(classes["first_person_agent"]) + "(?= )")
    # a form of "be" (or "get") as the last word before the act: the verb is passive
    passive = re.compile(r"(?<![^ ])" + alternation(classes["passive_auxiliary"]) + " $")
    # one actor named twice in a row, with only titles between ("Russian president Vladimir
    # Putin", "China's foreign minister Wang Yi") or in brackets ("the Association of Southeast
    # Asian Nations (ASEAN)"): see _collapse
    same_actor = re.compile(r"(?<![^ ])§(\w+)(?:'s|’s|'|’)? (?:" + alternation(classes["title_word"])
                            + r" )*(?=§(\w+)[ '’])")
    same_aside = re.compile(r"(?<![^ ])§(\w+) \( §(\w+) \) ")
    # "xa0 ('s president) says he will not allow xa1 ...": the pronoun after a verb of saying is
    # the actor who says it
    sayer = re.compile(r"(?<![^ ])(§\w+)((?:'s|’s)?(?: [^ §|]+){0,3} " + alternation(classes["saying_plain"])
                       + r" (?:that )?)(?:he|she|it|they)(?= )")
    return _Compiled({k: tuple(v) for k, v in groups.items()},
                     {k: frozenset(v) for k, v in exact.items()},
                     {k: frozenset(v) for k, v in stems.items()}, modifiers, first, passive,
                     same_actor, same_aside, sayer)


def _kind(token: str, speaker_holds: bool) -> str:
    if "§t" in token:
        return "target"
    if "§h" in token or (token.startswith("§w") and speaker_holds):
        return "holder"
    return "other"


def _collapse(text: str, compiled: _Compiled, same: Any) -> str:
    """``text`` (canonical) with one actor named twice in a row written once: the titles and the
    first name dropped in "§1 president §2" ("Russian president Vladimir Putin"), the bracketed
    repeat in "§1 ( §2 )" ("the Association of Southeast Asian Nations (ASEAN)"), when
    ``same(a, b)`` says the two tokens are one actor. A slot then takes the actor with its titles
    ("urges Russian president Vladimir Putin to withdraw")."""
    if "§" not in text:
        return text
    text = compiled.same_actor.sub(lambda m: "" if same(m.group(1), m.group(2)) else m.group(), text)
    return compiled.same_aside.sub(
        lambda m: f"§{m.group(1)} " if same(m.group(1), m.group(2)) else m.group(), text)


def _canonical(view: str, compiled: _Compiled) -> str:
    """The text the patterns read: tokens joined by single spaces, actors and clause ends marked."""
    text = view.lower()
    if text.startswith((NO_HOLDER, HOLDER_UNNAMED)):
        text = text.split(" ", 1)[1] if " " in text else ""
    text = _PLACEHOLDER.sub(lambda m: _MARKS.get(m.group()) or f"§{m.group(1)}", text)
    text = " ".join(_TOKENS.findall(text)) + " "
    text = compiled.first_person.sub("§w", text)
    text = compiled.sayer.sub(lambda m: f"{m.group(1)}{m.group(2)}{m.group(1)}", text)
    return _CLAUSE.sub("|", text)


def match_events(view: str, lexicon: tuple[EventPattern, ...] | None = None) -> list[EventMatch]:
    """The event patterns that match a target-aware view, with who fills each slot.

    Parameters
    ----------
    view : str
        A view from :func:`stance.views.view_text` (placeholders for the holder, the target and
        other actors); a view starting with the unnamed-holder marker reads "we" as the holder.
    lexicon : tuple of EventPattern, optional
        Patterns to read (:func:`parse_events`); the package's by default.

    Returns
    -------
    list of EventMatch
        In order of position; one per (type, agent, other), the longest when several patterns of
        one type match there.

    Examples
    --------
    >>> [(m.type, m.agents, m.others) for m in match_events("xtarget was sanctioned by xholder.")]
    [('SANCTION', ('holder',), ('target',))]
    """
    compiled = _compiled(lexicon)
    speaker_holds = view.startswith(HOLDER_UNNAMED)
    # in a view the holder and the target are one actor each; two other actors in a row with
    # only titles between are taken as one too
    text = _collapse(_canonical(view, compiled), compiled, lambda a, b: a == b and a != "w")
    return [_as_kinds(m, lambda t: _kind(t, speaker_holds)) for m in _match_tokens(text, compiled)]


def _as_kinds(m: EventMatch, kind: Any) -> EventMatch:
    return replace(m, agents=tuple(map(kind, m.agents)), others=tuple(map(kind, m.others)),
                   seconds=tuple(map(kind, m.seconds)))


def _match_tokens(text: str, compiled: _Compiled) -> list[EventMatch]:
    """Matches on a canonical text, with the slots' actor tokens as they are written."""
    words = text.split()
    if sum(w.startswith("§") for w in words) < 2:
        return []  # an event links two actors
    present = set(words)
    types = load_event_types()
    found: dict[tuple[str, int, int], EventMatch] = {}
    acts = [a for w in words for a in compiled.acts(w)]  # in the order of the text
    for anchor in dict.fromkeys(acts):
        for pattern, source, needs in compiled.sources[anchor]:
            if any(present.isdisjoint(words_) for words_ in needs):
                continue
            for m in compiled.regex(source).finditer(text):
                if m.end("A") <= m.start("act") and not m.group("act").endswith("ing ") \
                        and compiled.passive.search(text, m.end("A"), m.start("act")):
                    continue  # "xtarget was attacked ...": the A slot is the one acted on
                slots = [tuple(t for t in m.group(g).split() if t.startswith("§"))
                         if m.groupdict().get(g) else () for g in ("A", "P", "Q")]
                modifier = _modifier(text, m, compiled)
                etype = types[pattern.type]
                stance = _stance(pattern.stance or etype.plain, modifier, etype)
                q_stance = pattern.q_stance if modifier in ("plain", "modal") else \
                    ("neutral" if pattern.q_stance else "")
                key = (pattern.type, m.start("A"), m.start("P"))
                match = EventMatch(pattern.type, pattern.mode, etype.quad, *slots,
                                   modifier, stance, q_stance, pattern.symmetric,
                                   0.0 if modifier in ("negated", "refused") else etype.intensity,
                                   f"events.tsv:{pattern.line} {pattern.pattern}",
                                   m.group().strip())
                if key not in found or len(match.text) > len(found[key].text):
                    found[key] = match
    return [found[k] for k in sorted(found, key=lambda k: (min(k[1], k[2]), k[0]))]


def sentence_events(text: str, mentions: tuple[Mention, ...],
                    lexicon: tuple[EventPattern, ...] | None = None) -> list[EventMatch]:
    """The events of a sentence, read once for all its rows: slots hold mention indices.

    Each mention is written ``§0``, ``§1``, ... in the order given, and a first-person reference
    ``§w``; :func:`row_events` turns them into "holder", "target" and "other" for one row.

    Examples
    --------
    >>> from stance.actors import Gazetteer
    >>> text = "Vietnam orders fighters from Moscow."
    >>> [(m.type, m.agents, m.others) for m in sentence_events(text, tuple(Gazetteer.default().find(text)))]
    [('COOPERATE', ('§0',), ('§1',))]
    """
    spans = tuple((m.start, m.end, m.code) for m in mentions)
    if lexicon is None:
        return list(_package_events(text, spans))
    return _sentence_events(text, spans, lexicon)


@lru_cache(maxsize=8192)
def _package_events(text: str, spans: tuple[tuple[int, int, str], ...]) -> tuple[EventMatch, ...]:
    """The package lexicon's events of a sentence, kept for the sentences read most recently: the
    rows of :func:`stance.analyze` and the event features of the same sentence share them."""
    return tuple(_sentence_events(text, spans, None))


def _sentence_events(text: str, spans: tuple[tuple[int, int, str], ...],
                     lexicon: tuple[EventPattern, ...] | None) -> list[EventMatch]:
    compiled = _compiled(lexicon)
    if len(spans) < 2 and compiled.first_person.search(
            " " + " ".join(_TOKENS.findall(text.lower())) + " ") is None:
        return []  # an event links two actors: two mentions, or one and "we"
    parts, last = [], 0
    for i, (start, end, _) in enumerate(spans):
        parts += [text[last:start], f"xa{i}"]
        last = end
    parts.append(text[last:])

    def same(a: str, b: str) -> bool:
        return a.isdigit() and b.isdigit() and spans[int(a)][2] == spans[int(b)][2]

    return _match_tokens(_collapse(_canonical("".join(parts), compiled), compiled, same), compiled)


def row_events(matches: list[EventMatch], mentions: tuple[Mention, ...], holder: str, target: str
               ) -> list[EventMatch]:
    """:func:`sentence_events` seen from one (holder, target) row, as :func:`match_events` gives.

    Examples
    --------
    >>> from stance.actors import Gazetteer
    >>> text = "Vietnam orders fighters from Moscow."
    >>> ms = tuple(Gazetteer.default().find(text))
    >>> [(m.agents, m.others) for m in row_events(sentence_events(text, ms), ms, "VNM", "RUS")]
    [(('holder',), ('target',))]
    """
    return [_as_kinds(m, _row_kind([m.code for m in mentions], holder, target)) for m in matches]


def _row_kind(codes: list[str], holder: str, target: str) -> Any:
    """Who a slot token is for one row: "holder", "target" or "other" (as in its view)."""
    speaker_holds = bool(holder) and holder not in codes

    def kind(token: str) -> str:
        if token.startswith("§w"):
            return "holder" if speaker_holds else "other"
        named = {codes[int(i)] for i in _INDEX.findall(token)}
        return "target" if target in named else "holder" if holder and holder in named else "other"

    return kind


_INDEX = re.compile(r"§(\d+)")


def main_event_of(matches: list[EventMatch] | tuple[EventMatch, ...], mentions: tuple[Mention, ...],
                  holder: str, target: str) -> EventMatch | None:
    """:func:`main_event` of :func:`sentence_events` seen from one row, without building the row's
    view of every match (what :func:`stance.analyze` reads for each row's event codes).

    Examples
    --------
    >>> from stance.actors import Gazetteer
    >>> text = "Estonia expels two Russian diplomats."
    >>> ms = tuple(Gazetteer.default().find(text))
    >>> main_event_of(sentence_events(text, ms), ms, "EST", "RUS").type
    'SANCTION'
    """
    if not matches or not holder:
        return None
    return _strongest_link(matches, _row_kind([m.code for m in mentions], holder, target))


def _strongest_link(matches: Any, kind: Any) -> EventMatch | None:
    """The match that links the holder to the target, ``kind`` telling who a slot is: the holder
    acting on the target (or both in a symmetric act), stated or modal before negated or refused,
    then the most intense type."""
    linked = []
    for m in matches:
        agents, others = {kind(t) for t in m.agents}, {kind(t) for t in m.others}
        if ("holder" in agents and ("target" in others or any(kind(t) == "target" for t in m.seconds))) \
                or (m.symmetric and "target" in agents and "holder" in others):
            linked.append(m)
    if not linked:
        return None
    types = load_event_types()
    return max(linked, key=lambda m: (m.modifier in ("plain", "modal"), abs(types[m.type].intensity)))


def implied_stance(text: str, mentions: tuple[Mention, ...], holder: str, target: str) -> str:
    """The stance toward ``target`` that the act linking ``holder`` to it implies (the act of
    :func:`main_event`, after its modifier); "" when no event links them or there is no holder.

    Where an act has two slots besides its agent, the target's own slot counts: switching
    recognition *from* Beijing *to* Taipei opposes CHN and supports TWN.

    Examples
    --------
    >>> from stance.actors import Gazetteer
    >>> text = "Saint Lucia switched its diplomatic recognition from Beijing to Taipei."
    >>> ms = tuple(Gazetteer.default().find(text))
    >>> implied_stance(text, ms, "LCA", "CHN"), implied_stance(text, ms, "LCA", "TWN")
    ('oppose', 'support')
    >>> implied_stance(text, ms, "", "CHN")
    ''
    """
    if not holder:
        return ""
    # as main_event_of: the strongest link, its slots read for this row without building the
    # row's view of every match
    kind = _row_kind([m.code for m in mentions], holder, target)
    found = _strongest_link(sentence_events(text, mentions), kind)
    if found is None:
        return ""
    in_q = any(kind(t) == "target" for t in found.seconds)
    if in_q and not any(kind(t) == "target" for t in found.others):
        return found.q_stance
    return found.stance


def implied_stances(X: Any) -> np.ndarray:
    """:func:`implied_stance` for each row of ``X`` (columns ``text``, ``holder``, ``target`` and,
    optionally, the mentions of :data:`stance.rows.MENTIONS`), as an array of str.

    Examples
    --------
    >>> implied_stances([{"text": "Vietnam orders Su-30 fighters from Moscow.", "holder": "VNM",
    ...                   "target": "RUS"}]).tolist()
    ['support']
    """
    rows = as_rows(X)
    out = np.empty(len(rows), dtype=object)
    for i, (t, h, g, ms) in enumerate(zip(rows["text"], rows["holder"], rows["target"],
                                          row_mentions(rows))):
        out[i] = implied_stance(t, _mentions(t) if ms is None else ms, h, g)
    return out


def main_event(matches: list[EventMatch]) -> EventMatch | None:
    """The event that links a row's holder to its target, if any: the holder acting on the target
    (or both in a symmetric act), stated or modal before negated or refused, then the most intense
    type; None when no event links them.

    Examples
    --------
    >>> main_event(match_events("xholder praised xtarget. xholder also sanctioned xtarget banks.")).type
    'SANCTION'
    >>> main_event(match_events("xtarget sanctioned xholder.")) is None
    True
    """
    return _strongest_link(matches, lambda kind: kind)


def _stance(plain: str, modifier: str, etype: EventType) -> str:
    """The stance of an act after its modifier: the type's own rule for its usual stance; otherwise
    a negated or refused conflict act is neutral and a refused cooperative act opposes."""
    if modifier in ("plain", "modal"):
        return plain
    if plain == etype.plain:
        return etype.negated if modifier == "negated" else etype.refused
    if plain == "support" and modifier == "refused":
        return "oppose"
    return "neutral"


def _modifier(text: str, m: re.Match[str], compiled: _Compiled) -> str:
    """Refused, negated or modal, read in the verb group before the act: the words from the
    slot nearest before it (or three words before the match, when no slot comes first)."""
    act = m.start("act")
    ends = [m.end(g) for g in ("A", "P", "Q") if m.groupdict().get(g) and m.end(g) <= act]
    if ends:
        span = " " + text[max(ends):act]
    else:
        span = " " + " ".join(text[:m.start()].split()[-3:]) + " "
    for name, regex in compiled.modifiers:
        if regex.search(span):
            return name
    return "plain"


class EventFeatures(_RowTransformer):
    """Features of the directed events that link a row's holder and target.

    For each direction (the holder acting on the target, the target on the holder, another actor
    on the target, the holder on another actor, the target on another actor), the number of
    matched events implying each stance; for the holder acting on the target, also its event
    types, quad classes, modifiers (negated, refused, modal) and the mean intensity over 10.
    Symmetric acts ("xholder and xtarget sign an accord") count in both directions. Counts are
    capped at ``cap``.

    Parameters
    ----------
    cap : int, default 3
        Largest count.

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame({"text": ["Vietnam orders Su-30 fighters from Moscow."],
    ...                   "holder": ["VNM"], "target": ["RUS"]})
    >>> f = EventFeatures().fit(X)
    >>> values = dict(zip(f.get_feature_names_out(), f.transform(X)[0]))
    >>> float(values["event_holder_target_support"]), float(values["event_holder_target_COOPERATE"])
    (1.0, 1.0)
    """

    def __init__(self, cap: int = 3) -> None:
        self.cap = cap

    def transform(self, X: Any) -> np.ndarray:
        """Return the event features, one row per input row."""
        rows = self._rows(X)
        names = self._names()
        index = {n: i for i, n in enumerate(names)}
        out = np.zeros((len(rows), len(names)))
        for i, (t, h, g, ms) in enumerate(zip(rows["text"], rows["holder"], rows["target"],
                                              row_mentions(rows))):
            found = _mentions(t) if ms is None else ms  # both cached per sentence
            for name, value in event_values(row_events(sentence_events(t, found), found, h, g)).items():
                out[i, index[name]] = value
        cols = [index[n] for n in names if not n.endswith("_intensity")]
        out[:, cols] = np.minimum(out[:, cols], self.cap)
        return out

    def _names(self) -> list[str]:
        return _FEATURE_NAMES


_FEATURE_NAMES = [
    *[f"event_{a}_{p}_{s}" for a, p in DIRECTIONS for s in STANCES],
    *[f"event_holder_target_{t}" for t in EVENT_TYPES],
    *[f"event_holder_target_{q}" for q in QUADS],
    *[f"event_holder_target_{m}" for m in MODIFIERS[1:]],
    "event_holder_target_intensity",
    "event_any",
]


def event_values(matches: list[EventMatch]) -> dict[str, float]:
    """The nonzero features of :class:`EventFeatures` for one row's matches (uncapped).

    Examples
    --------
    >>> event_values(match_events("xholder condemned xtarget."))["event_holder_target_oppose"]
    1.0
    """
    values: dict[str, float] = defaultdict(float)
    intensities = []
    for m in matches:
        values["event_any"] = 1
        links = [(a, o, m.stance) for a in m.agents for o in m.others]
        links += [(a, o, m.q_stance) for a in m.agents for o in m.seconds if m.q_stance]
        if m.symmetric:
            links += [(o, a, m.stance) for a in m.agents for o in m.others]
        for agent, other, stance in links:
            if (agent, other) not in DIRECTIONS or agent == other:
                continue
            values[f"event_{agent}_{other}_{stance}"] += 1
            if (agent, other) == ("holder", "target"):
                values[f"event_holder_target_{m.type}"] += 1
                values[f"event_holder_target_{m.quad}"] += 1
                if m.modifier != "plain":
                    values[f"event_holder_target_{m.modifier}"] += 1
                intensities.append(m.intensity)
    if intensities:
        values["event_holder_target_intensity"] = float(np.mean(intensities)) / 10
    return dict(values)


def pattern_reads_example(pattern: EventPattern) -> bool:
    """Whether a pattern reads its own example with the slots its ``example_roles`` name.

    The example is viewed with the agent as holder and ``P`` as target; the pattern must match with
    the holder among its agents, the target among its ``P`` slot and, for ``AGENT>P;Q``, another
    actor in its ``Q`` slot.

    Examples
    --------
    >>> all(pattern_reads_example(p) for p in load_events()[:5])
    True
    """
    agent, rest = pattern.example_roles.split(">")
    other = rest.split(";")[0]
    view = view_text(pattern.example, "" if agent == "we" else agent, other)
    if agent == "we":
        view = view.replace("xnoholder", HOLDER_UNNAMED, 1)
    for m in match_events(view, (pattern,)):
        if "holder" in m.agents and "target" in m.others and (
                ";" not in rest or "other" in m.seconds):
            return True
    return False


def _summary() -> str:
    """Patterns per event type and mode, as ``python -m stance.events`` prints them."""
    patterns = load_events()
    types = load_event_types()
    lines = [f"stance/data/events.tsv: {len(patterns)} patterns over {len(types)} PLOVER event types"]
    for name in EVENT_TYPES:
        mine = [p for p in patterns if p.type == name]
        modes = {m: sum(p.mode == m for p in mine) for m in MODES}
        lines.append(f"  {name:10s} {len(mine):4d}  ({modes['verbal']} verbal, {modes['material']} material; "
                     f"{types[name].quad}, intensity {types[name].intensity:+.1f})")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover - a report for reviewers
    print(_summary())
