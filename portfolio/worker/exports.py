"""Worker area: exports of the worker's own data."""

from __future__ import annotations

import io

from flask import abort, render_template, send_file
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

import competencies
from portfolio import access, clock, db
from portfolio.models import Role
from portfolio.services.norms import norm_progress, registrations
from portfolio.services.overviews import dashboard as dashboard_service
from portfolio.services.privacy import audit, my_data
from portfolio.templating import entry_kind_labels, number
from portfolio.worker import bp
from portfolio.worker.dashboard import TO_VERIFY, chart_data, forecast_sentences, row_title


@bp.route("/my-data.zip", methods=["POST"])
@access.roles(Role.WORKER, Role.SUPERVISOR, Role.HR, Role.ADMIN)
def download_my_data():
    """All of the logged-in user's data as a ZIP (JSON plus the original evidence files)."""
    archive = my_data.write_archive(
        db.session(), user=current_user._get_current_object(), index_html=my_data_index
    )
    stamp = clock.today().isoformat()
    return send_file(
        archive,
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"vakbekwaam-mijn-gegevens-{stamp}.zip",
    )


# The free texts of an entry, in the order its form asks them.
ENTRY_TEXTS = (
    ("body", _l("Text")),
    ("case_description", _l("Case (anonymised)")),
    ("learning_points", _l("Learning points")),
    ("provider", _l("Provider")),
    ("accreditation_id", _l("Accreditation id")),
    ("facilitator", _l("Facilitator")),
    ("method", _l("Method")),
    ("employer", _l("Employer")),
    ("role_title", _l("Role")),
)


def my_data_index(data: dict) -> str:
    """index.html of the archive: the data of vakbekwaam.json as one readable page."""
    files: dict[int, list[dict]] = {}
    for meta in data["evidence_files"]:
        files.setdefault(meta["entry_id"], []).append(meta)
    ratings: dict[int, list[dict]] = {}
    for rating in data["competency_ratings"]:
        ratings.setdefault(rating["assessment_id"], []).append(rating)
    return render_template(
        "main/my_data_index.html",
        data=data,
        today=clock.today(),
        kinds=entry_kind_labels(),
        text_fields=ENTRY_TEXTS,
        files_by_entry=files,
        ratings_by_assessment=ratings,
    )


def pending_sentences(pending) -> list[str]:
    """The period's sessions that do not count yet, in words (empty when there are none)."""
    if not pending:
        return []
    sentences = []
    if pending.awaiting:
        sentences.append(
            ngettext(
                "%(num)d peer review session is waiting for sign-off.",
                "%(num)d peer review sessions are waiting for sign-off.",
                pending.awaiting,
            )
        )
    if pending.not_submitted:
        sentences.append(
            ngettext(
                "%(num)d peer review session has not been submitted for sign-off yet.",
                "%(num)d peer review sessions have not been submitted for sign-off yet.",
                pending.not_submitted,
            )
        )
    sentences.append(
        _("They count once your supervisor has signed them off (Beroepscode art. 24).")
    )
    return [" ".join(sentences)]


def _required(row) -> str:
    if row.required is not None and row.overridden:
        return f"{number(row.required)} (afwijkend van de registernorm)"
    if row.required is not None:
        return number(row.required)
    return TO_VERIFY if row.required_unconfirmed else _("no minimum")


def _state(row) -> str:
    if not row.has_requirement:
        return "—"
    if row.met is None:
        return TO_VERIFY
    return _("met") if row.met else _("not yet")


def _counting_accreditation(norm, entry) -> str:
    """The accreditation that made a course count as accredited for this norm ("SKJ 123456"),
    or a dash; an id of an unknown register says so."""
    if entry.kind != "training":
        return "—"
    found = norm.counting_accreditation(norm_progress.activity_for(entry))
    if found is not None:
        register = competencies.by_code(competencies.REGISTERS, found.register).title
        return f"{register} {found.id}"
    unknown = [code for register, code in entry.accreditation_list if register is None]
    if unknown:
        return _("%(ids)s (register not known yet)", ids=", ".join(unknown))
    return "—"


