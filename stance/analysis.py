"""Corpus analysis: one row per (document, sentence, holder, target) with stance probabilities.

:func:`analyze` splits each document into sentences, finds the actors of each sentence (leaders
resolved with the document's date, "the two countries" resolved to the pair named just before by
:mod:`stance.references`), keeps the sentences that mention a target, decides the holders
of a stance toward each target (:mod:`stance.attribution`) and classifies every (sentence, holder,
target) row in one batch (:mod:`stance.model`).
"""

from __future__ import annotations

import os
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._checks import check_text, clean_text, clean_value, short_repr
from .actors import Gazetteer, speaker_code
from .events import main_event_of, sentence_events
from .io import InputError
from .references import LOOKBACK, NamedPeople, resolve_pair_reference
from .report import SHOWN, RunReport
from .roles import RoleRules
from .rows import MENTIONS, _is_blank, _is_missing
from .sentence import AnalysedSentence
from .sentiment import _window, sentiment
from .text import split_sentences

__all__ = ["ROW_COLUMNS", "analyze", "analyze_files", "analyze_frame", "stop_workers"]

DEFAULT_TARGETS = ("CHN", "RUS", "TWN")

#: Columns of the frame :func:`analyze` returns, in order.
ROW_COLUMNS = [
    "doc_id", "sentence_id", "start", "end", "sentence", "holder", "holder_name", "holder_p",
    "target", "stance", "p_oppose", "p_neutral", "p_support", "score", "sentiment",
    "event", "event_modifier", "quad_class", "intensity", "date", "source", "speaker",
]


def _check_columns(columns: Any, where: str, **cols: str | None) -> None:
    """Raise a ValueError naming the argument whose column ``where`` does not have."""
    for arg, col in cols.items():
        if col is not None and col not in columns:
            raise ValueError(f"{arg}={col!r} is not a column of {where}; columns are "
                             f"{list(columns)}")


def _check_targets(targets: Any, gazetteer: Gazetteer | None = None) -> tuple[str, ...]:
    """``targets`` as a tuple of codes of the gazetteer; a ValueError names any other value."""
    if not targets or isinstance(targets, str):
        raise ValueError(f"targets must be a non-empty sequence of codes, got {targets!r}")
    gazetteer = gazetteer or Gazetteer.default()
    known = set(gazetteer.codes)
    targets = tuple(targets)
    unknown = [t for t in targets if not isinstance(t, str) or t not in known]
    if unknown:
        hints = []
        for t in unknown:
            guess = gazetteer.suggest_code(t) if isinstance(t, str) else None
            hints.append(f"{t!r}" + (f" (did you mean {guess!r}?)" if guess else ""))
        raise ValueError(f"targets: not actor codes of the gazetteer: {', '.join(hints)}; codes "
                         f"are upper-case ISO3 or organisation codes such as 'CHN', 'RUS', 'TWN'")
    return targets


def _positions(index: pd.Index, where: str = "docs") -> list[str]:
    """Places of a user's rows: "docs: row N" counted from 1, with the index label if it is not
    the position."""
    if isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1:
        return [f"{where}: row {i + 1}" for i in range(len(index))]
    return [f"{where}: row {i + 1} (index {label!r})" for i, label in enumerate(index)]


def _as_docs(docs: Any, text_col: str, id_col: str | None, date_col: str | None,
             speaker_col: str | None, source_col: str | None,
             positions: Sequence[Any] | None = None, *, report: RunReport | None = None,
             seen_ids: dict[Any, str] | None = None, strict: bool = False) -> pd.DataFrame:
    """Normalise the ``docs`` argument to a frame with doc_id, text, date, speaker, source.

    The input boundary: texts, ids, sources and speakers are cleaned of lone surrogates
    (:func:`stance._checks.clean_text`); documents with no text are left out and counted in
    ``report`` (an error with ``strict``); a duplicated id is refused, also against
    ``seen_ids`` (id -> place, filled in) across the chunks of one run. Errors name each
    document's place: ``frame.attrs["places"]`` from :mod:`stance.io` ("FILE: line N"), else
    "docs: row N" counted from 1.
    """
    report = report if report is not None else RunReport()
    if isinstance(docs, str):
        docs = [docs]
    if isinstance(docs, pd.Series):
        frame = docs.to_frame(text_col)
    elif isinstance(docs, pd.DataFrame):
        frame = docs
    elif isinstance(docs, (bytes, bytearray)) or not isinstance(docs, Iterable):
        check_text(docs, "docs")  # raises the common TypeError
        raise AssertionError  # pragma: no cover
    else:
        # object: pandas' Arrow-backed text would refuse a lone surrogate before it is cleaned
        frame = pd.DataFrame({text_col: list(docs)}, dtype=object)
    _check_columns(frame.columns, "docs", text_col=text_col, id_col=id_col, date_col=date_col,
                   speaker_col=speaker_col, source_col=source_col)
    places = frame.attrs.get("places") or _positions(frame.index)
    report.multiline.extend(frame.attrs.get("multiline", []))
    texts = [clean_value(t) for t in frame[text_col].tolist()]
    bad = [i for i, t in enumerate(texts) if not isinstance(t, str) and not _is_missing(t)]
    if bad:
        first = bad[0]
        raise TypeError(f"{places[first]}, column {text_col!r}: must hold text, got "
                        f"{type(texts[first]).__name__} {texts[first]!r}"
                        + (f" (and {len(bad) - 1} more rows)" if len(bad) > 1 else ""))
    ids = [clean_value(v) for v in frame[id_col].tolist()] if id_col else (
        list(positions) if positions is not None else list(range(len(frame))))
    if id_col:
        _check_ids(ids, places, id_col, seen_ids)
    report.documents_read += len(frame)
    empty = [i for i, t in enumerate(texts) if _is_blank(t)]
    if empty:
        where = [places[i] for i in empty]
        report.skip("empty text", where)
        if strict:
            raise InputError(f"{where[0]}, column {text_col!r}: empty text"
                             + (f" (and {len(where) - 1} more documents)" if len(where) > 1
                                else "") + "; without --strict (strict=True) they are skipped")
    out = pd.DataFrame({"doc_id": ids, "text": ["" if _is_missing(t) else t for t in texts]})
    if date_col:
        out["date"] = _parse_dates(frame[date_col], date_col, places).to_numpy()
    else:
        out["date"] = pd.Series(pd.NaT, index=out.index, dtype=DATE_DTYPE)
    out["source"] = [clean_value(v) for v in frame[source_col].tolist()] if source_col else None
    out["speaker"] = [("" if _is_missing(s) else clean_text(str(s)).strip())
                      for s in frame[speaker_col]] if speaker_col else ""
    if empty:
        keep = np.ones(len(out), dtype=bool)
        keep[empty] = False
        out = out[keep].reset_index(drop=True)
    report.documents_analysed += len(out)
    return out


