"""Roles of actor mentions: who acts, who is acted on, and who is only named.

A sentence names actors in many roles besides the one that takes a position: the victim of the
target's act, the place of an event, the nationality of private people, a team in a sports result, a
member of a list, the arena of a vote, the author of a report of fact. This module labels each mention
of a sentence with its roles relative to a target, by rules kept as data:

- ``stance/data/word_classes.tsv``: classes of words (verbs of saying, past participles of harm,
  modals, heads of organs, sports terms, the head nouns of private groups...), one word per row;
- ``stance/data/role_rules.tsv``: one rule per row. A rule looks at mentions of some kinds, named in
  some ways, and gives them a role when its left context (a regular expression ending where the
  mention starts, within a window), its right context (one starting where it ends) and its named
  predicate all hold. ``{class}`` in a pattern stands for the words of a word class. ``when`` says
  whether the rule holds ``always``, only when ``predict``\\ ing (the holder model still trains on the
  candidates it removes, as the negatives they are), or only in a statement (``speaker``); ``effect``
  says what the role does: ``candidate`` (an actor all of whose mentions have such roles is no
  candidate holder), ``target`` (a target all of whose mentions have such roles has no holder at
  all), ``holder`` (a candidate with such a role holds a stance whatever the holder model says: a
  partner of the target in a joint act or a meeting) and ``feature`` (only a feature).

What a regular expression cannot say is a small predicate registered by name in :data:`PREDICATES`
(a list of actors in an object's place, the target's own clause...). A user can add rules and word
classes from their own files (:func:`load_role_rules`).

Examples
--------
>>> from stance.actors import find_actors
>>> text = "China suspends flights from Italy, Spain and Greece."
>>> roles = mention_roles(text, find_actors(text), "CHN")
>>> sorted(roles[2])
['patient']
>>> text = "Canada beat Russia in the ice hockey final."
>>> [sorted(r) for r in mention_roles(text, find_actors(text), "RUS")]
[['competitor'], ['competitor']]
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from .actors import Mention
from .alternation import alternation

__all__ = [
    "PREDICATES",
    "RoleRule",
    "RoleRules",
    "RuleContext",
    "load_role_rules",
    "mention_roles",
    "mention_rules",
    "word_class",
    "word_pattern",
]

#: ``when`` values of a rule.
WHEN = ("always", "predict", "speaker")
#: ``effect`` values of a rule.
EFFECTS = ("candidate", "target", "holder", "feature")


# ---------------------------------------------------------------------------------------------
# Word classes
# ---------------------------------------------------------------------------------------------


def _read_rows(text: str, source: str, required: Sequence[str]) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text), delimiter="\t")
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        raise ValueError(f"{source}: missing column(s) {missing}")
    rows = []
    for number, row in enumerate(reader, start=2):
        if any(v is None for v in row.values()):
            raise ValueError(f"{source}, line {number}: too few fields")
        row["_where"] = f"{source}, line {number}"
        rows.append(row)
    return rows


def _package_text(name: str) -> str:
    return resources.files("stance").joinpath(f"data/{name}").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _package_classes() -> dict[str, tuple[str, ...]]:
    return _classes_from(_read_rows(_package_text("word_classes.tsv"), "word_classes.tsv",
                                    ("class", "word")))


def _classes_from(rows: Iterable[dict[str, str]], base: dict[str, tuple[str, ...]] | None = None
                  ) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {k: list(v) for k, v in (base or {}).items()}
    for row in rows:
        name, word = row["class"].strip(), row["word"].strip()
        if not re.fullmatch(r"[a-z_]+", name) or not word:
            raise ValueError(f"{row.get('_where', 'word classes')}: bad class {name!r} or empty word")
        if word not in out.setdefault(name, []):
            out[name].append(word)
    return {k: tuple(v) for k, v in out.items()}


def word_class(name: str) -> tuple[str, ...]:
    """The words of a class of ``stance/data/word_classes.tsv``.

    Examples
    --------
    >>> "says" in word_class("saying")
    True
    """
    try:
        return _package_classes()[name]
    except KeyError:
        raise KeyError(f"no word class {name!r} in word_classes.tsv") from None


def _alternation(words: Iterable[str]) -> str:
    """A regular expression for any of ``words``: spaces match any whitespace, ``*`` ends a prefix
    (a trie, :func:`stance.alternation.alternation`)."""
    return alternation(words)


def word_pattern(name: str, classes: dict[str, tuple[str, ...]] | None = None) -> str:
    """The regular expression (a case-insensitive group, no word boundaries) for a word class.

    Examples
    --------
    >>> import re
    >>> bool(re.fullmatch(word_pattern("modal"), "Must"))
    True
    """
    classes = _package_classes() if classes is None else classes
    if name not in classes:
        raise KeyError(f"no word class {name!r}")
    return _alternation(classes[name])


_CLASS_REF = re.compile(r"\{([a-z_]+)\}")


def _expand(pattern: str, classes: dict[str, tuple[str, ...]], where: str) -> re.Pattern[str] | None:
    if not pattern:
        return None

    def sub(match: re.Match[str]) -> str:
        if match.group(1) not in classes:
            raise ValueError(f"{where}: unknown word class {{{match.group(1)}}}")
        return _alternation(classes[match.group(1)])

    try:
        return re.compile(_CLASS_REF.sub(sub, pattern))
    except re.error as exc:
        raise ValueError(f"{where}: bad pattern {pattern!r}: {exc}") from None


# ---------------------------------------------------------------------------------------------
# Rules
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoleRule:
    """One row of the role rules (see the module docstring for the columns)."""

    name: str
    role: str
    mentions: str  # "any", "target" or "other" (not the target)
    kinds: frozenset[str] | None
    vias: frozenset[str] | None
    possessive: bool | None
    left: re.Pattern[str] | None
    window: int
    right: re.Pattern[str] | None
    predicate: str
    when: str
    effects: frozenset[str]
    example: str = ""

    def active(self, for_training: bool, speaker: str) -> bool:
        """Whether the rule holds in this mode."""
        if self.when == "always":
            return True
        if for_training:
            return False
        return self.when == "predict" or bool(speaker)


class RoleRules:
    """The role rules and word classes in force (the package's, plus a user's).

    Examples
    --------
    >>> rules = RoleRules.default()
    >>> "victim" in {r.role for r in rules.rules}
    True
    """

    def __init__(self, rules: Sequence[RoleRule], classes: dict[str, tuple[str, ...]]) -> None:
        self.rules = tuple(rules)
        self.classes = classes
        self._patterns: dict[str, re.Pattern[str]] = {}
        self._for: dict[tuple[bool, str, str, bool, frozenset[str] | None], tuple[RoleRule, ...]] = {}

    def for_mention(self, m: Mention, target: str, effects: frozenset[str] | None = None
                    ) -> tuple[RoleRule, ...]:
        """The rules that may hold of ``m`` (by whether it is the target, its kind, how it is
        named and whether it is possessive), in file order (cached); with ``effects``, only the
        rules that have one of them."""
        key = (m.code == target, m.kind, m.via, m.possessive, effects)
        found = self._for.get(key)
        if found is None:
            found = tuple(r for r in self.rules if _applies(r, m, target)
                          and (effects is None or r.effects & effects))
            self._for[key] = found
        return found

    @classmethod
    @lru_cache(maxsize=1)
    def default(cls) -> RoleRules:
        """The package's rules and word classes (read once)."""
        return load_role_rules()

    def pattern(self, name: str, template: str) -> re.Pattern[str]:
        """A compiled pattern built from ``template`` with ``{class}`` references, cached under
        ``name`` (one name, one template)."""
        found = self._patterns.get(name)
        if found is None:
            found = _expand(template, self.classes, name)
            assert found is not None
            self._patterns[name] = found
        return found


