"""Find the countries and organisations a text names, however it names them.

The gazetteer is a set of reviewable data files in ``stance/data/``:

``actors.tsv``
    one row per actor: ISO 3166-1 alpha-3 code (``TWN``, ``XKX``) or organisation code (``EU``),
    kind, display name, official name, provenance;
``aliases.tsv``
    names, short forms, demonyms, capitals, seats of government, state media and organisation
    names, with flags (``case``: match only in this case or in an all-caps line; ``ambiguous``:
    a common word that needs evidence; ``prefix``: a combining form such as ``Sino-``);
``leaders.tsv``
    heads of state and government and foreign ministers with their terms of office, and the
    officials who speak for a state abroad: foreign-ministry spokespersons, press secretaries
    whose statements are the state's foreign policy (the Kremlin's, the White House's), and
    China's and Russia's ambassadors to the UN and the US (Taiwan's representatives in Washington);
``not_actors.tsv``
    phrases that contain a country's name but are not that country acting (South China Sea,
    Moscow, Idaho, Michael Jordan, fine china);
``ambiguous.tsv`` and ``context_words.tsv``
    the context that rules an ambiguous word in or out;
``seats.tsv``
    the periods in which a speaker's code stood for another government (:func:`speaker_code`).

Matching (:mod:`stance.matching`) finds every surface form as a whole word, the longest at each
position, in time linear in the text, so a phrase in ``not_actors.tsv`` swallows the country name
inside it. The matches then pass the checks their flags ask for.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import os
import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, NamedTuple

from ._checks import check_text
from .matching import APOSTROPHES, HYPHENS, AliasMatcher

__all__ = ["Gazetteer", "Mention", "find_actors", "load_gazetteer"]

VIAS = ("name", "demonym", "capital", "seat", "media", "leader", "organisation", "document")
FLAGS = frozenset({"case", "ambiguous", "prefix"})
_CODE_RE = re.compile(r"^[A-Z][A-Z0-9]{1,7}$")

# Words that may stand before a country name without making it part of a person's name.
_NOT_FIRST_NAMES = frozenset(
    """the a an in of and or with from to for by on at as but if into over under near than
    president prime minister premier king queen emir sultan foreign southern northern western
    eastern central neighbouring neighboring including said says when while after before
    against across between both only even also new old ex former mr ms mrs dr
    communist red imperial tsarist soviet democratic socialist modern independent greater
    """.split()
)

_APOS = APOSTROPHES
_HYPHENS = HYPHENS
_KEY_TRANS = str.maketrans({**{c: "'" for c in _APOS}, **{c: "-" for c in _HYPHENS}, "\u00a0": " "})
_SPACES = re.compile(r"\s+")
_NEWLINE = re.compile("\n")


def _key(surface: str) -> str:
    """Canonical look-up key of a surface form: lower case, one kind of apostrophe, hyphen, space."""
    return _SPACES.sub(" ", surface.translate(_KEY_TRANS)).strip().lower()


@dataclass(slots=True)
class Mention:
    """One mention of an actor in a text.

    Attributes
    ----------
    code : str
        ISO 3166-1 alpha-3 code (``"CHN"``, ``"TWN"``) or organisation code (``"EU"``).
    name : str
        Display name of the actor ("Taiwan", "European Union").
    kind : str
        ``"country"`` or ``"organisation"``.
    text : str
        The matched span, exactly as in the input (``text[start:end]``), without a possessive ending.
    start, end : int
        Character offsets into the input.
    via : str
        How the actor was named: ``"name"``, ``"demonym"``, ``"capital"``, ``"seat"``,
        ``"media"`` (state media, which stand for their state unless cited in brackets as the
        source of a report), ``"leader"``, ``"organisation"`` or ``"document"`` (a capital in the
        name of a document, conference or process: "the Beijing Declaration", "the Minsk
        agreements", "the Vilnius Summit"; it names the target, but nobody takes a position
        through it).
    possessive : bool
        Whether the span is followed by a possessive ('s, ’s, or ' after a final s).
    person : str or None
        For ``via="leader"``: the person's full name.
    office : str or None
        For ``via="leader"``: ``head_of_state``, ``head_of_government``, ``foreign_minister``,
        ``head_of_organisation``, ``spokesperson`` (of a foreign ministry or the EU's foreign
        service), ``press_secretary`` (for a head of state or government, or a defence or
        security office), ``ambassador_un`` or ``ambassador_us``.
    former : bool or None
        For ``via="leader"``: True when the person did not hold the office on the ``as_of`` date.
    """

    code: str
    name: str
    kind: str
    text: str
    start: int
    end: int
    via: str
    possessive: bool = False
    person: str | None = None
    office: str | None = None
    former: bool | None = None

    def __hash__(self) -> int:
        # mentions are never changed once found; a cheap hash lets tuples of them key caches
        return hash((self.code, self.start, self.end, self.via))

    def to_dict(self) -> dict[str, Any]:
        """Return the mention as a plain ``dict`` (for a DataFrame or JSON)."""
        return asdict(self)


class _Term(NamedTuple):
    code: str
    person: str
    office: str
    start: _dt.date
    end: _dt.date | None


class _Entry(NamedTuple):
    code: str | None  # None: a phrase that is not an actor
    via: str
    flags: frozenset[str]
    surface: str  # the alias as written in the data (for case-sensitive entries)
    terms: tuple[_Term, ...] = ()


# ---------------------------------------------------------------------------------------------
# Data loading
# ---------------------------------------------------------------------------------------------


def _read_package_tsv(name: str) -> list[dict[str, str]]:
    text = resources.files("stance").joinpath("data", name).read_text(encoding="utf-8")
    return _read_tsv_text(text, f"stance/data/{name}")


def _read_tsv_text(text: str, source: str, delimiter: str = "\t") -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter, quoting=csv.QUOTE_NONE
                            if delimiter == "\t" else csv.QUOTE_MINIMAL)
    rows = []
    for i, row in enumerate(reader, start=2):
        if None in row or any(v is None for v in row.values()):
            raise ValueError(f"{source}, line {i}: expected {len(reader.fieldnames or [])} fields")
        rows.append({k: (v or "").strip() for k, v in row.items()})
    return rows


def _parse_date(value: str, source: str) -> _dt.date | None:
    if not value:
        return None
    try:
        return _dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{source}: {value!r} is not a date in YYYY-MM-DD form") from None


def _as_date(as_of: Any) -> _dt.date:
    """Coerce the ``as_of`` argument to a date (today when None)."""
    if as_of is None:
        return _dt.date.today()
    if isinstance(as_of, _dt.datetime):
        return as_of.date()
    if isinstance(as_of, _dt.date):
        return as_of
    if isinstance(as_of, str):
        try:
            return _dt.date.fromisoformat(as_of.strip()[:10])
        except ValueError:
            raise ValueError(f"as_of must be a date or an ISO date string, got {as_of!r}") from None
    if hasattr(as_of, "to_pydatetime"):  # pandas.Timestamp (NaT has no valid date)
        try:
            return as_of.to_pydatetime().date()
        except (ValueError, AttributeError):
            pass
    raise TypeError(f"as_of must be a date, datetime, ISO string or None, got {type(as_of).__name__}")


_TITLES = {
    "head_of_state": ("President",),
    "head_of_government": ("Prime Minister", "Premier", "PM", "Chancellor"),
    "foreign_minister": ("Foreign Minister", "Foreign Secretary", "Secretary of State"),
    "head_of_organisation": ("Secretary-General", "Secretary General", "Director-General"),
}
_FAMILY_FIRST = frozenset({"CHN", "TWN", "KOR", "PRK", "SGP", "VNM", "KHM"})


def _fold(word: str) -> str:
    """Lower case without accents: "Erdoğan" -> "erdogan"."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _family_name(person: str, code: str, variants: Iterable[str] = ()) -> str:
    """The family name that follows a title ("Foreign Minister Wang", "President Lai").

    In the countries of :data:`_FAMILY_FIRST` it is the first word ("Wang Yi"), unless the person
    goes by a Western given name written first ("David Lin"): a two-word name whose last word
    opens another form of the name ("Lin Yung-lo") or follows the given name in a longer one
    ("George Yeo Yong-Boon"), or a name that opens with initials ("S. R. Nathan").

    Examples
    --------
    >>> _family_name("Wang Yi", "CHN"), _family_name("David Lin", "TWN", ["Lin Yung-lo"])
    ('Wang', 'Lin')
    """
    parts = person.split()
    if len(parts) < 2:
        return person
    if code not in _FAMILY_FIRST or parts[0].endswith("."):  # "S. R. Nathan": initials first
        return parts[-1]
    if len(parts) == 2:
        for variant in variants:
            words = variant.split()
            if len(words) > 1 and (words[0] == parts[1]
                                   or (len(words) > 2 and words[:2] == parts)):
                return parts[1]
    return parts[0]


