"""HR's export of the yearly evaluations of one year: CSV and XLSX (the PDF: evaluation_pdf).

One row per **active worker** (role worker, account active) of the organisation, optionally of
one team and with one evaluation status; a worker without an evaluation of the year reads
``not_started``. Workers are read in batches of `BATCH_SIZE` (keyset on name and id), each batch
with its facts from `evaluation_facts.facts_for`, so memory stays flat whatever the size of the
organisation and the number of SQL statements grows by one batch's worth per `BATCH_SIZE`
workers only. What HR may see (portfolio.access, yearly-evaluation section): status, dates, who
signed, the agreements and the facts — never the self-evaluation, the supervisor's evaluation,
reflections, case descriptions or assessment motivations; none of those is ever selected.

Columns, in this order (README, "Yearly evaluation export columns"):

- ``name``, ``email``, ``team``: the worker (``team`` empty without a team);
- ``status``: not_started / prepared / completed / signed (the current version of the year);
- ``prepared_on``, ``completed_on``, ``worker_signed_on``, ``supervisor_signed_on``: ISO dates
  (Europe/Amsterdam) of those steps, empty when not taken;
- ``supervisor``: the name of the supervisor who completed or signed the evaluation;
- ``agreements``: the agreements the supervisor recorded for HR (Kwaliteitslabel Organisatie
  3.10), one line each as ``WMO3: text`` — only once both signed: until then they are a draft
  between the worker and the supervisor, and the cell is empty;
- then every column of `evaluation_facts.FACT_COLUMNS` (year, as_of, signed_sessions,
  art3_covered, art3_missing, last_activity, goals.<status>, <norm>.number / .standing /
  .period_end / .forecast_met_on / .on_track / .shortfall, <norm>.<requirement>[_required],
  <norm>.<category>_hours, self.<competency>, supervisor.<competency>). A signed evaluation
  gives the figures stored with it when the supervisor completed it — the numbers both signed
  (``as_of`` says their date); every other worker's are computed as of 31 December of the year
  (or today within the year), alike for all, so those rows compare.

The audit entry of an export is written before the first byte is sent (format, filters and
``rows=unfinished``) and gets the number of rows sent at the end, also when the download is
broken off; a process killed mid-download leaves ``rows=unfinished``.

A Dutch reader gets the CSV as Dutch Excel opens it (`CsvStyle`): ``;`` between values, a
decimal comma, and the codes of the code columns (``status``, ``<norm>.standing``,
``<norm>.on_track``) and the words of ``<norm>.shortfall`` in Dutch; the English CSV keeps
``,``, ``.`` and the codes. The XLSX's second sheet explains the columns and every code.

Text cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``,
tab or carriage return) get a leading ``'`` in the CSV and are stored as plain text in the
XLSX (OWASP, CSV injection).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import IO

from sqlalchemy import Select, and_, bindparam, case, func, literal, null, or_, select, update
from sqlalchemy.orm import aliased
from sqlmodel import Session

from portfolio.clock import AMSTERDAM
from portfolio.db import read_rows
from portfolio.infra import like
from portfolio.infra.bulk_reads import cyclic_gc_paused
from portfolio.models import AuditEvent, EvaluationStatus, Role, Team, User, YearlyEvaluation
from portfolio.pagination import Page, page_within
from portfolio.services.evaluations.evaluation_columns import FACT_COLUMNS, Cell, fact_row
from portfolio.services.evaluations.evaluation_facts import facts_for
from portfolio.services.privacy import audit

# Large enough that the facts' statements see thousands of workers at once (their fixed cost
# per statement and PostgreSQL's per-statement plans pay off: a tenth of the export's time
# against batches of 500), small enough that a batch's facts stay a few tens of MB.
BATCH_SIZE = 5_000
NOT_STARTED = EvaluationStatus.NOT_STARTED.value
SIGNED = EvaluationStatus.SIGNED.value
UNFINISHED = "unfinished"  # the row count of an export's audit entry until it is known
STATUSES = tuple(status.value for status in EvaluationStatus)

# The columns before the facts: name -> what it holds (the module docstring says more).
BASE_COLUMNS: dict[str, str] = {
    "name": "the worker's name",
    "email": "the worker's e-mail address",
    "team": "the worker's team, empty without one",
    "status": "not_started / prepared / completed / signed",
    "prepared_on": "date the worker prepared (ISO), empty if not",
    "completed_on": "date the supervisor completed the evaluation (ISO), empty if not",
    "worker_signed_on": "date the worker signed (ISO), empty if not",
    "supervisor_signed_on": "date the supervisor signed (ISO), empty if not",
    "supervisor": "the supervisor who completed or signed, empty if none",
    "agreements": (
        "the agreements for HR once both signed, one line each: `competency code: text`; "
        "empty before"
    ),
}
COLUMNS: tuple[str, ...] = (*BASE_COLUMNS, *FACT_COLUMNS)
if len(set(COLUMNS)) != len(COLUMNS):  # checked at import, also under python -O
    raise RuntimeError("an export column name is used twice")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Columns whose values are codes (a Dutch CSV gives their Dutch words) and the shortfall texts.
CODE_COLUMNS = tuple(
    i
    for i, name in enumerate(COLUMNS)
    if name == "status" or name.endswith((".standing", ".on_track"))
)
SHORTFALL_COLUMNS = tuple(i for i, name in enumerate(COLUMNS) if name.endswith(".shortfall"))
# Every code a cell can hold, with its meaning (the XLSX's second sheet lists them).
CODES: dict[str, dict[str, str]] = {
    "status": {
        "not_started": "the worker has not prepared the evaluation of the year",
        "prepared": "the worker prepared it; the supervisor has not completed it",
        "completed": "the supervisor completed it; not both signed yet",
        "signed": "the worker and the supervisor both signed it",
    },
    "<norm>.standing": {
        "on_track": "the norm is met, or will be by the deadline at the current pace",
        "behind": "at the current pace the norm is not met by the deadline",
        "at_risk": "the deadline is near and the norm is not met",
        "expired": "the period ended without the norm met",
        "unknown": "a threshold is to be verified (te verifiëren), so no standing",
    },
    "<norm>.on_track": {
        "yes": "met by the deadline at the current pace",
        "no": "not met by the deadline at the current pace",
    },
}


@dataclass(frozen=True)
class CsvStyle:
    """How the CSV is written. The default is the English CSV: ``,``, a decimal point and the
    codes. A Dutch one: ``;``, a decimal comma, `words` for the codes (code → word) and
    `short_by` for the shortfall texts."""

    delimiter: str = ","
    decimal_comma: bool = False
    words: Mapping[str, str] = field(default_factory=dict)
    short_by: str = "short by"


ENGLISH_CSV = CsvStyle()
_NUMBER_IN_TEXT = re.compile(r"(?<=\d)\.(?=\d)")


@dataclass(frozen=True)
class Selection:
    """Which workers an export or list covers: one organisation's year, maybe a team, a status."""

    organisation_id: int
    year: int
    team_id: int | None = None
    status: str | None = None

    def describe(self) -> str:
        """The filters in words for the audit log (ids only)."""
        return f"year={self.year} team={self.team_id or 'all'} status={self.status or 'all'}"


