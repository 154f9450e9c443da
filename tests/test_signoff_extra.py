"""Sign-off on the team page, corrections in the queue, a session with outside participants,
and the 'not answered yet' badge of a feedback request."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portfolio.models import Entry, FeedbackRequest, Role, Team
from portfolio.services.entries import signoff
from portfolio.supervisor.views import QUEUE_PREVIEW_SIZE
from tests.conftest import login, post_form
from tests.factories import PASSWORD, make_organisation, make_team, make_user
from tests.test_signoff import NOW, submitted

WAITING_RE = re.compile(r'<li><a href="/team/sign-off/(\d+)">([^<]+)</a>(.*?)</li>', re.S)


@pytest.fixture
def team_world(app, db):
    """A worker and the supervisor of their team (in English), on a fixed clock."""
    app.config["CLOCK"] = lambda: NOW
    org = make_organisation(db)
    team = make_team(db, org)
    worker = make_user(db, org, team=team, name="Wim Werker", locale="en")
    lead = make_user(db, org, role=Role.SUPERVISOR, leads=team, locale="en")
    return org, worker, lead


def _team_page(client) -> str:
    return client.get("/team/").get_data(as_text=True)


def _waiting_on_team_page(client) -> list[tuple[int, str, str]]:
    """(entry id, title, rest of the line) of the entries listed as waiting on the team page."""
    return [(int(i), title, rest) for i, title, rest in WAITING_RE.findall(_team_page(client))]


def test_the_team_page_shows_the_head_of_the_queue_with_a_link_to_it(client, db, team_world):
    org, worker, lead = team_world
    login(client, lead.email, PASSWORD)
    assert "Nothing is waiting for your sign-off." in _team_page(client)
    for days_ago in range(1, QUEUE_PREVIEW_SIZE + 3):
        submitted(db, worker, f"Sessie {days_ago}", days_ago=days_ago)
    submitted(db, make_user(db, org, team=make_team(db, org)), "Ander team", days_ago=0)
    submitted(db, worker, "Concept", status="draft")

    waiting = _waiting_on_team_page(client)
    assert [title for _id, title, _rest in waiting] == [
        f"Sessie {n}" for n in range(QUEUE_PREVIEW_SIZE + 2, 2, -1)
    ]  # the longest waiting first, as in the queue, at most QUEUE_PREVIEW_SIZE
    days = QUEUE_PREVIEW_SIZE + 2
    assert "Wim Werker" in waiting[0][2] and f"{days} days" in waiting[0][2]
    html = _team_page(client)
    assert f"{QUEUE_PREVIEW_SIZE + 2} entries are waiting; the longest waiting first:" in html
    assert '<a href="/team/sign-off">Sign-off queue</a>' in html
    assert "Nothing is waiting" not in html


def test_a_correction_has_a_badge_on_the_team_page_and_in_the_queue(client, db, team_world):
    _org, worker, lead = team_world
    original = submitted(db, worker, "Intervisie maart", days_ago=30, status="signed")
    correction = submitted(
        db, worker, "Intervisie maart (gecorrigeerd)", days_ago=2, supersedes_id=original.id
    )
    plain = submitted(db, worker, "Intervisie april", days_ago=1)
    login(client, lead.email, PASSWORD)

    badge = '<span class="badge">Correction</span>'
    rows = {entry_id: rest for entry_id, _title, rest in _waiting_on_team_page(client)}
    assert rows.keys() == {correction.id, plain.id}
    assert badge in rows[correction.id] and badge not in rows[plain.id]
    queue = client.get("/team/sign-off").get_data(as_text=True)
    cells = dict(
        re.findall(
            r'<a href="/team/sign-off/(\d+)">[^<]+</a>([^<]*(?:<span[^>]*>'
            r"[^<]*</span>)?)</td>",
            queue,
        )
    )
    assert badge in cells[str(correction.id)] and badge not in cells[str(plain.id)]


def test_the_team_page_sends_as_many_statements_with_one_or_many_waiting(
    client, db, team_world, count_queries
):
    _org, worker, lead = team_world
    login(client, lead.email, PASSWORD)
    counts = []
    for added in (1, 3 * QUEUE_PREVIEW_SIZE):
        for n in range(added):
            previous = submitted(db, worker, f"Sessie {n}", days_ago=n + 1, status="signed")
            submitted(db, worker, f"Correctie {n}", days_ago=n, supersedes_id=previous.id)
        client.get("/team/").close()
        with count_queries() as counter:
            assert client.get("/team/").status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1], counts


# --- a peer review session with outside participants, from the form to the signature ----------

OUTSIDERS = "Piet Jansen (wijkteam), Karin de Boer (GGD)"


def test_a_session_with_outside_participants_is_submitted_and_signed_off(
    app, client, db, team_world
):
    org, worker, lead = team_world
    colleague = make_user(db, org, team=db.get(Team, worker.team_id), name="Cas Collega")
    login(client, worker.email, PASSWORD)
    new = "/portfolio/entries/new/peer_review"
    response = post_form(
        client,
        new,
        {
            "title": "Casusoverleg met ketenpartners",
            "occurred_on": "2026-11-10",
            "hours": "2",
            "competency_codes": ["WMO5"],
            "article_numbers": ["24"],
            "form": "intervisie",
            "external_participants": OUTSIDERS,
            "participant_ids": [str(colleague.id)],
            "learning_points": "Eerst samen het doel bepalen.",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    entry = db.scalars(select(Entry).where(Entry.owner_id == worker.id)).one()
    assert entry.external_participants == OUTSIDERS
    page = f"/portfolio/entries/{entry.id}"
    submit = post_form(client, f"{page}/submit", {}, token_from=page)
    assert submit.status_code == 302

    lead_client = app.test_client()
    login(lead_client, lead.email, PASSWORD)
    assert [i for i, _title, _rest in _waiting_on_team_page(lead_client)] == [entry.id]
    review = f"/team/sign-off/{entry.id}"
    html = lead_client.get(review).get_data(as_text=True)
    assert OUTSIDERS in html and "Other participants" in html
    assert "Cas Collega — not confirmed yet" in html  # the colleague has not answered yet
    db.expire_all()
    version = db.get(Entry, entry.id).version
    signed = post_form(lead_client, review, {"version": version, "decision": "sign"})
    assert signed.status_code == 302

    db.expire_all()
    entry = db.get(Entry, entry.id)
    assert entry.status == "signed" and entry.signed_by_id == lead.id
    assert entry.signed_hash == signoff.content_hash(db, entry)
    entry.external_participants = "Piet Jansen (wijkteam)"  # the names are part of what is signed
    assert signoff.content_hash(db, entry) != entry.signed_hash
    db.rollback()
    assert _waiting_on_team_page(lead_client) == []
    assert OUTSIDERS in client.get(page).get_data(as_text=True)


# --- the 'not answered yet' badge of a feedback request ----------------------------------------

NOT_ANSWERED = '<span class="badge warn">not answered yet</span>'


def test_the_not_answered_badge_shows_until_the_feedback_is_answered(app, client, db):
    org = make_organisation(db)
    asker = make_user(db, org, locale="en")
    colleague = make_user(db, org)
    login(client, asker.email, PASSWORD)
    assert NOT_ANSWERED not in client.get("/feedback/").get_data(as_text=True)  # nothing asked
    post_form(
        client,
        "/feedback/new",
        {"who": "colleague", "colleague": colleague.id, "competency_codes": ["WMO1"]},
    )
    html = client.get("/feedback/").get_data(as_text=True)
    assert html.count(NOT_ANSWERED) == 1

    request = db.scalars(select(FeedbackRequest)).one()
    other = app.test_client()
    login(other, colleague.email, PASSWORD)
    answer = f"/feedback/{request.id}/answer"
    assert post_form(other, answer, {"answer": "Je vat helder samen."}).status_code == 200
    html = client.get("/feedback/").get_data(as_text=True)
    assert NOT_ANSWERED not in html and "Je vat helder samen." in html