def _parse_rule(row: dict[str, str], classes: dict[str, tuple[str, ...]]) -> RoleRule:
    where = row["_where"]

    def choice(field: str, allowed: Sequence[str]) -> str:
        value = row[field].strip()
        if value not in allowed:
            raise ValueError(f"{where}: {field} must be one of {list(allowed)}, got {value!r}")
        return value

    def members(field: str) -> frozenset[str] | None:
        value = row[field].strip()
        return None if value in ("", "any") else frozenset(v.strip() for v in value.split("|"))

    possessive = row["possessive"].strip()
    if possessive not in ("", "any", "yes", "no"):
        raise ValueError(f"{where}: possessive must be yes, no or any, got {possessive!r}")
    effects = frozenset(e.strip() for e in row["effect"].split("|") if e.strip())
    if not effects or not effects <= set(EFFECTS):
        raise ValueError(f"{where}: effect must be some of {list(EFFECTS)}, got {row['effect']!r}")
    predicate = row["predicate"].strip()
    if predicate and predicate not in PREDICATES:
        raise ValueError(f"{where}: unknown predicate {predicate!r}; known: {sorted(PREDICATES)}")
    window = row["window"].strip()
    if window and not window.isdigit():
        raise ValueError(f"{where}: window must be a number of characters, got {window!r}")
    return RoleRule(
        name=row["rule"].strip(),
        role=row["role"].strip(),
        mentions=choice("mentions", ("any", "target", "other")),
        kinds=members("kind"),
        vias=members("via"),
        possessive=None if possessive in ("", "any") else possessive == "yes",
        left=_expand(row["left"], classes, where),
        window=int(window or 60),
        right=_expand(row["right"], classes, where),
        predicate=predicate,
        when=choice("when", WHEN),
        effects=effects,
        example=row.get("example", "") or "",
    )


_RULE_COLUMNS = ("rule", "role", "mentions", "kind", "via", "possessive", "left", "window", "right",
                 "predicate", "when", "effect")


def load_role_rules(extra_rules: str | os.PathLike[str] | None = None,
                    extra_classes: str | os.PathLike[str] | None = None) -> RoleRules:
    """The package's role rules and word classes, with a user's added from TSV files.

    Parameters
    ----------
    extra_rules : path, optional
        A TSV file with the columns of ``stance/data/role_rules.tsv``; its rules are added.
    extra_classes : path, optional
        A TSV file with columns ``class`` and ``word``; its words are added to the classes
        (new classes may be defined). Errors name the file, the line and the problem.

    Examples
    --------
    >>> rules = load_role_rules()
    >>> any(r.name == "sports_result" for r in rules.rules)
    True
    """
    classes = dict(_package_classes())
    if extra_classes is not None:
        path = Path(extra_classes)
        classes = _classes_from(_read_rows(path.read_text(encoding="utf-8"), str(path),
                                           ("class", "word")), classes)
    rows = _read_rows(_package_text("role_rules.tsv"), "role_rules.tsv", _RULE_COLUMNS)
    if extra_rules is not None:
        path = Path(extra_rules)
        rows += _read_rows(path.read_text(encoding="utf-8"), str(path), _RULE_COLUMNS)
    return RoleRules([_parse_rule(r, classes) for r in rows], classes)


# ---------------------------------------------------------------------------------------------
# Predicates: what a row cannot say
# ---------------------------------------------------------------------------------------------