# ---------------------------------------------------------------------------------------------
# The gazetteer
# ---------------------------------------------------------------------------------------------


class Gazetteer:
    """The actors, their aliases and leaders, compiled for fast matching.

    Use :func:`load_gazetteer` (or :meth:`Gazetteer.default`) rather than the constructor.

    Parameters
    ----------
    actors : list of dict
        Rows of ``actors.tsv``.
    aliases : list of dict
        Rows of ``aliases.tsv`` (``code``, ``alias``, ``via``, ``flags``).
    leaders : list of dict
        Rows of ``leaders.tsv``.
    not_actors : list of dict
        Rows of ``not_actors.tsv`` (``phrase``).
    ambiguous : list of dict
        Rows of ``ambiguous.tsv`` (``alias``, ``side``, ``words``).
    context_words : list of dict
        Rows of ``context_words.tsv`` (``word``).

    Examples
    --------
    >>> gaz = Gazetteer.default()
    >>> gaz.name("XKX"), gaz.kind("NATO")
    ('Kosovo', 'organisation')
    >>> [m.code for m in gaz.find("NATO allies met in Pristina.")]
    ['NATO', 'XKX']
    """

    def __init__(
        self,
        actors: list[dict[str, str]],
        aliases: list[dict[str, str]],
        leaders: list[dict[str, str]],
        not_actors: list[dict[str, str]],
        ambiguous: list[dict[str, str]] | None = None,
        context_words: list[dict[str, str]] | None = None,
    ) -> None:
        self._actors: dict[str, dict[str, str]] = {}
        for i, row in enumerate(actors, start=2):
            code = row.get("code", "")
            if not _CODE_RE.match(code):
                raise ValueError(f"actors, row {i}: code {code!r} is not 2-8 upper-case letters/digits")
            if row.get("kind") not in ("country", "organisation"):
                raise ValueError(f"actors, row {i}: kind must be 'country' or 'organisation'")
            self._actors[code] = row
        self._display = {code: (row["name"], row["kind"]) for code, row in self._actors.items()}
        self._rows = {"actors": actors, "aliases": aliases, "leaders": leaders,
                      "not_actors": not_actors, "ambiguous": ambiguous or [],
                      "context_words": context_words or []}
        index: dict[str, _Entry] = {}
        for row in not_actors:
            index[_key(row["phrase"])] = _Entry(None, "", frozenset(), row["phrase"])
        for i, row in enumerate(aliases, start=2):
            code, alias, via = row.get("code", ""), row.get("alias", ""), row.get("via", "")
            if code not in self._actors:
                raise ValueError(f"aliases, row {i}: unknown actor code {code!r} for alias {alias!r}")
            if via not in VIAS:
                raise ValueError(f"aliases, row {i}: via {via!r} is not one of {', '.join(VIAS)}")
            flags = frozenset(f for f in row.get("flags", "").split(",") if f)
            if not flags <= FLAGS:
                raise ValueError(f"aliases, row {i}: unknown flags {sorted(flags - FLAGS)}")
            key = _key(alias)
            if not key:
                raise ValueError(f"aliases, row {i}: empty alias")
            if key in index and index[key].code is None:
                continue  # a not-actor phrase wins over an alias of the same words
            index[key] = _Entry(code, via, flags, alias)
        self._add_leaders(index, leaders)
        self._index = index
        # the entries find() can turn into a Mention at once: (code, name, kind, via)
        self._plain = {key: (e.code, *self._display[e.code], e.via) for key, e in index.items()
                       if e.code is not None and not e.flags and not e.terms and e.via != "media"}
        self._context: dict[str, tuple[frozenset[str], frozenset[str]]] = {}
        for row in self._rows["ambiguous"]:
            before, after = self._context.get(row["alias"], (frozenset(), frozenset()))
            words = frozenset(w.lower() for w in row["words"].split("|") if w)
            if row["side"] == "before":
                before = before | words
            else:
                after = after | words
            self._context[row["alias"].lower()] = (before, after)
        self._evidence = frozenset(r["word"].lower() for r in self._rows["context_words"])
        self._matcher: AliasMatcher | None = None

    # -- construction helpers ---------------------------------------------------------------

    def _add_leaders(self, index: dict[str, _Entry], leaders: list[dict[str, str]]) -> None:
        surfaces: dict[str, list[_Term]] = {}
        display: dict[str, str] = {}
        self._family: dict[str, set[str]] = {}
        for i, row in enumerate(leaders, start=2):
            code = row.get("code", "")
            if code not in self._actors:
                raise ValueError(f"leaders, row {i}: unknown actor code {code!r}")
            src = f"leaders, row {i}"
            term = _Term(code, row["person"], row["office"], _parse_date(row["start"], src)
                         or _dt.date.min, _parse_date(row.get("end", ""), src))
            names = [row["person"], *[n for n in row.get("names", "").split("|") if n]]
            for name in names:
                surfaces.setdefault(_key(name), []).append(term)
                display.setdefault(_key(name), name)
            family = row.get("surname") or ""
            fam = family or _family_name(row["person"], code, names)
            # the family name as written in each full-name variant ("Erdoğan" beside "Erdogan")
            folded = _fold(fam)
            variants = {fam} | {f for f in (_family_name(n, code, names) for n in names)
                                if _fold(f) == folded}
            self._family.setdefault(row["person"], set()).update(variants)
            if family:  # a distinctive surname names the person alone
                for variant in variants:
                    surfaces.setdefault(_key(variant), []).append(term)
                    display.setdefault(_key(variant), variant)
            for title in _TITLES.get(row["office"], ()):
                k = _key(f"{title} {fam}")
                surfaces.setdefault(k, []).append(term)
                display.setdefault(k, f"{title} {fam}")
        for key, terms in surfaces.items():
            if key in index:
                continue  # an alias or not-actor phrase of the same words wins
            codes = {t.code for t in terms}
            people = {t.person for t in terms}
            if len(codes) > 1 and len(people) > 1:
                # Different people of different countries share these words (a surname, a
                # titled name): they say nothing about the country, so keep none.
                continue
            # One person in several offices (Rutte: NLD, then NATO) resolves by date.
            ordered = tuple(sorted(terms, key=lambda t: t.start))
            index[key] = _Entry(ordered[-1].code, "leader", frozenset(), display[key], ordered)

    @property
    def matcher(self) -> AliasMatcher:
        """The :class:`~stance.matching.AliasMatcher` of every surface form (built on first use)."""
        if self._matcher is None:
            self._matcher = AliasMatcher(self._index)
        return self._matcher

    # -- public API ---------------------------------------------------------------------------

    @classmethod
    def default(cls) -> Gazetteer:
        """Return the gazetteer shipped with the package (loaded once, then cached).

        Examples
        --------
        >>> Gazetteer.default().name("TWN")
        'Taiwan'
        """
        return _default_gazetteer()

    @property
    def codes(self) -> list[str]:
        """All actor codes, sorted."""
        return sorted(self._actors)

    def name(self, code: str) -> str:
        """Display name of ``code`` (the code itself when unknown).

        Examples
        --------
        >>> Gazetteer.default().name("RUS")
        'Russia'
        """
        row = self._actors.get(code)
        return row["name"] if row else code

    def family_names(self, person: str) -> tuple[str, ...]:
        """The family name(s) by which news calls ``person`` once named in full ("Wen" for Wen
        Jiabao, "Straw" for Jack Straw; each spelling of ``leaders.tsv``); () for anyone else.

        Examples
        --------
        >>> Gazetteer.default().family_names("Wen Jiabao")
        ('Wen',)
        """
        return tuple(sorted(self._family.get(person, ())))

    def suggest_code(self, value: str) -> str | None:
        """The code a user probably meant by ``value``, which is not one: the code in another
        case ("rus"), or the one actor that ``value`` names ("Russia", "Putin"); else None.

        Examples
        --------
        >>> gaz = Gazetteer.default()
        >>> gaz.suggest_code("rus"), gaz.suggest_code("Estonia"), gaz.suggest_code("XYZ")
        ('RUS', 'EST', None)
        """
        upper = value.strip().upper()
        if upper in self._actors:
            return upper
        codes = {m.code for m in self.find(value)}
        return codes.pop() if len(codes) == 1 else None

    def kind(self, code: str) -> str | None:
        """``"country"``, ``"organisation"`` or None for an unknown code."""
        row = self._actors.get(code)
        return row["kind"] if row else None

    def extend(
        self,
        aliases: Mapping[str, str | None] | str | os.PathLike[str] | Iterable[Mapping[str, str]]
        | None = None,
        actors: Iterable[Mapping[str, str]] | None = None,
    ) -> Gazetteer:
        """Return a new gazetteer with the user's aliases (and actors) added or overriding.

        Parameters
        ----------
        aliases : mapping, path or iterable of mappings, optional
            - a ``{alias: code}`` mapping; a code of ``None`` or ``"-"`` makes the alias a phrase
              that is *not* an actor (it then swallows any country name inside it);
            - a path to a TSV or CSV file with columns ``alias`` and ``code`` (optional ``via``,
              default ``name``, and ``flags``);
            - an iterable of such rows as mappings.
            A user alias replaces the package's entry for the same words.
        actors : iterable of mappings, optional
            New actors, each with ``code``, ``kind`` (``country`` or ``organisation``) and ``name``.

        Returns
        -------
        Gazetteer

        Raises
        ------
        ValueError
            If a row names an unknown code, lacks a column, or has an empty alias; the message
            names the file and row.

        Examples
        --------
        >>> gaz = Gazetteer.default().extend({"Hanoi's leadership": "VNM", "Chinatown": None})
        >>> [m.code for m in gaz.find("Hanoi's leadership met envoys in Chinatown.")]
        ['VNM']
        """
        new_actors = [dict(r) for r in self._rows["actors"]]
        source = "actors argument"
        for i, row in enumerate(actors or [], start=1):
            missing = {"code", "kind", "name"} - set(row)
            if missing:
                raise ValueError(f"{source}, row {i}: missing {sorted(missing)}")
            new_actors = [r for r in new_actors if r["code"] != row["code"]]
            new_actors.append({"official_name": "", "iso2": "", "un_member": "", "source": "user",
                               **{k: str(v) for k, v in row.items()}})
        codes = {r["code"] for r in new_actors}
        user_rows, source = _user_alias_rows(aliases)
        added: list[dict[str, str]] = []
        blocked: list[dict[str, str]] = []
        for i, row in enumerate(user_rows, start=1):
            alias = str(row.get("alias") or "").strip()
            code = row.get("code")
            code = "" if code is None else str(code).strip()
            if not alias:
                raise ValueError(f"{source}, row {i}: empty alias")
            if code in ("", "-", "None"):
                blocked.append({"phrase": alias, "reason": "user"})
                continue
            if code not in codes:
                raise ValueError(f"{source}, row {i}: unknown actor code {code!r} for alias {alias!r}"
                                 "; add the actor with actors=[...] first")
            added.append({"code": code, "alias": alias, "via": str(row.get("via") or "name"),
                          "flags": str(row.get("flags") or ""), "note": "user"})
        user_keys = {_key(r["alias"]) for r in added} | {_key(r["phrase"]) for r in blocked}
        base_aliases = [r for r in self._rows["aliases"] if _key(r["alias"]) not in user_keys]
        base_blocked = [r for r in self._rows["not_actors"] if _key(r["phrase"]) not in user_keys]
        return Gazetteer(new_actors, base_aliases + added, self._rows["leaders"],
                         base_blocked + blocked, self._rows["ambiguous"], self._rows["context_words"])

    def find(self, text: str, as_of: Any = None) -> list[Mention]:
        """Find actor mentions in ``text``; see :func:`find_actors`.

        Examples
        --------
        >>> [(m.code, m.via) for m in Gazetteer.default().find("The Kremlin denied it.")]
        [('RUS', 'seat')]
        """
        if type(text) is not str:
            check_text(text)
        if not text:
            return []
        # Matching a lower-cased copy is about twice as fast as ignoring case; when lower-casing
        # changes the length (a rare letter such as U+0130), the original is matched ignoring case.
        low = text.lower()
        n = len(text)
        matcher = self._matcher or self.matcher
        if len(low) == n:
            src = low
            spans = matcher.spans(low)
        else:
            src = text
            spans = matcher.spans_reference(text, ignorecase=True)
        plain = self._plain.get
        get = self._index.get
        display = self._display
        out: list[Any] = []
        append = out.append
        flagged: list[int] | None = None
        day = None
        one_line = "\n" not in text
        mode: str | None = None
        for start, end in spans:
            if end < n and text[end] == "$":  # "US$5", "NZ$" : a currency, not the country
                continue
            surface = src[start:end]
            row = plain(surface)
            if row is not None:  # most matches: a name without flags or terms of office
                append(Mention(row[0], row[1], row[2], text[start:end], start, end,
                               _via_at(row[3], text, end),
                               end < n and text[end] in _APOS and _possessive(text, end)))
                continue
            entry = get(surface)
            if entry is None:
                entry = get(_key(surface))
                if entry is None:
                    continue
            code = entry.code
            if code is None:
                continue
            if entry.flags:
                if one_line:
                    # a one-line text has one case mode; in mixed case a match needs no other
                    # mention of the text to be checked, so it is checked at once
                    if mode is None:
                        mode = _line_mode(text, -1)
                    if mode == "mixed":
                        checked = self._flagged(text, start, end, entry, mode, False, as_of)
                        if checked is not None:
                            append(checked)
                        continue
                if flagged is None:
                    flagged = []
                flagged.append(len(out))
                append((start, end, entry))
                continue
            possessive = end < n and text[end] in _APOS and _possessive(text, end)
            if entry.terms:
                if day is None:
                    day = _dt.date.today() if as_of is None else _as_date(as_of)
                append(_leader_mention(entry, day, text, start, end, possessive, display))
            elif entry.via != "media" or not _cited(text, start, end):
                name, kind = display[code]
                append(Mention(code, name, kind, text[start:end], start, end, entry.via, possessive))
        if flagged:
            return self._check_flagged(text, out, flagged, as_of)
        return out

    def _check_flagged(self, text: str, found: list[Any], flagged: list[int], as_of: Any
                       ) -> list[Mention]:
        """Keep the flagged matches (case, ambiguous, prefix) that pass their checks."""
        modes: dict[int, str] = {}
        firm_lines: set[int] | None = None
        # the newline before a position, by bisection: rfind from each match back to the start of
        # a long line would make a large one-line document quadratic
        breaks = [m.start() for m in _NEWLINE.finditer(text)] if "\n" in text else []

        def line_of(pos: int) -> int:
            k = bisect_left(breaks, pos)
            return breaks[k - 1] if k else -1

        kept = 0
        for i in flagged:
            start, end, entry = found[i]
            found[i] = None
            line = line_of(start)
            mode = modes.get(line)
            if mode is None:
                mode = modes[line] = _line_mode(text, line)
            firm_line = False
            if "ambiguous" in entry.flags and mode != "mixed":
                if firm_lines is None:
                    firm_lines = {line_of(f.start) for f in found if type(f) is Mention}
                    firm_lines |= {line_of(f[0]) for f in found
                                   if type(f) is tuple and "ambiguous" not in f[2].flags}
                firm_line = line in firm_lines
            found[i] = self._flagged(text, start, end, entry, mode, firm_line, as_of)
            kept += found[i] is not None
        return found if kept == len(flagged) else [f for f in found if f is not None]

    def _flagged(self, text: str, start: int, end: int, entry: _Entry, mode: str, firm_line: bool,
                 as_of: Any) -> Mention | None:
        """The mention of a flagged match if it passes the checks its flags ask for, else None.

        ``mode`` is the case of its line (see :func:`_line_mode`); ``firm_line`` whether another,
        unambiguous actor stands on that line.
        """
        n = len(text)
        flags = entry.flags
        if "prefix" in flags and not (end < n and text[end] in _HYPHENS):
            return None
        if "case" in flags and mode != "upper" and text[start:end] != entry.surface and \
                text[start:end].translate(_KEY_TRANS) != entry.surface.translate(_KEY_TRANS):
            return None
        if "ambiguous" in flags and not self._ambiguous_ok(text, start, end, mode, firm_line):
            return None
        if entry.via == "media" and _cited(text, start, end):
            return None
        via = _via_at(entry.via, text, end)
        possessive = end < n and text[end] in _APOS and _possessive(text, end)
        if entry.terms:
            day = _dt.date.today() if as_of is None else _as_date(as_of)
            return _leader_mention(entry, day, text, start, end, possessive, self._display)
        name, kind = self._display[entry.code]  # type: ignore[index]
        return Mention(entry.code, name, kind, text[start:end], start, end,  # type: ignore[arg-type]
                       via, possessive)

    # -- internals ----------------------------------------------------------------------------

    def _ambiguous_ok(self, text: str, start: int, end: int, mode: str, firm_line: bool) -> bool:
        surface = text[start:end]
        if mode == "mixed" and not surface[:1].isupper():
            return False
        before_ctx, after_ctx = self._context.get(surface.lower(), _NO_CONTEXT)
        if before_ctx:
            for w in text[max(0, start - 30):start].lower().rsplit(None, 2)[-2:]:
                if w.strip(_PUNCT) in before_ctx:
                    return False
        if after_ctx:
            for w in text[end:end + 30].lower().split(None, 2)[:2]:
                if _strip_possessive(w.strip(_PUNCT)) in after_ctx:
                    return False
        if mode == "mixed":
            return not self._preceded_by_name(text, start)
        # all caps or all lower case: need another actor on the line or a political word nearby
        if firm_line:
            return True
        near = text[max(0, start - 60):end + 60].lower().split()
        return any(w.strip(_PUNCT) in self._evidence for w in near)

    def _preceded_by_name(self, text: str, start: int) -> bool:
        """Whether a capitalised word that could be a first name stands right before ``start``."""
        if start < 3 or text[start - 1] != " " or not text[start - 2].isalpha():
            return False
        # fast rejection: the word before has no capital letter (the usual "in China")
        if text[text.rfind(" ", 0, start - 1) + 1:start - 1].islower():
            return False
        pm = re.search(r"([^\W\d_][\w.'-]{0,20})([ ]{1,2})$", text[max(0, start - 30):start])
        if pm is None:
            return False
        word = pm.group(1)
        if not word[:1].isupper() or word.lower() in _NOT_FIRST_NAMES:
            return False
        if _key(word) in self._index:
            return False
        wstart = start - len(pm.group(0))
        before = text[max(0, wstart - 3):wstart].rstrip(" \"'(")
        if not before or before[-1] in ".!?:\n\u201c":
            return False  # the capitalised word starts a sentence
        return True


