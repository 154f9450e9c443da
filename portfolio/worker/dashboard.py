"""Worker area: the dashboard — progress per registration in words and as a chart."""

from __future__ import annotations

from decimal import Decimal

from flask import abort, render_template, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

import competencies
from portfolio import access, clock, db
from portfolio.chart_urls import chart_digest, svg_response
from portfolio.models import Role
from portfolio.services.norms import registrations
from portfolio.services.norms.norm_words import AVERAGE_REQUIREMENTS, average_shortfall_text
from portfolio.services.overviews import dashboard as dashboard_service
from portfolio.services.overviews import todo
from portfolio.services.overviews.dashboard import ProgressRow, RegistrationProgress
from portfolio.templating import entry_kind_labels, number
from portfolio.web.assessment_page import radar, radar_data
from portfolio.worker import bp
from portfolio.worker.own_pages import own_page

PROGRESS_CHART, RADAR_CHART = "progress", "radar"
TO_VERIFY = "te verifiëren"  # the register's own term, the same in both languages

ADD_ENTRY_LABELS = {
    "reflection": _l("Write a reflection"),
    "training": _l("Record a training"),
    "peer_review": _l("Record a peer review session"),
    "other": _l("Record another development activity"),
    "work": _l("Record work experience"),
}


def row_title(row: ProgressRow) -> str:
    """A requirement's name: the register's category title, or total / work hours."""
    if row.id == "total":
        return _("Total points")
    if row.id == "work_hours":
        return _("Work hours")
    return row.title


def row_numbers(row: ProgressRow) -> str:
    """The numbers beside a bar: 12 / 60, 12 · te verifiëren or 12 · no minimum."""
    if row.required is not None:
        return f"{number(row.counted)} / {number(row.required)}"
    if row.required_unconfirmed:
        return f"{number(row.counted)} · {TO_VERIFY}"
    return f"{number(row.counted)} · {_('no minimum')}"


def _short_of(progress: RegistrationProgress, requirement: str, amount: Decimal) -> str:
    if requirement == "total":
        return _(
            "You will be short of %(amount)s points in total by the deadline.",
            amount=number(amount),
        )
    if requirement == "work_hours":
        return _(
            "You will be short of %(amount)s work hours by the deadline.", amount=number(amount)
        )
    if requirement in AVERAGE_REQUIREMENTS:
        return average_shortfall_text(progress.status, requirement, amount)
    title = progress.norm.category(requirement).title
    if progress.norm.points_per_hour == 1:
        return _(
            "You will be short of %(amount)s %(category)s hours by the deadline.",
            amount=number(amount),
            category=title,
        )
    return _(
        "You will be short of %(amount)s %(category)s points by the deadline.",
        amount=number(amount),
        category=title,
    )


def forecast_sentences(progress: RegistrationProgress) -> list[str]:
    """The forecast in words: when the norm is met at this pace, or what will be short."""
    status, forecast = progress.status, progress.status.forecast
    deadline = format_date(status.period.deadline, "long")
    if status.as_of > status.period.deadline:
        return [
            _(
                "The submission deadline of this period was %(date)s. When you have "
                "re-registered, add your new registration date.",
                date=deadline,
            )
        ]
    if status.met:
        return [_("You meet the norm. Well done.")]
    sentences = []
    if forecast.on_track is None:
        sentences.append(
            _(
                "Some thresholds of this norm are not confirmed yet, so no date "
                "can be forecast. Your organisation can set them."
            )
        )
    elif forecast.met_on is not None and forecast.on_track:
        sentences.append(
            _(
                "At this pace you meet the norm on %(date)s, before the deadline of %(deadline)s.",
                date=format_date(forecast.met_on, "long"),
                deadline=deadline,
            )
        )
    elif forecast.met_on is not None:
        sentences.append(
            _(
                "At this pace you meet the norm on %(date)s, after the deadline of %(deadline)s.",
                date=format_date(forecast.met_on, "long"),
                deadline=deadline,
            )
        )
    for shortfall in forecast.shortfalls:
        sentences.append(_short_of(progress, shortfall.requirement, shortfall.short_by))
    if not sentences:
        sentences.append(_("At this pace you will not meet the norm by the deadline."))
    return sentences


