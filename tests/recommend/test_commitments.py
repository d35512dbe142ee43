"""Commitments used below the threshold become ``commitment_unused`` (arithmetic in comments)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from infracast.errors import QueryError
from infracast.ledger.connection import Ledger
from infracast.recommend.commitments import commitment_recommendations
from infracast.recommend.record import Recommendation
from tests.analytics.ledgers import add_charges

D = Decimal
JAN31 = {"ChargePeriodStart": "2026-01-31T00:00", "ChargePeriodEnd": "2026-02-01T00:00"}
_RI = {
    **JAN31,
    "ServiceProviderName": "Microsoft",
    "ServiceName": "Virtual Machines",
    "CommitmentDiscountId": "ri-1",
    "CommitmentDiscountName": "A100 reservation",
    "CommitmentDiscountType": "Reservation",
    "CommitmentDiscountCategory": "Usage",
    "CommitmentDiscountUnit": "Hours",
    "PricingCategory": "Committed",
}
_CUD = {
    **JAN31,
    "ServiceProviderName": "Google Cloud",
    "ServiceName": "Compute Engine",
    "CommitmentDiscountId": "cud-1",
    "CommitmentDiscountName": "G2 CUD",
    "CommitmentDiscountType": "Committed Use Discount",
    "CommitmentDiscountCategory": "Usage",
    "CommitmentDiscountUnit": "Hours",
    "PricingCategory": "Committed",
}
_SP = {
    **JAN31,
    "ServiceProviderName": "AWS",
    "ServiceName": "EC2",
    "CommitmentDiscountId": "sp-1",
    "CommitmentDiscountName": "Compute Savings Plan",
    "CommitmentDiscountType": "Savings Plan",
    "CommitmentDiscountCategory": "Spend",
    "CommitmentDiscountUnit": "USD",
    "PricingCategory": "Committed",
}
_AZ = {**JAN31, "ServiceProviderName": "Microsoft", "ServiceName": "Virtual Machines"}

# January 2026 (the last full month: commitment usage ends 2026-02-01), effective cost:
#   ri-1  Azure reservation of SKU sku-a100: Used 600, Unused 400 -> committed 1,000, 60 %
#         on demand, same SKU, Standard 250 (movable); other SKU 900 and spot 300 (not)
#   cud-1 GCP CUD of sku-g2: Used 300, Unused 700 -> 30 %; no on-demand usage of sku-g2
#   sp-1  AWS savings plan: Used 900, Unused 100 -> 90 % >= 80 %: no recommendation
ROWS: list[dict[str, Any]] = [
    {**_RI, "SkuId": "sku-a100", "CommitmentDiscountStatus": "Used", "cost": 600},
    {**_RI, "CommitmentDiscountStatus": "Unused", "cost": 400},
    {**_AZ, "SkuId": "sku-a100", "PricingCategory": "Standard", "cost": 250},
    {**_AZ, "SkuId": "sku-other", "PricingCategory": "Standard", "cost": 900},
    {**_AZ, "SkuId": "sku-a100", "PricingCategory": "Dynamic", "cost": 300},
    {**_CUD, "SkuId": "sku-g2", "CommitmentDiscountStatus": "Used", "cost": 300},
    {**_CUD, "CommitmentDiscountStatus": "Unused", "cost": 700},
    {**_SP, "SkuId": "sku-p5", "CommitmentDiscountStatus": "Used", "cost": 900},
    {**_SP, "CommitmentDiscountStatus": "Unused", "cost": 100},
]  # fmt: skip


@pytest.fixture(scope="module")
def ledger() -> Iterator[Ledger]:
    with Ledger.open(":memory:") as opened:
        add_charges(opened, ROWS)
        yield opened


@pytest.fixture(scope="module")
def recs(ledger: Ledger) -> list[Recommendation]:
    """The default run over ROWS (read only by the tests)."""
    return commitment_recommendations(ledger)


def test_under_used_commitments_are_found_most_savings_first(recs: list[Recommendation]) -> None:
    assert [r.resource_ids for r in recs] == [("cud-1",), ("ri-1",)]
    assert {r.kind for r in recs} == {"commitment_unused"}


def test_on_demand_usage_of_its_sku_moves_onto_the_reservation(
    recs: list[Recommendation],
) -> None:
    # ri-1: unused 400 a month, on-demand usage of sku-a100 250 (the other SKU and spot do
    # not count): moving it reclaims min(400, 250) = 250 now (expected, low); committing
    # the other 150 less at renewal makes high 400.
    # Confidence 0.5 + 0.45 × (0.8 − 0.6) / 0.8 = 0.6125.
    rec = next(r for r in recs if r.resource_ids == ("ri-1",))
    assert (rec.expected_monthly_savings, rec.savings_low, rec.savings_high) == (
        D(250),
        D(250),
        D(400),
    )
    assert rec.baseline_monthly_cost == D(1000)
    assert rec.title.startswith("Move on-demand Microsoft usage onto A100 reservation")
    assert rec.evidence["action"] == "move on-demand usage onto it"
    assert rec.evidence["per_month"]["on_demand_eligible_cost"] == "250.00"
    assert rec.evidence["window"] == {
        "start": "2026-01-01T00:00:00",
        "end": "2026-02-01T00:00:00",
        "months": 1.0,
    }
    assert rec.confidence == pytest.approx(0.6125)
    assert rec.risk == "low"


def test_without_on_demand_usage_commit_less_at_renewal(recs: list[Recommendation]) -> None:
    # cud-1: unused 700 a month, nothing to move: expected = high = 700; low commits so the
    # usage seen would use it at 80 %: 1,000 − 300 / 0.8 = 625.
    # Confidence 0.5 + 0.45 × (0.8 − 0.3) / 0.8 = 0.78125.
    rec = recs[0]
    assert (rec.expected_monthly_savings, rec.savings_low, rec.savings_high) == (
        D(700),
        D(625),
        D(700),
    )
    assert rec.title.startswith("Commit less when G2 CUD renews")
    assert rec.confidence == pytest.approx(0.78125, abs=1e-4)
    assert rec.risk == "medium"
    assert rec.reproduce == "infracast commitments --from 2026-01-01 --to 2026-02-01"


def test_two_reservations_of_one_sku_share_its_on_demand_usage() -> None:
    # ri-1 as above and ri-2 of the same SKU: Used 100, Unused 300 (25 %). ri-1 (unused 400)
    # takes the 250 of on-demand usage first; nothing is left for ri-2: renewal, 300.
    ri2 = {**_RI, "CommitmentDiscountId": "ri-2", "CommitmentDiscountName": "second"}
    rows = [
        *ROWS[:3],
        {**ri2, "SkuId": "sku-a100", "CommitmentDiscountStatus": "Used", "cost": 100},
        {**ri2, "CommitmentDiscountStatus": "Unused", "cost": 300},
    ]
    with Ledger.open(":memory:") as led:
        add_charges(led, rows)
        recs = {r.resource_ids[0]: r for r in commitment_recommendations(led)}
    assert recs["ri-1"].expected_monthly_savings == D(250)
    assert recs["ri-2"].evidence["action"] == "commit less at renewal"
    assert recs["ri-2"].expected_monthly_savings == D(300)


def test_a_window_of_two_months_gives_monthly_figures(ledger: Ledger) -> None:
    # December has nothing: over [2025-12, 2026-02) cud-1's 700 unused is 350 a month.
    recs = commitment_recommendations(ledger, start="2025-12", end="2026-02")
    cud = next(r for r in recs if r.resource_ids == ("cud-1",))
    assert cud.expected_monthly_savings == D(350)


def test_the_threshold_decides(ledger: Ledger) -> None:
    # At 50 % only cud-1 (30 %) is below; ri-1 (60 %) is not.
    assert [r.resource_ids for r in commitment_recommendations(ledger, threshold=0.5)] == [
        ("cud-1",)
    ]


def test_a_ledger_without_commitments_has_none() -> None:
    with Ledger.open(":memory:") as led:
        add_charges(led, [{"cost": 10}])
        assert commitment_recommendations(led) == []


def test_a_threshold_outside_0_1_is_an_error_with_a_hint(ledger: Ledger) -> None:
    with pytest.raises(QueryError) as caught:
        commitment_recommendations(ledger, threshold=80)
    assert caught.value.hint


def test_usage_of_excluded_resources_is_not_movable() -> None:
    # The 250 of on-demand sku-a100 usage is on vm-idle, which another recommendation
    # stops: without it ri-1 has nothing to move and is a renewal of its 400 unused.
    rows = [r if r.get("cost") != 250 else {**r, "ResourceId": "vm-idle"} for r in ROWS]
    with Ledger.open(":memory:") as led:
        add_charges(led, rows)
        recs = commitment_recommendations(led, exclude_resources=["vm-idle"])
    ri = next(r for r in recs if r.resource_ids == ("ri-1",))
    assert ri.evidence["action"] == "commit less at renewal"
    assert ri.expected_monthly_savings == D(400)