@dataclass(frozen=True)
class WorkerRow:
    """One worker with the current evaluation of the year as HR may see it."""

    worker_id: int
    name: str
    email: str
    team: str | None
    status: str
    prepared_at: datetime | None
    completed_at: datetime | None
    worker_signed_at: datetime | None
    supervisor_signed_at: datetime | None
    supervisor: str | None
    agreements: str | None


def _status():
    # Inlined, not bound: PostgreSQL only matches GROUP BY to the SELECT list when the two
    # expressions are the same text, and two bound parameters never are.
    return func.coalesce(YearlyEvaluation.status, literal(NOT_STARTED, literal_execute=True))


def _signed_only(column):
    """`column` of a signed evaluation, NULL otherwise: HR never reads a draft."""
    return case((YearlyEvaluation.status == SIGNED, column), else_=null())


_LEAD = aliased(User, name="lead")  # built once (an alias made per call is adapted per request)


def workers_statement(selection: Selection) -> Select:
    """Active workers of the selection, each with their current evaluation (if any)."""
    lead = _LEAD
    status = _status()
    statement = (
        select(
            User.id,
            User.name,
            User.email,
            Team.name,
            status.label("status"),
            YearlyEvaluation.prepared_at,
            YearlyEvaluation.completed_at,
            YearlyEvaluation.worker_signed_at,
            YearlyEvaluation.supervisor_signed_at,
            lead.name,
            _signed_only(YearlyEvaluation.agreements),
        )
        .select_from(User)
        .outerjoin(Team, Team.id == User.team_id)
        .outerjoin(
            YearlyEvaluation,
            and_(
                YearlyEvaluation.worker_id == User.id,
                YearlyEvaluation.year == selection.year,
                YearlyEvaluation.is_current.is_(True),
                YearlyEvaluation.organisation_id == selection.organisation_id,
            ),
        )
        .outerjoin(lead, lead.id == YearlyEvaluation.supervisor_id)
        .where(
            User.organisation_id == selection.organisation_id,
            User.role == Role.WORKER.value,
            User.is_active.is_(True),
        )
    )
    if selection.team_id is not None:
        statement = statement.where(User.team_id == selection.team_id)
    if selection.status is not None:
        statement = statement.where(status == selection.status)
    return statement


