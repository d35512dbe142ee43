"""Commitment planning from a demand file, the price book and the ledger."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from infracast.control.optimizing._commitments import commitments
from infracast.errors import ConfigError, InputFileError
from infracast.ledger import ingest_assets
from infracast.ledger.connection import Ledger
from tests.analytics.ledgers import add_charges, add_samples

# Two equally likely flat scenarios over 2 months: 100 and 300 GPU-hours a month.
# On demand 4, 1y 2.8 (break-even 0.7), 3y 2.4 (break-even 0.6) per GPU-hour.
# The first 100 GPU-hours are used in every scenario (utilization 1 ≥ 0.6): commit them.
# The next 200 are used half the time (0.5 < 0.6): leave them on demand.
# Plan: 3y × 100 = 2.4 × 100 × 2 = 480; on demand 0.5 × 200 × 4 × 2 = 800; total 1,280.
# Baseline: on demand for all, 0.5 × (100 + 300) × 4 × 2 = 1,600; savings 320 (20 %).
PATHS = "scenario,period,demand\nlow,1,100\nlow,2,100\nhigh,1,300\nhigh,2,300\n"
PRICES = {"on_demand_price": 4.0, "price_1y": 2.8, "price_3y": 2.4}


@pytest.fixture
def paths(tmp_path: Path) -> Path:
    path = tmp_path / "demand.csv"
    path.write_text(PATHS)
    return path


def test_paths_file_commits_the_demand_used_more_than_break_even(paths: Path):
    advice = commitments(input=paths, **PRICES)
    plan = advice.plan
    assert plan.quantity("3y") == pytest.approx(100) and plan.quantity("1y") == pytest.approx(0)
    assert plan.expected_cost == pytest.approx(1280)
    assert plan.baseline_cost == pytest.approx(1600)
    assert plan.savings_pct == pytest.approx(20)
    assert plan.over_commit_probability == 0
    line = next(x for x in advice.to_rows() if x["term"] == "3y")
    assert line["break_even_utilization"] == pytest.approx(0.6)
    assert line["expected_utilization"] == pytest.approx(1.0)
    assert line["gpus"] == pytest.approx(100 / 730.5)  # 730.5 hours in a month
    assert advice.to_dict()["period_labels"] == ["1", "2"]


def test_a_cheaper_term_commits_the_peak_and_reports_its_unused_cost(paths: Path):
    # 3y at 1.8 (break-even 0.45 < 0.5): commit 300. Unused: 200 half the time, 2 months:
    # 0.5 × 200 × 2 × 1.8 = 360; utilization (100 + 300) / 2 / 300 = 2/3; over-commit 0.5.
    plan = commitments(input=paths, **{**PRICES, "price_3y": 1.8}).plan
    assert plan.quantity("3y") == pytest.approx(300)
    assert plan.expected_unused_cost == pytest.approx(360)
    assert plan.expected_utilization == pytest.approx(2 / 3)
    assert plan.over_commit_probability == pytest.approx(0.5)


def test_whole_gpus_are_written_back_in_gpu_hours(tmp_path: Path):
    # 1 and 3 GPUs all month (730.5 and 2,191.5 GPU-hours): the 3y commits 1 whole GPU.
    path = tmp_path / "d.csv"
    path.write_text("scenario,period,demand\na,1,730.5\nb,1,2191.5\n")
    advice = commitments(input=path, whole_units=True, **PRICES)
    line = next(x for x in advice.to_rows() if x["term"] == "3y")
    assert (line["quantity"], line["gpus"], line["price"]) == pytest.approx((730.5, 1, 2.4))
    assert advice.plan.expected_cost == pytest.approx(2.4 * 730.5 + 0.5 * 2 * 730.5 * 4)


def test_probabilities_per_scenario_weigh_the_paths(tmp_path: Path):
    # high has probability 0.7 ≥ break-even 0.6 now: commit 300.
    path = tmp_path / "d.yaml"
    path.write_text(
        "demand:\n"
        "  - {scenario: low, period: 1, demand: 100, probability: 0.3}\n"
        "  - {scenario: high, period: 1, demand: 300, probability: 0.7}\n"
    )
    assert commitments(input=path, **PRICES).plan.quantity("3y") == pytest.approx(300)


def test_forecast_csv_becomes_scenarios_from_its_intervals(tmp_path: Path):
    # Levels 0.025, 0.1, 0.5, 0.9, 0.975 weigh 0.0625, 0.2375, 0.4, 0.2375, 0.0625.
    # P(demand ≥ 100) = 0.7 ≥ break-even 0.5 (3y at 2); P(≥ 150) = 0.3 < 0.5: commit 100.
    path = tmp_path / "forecast.csv"
    path.write_text(
        "unique_id,ds,yhat,lo80,hi80,lo95,hi95,model\n"
        "H100,2026-02-01,100,50,150,20,180,naive\n"
        "L4,2026-01-01,9,9,9,9,9,naive\n"
        "H100,2026-01-01,100,50,150,20,180,naive\n"
    )
    advice = commitments(
        input=path, accelerator="H100", on_demand_price=4, price_1y=3.5, price_3y=2
    )
    assert advice.plan.scenarios == 5 and advice.period_labels == ["2026-01-01", "2026-02-01"]
    assert advice.plan.quantity("3y") == pytest.approx(100)


def test_forecast_csv_with_several_series_needs_the_accelerator(tmp_path: Path):
    path = tmp_path / "forecast.csv"
    path.write_text("unique_id,ds,yhat\nH100,2026-01-01,1\nL4,2026-01-01,2\n")
    with pytest.raises(ConfigError, match="H100, L4"):
        commitments(input=path, on_demand_price=4, price_3y=2)


def test_price_book_gives_the_cheapest_price_per_gpu_hour_of_each_model(
    paths: Path, tmp_path: Path
):
    # AWS p5 (8 GPUs): 32.00 on demand, 22.40 1y, 19.20 3y an hour = 4.00, 2.80, 2.40 a
    # GPU-hour: the paths' plan again. Lambda's cheaper on demand is filtered out by provider.
    book = tmp_path / "book.csv"
    book.write_text(
        "provider,region,instance_type,accelerator,accelerators_per_instance,pricing_model,"
        "price_per_hour,currency,as_of,derived,source\n"
        "AWS,us-east-1,p5.48xlarge,H100,8,on_demand,32.00,USD,2026-05-20,,test book\n"
        "AWS,us-east-1,p5.48xlarge,H100,8,commit_1y,22.40,USD,2026-05-20,,test book\n"
        "AWS,us-east-1,p5.48xlarge,H100,8,commit_3y,19.20,USD,2026-05-20,,test book\n"
        "Lambda,us-west-1,gpu_8x_h100,H100,8,on_demand,20.00,USD,2026-05-20,,test book\n"
    )
    advice = commitments(input=paths, accelerator="H100", prices=book, provider="aws")
    assert advice.prices == {"on_demand": 4.0, "spot": None, "1y": 2.8, "3y": 2.4}
    assert advice.plan.expected_cost == pytest.approx(1280)
    said = " ".join(advice.assumptions)
    assert "test book" in said and "no spot price" in said
    # Without --provider, one provider prices every term (Lambda's 2.50 on demand would be
    # compared with AWS's commitments, which cannot be bought together): AWS, the only one
    # that sells commitments of H100 here.
    one = commitments(input=paths, accelerator="H100", prices=book)
    assert one.prices == advice.prices
    assert "among the providers that sell commitments" in " ".join(one.assumptions)


def test_no_on_demand_price_is_refused(paths: Path):
    with pytest.raises(ConfigError, match="no on-demand price"):
        commitments(input=paths, price_3y=2)


def test_a_bad_demand_row_is_named_with_its_line(tmp_path: Path):
    path = tmp_path / "d.csv"
    path.write_text("scenario,period,demand\na,1,10\na,2,lots\n")
    with pytest.raises(InputFileError, match="line 3: demand"):
        commitments(input=path, **PRICES)


def test_a_missing_period_is_named(tmp_path: Path):
    path = tmp_path / "d.csv"
    path.write_text("scenario,period,demand\na,1,10\na,2,10\nb,1,5\n")
    with pytest.raises(InputFileError, match="scenario 'b' in period '2'"):
        commitments(input=path, **PRICES)


def test_a_bad_forecast_value_is_named_with_its_line(tmp_path: Path):
    path = tmp_path / "f.csv"
    path.write_text("ds,yhat,lo80,hi80\n2026-01-01,5,4,6\n2026-02-01,5,,6\n")
    with pytest.raises(InputFileError, match="line 3: lo80"):
        commitments(input=path, **PRICES)


@pytest.fixture
def company(ledger: Ledger) -> Ledger:
    """2025: one H100 busy all year (samples a day long, so the monthly forecast is flat at
    744 GPU-hours, December's). In December a committed use discount covered 372 GPU-hours
    of it for 744 effective (2 a GPU-hour) and left 186 unused: utilization 744 / 930 = 0.8."""
    cud = {
        "ServiceProviderName": "Google Cloud",
        "ServiceName": "Compute Engine",
        "CommitmentDiscountId": "cud-1",
        "CommitmentDiscountName": "H100 CUD",
        "CommitmentDiscountCategory": "Usage",
        "ChargePeriodStart": "2025-12-01T00:00",
        "ChargePeriodEnd": "2026-01-01T00:00",
    }
    add_charges(ledger, [
        {**cud, "ResourceId": "h1", "x_gpu_type": "H100", "x_gpu_hours": 372.0,
         "CommitmentDiscountStatus": "Used", "EffectiveCost": 744, "ContractedCost": 1488,
         "PricingCategory": "Committed"},
        {**cud, "CommitmentDiscountStatus": "Unused", "EffectiveCost": 186},
    ])  # fmt: skip
    days = pd.date_range("2025-01-01", "2025-12-31", freq="D")
    add_samples(ledger, [{"ts": d.isoformat(), "resource_id": "h1", "interval_s": 86400.0}
                         for d in days])  # fmt: skip
    return ledger


def test_ledger_mode_forecasts_demand_and_keeps_the_commitments_in_place(company: Ledger):
    # The CUD holds 372 / 0.8 = 465 GPU-hours of December's 744 hours: 465 × 730.5 / 744
    # = 456.5625 GPU-hours a month, at 744 / 372 = 2 a GPU-hour, for the whole horizon.
    advice = commitments(company, accelerator="H100", horizon=3, **PRICES)
    assert advice.plan.periods == 3 and advice.period_labels[0] == "2026-01-01"
    held = next(x for x in advice.plan.lines if x.kind == "existing")
    assert (held.term, held.periods) == ("cud-1", 3)
    assert held.quantity == pytest.approx(456.5625) and held.price == pytest.approx(2.0)
    (row,) = advice.existing_commitments
    assert row["commitment_id"] == "cud-1" and row["utilization"] == pytest.approx(0.8)
    assert "FOCUS gives no end date" in " ".join(advice.assumptions)
    # the demand beyond the CUD's 456.56 is forecast near 744: the plan commits some of it
    assert 0 < advice.plan.quantity("3y") <= 744 - 456.5625 + 1e-6


def test_ledger_mode_without_the_accelerator_takes_the_only_gpu_type(company: Ledger):
    advice = commitments(company, horizon=2, existing_periods=1, **PRICES)
    assert advice.accelerator == "H100"
    assert next(x for x in advice.plan.lines if x.kind == "existing").periods == 1


OWNED = """
assets:
  - id: hgx-01
    site: colo
    gpu_type: H100-SXM
    gpu_count: 1
    purchase_date: 2024-01-01
    purchase_price: 30000
    useful_life_years: 2
    currency: USD
"""


def test_owned_servers_count_as_capacity_until_their_life_ends(company: Ledger, tmp_path: Path):
    # One owned H100 bought 2024-01-01 for 2 years: in use until 2026-01-01, when the
    # plan starts; so it holds nothing in the plan. Bought 2025-06-01 it holds 730.5
    # GPU-hours a month (one GPU, 730.5 hours a month) until 2027-06-01: 17 of 36 months.
    register = tmp_path / "assets.yaml"
    register.write_text(OWNED.replace("2024-01-01", "2025-06-01"))
    ingest_assets(company, register, through=date(2025, 12, 31))
    advice = commitments(company, accelerator="H100", horizon=36, **PRICES)
    (owned,) = [x for x in advice.plan.lines if x.term.startswith("owned")]
    assert (owned.quantity, owned.periods, owned.price) == (pytest.approx(730.5), 17, 0.0)
    assert "capacity already paid for" in " ".join(advice.assumptions)


def test_an_owned_server_past_its_life_holds_nothing(company: Ledger, tmp_path: Path):
    register = tmp_path / "assets.yaml"
    register.write_text(OWNED)
    ingest_assets(company, register, through=date(2025, 12, 31))
    advice = commitments(company, accelerator="H100", horizon=3, **PRICES)
    assert not [x for x in advice.plan.lines if x.term.startswith("owned")]


def test_a_ledger_without_commitment_usage_has_no_existing_commitment(tmp_path: Path):
    from infracast.control.optimizing.commitment_ledger import existing_commitments

    notes: list[str] = []
    with Ledger.open(tmp_path / "empty.duckdb") as ledger:
        assert existing_commitments(ledger, None, None, None, 730.0, 12, notes) == ([], [], [])
    assert notes == ["the ledger holds no commitment usage: no existing commitment."]