def _check_ids(ids: list[Any], places: list[str], id_col: str,
               seen: dict[Any, str] | None) -> None:
    """Refuse a missing or duplicated id, naming both places (documents are never merged)."""
    seen = {} if seen is None else seen
    missing = [i for i, v in enumerate(ids) if _is_blank(v)]
    if missing:
        raise InputError(f"{places[missing[0]]}, column {id_col!r}: no id"
                         + (f" (and {len(missing) - 1} more documents)" if len(missing) > 1 else ""))
    duplicates: list[tuple[Any, str, str]] = []
    for v, place in zip(ids, places):
        if v in seen:
            duplicates.append((v, place, seen[v]))
        else:
            seen[v] = place
    if duplicates:
        v, place, first = duplicates[0]
        more = "; ".join(f"{v!r} at {p}" for v, p, _ in duplicates[1:SHOWN])
        raise InputError(f"{place}, column {id_col!r}: the id {v!r} is already that of {first}"
                         + (f" ({len(duplicates)} duplicated ids; also {more}"
                            f"{' ...' if len(duplicates) > SHOWN else ''})" if more else "")
                         + "; ids must be unique, as documents are never merged (without an id "
                         "column, documents are numbered by position)")


#: The dtype of the rows' ``date``: microseconds cover the years 1 to 9999 (nanoseconds stop in
#: 1677 and 2262, before the UN's and after anyone's horizon).
DATE_DTYPE = "datetime64[us]"


def _parse_dates(values: pd.Series, date_col: str, places: Sequence[str] | None = None
                 ) -> pd.Series:
    """Dates of a ``date_col``: dates, date strings in any format, or whole years (1957, "1957",
    1957.0: the year's 1 January); dates with a time zone become UTC without one. Raises an
    InputError naming the places (file and line, or row counted from 1) and values of the rows
    whose values are neither, or fall outside the years 1-9999.

    pandas reads a bare number as nanoseconds since 1970; a column of years (the UN General
    Debate corpus has one) would come out as 1970-01-01 for every row, so numbers are read as
    years and any other number is an error.
    """
    places = places or _positions(values.index)
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        return values.dt.tz_convert(None).astype(DATE_DTYPE)
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.astype(DATE_DTYPE)
    values = values.reset_index(drop=True)
    is_number = values.map(lambda v: isinstance(v, (int, float, np.number))
                           and not isinstance(v, (bool, np.bool_)) and not pd.isna(v)).astype(bool)
    numbers = pd.to_numeric(values[is_number], errors="coerce")
    years = numbers[(numbers % 1 == 0) & numbers.between(1, 9999)]
    others = values[~is_number]
    dates = pd.Series(pd.NaT, index=values.index, dtype=DATE_DTYPE)
    if len(years):
        dates[years.index] = pd.to_datetime(years.astype("int64").astype(str).str.zfill(4),
                                            format="%Y").astype(DATE_DTYPE)
    if len(others):
        # time zones are converted to UTC and dropped, so that every date compares with every other
        parsed = pd.to_datetime(others, errors="coerce", format="ISO8601", utc=True)
        retry = parsed.isna() & others.notna()
        if retry.any():  # other formats, one by one ("24 Feb 2022", "02/24/2022")
            parsed[retry] = pd.to_datetime(others[retry], errors="coerce", format="mixed", utc=True)
        dates[others.index] = parsed.dt.tz_convert(None).astype(DATE_DTYPE)
    bad = [i for i, (raw, d) in enumerate(zip(values, dates))
           if pd.isna(d) and not _is_missing(raw) and str(raw).strip()]
    if bad:
        shown = "; ".join(f"{places[i]}: {short_repr(values[i], None)}" for i in bad[:SHOWN])
        raise InputError(f"{places[bad[0]]}, column {date_col!r}: "
                         f"{short_repr(values[bad[0]], None)} is not a date or a year from 1 to "
                         "9999" + (f" ({len(bad)} such values: {shown} ...)" if len(bad) > 1
                                   else ""))
    return dates


def _sentence_rows(doc: tuple, targets: frozenset[str], gazetteer: Gazetteer,
                   role_rules: RoleRules | None = None) -> list[dict[str, Any]]:
    """One pending row per (sentence, target) of a document, with the sentence's mentions.

    ``_text`` is what the models read: the sentence, or the sentence with "the two countries"
    replaced by the pair named just before (:mod:`stance.references`). A leader named in full
    earlier in the document is found again by family name ("Mr Straw", "Kim said").
    """
    doc_id, text, date, source, speaker = doc
    as_of = None if _is_missing(date) else pd.Timestamp(date).date()
    # the government the speaker's code stood for on that date (CHN before 25 October 1971 is
    # the Republic of China); the row's ``speaker`` column keeps the code as given
    holder_speaker = speaker_code(speaker, as_of) if speaker else speaker
    rows: list[dict[str, Any]] = []
    previous: deque[tuple[str, list]] = deque(maxlen=LOOKBACK)
    people = NamedPeople(gazetteer)  # leaders named in full, found again by family name
    for k, sent in enumerate(split_sentences(text)):
        mentions = gazetteer.find(sent.text, as_of)
        again = people.find(sent.text, mentions)
        if again:
            mentions = sorted([*mentions, *again], key=lambda m: m.start)
        people.remember(mentions)
        model_text, resolved = sent.text, mentions
        rewritten = resolve_pair_reference(sent.text, mentions, previous, targets, gazetteer.name)
        if rewritten is not None:
            model_text, resolved = rewritten, gazetteer.find(rewritten, as_of)
        previous.append((sent.text, mentions))
        present = [c for c in dict.fromkeys(m.code for m in resolved) if c in targets]
        if not present:
            continue
        # the one analysed sentence that attribution and every feature read
        analysed = AnalysedSentence(model_text, tuple(resolved), as_of, holder_speaker, sent.start,
                                    sent.end, role_rules)
        for target in present:
            rows.append({"doc_id": doc_id, "sentence_id": k, "start": sent.start, "end": sent.end,
                         "sentence": sent.text, "target": target, "date": date, "source": source,
                         "speaker": speaker, "_speaker": holder_speaker, "_text": model_text,
                         "_sentence": analysed, "_as_of": as_of})
    return rows


