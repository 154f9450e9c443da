"""Norm statuses from hours summed in SQL equal the statuses counted entry by entry.

A generated portfolio (fixed seed) holds every entry kind, every peer-review form and activity
type and some that no norm lists, accreditations of each register and of none, sessions
on both sides of a session minimum, entries before, inside, on the end of and after periods and
after the as-of date, corrections of signed entries, work periods, workers with registrations
of two norms, a registration on 29 February and an organisation with threshold overrides.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import literal, select

from competencies import Rule, load_norm
from competencies.catalogue import OTHER_ACTIVITY_TYPE_CODES, REFLECTION_FORM_CODES
from competencies.period import add_years
from portfolio.models import Entry, Registration, ThresholdOverride
from portfolio.models.entry import accredited_by
from portfolio.services.norms import norm_progress, norm_sums
from portfolio.services.norms.norm_rules import category_of, rule_set
from tests.factories import make_organisation, make_user

SEED = 20200229
SKJ, JZW = "skj-jeugd-gezinsprofessional", "skj-jeugdzorgwerker"
PLEIN = "registerplein-sociaal-werker"
FORMS = (*REFLECTION_FORM_CODES, "wandelgesprek", None)  # listed by some norms, by none, none
TYPES = (*OTHER_ACTIVITY_TYPE_CODES, "podcast", None)
# Per register: none, an old id of an unknown register, one register, two, and NIP (SKJ only).
ACCREDITATIONS = (
    None,
    [{"register": None, "id": "OLD-1"}],
    [{"register": "skj", "id": "SKJ-1234"}],
    [{"register": "registerplein", "id": "RP 77"}],
    [{"register": "registerplein", "id": "RP 78"}, {"register": "skj", "id": "SKJ-8"}],
    [{"register": "nip", "id": "NIP-5"}],
)
HOURS = ("0", "0.50", "0.99", "1", "1.01", "1.50", "2", "2.25", "3.75", "8")
LEAP_DAY = date(2020, 2, 29)  # its period ends on 28 February 2025 (exclusive)
EDGE_HOURS = Decimal("7.77")
AS_OF_DATES = (date(2021, 6, 30), date(2025, 2, 27), date(2025, 2, 28), date(2026, 12, 31))
OVERRIDES = {
    SKJ: {"scholing": {"min": 40}, "reflectie": {"max": 30}, "work_hours": {"min": 1000}},
    PLEIN: {
        "geaccrediteerd": {"min": 8},
        "reflectie": {"min": 2},
        "overig": {"max": 5},
        "total": {"min": 15},
        "work_hours": {"min": 100},
    },
}


def _accredited(items: list | None) -> dict:
    """The two columns as the app writes them (a core insert runs no ORM event)."""
    return {"accreditations": items, "accredited_by": accredited_by(items)}


def _day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def _entry(rng: random.Random, owner, on: date, kind: str | None = None) -> dict:
    kind = kind or rng.choice(("reflection", "training", "peer_review", "other"))
    return {
        "organisation_id": owner.organisation_id,
        "owner_id": owner.id,
        "kind": kind,
        "title": kind,
        "occurred_on": on,
        "hours": Decimal(rng.choice(HOURS)),
        **_accredited(rng.choice(ACCREDITATIONS)),
        "form": rng.choice(FORMS),
        "activity_type": rng.choice(TYPES),
        "catalogue_version": "test",
        "status": rng.choice(("draft", "signed")),
    }


def _worker(db, rng: random.Random, organisation, registrations: list[tuple[str, date]]):
    """A worker with these registrations, ~60 entries around them and one or two work periods."""
    worker = make_user(db, organisation)
    db.add_all(
        [
            Registration(
                organisation_id=organisation.id,
                owner_id=worker.id,
                norm_id=norm,
                registration_number=f"R{worker.id}",
                registered_on=on,
            )
            for norm, on in registrations
        ]
    )
    starts = [on for _norm, on in registrations]
    entries = [
        _entry(rng, worker, _day(rng, min(starts) - timedelta(days=200), date(2027, 6, 30)))
        for _ in range(60)
    ]
    for start in starts:  # the first day, the last day and the day after each period
        end = add_years(start, 5)
        entries += [
            _entry(rng, worker, day, kind)
            for day in (start, end - timedelta(days=1), end)
            for kind in ("training", "peer_review", "other")
        ]
    for _ in range(rng.randint(1, 2)):
        start = _day(rng, min(starts) - timedelta(days=900), date(2026, 6, 30))
        end = rng.choice((None, start + timedelta(days=rng.randint(0, 1500))))
        per_week = rng.choice((None, Decimal("24"), Decimal("31.50")))
        entries.append(
            {
                **_entry(rng, worker, start, "work"),
                "hours": Decimal(0),
                "end_on": end,
                "hours_per_week": per_week,
            }
        )
    db.execute(
        Entry.__table__.insert(), [{"end_on": None, "hours_per_week": None} | e for e in entries]
    )
    db.commit()
    return worker


def _base(worker) -> dict:
    return {
        "organisation_id": worker.organisation_id,
        "owner_id": worker.id,
        "title": "extra",
        "catalogue_version": "test",
        "end_on": None,
        "hours_per_week": None,
        "accreditations": None,
        "accredited_by": None,
        "form": None,
        "activity_type": None,
    }


def _leap_day_edges(db, worker) -> None:
    """Accredited training of 7.77 h on the last day of the leap-day period and on its end."""
    db.execute(
        Entry.__table__.insert(),
        [
            {
                **_base(worker),
                "kind": "training",
                "occurred_on": day,
                "hours": EDGE_HOURS,
                **_accredited([{"register": "skj", "id": "SKJ-29"}]),
            }
            for day in (date(2025, 2, 27), date(2025, 2, 28))
        ],
    )
    db.commit()


def _meet_registerplein(db, worker) -> None:
    """Enough for the organisation's Registerplein thresholds: one registration is met."""
    base = _base(worker)
    db.execute(
        Entry.__table__.insert(),
        [
            {
                **base,
                "kind": "training",
                "occurred_on": date(2021, 3, 1),
                "hours": Decimal(9),
                **_accredited([{"register": "registerplein", "id": "RP-1"}]),
            },
            {
                **base,
                "kind": "peer_review",
                "occurred_on": date(2021, 4, 1),
                "hours": Decimal(3),
                "form": "intervisie",
            },
            {
                **base,
                "kind": "other",
                "occurred_on": date(2021, 5, 1),
                "hours": Decimal(6),
                "activity_type": "onderzoek",
            },
            {
                **base,
                "kind": "work",
                "occurred_on": date(2020, 3, 1),
                "hours": Decimal(0),
                "hours_per_week": Decimal(20),
            },
        ],
    )
    db.commit()


