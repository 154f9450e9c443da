"""P4 and P5: HR's yearly-evaluation export (CSV; XLSX) beside one `COPY (SELECT …) TO STDOUT`.

The app side is `portfolio.services.evaluations.evaluation_export`: `csv_chunks` (P4; the chunks are
encoded to UTF-8 as the download view does, and dropped) and `write_xlsx` into a temporary
file (P5). Both export the demo organisation's active workers for `evaluation_seed.YEAR`, as
of `evaluation_seed.TODAY`, without filters, in a session connected before the timing starts.

P5 runs in a spawned child process of its own, so that its peak memory is the export's: the
child's peak resident set (VmHWM of /proc/self/status) beside its resident set just before the
export. getrusage's ru_maxrss is no use here: Linux carries it over from the parent at fork and
exec, so a child of this (large) benchmark process reports the parent's size; it is logged for
comparison.

The floor is PostgreSQL's `COPY (SELECT …) TO STDOUT WITH (FORMAT csv, HEADER)` of one SELECT
(`floor_query`: CTEs and hash aggregates over the organisation's rows; on a connection with JIT
off and 64 MB work_mem, see `_floor_connection`) that returns one row per active worker, by
name and id:

- the base columns as the export has them: name, email, team, status (not_started without an
  evaluation), the four dates of the steps as dates in Europe/Amsterdam, the supervisor's name,
  and the agreements of a signed evaluation — from the current evaluation of the year;
- for a signed evaluation, the facts stored with it (JSON text, as the app reads them);
- year and as_of;
- for every worker (the app computes them for the others only; leaving the signed ones out costs
  PostgreSQL more than it saves), from the entries up to as_of: the signed peer-review sessions of
  the year that no correction supersedes, the date of the latest entry, the hours per entry kind in
  the year (reflection, training, peer_review, other: what art. 3 coverage depends on), the
  activity types of the year's entries of kind "other" and the art. 3 requirements its entries
  are linked to; development goals per status (created before the
  end of as_of, Amsterdam time); per norm the product knows, for the newest registration whose
  period overlaps the year, the registration number, the period's last day and, from the entries
  inside the period up to as_of that no correction supersedes, the hours of accredited and of other
  training, of peer review, of other activities, and the work hours (hours a week × overlapping days
  / 7); the level per competency of the latest self-assessment and of the latest assessment by
  someone else up to as_of (a window function, as the app's).

The floor does NOT: apply the norms (category rules such as peer-review forms, minimum session
length and activity types; caps; totals; thresholds and organisation overrides; met, standing,
"te verifiëren"; the forecast, on_track and shortfall), name the art. 3 requirements (it gives
their inputs), unpack the stored facts of signed evaluations into columns, escape formula-like
text (CSV injection) or write XLSX. Those are the app's own work in Python; the floor is the
cheapest way to read and aggregate the same data in the database. Before timing, the benchmark
checks that app and floor agree, worker by worker, on the base columns and, where the floor
computes them, on signed sessions, latest activity, goal counts, registration number and period
end, art. 3 coverage (derived from the floor's kinds, activity types and linked requirements)
and competency levels (for signed evaluations: signed sessions and latest activity of the
stored facts); a disagreement is printed as a warning.

PostgreSQL only (the floor is COPY); the data: `bench.evaluation_seed`.
"""

from __future__ import annotations

import csv
import io
import json
import resource
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from multiprocessing import get_context
from zoneinfo import ZoneInfo

import psycopg
from sqlalchemy.engine import make_url
from sqlmodel import Session

import competencies
from bench import evaluation_seed
from bench.databases import POSTGRES, fresh_database
from bench.timing import Result, alternate, format_table, median, timed, within_ratio
from portfolio.db import make_engine
from portfolio.services.evaluations import evaluation_export
from portfolio.services.evaluations.evaluation_export import Selection
from portfolio.services.evaluations.evaluation_facts import as_of_for

CSV_TARGET = 3.0
XLSX_TARGET = 10.0
XLSX_MEMORY_MB = 200.0
SIZES = (5_000, 70_000)
QUICK_SIZES = (500, 5_000)
YEARS = 5
QUICK_YEARS = 1
KINDS = ("reflection", "training", "peer_review", "other")
GOAL_STATUSES = ("open", "in_progress", "achieved", "dropped")
AMSTERDAM = "Europe/Amsterdam"


