"""Worker area: the dashboard — progress per registration in words and as a chart."""

from __future__ import annotations

from decimal import Decimal

from flask import render_template, url_for
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

import competencies
from portfolio import access, clock, db
from portfolio.charts.progress import progress_svg, svg_data_uri
from portfolio.models import Role
from portfolio.page_cache import page_cache
from portfolio.services.overviews import dashboard as dashboard_service
from portfolio.services.overviews.dashboard import ProgressRow, RegistrationProgress
from portfolio.templating import ENTRY_KINDS, number
from portfolio.web.assessment_page import radar
from portfolio.worker import bp

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
    """The progress chart as a data URI (rendered once per distinct content and language)."""
    return svg_data_uri(progress_svg(chart_data(progress)))


def add_entry_links(kinds) -> list[tuple[str, str]]:
    """(label, url) to add an entry of each kind."""
    return [(ADD_ENTRY_LABELS[k], url_for("worker.entry_new", kind=k)) for k in kinds]


def entry_url(entry_id: int) -> str:
    """Where an entry's page is."""
    return url_for("worker.entry_detail", entry_id=entry_id)


def development_context(owner_id: int, as_of) -> dict:
    """Values for the goals and radar partials: open goals, the radar and its numbers."""
    values = dashboard_service.development_summary(db.session(), owner_id=owner_id, as_of=as_of)
    return {
        **values,
        "radar": radar(values["self_now"], values["self_before"], values["supervisor_now"]),
        "catalogue": competencies,
    }


@bp.route("/")
@access.roles(Role.WORKER)
def dashboard():
    """Where the worker stands: each registration's norm, Art. 3 this year, recent entries."""
    today, worker = clock.today(), current_user._get_current_object()
    key = (
        worker.id,
        worker.portfolio_revision,
        today,
        str(get_locale()),
        competencies.CATALOGUE_VERSION,
    )
    content = page_cache("dashboard").get_or_render(key, lambda: _content(worker.id, today))
    return render_template("worker/dashboard.html", content=content)


def _content(owner_id: int, today) -> Markup:
    """The dashboard's content: our own autoescaped template, so safe to insert as it is."""
    board = dashboard_service.dashboard_for(db.session(), owner_id=owner_id, as_of=today)
    html = render_template(
        "worker/_dashboard_content.html",
        **development_context(owner_id, today),
        board=board,
        to_verify=TO_VERIFY,
        kind_labels=ENTRY_KINDS,
        row_title=row_title,
        row_numbers=row_numbers,
        forecast_sentences=forecast_sentences,
        chart_for=chart_for,
        add_entry_links=add_entry_links,
        entry_url=entry_url,
    )
    return Markup(html)  # noqa: S704 - our own autoescaped template  # nosec B704