def _correct(db, rng: random.Random, workers) -> None:
    """Corrections of signed entries by their owner; one pointing at a colleague's entry,
    which hides nothing (only a correction by the same owner replaces an entry)."""
    signed = db.execute(
        select(Entry.id, Entry.owner_id, Entry.occurred_on, Entry.kind)
        .where(Entry.status == "signed", Entry.kind != "work")
        .order_by(Entry.id)
    ).all()
    owners = {w.id: w for w in workers}
    for entry_id, owner_id, on, kind in rng.sample(signed, 25):
        db.execute(
            Entry.__table__.insert(),
            [
                {
                    **_entry(rng, owners[owner_id], on, kind),
                    "supersedes_id": entry_id,
                    "end_on": None,
                    "hours_per_week": None,
                }
            ],
        )
    stranger = workers[0]
    entry_id = next(e for e, owner_id, *_ in signed if owner_id != stranger.id)
    db.execute(
        Entry.__table__.insert(),
        [
            {
                **_entry(rng, stranger, date(2023, 5, 5), "training"),
                "supersedes_id": entry_id,
                "end_on": None,
                "hours_per_week": None,
            }
        ],
    )
    db.commit()


@pytest.fixture
def portfolio(db):
    """Workers of an organisation with overrides and of one without; their registrations."""
    rng = random.Random(SEED)
    with_overrides, plain = make_organisation(db), make_organisation(db)
    changed_at = datetime(2024, 1, 1, tzinfo=UTC)
    db.add_all(
        [
            ThresholdOverride(
                organisation_id=with_overrides.id,
                norm_id=norm,
                thresholds=thresholds,
                changed_at=changed_at,
            )
            for norm, thresholds in OVERRIDES.items()
        ]
    )
    db.commit()
    plans = [
        [(SKJ, LEAP_DAY)],
        [(PLEIN, LEAP_DAY), (SKJ, date(2021, 9, 1))],
        [(PLEIN, date(2021, 1, 1))],
        [(JZW, date(2018, 3, 1)), (JZW, date(2023, 3, 1))],
        [(SKJ, date(2019, 11, 30))],
    ]
    plans += [
        [(rng.choice((SKJ, PLEIN, JZW)), _day(rng, date(2017, 1, 1), date(2026, 6, 1)))]
        for _ in range(8)
    ]
    workers = [
        _worker(db, rng, (with_overrides, plain)[n % 2], plan) for n, plan in enumerate(plans)
    ]
    _meet_registerplein(db, workers[2])
    _leap_day_edges(db, workers[0])
    _correct(db, rng, workers)
    return db.scalars(select(Registration).order_by(Registration.id)).all()


def _without_refs(status):
    categories = tuple(replace(c, refs=()) for c in status.categories)
    work = replace(status.work_hours, refs=()) if status.work_hours else None
    return replace(status, categories=categories, work_hours=work)