# --- the floor -------------------------------------------------------------------------------


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _norm_columns() -> tuple[str, str]:
    """(pivot per owner, outer select list) of the per-norm columns."""
    pivots, outer = [], []
    fields = (
        "number",
        "period_end",
        "training_accredited",
        "training_other",
        "peer_review",
        "other",
        "work_hours",
    )
    for norm in competencies.all_norms():
        norm_id = norm.id.replace("'", "''")
        for field in fields:
            # Hours columns are named apart from the app's (points after the norm's rules).
            name = f"{norm.id}.{field if field in ('number', 'period_end') else 'hours_' + field}"
            pivots.append(f"max(r.{field}) FILTER (WHERE r.norm_id = '{norm_id}') AS {_q(name)}")
            outer.append(f"regs.{_q(name)}")
    return ",\n       ".join(pivots), ", ".join(outer)


def _level_columns() -> tuple[str, str]:
    pivots, outer = [], []
    for kind, condition in (("self", "r.is_self"), ("supervisor", "NOT r.is_self")):
        for competency in competencies.COMPETENCIES:
            name = f"{kind}.{competency.code}"
            pivots.append(
                f"max(c.level_code) FILTER (WHERE {condition} AND "
                f"c.competency_code = '{competency.code}') AS {_q(name)}"
            )
            outer.append(f"levels.{_q(name)}")
    return ",\n       ".join(pivots), ", ".join(outer)