def analyze_frame(docs: pd.DataFrame, model: Any, targets: Sequence[str],
                  progress: bool = False, gazetteer: Gazetteer | None = None,
                  role_rules: RoleRules | None = None) -> pd.DataFrame:
    """Analyse normalised documents (columns doc_id, text, date, source, speaker) in one process.

    The stages, in order (``benchmarks/bench_pipeline.py`` times each by calling them the same
    way): :func:`_pending_rows` (sentences, mentions), :func:`_holder_rows` (roles and holders),
    :func:`_classify` (stance, sentiment, events, output columns).
    """
    gazetteer = gazetteer or Gazetteer.default()
    iterator: Iterable = docs.itertuples(index=False, name=None)
    if progress:
        from tqdm.auto import tqdm

        iterator = tqdm(iterator, total=len(docs), desc="analysing", unit="doc")
    pending = _pending_rows(iterator, frozenset(targets), gazetteer, role_rules)
    return _like_input(_classify(_holder_rows(pending, model), model, gazetteer), docs)


def _pending_rows(docs: Iterable[tuple], targets: frozenset[str], gazetteer: Gazetteer,
                  role_rules: RoleRules | None = None) -> list[dict[str, Any]]:
    """One pending row per (sentence, target) of the documents (tuples of doc_id, text, date,
    source, speaker), in order: :func:`_sentence_rows` of each."""
    pending: list[dict[str, Any]] = []
    for doc in docs:
        pending.extend(_sentence_rows(doc, targets, gazetteer, role_rules))
    return pending


def _holder_rows(pending: list[dict[str, Any]], model: Any) -> list[dict[str, Any]]:
    """One record per (pending row, holder) (:func:`stance.attribution.predict_holders_batch`);
    a row without a holder keeps one record with holder "" and ``holder_p`` NaN."""
    from .attribution import predict_holders_batch

    holders_pipe = getattr(model, "holders_", None)
    if holders_pipe is not None and pending:
        groups = [{"text": r["_text"], "target": r["target"], "speaker": r["_speaker"],
                   "sentence": r["_sentence"], "as_of": r["_as_of"]} for r in pending]
        holders = predict_holders_batch(holders_pipe, groups, stance_model=model)
    else:
        holders = [[] for _ in pending]
    records: list[dict[str, Any]] = []
    for row, found in zip(pending, holders):
        base = {k: v for k, v in row.items() if not k.startswith("_") or k in ("_text", "_sentence")}
        for holder, p in found or [("", float("nan"))]:
            records.append({**base, "holder": holder, "holder_p": p})
    return records


def _like_input(rows: pd.DataFrame, docs: pd.DataFrame) -> pd.DataFrame:
    """``doc_id`` and ``source`` with the dtypes of the documents' columns, whatever the chunk
    holds (an empty chunk, or one whose values pandas would infer otherwise)."""
    for column in ("doc_id", "source"):
        if rows[column].dtype != docs[column].dtype:
            rows[column] = rows[column].astype(docs[column].dtype)
    return rows


def _classify(records: list[dict[str, Any]], model: Any, gazetteer: Gazetteer) -> pd.DataFrame:
    """The rows of ``records`` (:func:`_holder_rows`) with every output column, in order: the
    stance (:func:`_stance_input`, the model, :func:`_add_stance`), the holder's name, the
    sentiment (:func:`_add_sentiment`), the event (:func:`_add_events`) and the dtypes."""
    if not records:
        return _empty_rows()
    frame = pd.DataFrame.from_records(records)
    _add_stance(frame, model.predict_proba(_stance_input(frame)), model.classes_)
    frame["holder_name"] = [gazetteer.name(h) if h else "" for h in frame["holder"]]
    _add_sentiment(frame)
    _add_events(frame)
    return _fix_dtypes(frame[ROW_COLUMNS])


def _stance_input(frame: pd.DataFrame) -> pd.DataFrame:
    """What the stance model reads of the rows: the text the models read (``_text``, see
    :func:`_sentence_rows`), holder, target and the sentence's mentions, found once."""
    return pd.DataFrame({"text": frame["_text"], "holder": frame["holder"],
                         "target": frame["target"],
                         MENTIONS: [s.mentions for s in frame["_sentence"]]})


def _add_stance(frame: pd.DataFrame, proba: np.ndarray, classes: Sequence[str]) -> None:
    """The columns ``p_oppose``, ``p_neutral``, ``p_support``, ``stance`` and ``score``."""
    classes = list(classes)
    for label in ("oppose", "neutral", "support"):
        frame[f"p_{label}"] = proba[:, classes.index(label)]
    frame["stance"] = np.asarray(classes, dtype=object)[proba.argmax(axis=1)]
    frame["score"] = frame["p_support"] - frame["p_oppose"]


def _add_sentiment(frame: pd.DataFrame) -> None:
    """The column ``sentiment``: TextBlob polarity of the words around the target."""
    frame["sentiment"] = [sentiment(_window(t, g, 6, s.mentions))[0]
                          for t, g, s in zip(frame["_text"], frame["target"], frame["_sentence"])]


def _add_events(frame: pd.DataFrame) -> None:
    """The columns ``event``, ``event_modifier``, ``quad_class`` and ``intensity``."""
    codes = [_event_codes(t, s.mentions, h, g) for t, s, h, g in
             zip(frame["_text"], frame["_sentence"], frame["holder"], frame["target"])]
    for k, column in enumerate(("event", "event_modifier", "quad_class", "intensity")):
        frame[column] = [c[k] for c in codes]


