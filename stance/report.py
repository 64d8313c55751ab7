"""What a run read, analysed, skipped and wrote: the accounting of :func:`stance.analyze`.

Every document given to :func:`stance.analyze` or :func:`stance.analyze_files` is counted once:
it is analysed or skipped (with its reason and place), and an analysed document either gives rows
or names no target. ``rows.attrs["report"]`` holds the :class:`RunReport` of the rows
:func:`stance.analyze` returns; :func:`stance.analyze_files` fills the report passed as
``report=``; the command line prints :meth:`RunReport.summary` on standard error.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .rows import _rows

__all__ = ["RunReport"]

#: How many places a message names before "and N more".
SHOWN = 5


def _places(places: list[str]) -> str:
    return _rows(places, SHOWN)


@dataclass
class RunReport:
    """Counts of one run, and the places of what was skipped.

    Attributes
    ----------
    documents_read : int
        Documents (rows, records or files) read.
    documents_analysed : int
        Documents with text, split into sentences and searched for actors.
    documents_without_target : int
        Analysed documents in which no sentence names a target: they give no row.
    skipped : dict of str to list of str
        Reason -> places ("docs.csv: line 7") of the documents not analysed. The only reason
        today is ``"empty text"`` (missing, empty or blank); duplicate ids are refused, not
        skipped.
    multiline : list of str
        Places of CSV/TSV records whose quoted text spans several lines: legitimate, but an
        unclosed quote looks the same, so they are named.
    rows : int
        Rows returned or written.

    Examples
    --------
    >>> report = RunReport(documents_read=3, documents_analysed=2, documents_without_target=1,
    ...                    skipped={"empty text": ["docs.csv: line 4"]}, rows=2)
    >>> report.summary()
    '3 documents read: 2 analysed (1 naming no target), 1 skipped (empty text: docs.csv: line 4); 2 rows'
    """

    documents_read: int = 0
    documents_analysed: int = 0
    documents_without_target: int = 0
    skipped: dict[str, list[str]] = field(default_factory=dict)
    multiline: list[str] = field(default_factory=list)
    rows: int = 0

    @property
    def n_skipped(self) -> int:
        """Documents skipped, for any reason."""
        return sum(len(v) for v in self.skipped.values())

    def skip(self, reason: str, places: list[str]) -> None:
        """Record ``places`` as skipped for ``reason``."""
        if places:
            self.skipped.setdefault(reason, []).extend(places)

    def skipped_message(self) -> str:
        """One line naming what was skipped and where ("" when nothing was)."""
        return "; ".join(f"{len(p)} document(s) with {reason} skipped ({_places(p)})"
                         for reason, p in self.skipped.items())

    def summary(self) -> str:
        """One line: documents read, analysed, naming no target, skipped (why, where), rows."""
        line = (f"{self.documents_read} documents read: {self.documents_analysed} analysed "
                f"({self.documents_without_target} naming no target), {self.n_skipped} skipped")
        if self.skipped:
            line += " (" + "; ".join(f"{reason}: {_places(p)}"
                                     for reason, p in self.skipped.items()) + ")"
        if self.multiline:
            line += (f"; {len(self.multiline)} record(s) span several lines, check for an "
                     f"unclosed quote ({_places(self.multiline)})")
        return line + f"; {self.rows} rows"