class RuleContext:
    """What predicates read: the sentence, its mentions, the target, the speaker, and a cache.

    One per sentence and target; pass it to :func:`mention_rules` to share the cache across calls.

    Examples
    --------
    >>> from stance.actors import find_actors
    >>> text = "Canada beat Russia 3-2 in the hockey final."
    >>> ctx = RuleContext(text, find_actors(text), "RUS")
    >>> [r.name for r in mention_rules(text, ctx.mentions, "RUS", only=[0], context=ctx)[0]]
    ['sports_result']
    """

    __slots__ = ("_clause_of", "_segments", "cache", "mentions", "rules", "speaker", "target", "text")

    def __init__(self, text: str, mentions: Sequence[Mention], target: str, speaker: str = "",
                 rules: RoleRules | None = None) -> None:
        self.text, self.mentions, self.target, self.speaker = text, mentions, target, speaker
        self.rules = RoleRules.default() if rules is None else rules
        self.cache: dict[str, Any] = {}
        self._segments: tuple[list[tuple[int, int, int]], str] | None = None
        self._clause_of: dict[int, int] = {}

    def clauses(self) -> tuple[list[tuple[int, int, int]], str]:
        """The clause segments and the sentence with its asides blanked (:func:`_clause_spans`)."""
        if self._segments is None:
            self._segments = _clause_spans(self)
        return self._segments

    def once(self, key: str, compute: Callable[[], Any]) -> Any:
        if key not in self.cache:
            self.cache[key] = compute()
        return self.cache[key]

    def pattern(self, name: str, template: str) -> re.Pattern[str]:
        return self.rules.pattern(name, template)


_WORD = re.compile(r"[\w']+|[^\w\s]")
_CHARTER = re.compile(r"\s+Charter\b")
_PLACE_AFTER = re.compile(r"\s*(?:[,.;:)]|$)")
_LIST_JOIN = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+|&\s*)(?:the\s+)?")
_RUN_JOIN = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+|&\s*|[-–‐‑/])(?:the\s+)?")
_AND_OR = re.compile(r"\b(?:and|or)\b|&")
_BY_BEFORE = re.compile(r"\bby\s+(?:the\s+)?$")
_ONLY_JOINS = re.compile(r"(?:\s|,|\band\b|\bor\b|&|'s|’s|the\b)*")
_OR_AND = re.compile(r"\s+(?:and|or)\s+(?:the\s+)?")
_ASIDE = re.compile(r"\s[–—-]\s[^–—]{1,200}?\s[–—-]\s|\([^()]{0,200}\)|\[[^\[\]]{0,200}\]")

#: Predicate name -> function(context, mention index) -> bool.
PREDICATES: dict[str, Callable[[RuleContext, int], bool]] = {}


_Predicate = Callable[[RuleContext, int], bool]


def _predicate(name: str) -> Callable[[_Predicate], _Predicate]:
    def register(func: _Predicate) -> _Predicate:
        PREDICATES[name] = func
        return func
    return register


@_predicate("claimed_part")
def _claimed_part(ctx: RuleContext, i: int) -> bool:
    """A territory claimed as part of the target ("Taiwan is an inalienable part of China", "the
    island, which is an inalienable part of China", "belongs to one China")."""
    pattern = ctx.pattern("claimed_part",
                          r"(?:\s*,\s*(?:which|that|who)\b)?"
                          r"\s*(?:(?:is|are|was|were|has|have|had|remains|remained|as)"
                          r"(?:\s+[\w-]+){0,4}?\s+{claim_noun}\s+of|"
                          r"(?:\w+\s+)?belongs?\s+to|(?:\w+\s+)?belonged\s+to)\s+"
                          r"(?:the\s+|(?:that\s+|this\s+)?one\s+and\s+the\s+same\s+|"
                          r"(?:that\s+|this\s+)?one\s+)?")
    starts = ctx.once("target_starts", lambda: {n.start for n in ctx.mentions if n.code == ctx.target})
    match = pattern.match(ctx.text, ctx.mentions[i].end)
    return match is not None and match.end() in starts


@_predicate("arena")
def _arena_pred(ctx: RuleContext, i: int) -> bool:
    """An organisation named as the place or membership at stake ("China's seat in the United
    Nations", "excluded from the United Nations", "the universality of the United Nations") or in
    "the United Nations Charter", not after "by" or "with", nor after "of" an organ or official,
    nor heading a noun of its own ("the UN resolution", "EU sanctions")."""
    m, text = ctx.mentions[i], ctx.text
    # a seat named like a city ("pressure from Brussels") is the organisation acting
    if not (" " in m.text or m.text.isupper()):
        return False
    if _CHARTER.match(text, m.end):
        return True
    # the second of two arenas: "joining the International Monetary Fund and World Bank"
    before_pair = [k for k, n in enumerate(ctx.mentions) if n.kind == "organisation" and n.end <= m.start
                   and _OR_AND.fullmatch(text, n.end, m.start)]
    after = ctx.pattern("arena_after", r"\s*(?:[.,;:)!?\"”]|$|(?i:and|or)\b(?!\s+[A-Z])|"
                                       r"{arena_end}\b)")
    if before_pair and after.match(text, m.end) and _arena_pred(ctx, before_pair[-1]):
        return True
    before = ctx.pattern("arena_before",
                         r"(?:\b{arena_preposition}|\b{exclusion}(?:\s+[\w-]+){0,3}?\s+(?i:from)|"
                         r"(?<![\w-])(?P<head>[\w-]+)\s+(?i:of))\s+(?i:the\s+)?$"
                         ).search(text, max(0, m.start - 40), m.start)
    if before is None:
        return False
    heads = ctx.once("organ_heads", lambda: {w.lower() for w in ctx.rules.classes["organ_head"]})
    head = before.group("head")
    if head is None:  # "in the United Nations": the end of the phrase must follow
        end = m.end
        # or another organisation and then the end: "joining the IMF and World Bank"
        pair = [n for n in ctx.mentions if n.kind == "organisation" and n.start >= m.end
                and _OR_AND.fullmatch(text, m.end, n.start)]
        if pair and not after.match(text, end):
            end = pair[0].end
        return bool(after.match(text, end))
    following = _WORD.match(text, len(text) - len(text[m.end:].lstrip()))
    return head.lower() not in heads and not (following and following.group().lower() in heads)


