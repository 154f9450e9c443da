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
            {"kind": "training", "date": "2023-05-10", "hours": 6, "accreditation_id": "A1"},
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
    assert status["work_hours"] == {"earned": 14, "required": 3368, "met": False}
    assert status["met"] is False
    assert set(status["forecast"]) == {"met_on", "on_track"}


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