_NO_CONTEXT: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())
_PUNCT = ".,;:!?\"'()[]{}\u2019\u2018\u201c\u201d-"


def _strip_possessive(word: str) -> str:
    return word[:-2] if word.endswith(("'s", "\u2019s")) else word


def _leader_mention(entry: _Entry, day: _dt.date, text: str, start: int, end: int,
                    possessive: bool, display: dict[str, tuple[str, str]]) -> Mention:
    term, former = _pick_term(entry.terms, day)
    name, kind = display[term.code]
    return Mention(term.code, name, kind, text[start:end], start, end, "leader", possessive,
                   term.person, term.office, former)


#: What follows a capital in the name of a document, conference or process ("the Beijing
#: Declaration and Platform for Action", "the Moscow Treaty", "the Minsk agreements", "the Astana
#: format", "Beijing+25", "the Moscow partial test-ban treaty"): the city names the document, not
#: the state acting.
_DOCUMENT = re.compile(
    r"[ \t]*(?:\+\s?\d|(?:Declaration|Platform|Treaty|Agreements?|Accords?|Protocol|Memorandum|"
    r"Convention|Conferences?|Charter|Programme|Program|Plan|Statute|Principles|Process|Format|"
    r"Final\s+Act|Pact|Initiative|Group|Document|Outcome|Framework|Agenda|Consensus|Communiqu[eé]|"
    r"Summits?|Rules|Guidelines|Commitments?|Appeal|Proclamation|Round|"
    r"agreements?|accords?|treaty|protocol|declaration|format|process|platform|consensus|"
    r"conferences?|(?:partial\s+)?test[- ]ban)\b)")