@_predicate("sports_result")
def _sports_result(ctx: RuleContext, i: int) -> bool:
    """The sentence is a sports result: a sport term, and a score, a prize won or a team beaten."""
    def compute() -> bool:
        sport = ctx.pattern("sport", r"\b{sport_event}\b")
        result = ctx.pattern("result", r"\b\d{1,2}\s*[-–]\s*\d{1,2}\b|"
                                       r"\b{sport_win}\s+(?:[\w'-]+\s+){0,6}?{sport_prize}\b|"
                                       r"\b{sport_beat}\s+(?:the\s+)?[A-Z]|"
                                       r"\b(?i:finish(?:ed|es)?\s+(?:clear\s+of|ahead\s+of|behind)|"
                                       r"tested\s+positive|play(?:ed|s)?\s+(?:against\s+)?(?=[A-Z])|"
                                       r"(?:friendl(?:y|ies)|match(?:es)?|games?)\s+against)")
        return bool(sport.search(ctx.text) and result.search(ctx.text))
    return ctx.once("sports_result", compute)


@_predicate("place_phrase")
def _place_phrase(ctx: RuleContext, i: int) -> bool:
    """A country named as the place of an event, after the places in it ("strikes in Kharkiv,
    Kherson and Kyiv, Ukraine", "the Kyiv and Odesa oblasts of Ukraine"); a capital in that list of
    places is a place too; a list of countries ("aid to Poland, Ukraine and Moldova") is not."""
    spans = ctx.once("place_spans", lambda: _place_spans(ctx))
    m = ctx.mentions[i]
    return any(a <= m.start and m.end <= b and code == m.code for a, b, code in spans)


def _place_spans(ctx: RuleContext) -> list[tuple[int, int, str]]:
    text, mentions = ctx.text, ctx.mentions
    before_pat = ctx.pattern("place_before",
                             r"\b{place_preposition}\s+(?:the\s+)?"
                             r"(?P<phrase>(?:[A-Z][\w'’.-]*,?\s+(?:and\s+)?){1,8}?"
                             r"(?:{place_unit}\s+of\s+(?:the\s+)?|(?<=,\s)))$")
    spans = []
    for m in mentions:
        if m.kind == "country" and m.via == "name" and not m.possessive and \
                _PLACE_AFTER.match(text, m.end):
            before = before_pat.search(text, max(0, m.start - 120), m.start)
            if before and not any(before.start("phrase") <= n.start < m.start and n.code != m.code
                                  for n in mentions):
                spans.append((before.start("phrase"), m.end, m.code))
    return spans


@_predicate("unacted_place")
def _unacted_place(ctx: RuleContext, i: int) -> bool:
    """A country named only as the place of an event in a sentence that names no other actor
    ("our thoughts are with those lost in the floods in Krasnodar, Russia"): nobody named acts
    there, so the place takes no position and nobody takes one toward it. When an actor is named,
    its act may be on the place ("Nicaragua opens a consulate in Shanghai, China"; "Ukraine says its
    drones hit a fuel depot in Tambov, Russia"), and the rule does not hold."""
    m = ctx.mentions[i]
    return all(n.code == m.code for n in ctx.mentions) and _place_phrase(ctx, i)


@_predicate("listed_with_target")
def _listed_with_target(ctx: RuleContext, i: int) -> bool:
    """A member of a list of three or more actors in an object's place that also names the target
    ("thanks to Spain, China and Chile", "measures imposed on Russia, Iran and Belarus"); not after
    between, of, with or from, where the members act together."""
    listed = ctx.once("listed", lambda: _listed(ctx))
    return id(ctx.mentions[i]) in listed


def _listed(ctx: RuleContext) -> set[int]:
    text = ctx.text
    obj = ctx.pattern("list_object", r"\b{list_object}\s*[,:(\-–—]?\s*(?i:the\s+)?$")
    listed: set[int] = set()
    for run in _join_runs(ctx, _LIST_JOIN, within_clauses=False):
        codes = {m.code for m in run}
        if len(codes) >= 3 and ctx.target in codes and \
                obj.search(text, max(0, run[0].start - 40), run[0].start):
            listed |= {id(m) for m in run}
    return listed


@_predicate("harmed_by_target")
def _harmed_by_target(ctx: RuleContext, i: int) -> bool:
    """The victim, in the clause before it, of a passive of harm whose agent is the target ("Four
    Vietnamese fishermen are hurt when flares are fired by the Chinese coast guard"); not a
    possessive ("Japan's protest was rejected by China"), nor an actor that tells of the harm
    ("Ukraine says its towns were shelled by Russia"), nor one that is itself an agent after "by"."""
    victims = ctx.once("victims", lambda: _victims(ctx))
    return id(ctx.mentions[i]) in victims


def _victims(ctx: RuleContext) -> set[int]:
    text, target = ctx.text, ctx.target
    victims: set[int] = set()
    if "by" not in text:
        return victims
    harm = ctx.pattern("harmed_by", r"\b(?:is|are|was|were|been|being)\s+(?:\w+ly\s+)?{harm_passive}\b"
                                    r"[^.;:!?]{0,90}?\bby\s+(?:the\s+)?$")
    says = ctx.pattern("says", r"\b(?:{saying}|that)\b")
    by_before = _BY_BEFORE
    for t in ctx.mentions:
        if t.code != target:
            continue
        found = harm.search(text, max(0, t.start - 200), t.start)
        if found is None:
            continue
        clause = max(text.rfind(c, 0, found.start()) for c in ".;:!?") + 1
        victims |= {id(m) for m in ctx.mentions
                    if m.code != target and not m.possessive and clause <= m.start and
                    m.end <= found.start() and not says.search(text, m.end, found.start()) and
                    not by_before.search(text, max(0, m.start - 12), m.start)}
    return victims


