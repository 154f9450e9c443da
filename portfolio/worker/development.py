"""Worker area: self-assessment of the ten competencies, the radar, and development goals."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms.fields.choices import SelectChoice

import competencies
from portfolio import access, clock, db
from portfolio.chart_urls import chart_digest, svg_response
from portfolio.models import Role
from portfolio.requests import page_number, search_text
from portfolio.services.development import development, goals
from portfolio.web.assessment_page import (
    MESSAGES,
    assessment_context,
    fill_assessment,
    radar,
    radar_data,
    rating_errors,
)
from portfolio.web.development_forms import (
    AssessmentForm,
    EvidenceForm,
    GoalForm,
)
from portfolio.web.forms import MAX_ID, already_saved, settle_token
from portfolio.worker import bp
from portfolio.worker.dashboard import RADAR_CHART
from portfolio.worker.own_pages import own_page


def chosen_pair(mine: list, later_id: int | None, earlier_id: int | None) -> tuple:
    """(later, earlier): two chosen self-assessments in date order; by default the latest two."""
    by_id = {a.id: a for a in mine}
    chosen = [i for i in dict.fromkeys((later_id, earlier_id)) if i in by_id]
    ids = chosen + [a.id for a in mine if a.id not in chosen]
    pair = sorted((by_id[i] for i in ids[:2]), key=lambda a: (a.assessed_on, a.id), reverse=True)
    pair += [None, None]
    return pair[0], pair[1]


def own_motivations(*chosen) -> list[tuple]:
    """(competency, [(date, motivation)]) per competency the chosen self-assessments explain."""
    shown = [a for a in chosen if a is not None]
    rows = []
    for competency in competencies.COMPETENCIES:
        texts = [
            (a.assessed_on, a.motivations[competency.code])
            for a in shown
            if competency.code in a.motivations
        ]
        if texts:
            rows.append((competency, texts))
    return rows


def _asked_pair() -> tuple[int | None, int | None]:
    """The ids of the later and the earlier self-assessment the query string asks for."""
    return request.args.get("later", type=int), request.args.get("earlier", type=int)


def _chosen(session) -> tuple:
    """(own self-assessments, later, earlier, the supervisor's latest) as the query string
    chooses them: what the development page and its radar show."""
    assessments = development.assessments_of(session, subject_id=current_user.id)
    mine = [a for a in assessments if a.is_self]
    now, before = chosen_pair(mine, *_asked_pair())
    return mine, now, before, development.latest(assessments, self_assessed=False)


def _radar_url(now, before):
    """The radar of the chosen pair as its own URL, named by its content (chart_urls): the
    page is not weighed down by it, and matplotlib is loaded where the image is drawn."""

    def image_url(data: dict) -> str:
        return url_for(
            "worker.development_radar",
            digest=chart_digest(RADAR_CHART, data),
            later=now.id if now else None,
            earlier=before.id if before else None,
        )

    return image_url


@bp.route("/development/radar/<digest>.svg")
@access.roles(Role.WORKER)
def development_radar(digest: str):
    """The development page's radar of the logged-in worker (their own assessments only)."""
    from portfolio.charts.radar import radar_svg  # matplotlib: drawn here

    _mine, now, before, supervisor = _chosen(db.session())
    data = radar_data(now, before, supervisor)
    if data is None:
        abort(404)
    return svg_response(radar_svg(data), kind=RADAR_CHART, data=data, digest=digest)


@bp.route("/development")
@access.roles(Role.WORKER)
def development_overview():
    """The radar, two chosen self-assessments compared with their motivations, the
    supervisor's view, and goals."""

    def render(today) -> Markup:
        session = db.session()
        mine, now, before, supervisor = _chosen(session)
        html = render_template(
            "worker/development/_overview_content.html",
            now=now,
            before=before,
            supervisor=supervisor,
            history=mine,
            radar=radar(now, before, supervisor, image_url=_radar_url(now, before)),
            changes=development.compare(before, now) if now and before else [],
            gaps=development.compare(mine[0], supervisor) if mine and supervisor else [],
            own_motivations=own_motivations(now, before),
            goals=goals.goals_of(session, owner_id=current_user.id),
            catalogue=competencies,
            today=today,
        )
        return Markup(html)  # noqa: S704 - our own autoescaped template  # nosec B704

    content = own_page("development", render, *_asked_pair())
    return render_template("worker/development/overview.html", content=content)


@bp.route("/development/assessment/new", methods=["GET", "POST"])
@access.roles(Role.WORKER)
def assessment_new():
    """Rate the ten competencies; starts from the latest self-assessment."""
    session = db.session()
    form = AssessmentForm()
    if request.method == "GET":
        form.assessed_on.data = clock.today()
        last = development.latest(
            development.assessments_of(session, subject_id=current_user.id), self_assessed=True
        )
        if last:
            fill_assessment(form, last)
    findings = {}
    if form.validate_on_submit():
        ratings = form.ratings()
        findings = development.motivation_findings(ratings)
        rating_errors(form, development.validate_ratings(ratings))
        if not form.errors and (not findings or form.privacy_confirmed.data):
            done = already_saved(form, fallback=url_for("worker.development_overview"))
            if done is not None:
                return done
            try:
                development.save_self_assessment(
                    session,
                    owner=current_user._get_current_object(),
                    ratings=ratings,
                    assessed_on=form.assessed_on.data,
                    now=clock.now(),
                    privacy_confirmed=bool(findings),
                )
            except development.InvalidRatings as invalid:
                rating_errors(form, invalid.errors)
            else:
                flash(_("Your self-assessment is saved."), "success")
                return redirect(url_for("worker.development_overview"))
    return render_template(
        "worker/development/assessment_form.html",
        **assessment_context(
            form,
            heading=_("Assess my competencies"),
            cancel_url=url_for("worker.development_overview"),
            findings=findings,
        ),
    )


def _own_goal(goal_id: int):
    return goals.own_goal(db.session(), owner=current_user._get_current_object(), goal_id=goal_id)


def _edit_goal(form: GoalForm, goal=None) -> tuple:
    """Validate, scan and save: (the goal, {}), or (None, privacy findings) with the problems
    put on the form."""
    session = db.session()
    goal_id = goal.id if goal else None
    linked = goals.evidence_ids(session, goal_id=goal_id) if goal else []
    form.evidence.choices = [
        SelectChoice(e.id, f"{e.occurred_on.isoformat()} · {e.title}")
        for e in goals.linkable_entries(session, owner_id=current_user.id, goal_id=goal_id)
    ]
    if request.method == "GET" and goal is not None:
        form.evidence.data = linked
    if not form.validate_on_submit():
        return None, {}
    data = goals.GoalInput(
        competency_code=form.competency_code.data,
        current_level=form.current_level.data,
        target_level=form.target_level.data,
        title=form.title.data or "",
        actions=form.actions.data or "",
        due_on=form.due_on.data,
        status=form.status.data,
    )
    for name, problem in goals.validate_goal(data).items():
        form[name].errors.append(str(MESSAGES[problem]))
    findings = goals.goal_findings(data)
    if form.errors or (findings and not form.privacy_confirmed.data):
        return None, findings
    owner = current_user._get_current_object()
    if goal is None:
        done = already_saved(form, fallback=url_for("worker.development_overview"))
        if done is not None:
            raise _AlreadySaved(done)
    shown = str(form.version.data or "")
    try:
        saved = goals.save_goal(
            session,
            owner=owner,
            data=data,
            now=clock.now(),
            goal=goal,
            privacy_confirmed=bool(findings),
            shown_version=(
                (int(shown) if int(shown) < MAX_ID else -1)  # too large for a column: stale
                if goal is not None and shown and shown.isdigit()
                else None
            ),
        )
    except goals.StaleGoal:
        session.rollback()
        session.refresh(goal)
        form.version.data = str(goal.version)  # saving again replaces it, deliberately
        raise _Conflict(goal) from None
    goals.set_evidence(session, owner=owner, goal=saved, entry_ids=form.evidence.data or [])
    if goal is None:
        settle_token(form, url_for("worker.goal_edit", goal_id=saved.id))
    return saved, {}


class _Conflict(Exception):
    """The goal changed after the form was shown: refused, both versions shown."""

    def __init__(self, goal) -> None:
        super().__init__(goal.id)
        self.goal = goal


class _AlreadySaved(Exception):
    """The new-goal form was saved before; `response` leads to what it made."""

    def __init__(self, response) -> None:
        super().__init__("already saved")
        self.response = response


def _goal_form_page(form: GoalForm, goal, findings: dict, conflict=None):
    labels = {name: form[name].label.text for name in ("title", "actions")}
    return render_template(
        "worker/development/goal_form.html",
        form=form,
        goal=goal,
        findings=findings,
        privacy_labels=labels,
        conflict=conflict,
    )


@bp.route("/development/goals/new", methods=["GET", "POST"])
@access.roles(Role.WORKER)
def goal_new():
    """A new development goal."""
    form = GoalForm()
    if request.method == "GET" and request.args.get("competency"):
        form.competency_code.data = request.args["competency"]
    try:
        saved, findings = _edit_goal(form)
    except _AlreadySaved as done:
        return done.response
    if saved is not None:
        flash(_("Saved."), "success")
        return redirect(url_for("worker.development_overview"))
    return _goal_form_page(form, None, findings)


@bp.route("/development/goals/<int:goal_id>/edit", methods=["GET", "POST"])
@access.roles(Role.WORKER)
def goal_edit(goal_id: int):
    """Change a goal, its status and the entries that show progress."""
    goal = _own_goal(goal_id)
    form = GoalForm(obj=goal)
    try:
        saved, findings = _edit_goal(form, goal)
    except _Conflict as stale:
        return _goal_form_page(form, goal, {}, conflict=stale.goal), 409
    if saved is not None:
        flash(_("Saved."), "success")
        return redirect(url_for("worker.development_overview"))
    return _goal_form_page(form, goal, findings)


@bp.route("/development/goals/<int:goal_id>/delete", methods=["GET", "POST"])
@access.roles(Role.WORKER)
def goal_delete(goal_id: int):
    """Ask, then delete a goal (its entries stay)."""
    goal = _own_goal(goal_id)
    form = FlaskForm()
    if form.validate_on_submit():
        goals.delete_goal(db.session(), goal=goal)
        flash(_("The goal is deleted."), "success")
        return redirect(url_for("worker.development_overview"))
    return render_template("worker/development/goal_delete.html", goal=goal, form=form)


@bp.route("/development/goals/<int:goal_id>/evidence", methods=["GET", "POST"])
@access.roles(Role.WORKER)
def goal_evidence(goal_id: int):
    """Link own entries to a goal as evidence of progress, or unlink them; every entry can be
    found by its title, page by page."""
    goal = _own_goal(goal_id)
    session = db.session()
    owner = current_user._get_current_object()
    text = search_text()
    form = EvidenceForm()
    if form.validate_on_submit():
        if form.action.data == "unlink":
            goals.unlink_evidence(session, owner=owner, goal=goal, entry_id=form.entry_id.data)
            flash(_("The entry is no longer linked to this goal."), "success")
        else:
            goals.link_evidence(session, owner=owner, goal=goal, entry_id=form.entry_id.data)
            flash(_("The entry is linked to this goal."), "success")
        # Back to the same search and page (the form posts to the page's own address).
        return redirect(
            url_for(
                "worker.goal_evidence",
                goal_id=goal.id,
                q=text or None,
                page=request.args.get("page", type=int),
            )
        )
    candidates = goals.entries_to_link(
        session,
        owner_id=owner.id,
        goal_id=goal.id,
        text=text,
        page=page_number(),
        per_page=current_app.config["PAGE_SIZE"],
    )
    return render_template(
        "worker/development/goal_evidence.html",
        goal=goal,
        form=form,
        linked=goals.evidence_entries(session, goal_id=goal.id),
        candidates=candidates,
        text=text,
        catalogue=competencies,
    )