def _event_codes(text: str, mentions: tuple, holder: str, target: str) -> tuple[str, str, str, float]:
    """The event linking a row's holder to its target (:func:`stance.events.main_event`): PLOVER
    type, modifier, quad class and intensity; empty strings and NaN when none does."""
    if not holder:
        return "", "", "", float("nan")
    found = main_event_of(sentence_events(text, mentions), mentions, holder, target)
    if found is None:
        return "", "", "", float("nan")
    return found.type, found.modifier, found.quad, found.intensity


#: Columns that always hold text, and the dtype pandas gives text (object or str by version).
_TEXT_COLUMNS = ("sentence", "holder", "holder_name", "target", "stance", "event", "event_modifier",
                 "quad_class", "speaker")
_TEXT_DTYPE = pd.Series(["x"]).dtype


def _fix_dtypes(frame: pd.DataFrame) -> pd.DataFrame:
    """The same dtypes whatever the chunk holds (chunks are concatenated and written as they come).

    ``doc_id`` and ``source`` keep the dtype of the user's column.
    """
    for c in ("start", "end", "sentence_id"):
        frame[c] = frame[c].astype("int64")
    for c in ("holder_p", "p_oppose", "p_neutral", "p_support", "score", "sentiment", "intensity"):
        frame[c] = frame[c].astype("float64")
    for c in _TEXT_COLUMNS:
        frame[c] = frame[c].astype(_TEXT_DTYPE)
    frame["date"] = pd.to_datetime(frame["date"]).astype(DATE_DTYPE)
    return frame


def _empty_rows() -> pd.DataFrame:
    return _fix_dtypes(pd.DataFrame({c: pd.Series(dtype=object) for c in ROW_COLUMNS}))


def analyze(
    docs: Any,
    *,
    model: Any = None,
    targets: Sequence[str] = DEFAULT_TARGETS,
    text_col: str = "text",
    id_col: str | None = None,
    date_col: str | None = None,
    speaker_col: str | None = None,
    source_col: str | None = None,
    n_jobs: int = 1,
    progress: bool = False,
    gazetteer: Gazetteer | None = None,
    role_rules: RoleRules | None = None,
    strict: bool = False,
) -> pd.DataFrame:
    """Find who stands where toward the targets, sentence by sentence.

    Parameters
    ----------
    docs : str, iterable of str, Series or DataFrame
        The documents. Documents whose text is missing (None, NaN), empty or blank are skipped
        with one warning that counts and names them (``strict=True`` makes that an error); other
        non-text values raise a ``TypeError``. Lone surrogates ("\\ud800") in texts, ids,
        sources and speakers are replaced by U+FFFD (:func:`stance._checks.clean_text`), which
        keeps every offset.
    model : StanceModel, optional
        Defaults to :func:`stance.load_model`.
    targets : sequence of str, default ("CHN", "RUS", "TWN")
        Actor codes to find stances toward; any code of the gazetteer works. Anything else
        ("rus", "Russia", "XXX") raises a ``ValueError`` that suggests the code when it can.
    text_col, id_col, date_col, speaker_col, source_col : str, optional
        Columns of a DataFrame ``docs``. ``id_col`` gives ``doc_id`` (else the row position);
        ids must be unique and present: a duplicated or missing id raises a ``ValueError`` naming
        both places, since merging two documents would be silent loss;
        ``date_col`` (dates, date strings or whole years such as 1957) resolves leaders' names by
        date and is passed through; ``speaker_col`` names the country that made each statement,
        whose first-person references ("we", "my country") and sentences naming no other holder
        are its own (a sentence that only mentions a target in passing has no holder, unless the
        classifier finds a clear position in it: see :mod:`stance.attribution`). With a date, a
        speaker's code is read as the government it stood for then: ``CHN`` before 25 October
        1971 is the Republic of China, ``TWN`` (:func:`stance.actors.speaker_code`); the
        ``speaker`` column keeps the code as given. ``source_col`` is passed through.
    n_jobs : int, default 1
        Worker processes (joblib); -1 uses all cores. Results are identical to ``n_jobs=1`` and in
        the same order.
    progress : bool, default False
        Show a progress bar (tqdm).
    gazetteer : Gazetteer, optional
        The actors to find (:func:`stance.load_gazetteer` adds a user's aliases); default the
        package's. Each sentence's mentions are found once, with it and the document's date, and
        holder attribution and every feature of the classifier read them.
    role_rules : RoleRules, optional
        The rules that give each mention its role (the victim of the target's act, the place of
        an event, a member of a list...; :mod:`stance.roles`); :func:`stance.roles.load_role_rules`
        adds a user's rules and word classes to the package's.
    strict : bool, default False
        Raise an error instead of skipping a document with no text.

    Returns
    -------
    DataFrame
        One row per (document, sentence, holder, target), columns :data:`ROW_COLUMNS`, and
        ``attrs["report"]``, a :class:`stance.report.RunReport` counting the documents read,
        analysed, naming no target and skipped (why and where), and the rows.
        Columns:
        ``doc_id``, ``sentence_id`` (position in the document), ``start``/``end`` (offsets into the
        document's text), ``sentence``, ``holder`` ("" when no actor takes a position: the tone of
        the coverage), ``holder_name``, ``holder_p`` (attribution probability), ``target``,
        ``stance``, ``p_oppose``, ``p_neutral``, ``p_support``, ``score`` (= p_support - p_oppose),
        ``sentiment`` (TextBlob polarity around the target), ``event`` (the PLOVER event type of
        the act by which the holder treats the target, from the event lexicon,
        :func:`stance.events.main_event`; "" when none is matched), ``event_modifier`` ("plain",
        "modal", "negated" or "refused"), ``quad_class`` (verbal or material cooperation or
        conflict), ``intensity`` (the project's scale from -10, most hostile, to +10, most
        cooperative; 0 for a negated or refused act, NaN when there is no event), ``date``,
        ``source``, ``speaker``. ``date`` is ``datetime64[us]`` (years 1 to 9999); ``doc_id``
        and ``source`` keep the dtypes of the user's columns, whatever ``n_jobs``.
        Sentences that mention no target give no row. "The two countries" (and "both sides",
        "the two leaders"...) counts as the pair of countries named in the two sentences before
        when that pair includes a target (:mod:`stance.references`): "Canada's prime minister
        visited China. The two countries signed trade deals." gives Canada supporting China in
        the second sentence, reported as written.

    Examples
    --------
    >>> rows = analyze("Japan condemned Russia's invasion of Ukraine.")
    >>> rows[["holder", "target", "stance"]].values.tolist()
    [['JPN', 'RUS', 'oppose']]
    >>> rows.attrs["report"].summary()
    '1 documents read: 1 analysed (0 naming no target), 0 skipped; 1 rows'
    """
    from .model import load_model

    targets = _check_targets(targets, gazetteer)
    n_jobs = _check_jobs(n_jobs)
    report = RunReport()
    frame = _as_docs(docs, text_col, id_col, date_col, speaker_col, source_col, report=report,
                     strict=strict)
    _warn_skipped(report)
    model = model or load_model()
    rows = _analyze_parallel(frame, model, targets, n_jobs if len(frame) > 1 else 1, progress,
                             gazetteer, role_rules)
    _count_rows(report, frame, rows)
    rows.attrs["report"] = report
    return rows


