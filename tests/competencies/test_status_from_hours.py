"""The status from hours summed per category equals the status counted activity by activity;
category lookups are remembered per norm instance, never across organisations' thresholds."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from competencies import Activity, all_norms, load_norm, norm_status
from competencies.activities import Accreditation
from competencies.catalogue import OTHER_ACTIVITY_TYPE_CODES, REFLECTION_FORM_CODES
from competencies.period import registration_period
from competencies.status import norm_status_from_hours

THRESHOLDS = {
    "registerplein-sociaal-werker": {"geaccrediteerd": {"min": 8}, "total": {"min": 15}},
    "skj-jeugd-gezinsprofessional": {"scholing": {"min": 40}, "work_hours": {"min": 500}},
    "skj-jeugdzorgwerker": {"vrije_ruimte": {"max": 10}},
}


def _activities(rng: random.Random, start: date) -> list[Activity]:
    """Activities before, in and after a period from `start`, and two work periods."""
    found = []
    for _ in range(120):
        on = start + timedelta(days=rng.randint(-400, 2200))
        hours = Decimal(rng.choice(("0", "0.50", "0.99", "1", "1.75", "2", "4", "8")))
        kind = rng.choice(("reflection", "training", "peer_review", "other"))
        fields = {
            "training": {
                "accreditations": rng.choice(
                    (
                        (),
                        (Accreditation("skj", "S1"),),
                        (Accreditation("registerplein", "R1"), Accreditation("nip", "N1")),
                        (Accreditation(None, "OLD-1"),),
                    )
                )
            },
            "peer_review": {"form": rng.choice((*REFLECTION_FORM_CODES, "wandelen"))},
            "other": {"type": rng.choice(OTHER_ACTIVITY_TYPE_CODES)},
        }.get(kind, {})
        found.append(Activity(kind, date=on, hours=hours, **fields))
    later = start + timedelta(days=700)
    found += [
        Activity("work", start=start - timedelta(days=300), hours_per_week=Decimal("24")),
        Activity(
            "work", start=later, end=later + timedelta(days=200), hours_per_week=Decimal("12.50")
        ),
    ]
    return found


def _hours(norm, registered_on: date, activities, as_of: date) -> dict[str, Decimal]:
    """What the database sums: per category, the sessions that reach its minimum."""
    period = registration_period(registered_on, norm.period_years)
    hours: dict[str, Decimal] = {}
    for a in activities:
        if a.kind == "work" or not period.contains(a.date) or a.date > as_of:
            continue
        category = norm.category_for(a)
        minimum = category.min_session_hours if category else None
        if category and (minimum is None or a.hours >= minimum):
            hours[category.id] = hours.get(category.id, Decimal(0)) + a.hours
    return hours


@pytest.mark.parametrize("norm", all_norms(), ids=lambda norm: norm.id)
@pytest.mark.parametrize("overridden", [False, True])
def test_the_status_from_summed_hours_equals_the_status_of_each_activity(norm, overridden):
    rng = random.Random(f"{norm.id}-{overridden}")
    if overridden:
        norm = norm.with_thresholds(THRESHOLDS[norm.id])
    for registered_on in (date(2020, 2, 29), date(2021, 6, 15)):
        activities = _activities(rng, registered_on)
        for as_of in (date(2021, 1, 1), date(2025, 2, 28), date(2027, 1, 1)):
            expected = norm_status(norm, registered_on, activities, as_of)
            expected = replace(
                expected,
                categories=tuple(replace(c, refs=()) for c in expected.categories),
                work_hours=replace(expected.work_hours, refs=()) if expected.work_hours else None,
            )
            hours = _hours(norm, registered_on, activities, as_of)
            work = [a for a in activities if a.kind == "work"]

            assert norm_status_from_hours(norm, registered_on, hours, work, as_of) == expected


def test_category_lookups_belong_to_the_norm_instance():
    norm = load_norm("skj-jeugd-gezinsprofessional")
    training = Activity(
        "training",
        date=date(2024, 1, 1),
        hours=Decimal(2),
        accreditations=(Accreditation("skj", "X"),),
    )
    assert norm.category_for(training).min == 60  # remembered by the file's norm

    overridden = norm.with_thresholds({"scholing": {"min": 40}})

    assert overridden.category_for(training).min == 40
    assert norm.category_for(training).min == 60
    assert overridden.category_for(training) is overridden.category("scholing")


def test_category_for_fields_answers_as_the_rules_do():
    for norm in all_norms():
        for kind in ("reflection", "training", "peer_review", "other"):
            for accredited in (frozenset(), frozenset({"skj"}), frozenset({"registerplein"})):
                for form in (None, *REFLECTION_FORM_CODES, "wandelen"):
                    for type_ in (None, *OTHER_ACTIVITY_TYPE_CODES):
                        expected = next(
                            (
                                c
                                for c in norm.categories
                                if any(r.covers(kind, accredited, form, type_) for r in c.rules)
                            ),
                            None,
                        )
                        found = norm.category_for_fields(kind, accredited, form, type_)
                        assert found is expected