@pytest.mark.parametrize("as_of", AS_OF_DATES)
def test_summed_statuses_equal_the_statuses_counted_entry_by_entry(db, portfolio, as_of):
    per_entry = norm_progress.statuses_for(db, registrations=portfolio, as_of=as_of)

    summed = norm_sums.summed_statuses_for(db, registrations=portfolio, as_of=as_of)

    assert summed.keys() == per_entry.keys() == {r.id for r in portfolio}
    for registration_id, (norm, status) in per_entry.items():
        assert summed[registration_id][0] == norm
        expected = _without_refs(status)
        assert summed[registration_id][1] == expected, registration_id
        assert repr(summed[registration_id][1]) == repr(expected)  # Decimal exponents too


def test_the_portfolio_reaches_every_rule(db, portfolio):
    """The comparison means something: each category gets hours somewhere, a short session is
    left out, a threshold is met and one is not, an override applies."""
    statuses = norm_progress.statuses_for(db, registrations=portfolio, as_of=AS_OF_DATES[-1])
    earned = {
        (norm.id, c.id) for norm, status in statuses.values() for c in status.categories if c.earned
    }
    assert earned == {(n, c.id) for n in (SKJ, PLEIN, JZW) for c in load_norm(n).categories}
    assert {status.met for _norm, status in statuses.values()} >= {True, False, None}
    assert any(norm.category("scholing").min == 40 for norm, _s in statuses.values())
    short = db.scalars(
        select(Entry.id).where(
            Entry.kind == "peer_review", Entry.hours < 1, Entry.form == "intervisie"
        )
    ).all()
    assert short


def test_a_leap_day_registration_ends_on_28_february(db, portfolio):
    leap = next(r for r in portfolio if r.registered_on == LEAP_DAY and r.norm_id == SKJ)
    as_of = date(2026, 12, 31)
    edges = db.execute(
        select(Entry.occurred_on, Entry.id).where(
            Entry.owner_id == leap.owner_id, Entry.hours == EDGE_HOURS
        )
    ).all()

    summed = norm_sums.summed_statuses_for(db, registrations=[leap], as_of=as_of)[leap.id][1]

    per_entry = norm_progress.status_for(db, registration=leap, as_of=as_of)
    assert summed.period.end == date(2025, 2, 28)
    refs = per_entry.category("scholing").refs
    assert dict(edges)[date(2025, 2, 27)] in refs
    assert dict(edges)[date(2025, 2, 28)] not in refs
    assert summed.category("scholing").earned == per_entry.category("scholing").earned


def test_the_latest_start_of_an_ended_period_is_exact():
    for as_of in (date(2024, 2, 29), date(2025, 2, 28), date(2028, 2, 29), date(2026, 12, 14)):
        for years in (1, 4, 5):
            latest = norm_sums.latest_start_ended(years, as_of)
            assert add_years(latest, years) <= as_of
            assert all(add_years(latest + timedelta(days=n), years) > as_of for n in (1, 2, 400))


def _category_by_rules(norm, entry) -> str | None:
    """The Python path: activity_for, Norm.category_for, then the session minimum."""
    activity = norm_progress.activity_for(entry)
    category = norm.category_for(activity)
    if category is None:
        return None
    minimum = category.min_session_hours
    return category.id if minimum is None or activity.hours >= minimum else None


def test_rules_in_sql_pick_the_category_python_picks_with_several_session_minimums(db, portfolio):
    """A norm of our own: three different session minimums, accredited either way or not at
    all, lists of forms and types (one empty), a category no rule reaches."""
    norm = replace(
        load_norm(JZW),
        id="test-rules",
        categories=(
            replace(
                load_norm(JZW).category("scholing"),
                id="a",
                min_session_hours=Decimal("1.5"),
                rules=(Rule("training", accredited=True, registers=("skj", "nip")),),
            ),
            replace(
                load_norm(JZW).category("reflectie"),
                id="b",
                min_session_hours=Decimal(1),
                rules=(
                    Rule("peer_review", forms=("intervisie", "supervisie", "wandelgesprek")),
                    Rule("other", types=()),
                ),
            ),
            replace(
                load_norm(JZW).category("reflectie"),
                id="c",
                min_session_hours=Decimal(2),
                rules=(Rule("peer_review"), Rule("reflection")),
            ),
            replace(
                load_norm(JZW).category("vrije_ruimte"),
                id="d",
                min_session_hours=None,
                rules=(
                    Rule("training", accredited=False, registers=("registerplein",)),
                    Rule("other", types=("podcast",)),
                    Rule("training"),
                ),
            ),
            replace(load_norm(JZW).category("vrije_ruimte"), id="e", rules=()),
        ),
    )
    statement = select(Entry, category_of([rule_set(norm)], literal(norm.id)).label("category"))

    rows = db.execute(statement.order_by(Entry.id)).all()

    assert len(rows) > 500
    assert [category for _e, category in rows] == [_category_by_rules(norm, e) for e, _c in rows]
    assert {category for _e, category in rows} == {"a", "b", "c", "d", None}