@cache
def _page_statement(by_team: bool, by_status: bool) -> Select:
    """One page of `workers_statement` by name, with every value a bound parameter: built once
    per kind of filter, so a request neither builds it nor walks it for SQLAlchemy's statement
    cache key (memoized on the statement)."""
    selection = Selection(
        bindparam("organisation_id"),
        bindparam("year"),
        bindparam("team_id") if by_team else None,
        bindparam("status") if by_status else None,
    )
    return (
        workers_statement(selection)
        .order_by(User.name, User.id)
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
    )


def worker_page(
    db: Session, *, selection: Selection, page: int, per_page: int, total: int | None = None
) -> Page:
    """One page of the selection's workers (WorkerRow items), by name: two statements, one
    when the caller knows how many there are (`status_counts`)."""
    if total is None:
        total = worker_count(db, selection=selection)
    number = page_within(page, total, per_page)
    statement = _page_statement(selection.team_id is not None, selection.status is not None)
    values = {
        "organisation_id": selection.organisation_id,
        "year": selection.year,
        "team_id": selection.team_id,
        "status": selection.status,
        "limit": per_page,
        "offset": (number - 1) * per_page,
    }
    rows = read_rows(db, statement, values)
    return Page([WorkerRow(*row) for row in rows], number, per_page, total)


def selected_count(counts: dict[str, int], selection: Selection) -> int:
    """How many workers the selection holds, from its `status_counts`."""
    return counts[selection.status] if selection.status else sum(counts.values())


def status_counts(db: Session, *, selection: Selection) -> dict[str, int]:
    """{status: active workers} of the year (and team), whatever the status filter: one
    statement."""
    unfiltered = Selection(selection.organisation_id, selection.year, selection.team_id)
    everyone = workers_statement(unfiltered)
    counted = everyone.with_only_columns(_status(), func.count()).group_by(_status())
    counts = dict(db.execute(counted).all())
    return {status: counts.get(status, 0) for status in STATUSES}


def worker_count(db: Session, *, selection: Selection) -> int:
    """How many workers the selection holds: one statement."""
    return db.scalar(select(func.count()).select_from(workers_statement(selection).subquery()))


def worker_batches(
    db: Session, *, selection: Selection, today: date, batch_size: int = BATCH_SIZE
) -> Iterator[list[tuple[WorkerRow, dict]]]:
    """Batches of (worker, facts of the year), by name; one statement plus the facts' per batch.

    A signed evaluation's facts are the ones stored with it (what both signed); the others'
    are computed as of the end of the year (or today within it).
    """
    stored = _signed_only(YearlyEvaluation.facts).label("stored_facts")
    statement = (
        workers_statement(selection)
        .add_columns(stored)
        .order_by(User.name, User.id)
        .limit(batch_size)
    )
    after: tuple[str, int] | None = None
    while True:
        query = statement
        if after is not None:  # keyset: the index on (organisation, name, id) finds the next
            name, worker_id = after
            query = query.where(or_(User.name > name, and_(User.name == name, User.id > worker_id)))
        found = db.execute(query).all()
        if not found:
            return
        batch = [WorkerRow(*row[:-1]) for row in found]
        facts = {row[0]: row[-1] for row in found if row[-1]}
        missing = [worker.worker_id for worker in batch if worker.worker_id not in facts]
        if missing:
            facts |= facts_for(
                db,
                organisation_id=selection.organisation_id,
                worker_ids=missing,
                year=selection.year,
                today=today,
            )
        yield [(worker, facts[worker.worker_id]) for worker in batch]
        if len(batch) < batch_size:
            return
        after = (batch[-1].name, batch[-1].worker_id)


