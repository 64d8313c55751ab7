"""References back to actors named earlier in a document: "the two countries" (annotation rule 7)
and people called by their family name once named in full ("Mr Straw", "Kim said").

News names a pair of countries once and then calls them "the two countries", "both sides" or "the
two leaders": "Chinese Vice-President Xi Jinping met Australian Prime Minister Kevin Rudd in
Canberra. The two countries signed agreements worth A$10 billion." The guidelines count such a
reference as the countries it refers to. :func:`resolve_pair_reference` finds the pair in the
sentences just before and rewrites the sentence with their names, so that the holder model and the
classifier read "Australia and China signed agreements worth A$10 billion". The rewritten text is
only what the models read; :func:`stance.analyze` still reports the sentence and offsets as written.

News also names a leader in full once and then by family name alone: "Foreign Secretary Jack Straw
flew to Tokyo on Sunday. ... Mr Straw told reporters ...". A family name alone is often
no evidence of a country ("Kim", "Lee", "Price"), so the gazetteer matches only distinctive ones;
:class:`NamedPeople` remembers the people a document has named in full and finds their family names
in its later sentences, as mentions of the same person, office and country.

Only a pair that includes a target is resolved: the sentence is then about the target's relation
with the other country. A pair of third countries is left alone, because the classifier tends to
read their concern about a target's conduct toward another target ("the two countries are
strengthening ties amid concern about China's plans against Taiwan") as opposition to the victim.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from .actors import Mention, _possessive
from .matching import APOSTROPHES

if TYPE_CHECKING:
    from .actors import Gazetteer

__all__ = ["BACK_REFERENCE", "NamedPeople", "antecedent_pair", "resolve_pair_reference"]

#: A reference to two countries named before: "the two countries", "both sides", "the two
#: leaders' talks". Not "our two countries" (the speaker and its partner, rule 9).
BACK_REFERENCE = re.compile(
    r"\b(?:(?<![Oo]ur )[Tt]he two|[Bb]oth)\s+(?:countries|nations|governments|states|sides|"
    r"leaders|presidents|allies|neighbou?rs|capitals|powers)\b('s|’s|'|’)?")

#: What joins the two countries of a pair named with others: "Britain and Japan", "China & Laos".
_JOIN = re.compile(r"(?:'s|’s|'|’)?\s*(?:and|&)\s+(?:the\s+)?")

#: How many sentences back a pair is looked for.
LOOKBACK = 2


def antecedent_pair(text: str, mentions: Sequence[Mention]) -> tuple[str, str] | None:
    """The two countries a later "the two countries" can refer to, named in ``text``.

    A sentence that names exactly two actors gives them; one that names more gives the first two
    joined by "and" ("Britain and Japan signed a deal in London with NATO's blessing"), else None.

    Examples
    --------
    >>> from stance.actors import find_actors
    >>> text = "Chinese President Hu Jintao met Kevin Rudd in Canberra."
    >>> antecedent_pair(text, find_actors(text, as_of="2010-06-21"))
    ('CHN', 'AUS')
    >>> text = "Russia, China and Iran held naval drills."
    >>> antecedent_pair(text, find_actors(text)) is None
    True
    """
    codes = list(dict.fromkeys(m.code for m in mentions))
    if len(codes) == 2:
        return codes[0], codes[1]
    if len(codes) < 2:
        return None
    ordered = sorted(mentions, key=lambda m: m.start)
    for a, b in zip(ordered, ordered[1:]):
        if a.code != b.code and _JOIN.fullmatch(text[a.end:b.start]):
            # "Russia, China and Iran": "China and Iran" is the tail of a longer list
            return None if text[:a.start].rstrip().endswith(",") else (a.code, b.code)
    return None


def resolve_pair_reference(text: str, mentions: Sequence[Mention],
                           previous: Sequence[tuple[str, Sequence[Mention]]],
                           targets: Collection[str], name: Callable[[str], str]) -> str | None:
    """``text`` with "the two countries" replaced by the names of the pair it refers to, or None.

    Parameters
    ----------
    text : str
        One sentence.
    mentions : sequence of Mention
        The actors named in ``text``.
    previous : sequence of (str, sequence of Mention)
        The sentences before it in the same document, oldest first, with their actors; the last
        :data:`LOOKBACK` are searched, nearest first, for a pair (:func:`antecedent_pair`).
    targets : collection of str
        Target codes: only a pair with a target is resolved (see the module's docstring).
    name : callable
        Display name of a code (:meth:`stance.Gazetteer.name`).

    Returns
    -------
    str or None
        The rewritten sentence, the other country first ("Australia and China signed ..."); None
        when the sentence has no such reference, already names two actors before it, or no pair
        with a target comes just before.

    Examples
    --------
    >>> from stance.actors import find_actors
    >>> first = "Chinese President Hu Jintao received Kevin Rudd in Beijing."
    >>> second = "The two countries signed a trade deal."
    >>> resolve_pair_reference(second, find_actors(second),
    ...                        [(first, find_actors(first, as_of="2010-06-21"))],
    ...                        {"CHN", "RUS", "TWN"}, {"CHN": "China", "AUS": "Australia"}.get)
    'Australia and China signed a trade deal.'
    """
    match = BACK_REFERENCE.search(text)
    if match is None:
        return None
    if len({m.code for m in mentions if m.end <= match.start()}) >= 2:
        return None
    for prev_text, prev_mentions in list(previous)[::-1][:LOOKBACK]:
        pair = antecedent_pair(prev_text, prev_mentions)
        if pair is None:
            continue
        in_targets = [c in targets for c in pair]
        if not any(in_targets):
            return None
        if in_targets[0] and not in_targets[1]:
            pair = (pair[1], pair[0])
        named = {m.code for m in mentions}
        if set(pair) <= named:
            return None
        words = f"{name(pair[0])} and {name(pair[1])}"
        if match.group(1):
            words += "'s"
        return text[:match.start()] + words + text[match.end():]
    return None


#: A word just before a family name that still leaves it a reference to the person: an honorific
#: ("Mr Straw", "Ms. Ardern").
_HONORIFIC = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Mme|Sir|Dame|Mister|Madame)\.?\s+$")
#: A capitalised word ending just before a name: another person's given name ("Boris Johnson").
_NAME_BEFORE = re.compile(r"\b[A-Z][\w'’.-]*\s+$")
#: A capitalised word or a hyphen just after a name: a longer name ("Kim Dae-jung", "Lee-Smith").
_NAME_AFTER = re.compile(r"(?:\s+[A-Z]|[-‐‑][A-Za-z])")


class NamedPeople:
    """The people a document has named in full so far, to find them again by family name.

    Call :meth:`find` on each sentence (before :meth:`remember`), then :meth:`remember` with the
    sentence's mentions.

    Parameters
    ----------
    gazetteer : Gazetteer
        Gives each person's family names (:meth:`stance.Gazetteer.family_names`).

    Examples
    --------
    >>> from stance.actors import Gazetteer
    >>> gaz = Gazetteer.default()
    >>> people = NamedPeople(gaz)
    >>> people.remember(gaz.find("Premier Wen Jiabao met reporters.", "2006-03-14"))
    >>> [(m.code, m.text, m.person) for m in people.find("Wen praised the harvest.", [])]
    [('CHN', 'Wen', 'Wen Jiabao')]
    """

    def __init__(self, gazetteer: Gazetteer) -> None:
        self._gazetteer = gazetteer
        self._people: dict[str, Mention] = {}
        self._pattern: re.Pattern[str] | None = None

    def remember(self, mentions: Iterable[Mention]) -> None:
        """Remember the people of ``mentions`` named by more than one word ("Jack Straw", "Premier
        Wen"); a later one of the same family name replaces an earlier one."""
        for m in mentions:
            if m.via == "leader" and m.person and len(m.text.split()) > 1:
                for family in self._gazetteer.family_names(m.person):
                    if self._people.get(family) is not m:
                        self._people[family] = m
                        self._pattern = None

    def find(self, text: str, mentions: Sequence[Mention]) -> list[Mention]:
        """Mentions of the remembered people by family name alone in ``text``, outside
        ``mentions``: not after another capitalised word (unless an honorific: "Mr Straw") nor
        before one ("Kim Dae-jung"), and with the case as written ("Straw", not "straw")."""
        if not self._people:
            return []
        if self._pattern is None:
            names = sorted(self._people, key=len, reverse=True)
            self._pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, names)) + r")\b")
        found = []
        for match in self._pattern.finditer(text):
            start, end = match.span()
            if any(m.start < end and start < m.end for m in mentions):
                continue
            before = _NAME_BEFORE.search(text, max(0, start - 30), start)
            if before and not _HONORIFIC.search(text, max(0, start - 12), start) \
                    and text[:before.start()].strip():
                continue  # another name's last word, unless the sentence opens with the word before
            if _NAME_AFTER.match(text, end):
                continue
            possessive = end < len(text) and text[end] in APOSTROPHES and _possessive(text, end)
            found.append(replace(self._people[match.group()], text=match.group(), start=start,
                                 end=end, possessive=possessive))
        return found