def chart_data(progress: RegistrationProgress) -> dict:
    """The progress chart's input: one row per requirement, with localised texts."""
    rows = [
        {
            "label": row_title(row),
            "counted": float(row.counted),
            "required": float(row.required) if row.required is not None else None,
            "projected": float(row.projected),
            "met": bool(row.met),
            "text": row_numbers(row),
        }
        for row in progress.rows
    ]
    return {"rows": rows, "axis": _("Percentage of the requirement")}


def chart_for(progress: RegistrationProgress) -> str:
    """The progress chart's own URL, named by its content (chart_urls)."""
    return url_for(
        "worker.progress_chart",
        registration_id=progress.registration.id,
        digest=chart_digest(PROGRESS_CHART, chart_data(progress)),
    )


def _radar_url(data: dict) -> str:
    return url_for("worker.radar_chart", digest=chart_digest(RADAR_CHART, data))


@bp.route("/registrations/<int:registration_id>/chart/<digest>.svg")
@access.roles(Role.WORKER)
def progress_chart(registration_id: int, digest: str):
    """A registration's progress chart, for its owner only (as the dashboard)."""
    from portfolio.charts.progress import progress_svg  # matplotlib: drawn here

    session = db.session()
    registration = registrations.own_registration(
        session, owner=current_user._get_current_object(), registration_id=registration_id
    )
    progress = dashboard_service.progress_for(
        session, registration=registration, as_of=clock.today()
    )
    if progress is None or not progress.can_chart:
        abort(404)
    data = chart_data(progress)
    return svg_response(progress_svg(data), kind=PROGRESS_CHART, data=data, digest=digest)


@bp.route("/charts/radar/<digest>.svg")
@access.roles(Role.WORKER)
def radar_chart(digest: str):
    """The dashboard's competency radar of the logged-in worker."""
    from portfolio.charts.radar import radar_svg  # matplotlib: drawn here

    values = dashboard_service.development_summary(
        db.session(), owner_id=current_user.id, as_of=clock.today()
    )
    data = radar_data(values["self_now"], values["self_before"], values["supervisor_now"])
    if data is None:
        abort(404)
    return svg_response(radar_svg(data), kind=RADAR_CHART, data=data, digest=digest)


# "Record a peer review session" (Leg een intervisie … vast) opens the form on intervisie.
PRESETS = {"peer_review": {"form": "intervisie"}}


def add_entry_links(kinds) -> list[tuple[str, str]]:
    """(label, url) to add an entry of each kind."""
    return [
        (ADD_ENTRY_LABELS[k], url_for("worker.entry_new", kind=k, **PRESETS.get(k, {})))
        for k in kinds
    ]


def entry_url(entry_id: int) -> str:
    """Where an entry's page is."""
    return url_for("worker.entry_detail", entry_id=entry_id)


def development_context(owner_id: int, as_of) -> dict:
    """Values for the goals and radar partials: open goals, the radar and its numbers."""
    values = dashboard_service.development_summary(db.session(), owner_id=owner_id, as_of=as_of)
    return {
        **values,
        "radar": radar(
            values["self_now"],
            values["self_before"],
            values["supervisor_now"],
            image_url=_radar_url,
        ),
        "catalogue": competencies,
    }


@bp.route("/")
@access.roles(Role.WORKER)
def dashboard():
    """Where the worker stands: each registration's norm, Art. 3 this year, recent entries."""
    worker = current_user._get_current_object()
    content = own_page("dashboard", lambda today: _content(worker, today))
    return render_template("worker/dashboard.html", content=content)


def _content(worker, today) -> Markup:
    """The dashboard's content: our own autoescaped template, so safe to insert as it is.

    The to-do block is part of it: what it lists raises the revision too (portfolio_revision).
    """
    owner_id = worker.id
    board = dashboard_service.dashboard_for(db.session(), owner_id=owner_id, as_of=today)
    html = render_template(
        "worker/_dashboard_content.html",
        todo=todo.worker_todo(db.session(), worker=worker, today=today, now=clock.now()),
        **development_context(owner_id, today),
        board=board,
        to_verify=TO_VERIFY,
        kind_labels=entry_kind_labels(),
        row_title=row_title,
        row_numbers=row_numbers,
        forecast_sentences=forecast_sentences,
        chart_for=chart_for,
        add_entry_links=add_entry_links,
        entry_url=entry_url,
    )
    return Markup(html)  # noqa: S704 - our own autoescaped template  # nosec B704
