"""`flask norm-status`: JSON out for good input, a clear message and exit 1 for bad input."""

from __future__ import annotations

import json

import pytest

SKJ = "skj-jeugd-gezinsprofessional"


def _run(app, tmp_path, activities, *extra, norm=SKJ, as_of="2024-03-01"):
    path = tmp_path / "activities.json"
    path.write_text(activities if isinstance(activities, str) else json.dumps(activities))
    args = ["norm-status", "--norm", norm, "--activities", str(path), "--as-of", as_of, *extra]
    return app.test_cli_runner().invoke(args=args)


def test_status_is_printed_as_json_with_the_documented_shape(app, tmp_path):
    activities = {
        "registered_on": "2022-03-01",
        "activities": [
            {
                "kind": "training",
                "date": "2023-05-10",
                "hours": 6,
                "accreditations": [{"register": "skj", "id": "A1"}],
            },
            {"kind": "training", "date": "2023-05-11", "hours": 4},
            {"kind": "peer_review", "form": "intervisie", "date": "2023-06-01", "hours": 1.5},
            {"kind": "peer_review", "form": "intervisie", "date": "2023-06-02", "hours": 0.5},
            {"kind": "reflection", "date": "2023-06-02", "hours": 1},
            {"kind": "work", "start": "2022-03-01", "end": "2022-03-07", "hours_per_week": 14},
        ],
    }
    result = _run(app, tmp_path, activities)
    assert result.exit_code == 0, result.output
    status = json.loads(result.output)
    assert status["norm"] == SKJ and status["verified"] is True
    period = {"start": "2022-03-01", "end": "2027-03-01", "deadline": "2027-02-28"}
    assert status["period"] == period
    categories = {c["id"]: c for c in status["categories"]}
    # Only accredited training counts for scholing; the half-hour session is under the minimum.
    assert categories["scholing"] == {
        "id": "scholing",
        "earned": 6,
        "counted": 6,
        "required": 60,
        "met": False,
    }
    assert categories["reflectie"]["counted"] == 1.5
    assert status["work_hours"] == {
        "earned": 14,
        "required": 3368,
        "average_per_week": 14,  # one week at 14 hours
        "required_average_per_week": 16,
        "profession_average_per_week": 14,
        "required_profession_average_per_week": 8,
        "current_per_week": 0,  # the job ended on 2022-03-07
        "met": False,
    }
    assert status["met"] is False and status["overridden"] == []
    assert set(status["forecast"]) == {"met_on", "on_track", "shortfalls"}
    assert {s["requirement"] for s in status["forecast"]["shortfalls"]} == {
        "scholing",
        "reflectie",
        "work_hours",
        "work_hours_average",
    }


def test_thresholds_file_sets_an_unconfirmed_norm(app, tmp_path):
    activities = {"registered_on": "2022-01-01", "activities": []}
    result = _run(app, tmp_path, activities, norm="registerplein-sociaal-werker")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["met"] is None
    thresholds = tmp_path / "thresholds.json"
    thresholds.write_text(
        json.dumps(
            {
                "geaccrediteerd": {"min": 0},
                "reflectie": {"min": 0},
                "overig": {"max": 10},
                "total": {"min": 0},
                "work_hours": {"min": 0},
            }
        )
    )
    result = _run(
        app,
        tmp_path,
        activities,
        "--thresholds",
        str(thresholds),
        norm="registerplein-sociaal-werker",
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["met"] is True


@pytest.mark.parametrize(
    ("activities", "norm", "as_of", "message"),
    [
        (
            {"registered_on": "2022-01-01", "activities": []},
            "no-such-norm",
            "2024-01-01",
            "no-such-norm",
        ),
        ("{not json", SKJ, "2024-01-01", "not valid JSON"),
        (
            {
                "registered_on": "2022-01-01",
                "activities": [{"kind": "training", "date": "2023-02-30", "hours": 2}],
            },
            SKJ,
            "2024-01-01",
            "activity 1 (training)",
        ),
        (
            {
                "registered_on": "2022-01-01",
                "activities": [
                    {"kind": "other", "type": "vakliteratuur", "date": "2023-01-01", "hours": 1},
                    {"kind": "training", "date": "2023-01-02", "hours": -2},
                ],
            },
            SKJ,
            "2024-01-01",
            "activity 2 (training)",
        ),
        ({"registered_on": "2022-01-01", "activities": []}, SKJ, "01-01-2024", "--as-of"),
    ],
    ids=["unknown-norm", "malformed-json", "impossible-date", "negative-hours", "bad-as-of"],
)
def test_bad_input_names_the_problem_and_exits_non_zero(
    app, tmp_path, activities, norm, as_of, message
):
    result = _run(app, tmp_path, activities, norm=norm, as_of=as_of)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output


def test_the_old_accreditation_id_key_is_refused_naming_the_new_key(app, tmp_path):
    activities = {
        "registered_on": "2022-03-01",
        "activities": [
            {"kind": "training", "date": "2023-05-10", "hours": 6, "accreditation_id": "A1"}
        ],
    }
    result = _run(app, tmp_path, activities)
    assert result.exit_code != 0
    assert 'activity 1 (training): "accreditation_id" is no longer accepted' in result.output
    assert '"accreditations": [{"register": "skj", "id": "123456"}]' in result.output


def test_a_typo_in_a_key_is_refused_not_silently_ignored(app, tmp_path):
    activities = {
        "registered_on": "2022-03-01",
        "activities": [
            {"kind": "reflection", "date": "2023-05-09", "hours": 1},
            {"kind": "training", "date": "2023-05-10", "hours": 6, "acreditation_id": "A1"},
        ],
    }
    result = _run(app, tmp_path, activities)
    assert result.exit_code != 0
    assert 'activity 2 (training): unknown key "acreditation_id"' in result.output


def test_a_number_as_text_is_refused(app, tmp_path):
    activities = {
        "registered_on": "2022-03-01",
        "activities": [{"kind": "training", "date": "2023-05-10", "hours": "6"}],
    }
    result = _run(app, tmp_path, activities)
    assert result.exit_code != 0
    assert 'activity 1 (training): "hours" must be a number, not text' in result.output


def test_an_overridden_confirmed_threshold_is_not_verified(app, tmp_path):
    thresholds = tmp_path / "override.json"
    thresholds.write_text(json.dumps({"reflectie": {"min": 40}}))
    activities = {"registered_on": "2022-03-01", "activities": []}
    result = _run(app, tmp_path, activities, "--thresholds", str(thresholds))
    assert result.exit_code == 0, result.output
    status = json.loads(result.output)
    assert status["verified"] is False and status["overridden"] == ["reflectie.min"]


def test_a_threshold_file_with_a_number_as_text_is_refused(app, tmp_path):
    thresholds = tmp_path / "override.json"
    thresholds.write_text(json.dumps({"reflectie": {"min": "40"}}))
    activities = {"registered_on": "2022-03-01", "activities": []}
    result = _run(app, tmp_path, activities, "--thresholds", str(thresholds))
    assert result.exit_code != 0
    assert "thresholds: reflectie.min: must be a number or null, got '40'" in result.output
