"""The localised texts of the PDF export: one `Section` per worker from the export's row.

Only what the CSV holds goes in (status, dates, supervisor, agreements, facts: per requirement
the hours, the points counted and what is required; the forecast at the current pace; the
levels of the latest self-assessment and assessment by someone else, which the facts read for
all workers at once); the chart shows each registration requirement as a percentage of what
it requires.
"""

from __future__ import annotations

from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _

import competencies
from portfolio.charts.evaluation import requirements_png
from portfolio.services.evaluations.evaluation_agreements import agreements_from_text
from portfolio.services.evaluations.evaluation_export import AMSTERDAM, WorkerRow
from portfolio.services.evaluations.evaluation_facts import UNCONFIRMED
from portfolio.services.evaluations.evaluation_pdf import Section
from portfolio.templating import EVALUATION_STATUSES, GOAL_STATUSES, STANDINGS, number

LABEL_LIMIT = 34  # characters of a requirement's name beside its bar


def _on(moment) -> str:
    return format_date(moment.astimezone(AMSTERDAM).date()) if moment else "—"


def _iso_date(text: str | None) -> str:
    return format_date(date.fromisoformat(text)) if text else "—"


def _required(part: dict) -> str:
    if part["required"] is not None:
        return number(part["required"])
    return UNCONFIRMED if part["unconfirmed"] else _("no minimum")


def _requirements(registration: dict) -> list[tuple[str, dict]]:
    """(name, {counted, required, unconfirmed}) of each requirement of a registration."""
    parts = []
    if registration["total"]:
        parts.append((_("Total points"), registration["total"]))
    if registration["work_hours"]:
        parts.append((_("Work hours"), registration["work_hours"]))
    parts += [(category["title"], category) for category in registration["categories"]]
    return parts


def _chart(registrations: list[dict]) -> bytes | None:
    rows = []
    for registration in registrations:
        prefix = f"{registration['register']}: " if len(registrations) > 1 else ""
        for name, part in _requirements(registration):
            required = part["required"]
            label = prefix + name
            rows.append(
                {
                    "label": label if len(label) <= LABEL_LIMIT else label[: LABEL_LIMIT - 1] + "…",
                    "percent": 100.0 * part["counted"] / required if required else None,
                    "met": bool(required) and part["counted"] >= required,
                    "text": f"{number(part['counted'])} / {_required(part)}",
                }
            )
    if not rows:
        return None
    return requirements_png({"rows": rows, "axis": _("Percentage of the requirement")})


def _hours(registration: dict, part: dict) -> str:
    """The net hours of a category (work hours: the hours); a dash for the total and for facts
    stored before hours were recorded."""
    if part is registration["work_hours"]:
        return number(part["counted"])
    return number(part["hours"]) if part.get("hours") is not None else "—"


def _requirement_name(registration: dict, requirement: str) -> str:
    names = {"total": _("Total points"), "work_hours": _("Work hours")}
    names |= {c["id"]: c["title"] for c in registration["categories"]}
    return names.get(requirement, requirement)


def _forecast(registration: dict) -> str:
    """The forecast at the current pace in words (a dash for facts stored without one)."""
    if "on_track" not in registration:
        return "—"
    met_on, on_track = registration.get("forecast_met_on"), registration["on_track"]
    if on_track is None:
        text = _("cannot be told while a threshold is to be verified")
    elif met_on:
        text = _("met on %(date)s", date=_iso_date(met_on))
        text += " (" + (_("before the deadline") if on_track else _("after the deadline")) + ")"
    else:
        text = _("not met by the deadline")
    short = [
        _(
            "%(requirement)s short by %(number)s",
            requirement=_requirement_name(registration, s["requirement"]),
            number=number(s["short_by"]),
        )
        for s in registration.get("shortfalls") or ()
    ]
    return "; ".join([text, *short])


def _goals(goals: dict) -> str:
    counted = [f"{GOAL_STATUSES[status]}: {n}" for status, n in goals.items() if n]
    return ", ".join(counted) or _("none")


def _level(code: str | None) -> str:
    try:
        return competencies.level(code).title if code else "—"
    except KeyError:  # a level of an older catalogue, as stored with the facts
        return code


def _levels(facts: dict) -> list[list[str]]:
    """(competency, self-assessed level, level by someone else) of every competency, when any
    level is known; facts stored before levels were recorded have none."""
    own, others = facts.get("levels_self") or {}, facts.get("levels_supervisor") or {}
    if not own and not others:
        return []
    return [
        [f"{c.number}. {c.title}", _level(own.get(c.code)), _level(others.get(c.code))]
        for c in competencies.COMPETENCIES
    ]


def section_for(worker: WorkerRow, facts: dict) -> Section:
    """The PDF section of one worker."""
    covered, missing = len(facts["art3_covered"]), len(facts["art3_missing"])
    lines = [
        (_("E-mail address"), worker.email),
        (_("Status"), str(EVALUATION_STATUSES.get(worker.status, worker.status))),
        (_("Prepared by the worker"), _on(worker.prepared_at)),
        (_("Completed by the supervisor"), _on(worker.completed_at)),
        (_("Signed by the worker"), _on(worker.worker_signed_at)),
        (_("Signed by the supervisor"), _on(worker.supervisor_signed_at)),
        (_("Supervisor"), worker.supervisor or "—"),
        (_("Signed peer review sessions (Beroepscode art. 24)"), str(facts["signed_sessions"])),
        (
            _("Beroepscode art. 3 requirements with evidence"),
            _("%(covered)d of %(total)d", covered=covered, total=covered + missing),
        ),
        (_("Development goals"), _goals(facts["goals"])),
        (_("Last portfolio activity"), _iso_date(facts["last_activity"])),
    ]
    table = []
    for registration in facts["registrations"]:
        lines.append(
            (
                f"{registration['register']} — {registration['title']}",
                _(
                    "%(standing)s; period ends %(date)s",
                    standing=STANDINGS.get(registration["standing"], registration["standing"]),
                    date=_iso_date(registration["period_end"]),
                ),
            )
        )
        pace = _("at the current pace")  # not inside an f-string: babel would not find it
        lines.append((f"{registration['register']} — {pace}", _forecast(registration)))
        prefix = f"{registration['register']}: " if len(facts["registrations"]) > 1 else ""
        table += [
            [prefix + name, _hours(registration, part), number(part["counted"]), _required(part)]
            for name, part in _requirements(registration)
        ]
    if not facts["registrations"]:
        lines.append((_("Registration"), _("none")))
    agreements = agreements_from_text(worker.agreements)
    return Section(
        heading=f"{worker.name} ({worker.team})" if worker.team else worker.name,
        facts=lines,
        agreements_title=_("Agreements"),
        agreements=[f"{a.competency_code}: {a.text}" for a in agreements],
        table_header=[_("Requirement"), _("Hours"), _("Counted"), _("Required")],
        table_rows=table,
        chart_png=_chart(facts["registrations"]),
        levels_title=_("Competency levels"),
        levels_header=[_("Competency"), _("Self-assessment"), _("Supervisor")],
        levels_rows=_levels(facts),
    )