def floor_query(organisation_id: int, year: int, today: date) -> str:
    """The floor's SELECT (literals inlined: COPY takes no parameters). See the docstring."""
    as_of = as_of_for(year, today)
    org, start, end = int(organisation_id), f"date '{year}-01-01'", f"date '{as_of.isoformat()}'"
    created_before = datetime.combine(as_of + timedelta(days=1), clock_time(), ZoneInfo(AMSTERDAM))
    years = " ".join(f"WHEN '{n.id}' THEN {int(n.period_years)}" for n in competencies.all_norms())
    period_end = f"(r.registered_on + make_interval(years => CASE r.norm_id {years} END))::date"
    kind_hours = ",\n       ".join(
        f"sum(e.hours) FILTER (WHERE e.kind = '{k}' AND e.occurred_on >= {start}) AS {k}_hours"
        for k in KINDS
    )
    goal_counts = ",\n       ".join(
        f"count(*) FILTER (WHERE g.status = '{s}') AS {_q('goals.' + s)}" for s in GOAL_STATUSES
    )
    goal_outer = ", ".join(
        f"coalesce(g.{_q('goals.' + s)}, 0) AS {_q('goals.' + s)}" for s in GOAL_STATUSES
    )
    accredited = "coalesce(e.accredited_by, '') <> ''"
    kind_outer = ", ".join(f"a.{k}_hours" for k in KINDS)
    norm_pivots, norm_outer = _norm_columns()
    level_pivots, level_outer = _level_columns()
    local = "::timestamptz AT TIME ZONE '" + AMSTERDAM + "')::date"
    # As the app's norm_sums.NOT_SUPERSEDED: a hashed NOT IN over the few corrections.
    not_superseded = (
        "(e.id, e.owner_id) NOT IN (SELECT c.supersedes_id, c.owner_id FROM entry c"
        " WHERE c.supersedes_id IS NOT NULL)"
    )
    # Only our own ints, dates and catalogue codes are inlined (COPY takes no parameters).
    return f"""
WITH w AS (
  SELECT u.id, u.name, u.email, u.team_id FROM user_account u
   WHERE u.organisation_id = {org} AND u.role = 'worker' AND u.is_active
), activity AS (
  SELECT e.owner_id, max(e.occurred_on) AS last_activity,
       count(*) FILTER (WHERE e.kind = 'peer_review' AND e.status = 'signed'
                        AND e.occurred_on >= {start} AND {not_superseded}) AS signed_sessions,
       {kind_hours}
    FROM entry e
   WHERE e.organisation_id = {org} AND e.occurred_on <= {end}
   GROUP BY e.owner_id
), art3 AS (
  SELECT e.owner_id,
       string_agg(DISTINCT e.activity_type, ' ') FILTER (WHERE e.kind = 'other') AS other_types,
       string_agg(DISTINCT e.art3_requirement, ' ') AS art3_linked
    FROM entry e
   WHERE e.organisation_id = {org} AND e.occurred_on BETWEEN {start} AND {end}
     AND (e.kind = 'other' AND e.activity_type IS NOT NULL OR e.art3_requirement IS NOT NULL)
   GROUP BY e.owner_id
), reg AS (
  SELECT DISTINCT ON (r.owner_id, r.norm_id) r.id, r.owner_id, r.norm_id,
         r.registration_number, r.registered_on, {period_end} AS period_end
    FROM registration r
   WHERE r.organisation_id = {org} AND r.registered_on <= {end} AND {period_end} > {start}
   ORDER BY r.owner_id, r.norm_id, r.registered_on DESC, r.id DESC
), reg_hours AS (
  SELECT r.id,
       sum(e.hours) FILTER (WHERE e.kind = 'training' AND {accredited}) AS training_accredited,
       sum(e.hours) FILTER (WHERE e.kind = 'training' AND NOT {accredited}) AS training_other,
       sum(e.hours) FILTER (WHERE e.kind = 'peer_review') AS peer_review,
       sum(e.hours) FILTER (WHERE e.kind = 'other') AS other,
       sum(e.hours_per_week * (least(coalesce(e.end_on, {end}), {end}, r.period_end - 1)
                               - greatest(e.occurred_on, r.registered_on) + 1) / 7.0)
           FILTER (WHERE e.kind = 'work') AS work_hours
    FROM reg r JOIN entry e ON e.owner_id = r.owner_id AND e.occurred_on <= {end}
         AND e.occurred_on < r.period_end
         AND (e.occurred_on >= r.registered_on
              OR e.kind = 'work' AND coalesce(e.end_on, {end}) >= r.registered_on)
   WHERE {not_superseded}
   GROUP BY r.id
), regs AS (
  SELECT r.owner_id,
       {norm_pivots}
    FROM (SELECT reg.owner_id, reg.norm_id, reg.registration_number AS number,
                 reg.period_end - 1 AS period_end, h.training_accredited, h.training_other,
                 h.peer_review, h.other, h.work_hours
            FROM reg LEFT JOIN reg_hours h ON h.id = reg.id) r
   GROUP BY r.owner_id
), ranked AS (
  SELECT a.id, a.subject_id, a.subject_id = a.assessor_id AS is_self,
         row_number() OVER (PARTITION BY a.subject_id, a.subject_id = a.assessor_id
                            ORDER BY a.assessed_on DESC, a.id DESC) AS rank
    FROM competency_assessment a
   WHERE a.organisation_id = {org} AND a.assessed_on <= {end}
), levels AS (
  SELECT r.subject_id,
       {level_pivots}
    FROM ranked r JOIN competency_rating c ON c.assessment_id = r.id
   WHERE r.rank = 1
   GROUP BY r.subject_id
), goals AS (
  SELECT g.owner_id,
       {goal_counts}
    FROM development_goal g
   WHERE g.organisation_id = {org} AND g.created_at < timestamptz '{created_before.isoformat()}'
   GROUP BY g.owner_id
)
SELECT w.name, w.email, t.name AS team, coalesce(ev.status, 'not_started') AS status,
       (ev.prepared_at{local} AS prepared_on, (ev.completed_at{local} AS completed_on,
       (ev.worker_signed_at{local} AS worker_signed_on,
       (ev.supervisor_signed_at{local} AS supervisor_signed_on,
       lead.name AS supervisor, CASE WHEN ev.status = 'signed' THEN ev.agreements END
       AS agreements, CASE WHEN ev.status = 'signed' THEN ev.facts END AS stored_facts,
       {int(year)} AS year, {end} AS as_of,
       coalesce(a.signed_sessions, 0) AS signed_sessions, a.last_activity,
       {kind_outer}, art3.other_types, art3.art3_linked,
       {goal_outer},
       {norm_outer},
       {level_outer}
  FROM w
  LEFT JOIN team t ON t.id = w.team_id
  LEFT JOIN yearly_evaluation ev ON ev.worker_id = w.id AND ev.year = {int(year)}
       AND ev.is_current AND ev.organisation_id = {org}
  LEFT JOIN user_account lead ON lead.id = ev.supervisor_id
  LEFT JOIN activity a ON a.owner_id = w.id
  LEFT JOIN art3 ON art3.owner_id = w.id
  LEFT JOIN goals g ON g.owner_id = w.id
  LEFT JOIN regs ON regs.owner_id = w.id
  LEFT JOIN levels ON levels.subject_id = w.id
 ORDER BY w.name, w.id"""  # noqa: S608


