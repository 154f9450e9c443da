"""The supervisor's team overview: standing per registration and last activity, no content."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from portfolio.models import Entry, Registration, Role, TeamLead
from portfolio.services.overviews import team_overview
from tests.conftest import login
from tests.factories import PASSWORD, make_organisation, make_team, make_user


def test_team_members_show_standing_and_last_activity_but_no_text(app, client, db):
    app.config["CLOCK"] = lambda: datetime(2026, 9, 1, 10, tzinfo=UTC)
    org = make_organisation(db)
    team = make_team(db, org)
    lead = make_user(db, org, role=Role.SUPERVISOR, leads=team)
    behind = make_user(db, org, team=team, name="Achter Op")
    make_user(db, org, team=team, name="Zonder Registratie")
    _register(db, behind, date(2022, 3, 1))
    db.add(
        Entry(
            organisation_id=org.id,
            owner_id=behind.id,
            kind="reflection",
            title="Reflectie",
            occurred_on=date(2026, 8, 14),
            hours=Decimal(1),
            body="privé tekst",
            catalogue_version="t",
        )
    )
    db.commit()
    login(client, lead.email, PASSWORD)
    html = client.get("/team/").get_data(as_text=True)
    row = html.split("Achter Op")[1].split("</tr>")[0]
    assert "2026" in row and "14" in row  # last activity
    assert "privé tekst" not in html
    assert "no registration" in html or "geen registratie" in html
    # Deadline 2027-02-28 is within six months and the pace is far off: at risk.
    assert "at risk" in row or "risico" in row


def _register(db, user, registered_on: date, norm_id: str = "skj-jeugd-gezinsprofessional") -> None:
    registration = Registration(
        organisation_id=user.organisation_id,
        owner_id=user.id,
        norm_id=norm_id,
        registered_on=registered_on,
    )
    db.add(registration)
    db.commit()


def test_the_team_page_uses_the_same_number_of_queries_for_small_and_large_teams(
    app, client, db, count_queries
):
    org = make_organisation(db)
    team = make_team(db, org)
    lead = make_user(db, org, role=Role.SUPERVISOR, leads=team)
    login(client, lead.email, PASSWORD)
    counts = []
    for added in (2, 28):
        for _ in range(added):
            _register(db, make_user(db, org, team=team), date(2023, 1, 1))
        with count_queries() as counter:
            assert client.get("/team/").status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1] <= 10, counts


def test_last_activity_is_the_latest_entry_not_in_the_future(app, db):
    org = make_organisation(db)
    team = make_team(db, org)
    lead = make_user(db, org, role=Role.SUPERVISOR, leads=team)
    member = make_user(db, org, team=team)
    for occurred_on in (date(2026, 8, 14), date(2026, 9, 1), date(2026, 10, 20)):  # last: planned
        db.add(
            Entry(
                organisation_id=org.id,
                owner_id=member.id,
                kind="reflection",
                title="R",
                occurred_on=occurred_on,
                hours=Decimal(1),
                catalogue_version="t",
                created_at=datetime(2026, 9, 2, tzinfo=UTC),
            )
        )
    db.commit()
    with app.test_request_context():
        ((_team, (view,)),) = team_overview.overview(db, supervisor=lead, today=date(2026, 9, 1))
    assert view.last_activity == date(2026, 9, 1)


def test_the_overview_reads_teams_members_activity_and_standings_in_one_statement(
    app, db, count_queries
):
    org = make_organisation(db)
    first, second, empty = (make_team(db, org, name) for name in ("Alfa", "Bravo", "Charlie"))
    make_team(db, org, "Aardvark")  # a team the supervisor does not lead
    lead = make_user(db, org, role=Role.SUPERVISOR, leads=first)
    db.add_all(TeamLead(team_id=team.id, user_id=lead.id) for team in (second, empty))
    twice = make_user(db, org, team=first, name="Bep Twee")
    _register(db, twice, date(2022, 3, 1))
    _register(db, twice, date(2025, 3, 1), norm_id="registerplein-sociaal-werker")
    none = make_user(db, org, team=first, name="Anna Geen")
    once = make_user(db, org, team=second, name="Cor Een")
    _register(db, once, date(2023, 1, 1))
    for owner, occurred_on in ((once, date(2026, 8, 14)), (none, date(2026, 7, 1))):
        db.add(
            Entry(
                organisation_id=org.id,
                owner_id=owner.id,
                kind="reflection",
                title="R",
                occurred_on=occurred_on,
                hours=Decimal(1),
                catalogue_version="t",
            )
        )
    db.commit()
    today = date(2026, 9, 1)
    with app.test_request_context():
        computed = team_overview.overview(db, supervisor=lead, today=today)  # stored now
        db.commit()
        with count_queries() as counter:
            stored = team_overview.overview(db, supervisor=lead, today=today)
    assert counter.count == 1, counter.statements  # teams, members, activity, standings
    assert stored == computed

    def shown(teams):
        return [
            (team.name, [(m.name, len(m.standings), m.last_activity) for m in members])
            for team, members in teams
        ]

    assert shown(stored) == [
        ("Alfa", [("Anna Geen", 0, date(2026, 7, 1)), ("Bep Twee", 2, None)]),
        ("Bravo", [("Cor Een", 1, date(2026, 8, 14))]),
        ("Charlie", []),
    ]
    ((title, _standing),) = stored[1][1][0].standings
    assert title == team_overview.standings.known_norms()["skj-jeugd-gezinsprofessional"].title