def _activity_row(activity, norm) -> list[str]:
    """Date, title, requirement, hours, points and course id of one counted activity."""
    entry = activity.entry
    if activity.requirement == "work_hours":  # a work period: hours a week, no points
        hours = _("%(hours)s a week", hours=number(entry.hours_per_week))
        until = format_date(entry.end_on) if entry.end_on else ""
        return [
            f"{format_date(entry.occurred_on)} – {until}",
            entry.title,
            _("Work hours"),
            hours,
            "—",
            "—",
        ]
    points = entry.hours * norm.points_per_hour if entry.hours is not None else None
    return [
        format_date(entry.occurred_on),
        entry.title,
        activity.requirement,
        number(entry.hours),
        number(points),
        _counting_accreditation(norm, entry),
    ]


@bp.route("/registrations/<int:registration_id>/export.pdf")
@access.roles(Role.WORKER)
def registration_pdf(registration_id: int):
    """The registration's PDF for re-registration: totals, activities, sessions, the chart."""
    # reportlab and matplotlib: imported by the processes that write a PDF only.
    from portfolio.charts.progress import progress_png
    from portfolio.services.norms import registration_pdf as registration_pdf_service

    session = db.session()
    me = current_user._get_current_object()
    registration = registrations.own_registration(
        session, owner=me, registration_id=registration_id
    )
    # This registration's own status: an older registration of a norm is not on the dashboard.
    progress = dashboard_service.progress_for(
        session, registration=registration, as_of=clock.today()
    )
    if progress is None:  # a norm file that no longer exists
        abort(404)
    status = progress.status
    activities = registration_pdf_service.counted_activities(session, status=status)
    sessions = registration_pdf_service.sessions_in_period(session, owner_id=me.id, status=status)
    document = registration_pdf_service.build_pdf(
        heading=f"{progress.norm.register} — {progress.norm.title}",
        facts=[
            (_("Name"), me.name),
            (_("Registration number"), registration.registration_number or "—"),
            (
                _("Period"),
                f"{format_date(status.period.start)} – {format_date(status.period.last_day)}",
            ),
            (_("Deadline"), format_date(status.period.deadline)),
            (_("As of"), format_date(status.as_of)),
        ],
        requirement_header=[_("Requirement"), _("Counted"), _("Required"), _("Status")],
        requirements=[
            [row_title(row), number(row.counted), _required(row), _state(row)]
            for row in progress.rows
        ],
        forecast=forecast_sentences(progress),
        chart_png=progress_png(chart_data(progress)) if progress.can_chart else None,
        chart_caption=_(
            "Bars: counted so far, green once the requirement is met. Diamond: the "
            "forecast at the deadline at the pace so far. Dashed line: what is "
            "required."
        ),
        activity_title=_("Counted activities"),
        activity_header=[
            _("Date"),
            _("Title"),
            _("Requirement"),
            _("Hours"),
            _("Points"),
            _("Accreditation id"),
        ],
        activities=[_activity_row(a, progress.norm) for a in activities],
        session_title=_("Signed-off peer review sessions (Beroepscode art. 24)"),
        session_header=[_("Date"), _("Title"), _("Signed off on")],
        sessions=[
            [format_date(e.occurred_on), e.title, format_date(e.signed_at) if e.signed_at else "—"]
            for e in sessions
        ],
        empty=_("None in this period."),
        session_notes=pending_sentences(progress.pending),
    )
    audit.record(
        session,
        actor=me,
        action="export_registration_pdf",
        subject_user_id=me.id,
        subject_type="registration",
        subject_id=registration.id,
    )
    name = f"vakbekwaam-{registration.norm_id}-{clock.today()}.pdf"
    return send_file(
        io.BytesIO(document), mimetype="application/pdf", as_attachment=True, download_name=name
    )
