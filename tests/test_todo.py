"""What to do next: the to-do block at the top of each role's start page."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from portfolio.models import (
    Entry,
    EntryEvent,
    EntryParticipant,
    FeedbackRequest,
    Registration,
    Role,
    YearlyEvaluation,
)
from tests.conftest import login
from tests.factories import PASSWORD, make_organisation, make_team, make_user

AT = datetime(2025, 2, 20, 10, 0, tzinfo=UTC)  # before CLOCK_START, 2025-03-03


@pytest.fixture
def people(db, clock):
    org = make_organisation(db)
    team = make_team(db, org)
    worker = make_user(db, org, team=team, name="Wendy Werker")
    colleague = make_user(db, org, team=team, name="Cor Collega")
    supervisor = make_user(db, org, role=Role.SUPERVISOR, leads=team, name="Bea Begeleider")
    hr = make_user(db, org, role=Role.HR)
    return org, worker, colleague, supervisor, hr


def entry(db, owner, *, status="draft", title="Iets", kind="other") -> Entry:
    row = Entry(
        organisation_id=owner.organisation_id,
        owner_id=owner.id,
        kind=kind,
        title=title,
        occurred_on=date(2025, 2, 1),
        hours=Decimal(2),
        status=status,
        catalogue_version="test",
        activity_type="vakliteratuur" if kind == "other" else None,
        form="intervisie" if kind == "peer_review" else None,
    )
    db.add(row)
    db.commit()
    return row


def test_the_worker_sees_a_returned_entry_with_the_comment_and_a_deadline_alarm(client, db, people):
    org, worker, colleague, supervisor, _hr = people
    returned = entry(db, worker, status="returned", title="Reflectie op huisbezoek")
    db.add(
        EntryEvent(
            entry_id=returned.id,
            actor_id=supervisor.id,
            action="returned",
            comment="Beschrijf je eigen rol nog wat scherper.",
            entry_version=1,
            at=AT,
        )
    )
    # SKJ: registered five years ago; the deadline (30 April 2025) is 58 days away, and the
    # alarm must show even though thresholds may be "te verifiëren".
    db.add(
        Registration(
            organisation_id=org.id,
            owner_id=worker.id,
            norm_id="skj-jeugd-gezinsprofessional",
            registered_on=date(2020, 5, 1),
        )
    )
    session = entry(db, colleague, kind="peer_review", title="Intervisie februari")
    db.add(EntryParticipant(entry_id=session.id, user_id=worker.id))
    db.add(
        FeedbackRequest(
            organisation_id=org.id,
            requester_id=colleague.id,
            respondent_id=worker.id,
            respondent_name=worker.name,
            competency_codes=["WMO1"],
        )
    )
    db.add(
        YearlyEvaluation(
            organisation_id=org.id,
            worker_id=worker.id,
            supervisor_id=supervisor.id,
            year=2024,
            status="completed",
            completed_at=AT,
        )
    )
    db.commit()
    login(client, worker.email, PASSWORD)
    html = client.get("/portfolio/").get_data(as_text=True)
    todo = html.split('id="todo-heading"')[1].split("</section>")[0]
    assert "Reflectie op huisbezoek" in todo
    assert "Beschrijf je eigen rol nog wat scherper." in todo
    assert "SKJ" in todo and "30 apr 2025" in todo and "58 dagen" in todo
    assert "todo-alarm" in todo
    assert "Intervisie februari" in todo and "Cor Collega" in todo
    assert "2024" in todo  # the evaluation to sign
    request_id = db.execute(select(FeedbackRequest.id)).scalar_one()
    assert f"/feedback/{request_id}/answer" in todo
    # The to-do block comes first, right under the page's heading.
    assert (
        html.index("<h1")
        < html.index('id="todo-heading"')
        < html.index("<h2", html.index("</section>", html.index('id="todo-heading"')))
    )


def test_no_alarm_more_than_three_months_before_the_deadline(client, db, people):
    org, worker, *_ = people
    db.add(
        Registration(
            organisation_id=org.id,
            owner_id=worker.id,
            norm_id="skj-jeugd-gezinsprofessional",
            registered_on=date(2020, 9, 1),  # deadline 31 August 2025: six months away
        )
    )
    db.commit()
    login(client, worker.email, PASSWORD)
    html = client.get("/portfolio/").get_data(as_text=True)
    todo = html.split('id="todo-heading"')[1].split("</section>")[0]
    assert "todo-alarm" not in todo and "SKJ" not in todo


def test_the_supervisor_sees_sign_offs_waiting_with_their_age(client, db, people):
    _org, worker, _colleague, supervisor, _hr = people
    waiting = entry(db, worker, status="submitted", title="Training MI")
    db.add(
        EntryEvent(
            entry_id=waiting.id, actor_id=worker.id, action="submitted", entry_version=1, at=AT
        )
    )
    db.commit()
    login(client, supervisor.email, PASSWORD)
    html = client.get("/").get_data(as_text=True)
    todo = html.split('id="todo-heading"')[1].split("</section>")[0]
    assert "Training MI" in todo and "Wendy Werker" in todo
    assert "10 dagen" in todo  # 20 February 10:00 to 3 March 09:00
    assert f"/team/sign-off/{waiting.id}" in todo


def test_hr_sees_people_whose_registration_expired_linked_to_the_person(client, db, people):
    org, worker, _colleague, _supervisor, hr = people
    db.add(
        Registration(
            organisation_id=org.id,
            owner_id=worker.id,
            norm_id="skj-jeugd-gezinsprofessional",
            registered_on=date(2019, 1, 1),  # the deadline passed on 31 December 2023
        )
    )
    db.commit()
    login(client, hr.email, PASSWORD)
    html = client.get("/").get_data(as_text=True)
    todo = html.split('id="todo-heading"')[1].split("</section>")[0]
    assert "Wendy Werker" in todo and f"/hr/people/{worker.id}" in todo


def test_the_cached_dashboard_shows_feedback_asked_after_it_was_cached(client, db, people):
    org, worker, colleague, *_rest = people
    login(client, worker.email, PASSWORD)
    assert "Geef feedback aan" not in client.get("/portfolio/").get_data(as_text=True)
    db.add(
        FeedbackRequest(
            organisation_id=org.id,
            requester_id=colleague.id,
            respondent_id=worker.id,
            respondent_name=worker.name,
            competency_codes=["WMO1"],
        )
    )
    db.commit()
    assert "Geef feedback aan Cor Collega" in client.get("/portfolio/").get_data(as_text=True)