def _via_at(via: str, text: str, end: int) -> str:
    """``"document"`` for a capital that names a document or conference (:data:`_DOCUMENT`), else
    ``via`` as it is."""
    return "document" if via == "capital" and _DOCUMENT.match(text, end) else via


def _cited(text: str, start: int, end: int) -> bool:
    """Whether a state medium at ``text[start:end]`` is a source in brackets ("(Xinhua)",
    "(RIA Novosti) (BBC)"): a citation of the report, not the state acting or speaking."""
    return (start > 0 and text[start - 1] == "(") or text[end:end + 1] == ")"


def _possessive(text: str, end: int) -> bool:
    """Whether the apostrophe at ``text[end]`` makes the span before it possessive.

    's or ’s after the span, or a bare apostrophe after a final s.
    """
    after = text[end + 1:end + 3]
    if after[:1] in ("s", "S") and not (after[1:2].isalnum() or after[1:2] == "_"):
        return True
    return text[end - 1] in "sS" and not after[:1].isalnum()


def _line_mode(text: str, newline_before: int) -> str:
    """``"upper"``, ``"lower"`` or ``"mixed"``: the case of the line that starts after the index."""
    start = newline_before + 1
    stop = text.find("\n", start)
    line = text[start:] if stop == -1 else text[start:stop]
    if line.upper() == line:
        return "upper"
    if line.lower() == line:
        return "lower"
    return "mixed"


