"""One export row per worker from the facts of a yearly evaluation (evaluation_facts).

`FACT_COLUMNS` ({column name: FactColumn}) flattens a facts dict into one row of scalar cells
for CSV/XLSX exports, the same columns for every worker; `fact_row(facts)` gives the cells in
order. Every column is listed (with its description) at the end of this module. Facts stored
with an evaluation before a key was added lack it; the columns read such keys with a default
(empty), so older snapshots export as they were.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import competencies
from portfolio.models import GoalStatus

Cell = str | int | float | None
UNCONFIRMED = "te verifiëren"  # a threshold nobody has confirmed yet (NORMS.md)


@dataclass(frozen=True)
class FactColumn:
    """One export column: its name, what it holds, and how to read it.

    `value` reads the facts dict; for a column of a norm (`norm` is its id) it reads that norm's
    newest registration in the facts instead (`registration_view`), and the cell is empty
    without one.
    """

    name: str
    description: str
    value: Callable[[dict], Cell]
    norm: str | None = None


def registration_view(registration: dict) -> dict:
    """A registration of the facts with each category also under ("category", its id)."""
    # One dictionary lookup per cell instead of a search of the categories for three cells.
    view = dict(registration)
    for category in registration["categories"]:
        view["category", category["id"]] = category
    return view


def _required(part: dict) -> Cell:
    return UNCONFIRMED if part["unconfirmed"] and part["required"] is None else part["required"]


def _requirement_columns(norm_id: str, name: str, label: str, part: str | tuple) -> list:
    """`name` (counted) and `name_required`, read from the requirement under `part`."""

    def counted(view):
        found = view.get(part)
        return found["counted"] if found else None

    def required(view):
        found = view.get(part)
        return _required(found) if found else None

    return [
        FactColumn(name, f"{label}: counted", counted, norm_id),
        FactColumn(f"{name}_required", f"{label}: required", required, norm_id),
    ]


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")


def shortfall_text(shortfalls: list[dict] | None) -> str | None:
    """The shortfalls in words, e.g. "scholing short by 35; total short by 10"."""
    words = [f"{s['requirement']} short by {s['short_by']}" for s in shortfalls or ()]
    return "; ".join(words) or None


def _norm_columns(norm) -> list[FactColumn]:
    """The columns of one norm: registration, standing, forecast, and each requirement
    counted/required (categories: and their hours)."""
    n, where = norm.id, f"{norm.register}, {norm.id}"

    def field(key, convert=lambda value: value):
        return lambda view: convert(view.get(key))

    def hours(category_id):
        return lambda view: (view.get(("category", category_id)) or {}).get("hours")

    columns = [
        FactColumn(f"{n}.number", f"registration number ({where})", field("number"), n),
        FactColumn(
            f"{n}.standing",
            f"on_track/behind/at_risk/expired/unknown ({where})",
            field("standing"),
            n,
        ),
        FactColumn(f"{n}.period_end", f"last day of the period ({where})", field("period_end"), n),
        FactColumn(
            f"{n}.forecast_met_on",
            f"date the norm will be met at the current pace (ISO), empty when that "
            f"cannot be told ({where})",
            field("forecast_met_on"),
            n,
        ),
        FactColumn(
            f"{n}.on_track",
            f"yes/no: met by the deadline at the current pace; empty while a threshold "
            f"is unconfirmed ({where})",
            field("on_track", _yes_no),
            n,
        ),
        FactColumn(
            f"{n}.shortfall",
            f"what the current pace leaves short at the deadline, e.g. `scholing short "
            f"by 35; total short by 10` (points; work_hours: hours) ({where})",
            field("shortfalls", shortfall_text),
            n,
        ),
    ]
    if norm.has_total:
        columns += _requirement_columns(n, f"{n}.total", f"total points ({where})", "total")
    if norm.has_work_hours:
        columns += _requirement_columns(n, f"{n}.work_hours", f"work hours ({where})", "work_hours")
    for c in norm.categories:
        columns += _requirement_columns(
            n, f"{n}.{c.id}", f"points for {c.title} ({where})", ("category", c.id)
        )
        columns.append(
            FactColumn(
                f"{n}.{c.id}_hours",
                f"net hours for {c.title}, before any cap ({where})",
                hours(c.id),
                n,
            )
        )
    return columns


def _goal_column(status: str) -> FactColumn:
    return FactColumn(
        f"goals.{status}",
        f"development goals with status {status}",
        lambda facts: facts["goals"].get(status, 0),
    )


def _level_column(kind: str, competency) -> FactColumn:
    who = "latest self-assessment" if kind == "self" else "latest assessment by a supervisor"
    return FactColumn(
        f"{kind}.{competency.code}",
        f"level of {competency.code} in {who}",
        lambda facts: facts[f"levels_{kind}"].get(competency.code),
    )


def _build_columns() -> dict[str, FactColumn]:
    columns = [
        FactColumn("year", "the evaluation year", lambda facts: facts["year"]),
        FactColumn(
            "as_of", "the date the figures are computed for (ISO)", lambda facts: facts["as_of"]
        ),
        FactColumn(
            "signed_sessions",
            "peer review sessions in the year, signed off (art. 24)",
            lambda facts: facts["signed_sessions"],
        ),
        FactColumn(
            "art3_covered",
            "number of Beroepscode art. 3 requirements with evidence",
            lambda facts: len(facts["art3_covered"]),
        ),
        FactColumn(
            "art3_missing",
            "codes of art. 3 requirements without evidence, space-separated",
            lambda facts: " ".join(facts["art3_missing"]),
        ),
        FactColumn(
            "last_activity",
            "date of the latest portfolio entry (ISO), empty if none",
            lambda facts: facts["last_activity"],
        ),
    ]
    columns += [_goal_column(status.value) for status in GoalStatus]
    for norm in competencies.all_norms():
        columns += _norm_columns(norm)
    for kind in ("self", "supervisor"):
        columns += [_level_column(kind, c) for c in competencies.COMPETENCIES]
    return {column.name: column for column in columns}


# Column name -> FactColumn. Cells are numbers, ISO dates, codes or empty (None); a required
# threshold that is unconfirmed reads "te verifiëren". Registration columns exist for every
# norm the product knows (competencies/norms) and are empty without such a registration; with
# two registrations under one norm in the year, the newest one fills them. Columns:
#   year, as_of, signed_sessions, art3_covered, art3_missing, last_activity;
#   goals.<status> for open / in_progress / achieved / dropped (0 when none);
#   <norm>.number, <norm>.standing, <norm>.period_end, <norm>.forecast_met_on, <norm>.on_track
#   (yes / no / empty), <norm>.shortfall (in words), <norm>.total and .total_required (norms
#   with a total), <norm>.work_hours and .work_hours_required (norms with work hours),
#   <norm>.<category>, <norm>.<category>_required and <norm>.<category>_hours (net hours before
#   any cap) for each category of the norm;
#   self.<competency> and supervisor.<competency>: level codes for WMO1 … WMO10.
FACT_COLUMNS: dict[str, FactColumn] = _build_columns()


def _segments() -> list[tuple[str | None, list[Callable]]]:
    """FACT_COLUMNS as runs of columns that read the facts (None) or one norm's registration."""
    segments: list[tuple[str | None, list[Callable]]] = []
    for column in FACT_COLUMNS.values():
        if not segments or segments[-1][0] != column.norm:
            segments.append((column.norm, []))
        segments[-1][1].append(column.value)
    return segments


# An export calls fact_row for every worker: each norm's registration is looked up once per row.
_SEGMENTS = _segments()


def fact_row(facts: dict) -> list[Cell]:
    """The cells of one worker, in the order of FACT_COLUMNS."""
    # Oldest first: a re-registration within the year replaces the earlier one.
    newest = {registration["norm"]: registration for registration in facts["registrations"]}
    row: list[Cell] = []
    for norm_id, values in _SEGMENTS:
        if norm_id is None:
            row += [value(facts) for value in values]
        elif (registration := newest.get(norm_id)) is not None:
            view = registration_view(registration)
            row += [value(view) for value in values]
        else:
            row += [None] * len(values)
    return row
