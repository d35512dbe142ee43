"""The learned estimator: candidates chosen by cross-validation, CV+ intervals, extrapolation."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infracast.errors import EstimateError
from infracast.estimate._learned import LearnedEstimator, fit_estimator, rows_needed
from tests.conftest import shared_path
from tests.estimate import past_projects

FIXTURE = Path(__file__).parent / "fixtures" / "past_projects.csv"
FEATURES = ["kind", "gpu_type", "provider", "gpus", "duration_days", "team_size"]


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def fitted() -> LearnedEstimator:
    return fit_estimator(read_csv(FIXTURE), features=FEATURES)


def test_an_exactly_linear_cost_is_learned_by_the_linear_model() -> None:
    # cost = 1,000 + 50·x: at x = 10.5 it is 1,000 + 525 = 1,525.
    rows = [{"x": x, "actual_cost": 1000 + 50 * x} for x in range(1, 21)]
    estimator = fit_estimator(rows)
    summary = estimator.summary()
    assert summary.chosen == "linear"
    assert summary.chosen_cv_mape < 1e-4
    prediction = estimator.predict({"x": 10.5})
    assert prediction.value == pytest.approx(1525, rel=1e-4)
    assert prediction.low <= prediction.value <= prediction.high
    assert prediction.high - prediction.low < 1  # almost no residuals, almost no width


def test_a_power_law_is_learned_on_the_log_scale() -> None:
    # cost = 3·x^1.5 over x = 1 … 987: at x = 100 it is 3 × 1,000 = 3,000.
    xs = [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610, 987]
    estimator = fit_estimator([{"x": x, "actual_cost": 3 * x**1.5} for x in xs])
    assert estimator.summary().chosen == "linear_log"
    assert estimator.features[0].log  # 987 / 1 spans more than 10×
    assert estimator.predict({"x": 100}).value == pytest.approx(3000, rel=1e-3)


def test_summary_reports_every_candidates_cv_mape_and_chooses_the_lowest(
    fitted: LearnedEstimator,
) -> None:
    summary = fitted.summary()
    names = [c.name for c in summary.candidates]
    assert names == ["median", "linear", "linear_log", "gradient_boosting", "random_forest"]
    best = min(summary.candidates, key=lambda c: c.cv_mape)
    assert summary.chosen == best.name == "linear_log"
    assert [c.chosen for c in summary.candidates].count(True) == 1
    assert summary.chosen_cv_mape == best.cv_mape < 0.35
    median = next(c for c in summary.candidates if c.name == "median")
    assert median.cv_mape > 3 * summary.chosen_cv_mape  # the models beat the baseline
    assert (summary.n_rows, summary.folds, summary.coverage) == (60, 5, 0.8)
    assert [f.name for f in summary.features] == FEATURES
    assert summary.to_dict()["candidates"][2]["name"] == "linear_log"


def test_intervals_cover_fresh_projects_about_as_often_as_promised(
    fitted: LearnedEstimator,
) -> None:
    # CV+ promises at least 1 − 2α (60% at 80%) and about 1 − α in practice.
    fresh = past_projects.rows(300, seed=99)
    inside = [p.low <= r["actual_cost"] <= p.high for r in fresh for p in [fitted.predict(r)]]
    share = sum(inside) / len(inside)
    assert 0.6 <= share <= 0.97


def test_fitting_is_deterministic_for_a_seed(fitted: LearnedEstimator) -> None:
    again = fit_estimator(read_csv(FIXTURE), features=FEATURES)
    row = past_projects.rows(1, seed=5)[0]
    assert again.summary() == fitted.summary()
    assert again.predict(row) == fitted.predict(row)


def test_dataframes_and_arrow_tables_fit_the_same_as_dict_rows() -> None:
    pd = pytest.importorskip("pandas")
    pa = pytest.importorskip("pyarrow")
    rows = past_projects.rows(24, seed=3)
    expected = fit_estimator(rows, features=FEATURES).summary()
    assert fit_estimator(pd.DataFrame(rows), features=FEATURES).summary() == expected
    assert fit_estimator(pa.Table.from_pylist(rows), features=FEATURES).summary() == expected


def test_fewer_rows_than_folds_use_leave_one_out_and_say_so() -> None:
    rows = [{"x": x, "actual_cost": 10 + x} for x in range(1, 9)]
    summary = fit_estimator(rows, folds=10).summary()
    assert (summary.folds, summary.folds_requested) == (8, 10)
    assert "10 folds were asked for; 8 were used" in summary.notes[0]


def test_rows_without_a_target_are_left_out_and_listed() -> None:
    rows: list[dict[str, Any]] = [{"x": x, "actual_cost": 10 + x} for x in range(1, 10)]
    rows[3]["actual_cost"] = ""
    summary = fit_estimator(rows).summary()
    assert summary.n_rows == 8
    assert "1 rows without actual_cost were left out: 4." in summary.notes


def test_warnings_name_the_feature_and_how_far_outside(fitted: LearnedEstimator) -> None:
    row = dict(past_projects.rows(1, seed=5)[0], gpu_type="B200", gpus=4096, team_size=30)
    text = "\n".join(fitted.predict(row).warnings)
    assert "gpu_type = 'B200' was never seen in training (seen: A100-80GB, H100-SXM, L40S)" in text
    # gpus (8–512) and team_size (1–12) span 10× or more, so they are judged by factors
    assert "gpus = 4,096 is 8× the largest value in the training data's 8–512" in text
    assert "team_size = 30 is 2.5× the largest value in the training data's 1–12" in text
    assert "combination" not in text  # the values say it already


def test_a_value_beyond_a_narrow_range_says_by_how_much() -> None:
    # x spans 10–20 (not logged): 25 is 5 above, 50% of the range; 9.5 is within the 10% margin.
    estimator = fit_estimator([{"x": x, "actual_cost": 100 + x} for x in range(10, 21)])
    (warning,) = estimator.predict({"x": 25}).warnings
    assert warning == "x = 25 is above the training data's 10–20 by 5 (50% of the range)."
    assert not estimator.predict({"x": 9.5}).warnings


def test_an_unusual_combination_within_every_range_is_flagged() -> None:
    # a and b move together in training; (a high, b low) has high leverage.
    rows = [{"a": x, "b": x + (x % 3) * 0.1, "actual_cost": 100 + x} for x in range(1, 31)]
    estimator = fit_estimator(rows)
    warnings = estimator.predict({"a": 29, "b": 2}).warnings
    assert any(
        "the combination of a, b is unlike the training data: leverage" in w for w in warnings
    )
    assert not estimator.predict({"a": 15, "b": 15.1}).warnings


def test_a_negative_cost_is_clipped_at_zero_and_says_so() -> None:
    # cost = 1,000 + 50·x: at x = −40 the line gives −1,000 (ridge: a hair less).
    estimator = fit_estimator([{"x": x, "actual_cost": 1000 + 50 * x} for x in range(1, 21)])
    prediction = estimator.predict({"x": -40})
    assert (prediction.value, prediction.low, prediction.high) == (0.0, 0.0, 0.0)
    assert any(w.startswith("the prediction -999.9") for w in prediction.warnings)
    assert "was clipped at 0 (a cost)." in prediction.warnings[-1]
    assert not any("outside the CV+ interval" in w for w in prediction.warnings)


def test_a_row_missing_a_feature_is_refused(fitted: LearnedEstimator) -> None:
    with pytest.raises(EstimateError, match="the row lacks 'provider'"):
        fitted.predict(
            {"kind": "training", "gpu_type": "L40S", "gpus": 8, "duration_days": 3, "team_size": 1}
        )


@pytest.mark.parametrize(
    ("rows", "kwargs", "message"),
    [
        ([{"x": 1, "actual_cost": 2}] * 3, {}, "3 past projects with actual_cost are too few"),
        (
            [{"x": x, "actual_cost": x} for x in range(1, 13)],
            {"coverage": 0.95},
            "at least 19 are needed for 95% intervals",
        ),
        (
            [{"x": 1, "actual_costs": 2}],
            {},
            "no target column 'actual_cost'. Did you mean \"actual_costs\"",
        ),
        (
            [{"x": 1, "actual_cost": "$1,200"}, {"x": 2, "actual_cost": 3}],
            {},
            "must be a number; it is not in row 1 ('$1,200')",
        ),
        ([{"x": 1, "actual_cost": 0}], {}, "must be above 0"),
        (
            [{"x": x, "site": "eu", "actual_cost": x} for x in range(1, 11)],
            {},
            "constant features cannot explain a cost: 'site' (always 'eu')",
        ),
        (
            [{"x": x, "actual_cost": x} for x in range(1, 11)],
            {"features": ["gpus"]},
            "no column named 'gpus'",
        ),
        ([{"x": x, "actual_cost": x} for x in range(1, 11)], {"coverage": 1.2}, "between 0 and 1"),
        ("not a table", {}, "cannot read the training rows from a str"),
    ],
)
def test_unusable_tables_are_refused_with_what_to_do(
    rows: Any, kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(EstimateError, match=re.escape(message)):
        fit_estimator(rows, **kwargs)


def test_rows_needed_grows_with_coverage() -> None:
    # c / (1 − c): 0.8 → 4 (but never fewer than 8), 0.9 → 9, 0.95 → 19.
    assert [rows_needed(c) for c in (0.5, 0.8, 0.9, 0.95)] == [8, 8, 9, 19]


_row = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(past_projects.KINDS),
        "gpu_type": st.sampled_from(list(past_projects.PRICE)),
        "provider": st.sampled_from(list(past_projects.MARKUP)),
        "gpus": st.sampled_from([8, 16, 32, 64, 128, 256, 512]),
        "duration_days": st.floats(5, 119),
        "team_size": st.integers(1, 12),
    }
)


@settings(max_examples=40, deadline=None)
@given(row=_row, low=st.floats(0.5, 0.7), high=st.floats(0.8, 0.9))
def test_intervals_hold_the_prediction_and_widen_with_coverage(
    fitted: LearnedEstimator, row: dict[str, Any], low: float, high: float
) -> None:
    narrow = fitted.predict(row, coverage=round(low, 2))
    wide = fitted.predict(row, coverage=round(high, 2))
    assert 0 <= narrow.low <= narrow.value <= narrow.high
    assert wide.low <= narrow.low and narrow.high <= wide.high
    assert narrow.value == wide.value
    # every value is inside the training data; only a corner's leverage may be flagged
    assert all(w.startswith("the combination of") for w in narrow.warnings)


@pytest.mark.shared
def test_published_training_runs_are_learned_far_better_than_the_median() -> None:
    """Accelerator-hours of published LLM pre-training runs from 6·N·D and the accelerator."""
    rows: list[dict[str, Any]] = read_csv(shared_path("calibration", "training_runs.csv"))
    for row in rows:
        row["flops_6nd"] = 6 * float(row["params_active"]) * float(row["tokens"])
    summary = fit_estimator(
        rows, target="accelerator_hours", features=["flops_6nd", "accelerator_catalog"]
    ).summary()
    median = next(c for c in summary.candidates if c.name == "median")
    assert summary.chosen == "linear_log"
    assert summary.chosen_cv_mape < median.cv_mape / 10