def _pick_term(terms: tuple[_Term, ...], day: _dt.date) -> tuple[_Term, bool]:
    """The term in force on ``day`` (not former), else the latest before it (former)."""
    current = [t for t in terms if t.start <= day and (t.end is None or day <= t.end)]
    if current:
        return current[-1], False
    before = [t for t in terms if t.start <= day]
    return (before[-1] if before else terms[0]), True


def _user_alias_rows(aliases: Any) -> tuple[list[Mapping[str, Any]], str]:
    if aliases is None:
        return [], "aliases argument"
    if isinstance(aliases, Mapping):
        return [{"alias": k, "code": v} for k, v in aliases.items()], "aliases argument"
    if isinstance(aliases, (str, os.PathLike)):
        path = os.fspath(aliases)
        try:
            with open(path, encoding="utf-8", newline="") as fh:
                content = fh.read()
        except OSError as exc:
            raise ValueError(f"{path}: cannot read alias file ({exc.strerror})") from None
        delimiter = "\t" if path.endswith((".tsv", ".tab")) or "\t" in content.split("\n", 1)[0] \
            else ","
        rows = _read_tsv_text(content, path, delimiter)
        if rows and not {"alias", "code"} <= set(rows[0]):
            raise ValueError(f"{path}: needs the columns 'alias' and 'code', has {sorted(rows[0])}")
        return rows, path
    return list(aliases), "aliases argument"


