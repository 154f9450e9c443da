"""Views: the notification list, e-mail preferences and the calendar feed."""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from portfolio import access, clock, db
from portfolio.notifications import bp
from portfolio.notifications.forms import preferences_form
from portfolio.requests import page_number
from portfolio.services.notifications import calendar_feed, notifications
from portfolio.services.sessions import attendance


@bp.route("/notifications")
@access.authenticated
def notification_list():
    """The user's notifications, newest first; an unconfirmed attendance has its button."""
    session = db.session()
    page = notifications.page_for(
        session,
        user_id=current_user.id,
        page=page_number(),
        per_page=current_app.config["PAGE_SIZE"],
        count_limit=current_app.config["PAGE_COUNT_LIMIT"],
    )
    waiting = attendance.waiting_for_me(
        session, user=current_user._get_current_object(), notifications=page.items
    )
    return render_template(
        "notifications/notification_list.html", page=page, form=FlaskForm(), waiting=waiting
    )


@bp.route("/notifications/<int:notification_id>/attendance", methods=["POST"])
@access.authenticated
def confirm_attendance(notification_id: int):
    """Confirm ("I was there") the session a notification asks about, and mark it read."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    attendance.confirm_from_notification(
        db.session(),
        user=current_user._get_current_object(),
        notification_id=notification_id,
        now=clock.now(),
    )
    flash(_("Your attendance is confirmed."), "success")
    return redirect(url_for("notifications.notification_list"))


@bp.route("/notifications/read", methods=["POST"])
@access.authenticated
def mark_read():
    """Mark every notification as read."""
    if FlaskForm().validate_on_submit():
        notifications.mark_all_read(db.session(), user_id=current_user.id, now=clock.now())
    return redirect(url_for("notifications.notification_list"))


@bp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@access.authenticated
def mark_one_read(notification_id: int):
    """Mark one of my notifications as read; someone else's does not exist (404)."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    notifications.mark_read(
        db.session(),
        user=current_user._get_current_object(),
        notification_id=notification_id,
        now=clock.now(),
    )
    page = page_number()
    return redirect(url_for("notifications.notification_list", page=page if page > 1 else None))


@bp.route("/account/notifications", methods=["GET", "POST"])
@access.authenticated
def preferences():
    """Which notifications also come by e-mail, and the calendar feed."""
    database = db.session()
    form = preferences_form(database, user_id=current_user.id)
    if form.validate_on_submit():
        notifications.set_email_preferences(
            database, user_id=current_user.id, by_kind=form.choices_by_kind()
        )
        flash(_("Your notification settings are saved."), "success")
        return redirect(url_for("notifications.preferences"))
    return _preferences_page(form)


def _preferences_page(form, feed_url: str | None = None):
    return render_template(
        "notifications/preferences.html",
        form=form,
        action_form=FlaskForm(),
        has_feed=calendar_feed.has_feed(db.session(), user_id=current_user.id),
        feed_url=feed_url,
    )


@bp.route("/account/calendar", methods=["POST"])
@access.authenticated
def renew_calendar():
    """Create or renew the private calendar URL (the old one stops working)."""
    if not FlaskForm().validate_on_submit():
        return redirect(url_for("notifications.preferences"))
    token = calendar_feed.renew_token(db.session(), user=current_user._get_current_object())
    # Shown on this answer only: a secret never travels in the (readable) session cookie.
    feed_url = url_for("notifications.calendar", token=token, _external=True)
    flash(_("Your new calendar link is shown below. Keep it to yourself."), "success")
    form = preferences_form(db.session(), user_id=current_user.id)
    return _preferences_page(form, feed_url)


@bp.route("/account/calendar/revoke", methods=["POST"])
@access.authenticated
def revoke_calendar():
    """Switch the calendar feed off."""
    if FlaskForm().validate_on_submit():
        calendar_feed.revoke(db.session(), user=current_user._get_current_object())
        flash(_("Your calendar link no longer works."), "info")
    return redirect(url_for("notifications.preferences"))


@bp.route("/calendar/<token>.ics")
@access.public
def calendar(token: str):
    """The iCalendar feed; the secret token in the URL is the only credential."""
    database = db.session()
    user = calendar_feed.user_for_token(database, token=token)
    if user is None:
        abort(404)
    body = calendar_feed.build(database, user=user, today=clock.today(), now=clock.now())
    return Response(body, mimetype="text/calendar", headers={"Cache-Control": "private, no-store"})