@_predicate("acted_on_by_target")
def _acted_on_by_target(ctx: RuleContext, i: int) -> bool:
    """An actor named after the target in a clause whose subject is the target: the target acts on
    it or speaks of it ("China suspends flights from Italy and Spain", "Russia's defence ministry
    reports that it stopped a Ukrainian raid", "Putin approves a decree against the United States"). Its
    position is not stated there (rules 1 and 6). What the target says is its own claim, whoever
    it names. Otherwise not when the target's verb is passive ("Russia was condemned by Japan"),
    not an agent after "by", not an actor coordinated with the target ("China and India agree"),
    not after a verb of meeting or agreeing ("Xi meets Modi"), not the agent of an act of its own
    named by a noun ("ending weeks of Ukrainian occupation"), and not one that tells of it
    ("Russia struck Kyiv, Ukraine said")."""
    m = ctx.mentions[i]
    if m.code == ctx.target:
        return False
    k = _clause(ctx, m.start)
    subject = _clause_subject(ctx, k)
    if subject is None or subject.code != ctx.target or m.start < subject.end:
        speech = ctx.once("target_speech", lambda: _target_speech(ctx))
        return speech is not None and m.start > speech and not _tells(ctx, m, ctx.text[speech:m.start])
    between = ctx.text[subject.end:m.start]
    # coordinated with the target: only other actors, commas and "and" between them
    rest = between
    for n in ctx.mentions:
        if subject.end <= n.start and n.end <= m.start:
            rest = rest.replace(ctx.text[n.start:n.end], " ")
    if _ONLY_JOINS.fullmatch(rest):
        return False
    if ctx.pattern("reciprocal_next", r"(?:\b{reciprocal}\s+(?:\S+\s+){0,3}|"
                   r"\b(?i:with|between)\s+(?:the\s+)?(?:[A-Z][\w.'’-]*\s+)?)$").search(between):
        return False  # "Xi calls Ukrainian President Zelenskyy", "Russia signs a deal with Egypt"
    if ctx.pattern("saying_between", r"\b{saying}\b").search(between):
        return True
    if ctx.pattern("passive_by", r"\b(?i:is|are|was|were|been|being)\s+(?:\w+ly\s+)?\w+(?:ed|en)\b"
                   ).search(between) or _BY_BEFORE.search(between):
        return False
    if ctx.pattern("reciprocal", r"\b{reciprocal}\b").search(between) or ctx.pattern(
            "partner", r"\b(?i:with|between)\s+(?:the\s+)?$").search(between):
        return False
    if (m.possessive or m.via == "demonym") and ctx.pattern(
            "own_act", r"(?:'s|’s)?\s+(?:[\w-]+\s+){0,1}?(?:" + _cue_alternation() + r")"
            ).match(ctx.text, m.end):
        return False
    return not _tells(ctx, m, between)


def _tells(ctx: RuleContext, m: Mention, before: str) -> bool:
    """Whether ``m`` tells of what the sentence says ("Russia struck Kyiv, Ukraine said",
    "according to Ukraine")."""
    return _says_after(ctx, m) or bool(
        ctx.pattern("according", r"\b(?i:according\s+to)\s+(?:the\s+)?$").search(before))


def _says_after(ctx: RuleContext, m: Mention) -> bool:
    """Whether a verb of saying follows ``m`` ("Ukraine said", "Ukraine's foreign ministry says")."""
    return bool(ctx.pattern("says_after", r"(?:'s|’s)?\s*(?:\w+\s+){0,2}?{saying}\b")
                .match(ctx.text, m.end))


def _target_speech(ctx: RuleContext) -> int | None:
    """Where the target's own speech begins: after the verb of saying of a clause whose subject is
    the target ("Russia's human rights commissioner states that ... civilians relocated by
    Ukraine"); everything after it to the end of the sentence is the target's claim."""
    segments, _ = ctx.clauses()
    for k in sorted({j for _, _, j in segments if j > 0}):
        subject = _clause_subject(ctx, k)
        if subject is None or subject.code != ctx.target:
            continue
        end = max(b for a, b, j in segments if j == k)
        said = ctx.pattern("saying_word", r"\b{saying}\b").search(ctx.text, subject.end, end)
        if said is not None:
            return said.end()
    return None


@lru_cache(maxsize=4)
def _cue_alternation(categories: tuple[str, ...] = ("conflict", "cooperation")) -> str:
    """The cues of ``stance/data/cues.tsv`` in ``categories`` (by default the conflict and
    cooperation cues) as one alternation (a noun of an act after a demonym or possessive makes the
    actor its agent)."""
    rows = csv.DictReader(io.StringIO(_package_text("cues.tsv")), delimiter="\t")
    words = [r["cue"] for r in rows if r["category"] in categories]
    return _alternation(words)


def _clause_spans(ctx: RuleContext) -> tuple[list[tuple[int, int, int]], str]:
    """Clause segments of the sentence, as ``(start, end, clause)`` triples, and the sentence
    with its asides blanked out.

    Clauses end at punctuation that ends a clause and at the words of the ``clause_boundary``
    class ("after", "amid", "which", "in response to"...). An aside between paired dashes or in
    brackets is a clause of its own, and the clause around it goes on after it ("The Kremlin backs a
    bill -- passed by the Duma last week -- with duties on goods from the United States").
    """
    text = ctx.text
    masked = list(text)
    segments: list[tuple[int, int, int]] = []
    clause = 0
    for aside in _ASIDE.finditer(text):
        clause += 1
        segments.append((aside.start(), aside.end(), -clause))
        masked[aside.start():aside.end()] = " " * (aside.end() - aside.start())
    blank = "".join(masked)
    cut = ctx.pattern("clause_cut", r"[;:]|\s[–—-]\s|\.\s|\b{clause_boundary}\b|"
                                    r",\s+(?i:and|but)\s+(?=(?:the\s+)?[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*)*"
                                    r"\s+(?!(?:from|of|in|on|to|at|for|with|by|and|or|the|as)\b)[a-z])")
    start = 0
    for match in cut.finditer(blank):
        clause += 1
        segments.append((start, match.start(), clause))
        start = match.end()
    segments.append((start, len(text), clause + 1))
    return segments, blank


def _clause(ctx: RuleContext, pos: int) -> int:
    """The clause that holds the character at ``pos`` (asides first)."""
    known = ctx._clause_of.get(pos)
    if known is not None:
        return known
    segments, _ = ctx.clauses()
    found = segments[-1][2]
    for a, b, k in segments:
        if k < 0 and a <= pos < b:
            found = k
            break
    else:
        for a, b, k in segments:
            if k > 0 and a <= pos < b:
                found = k
                break
    ctx._clause_of[pos] = found
    return found


