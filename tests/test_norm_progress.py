"""Norm progress: entries of each kind counted by hand against the SKJ and Registerplein norms."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from portfolio.models import Entry, Registration, ThresholdOverride
from portfolio.services.norms import norm_progress
from tests.factories import make_organisation, make_team, make_user

SKJ = "skj-jeugd-gezinsprofessional"
REGISTERPLEIN = "registerplein-sociaal-werker"
REGISTERED = date(2024, 1, 1)
AS_OF = date(2026, 7, 1)
DAYS_UNTIL_AS_OF = 913  # 2024-01-01 … 2026-07-01 inclusive: 366 + 365 + 181 + 1


def add_entry(db, owner, kind: str, on: date, hours="0", **fields) -> Entry:
    """One entry of `owner`, written as a real row."""
    entry = Entry(
        organisation_id=owner.organisation_id,
        owner_id=owner.id,
        kind=kind,
        title=f"{kind} {on}",
        occurred_on=on,
        hours=Decimal(hours),
        catalogue_version="test",
        **fields,
    )
    db.add(entry)
    db.commit()
    return entry


def register(db, owner, norm_id: str, on: date = REGISTERED) -> Registration:
    """A registration of `owner` with `norm_id`."""
    registration = Registration(
        organisation_id=owner.organisation_id,
        owner_id=owner.id,
        norm_id=norm_id,
        registration_number="1",
        registered_on=on,
    )
    db.add(registration)
    db.commit()
    return registration


def every_kind(db, owner) -> dict[str, Entry]:
    """One or more entries of each of the five kinds, some of which a norm does not count."""
    return {
        "accredited": add_entry(
            db,
            owner,
            "training",
            date(2024, 3, 1),
            "8",
            accreditations=[{"register": "skj", "id": "SKJ-1234"}],
        ),
        "unaccredited": add_entry(
            db, owner, "training", date(2024, 4, 1), "6", accreditations=None
        ),
        "before_period": add_entry(
            db,
            owner,
            "training",
            date(2023, 12, 31),
            "10",
            accreditations=[{"register": "skj", "id": "SKJ-9"}],
        ),
        # Peer review sessions count once signed off (Beroepscode art. 24).
        "intervisie": add_entry(
            db, owner, "peer_review", date(2025, 2, 1), "2", form="intervisie", status="signed"
        ),
        "moreel_beraad": add_entry(
            db, owner, "peer_review", date(2025, 3, 1), "1.5", form="moreel-beraad", status="signed"
        ),
        "short_session": add_entry(
            db, owner, "peer_review", date(2025, 4, 1), "0.5", form="supervisie", status="signed"
        ),
        "reflection": add_entry(db, owner, "reflection", date(2025, 5, 1), "3"),
        "literature": add_entry(
            db, owner, "other", date(2025, 6, 1), "4", activity_type="vakliteratuur"
        ),
        "work": add_entry(
            db, owner, "work", date(2023, 6, 1), end_on=None, hours_per_week=Decimal(28)
        ),
    }


@pytest.fixture
def org_and_worker(app, db):
    app.config["CLOCK"] = lambda: datetime(2026, 7, 1, 10, tzinfo=UTC)
    org = make_organisation(db)
    return org, make_user(db, org, team=make_team(db, org))


def test_skj_status_counts_each_kind_by_the_norms_mapping(db, org_and_worker):
    _org, worker = org_and_worker
    entries = every_kind(db, worker)
    registration = register(db, worker, SKJ)

    status = norm_progress.status_for(db, registration=registration, as_of=AS_OF)

    # Scholing: accredited training inside the period only (8); without an ID it counts nowhere.
    scholing = status.category("scholing")
    assert (scholing.counted, scholing.required, scholing.met) == (8, 60, False)
    assert scholing.refs == (entries["accredited"].id,)
    # Reflectie: intervisie 2 + moreel beraad 1.5; the 0.5 h session is under SKJ's 1-hour minimum;
    # a written reflection is self-reflection and does not count.
    reflectie = status.category("reflectie")
    assert reflectie.counted == Decimal("3.5")
    assert set(reflectie.refs) == {entries["intervisie"].id, entries["moreel_beraad"].id}
    # Work: 28 h a week from the period start (the job began before it) up to as_of inclusive.
    assert status.work_hours.earned == Decimal(28) * DAYS_UNTIL_AS_OF / 7 == 3652
    assert status.work_hours.met is True
    assert status.met is False
    assert status.forecast.on_track is False


def test_one_activity_counts_toward_every_registration_through_its_own_mapping(db, org_and_worker):
    _org, worker = org_and_worker
    entries = every_kind(db, worker)
    skj, registerplein = register(db, worker, SKJ), register(db, worker, REGISTERPLEIN)

    result = norm_progress.statuses_for(db, registrations=[skj, registerplein], as_of=AS_OF)

    skj_status, plein_status = result[skj.id][1], result[registerplein.id][1]
    assert entries["accredited"].id in skj_status.category("scholing").refs
    # Registerplein counts only its own course-agenda ID: the SKJ-accredited course (8) is
    # "overige" there, with the one without an ID (6) and vakliteratuur (4); moreel beraad is
    # not one of its reflection forms, the short supervision session is (no minimum length).
    assert entries["accredited"].id in plein_status.category("overig").refs
    assert plein_status.category("geaccrediteerd").refs == ()
    assert plein_status.category("overig").counted == 18
    assert plein_status.category("reflectie").counted == Decimal("2.5")


def test_registerplein_thresholds_are_unconfirmed_until_the_organisation_sets_them(
    db, org_and_worker
):
    org, worker = org_and_worker
    every_kind(db, worker)
    # every_kind's accredited course has an SKJ id only ("overige" here): one of Registerplein.
    add_entry(
        db,
        worker,
        "training",
        date(2024, 5, 1),
        "8",
        accreditations=[{"register": "registerplein", "id": "RP-8"}],
    )
    registration = register(db, worker, REGISTERPLEIN)

    before = norm_progress.status_for(db, registration=registration, as_of=AS_OF)
    accredited = before.category("geaccrediteerd")
    assert (accredited.required, accredited.unconfirmed, accredited.met) == (None, True, None)
    assert before.met is None and before.forecast.on_track is None

    other_org = make_organisation(db)
    db.add_all(
        [
            ThresholdOverride(
                organisation_id=org.id,
                norm_id=REGISTERPLEIN,
                thresholds={"geaccrediteerd": {"min": 100}},
                changed_at=datetime(2026, 1, 1, tzinfo=UTC),
            ),
            ThresholdOverride(
                organisation_id=org.id,
                norm_id=REGISTERPLEIN,
                thresholds={
                    "geaccrediteerd": {"min": 8},
                    "reflectie": {"min": 2},
                    "overig": {"max": 5},
                    "total": {"min": 15},
                    "work_hours": {"min": 100},
                },
                changed_at=datetime(2026, 2, 1, tzinfo=UTC),
            ),
            ThresholdOverride(
                organisation_id=other_org.id,
                norm_id=REGISTERPLEIN,
                thresholds={"geaccrediteerd": {"min": 500}},
                changed_at=datetime(2026, 3, 1, tzinfo=UTC),
            ),
        ]
    )
    db.commit()

    after = norm_progress.status_for(db, registration=registration, as_of=AS_OF)

    # The newest override of the worker's own organisation applies; nothing is unconfirmed.
    accredited = after.category("geaccrediteerd")
    assert (accredited.required, accredited.unconfirmed, accredited.met) == (8, False, True)
    overig = after.category("overig")
    assert (overig.earned, overig.counted, overig.cap, overig.unconfirmed) == (18, 5, 5, False)
    assert after.total.counted == 8 + Decimal("2.5") + 5
    assert after.met is True and after.forecast.on_track is True


def test_entries_of_another_worker_are_never_counted(db, org_and_worker):
    org, worker = org_and_worker
    colleague = make_user(db, org, team=make_team(db, org))
    every_kind(db, colleague)
    mine = register(db, worker, SKJ)
    theirs = register(db, colleague, SKJ)

    result = norm_progress.statuses_for(db, registrations=[mine, theirs], as_of=AS_OF)

    assert result[mine.id][1].category("scholing").counted == 0
    assert result[mine.id][1].work_hours.earned == 0
    assert result[theirs.id][1].category("scholing").counted == 8


def test_a_corrected_entry_counts_once_as_its_correction(db, org_and_worker):
    _org, worker = org_and_worker
    original = add_entry(
        db,
        worker,
        "training",
        date(2025, 1, 1),
        "4",
        accreditations=[{"register": "skj", "id": "A1"}],
    )
    add_entry(
        db,
        worker,
        "training",
        date(2025, 1, 1),
        "5",
        accreditations=[{"register": "skj", "id": "A1"}],
        supersedes_id=original.id,
    )
    registration = register(db, worker, SKJ)

    status = norm_progress.status_for(db, registration=registration, as_of=AS_OF)

    assert status.category("scholing").counted == 5


def test_entries_after_the_as_of_date_do_not_count_yet(db, org_and_worker):
    _org, worker = org_and_worker
    add_entry(
        db,
        worker,
        "training",
        date(2026, 7, 2),
        "4",
        accreditations=[{"register": "skj", "id": "A1"}],
    )
    registration = register(db, worker, SKJ)

    status = norm_progress.status_for(db, registration=registration, as_of=AS_OF)

    assert status.category("scholing").counted == 0


def test_many_registrations_take_two_statements_whatever_the_number_of_entries(
    app, db, org_and_worker, count_queries
):
    org, _worker = org_and_worker
    registrations = []
    for _ in range(3):
        owner = make_user(db, org)
        every_kind(db, owner)
        registrations += [register(db, owner, SKJ), register(db, owner, REGISTERPLEIN)]

    with count_queries() as counter:
        result = norm_progress.statuses_for(db, registrations=registrations, as_of=AS_OF)

    assert len(result) == 6
    assert counter.count == 2


def test_a_registration_of_an_unknown_norm_is_reported(db, org_and_worker):
    _org, worker = org_and_worker
    registration = register(db, worker, "no-such-norm")

    assert norm_progress.statuses_for(db, registrations=[registration], as_of=AS_OF) == {}
    with pytest.raises(KeyError, match="no-such-norm"):
        norm_progress.status_for(db, registration=registration, as_of=AS_OF)
