"""Norm status: which activities count, caps, session minimum, total, work hours, to_dict."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from competencies import load_norm, norm_status
from tests.competencies.factories import (
    make_other,
    make_peer_review,
    make_reflection,
    make_training,
    make_work,
)

RP = "registerplein-sociaal-werker"
JGP = "skj-jeugd-gezinsprofessional"
JZW = "skj-jeugdzorgwerker"
RP_SET = {
    "geaccrediteerd": {"min": 10},
    "reflectie": {"min": 4},
    "overig": {"max": 5},
    "total": {"min": 20},
    "work_hours": {"min": None},
}


def status(norm_id, activities, as_of, registered_on=date(2020, 1, 1), thresholds=None):
    """Norm status for a worker registered on 2020-01-01 unless told otherwise."""
    norm = load_norm(norm_id)
    if thresholds:
        norm = norm.with_thresholds(thresholds)
    return norm_status(norm, registered_on, activities, as_of=as_of)


def test_activity_on_the_start_date_counts_and_on_the_end_date_does_not():
    result = status(
        JZW,
        [
            make_training("2019-12-31", 3, ref="before"),
            make_training("2020-01-01", 8, ref="start"),
            make_training("2024-12-31", 2, ref="last-day"),
            make_training("2025-01-01", 8, ref="end"),
        ],
        as_of=date(2025, 6, 1),
    )
    scholing = result.category("scholing")
    assert scholing.earned == 10
    assert scholing.refs == ("start", "last-day")


def test_activity_after_as_of_does_not_count_but_on_as_of_does():
    result = status(
        JZW,
        [make_training("2021-03-01", 4, ref="on"), make_training("2021-03-02", 4, ref="after")],
        as_of=date(2021, 3, 1),
    )
    assert result.category("scholing").earned == 4
    assert result.category("scholing").refs == ("on",)


def test_one_and_a_half_hour_sessions_keep_their_decimals():
    sessions = [make_peer_review(f"2021-0{m}-10", "1.5") for m in (1, 2, 3)]
    result = status(JZW, sessions, as_of=date(2021, 12, 31))
    assert result.category("reflectie").earned == Decimal("4.5")
    assert result.to_dict()["categories"][1] == {
        "id": "reflectie",
        "earned": 4.5,
        "counted": 4.5,
        "required": 50,
        "met": False,
    }


def test_session_shorter_than_the_minimum_is_not_counted():
    result = status(
        JGP,
        [
            make_peer_review("2021-01-10", "0.75", ref="short"),
            make_peer_review("2021-01-11", 1, ref="exactly-one"),
            make_reflection("2021-01-12", 3, ref="alone"),  # self-reflection counts nowhere
        ],
        as_of=date(2021, 12, 31),
    )
    assert result.category("reflectie").earned == 1
    assert result.category("reflectie").refs == ("exactly-one",)


def test_registerplein_unset_thresholds_give_unknown_met_and_on_track():
    activities = [make_training("2021-01-10", 12), make_other("2021-02-01", 3)]
    result = status(RP, activities, as_of=date(2021, 12, 31))
    acc = result.category("geaccrediteerd")
    assert (acc.earned, acc.required, acc.met, acc.unconfirmed) == (12, None, None, True)
    assert result.category("overig").met is True  # no minimum by design
    assert result.category("overig").unconfirmed is True  # its cap is unknown
    assert result.total is not None and result.total.met is None
    assert result.work_hours is not None and result.work_hours.met is None
    assert result.met is None
    assert (result.forecast.met_on, result.forecast.on_track) == (None, None)
    assert result.verified is False


def test_registerplein_computes_once_the_organisation_sets_thresholds():
    activities = [
        make_training("2021-01-10", 12),
        make_training("2021-01-11", 4, accreditation_id=None),
        make_other("2021-02-01", 3),
        make_peer_review("2021-03-01", 2),
        make_peer_review("2021-04-01", 2, form="supervisie"),
        make_reflection("2021-05-01", 5),
    ]
    result = status(RP, activities, as_of=date(2021, 12, 31), thresholds=RP_SET)
    overig = result.category("overig")
    assert (overig.earned, overig.counted, overig.met) == (7, 5, True)  # capped at 5
    assert result.category("geaccrediteerd").met is True
    assert result.category("reflectie").counted == 4 and result.category("reflectie").met
    assert result.total is not None
    assert (result.total.earned, result.total.counted, result.total.met) == (23, 21, True)
    assert result.work_hours is None
    assert result.met is True
    assert (result.forecast.met_on, result.forecast.on_track) == (date(2021, 12, 31), True)


def test_total_is_not_met_when_the_cap_cuts_it_short():
    thresholds = {**RP_SET, "total": {"min": 22}}
    activities = [make_training("2021-01-10", 12), make_peer_review("2021-03-01", 4)]
    activities += [make_other("2021-02-01", 9)]  # 9 earned, 5 counted
    result = status(RP, activities, as_of=date(2021, 12, 31), thresholds=thresholds)
    assert result.total is not None
    assert (result.total.earned, result.total.counted, result.total.met) == (25, 21, False)
    assert result.met is False


def test_total_is_undecided_while_a_cap_is_unconfirmed():
    thresholds = {k: v for k, v in RP_SET.items() if k != "overig"}
    activities = [make_training("2021-01-10", 12), make_peer_review("2021-03-01", 4)]
    activities += [make_other("2021-02-01", 9)]
    result = status(RP, activities, as_of=date(2021, 12, 31), thresholds=thresholds)
    assert result.total is not None and result.total.counted == 25
    assert result.total.met is None  # 16 without overig, 25 with: the cap decides
    higher = status(
        RP, activities, date(2021, 12, 31), thresholds={**thresholds, "total": {"min": 26}}
    )
    assert higher.total is not None and higher.total.met is False  # short even uncapped
    lower = status(
        RP, activities, date(2021, 12, 31), thresholds={**thresholds, "total": {"min": 16}}
    )
    assert lower.total is not None and lower.total.met is True  # met even without overig


def test_work_hours_sixteen_a_week_over_exactly_seven_days_is_sixteen():
    work = [make_work("2020-01-01", "2020-01-07", 16, ref="job")]
    result = status(JGP, work, as_of=date(2020, 12, 31))
    assert result.work_hours is not None
    assert result.work_hours.earned == 16
    assert result.work_hours.refs == ("job",)


def test_work_hours_are_clipped_to_the_period_and_as_of():
    work = [
        make_work("2019-06-01", None, 14, ref="ongoing"),  # started before registration
        make_work("2018-01-01", "2019-12-31", 40, ref="old"),  # wholly before the period
    ]
    result = status(JGP, work, as_of=date(2020, 1, 14))  # 14 days: 14 × 14 / 7 = 28
    assert result.work_hours is not None
    assert result.work_hours.earned == 28
    assert result.work_hours.refs == ("ongoing",)


def test_work_hours_stop_at_the_end_of_the_period():
    work = [make_work("2020-01-01", None, 7)]  # 1 hour a day
    result = status(JGP, work, as_of=date(2026, 1, 1))
    assert result.work_hours is not None and result.work_hours.earned == 1827  # 2020–2024


def test_work_hours_round_to_two_decimals_in_to_dict():
    work = [make_work("2020-01-01", "2020-01-10", 16)]  # 16 × 10 / 7 = 22.857…
    result = status(JGP, work, as_of=date(2020, 12, 31))
    assert result.to_dict()["work_hours"] == {
        "earned": 22.86,
        "required": 3368,
        "average_per_week": 16,
        "required_average_per_week": 16,
        "profession_average_per_week": 16,
        "required_profession_average_per_week": 8,
        "current_per_week": 0,  # the job ended on 2020-01-10
        "met": False,
    }


def test_norm_without_total_or_work_hours_reports_none():
    result = status(JZW, [], as_of=date(2021, 1, 1))
    assert result.total is None and result.work_hours is None
    assert result.to_dict()["total"] is None and result.to_dict()["work_hours"] is None


def test_norm_is_met_only_when_every_requirement_is_met():
    activities = [
        make_training("2020-02-01", 20),
        make_training("2020-03-01", 20),
        make_training("2020-04-01", 20),
        make_peer_review("2020-05-01", 24),
        make_peer_review("2020-06-01", 24),
        make_peer_review("2020-07-01", 2),
        make_other("2020-08-01", 24),
        make_training("2020-09-01", 24, accreditation_id=None),
        make_other("2020-10-01", 2, type="publicatie"),
    ]
    done = status(JZW, activities, as_of=date(2021, 1, 1))
    assert [c.met for c in done.categories] == [True, True, True]
    assert done.met is True
    short = status(JZW, activities[1:], as_of=date(2021, 1, 1))
    assert short.category("scholing").met is False and short.met is False


def test_one_activity_counts_for_each_register_with_its_own_mapping():
    activities = [make_other("2021-02-01", 3), make_peer_review("2021-03-01", 2, "moreel-beraad")]
    rp = status(RP, activities, date(2021, 12, 31))
    jzw = status(JZW, activities, date(2021, 12, 31))
    assert rp.category("overig").earned == 3 and rp.category("reflectie").earned == 0
    assert jzw.category("vrije_ruimte").earned == 3 and jzw.category("reflectie").earned == 2


def test_to_dict_has_the_agreed_json_shape():
    activities = [make_training("2020-01-01", 8), make_work("2020-01-01", None, 16)]
    result = status(JGP, activities, as_of=date(2020, 1, 7), registered_on=date(2020, 1, 1))
    data = result.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data == {
        "norm": JGP,
        "verified": True,
        "overridden": [],
        "period": {"start": "2020-01-01", "end": "2025-01-01", "deadline": "2024-12-31"},
        "categories": [
            {"id": "scholing", "earned": 8, "counted": 8, "required": 60, "met": False},
            {"id": "reflectie", "earned": 0, "counted": 0, "required": 60, "met": False},
        ],
        "total": None,
        "work_hours": {
            "earned": 16,
            "required": 3368,
            "average_per_week": 16,
            "required_average_per_week": 16,
            "profession_average_per_week": 16,
            "required_profession_average_per_week": 8,
            "current_per_week": 16,
            "met": False,
        },
        "met": False,
        "forecast": {
            "met_on": None,
            "on_track": False,
            "shortfalls": [
                # 8 points in 7 days: 8 × 1820 / 7 = 2080 by the deadline, above the minimum
                {"requirement": "reflectie", "projected": 0, "required": 60, "short_by": 60}
            ],
        },
    }
    assert isinstance(data["categories"][0]["earned"], int)
