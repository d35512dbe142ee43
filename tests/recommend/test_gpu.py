"""GPU recommendations over a small ledger: each kind once, with its evidence (arithmetic in
the comments)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest

from infracast.catalog import PriceBook, PriceOption
from infracast.ledger.connection import Ledger
from infracast.optimize.rightsizing import RightsizingSettings
from infracast.recommend.gpu import gpu_recommendations, on_demand_offers
from infracast.recommend.record import Recommendation
from tests.analytics.ledgers import add_charges

D = Decimal
AS_OF = date(2026, 1, 10)
BOOK = PriceBook(
    [
        PriceOption("AWS", "L4", 1, "on_demand", D("0.80"), "USD", AS_OF, "test book"),
        PriceOption("AWS", "L4", 1, "on_demand", D("0.95"), "USD", AS_OF, "dearer", "us-west-2"),
        PriceOption("AWS", "L40S", 1, "on_demand", D("1.80"), "USD", AS_OF, "test book"),
        PriceOption("AWS", "L4", 1, "spot", D("0.30"), "USD", AS_OF, "spot: not offered"),
    ]
)
# Two weeks, 2026-01-01 to 01-15, one sample per GPU every 6 hours (56 per GPU), each
# resource one charge over the 14 days (so cost × 30 / 14 a month):
#   dev-1   1× H100-SXM at 1 %, 1,400            -> 3,000 a month: idle_gpu, saves 3,000
#   rep-0…3 1× L40S "chat" at 15 %, 420 each     -> 900 a month each; load 4 × 0.15 = 0.6,
#           ⌈0.6 / 0.7⌉ = 1 replica: consolidate_replicas saves 3,600 × 3/4 = 2,700
#   job-1   1× A100-80GB at 30 %, 16 GiB, 1,344  -> 2,880 a month, 720 GPU-h: p95 need
#           0.3 × 312 = 93.6 ≤ L4 121 × 0.8 = 96.8 and 16 × 1.2 = 19.2 ≤ 24 GiB:
#           rightsize_gpu to the L4 at 0.80 saves 2,880 − 0.80 × 720 = 2,304
#   lite-1  1× A100-80GB at 10 %, 6 GiB, 840     -> 1,800 a month: 1g.10gb (1/7 × 0.8 =
#           0.114 ≥ 0.10, 7.2 GiB ≤ 9.31): share_gpu saves 1,800 × 6/7 = 1,542.86
#   busy-1  1× H100-SXM at 90 %, 7,000           -> no recommendation
RESOURCES = [
    # id, gpu type, utilization, memory MiB, cost over 14 days, workload
    ("dev-1", "H100-SXM", 0.01, 1000.0, 1400, None),
    *((f"rep-{i}", "L40S", 0.15, 8000.0, 420, "chat") for i in range(4)),
    ("job-1", "A100-80GB", 0.30, 16384.0, 1344, None),
    ("lite-1", "A100-80GB", 0.10, 6144.0, 840, None),
    ("busy-1", "H100-SXM", 0.90, 60000.0, 7000, None),
]


def _fill(ledger: Ledger) -> None:
    add_charges(
        ledger,
        [
            {
                "ResourceId": rid,
                "ServiceProviderName": "AWS",
                "ChargePeriodStart": "2026-01-01T00:00",
                "ChargePeriodEnd": "2026-01-15T00:00",
                "cost": cost,
                "x_gpu_type": gpu,
                "x_gpu_count": 1,
                "x_gpu_hours": 336,
                "x_team": "ml",
                "x_project": "p",
            }
            for rid, gpu, _, _, cost, _ in RESOURCES
        ],
    )
    for rid, _, util, mem, _, workload in RESOURCES:
        ledger.con.execute(
            """INSERT INTO usage_samples (ts, interval_s, resource_id, gpu_index, utilization,
                   memory_used_mib, share, workload, x_ingest_id)
               SELECT TIMESTAMP '2026-01-01' + INTERVAL 6 HOUR * i, 21600, ?, 0, ?, ?, 1.0, ?, 2
               FROM range(56) t(i)""",
            [rid, util, mem, workload],
        )


@pytest.fixture(scope="module")
def recs() -> Iterator[list[Recommendation]]:
    with Ledger.open(":memory:") as ledger:
        _fill(ledger)
        yield gpu_recommendations(ledger, prices=BOOK)


def _one(recs: list[Recommendation], kind: str) -> Recommendation:
    [rec] = [r for r in recs if r.kind == kind]
    return rec


def test_each_kind_is_found_once_most_savings_first(recs: list[Recommendation]) -> None:
    assert [(r.kind, r.expected_monthly_savings.quantize(D("0.01"))) for r in recs] == [
        ("idle_gpu", D("3000.00")),
        ("consolidate_replicas", D("2700.00")),
        ("rightsize_gpu", D("2304.00")),
        ("share_gpu", D("1542.86")),
    ]


def test_the_idle_gpu_saves_its_monthly_cost_and_shows_its_distribution(
    recs: list[Recommendation],
) -> None:
    rec = _one(recs, "idle_gpu")
    assert rec.resource_ids == ("dev-1",)
    assert rec.baseline_monthly_cost == rec.expected_monthly_savings == D(3000)
    assert (rec.team, rec.project, rec.scope) == ("ml", "p", "resource")
    [dist] = rec.evidence["utilization"]
    assert (dist["p95"], dist["idle_share"], dist["samples"]) == (0.01, 1.0, 56)
    assert dist["histogram"]["counts"] == [56, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    assert dist["histogram"]["bin_edges"][:3] == [0.0, 0.1, 0.2]
    assert rec.evidence["window"]["start"] == "2026-01-01T00:00:00"
    assert rec.evidence["thresholds"]["idle_threshold"] == 0.05
    assert rec.reproduce == (
        "infracast utilization --resource dev-1 --from 2026-01-01T00:00:00 "
        "--to 2026-01-15T00:00:00 --idle-threshold 0.05"
    )


def test_the_pool_is_one_recommendation_over_its_replicas(recs: list[Recommendation]) -> None:
    rec = _one(recs, "consolidate_replicas")
    assert rec.resource_ids == ("rep-0", "rep-1", "rep-2", "rep-3")
    assert rec.evidence["decision"]["replicas_needed"] == 1
    assert len(rec.evidence["utilization"]) == 4
    assert "--resource rep-0 --resource rep-1 --resource rep-2 --resource rep-3" in rec.reproduce


def test_rightsizing_names_the_price_used_with_its_source_and_date(
    recs: list[Recommendation],
) -> None:
    rec = _one(recs, "rightsize_gpu")
    assert rec.resource_ids == ("job-1",)
    price = rec.evidence["decision"]["price"]
    assert (price["price_per_gpu_hour"], price["source"]) == ("0.80", "test book, as of 2026-01-10")
    assert rec.evidence["decision"]["to"]["accelerator"] == "L4"


def test_sharing_names_the_mig_profile_and_its_source(recs: list[Recommendation]) -> None:
    rec = _one(recs, "share_gpu")
    assert rec.evidence["decision"]["profile"] == "1g.10gb"
    assert "Multi-Instance GPU User Guide" in rec.evidence["decision"]["source"]


def test_every_recommendation_is_json(recs: list[Recommendation]) -> None:
    for rec in recs:
        assert json.loads(json.dumps(rec.to_dict()))["id"] == rec.id


def test_offers_are_the_cheapest_on_demand_per_accelerator_and_provider() -> None:
    # L4 on demand: 0.80 (not 0.95, not the 0.30 spot); L40S 1.80.
    offers = {o.accelerator: o.price_per_gpu_hour for o in on_demand_offers(BOOK)}
    assert offers == {"L4": D("0.80"), "L40S": D("1.80")}


def test_a_stricter_idle_share_keeps_the_idle_gpu_out() -> None:
    # Utilization 1 % is not below a 0.5 % threshold: no idle_gpu (it is then shared).
    with Ledger.open(":memory:") as ledger:
        _fill(ledger)
        recs = gpu_recommendations(
            ledger, prices=BOOK, settings=RightsizingSettings(idle_threshold=0.005)
        )
    assert "idle_gpu" not in {r.kind for r in recs}


def test_a_ledger_without_samples_has_none() -> None:
    with Ledger.open(":memory:") as ledger:
        assert gpu_recommendations(ledger, prices=BOOK) == []


def test_an_idle_owned_server_saves_its_energy_not_its_amortization() -> None:
    # srv-1, owned: amortization 1,400 and energy 140 over the 14 days, idle at 1 %.
    # A month: (1,400 + 140) × 30 / 14 = 3,300, of which 3,000 is sunk amortization;
    # stopping it saves the energy: 140 × 30 / 14 = 300.
    two_weeks = {"ChargePeriodStart": "2026-01-01T00:00", "ChargePeriodEnd": "2026-01-15T00:00"}
    with Ledger.open(":memory:") as ledger:
        add_charges(
            ledger,
            [
                {
                    **two_weeks,
                    "ResourceId": "srv-1",
                    "cost": 1400,
                    "x_source": "asset",
                    "x_gpu_type": "H100-SXM",
                    "x_gpu_count": 8,
                    "x_gpu_hours": 2688,
                },
                {
                    **two_weeks,
                    "ResourceId": "srv-1",
                    "cost": 140,
                    "x_source": "asset",
                    "x_cost_category": "energy",
                },
            ],
        )
        ledger.con.execute(
            """INSERT INTO usage_samples (ts, interval_s, resource_id, gpu_index, utilization,
                   share, x_ingest_id)
               SELECT TIMESTAMP '2026-01-01' + INTERVAL 6 HOUR * i, 21600, 'srv-1', 0, 0.01,
                   1.0, 2
               FROM range(56) t(i)"""
        )
        [rec] = gpu_recommendations(ledger, prices=BOOK)
    assert rec.kind == "idle_gpu"
    assert rec.expected_monthly_savings == pytest.approx(D(300))
    [dist] = rec.evidence["utilization"]
    assert (dist["owned"], dist["monthly_cost"], dist["monthly_sunk_cost"]) == (
        True,
        "3300.00",
        "3000.00",
    )