@lru_cache(maxsize=1)
def _default_gazetteer() -> Gazetteer:
    return Gazetteer(
        _read_package_tsv("actors.tsv"),
        _read_package_tsv("aliases.tsv"),
        _read_package_tsv("leaders.tsv"),
        _read_package_tsv("not_actors.tsv"),
        _read_package_tsv("ambiguous.tsv"),
        _read_package_tsv("context_words.tsv"),
    )


def load_gazetteer(extra_aliases: Any = None, extra_actors: Any = None) -> Gazetteer:
    """Load the package gazetteer, optionally with the user's own aliases and actors.

    Parameters
    ----------
    extra_aliases : mapping, path or iterable of mappings, optional
        See :meth:`Gazetteer.extend`.
    extra_actors : iterable of mappings, optional
        See :meth:`Gazetteer.extend`.

    Returns
    -------
    Gazetteer

    Examples
    --------
    >>> gaz = load_gazetteer({"Hermit Kingdom": "PRK"})
    >>> [m.code for m in find_actors("The Hermit Kingdom fired a missile.", gazetteer=gaz)]
    ['PRK']
    """
    gaz = Gazetteer.default()
    if extra_aliases is None and extra_actors is None:
        return gaz
    return gaz.extend(extra_aliases, extra_actors)


