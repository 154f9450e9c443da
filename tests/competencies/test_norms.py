"""Norm rulesets as data: ids, thresholds, mapping rules and organisation overrides."""

from __future__ import annotations

from decimal import Decimal

import pytest

from competencies import NORM_IDS, UnknownNormError, all_norms, load_norm
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


def test_three_rulesets_are_shipped():
    assert set(NORM_IDS) == {RP, JGP, JZW}
    assert [n.id for n in all_norms()] == list(NORM_IDS)
    for norm in all_norms():
        assert norm.period_years == 5
        assert norm.points_per_hour == 1
        assert norm.sources and norm.sources[0].seed == "NORMS.md"


def test_unknown_norm_raises_key_error_listing_known_ids():
    with pytest.raises(UnknownNormError) as info:
        load_norm("v-en-vn")
    assert isinstance(info.value, KeyError)
    message = str(info.value.args[0])
    assert "v-en-vn" in message
    for norm_id in NORM_IDS:
        assert norm_id in message


def test_registerplein_numbers_are_required_but_unconfirmed():
    norm = load_norm(RP)
    assert norm.verified is False
    acc, refl, other = (norm.category(i) for i in ("geaccrediteerd", "reflectie", "overig"))
    assert acc.min is None and acc.min_unconfirmed
    assert refl.min is None and refl.min_unconfirmed
    assert other.min is None and not other.min_unconfirmed  # no minimum by design
    assert other.max is None and other.max_unconfirmed
    assert norm.total_min is None and norm.total_unconfirmed and norm.has_total
    assert norm.work_hours_min is None and norm.work_hours_unconfirmed and norm.has_work_hours
    assert norm.has_unconfirmed


def test_skj_jeugd_gezinsprofessional_numbers():
    norm = load_norm(JGP)
    assert norm.verified is True
    assert norm.category("scholing").min == 60
    assert norm.category("reflectie").min == 60
    assert norm.category("reflectie").min_session_hours == 1
    assert norm.work_hours_min == 3368
    assert not norm.has_total
    assert not norm.has_unconfirmed


def test_skj_jeugdzorgwerker_numbers():
    norm = load_norm(JZW)
    assert [(c.id, c.min) for c in norm.categories] == [
        ("scholing", 60),
        ("reflectie", 50),
        ("vrije_ruimte", 50),
    ]
    assert not norm.has_total and not norm.has_work_hours
    assert norm.verified is False  # NORMS.md states the numbers outside its "Confirmed" list


@pytest.mark.parametrize(
    ("activity", "expected"),
    [
        (make_training("2024-01-10", 3), {RP: "geaccrediteerd", JGP: "scholing", JZW: "scholing"}),
        (
            make_training("2024-01-10", 3, accreditation_id=None),
            {RP: "overig", JGP: None, JZW: "vrije_ruimte"},
        ),
        (make_peer_review("2024-01-10", 2), {RP: "reflectie", JGP: "reflectie", JZW: "reflectie"}),
        (
            make_peer_review("2024-01-10", 2, form="moreel-beraad"),
            {RP: None, JGP: "reflectie", JZW: "reflectie"},
        ),
        (make_reflection("2024-01-10", 1), {RP: None, JGP: None, JZW: None}),
        (make_other("2024-01-10", 2), {RP: "overig", JGP: None, JZW: "vrije_ruimte"}),
        (make_work("2024-01-01", None, 16), {RP: None, JGP: None, JZW: None}),
    ],
)
def test_activity_maps_to_one_category_per_norm(activity, expected):
    for norm_id, category_id in expected.items():
        category = load_norm(norm_id).category_for(activity)
        assert (category.id if category else None) == category_id, norm_id


def test_with_thresholds_sets_numbers_and_clears_the_unconfirmed_flag():
    norm = load_norm(RP).with_thresholds(
        {
            "geaccrediteerd": {"min": 40},
            "reflectie": {"min": 20.5},
            "overig": {"max": 30},
            "total": {"min": 200},
            "work_hours": {"min": 3368},
        }
    )
    assert norm.category("geaccrediteerd").min == 40
    assert not norm.category("geaccrediteerd").min_unconfirmed
    assert norm.category("reflectie").min == Decimal("20.5")
    assert norm.category("overig").max == 30 and not norm.category("overig").max_unconfirmed
    assert norm.total_min == 200 and not norm.total_unconfirmed
    assert norm.work_hours_min == 3368 and not norm.work_hours_unconfirmed
    assert not norm.has_unconfirmed
    assert load_norm(RP).category("geaccrediteerd").min_unconfirmed  # original unchanged


def test_with_thresholds_null_clears_to_not_set():
    norm = load_norm(JGP).with_thresholds(
        {
            "work_hours": {"min": None, "avg_per_week": None, "profession_avg_per_week": None},
            "scholing": {"min": None},
        }
    )
    assert not norm.has_work_hours
    assert norm.category("scholing").min is None and not norm.category("scholing").has_min


def test_with_thresholds_accepts_min_above_max():
    norm = load_norm(RP).with_thresholds({"reflectie": {"min": 40, "max": 30}})
    assert (norm.category("reflectie").min, norm.category("reflectie").max) == (40, 30)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"scholing": {"min": 10}}, "unknown category 'scholing'"),
        ({"reflectie": {"min": -1}}, "reflectie.min: must be a number >= 0, got -1"),
        ({"total": {"min": "200"}}, "total.min: must be a number or null"),
        ({"reflectie": {"min": True}}, "must be a number or null"),
        ({"reflectie": {"minimum": 10}}, "unknown field 'minimum'"),
        ({"total": {"max": 10}}, "unknown field 'max'"),
        ({"reflectie": 10}, "expected an object"),
        ([], "thresholds must be an object"),
    ],
)
def test_with_thresholds_rejects_bad_overrides(overrides, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        load_norm(RP).with_thresholds(overrides)
