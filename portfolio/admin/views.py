"""Views of the admin area."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from portfolio import access, clock, db
from portfolio.admin import bp
from portfolio.admin.forms import SettingsForm
from portfolio.infra import mail
from portfolio.models import MailStatus, Role
from portfolio.requests import page_number
from portfolio.services.organisation import org_settings
from portfolio.services.privacy import audit as audit_service
from portfolio.services.privacy import audit_log, retention


@bp.route("/audit")
@access.roles(Role.ADMIN)
def audit():
    """Who accessed or exported what, and when — never the content."""
    viewer = current_user._get_current_object()
    page = audit_log.events_page(
        db.session(),
        organisation_id=viewer.organisation_id,
        page=page_number(),
        per_page=current_app.config["PAGE_SIZE"],
        count_limit=current_app.config["PAGE_COUNT_LIMIT"],
    )
    return render_template("admin/audit.html", page=page)


@bp.route("/settings", methods=["GET", "POST"])
@access.roles(Role.ADMIN)
def settings():
    """Organisation settings: reminder schedule, sign-off digest, kinds that need sign-off."""
    admin = current_user._get_current_object()
    session = db.session()
    offsets, digest_days = org_settings.current(session, organisation_id=admin.organisation_id)
    kinds = org_settings.signoff_kinds(session, organisation_id=admin.organisation_id)
    form = SettingsForm(
        data={
            "reminder_offsets": ", ".join(offsets),
            "signoff_digest_days": digest_days,
            "signoff_kinds": kinds,
            "retention_months": retention.retention_months(
                session, organisation_id=admin.organisation_id
            ),
        }
        if request.method == "GET"
        else None
    )
    if form.validate_on_submit():
        org_settings.save(
            session,
            admin=admin,
            offsets=org_settings.parse_offsets(form.reminder_offsets.data),
            digest_days=int(form.signoff_digest_days.data),
            kinds_to_sign=form.signoff_kinds.data or [],
            now=clock.now(),
        )
        if form.retention_months.data is not None:  # empty: left as it is
            retention.save_retention_months(
                session, admin=admin, months=int(form.retention_months.data), now=clock.now()
            )
        flash(_("The settings are saved."), "success")
        return redirect(url_for("admin.settings"))
    return render_template("admin/settings.html", form=form)


@bp.route("/outbox")
@access.roles(Role.ADMIN)
def outbox():
    """Mail in the outbox: queued, sent, failed with the reason."""
    admin = current_user._get_current_object()
    status = request.args.get("status", "")
    page = mail.outbox_page(
        db.session(),
        organisation_id=admin.organisation_id,
        status=status if status in {s.value for s in MailStatus} else None,
        page=page_number(),
        per_page=current_app.config["PAGE_SIZE"],
    )
    return render_template("admin/outbox.html", page=page, status=status, statuses=list(MailStatus))


def _test_mail_outcome(check: mail.MailCheck, to: str) -> str:
    """The result of a test mail in plain words, with the server's own words on failure."""
    config = current_app.config
    where = {"host": config["SMTP_HOST"], "port": config["SMTP_PORT"]}
    if check.is_sent and config["MAIL_BACKEND"] == "console":
        return _(
            "The mail backend is “console”: the test mail was written to the server log, "
            "not sent. Set MAIL_BACKEND=smtp to send real mail."
        )
    if check.is_sent:
        return _(
            "The mail server at %(host)s:%(port)s accepted the test mail for %(address)s. "
            "Check that inbox to see that it arrived.",
            address=to,
            **where,
        )
    reasons = {
        "refused": _(
            "nothing answers at %(host)s:%(port)s. Check that the mail server runs and "
            "that SMTP_HOST and SMTP_PORT are right.",
            **where,
        ),
        "timeout": _(
            "the mail server at %(host)s:%(port)s did not answer within %(seconds)s seconds.",
            seconds=config["SMTP_TIMEOUT"],
            **where,
        ),
        "unknown_host": _(
            "the mail server's name %(host)s could not be found. Check SMTP_HOST.", **where
        ),
        "login": _(
            "the mail server refused the user name or password. Check SMTP_USERNAME and "
            "SMTP_PASSWORD."
        ),
        "recipient": _("the mail server refused your address %(address)s.", address=to),
        "sender": _(
            "the mail server refused the sender address %(sender)s. Check MAIL_SENDER.",
            sender=config["MAIL_SENDER"],
        ),
        "tls": _(
            "the secure connection to the mail server failed. Check SMTP_STARTTLS and SMTP_SSL."
        ),
    }
    reason = reasons.get(check.problem, _("the mail server gave an error."))
    return _(
        "The test mail could not be sent: %(reason)s The server said: %(detail)s",
        reason=reason,
        detail=check.detail,
    )


@bp.route("/test-mail", methods=["POST"])
@access.roles(Role.ADMIN)
def test_mail():
    """Send a test mail to the admin's own address now, and say what happened."""
    if not FlaskForm().validate_on_submit():
        flash(_("The form had expired. Please submit it again."), "error")
        return redirect(url_for("admin.settings"))
    admin = current_user._get_current_object()
    check = mail.send_test_mail(
        to=admin.email,
        subject=_("Test mail from Vakbekwaam"),
        text=_(
            "This is a test mail, sent from the organisation settings. If you can read it, "
            "Vakbekwaam can send mail."
        ),
        settings=current_app.config,
    )
    session = db.session()
    outcome = "sent" if check.is_sent else f"failed: {check.problem}"
    audit_service.record(session, actor=admin, action="test_mail", detail=outcome)
    flash(_test_mail_outcome(check, admin.email), "success" if check.is_sent else "error")
    return redirect(url_for("admin.settings"))