@lru_cache(maxsize=1)
def _seats() -> dict[str, list[tuple[_dt.date, _dt.date, str]]]:
    seats: dict[str, list[tuple[_dt.date, _dt.date, str]]] = {}
    source = "stance/data/seats.tsv"
    for row in _read_package_tsv("seats.tsv"):
        start = _parse_date(row["start"], source) or _dt.date.min
        end = _parse_date(row["end"], source) or _dt.date.max
        seats.setdefault(row["code"], []).append((start, end, row["stands_for"]))
    return seats


def speaker_code(code: str, as_of: Any = None) -> str:
    """The actor a speaker's code stood for on a date.

    A delegation's code can name another government than today's: the statements coded ``CHN``
    from 1 October 1949 to 25 October 1971 (as in the UN General Debate corpus) were made by the
    Republic of China, that is ``TWN``, which held China's seat in the United Nations until
    General Assembly resolution 2758. The periods are in ``stance/data/seats.tsv``. Without a
    date the code is returned as it is.

    Parameters
    ----------
    code : str
        The speaker's code.
    as_of : date, datetime, ISO date string, pandas.Timestamp or None
        The date of the statement; None (or NaT) leaves the code unchanged.

    Returns
    -------
    str

    Examples
    --------
    >>> speaker_code("CHN", "1962-09-27"), speaker_code("CHN", "1975-09-26"), speaker_code("CHN")
    ('TWN', 'CHN', 'CHN')
    """
    periods = _seats().get(code)
    if not periods or as_of is None or (hasattr(as_of, "to_pydatetime") and as_of != as_of):
        return code
    day = _as_date(as_of)
    for start, end, stands_for in periods:
        if start <= day < end:
            return stands_for
    return code