def _check_jobs(n_jobs: Any) -> int:
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, (int, np.integer)) or n_jobs == 0:
        raise ValueError(f"n_jobs must be a positive integer or -1 (all cores), got {n_jobs!r}")
    return int(n_jobs)


def _warn_skipped(report: RunReport) -> None:
    if report.skipped:
        warnings.warn(report.skipped_message(), stacklevel=3)


def _count_rows(report: RunReport, docs: pd.DataFrame, rows: pd.DataFrame) -> None:
    """Count the analysed documents that named no target, and the rows (ids are unique)."""
    report.documents_without_target += len(docs) - (rows["doc_id"].nunique() if len(rows) else 0)
    report.rows += len(rows)


def _analyze_partition(part: pd.DataFrame, model: Any, targets: Sequence[str], text_col: str,
                       id_col: str | None, date_col: str | None, speaker_col: str | None,
                       source_col: str | None) -> pd.DataFrame:
    """Analyse one partition of a larger table; ``doc_id`` is the index label without ``id_col``."""
    frame = _as_docs(part, text_col, id_col, date_col, speaker_col, source_col,
                     positions=None if id_col else list(part.index))
    return analyze_frame(frame, model, targets)


#: Characters of text in one unit of work: documents are analysed, and their rows written and
#: counted by the progress bar, a unit at a time. Every call to the classifiers has a fixed cost
#: (checking the rows, building the feature frames), so units are as large as the work allows:
#: on worker processes about 100,000 characters (some 600 news items, two seconds of work), small
#: enough that two workers finish within a unit of each other; in one process about 500,000
#: (some 3,000 news items). On 3,000 news items in one process, 32,000-character units took 1.5
#: times as long as one call, and 128,000-character units 1.1 times (``analyze_frame``, median of
#: 3, this machine).
UNIT_CHARS = 100_000
SERIAL_UNIT_CHARS = 500_000


def _unit_chars(n_jobs: int) -> int:
    return SERIAL_UNIT_CHARS if n_jobs == 1 else UNIT_CHARS