def local_date(moment: datetime | None) -> str | None:
    """The date in the Netherlands of a UTC timestamp, as ISO text."""
    return moment.astimezone(AMSTERDAM).date().isoformat() if moment else None


def base_cells(worker: WorkerRow) -> list[Cell]:
    """The cells of BASE_COLUMNS for one worker."""
    return [
        worker.name,
        worker.email,
        worker.team,
        worker.status,
        local_date(worker.prepared_at),
        local_date(worker.completed_at),
        local_date(worker.worker_signed_at),
        local_date(worker.supervisor_signed_at),
        worker.supervisor,
        worker.agreements,
    ]


def rows(
    db: Session, *, selection: Selection, today: date, batch_size: int = BATCH_SIZE
) -> Iterator[list[Cell]]:
    """Every row of the export (without the header), batch by batch."""
    for batch in worker_batches(db, selection=selection, today=today, batch_size=batch_size):
        for worker, facts in batch:
            yield base_cells(worker) + fact_row(facts)


def _write_batches(
    db: Session,
    selection: Selection,
    today: date,
    batch_size: int,
    write: Callable[[list[Cell]], None],
) -> Iterator[int]:
    """`write` every row, batch by batch; yields the number of rows of each batch written."""
    batches = worker_batches(db, selection=selection, today=today, batch_size=batch_size)
    while True:
        # Paused while a batch is computed and written, not while it is sent.
        with cyclic_gc_paused():
            batch = next(batches, None)
            if batch is None:
                return
            for worker, facts in batch:
                write(base_cells(worker) + fact_row(facts))
        yield len(batch)


def _csv_cells(cells: list[Cell]) -> list[Cell]:
    """Formula-like text with a leading ' (OWASP, CSV injection)."""
    # One comprehension, no call per cell: an export writes 90 cells per worker.
    return ["'" + v if isinstance(v, str) and v.startswith(FORMULA_STARTS) else v for v in cells]


def _localised_cells(cells: list[Cell], style: CsvStyle) -> list[Cell]:
    """A Dutch row: decimal commas, the codes' words, Dutch shortfall texts (see `CsvStyle`)."""
    row = [
        ("'" + v if v.startswith(FORMULA_STARTS) else v)
        if isinstance(v, str)
        else str(v).replace(".", ",")
        if isinstance(v, float | Decimal)
        else v
        for v in cells
    ]
    words = style.words
    for index in CODE_COLUMNS:
        value = row[index]
        if value in words:
            row[index] = words[value]
    for index in SHORTFALL_COLUMNS:
        if row[index]:
            text = row[index].replace("short by", style.short_by)
            row[index] = _NUMBER_IN_TEXT.sub(",", text) if style.decimal_comma else text
    return row


