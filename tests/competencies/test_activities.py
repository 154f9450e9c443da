"""Parsing the JSON norm input into activities, with precise error messages."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from competencies import Activity, InputError, parse_norm_input
from competencies.activities import Accreditation


def parse(*activities, registered_on="2024-01-01"):
    """Parse an input with these raw activities."""
    return parse_norm_input({"registered_on": registered_on, "activities": list(activities)})


def test_parses_every_kind():
    result = parse(
        {
            "kind": "training",
            "date": "2024-02-01",
            "hours": 6,
            "accreditations": [{"register": "registerplein", "id": " RP-123 "}],
        },
        {"kind": "training", "date": "2024-02-02", "hours": 2.5},
        {"kind": "peer_review", "form": "intervisie", "date": "2024-03-01", "hours": 1.5},
        {"kind": "reflection", "date": "2024-03-02", "hours": 1},
        {"kind": "other", "type": "vakliteratuur", "date": "2024-03-03", "hours": 0.25, "ref": 7},
        {"kind": "work", "start": "2024-01-01", "hours_per_week": 24},
        {"kind": "work", "start": "2023-01-01", "end": "2023-12-31", "hours_per_week": 32},
    )
    assert result.registered_on == date(2024, 1, 1)
    training, plain, peer, refl, other, work, old = result.activities
    assert training == Activity(
        "training",
        date(2024, 2, 1),
        Decimal(6),
        accreditations=(Accreditation("registerplein", "RP-123"),),
    )
    assert plain.accreditations == () and plain.hours == Decimal("2.5")
    assert peer.form == "intervisie" and peer.hours == Decimal("1.5")
    assert refl.kind == "reflection"
    assert other.type == "vakliteratuur" and other.hours == Decimal("0.25") and other.ref == 7
    assert work.start == date(2024, 1, 1) and work.end is None and work.hours == 0
    assert work.hours_per_week == 24 and work.in_profession is True
    assert old.end == date(2023, 12, 31)


def test_work_records_whether_it_was_in_the_profession():
    result = parse(
        {"kind": "work", "start": "2024-01-01", "hours_per_week": 24, "in_profession": False}
    )
    assert result.activities[0].in_profession is False


def test_the_old_accreditation_id_key_is_refused_naming_the_new_one():
    with pytest.raises(InputError) as caught:
        parse({"kind": "training", "date": "2024-02-01", "hours": 2, "accreditation_id": "X1"})
    message = str(caught.value)
    assert message.startswith('activity 1 (training): "accreditation_id" is no longer accepted')
    assert '"accreditations": [{"register": "skj", "id": "123456"}]' in message


def test_a_typo_in_a_key_is_refused_and_names_activity_and_key():
    # "acreditation_id" must not silently make the course count as "overige".
    with pytest.raises(InputError, match=re.escape('activity 2 (training): unknown key "acred')):
        parse(GOOD, {"kind": "training", "date": "2024-02-01", "hours": 2, "acreditation_id": "1"})


def test_an_unknown_top_level_key_is_refused():
    with pytest.raises(InputError, match=re.escape('unknown key "as_of"')):
        parse_norm_input({"registered_on": "2024-01-01", "activities": [], "as_of": "2024-02"})


def test_a_training_may_span_days_with_at_most_24_hours_a_day():
    result = parse(
        {"kind": "training", "date": "2024-02-01", "end": "2024-02-03", "hours": 72},
    )
    assert result.activities[0].end_date == date(2024, 2, 3)
    with pytest.raises(InputError, match=re.escape('"hours" must be at most 72 for a training')):
        parse({"kind": "training", "date": "2024-02-01", "end": "2024-02-03", "hours": 72.5})
    with pytest.raises(InputError, match=re.escape('"end" 2024-01-31 is before "date"')):
        parse({"kind": "training", "date": "2024-02-01", "end": "2024-01-31", "hours": 2})


def test_empty_activity_list_is_fine():
    assert parse().activities == ()


GOOD = {"kind": "reflection", "date": "2024-01-05", "hours": 1}


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (5, "activity 3: must be an object, got 5"),
        ({"kind": "course"}, 'activity 3: unknown kind "course"; expected one of: reflection,'),
        ({"date": "2024-01-01"}, "activity 3: unknown kind None"),
        ({"kind": "training", "date": "2024-01-01"}, 'activity 3 (training): "hours" is missing'),
        (
            {"kind": "training", "date": "2024-01-01", "hours": -2},
            'activity 3 (training): "hours" must be a number >= 0, got -2',
        ),
        (
            {"kind": "training", "date": "2023-02-30", "hours": 2},
            'activity 3 (training): "date" must be a valid date (YYYY-MM-DD), got "2023-02-30"',
        ),
        (
            {"kind": "other", "type": "overig", "date": "20230101", "hours": 2},
            'activity 3 (other): "date" must be a valid date (YYYY-MM-DD), got "20230101"',
        ),
        (
            {"kind": "reflection", "date": "2024-01-01", "hours": 25},
            'activity 3 (reflection): "hours" must be at most 24 for an activity on a single day',
        ),
        (
            {"kind": "reflection", "date": "2024-01-01", "hours": "two"},
            'activity 3 (reflection): "hours" must be a number, not text',
        ),
        (
            {"kind": "reflection", "date": "2024-01-01", "hours": "2.5"},
            'activity 3 (reflection): "hours" must be a number, not text: write 2.5 without',
        ),
        (
            {"kind": "work", "start": "2024-01-01", "hours_per_week": "16"},
            'activity 3 (work): "hours_per_week" must be a number, not text',
        ),
        (
            {"kind": "work", "start": "2024-01-01", "hours_per_week": 16, "in_profession": "ja"},
            'activity 3 (work): "in_profession" must be true or false, got "ja"',
        ),
        (
            {"kind": "reflection", "date": "2024-01-01", "hours": True},
            'activity 3 (reflection): "hours" must be a number >= 0, got True',
        ),
        (
            {"kind": "work", "start": "2024-01-01", "hours_per_week": 81},
            'activity 3 (work): "hours_per_week" must be at most 80 hours a week, got 81',
        ),
        (
            {"kind": "work", "start": "2024-05-01", "end": "2024-04-30", "hours_per_week": 16},
            'activity 3 (work): "end" 2024-04-30 is before "start" 2024-05-01',
        ),
        ({"kind": "work", "hours_per_week": 16}, 'activity 3 (work): "start" is missing'),
        (
            {"kind": "peer_review", "form": "yoga", "date": "2024-01-01", "hours": 1},
            'activity 3 (peer_review): unknown "form" "yoga"; expected one of: supervisie,',
        ),
        (
            {"kind": "peer_review", "date": "2024-01-01", "hours": 1},
            'activity 3 (peer_review): "form" is missing',
        ),
        (
            {"kind": "other", "type": "hobby", "date": "2024-01-01", "hours": 1},
            'activity 3 (other): unknown "type" "hobby"; expected one of: vakliteratuur,',
        ),
        (
            {
                "kind": "training",
                "date": "2024-01-01",
                "hours": 1,
                "accreditations": [{"register": "lvsc", "id": "1"}],
            },
            'activity 3 (training): "accreditations" item 1: unknown "register" "lvsc"',
        ),
        (
            {
                "kind": "training",
                "date": "2024-01-01",
                "hours": 1,
                "accreditations": [{"register": "skj", "id": 12}],
            },
            'activity 3 (training): "accreditations" item 1: "id" must be non-empty text',
        ),
        (
            {"kind": "reflection", "date": "2024-01-01", "hours": 1, "form": "intervisie"},
            'activity 3 (reflection): unknown key "form"; allowed: kind, ref, date, hours',
        ),
    ],
)
def test_bad_activity_is_named_by_position_and_kind(bad, message):
    with pytest.raises(InputError, match="^" + re.escape(message)):
        parse(GOOD, GOOD, bad, GOOD)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "input must be an object"),
        ({"activities": []}, '"registered_on" is missing'),
        ({"registered_on": "2024-13-01"}, '"registered_on" must be a valid date (YYYY-MM-DD)'),
        ({"registered_on": "2024-01-01", "activities": {}}, '"activities" must be a list'),
    ],
)
def test_bad_top_level_input(data, message):
    with pytest.raises(InputError, match=re.escape(message)):
        parse_norm_input(data)


def test_input_error_is_a_value_error():
    assert issubclass(InputError, ValueError)
