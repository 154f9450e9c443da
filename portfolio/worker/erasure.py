"""Worker area: erasing the own portfolio (AVG art. 17), after the download is offered."""

from __future__ import annotations

from flask import current_app, redirect, render_template, send_file, session, url_for
from flask_login import current_user, logout_user

from portfolio import access, clock, db
from portfolio.models import Role
from portfolio.services.privacy import erasure, my_data, retention
from portfolio.web.erasure_forms import SelfErasureForm
from portfolio.web.forms import Form
from portfolio.worker import bp
from portfolio.worker.exports import my_data_index


@bp.route("/erase", methods=["GET", "POST"])
@access.roles(Role.WORKER)
def erase_portfolio():
    """What goes and what stays, the download first, then a typed confirmation."""
    me = current_user._get_current_object()
    database = db.session()
    erasure.check_self_erasure(me)
    form = SelfErasureForm()
    if form.validate_on_submit():
        erasure.erase(database, person=me, actor=me, now=clock.now(), why="self")
        logout_user()
        language = session.get("lang")
        session.clear()
        if language:
            session["lang"] = language
        return redirect(url_for("main.erased"))
    return render_template(
        "worker/erase.html", form=form, summary=erasure.summary(database, person=me)
    )


@bp.route("/departed/<token>", methods=["GET", "POST"])
@access.public
def departed_archive(token: str):
    """A departed person downloads their archive through the link of their retention warning,
    without logging in (services.privacy.retention): a page, then a POST for the ZIP."""
    database = db.session()
    person = retention.person_for_archive(
        database, token=token, secret=current_app.config["SECRET_KEY"], today=clock.today()
    )
    if person is None:
        return render_template("worker/departed_archive.html", person=None), 404
    form = Form()
    if form.validate_on_submit():
        archive = my_data.write_archive(database, user=person, index_html=my_data_index)
        return send_file(
            archive,
            mimetype="application/zip",
            as_attachment=True,
            download_name=f"vakbekwaam-mijn-gegevens-{clock.today().isoformat()}.zip",
        )
    return render_template("worker/departed_archive.html", person=person, form=form)