def csv_chunks(
    db: Session,
    *,
    selection: Selection,
    today: date,
    on_done: Callable[[int], None],
    batch_size: int = BATCH_SIZE,
    style: CsvStyle = ENGLISH_CSV,
) -> Iterator[str]:
    """The CSV (header first), one chunk of text per batch. `on_done(rows written)` runs at the
    end, also when the download is broken off (then with the rows sent so far)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=style.delimiter, lineterminator="\r\n")
    written = 0

    if style == ENGLISH_CSV:

        def write(cells: list[Cell]) -> None:
            writer.writerow(_csv_cells(cells))

    else:

        def write(cells: list[Cell]) -> None:
            writer.writerow(_localised_cells(cells, style))

    try:
        writer.writerow(COLUMNS)
        for count in _write_batches(db, selection, today, batch_size, write):
            chunk = buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            written += count  # handed over for sending
            yield chunk
        if buffer.tell():
            yield buffer.getvalue()  # only the header: nobody selected
    finally:
        on_done(written)


def _xlsx_value(sheet, value: Cell):
    from openpyxl.cell import WriteOnlyCell  # imported by write_xlsx already: a dict lookup
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if value.startswith("="):  # openpyxl would store it as a formula
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def write_xlsx(
    db: Session,
    *,
    selection: Selection,
    today: date,
    target: IO[bytes],
    batch_size: int = BATCH_SIZE,
) -> int:
    """Write the XLSX to `target` (write-only workbook: rows go to disk as they come).

    Sheet one holds the same header and rows as the CSV; sheet two each column's description.
    Returns the number of worker rows.
    """
    from openpyxl import Workbook  # only here: most processes never write a workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(f"evaluations {selection.year}")
    sheet.append(COLUMNS)

    def write(cells: list[Cell]) -> None:
        sheet.append([_xlsx_value(sheet, v) for v in cells])

    written = sum(_write_batches(db, selection, today, batch_size, write))
    legend = workbook.create_sheet("columns")
    legend.append(("column", "meaning"))
    for name, meaning in BASE_COLUMNS.items():
        legend.append((name, meaning))
    for name, column in FACT_COLUMNS.items():
        legend.append((name, column.description))
    legend.append(())
    legend.append(("column", "code", "meaning"))
    for name, codes in CODES.items():
        for code, meaning in codes.items():
            legend.append((name, code, meaning))
    workbook.save(target)
    return written


def _export_detail(file_format: str, selection: Selection, rows: int | str) -> str:
    return f"format={file_format} {selection.describe()} rows={rows}"


def start_export(
    db: Session, *, actor: User, file_format: str, selection: Selection, now: datetime
) -> int:
    """Write the export to the audit log before anything is sent (format and filters; the row
    count reads `unfinished` until `finish_export`); returns the entry's id."""
    event = audit.record(
        db,
        actor=actor,
        action="export_evaluations",
        subject_type="yearly_evaluation",
        detail=_export_detail(file_format, selection, UNFINISHED),
        organisation_id=selection.organisation_id,
    )
    event.at = now
    db.flush()
    return event.id


def finish_export(
    db: Session, *, event_id: int, file_format: str, selection: Selection, rows_written: int
) -> None:
    """Put the number of rows sent on the export's audit entry, and commit it.

    A step commit: it runs while the response streams, after the request's own commit.
    """
    db.execute(
        update(AuditEvent)
        .where(AuditEvent.id == event_id)
        .values(detail=_export_detail(file_format, selection, rows_written))
    )
    db.commit()


def teams(db: Session, *, organisation_id: int, limit: int) -> list[tuple[int, str]]:
    """(id, name) of the organisation's first `limit` teams by name: the choices of the team
    filter."""
    statement = (
        select(Team.id, Team.name)
        .where(Team.organisation_id == organisation_id)
        .order_by(Team.name, Team.id)
        .limit(limit)
    )
    return [tuple(row) for row in db.execute(statement)]


def team_named(db: Session, *, organisation_id: int, team_id: int) -> tuple[int, str] | None:
    """(id, name) of one team of the organisation; None for another organisation's or none."""
    found = db.execute(
        select(Team.id, Team.name).where(
            Team.id == team_id, Team.organisation_id == organisation_id
        )
    ).first()
    return tuple(found) if found else None


def teams_matching(
    db: Session, *, organisation_id: int, text: str, limit: int
) -> list[tuple[int, str]]:
    """(id, name) of at most `limit` of the organisation's teams whose name holds `text` (any
    case), those named exactly `text` first, then by name."""
    exact = func.lower(Team.name) == text.lower()
    return [
        tuple(row)
        for row in db.execute(
            select(Team.id, Team.name)
            .where(
                Team.organisation_id == organisation_id,
                Team.name.ilike(like.containing(text), escape=like.ESCAPE),
            )
            .order_by(exact.desc(), Team.name, Team.id)
            .limit(limit)
        )
    ]
