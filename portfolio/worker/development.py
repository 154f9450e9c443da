"""Worker area: self-assessment of the ten competencies, the radar, and development goals."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

import competencies
from portfolio import access, clock, db
from portfolio.charts.progress import svg_data_uri
from portfolio.charts.radar import radar_rows, radar_svg
from portfolio.forms import already_saved, settle_token
from portfolio.models import Role
from portfolio.requests import page_number, search_text
from portfolio.services.development import development, goals
from portfolio.worker import bp
from portfolio.worker.development_forms import (
    GOAL_STATUSES,
    AssessmentForm,
    EvidenceForm,
    GoalForm,
    level_field,
    motivation_field,
)

MESSAGES = {
    "missing": _l("Choose a level for this competency."),
    "unknown_level": _l("Choose one of the four levels."),
    "unknown_competency": _l("Choose a competency from the list."),
    "target_below_current": _l("The target level cannot be below the current level."),
    "unknown_status": _l("Choose one of the options in the list."),
}


def radar(now, before=None, supervisor=None) -> dict | None:
    """The radar's image and its numbers as a table, or None without any assessment."""
    named = [
        ("now", _("Self-assessment %(date)s"), now),
        ("before", _("Self-assessment %(date)s"), before),
        ("supervisor", _("Supervisor %(date)s"), supervisor),
    ]
    series = [
        {
            "key": key,
            "label": label % {"date": a.assessed_on.isoformat()},
            "values": [a.rank(code) for code in development.COMPETENCY_CODES],
        }
        for key, label, a in named
        if a is not None
    ]
    if not series:
        return None
    data = {
        "axes": [str(c.number) for c in competencies.COMPETENCIES],
        "names": [f"{c.number}. {c.title}" for c in competencies.COMPETENCIES],
        "levels": [level.title for level in competencies.PROFICIENCY_LEVELS],
        "series": series,
    }
    return {"image": svg_data_uri(radar_svg(data)), "series": series, "rows": radar_rows(data)}


def fill_assessment(form: AssessmentForm, assessment) -> None:
    """Pre-fill the form with an earlier assessment (the usual start of a new one)."""
    for code, level in assessment.levels.items():
        form[level_field(code)].data = level
        form[motivation_field(code)].data = assessment.motivations.get(code, "")


def rating_errors(form: AssessmentForm, errors: dict[str, str]) -> None:
    """Put the service's per-competency problems on the form's fields."""
    for code, problem in errors.items():
        if level_field(code) in form:
            form[level_field(code)].errors.append(str(MESSAGES[problem]))


def assessment_context(
    form: AssessmentForm, *, heading: str, cancel_url: str, subject=None, findings=None
):
    """What the assessment form template needs; `findings` by competency code."""
    labels = {motivation_field(c.code): f"{c.number}. {c.title}" for c in competencies.COMPETENCIES}
    return {
        "form": form,
        "catalogue": competencies,
        "level_field": level_field,
        "motivation_field": motivation_field,
        "heading": heading,
        "cancel_url": cancel_url,
        "subject": subject,
        "privacy_labels": labels,
        "findings": {motivation_field(code): found for code, found in (findings or {}).items()},
    }


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


@bp.route("/development")
@access.roles(Role.WORKER)
def development_overview():
    """The radar, two chosen self-assessments compared with their motivations, the
    supervisor's view, and goals."""
    session = db.session()
    assessments = development.assessments_of(session, subject_id=current_user.id)
    mine = [a for a in assessments if a.is_self]
    now, before = chosen_pair(
        mine, request.args.get("later", type=int), request.args.get("earlier", type=int)
    )
    supervisor = development.latest(assessments, self_assessed=False)
    return render_template(
        "worker/development/overview.html",
        now=now,
        before=before,
        supervisor=supervisor,
        history=mine,
        radar=radar(now, before, supervisor),
        changes=development.compare(before, now) if now and before else [],
        gaps=development.compare(mine[0], supervisor) if mine and supervisor else [],
        own_motivations=own_motivations(now, before),
        goals=goals.goals_of(session, owner_id=current_user.id),
        statuses=GOAL_STATUSES,
        catalogue=competencies,
        today=clock.today(),
    )


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


def _goal_or_404(goal_id: int):
    goal = goals.own_goal(db.session(), owner=current_user._get_current_object(), goal_id=goal_id)
    if goal is None:
        abort(404)
    return goal


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
    saved = goals.save_goal(
        session,
        owner=owner,
        data=data,
        now=clock.now(),
        goal=goal,
        privacy_confirmed=bool(findings),
    )
    goals.set_evidence(session, owner=owner, goal=saved, entry_ids=form.evidence.data or [])
    if goal is None:
        settle_token(form, url_for("worker.goal_edit", goal_id=saved.id))
    return saved, {}


class _AlreadySaved(Exception):
    """The new-goal form was saved before; `response` leads to what it made."""

    def __init__(self, response) -> None:
        super().__init__("already saved")
        self.response = response


def _goal_form_page(form: GoalForm, goal, findings: dict):
    labels = {name: form[name].label.text for name in ("title", "actions")}
    return render_template(
        "worker/development/goal_form.html",
        form=form,
        goal=goal,
        findings=findings,
        privacy_labels=labels,
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
    goal = _goal_or_404(goal_id)
    form = GoalForm(obj=goal)
    saved, findings = _edit_goal(form, goal)
    if saved is not None:
        flash(_("Saved."), "success")
        return redirect(url_for("worker.development_overview"))
    return _goal_form_page(form, goal, findings)


@bp.route("/development/goals/<int:goal_id>/delete", methods=["GET", "POST"])
@access.roles(Role.WORKER)
def goal_delete(goal_id: int):
    """Ask, then delete a goal (its entries stay)."""
    goal = _goal_or_404(goal_id)
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
    goal = _goal_or_404(goal_id)
    session = db.session()
    owner = current_user._get_current_object()
    text = search_text()
    form = EvidenceForm()
    if form.validate_on_submit():
        try:
            if form.action.data == "unlink":
                goals.unlink_evidence(session, owner=owner, goal=goal, entry_id=form.entry_id.data)
                flash(_("The entry is no longer linked to this goal."), "success")
            else:
                goals.link_evidence(session, owner=owner, goal=goal, entry_id=form.entry_id.data)
                flash(_("The entry is linked to this goal."), "success")
        except goals.NotVisible:
            abort(404)
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
