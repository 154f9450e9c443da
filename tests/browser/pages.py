"""The main pages of every role on the demo data: what the 360 px, axe and screenshot runs visit.

`demo_world(db, today)` loads the demo organisation (few synthetic workers, two years) and
`main_pages(db)` lists, per demo log-in, the pages to visit as (name, path) — menu pages, forms
and one detail page of each kind, their ids read from the demo data.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from portfolio import demo
from portfolio.models import DevelopmentGoal as Goal
from portfolio.models import Entry, Role, User
from portfolio.models import YearlyEvaluation as Evaluation

ROLE_EMAILS = {
    "worker": demo.DEMO_LOGINS[0][0],
    "supervisor": demo.DEMO_LOGINS[2][0],
    "hr": demo.DEMO_LOGINS[3][0],
    "admin": demo.DEMO_LOGINS[4][0],
}
PASSWORD = demo.DEMO_PASSWORD


def demo_world(db, today: date) -> None:
    """The demo organisation with a little history (fast enough for a test)."""
    demo.create(db, workers=3, years=2, today=today)


def _user(db, role: str) -> User:
    return db.scalars(select(User).where(User.email == ROLE_EMAILS[role])).one()


def main_pages(db, year: int) -> dict[str, list[tuple[str, str]]]:
    """Per role: (name, path) of each main page, in menu order; `year`: of the evaluations."""
    worker = _user(db, "worker")
    supervisor = _user(db, "supervisor")
    entry = db.scalars(
        select(Entry).where(Entry.owner_id == worker.id).order_by(Entry.id.desc())
    ).first()
    goal = db.scalars(select(Goal).where(Goal.owner_id == worker.id).order_by(Goal.id)).first()
    evaluation = db.scalars(
        select(Evaluation).where(Evaluation.worker_id == worker.id).order_by(Evaluation.year)
    ).first()
    pending = db.scalars(
        select(Entry)
        .join(User, User.id == Entry.owner_id)
        .where(Entry.status == "submitted", User.team_id == supervisor.team_id)
        .order_by(Entry.id)
    ).first()
    hr_person = db.scalars(select(User).where(User.role == Role.WORKER).order_by(User.id)).first()
    pages = {
        "worker": [
            ("dashboard", "/portfolio/"),
            ("entries", "/portfolio/entries"),
            ("entry", f"/portfolio/entries/{entry.id}" if entry else None),
            ("new-reflection", "/portfolio/entries/new/reflection"),
            ("new-training", "/portfolio/entries/new/training"),
            ("new-peer-review", "/portfolio/entries/new/peer_review"),
            ("new-other", "/portfolio/entries/new/other"),
            ("new-work", "/portfolio/entries/new/work"),
            ("development", "/portfolio/development"),
            ("assessment-new", "/portfolio/development/assessment/new"),
            ("goal-new", "/portfolio/development/goals/new"),
            ("goal-evidence", f"/portfolio/development/goals/{goal.id}/evidence" if goal else None),
            ("registrations", "/portfolio/registrations"),
            ("registration-new", "/portfolio/registrations/new"),
            ("evaluation", "/portfolio/evaluation"),
            ("feedback", "/feedback/"),
            ("feedback-new", "/feedback/new"),
            ("notifications", "/notifications"),
            ("account", "/account"),
            ("erase", "/portfolio/erase"),
            ("catalogue", "/catalogue"),
        ],
        "supervisor": [
            ("start", "/"),
            ("signoff-queue", "/team/sign-off"),
            ("signoff-entry", f"/team/sign-off/{pending.id}" if pending else None),
            ("team", "/team/"),
            ("member", f"/team/members/{worker.id}"),
            ("member-assessment", f"/team/members/{worker.id}/assessment"),
            ("evaluations", "/team/evaluations"),
            (
                "evaluation",
                f"/team/evaluations/{worker.id}/{evaluation.year if evaluation else year}",
            ),
            ("feedback", "/feedback/"),
        ],
        "hr": [
            ("overview", "/hr/overview"),
            ("evaluations", "/hr/evaluations"),
            ("people", "/hr/people"),
            ("person", f"/hr/people/{hr_person.id}"),
            ("person-erase", f"/hr/people/{hr_person.id}/erase"),
            ("person-new", "/hr/people/new"),
            ("teams", "/hr/teams"),
            ("import", "/hr/import"),
        ],
        "admin": [
            ("thresholds", "/admin/thresholds"),
            ("threshold-edit", "/admin/thresholds/skj-jeugd-gezinsprofessional"),
            ("settings", "/admin/settings"),
            ("audit", "/admin/audit"),
            ("outbox", "/admin/outbox"),
        ],
    }
    return {role: [(n, p) for n, p in items if p] for role, items in pages.items()}


PUBLIC_PAGES = [
    ("login", "/login"),
    ("password-forgotten", "/password/forgotten"),
    ("erased", "/erased"),
]


def log_in(page, base_url: str, role: str) -> None:
    """Log in through the form as the demo log-in of `role`."""
    page.goto(f"{base_url}/login")
    page.locator("#email").fill(ROLE_EMAILS[role])
    page.locator("#password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