def _conninfo(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _floor_connection(url: str) -> psycopg.Connection:
    """A connection set up for one bulk query: without JIT (compiling this query costs
    PostgreSQL seconds, its estimates being far above jit_above_cost) and with 64 MB work_mem
    (with the default 4 MB its hash aggregates spill to disk at 70,000 workers)."""
    return psycopg.connect(_conninfo(url), options="-c jit=off -c work_mem=64MB")


def _copy_out(connection: psycopg.Connection, query: str) -> bytes:
    """The floor: the query's rows as CSV with a header, in one COPY."""
    with connection.cursor() as cursor:
        sql = f"COPY ({query}) TO STDOUT WITH (FORMAT csv, HEADER)"
        with cursor.copy(sql) as copy:  # type: ignore[arg-type]
            data = b"".join(bytes(chunk) for chunk in copy)
    connection.rollback()
    return data


# --- the app ---------------------------------------------------------------------------------


def _selection(organisation_id: int) -> Selection:
    return Selection(organisation_id=organisation_id, year=evaluation_seed.YEAR)


def _export_csv(session: Session, organisation_id: int) -> bytes:
    """What the CSV download sends, joined (the view streams the same chunks)."""
    chunks = evaluation_export.csv_chunks(
        session,
        selection=_selection(organisation_id),
        today=evaluation_seed.TODAY,
        on_done=lambda rows: None,
    )
    data = b"".join(chunk.encode() for chunk in chunks)
    session.rollback()
    return data


def _rows_by_email(data: bytes) -> dict[str, dict[str, str]]:
    return {row["email"]: row for row in csv.DictReader(io.StringIO(data.decode()))}


def _art3_covered(row: dict[str, str]) -> int:
    """The number of art. 3 requirements the floor's inputs cover, by the catalogue's own rule
    (competencies.art3_coverage) over evidence standing for them: an entry of each kind found,
    one of kind "other" per activity type, one linked to each requirement named."""
    day = date(int(row["year"]), 1, 1)
    evidence = [competencies.Evidence(k, k, day) for k in KINDS if row[f"{k}_hours"] != ""]
    evidence += [competencies.Evidence(t, "other", day, type=t) for t in row["other_types"].split()]
    evidence += [
        competencies.Evidence(c, "", day, requirement=c) for c in row["art3_linked"].split()
    ]
    return sum(c.covered for c in competencies.art3_coverage(evidence, day.year))


def disagreements(app: bytes, floor: bytes) -> tuple[int, list[str]]:
    """(rows, what differs) between the app's CSV and the floor, on what both compute.

    Base columns for every worker. The computed facts (signed sessions, latest activity, goal
    counts, registration number and period end, art. 3 coverage, levels) for the workers the
    floor computes them for; for signed evaluations, the signed sessions and latest activity
    of the stored facts the floor reads.
    """
    app_rows, floor_rows = _rows_by_email(app), _rows_by_email(floor)
    if app_rows.keys() != floor_rows.keys():
        return len(app_rows), [f"{len(app_rows ^ floor_rows.keys())} workers in one only"]
    header = next(iter(floor_rows.values()), {})
    base = [c for c in evaluation_export.BASE_COLUMNS if c in header]
    computed = [c for c in evaluation_export.COLUMNS if c in header and c not in base]
    computed += [f"{n.id}.{f}" for n in competencies.all_norms() for f in ("number", "period_end")]
    problems = []
    for email, app_row in app_rows.items():
        floor_row = floor_rows[email]
        expected = {c: floor_row[c] for c in base}
        if floor_row["stored_facts"]:
            stored = json.loads(floor_row["stored_facts"])
            expected["signed_sessions"] = str(stored["signed_sessions"])
            expected["last_activity"] = stored["last_activity"] or ""
        else:
            expected |= {c: floor_row[c] for c in computed}
            expected["art3_covered"] = str(_art3_covered(floor_row))
        for column, floor_value in expected.items():
            app_value = app_row.get(column)
            if column.startswith("goals.") and app_value == "":
                app_value = "0"
            if app_value != floor_value:
                problems.append(f"{email} {column}: app {app_value!r}, floor {floor_value!r}")
    return len(app_rows), problems


def _measure_csv(url: str, organisation_id: int, *, quick: bool, say) -> Result:
    query = floor_query(organisation_id, evaluation_seed.YEAR, evaluation_seed.TODAY)
    engine = make_engine(url)
    try:
        with _floor_connection(url) as connection, Session(engine) as session:
            session.connection()  # connected outside the timing, as the floor is
            rows, problems = disagreements(
                _export_csv(session, organisation_id), _copy_out(connection, query)
            )
            if problems:
                say(
                    f"  WARNING: app and floor disagree on {len(problems)} value(s), e.g. "
                    + "; ".join(problems[:3])
                )
            count = 2 if quick or rows > 10_000 else 3  # 70,000 workers: minutes per export
            app, floor = alternate(
                lambda: _export_csv(session, organisation_id),
                lambda: _copy_out(connection, query),
                warmup=0,
                count=count,
                budget_s=0,
            )
    finally:
        engine.dispose()
    app_s, floor_s = median(app), median(floor)
    return Result(
        "P4",
        f"evaluation export CSV, {rows:,} workers × {_years(quick)} y vs COPY TO STDOUT",
        app_s,
        floor_s,
        f"≤ {CSV_TARGET:g}×",
        within_ratio(app_s, floor_s, CSV_TARGET),
    )


def _years(quick: bool) -> int:
    return QUICK_YEARS if quick else YEARS


# --- P5: XLSX in a child process ------------------------------------------------------------


def _status_mb(field: str) -> float:
    """A memory field of /proc/self/status (VmRSS: resident now, VmHWM: peak resident), in MB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024  # kB
    raise LookupError(field)


def _ru_maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def xlsx_child(url: str, organisation_id: int) -> dict:
    """Run in a fresh (spawned) process: write the XLSX to a temporary file, once."""
    engine = make_engine(url)
    try:
        with Session(engine) as session, tempfile.TemporaryFile() as target:
            session.connection()
            before, peak_before = _status_mb("VmRSS"), _status_mb("VmHWM")
            rows = []

            def export() -> None:
                rows.append(
                    evaluation_export.write_xlsx(
                        session,
                        selection=_selection(organisation_id),
                        today=evaluation_seed.TODAY,
                        target=target,
                    )
                )

            seconds = timed(export)
            size = target.tell()
    finally:
        engine.dispose()
    return {
        "seconds": seconds,
        "rows": rows[0],
        "before_mb": before,
        "peak_before_mb": peak_before,
        "peak_mb": _status_mb("VmHWM"),
        "ru_maxrss_mb": _ru_maxrss_mb(),
        "bytes": size,
    }


def _measure_xlsx(
    url: str, organisation_id: int, floor_s: float, *, quick: bool, say
) -> list[Result]:
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        found = pool.submit(xlsx_child, url, organisation_id).result()
    app_s, peak = found["seconds"], found["peak_mb"]
    say(
        f"  XLSX child: VmHWM {peak:.0f} MB (before the export {found['peak_before_mb']:.0f} MB),"
        f" VmRSS before {found['before_mb']:.0f} MB, ru_maxrss {found['ru_maxrss_mb']:.0f} MB "
        "(inherited from this process)"
    )
    what = f"evaluation export XLSX, {found['rows']:,} workers × {_years(quick)} y"
    return [
        Result(
            "P5",
            f"{what} vs COPY TO STDOUT (CSV)",
            app_s,
            floor_s,
            f"≤ {XLSX_TARGET:g}×",
            within_ratio(app_s, floor_s, XLSX_TARGET),
        ),
        Result(
            "P5",
            f"{what}: peak RSS of the exporting process {peak:.0f} MB "
            f"(resident before the export {found['before_mb']:.0f} MB, "
            f"file {found['bytes'] / 1e6:.1f} MB)",
            None,
            target=f"≤ {XLSX_MEMORY_MB:.0f} MB",
            passed=peak <= XLSX_MEMORY_MB,
        ),
    ]


def _floor_seconds(url: str, organisation_id: int, repeats: int) -> float:
    query = floor_query(organisation_id, evaluation_seed.YEAR, evaluation_seed.TODAY)
    with _floor_connection(url) as connection:
        _copy_out(connection, query)
        return median(timed(lambda: _copy_out(connection, query)) for _ in range(repeats))


def run(*, quick: bool, csv: bool = True, xlsx: bool = True, say=print) -> list[Result]:
    """P4 (CSV) for both sizes and P5 (XLSX) for the larger one, each size on a fresh database."""
    sizes = QUICK_SIZES if quick else SIZES
    years = _years(quick)
    results: list[Result] = []
    for workers in sizes if csv else sizes[-1:]:
        with fresh_database(POSTGRES) as url:
            say(
                f"  seeding {workers:,} workers × {years} y of history and evaluations of "
                f"{evaluation_seed.YEAR}"
            )
            started = time.perf_counter()
            organisation_id = evaluation_seed.seed(url, workers=workers, years=years)
            say(f"  seeded in {time.perf_counter() - started:.0f} s")
            floor_s = None
            if csv:
                say(f"  P4 CSV export, {workers:,} workers")
                results.append(_measure_csv(url, organisation_id, quick=quick, say=say))
                floor_s = results[-1].floor_s
                say("  " + format_table(results[-1:]).splitlines()[-1])
            if xlsx and workers == sizes[-1]:
                say(f"  P5 XLSX export, {workers:,} workers (child process)")
                floor_s = floor_s or _floor_seconds(url, organisation_id, 3)
                results += _measure_xlsx(url, organisation_id, floor_s, quick=quick, say=say)
                say("\n".join("  " + line for line in format_table(results[-2:]).splitlines()[2:]))
    return results
