"""Utilization and coverage of the commitments in the ledger, by hand and on the demo."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from infracast.analytics.commitments import NO_COMMITMENTS, commitment_utilization
from infracast.errors import QueryError
from infracast.ledger.connection import Ledger

D = Decimal

_SP = {
    "ServiceProviderName": "AWS",
    "CommitmentDiscountId": "sp-1",
    "CommitmentDiscountName": "Compute Savings Plan",
    "CommitmentDiscountType": "Savings Plan",
    "CommitmentDiscountCategory": "Spend",
    "CommitmentDiscountUnit": "USD",
}
_CUD = {
    "ServiceProviderName": "Google Cloud",
    "ServiceName": "Compute Engine",
    "CommitmentDiscountId": "cud-1",
    "CommitmentDiscountName": "G2 CUD",
    "CommitmentDiscountType": "Committed Use Discount",
    "CommitmentDiscountCategory": "Usage",
    "CommitmentDiscountUnit": "Hours",
}
_EC2 = {"ServiceProviderName": "AWS", "ServiceName": "EC2"}

# January 2026 (effective cost; "contracted" is the rate before the commitment discount):
#   sp-1  Purchase billed 100 (effective 0)
#         Used EC2    eff 60  contracted  90  qty 60
#         Used EC2    eff 20  contracted  30  qty 20
#         Unused      eff 20                  qty 20   (service "Savings Plans")
#   EC2   Standard    eff 180 contracted 180             (not covered)
#   EC2   Dynamic     eff 50  contracted  50             (spot: not eligible)
#   S3    Standard    eff 40                             (no commitment covers S3)
#   cud-1 Used CE     eff 45  contracted  50  qty 10
#   CE    Standard    eff 50  contracted  50
#   sp-1  Used EC2 in February, eff 999: outside the window of the dated tests
ROWS: list[dict[str, Any]] = [
    {**_SP, "ServiceName": "Savings Plans", "ChargeCategory": "Purchase", "BilledCost": 100},
    {**_SP, **_EC2, "CommitmentDiscountStatus": "Used", "EffectiveCost": 60,
     "ContractedCost": 90, "CommitmentDiscountQuantity": 60, "PricingCategory": "Committed"},
    {**_SP, **_EC2, "CommitmentDiscountStatus": "Used", "EffectiveCost": 20,
     "ContractedCost": 30, "CommitmentDiscountQuantity": 20, "PricingCategory": "Committed"},
    {**_SP, "ServiceName": "Savings Plans", "CommitmentDiscountStatus": "Unused",
     "EffectiveCost": 20, "CommitmentDiscountQuantity": 20, "PricingCategory": "Committed"},
    {**_EC2, "cost": 180, "ContractedCost": 180, "PricingCategory": "Standard"},
    {**_EC2, "cost": 50, "ContractedCost": 50, "PricingCategory": "Dynamic"},
    {"ServiceProviderName": "AWS", "ServiceName": "S3", "cost": 40},
    {**_CUD, "CommitmentDiscountStatus": "Used", "EffectiveCost": 45, "ContractedCost": 50,
     "CommitmentDiscountQuantity": 10, "PricingCategory": "Committed"},
    {"ServiceProviderName": "Google Cloud", "ServiceName": "Compute Engine", "cost": 50,
     "ContractedCost": 50, "PricingCategory": "Standard"},
    {**_SP, **_EC2, "CommitmentDiscountStatus": "Used", "EffectiveCost": 999,
     "ContractedCost": 999, "ChargePeriodStart": "2026-02-03T00:00",
     "ChargePeriodEnd": "2026-02-04T00:00"},
]  # fmt: skip


@pytest.fixture
def ledger(make_ledger: Callable[..., Ledger]) -> Ledger:
    return make_ledger(charges=ROWS)


def test_utilization_is_used_over_used_plus_unused_effective_cost(ledger: Ledger):
    # sp-1: used 60 + 20 = 80, unused 20, committed 100, utilization 0.8; covered usage
    # would have cost 90 + 30 = 120 without it: net savings 120 − 100 = 20.
    # cud-1: used 45, unused 0, utilization 1; net savings 50 − 45 = 5.
    sp, cud = commitment_utilization(ledger, start="2026-01", end="2026-02").commitments
    assert sp == {
        "commitment_id": "sp-1",
        "name": "Compute Savings Plan",
        "type": "Savings Plan",
        "category": "Spend",
        "unit": "USD",
        "provider": "AWS",
        "currency": "USD",
        "committed_cost": D(100),
        "used_cost": D(80),
        "unused_cost": D(20),
        "utilization": pytest.approx(0.8),
        "used_quantity": D(80),
        "unused_quantity": D(20),
        "covered_contracted_cost": D(120),
        "net_savings": D(20),
        "purchased_cost": D(100),
    }
    assert (cud["commitment_id"], cud["utilization"], cud["net_savings"]) == ("cud-1", 1.0, D(5))
    assert cud["unused_quantity"] is None


def test_coverage_is_covered_over_eligible_usage_per_service(ledger: Ledger):
    # AWS EC2: eligible 90 + 30 + 180 = 300 (spot, the Unused row and S3 left out),
    #   covered 120: coverage 0.4, uncovered 180.
    # Google Cloud Compute Engine: eligible 50 + 50 = 100, covered 50: coverage 0.5.
    out = commitment_utilization(ledger, start="2026-01", end="2026-02")
    ec2, ce = out.coverage
    assert ec2 == {
        "provider": "AWS",
        "service": "EC2",
        "currency": "USD",
        "eligible_cost": D(300),
        "covered_cost": D(120),
        "uncovered_cost": D(180),
        "coverage": pytest.approx(0.4),
    }
    assert (ce["service"], ce["coverage"]) == ("Compute Engine", pytest.approx(0.5))


def test_coverage_per_provider_adds_its_covered_services(ledger: Ledger):
    out = commitment_utilization(ledger, start="2026-01", end="2026-02", coverage="provider")
    assert [(r["provider"], r["eligible_cost"], r["coverage"]) for r in out.coverage] == [
        ("AWS", D(300), pytest.approx(0.4)),
        ("Google Cloud", D(100), pytest.approx(0.5)),
    ]


def test_the_period_bounds_the_rows_counted(ledger: Ledger):
    # Without bounds February's used 999 joins sp-1: used 1079, committed 1099.
    sp = commitment_utilization(ledger).commitments[0]
    assert (sp["used_cost"], sp["committed_cost"]) == (D(1079), D(1099))


def test_a_ledger_without_commitments_gives_an_empty_result_with_a_note(
    make_ledger: Callable[..., Ledger],
):
    out = commitment_utilization(make_ledger(charges=[{"cost": 10}]))
    assert (out.commitments, out.coverage, out.notes) == ([], [], [NO_COMMITMENTS])
    assert out.to_dict() == {"commitments": [], "coverage": [], "notes": [NO_COMMITMENTS]}


def test_an_unknown_coverage_grain_is_refused(ledger: Ledger):
    with pytest.raises(QueryError, match="coverage grain"):
        commitment_utilization(ledger, coverage="team")


@pytest.fixture(scope="module")
def demo_ledger(tmp_path_factory: pytest.TempPathFactory):
    from infracast.demo._generate import generate
    from infracast.ledger import ingest_focus

    out: Path = tmp_path_factory.mktemp("demo-commitments")
    generate(out, rows=20_000, months=1)  # one month is enough for both commitments
    ledger = Ledger.open(":memory:")
    ingest_focus(ledger, [out / "focus"])
    yield ledger
    ledger.close()


def test_demo_commitments_are_used_as_the_company_file_says(demo_ledger: Ledger):
    from infracast.demo.company import load_company

    company = load_company()
    spec = {p.provider_name: p.commitment for p in company.providers.values()}
    # the demo also plants an under-used Azure reservation (opportunity commitment_unused)
    spec["Microsoft"] = company.opportunities.commitment_unused
    rows = commitment_utilization(demo_ledger).commitments
    assert {r["provider"] for r in rows} == {"AWS", "Google Cloud", "Microsoft"}
    for r in rows:
        commitment = spec[r["provider"]]
        assert commitment is not None and r["name"] == commitment.name
        assert r["utilization"] == pytest.approx(commitment.utilization, abs=1e-6)
        # FOCUS's amortization balance: the purchases equal the used + unused effective cost
        assert r["committed_cost"] == pytest.approx(r["purchased_cost"], rel=D("1e-9"))