def _units(docs: pd.DataFrame, weight: int = 0, unit_chars: int | None = None
           ) -> list[tuple[pd.DataFrame, int]]:
    """``docs`` cut into consecutive units of about ``unit_chars`` (default :data:`UNIT_CHARS`)
    characters of text, each with its share of ``weight`` (by text; the shares add up to
    ``weight``); one empty unit when there are no documents."""
    unit_chars = unit_chars or UNIT_CHARS
    if len(docs) == 0:
        return [(docs, weight)]
    size = np.cumsum([len(t) + 1 for t in docs["text"]])
    n_units = max(1, min(len(docs), (int(size[-1]) + unit_chars // 2) // unit_chars))
    bounds = np.searchsorted(size, np.linspace(0, size[-1], n_units + 1)[1:-1], side="right")
    bounds = [0, *sorted(set(bounds.tolist()) - {0, len(docs)}), len(docs)]
    done = [weight * int(size[b - 1]) // int(size[-1]) for b in bounds[1:]]
    shares = np.diff([0, *done]).tolist()
    return [(docs.iloc[a:b], share) for a, b, share in zip(bounds[:-1], bounds[1:], shares)]


def _worker_count(n_jobs: int) -> int:
    from joblib import cpu_count

    return cpu_count() if n_jobs < 0 else n_jobs


def _start_workers(n_jobs: int, source: tuple[str, str | None] | None = None) -> Any:
    """joblib's reusable loky executor with ``n_jobs`` workers (-1: all cores), started now.

    Each worker watches, from its start, that this process is still its parent
    (:func:`_watch_parent`), and is given a first task that imports the modules, builds the
    gazetteer and the role rules and loads the model of ``source`` (:func:`_warm_worker`): it
    does so while this process loads the model and reads its input, instead of after the first
    documents are sent.
    """
    from joblib.externals.loky import get_reusable_executor

    workers = _worker_count(n_jobs)
    executor = get_reusable_executor(max_workers=workers, timeout=IDLE_WORKER_SECONDS,
                                     initializer=_watch_parent, initargs=(os.getpid(),),
                                     env=_ONE_THREAD)
    if not getattr(executor, "_stance_warmed", False):
        for _ in range(workers):
            executor.submit(_warm_worker, source)
        executor._stance_warmed = True  # a new executor (after a shutdown) is warmed again
    return executor


def _warm_worker(source: tuple[str, str | None] | None = None) -> None:
    """Worker side: import what analysing needs, build the default gazetteer and role rules
    (both cached for the process's life) on a sentence, and load the model of ``source`` when
    its file is there (:func:`_load_shared_model`; a problem is left to the first documents)."""
    from . import model
    from .roles import RoleRules

    if source is not None and (source[1] is not None or model._default_path().is_file()):
        try:
            _load_shared_model(source)
        except Exception:  # raised again, to this process, by the first unit's task
            pass

    gazetteer = Gazetteer.default()
    RoleRules.default()
    doc = ("warm", "Japan condemned Russia. The two countries met.", None, None, "")
    for row in _sentence_rows(doc, frozenset(DEFAULT_TARGETS), gazetteer):
        sentiment(_window(row["_text"], row["target"], 6, row["_sentence"].mentions))
        sentence_events(row["_text"], row["_sentence"].mentions)


def _analyze_units(units: Iterable[tuple[pd.DataFrame | None, Any]], model: Any,
                   targets: Sequence[str], n_jobs: int, gazetteer: Gazetteer | None = None,
                   role_rules: RoleRules | None = None, executor: Any = None,
                   source: tuple[str, str | None] | None = None
                   ) -> Iterator[tuple[pd.DataFrame | None, pd.DataFrame | None, Any]]:
    """Analyse units of normalised documents; yield ``(docs, rows, tag)`` for each, in order.

    With ``n_jobs`` 1 each unit is analysed here when it is reached. Otherwise units go to worker
    processes (joblib's loky executor, reused across calls; the model reaches each worker once,
    as a file: ``source``, the file ``model`` was loaded from, else one written for them) as they
    are read, with up to four per worker in flight, so that reading, writing
    and the workers overlap and no worker waits for the slowest unit of a chunk; results come
    back in input order. A unit whose ``docs`` is None only carries its tag (progress of
    documents that were not analysed) and keeps its place in the order.
    """
    if n_jobs == 1:
        for docs, tag in units:
            rows = None if docs is None else analyze_frame(docs, model, targets,
                                                           gazetteer=gazetteer,
                                                           role_rules=role_rules)
            yield docs, rows, tag
        return
    pending: deque[tuple[pd.DataFrame | None, Any, Any]] = deque()
    try:
        executor = executor or _start_workers(n_jobs)
        path = source or _model_file(model)
        ahead = 4 * _worker_count(n_jobs)
        for docs, tag in units:
            future = None if docs is None else executor.submit(
                _analyze_chunk, path, docs, targets, gazetteer, role_rules)
            pending.append((docs, tag, future))
            while len(pending) > ahead:
                docs, tag, future = pending.popleft()
                yield docs, None if future is None else future.result(), tag
        while pending:
            docs, tag, future = pending.popleft()
            yield docs, None if future is None else future.result(), tag
    except BaseException:  # interrupted, bad input, or a worker died: leave no worker behind
        stop_workers()  # (cancelling the pending futures first upsets loky's shutdown)
        raise


def _progress_bar(total: float | None, unit: str) -> Any:
    """A tqdm bar (``unit`` "B" counts bytes, scaled to kB and MB)."""
    from tqdm.auto import tqdm

    return tqdm(total=total, desc="analysing", unit=unit, unit_scale=unit == "B",
                unit_divisor=1000)


def _analyze_parallel(frame: pd.DataFrame, model: Any, targets: Sequence[str], n_jobs: int,
                      progress: bool, gazetteer: Gazetteer | None = None,
                      role_rules: RoleRules | None = None) -> pd.DataFrame:
    """Analyse normalised documents in units (:func:`_analyze_units`), in this process when
    ``n_jobs`` is 1 or on worker processes; the bar counts documents as their units finish."""
    bar = _progress_bar(len(frame), "doc") if progress else None
    try:
        found = []
        units = ((docs, None) for docs, _ in _units(frame, 0, _unit_chars(n_jobs)))
        for docs, rows, _ in _analyze_units(units, model, targets, n_jobs, gazetteer, role_rules):
            if len(rows):
                found.append(rows)
            if bar is not None:
                bar.update(len(docs))
    finally:
        if bar is not None:
            bar.close()
    out = pd.concat(found, ignore_index=True) if found else _empty_rows()
    return _like_input(out, frame)


def stop_workers() -> None:
    """Stop joblib's worker processes now (they otherwise idle for minutes after a run).

    Called when a parallel run is interrupted or a worker dies, and by the command line on
    exit. Workers also stop by themselves when their parent process dies, even by ``kill -9``
    (:func:`_watch_parent`), or after :data:`IDLE_WORKER_SECONDS` without work.
    """
    from joblib.externals.loky import reusable_executor

    executor = reusable_executor._executor
    if executor is not None:
        executor.shutdown(wait=False, kill_workers=True)


#: Seconds a worker process idles, waiting for the next call, before it exits (joblib's value).
IDLE_WORKER_SECONDS = 300
#: One BLAS/OpenMP thread per worker: the workers already use the cores.
_ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def _watch_parent(parent: int) -> None:
    """In a worker, from its start: exit as soon as ``parent`` is no longer its parent process
    (killed, even by ``kill -9``: the worker is then adopted by another process)."""
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="stance-parent-watch", daemon=True).start()


#: id(model) -> (weak reference to the model, file holding it) for the workers
_MODEL_FILES: dict[int, tuple[Any, str]] = {}

_MODEL_PREFIX = "stance-model-"


def _remove_stale_model_files(folder: str) -> None:
    """Remove model files left by processes that no longer run (killed by ``kill -9``)."""
    for entry in Path(folder).glob(f"{_MODEL_PREFIX}*-*.joblib"):
        pid = entry.name[len(_MODEL_PREFIX):].split("-", 1)[0]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            entry.unlink(missing_ok=True)
        except OSError:  # alive under another user, or not ours to judge
            continue


def _model_file(model: Any) -> str:
    """A temporary file with ``model`` for the workers (written once per model object, removed
    at exit; its name carries the process id, so that the next run removes it if this one is
    killed before it can)."""
    import atexit
    import tempfile
    import weakref

    import joblib

    known = _MODEL_FILES.get(id(model))
    if known is not None and known[0]() is model and os.path.exists(known[1]):
        return known[1]
    folder = tempfile.gettempdir()
    _remove_stale_model_files(folder)
    fd, path = tempfile.mkstemp(prefix=f"{_MODEL_PREFIX}{os.getpid()}-", suffix=".joblib",
                                dir=folder)
    os.close(fd)
    try:
        joblib.dump(model, path)
    except BaseException:
        os.remove(path)
        raise
    atexit.register(lambda: os.path.exists(path) and os.remove(path))
    try:
        ref = weakref.ref(model)
    except TypeError:  # an object without weak references: keep it alive instead
        ref = (lambda m: lambda: m)(model)
    _MODEL_FILES[id(model)] = (ref, path)
    return path


def _analyze_chunk(path: str | tuple[str, str | None], chunk: pd.DataFrame, targets: Sequence[str],
                   gazetteer: Gazetteer | None = None, role_rules: RoleRules | None = None
                   ) -> pd.DataFrame:
    """Worker side: load the model once per process (workers are reused across calls)."""
    return analyze_frame(chunk, _load_shared_model(path), targets, gazetteer=gazetteer,
                         role_rules=role_rules)


@lru_cache(maxsize=2)
def _load_shared_model(path: str | tuple[str, str | None]) -> Any:
    """A model file written by :func:`_model_file`, or ``("file", PATH)``: the model file the
    calling process loaded with :func:`stance.load_model` (None: the default model), loaded and
    checked the same way."""
    import joblib

    if isinstance(path, tuple):
        from .model import load_model

        return load_model(path[1])
    return joblib.load(path)


def _expand_paths(paths: Any) -> list[Path]:
    import glob

    items = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    files: list[Path] = []
    for item in items:
        text = os.fspath(item)
        if any(ch in text for ch in "*?[") and not Path(text).exists():
            matched = sorted(glob.glob(text, recursive=True))
            if not matched:
                raise FileNotFoundError(f"{text}: the pattern matches no file")
            files.extend(Path(m) for m in matched)
        else:
            files.append(Path(text))
    if not files:
        raise ValueError("paths: no input given")
    return files


def analyze_files(
    paths: Any,
    *,
    out: str | os.PathLike[str] | None = None,
    model: Any = None,
    targets: Sequence[str] = DEFAULT_TARGETS,
    text_col: str = "text",
    id_col: str | None = None,
    date_col: str | None = None,
    speaker_col: str | None = None,
    source_col: str | None = None,
    chunksize: int = 2_000,
    n_jobs: int = 1,
    progress: bool = False,
    gazetteer: Gazetteer | None = None,
    role_rules: RoleRules | None = None,
    encoding: str = "utf-8",
    strict: bool = False,
    report: RunReport | None = None,
) -> pd.DataFrame | Path:
    """Analyse files chunk by chunk, writing rows as they are produced.

    Memory does not grow with the corpus when ``out`` is given: each chunk of ``chunksize``
    documents is analysed, appended to a temporary file beside ``out`` and dropped; the file is
    renamed to ``out`` at the end, so an interrupted run leaves no partial output.

    Parameters
    ----------
    paths : path, glob pattern or list of them
        CSV, TSV, JSONL, Parquet, text files or folders of text files.
    out : path-like, optional
        Output file (CSV, TSV or JSONL; Parquet is written in row groups). Without it, the rows
        are returned as one DataFrame.
    model : StanceModel or path-like, optional
        The model, or a file of one (:func:`stance.load_model`), loaded while worker processes
        start; default the bundled model.
    chunksize : int, default 2000
        Documents read at a time. They are analysed, written and counted by the progress bar in
        units of about :data:`SERIAL_UNIT_CHARS` characters of text in one process, and
        :data:`UNIT_CHARS` on worker processes.
    n_jobs : int, default 1
        Worker processes; -1 uses all cores. They start before the first chunk is read. An input
        of fewer than :data:`MIN_PARALLEL_BYTES` bytes is analysed in this process, where workers
        would cost more to start than they save. The rows are those of ``n_jobs=1``, in the same
        order.
    progress : bool, default False
        Show a progress bar (tqdm) of the input's bytes, from before the first chunk is read,
        advanced as documents are finished (their rows written).
    encoding : str, default "utf-8"
        The encoding of text inputs (:func:`stance.io.iter_documents`).
    report : RunReport, optional
        Filled with the run's accounting (:mod:`stance.report`): documents read, analysed,
        naming no target, skipped (why, and each one's file and line), rows written. The
        returned frame also carries it as ``attrs["report"]``.
    Other parameters
        As in :func:`analyze`. Without ``id_col``, ``doc_id`` is the row position in the file
        (``file:row`` when several files are given), or the file name for text files. Ids must
        be unique across all the files of a run. Errors name the file and the line (CSV, TSV,
        JSONL; counted from 1) or row (Parquet).

    Returns
    -------
    DataFrame or Path
        The rows, or ``out``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.txt").write_text("Japan condemned Russia.", encoding="utf-8")
    >>> analyze_files(folder)[["doc_id", "holder", "target"]].values.tolist()
    [['a.txt', 'JPN', 'RUS']]
    """
    from .io import atomic_write, is_text_input, iter_documents, output_kind
    from .model import load_model

    if not isinstance(chunksize, int) or chunksize < 1:
        raise ValueError(f"chunksize must be a positive integer, got {chunksize!r}")
    targets = _check_targets(targets, gazetteer)
    n_jobs = _check_jobs(n_jobs)
    if out is not None:
        output_kind(out)  # refuse a format we do not write before reading anything
    files = _expand_paths(paths)
    sizes = [_input_bytes(path) for path in files]
    if n_jobs != 1 and sum(sizes) < MIN_PARALLEL_BYTES:
        n_jobs = 1  # workers would not pay for their start
    # workers load a model file themselves (checked as here), instead of one written for them
    source = ("file", None if model is None else os.path.abspath(model)) \
        if n_jobs != 1 and (model is None or isinstance(model, (str, os.PathLike))) else None
    # workers start (imports, gazetteer, role rules, model) while this process loads and reads
    executor = _start_workers(n_jobs, source) if n_jobs != 1 else None
    report = report if report is not None else RunReport()
    seen_ids: dict[Any, str] = {}
    collected: list[pd.DataFrame] = []
    bar = _progress_bar(sum(sizes), "B") if progress else None
    sink = None

    def units() -> Iterator[tuple[pd.DataFrame | None, int]]:
        """Units of the documents of every file; each carries the input bytes it stands for."""
        for path, size in zip(files, sizes):
            done = 0
            weigh = _chunk_weigher(path, size, encoding) if bar is not None else None
            for chunk in iter_documents(path, text_col=text_col, chunksize=chunksize,
                                        encoding=encoding):
                file_id_col = id_col or ("id" if "id" in chunk.columns and is_text_input(path)
                                         else None)
                positions = [f"{path.name}:{i}" for i in chunk.index] if len(files) > 1 \
                    else list(chunk.index)
                weight = 0 if weigh is None else min(weigh(chunk), size - done)
                done += weight
                docs = _as_docs(chunk, text_col, file_id_col, date_col, speaker_col, source_col,
                                positions=positions, report=report, seen_ids=seen_ids,
                                strict=strict)
                yield from _units(docs, weight, _unit_chars(n_jobs))
            yield None, size - done  # what the estimates left out: the bar ends at the total

    try:
        if source is None and (model is None or isinstance(model, (str, os.PathLike))):
            model = load_model(model)
        elif source is not None:
            # the workers load the model file themselves; here it is checked without unpickling
            # (a bad file is named once, before any work), and a missing or bad default model is
            # built once, not once per worker
            from .model import _default_path, verify_model_file

            if source[1] is not None:
                verify_model_file(source[1])
            else:
                try:
                    verify_model_file(_default_path(), default=True)
                except (OSError, ValueError):
                    load_model()
        sink = _RowSink(Path(out), atomic_write) if out is not None else None
        for docs, rows, weight in _analyze_units(units(), model, targets, n_jobs, gazetteer,
                                                  role_rules, executor, source):
            if docs is not None:
                _count_rows(report, docs, rows)
                if sink is not None:
                    sink.write(rows)
                else:
                    collected.append(rows)
            if bar is not None:
                bar.update(weight)
        _warn_skipped(report)
        if sink is not None:
            return sink.close()
    except BaseException:
        if sink is not None:
            sink.abort()
        raise
    finally:
        if bar is not None:
            bar.close()
    found = [r for r in collected if len(r)]
    out_rows = pd.concat(found, ignore_index=True) if found else (
        collected[0] if collected else _empty_rows())
    out_rows.attrs["report"] = report
    return out_rows


#: Input bytes below which ``analyze_files`` (and so ``stance analyze`` and ``stance profile``)
#: runs in one process whatever ``n_jobs``. Each worker imports pandas and scikit-learn, loads the
#: model and builds the gazetteer before its first document: ``stance analyze`` on the news file
#: of ``benchmarks/bench_pipeline.py --cli`` took 22.2 s of processor time with ``--jobs 2``
#: against 15.2 s with ``--jobs 1`` (user time, one run each). With two free cores the workers
#: pay for those 7 s once one process's work is longer than that: about 2 MB of that CSV, read
#: at 0.27 MB/s. On a smaller input they cost more than they save.
MIN_PARALLEL_BYTES = 2_000_000


def _input_bytes(path: Path) -> int:
    """The size of an input in bytes: a file's, or the sum of a folder's text files."""
    from .io import TEXT_SUFFIXES

    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*")
                   if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES)
    try:
        return path.stat().st_size
    except OSError:
        return 0  # the reader names the problem


def _chunk_weigher(path: Path, size: int, encoding: str) -> Callable[[pd.DataFrame], int]:
    """For the progress bar: a function giving about how many bytes of ``path`` (``size`` bytes)
    a chunk read from it took.

    Text files: their sizes. Parquet: the file's size shared by rows (the row count is read
    once). Other tables: the encoded size of every field, with a separator each (quotes and JSON
    keys are left out; the bar is brought to the file's size when it has been read).
    """
    from .io import is_text_input

    if is_text_input(path):
        return lambda chunk: sum(os.path.getsize(p) for p in chunk.attrs.get("places") or []
                                 if os.path.isfile(p))
    if path.suffix.lower() in (".parquet", ".pq"):
        import pyarrow.parquet as pq

        rows = max(pq.ParquetFile(path).metadata.num_rows, 1)
        return lambda chunk: size * len(chunk) // rows

    def fields(chunk: pd.DataFrame) -> int:
        total = 0
        for column in chunk.columns:
            for value in chunk[column].tolist():
                total += 1 + (len(value.encode(encoding, "replace")) if isinstance(value, str)
                              else len(str(value)))
        return total

    return fields


#: Columns written as strings to Parquet: the text columns, and the ids and sources of any type.
_STRING_COLUMNS = ("doc_id", *_TEXT_COLUMNS, "source")


def _arrow_schema() -> Any:
    import pyarrow as pa

    types = {"sentence_id": pa.int64(), "start": pa.int64(), "end": pa.int64(),
             "date": pa.timestamp("us")}
    return pa.schema([(c, pa.string() if c in _STRING_COLUMNS else types.get(c, pa.float64()))
                      for c in ROW_COLUMNS])


class _RowSink:
    """Appends row chunks to a temporary file; renamed into place by :meth:`close`."""

    def __init__(self, path: Path, atomic_write: Any) -> None:
        self.path = path
        self.suffix = path.suffix.lower()
        self.parquet = self.suffix in (".parquet", ".pq")
        self._ctx = atomic_write(path, "wb" if self.parquet else "w")
        self._fh = self._ctx.__enter__()
        self._first = True
        self._writer: Any = None

    def write(self, rows: pd.DataFrame) -> None:
        if self.parquet:
            import pyarrow as pa
            import pyarrow.parquet as pq

            schema = _arrow_schema()
            frame = rows.copy()
            for c in _STRING_COLUMNS:
                frame[c] = [None if _is_missing(v) else str(v) for v in frame[c]]
            if self._writer is None:
                self._writer = pq.ParquetWriter(self._fh, schema)
            self._writer.write_table(pa.Table.from_pandas(frame, schema=schema, preserve_index=False))
        elif self.suffix in (".jsonl", ".ndjson"):
            if len(rows):
                rows.to_json(self._fh, orient="records", lines=True, force_ascii=False,
                             date_format="iso")
        else:
            sep = "\t" if self.suffix in (".tsv", ".tab") else ","
            rows.to_csv(self._fh, sep=sep, index=False, header=self._first, lineterminator="\n")
        self._first = False

    def close(self) -> Path:
        if self._first and self.suffix not in (".jsonl", ".ndjson"):
            self.write(_empty_rows())  # a header (CSV) or a schema (Parquet) even with no rows
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        self._ctx.__exit__(None, None, None)
        return self.path

    def abort(self) -> None:
        if self._writer is not None:
            try:
                self._writer.close()
            except Exception:  # the output is being discarded anyway
                pass
            self._writer = None
        try:
            self._ctx.__exit__(RuntimeError, RuntimeError("aborted"), None)
        except RuntimeError:
            pass
