"""A registration's standing, computed by hand from real norm statuses."""

from datetime import date
from decimal import Decimal

import competencies
from competencies import Activity
from competencies.activities import Accreditation
from competencies.standing import AT_RISK, BEHIND, EXPIRED, ON_TRACK, UNKNOWN, standing

SKJ = competencies.load_norm("skj-jeugd-gezinsprofessional")
START = date(2022, 3, 1)  # deadline 2027-02-28


def _status(norm, activities, as_of):
    return competencies.norm_status(norm, START, activities, as_of)


def _full_portfolio():
    return [
        Activity(
            "training",
            date=date(2022, 4, 1),
            hours=Decimal(60),
            accreditations=(Accreditation("skj", "A"),),
        ),
        Activity("peer_review", date=date(2022, 4, 2), hours=Decimal(60), form="intervisie"),
        Activity("work", start=START, end=None, hours_per_week=Decimal(36)),
    ]


def test_met_is_on_track_even_after_the_deadline():
    assert (
        standing(_status(SKJ, _full_portfolio(), date(2027, 3, 10)), date(2027, 3, 10)) == ON_TRACK
    )


def test_nothing_done_is_behind_early_at_risk_late_and_expired_after():
    assert standing(_status(SKJ, [], date(2024, 1, 1)), date(2024, 1, 1)) == BEHIND
    assert standing(_status(SKJ, [], date(2026, 8, 28)), date(2026, 8, 28)) == AT_RISK
    assert standing(_status(SKJ, [], date(2027, 3, 1)), date(2027, 3, 1)) == EXPIRED


def test_unconfirmed_thresholds_give_unknown():
    norm = competencies.load_norm("registerplein-sociaal-werker")
    assert standing(_status(norm, [], date(2024, 1, 1)), date(2024, 1, 1)) == UNKNOWN