def _clause_mentions(ctx: RuleContext, k: int) -> list[Mention]:
    by_clause = ctx.once("clause_mentions", lambda: [_clause(ctx, n.start) for n in ctx.mentions])
    return [n for n, j in zip(ctx.mentions, by_clause) if j == k]


def _clause_subject(ctx: RuleContext, k: int) -> Mention | None:
    """The actor that opens clause ``k`` as its subject: the first actor mention in it, when only
    determiners, titles and modifiers come before it (no preposition), or None (computed once per
    clause)."""
    return ctx.once(f"subject{k}", lambda: _find_clause_subject(ctx, k))


def _find_clause_subject(ctx: RuleContext, k: int) -> Mention | None:
    segments, blank = ctx.clauses()
    inside = _clause_mentions(ctx, k)
    if not inside or k < 0:
        return None
    first = min(inside, key=lambda n: n.start)
    a = min(a for a, b, j in segments if j == k)
    lead = blank[a:first.start]
    if _subject_phrase(ctx, lead):
        return first  # "The president of Estonia said", "Leaders from Germany ... met"
    if ctx.pattern("lead_preposition", r"\b(?i:in|at|on|from|to|with|by|for|against|over|near|into|"
                   r"between|among|and|or|than|like|including|of|after|during)\s+(?:[\w.-]+\s+){0,3}$"
                   ).search(lead):
        return None
    if len(_WORD.findall(lead)) > 6:
        return None
    return first


def _subject_phrase(ctx: RuleContext, lead: str) -> bool:
    """Whether ``lead`` (what comes before an actor in its clause, after its last comma) opens a
    subject that the actor completes: "The president of", "Leaders from", "In July 2015, the
    Presidents of"."""
    return bool(ctx.pattern("subject_lead", r"^\W*(?:(?i:the|a|an)\s+)?(?:[\w.-]+\s+){0,3}?"
                                            r"(?:{title_noun})\s+(?i:of|from)\s+(?:the\s+)?$"
                            ).match(lead.rsplit(",", 1)[-1]))


def _runs(ctx: RuleContext) -> list[list[Mention]]:
    """Coordinated actors: mentions joined only by commas, "and", "or", "&", a hyphen or a slash,
    within one clause ("China and Russia", "France, Germany and the United Kingdom", "the
    EU-Russia summit")."""
    return _join_runs(ctx, _RUN_JOIN, within_clauses=True)


def _join_runs(ctx: RuleContext, join: re.Pattern[str], within_clauses: bool) -> list[list[Mention]]:
    """The sentence's mentions in runs of distinct actors joined by ``join``; with
    ``within_clauses``, adjacent mentions join too and a run stays in one clause."""
    runs: list[list[Mention]] = []
    closed = False  # a list ends at its "and": "advances in China and North Korea, Japan passed"
    for m in sorted(ctx.mentions, key=lambda m: m.start):
        gap = ctx.text[runs[-1][-1].end:m.start] if runs else None
        if gap is not None and not closed and \
                (join.fullmatch(gap) or (within_clauses and gap.strip() == "")) and \
                m.code not in {n.code for n in runs[-1]} and \
                (not within_clauses or _clause(ctx, m.start) == _clause(ctx, runs[-1][-1].start)):
            runs[-1].append(m)
            closed = bool(_AND_OR.search(gap))
        else:
            runs.append([m])
            closed = False
    return runs


def _coordination(ctx: RuleContext, i: int) -> str:
    """How mention ``i`` is coordinated with the target: "" (it is not), "joint" (they act on or
    with each other), or "apart" (they undergo the same event, are acted on together, or act
    together on a third party).

    Coordinated actors act on or with each other when they are the subject of their clause and a
    word of the ``joint`` class or a conflict or cooperation cue comes within a few words after
    them, before any third party ("China and ASEAN sign a trade agreement", "the foreign
    ministers of China, Brazil and Russia meet", "Russia and Ukraine exchange prisoners"), when two
    of them follow "between" ("talks between China and Russia"), or in a headline pair ("the
    EU-Russia summit")."""
    m = ctx.mentions[i]
    run = next((r for r in ctx.once("runs", lambda: _runs(ctx)) if any(n is m for n in r)), None)
    if run is None or m.code == ctx.target or ctx.target not in {n.code for n in run}:
        return ""
    codes = {n.code for n in run}
    k = _clause(ctx, run[0].start)
    segments, blank = ctx.clauses()
    end = max(b for a, b, j in segments if j == k)
    start = min(a for a, b, j in segments if j == k)
    joint = ctx.pattern("joint_words", r"\b{joint}\b")
    if ctx.pattern("partner_before", r"\b(?i:with|alongside)\s+(?:the\s+)?$").search(
            blank, max(start, run[0].start - 20), run[0].start):
        return ""  # partners of the subject's joint act: "Russia held drills with China and Iran"
    if any(n.start < run[0].start for n in _clause_mentions(ctx, k)):
        return "apart"  # what another actor acts on: "a third country offers to mediate between ..."
    if ctx.pattern("between_before", r"\b(?i:between)\s+(?:the\s+)?$").search(
            blank, max(start, run[0].start - 20), run[0].start):
        return "joint" if len(codes) == 2 else "apart"
    if len(run) > 1 and blank[run[0].end:run[1].start].strip() in ("-", "–", "‐", "‑", "/") and \
            joint.search(blank, run[-1].end, min(end, run[-1].end + 40)):
        return "joint"  # "the EU-Russia summit"
    lead = blank[start:run[0].start].rsplit(",", 1)[-1]  # "In July 2015, the Presidents of"
    is_subject = (not any(n.start < run[0].start for n in _clause_mentions(ctx, k)) and
                  (_subject_phrase(ctx, lead) or not ctx.pattern(
                      "lead_preposition2", r"\b(?i:in|at|on|from|to|with|by|for|against|over|near|"
                      r"into|among|and|or|than|like|including|of|after|during|thank|thanks|grateful|"
                      r"appreciate)\b").search(lead)) and len(_WORD.findall(lead)) <= 6)
    if not is_subject:
        return "apart"  # objects of another actor's act, or a list in a speech
    place = ctx.pattern("place_prep_before", r"\b(?i:in|at|near)\s+(?:the\s+)?(?:[\w,-]+\s+){0,2}$")
    third = [n.start for n in _clause_mentions(ctx, k) if n.start >= run[-1].end and
             n.code not in codes and not place.search(blank, max(0, n.start - 40), n.start)]
    near = min([end, run[-1].end + 60, *third])
    return "joint" if joint.search(blank, run[-1].end, near) else "apart"


