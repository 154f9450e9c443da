"""Command line: demo data, create-user, db-upgrade."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from portfolio import demo
from portfolio.models import Entry, EntryTag, Registration, Role, TeamLead, User
from tests.factories import make_organisation, make_team


def test_demo_data_creates_one_login_per_role_that_can_log_in(app, db):
    result = app.test_cli_runner().invoke(args=["demo-data", "--workers", "3", "--years", "1"])
    assert result.exit_code == 0, result.output
    roles = set(db.scalars(select(User.role).where(User.email.like("%@demo.vakbekwaam.nl"))))
    assert roles == {r.value for r in Role}
    for email, *_ in demo.DEMO_LOGINS:
        assert email in result.output
    from tests.conftest import login

    response = login(app.test_client(), "begeleider@demo.vakbekwaam.nl", demo.DEMO_PASSWORD)
    assert response.status_code == 302 and response.location == "/"


def test_demo_data_history_is_set_based_and_complete(app, db):
    demo.create(db, workers=20, years=2, today=date(2026, 6, 1))
    workers = db.scalar(select(func.count()).select_from(User).where(User.role == "worker"))
    assert workers == 20 + demo.DEMO_WORKER_COUNT
    assert db.scalar(select(func.count()).select_from(Registration)) == workers
    per_worker = db.execute(select(Entry.owner_id, func.count()).group_by(Entry.owner_id)).all()
    assert len(per_worker) == workers
    # At least a full year: work experience plus 3 trainings, 6 sessions, 2 reflections, 1 other.
    assert all(count >= 13 for _owner, count in per_worker)
    assert db.scalar(select(func.max(Entry.occurred_on))) <= date(2026, 6, 1)
    orphan_tags = db.scalar(
        select(func.count())
        .select_from(EntryTag)
        .outerjoin(Entry, Entry.id == EntryTag.entry_id)
        .where(Entry.id.is_(None))
    )
    assert orphan_tags == 0


def test_demo_data_if_empty_adds_nothing_the_second_time(app, db):
    runner = app.test_cli_runner()
    runner.invoke(args=["demo-data", "--workers", "2", "--years", "0"])
    before = db.scalar(select(func.count()).select_from(User))
    result = runner.invoke(args=["demo-data", "--workers", "2", "--if-empty"])
    assert result.exit_code == 0
    assert "nothing added" in result.output
    assert db.scalar(select(func.count()).select_from(User)) == before


def test_create_user_adds_a_supervisor_as_team_lead(app, db):
    org = make_organisation(db)
    team = make_team(db, org, name="Wijkteam Oost")
    result = app.test_cli_runner().invoke(
        args=[
            "create-user",
            "--email",
            "Lead@Example.org",
            "--name",
            "Lea Lead",
            "--role",
            "supervisor",
            "--organisation",
            org.slug,
            "--team",
            "Wijkteam Oost",
            "--password",
            "a long enough password",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.scalars(select(User).where(User.email == "lead@example.org")).one()
    assert user.role == "supervisor"
    assert db.get(TeamLead, (team.id, user.id)) is not None


def test_create_user_refuses_unknown_organisation_and_short_password(app, db):
    org = make_organisation(db)
    runner = app.test_cli_runner()
    base = ["create-user", "--email", "x@example.org", "--name", "X"]
    result = runner.invoke(
        args=[*base, "--organisation", "nope", "--password", "a long enough password"]
    )
    assert result.exit_code != 0 and "no organisation with slug 'nope'" in result.output
    result = runner.invoke(args=[*base, "--organisation", org.slug, "--password", "short"])
    assert result.exit_code != 0 and "12 to 128 characters" in result.output
    assert db.scalar(select(func.count()).select_from(User)) == 0