def find_actors(text: str, as_of: Any = None, *, gazetteer: Gazetteer | None = None) -> list[Mention]:
    """Find the countries and organisations that ``text`` names, however it names them.

    Names, short forms, demonyms, capitals, seats of government, leaders and ministers (over their
    terms of office) and organisations are recognised, in mixed case, ALL CAPS or all lower case.
    The longest match wins ("South China Sea" is a place, not China; "Papua New Guinea" is not
    Guinea; "British Airways" and "the Swiss franc" are a company and a currency), and a name
    followed at once by a dollar sign is a currency ("US$5"). Hyphenated compounds give both
    countries ("Sino-Russian"). Words that are also common words ("turkey", "china", "jordan",
    "georgia", "chad", "niger", "guinea") need evidence: capitalisation in mixed-case text without
    a first name before them, or another actor or a political word nearby in an all-caps or
    lower-case headline.

    Parameters
    ----------
    text : str
        Any text. Empty text gives an empty list.
    as_of : date, datetime, ISO date string or None
        The date that decides which leader held an office; today when None. A mention of a person
        who did not hold the office on that date still resolves to the country, with
        ``former=True``.
    gazetteer : Gazetteer, optional
        A gazetteer extended with the user's aliases (see :func:`load_gazetteer`).

    Returns
    -------
    list of Mention
        In order of position; ``text[m.start:m.end] == m.text`` always holds.

    Raises
    ------
    TypeError
        If ``text`` is not a ``str`` (``None``, NaN, bytes, numbers), or ``as_of`` is not a date.

    Examples
    --------
    >>> found = find_actors("Beijing and the Kremlin hailed Sino-Russian ties.")
    >>> [(m.code, m.text, m.via) for m in found][:2]
    [('CHN', 'Beijing', 'capital'), ('RUS', 'Kremlin', 'seat')]
    >>> [m.code for m in found]
    ['CHN', 'RUS', 'CHN', 'RUS']
    >>> [m.code for m in find_actors("Ships sailed through the South China Sea.")]
    []
    >>> m = find_actors("Abe visited Moscow.", as_of="2015-05-01")[0]
    >>> (m.code, m.person, m.former)
    ('JPN', 'Shinzo Abe', False)
    """
    return (gazetteer or Gazetteer.default()).find(text, as_of)