@_predicate("joint_with_target")
def _joint_with_target(ctx: RuleContext, i: int) -> bool:
    """An actor coordinated with the target that acts on or with it ("China and ASEAN sign a
    trade agreement", "the defence ministers of China, Brazil and Russia meet", "the EU-Russia
    summit"): each takes a position toward the other, a meeting's neutral one at least."""
    return ctx.once(f"coordination{i}", lambda: _coordination(ctx, i)) == "joint"


@_predicate("coordinated_with_target")
def _coordinated_with_target(ctx: RuleContext, i: int) -> bool:
    """An actor coordinated with the target ("Taiwan and China prepare for floods", "Brazil,
    Russia, China and Mexico vote to send observers to Venezuela", "the United States
    sanctions China and Russia"): acting together on a third party, undergoing the same event, or
    being acted on together is no position toward each other. Not when they act on each other:
    a word of the ``joint`` class or a conflict or cooperation cue after them in their clause
    ("China and Russia hold joint drills", "Russia and Ukraine exchange prisoners"), or "between"
    before them ("talks between China and Russia"); see :func:`_coordination`."""
    return ctx.once(f"coordination{i}", lambda: _coordination(ctx, i)) == "apart"


@_predicate("object_with_target")
def _object_with_target(ctx: RuleContext, i: int) -> bool:
    """An actor named, like the target, after a third actor that opens their clause: both are what
    that actor acts on or speaks of ("Palau shifts its recognition from Taipei to
    Beijing", "Japan urges China to rein in North Korea"), so neither takes a
    position toward the other there. Not an agent after "by", nor one that tells of it."""
    m = ctx.mentions[i]
    if m.code == ctx.target:
        return False
    k = _clause(ctx, m.start)
    subject = _clause_subject(ctx, k)
    if subject is None or subject.code in (m.code, ctx.target) or m.start <= subject.start:
        return False
    if not any(t.code == ctx.target and t.start > subject.end for t in _clause_mentions(ctx, k)):
        return False
    if _BY_BEFORE.search(ctx.text, max(0, m.start - 12), m.start):
        return False
    run = next((r for r in ctx.once("runs", lambda: _runs(ctx)) if any(n is m for n in r)), [])
    if any(n is subject for n in run):
        return False  # coordinated with the subject: "Japan and Britain condemned Russia"
    # still the subject's noun phrase: "Greek-born Canadian politician Anna Petrou backed"
    if ctx.pattern("same_phrase", r"(?:[\s,'’-]|(?i:born|based|backed|the|a|an|of|and)\b|"
                   r"[A-Z][\w.'’-]*|{title_word}\b|{title_noun}\b)*$").match(ctx.text, subject.end, m.start):
        return False
    first = run[0] if run else m
    # a partner of the subject's joint act: "Russia held drills with China, Iran and Belarus"
    if ctx.pattern("partner_or_between_before", r"\b(?i:with|alongside|between)\s+(?:the\s+)?$").search(
            ctx.text, max(0, first.start - 20), first.start):
        return False
    # the agent of an act of its own: "the UN resolution condemning Russia", "the EU and US
    # sanctions on Moscow", "pressure from Brussels"
    if ctx.pattern("agent_head", r"(?:'s|’s)?(?:\s+(?i:and|or)\s+[A-Z][\w.'’-]*)*\s+(?:[\w-]+\s+)?"
                   r"(?:{organ_head}|" + _cue_alternation() + r")\b").match(ctx.text, m.end):
        return False
    if ctx.pattern("agent_from", r"\b{agent_noun}\s+(?i:from|by)\s+(?:the\s+)?$").search(
            ctx.text, max(0, m.start - 40), m.start):
        return False
    return not _says_after(ctx, m)


@_predicate("reports_figures")
def _reports_figures(ctx: RuleContext, i: int) -> bool:
    """The subject of a clause whose verb estimates or publishes figures ("the U.S. Commerce
    Department projected Soviet steel output at 150 mln tonnes"): a report of fact."""
    m = ctx.mentions[i]
    k = _clause(ctx, m.start)
    if _clause_subject(ctx, k) is not m:
        return False
    return bool(ctx.pattern("reporting_verb", r"(?:'s|’s)?(?:\s+[\w.-]+){0,4}?\s+{reporting_verb}\b")
                .match(ctx.text, m.end))


@_predicate("tells_figures")
def _tells_figures(ctx: RuleContext, i: int) -> bool:
    """The source of a report of figures ("Chinese tea sales rose 12% last year, the US Commerce
    Department said"; "wheat went to Soviet ports, according to the U.S. Commerce Department"):
    a sentence with a figure and no conflict or cooperation cue, whose actor tells of it, reports
    a fact and takes no position."""
    m = ctx.mentions[i]
    if not _tells(ctx, m, ctx.text[max(0, m.start - 40):m.start]) and not ctx.pattern(
            "according_wide", r"\b(?i:according\s+to)\s+(?:the\s+)?(?:[\w.'’-]+\s+){0,3}$"
            ).search(ctx.text, max(0, m.start - 60), m.start):
        return False
    figures = ctx.once("figures", lambda: bool(re.search(r"\d", ctx.text)) and not ctx.pattern(
        "cue_word", r"\b(?:" + _cue_alternation() + r")").search(ctx.text))
    return bool(figures)


