"""Plain `make_*` builders for activities in the domain tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from competencies import Activity
from competencies.activities import Accreditation


def _d(value: str | date | None) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


def make_training(
    on: str,
    hours: str | int,
    accreditation_id: str | None = "ID-1",
    ref: Any = None,
    registers: tuple[str, ...] = ("registerplein", "skj"),
):
    """A training accredited by `registers` with `accreditation_id` (None: not accredited)."""
    accreditations = (
        tuple(Accreditation(r, accreditation_id) for r in registers)
        if accreditation_id is not None
        else ()
    )
    return Activity(
        "training", date=_d(on), hours=Decimal(str(hours)), accreditations=accreditations, ref=ref
    )


def make_peer_review(on: str, hours: str | int, form: str = "intervisie", ref: Any = None):
    """A peer review session (art. 24) of the given form."""
    return Activity("peer_review", date=_d(on), hours=Decimal(str(hours)), form=form, ref=ref)


def make_reflection(on: str, hours: str | int, ref: Any = None):
    """An individual written reflection."""
    return Activity("reflection", date=_d(on), hours=Decimal(str(hours)), ref=ref)


def make_other(on: str, hours: str | int, type: str = "vakliteratuur", ref: Any = None):
    """Another development activity of the given type."""
    return Activity("other", date=_d(on), hours=Decimal(str(hours)), type=type, ref=ref)


def make_work(
    start: str,
    end: str | None,
    hours_per_week: str | int,
    ref: Any = None,
    in_profession: bool = True,
):
    """A work period; end None = ongoing."""
    return Activity(
        "work",
        start=_d(start),
        end=_d(end),
        hours_per_week=Decimal(str(hours_per_week)),
        in_profession=in_profession,
        ref=ref,
    )
