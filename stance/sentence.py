"""One analysed sentence, built once and read by holder attribution and every feature.

:func:`stance.analyze` makes an :class:`AnalysedSentence` for each sentence that names a target: the
text the models read, its offsets in the document, the document's date, the speaker, the actor
mentions found once with the caller's gazetteer and that date, and (computed on first use, then
kept) each mention's roles relative to each target (:mod:`stance.roles`). Like spaCy's ``Doc``, it
is the one object that the components annotate and read: nothing downstream finds mentions again.

Examples
--------
>>> s = AnalysedSentence.build("China suspends flights from Italy and Spain.")
>>> [m.code for m in s.mentions]
['CHN', 'ITA', 'ESP']
>>> [sorted(r) for r in s.roles("CHN")]
[[], ['patient'], ['patient']]
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .actors import Gazetteer, Mention
from .roles import RoleRule, RoleRules, mention_rules

__all__ = ["AnalysedSentence"]


@dataclass(eq=False)
class AnalysedSentence:
    """A sentence with its mentions and, per target, the role rules that hold of each mention.

    Attributes
    ----------
    text : str
        What the models read: the sentence, or the sentence with "the two countries" replaced by
        the pair named just before (:mod:`stance.references`).
    mentions : tuple of Mention
        The actors named in ``text``, found once with the document's date and the caller's
        gazetteer.
    as_of : datetime.date or None
        The document's date (leaders are read as in office on it).
    speaker : str
        The code of the government the speaker stood for on that date ("" when unknown).
    start, end : int
        Offsets of the sentence in its document.
    rules : RoleRules or None
        The role rules in force (None: the package's).

    Examples
    --------
    >>> s = AnalysedSentence.build("Canada beat Russia in the ice hockey final.")
    >>> s.codes(), [sorted(r) for r in s.roles("RUS")]
    (['CAN', 'RUS'], [['competitor'], ['competitor']])
    """

    text: str
    mentions: tuple[Mention, ...]
    as_of: _dt.date | None = None
    speaker: str = ""
    start: int = 0
    end: int = 0
    rules: RoleRules | None = None
    _held: dict[str, list[tuple[RoleRule, ...]]] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, text: str, as_of: Any = None, speaker: str = "", gazetteer: Gazetteer | None = None,
              rules: RoleRules | None = None, start: int = 0, end: int | None = None
              ) -> AnalysedSentence:
        """Find the mentions of ``text`` once and wrap them.

        Examples
        --------
        >>> AnalysedSentence.build("Borrell criticised Russia.", as_of="2021-05-01").mentions[0].code
        'EU'
        """
        from .actors import _as_date

        day = None if as_of is None else _as_date(as_of)
        found = (gazetteer or Gazetteer.default()).find(text, day)
        return cls(text, tuple(found), day, speaker, start, len(text) if end is None else end, rules)

    def held(self, target: str) -> list[tuple[RoleRule, ...]]:
        """The role rules that hold of each mention relative to ``target`` (computed once)."""
        if target not in self._held:
            self._held[target] = mention_rules(self.text, self.mentions, target, self.speaker,
                                               self.rules)
        return self._held[target]

    def roles(self, target: str) -> list[frozenset[str]]:
        """The roles of each mention relative to ``target``."""
        return [frozenset(r.role for r in held) for held in self.held(target)]

    def codes(self, targets: Sequence[str] | None = None) -> list[str]:
        """Distinct codes named, in order of first mention (only ``targets`` when given)."""
        seen = list(dict.fromkeys(m.code for m in self.mentions))
        return seen if targets is None else [c for c in seen if c in targets]