@_predicate("market_report")
def _market_report(ctx: RuleContext, i: int) -> bool:
    """The sentence is a market or crop report: a quantity of a commodity ("bought 95,000 tonnes of
    soybeans", "shipments of 1.5 mln tonnes of corn") and no conflict cue nor a word of a deal
    made, a loan, aid or arms (the ``deal_word`` class). Who buys or ships in the market takes no
    position by it (the real-text conventions: market figures and crop reports give no pair)."""
    def compute() -> bool:
        quantity = ctx.pattern("market_quantity", r"\d[\d,.]*\s*(?:{quantity_scale}\s+)?"
                                                  r"(?:{unit_modifier}\s+)?{market_unit}\b")
        if not quantity.search(ctx.text):
            return False
        return not (ctx.pattern("deal_words", r"\b{deal_word}\b").search(ctx.text) or
                    ctx.pattern("conflict_word", r"\b" + _cue_alternation(("conflict",))
                                ).search(ctx.text))
    return bool(ctx.once("market_report", compute))


@_predicate("receives_from_target")
def _receives_from_target(ctx: RuleContext, i: int) -> bool:
    """An actor that receives a protest, a warning or a gift from the target ("India says it has
    received a formal protest from China", "after receiving vaccines donated by China"): the act is
    the target's. What the actor bought ("Turkey receives the S-400 systems it bought from
    Russia") is its own act, so the received thing must be of the ``received_thing`` class."""
    m = ctx.mentions[i]
    if m.code == ctx.target:
        return False
    pattern = ctx.pattern("receives", r"^[^.;]{0,200}?\b{receiving}\b[^.;]{0,80}?\b{received_thing}\b"
                                      r"[^.;]{0,80}?\b(?i:from|by)\s+(?:the\s+)?(?:[\w-]+\s+){0,2}$")
    targets = [t for t in ctx.mentions if t.code == ctx.target and t.start > m.end]
    return any(pattern.match(ctx.text[m.end:t.start]) for t in targets)


@_predicate("report_author")
def _report_author(ctx: RuleContext, i: int) -> bool:
    """The author of a report of fact ("a report by the Swedish defence research agency says",
    "a study by the Dutch statistics office shows")."""
    m = ctx.mentions[i]
    return bool(ctx.pattern("report_by", r"\b{report_noun}\s+(?i:by|from)\s+(?i:the\s+)?"
                                         r"(?:[\w.-]+\s+){0,2}$"
                            ).search(ctx.text, max(0, m.start - 60), m.start))


# ---------------------------------------------------------------------------------------------
# Labelling
# ---------------------------------------------------------------------------------------------


def _applies(rule: RoleRule, m: Mention, target: str) -> bool:
    if rule.mentions == "target" and m.code != target:
        return False
    if rule.mentions == "other" and m.code == target:
        return False
    if rule.kinds is not None and m.kind not in rule.kinds:
        return False
    if rule.vias is not None and m.via not in rule.vias:
        return False
    return rule.possessive is None or m.possessive == rule.possessive


def mention_rules(text: str, mentions: Sequence[Mention], target: str, speaker: str = "",
                  rules: RoleRules | None = None,
                  enough: Callable[[Mention, RoleRule], bool] | None = None,
                  only: Collection[int] | None = None,
                  effects: frozenset[str] | None = None,
                  context: RuleContext | None = None) -> list[tuple[RoleRule, ...]]:
    """The rules that hold of each mention of ``text`` relative to ``target`` (in every mode).

    ``enough``, when given, stops looking at a mention's rules once it returns True for one that
    holds (what holder attribution needs to know is whether a mention is ruled out at all).
    ``only`` limits the work to the mentions at those indices (the others get no rules) and
    ``effects`` to the rules with one of those effects; ``context`` (:class:`RuleContext`) lets
    several calls on one sentence and target share what predicates computed.
    """
    ctx = context if context is not None else RuleContext(text, mentions, target, speaker, rules)
    rules = ctx.rules
    out: list[tuple[RoleRule, ...]] = []
    for i, m in enumerate(mentions):
        held: list[RoleRule] = []
        out.append(())
        if only is not None and i not in only:
            continue
        for rule in rules.for_mention(m, target, effects):
            if rule.left is not None and not rule.left.search(text, max(0, m.start - rule.window),
                                                                m.start):
                continue
            if rule.right is not None and not rule.right.match(text, m.end):
                continue
            if rule.predicate and not PREDICATES[rule.predicate](ctx, i):
                continue
            held.append(rule)
            if enough is not None and enough(m, rule):
                break
        out[i] = tuple(held)
    # mentions of one actor in one noun phrase ("Russian President Vladimir Putin") are one mention
    same = rules.pattern("same_phrase_title", r"(?:\s|{title_word}\b|{title_noun}\b)*")
    for a in range(len(mentions) - 1):
        b = a + 1
        if only is not None and (a not in only or b not in only):
            continue
        if mentions[a].code == mentions[b].code and same.fullmatch(text, mentions[a].end, mentions[b].start):
            merged = tuple(dict.fromkeys(out[a] + out[b]))
            out[a] = out[b] = merged
    return out


def mention_roles(text: str, mentions: Sequence[Mention], target: str, speaker: str = "",
                  rules: RoleRules | None = None) -> list[frozenset[str]]:
    """The roles of each mention of ``text`` relative to ``target`` (every rule, whatever its mode).

    Examples
    --------
    >>> from stance.actors import find_actors
    >>> text = "Two Georgian villages are hit by Russian artillery."
    >>> [sorted(r) for r in mention_roles(text, find_actors(text), "RUS")]
    [['location', 'victim'], []]
    """
    return [frozenset(r.role for r in held)
            for held in mention_rules(text, mentions, target, speaker, rules)]
