"""Placement from files, the price book and the ledger: the plan out, every source said."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from infracast.control.optimizing._placement import PlacementInfeasibleError, placement
from infracast.errors import InputFileError
from infracast.ledger.connection import Ledger
from infracast.optimize.exceptions import OptimizeError
from infracast.optimize.placement_inputs import Offer, Workload
from infracast.optimize.placement_model import (
    DEFAULT_EGRESS_PER_GB,
    DEFAULT_SPOT_INTERRUPTIONS_PER_HOUR,
)
from infracast.optimize.placement_plan import inputs_hash
from tests.analytics.ledgers import add_charges
from tests.cli import conftest as cli_fixtures
from tests.cli.conftest import Ran
from tests.cli.contracts import make_world
from tests.optimize.placement_contracts import OFFERS, WORKLOADS, write_inputs

CLI = Callable[..., Ran]
cli = cli_fixtures.cli  # the command line run in-process (tests/cli/conftest.py)


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    make_world(write_inputs, tmp_path)  # the world of the command's contract
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _placed(result: Any) -> dict[str, str]:
    return {a.workload: a.offer for a in result.assignments}


def test_files_in_the_optimum_beats_greedy_and_the_baseline(files: Path):
    # offers (H100, 8 GPUs an instance, one instance per workload): aws-cheap 20/h (1
    # available), gcp 21/h, aws-big 40/h, lambda-spot 8/h (spot: nobody is interruptible).
    # greedy, most GPU-hours first: train 800 → aws-cheap 20 × 100 = 2,000; tune 400 (AWS
    #   only) → aws-big 40 × 50 = 2,000; eval → gcp 21 × 10 = 210: 4,210.
    # optimum: tune → aws-cheap 20 × 50 = 1,000; train → gcp 2,100; eval → gcp 210: 3,310.
    # baseline: train and tune on aws-big 4,000 + 2,000; eval (no current offer) on the
    #   cheapest on demand, capacity ignored, aws-cheap 200: 6,200; savings 2,890.
    result = placement("workloads.csv", "offers.csv")
    assert _placed(result) == {"train": "gcp", "tune": "aws-cheap", "eval": "gcp"}
    assert result.status == "optimal"
    assert result.objective == pytest.approx(3310)
    assert result.greedy_cost == pytest.approx(4210)
    assert result.baseline_cost == pytest.approx(6200)
    assert result.savings == pytest.approx(2890)
    assert {"constraint": "capacity", "offer": "aws-cheap"}.items() <= result.binding[0].items()
    assert "offers: the offers file offers.csv" in result.assumptions


def test_yaml_files_give_the_same_plan(files: Path):
    def as_yaml(text: str, key: str) -> str:
        header, *rows = [line.split(",") for line in text.strip().splitlines()]
        items = [{k: v for k, v in zip(header, row, strict=True) if v} for row in rows]
        return json.dumps({key: items})  # JSON is YAML

    (files / "w.yaml").write_text(as_yaml(WORKLOADS, "workloads"))
    (files / "o.yml").write_text(as_yaml(OFFERS, "offers"))
    assert _placed(placement("w.yaml", "o.yml")) == _placed(
        placement("workloads.csv", "offers.csv")
    )


def test_an_hourly_cap_binds_and_is_named(files: Path):
    # research may spend 20.5 an hour: train cannot run on gcp (21/h), so it takes
    # aws-cheap (2,000); tune is left aws-big (2,000), eval gcp (210): 4,210.
    (files / "caps.csv").write_text("team,per,amount\nresearch,hour,20.5\n")
    result = placement("workloads.csv", "offers.csv", caps="caps.csv")
    assert _placed(result) == {"train": "aws-cheap", "tune": "aws-big", "eval": "gcp"}
    assert result.objective == pytest.approx(4210)
    cap = result.binding[0]
    assert (cap["constraint"], cap["team"], cap["per"]) == ("budget_cap", "research", "hour")
    assert cap["objective_without"] == pytest.approx(3310)


BOOK = """\
provider,region,instance_type,accelerator,accelerators_per_instance,pricing_model,price_per_hour,currency,as_of,derived,source
Google Cloud,us-central1,a3-highgpu-1g,H100-SXM,1,on_demand,2.00,USD,2026-05-20,,test book
AWS,us-east-1,p5.48xlarge,H100-SXM,8,on_demand,24.00,USD,2026-05-20,,test book
AWS,us-east-1,p5.48xlarge,H100-SXM,8,commit_3y,9.00,USD,2026-05-20,,test book
"""
NEGOTIATED = """\
- {provider: AWS, accelerator: H100, instance_type: p5.48xlarge, region: us-east-1,
   pricing_model: on_demand, price_per_hour: 12.00, currency: USD, as_of: 2026-06-01}
"""


@pytest.fixture
def book(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "job.csv").write_text("workload,gpus,hours,accelerators\njob,8,10,H100\n")
    (tmp_path / "book.csv").write_text(BOOK)
    (tmp_path / "negotiated.yaml").write_text(NEGOTIATED)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_price_book_prices_on_demand_and_spot_by_default(book: Path):
    # 8 H100 for 10 h: Google 8 instances × 2.00 × 10 = 160; AWS 1 × 24.00 × 10 = 240.
    # The 3-year commitment (9.00 × 10 = 90) is a purchase, not a placement: left out.
    result = placement("job.csv", prices="book.csv")
    assert _placed(result) == {"job": "Google Cloud/us-central1/a3-highgpu-1g/on_demand"}
    assert result.objective == pytest.approx(160)
    assert result.assignments[0].instances == 8


def test_a_negotiated_override_wins_over_the_list_price(book: Path):
    # AWS's p5 negotiated down to 12.00 an instance-hour (1.50 a GPU-hour): × 10 h = 120 < 160.
    result = placement("job.csv", prices="book.csv", overrides="negotiated.yaml")
    assert _placed(result) == {"job": "AWS/us-east-1/p5.48xlarge/on_demand"}
    assert result.objective == pytest.approx(120)
    assert "negotiated overrides replace the list prices they match" in result.assumptions


def test_pricing_chooses_the_book_prices_placed_on(book: Path):
    result = placement("job.csv", prices="book.csv", pricing="commit_3y")
    assert _placed(result) == {"job": "AWS/us-east-1/p5.48xlarge/commit_3y"}
    assert result.objective == pytest.approx(90)


def test_an_offers_file_and_book_options_together_are_refused(files: Path):
    with pytest.raises(OptimizeError, match="replaces the price book"):
        placement("workloads.csv", "offers.csv", provider="aws")


# A ledger of January 2026 (744 hours), AWS us-east-1, H100 instances of 8 GPUs:
#   i-a  on demand, research, 100 h (800 GPU-hours), effective 4,000: 40 an instance-hour
#   i-b  covered by reservation ri-1 (Used), applied, 200 h, effective 4,000: 20 an hour
#   i-c  spot (Dynamic), research, 50 h, effective 750: 15 an hour
#   ri-1 Unused: 1,288 of its 2 × 744 = 1,488 instance-hours (effective 25,760)
#        → a committed offer of floor(1,288 / 744) = 1 instance at no marginal cost
#   dgx-1 an owned DGX's amortization (x_source asset): not a workload
_GPU = {
    "ServiceProviderName": "AWS",
    "RegionId": "us-east-1",
    "x_gpu_type": "H100",
    "x_gpu_count": 8.0,
    "PricingCategory": "Standard",
}
_RI = {
    "CommitmentDiscountId": "ri-1",
    "CommitmentDiscountName": "p5 reservation",
    "CommitmentDiscountType": "Reservation",
    "CommitmentDiscountCategory": "Usage",
    "CommitmentDiscountUnit": "Hours",
}
LEDGER_ROWS: list[dict[str, Any]] = [
    {**_GPU, "ResourceId": "i-a", "x_team": "research", "x_gpu_hours": 800.0, "cost": 4000},
    {**_GPU, **_RI, "ResourceId": "i-b", "x_team": "applied", "x_gpu_hours": 1600.0,
     "cost": 4000, "PricingCategory": "Committed", "CommitmentDiscountStatus": "Used",
     "CommitmentDiscountQuantity": 200},
    {**_GPU, "ResourceId": "i-c", "x_team": "research", "x_gpu_hours": 400.0, "cost": 750,
     "PricingCategory": "Dynamic"},
    {**_RI, "ServiceProviderName": "AWS", "CommitmentDiscountStatus": "Unused",
     "CommitmentDiscountQuantity": 1288, "cost": 25760, "PricingCategory": "Committed",
     "ChargePeriodEnd": "2026-02-01T00:00"},
    {**_GPU, "ResourceId": "dgx-1", "x_source": "asset", "x_gpu_hours": 800.0, "cost": 900},
]  # fmt: skip
OFFERS_AWS = (
    "offer,provider,region,accelerator,gpus_per_instance,price_per_hour\n"
    "aws,aws,us-east-1,H100,8,18\n"
)


@pytest.fixture
def company(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Ledger]:
    (tmp_path / "offers.csv").write_text(OFFERS_AWS)
    monkeypatch.chdir(tmp_path)
    with Ledger.open(":memory:") as led:
        add_charges(led, LEDGER_ROWS)
        yield led


def test_the_ledger_gives_its_gpu_workloads_priced_as_they_were_paid(company: Ledger):
    result = placement(offers="offers.csv", ledger=company)
    assert sorted(_placed(result)) == ["i-a", "i-b", "i-c"]  # not the owned dgx-1
    by_name = {a.workload: a for a in result.assignments}
    assert by_name["i-a"].team == "research" and by_name["i-a"].hours == pytest.approx(100)
    # baseline: each on its current offer, i-a 40 × 100 + i-b 20 × 200 + i-c 15 × 50 = 8,750
    assert result.baseline_cost == pytest.approx(8750)
    assert any(a.startswith("on-premises GPUs") for a in result.assumptions)
    assert any(
        a.startswith("workloads: the ledger's cloud GPU resources") for a in result.assumptions
    )


def test_an_unused_commitment_is_a_free_offer_used_first(company: Ledger):
    # costs: committed/ri-1 0 (1 instance); aws 18/h; each current offer (1 instance).
    #   i-b on the commitment saves most (its next best is aws 18 × 200 = 3,600);
    #   i-a → aws 18 × 100 = 1,800; i-c (spot) stays on its own 15 × 50 = 750: 2,550.
    # (i-a on the commitment instead: i-b on aws 3,600 + 750 = 4,350.)
    result = placement(offers="offers.csv", ledger=company, month="2026-01")
    assert _placed(result) == {"i-a": "aws", "i-b": "committed/ri-1", "i-c": "observed/i-c"}
    assert result.objective == pytest.approx(2550)
    assert result.savings == pytest.approx(8750 - 2550)
    committed = next(a for a in result.assignments if a.workload == "i-b")
    assert (committed.pricing, committed.cost, committed.region) == ("committed", 0.0, "us-east-1")
    assert any(a.startswith("committed offers:") for a in result.assumptions)


def test_a_spot_workload_keeps_its_own_spot_instance_to_itself(company: Ledger):
    # i-c's current offer is spot: a workload that is not interruptible cannot take it.
    result = placement(offers="offers.csv", ledger=company)
    assert all(a.offer != "observed/i-c" for a in result.assignments if a.workload != "i-c")


def test_move_to_names_the_providers_ledger_workloads_may_run_on(company: Ledger, tmp_path: Path):
    # A GCP offer at 10/h undercuts AWS's 18/h; the ledger buys GPUs only from AWS.
    (tmp_path / "offers.csv").write_text(OFFERS_AWS + "gcp,gcp,us-central1,H100,8,10\n")
    used = placement(offers="offers.csv", ledger=company, month="2026-01")
    anywhere = placement(offers="offers.csv", ledger=company, month="2026-01", move_to="any")
    assert "gcp" not in _placed(used).values()  # default: the providers the ledger uses
    # anywhere: i-b on the commitment 0, i-a on gcp 10 × 100 = 1,000 (not aws's 1,800), i-c
    # (spot, interruptible) on gcp 10 × 50 = 500 (not its 750): 1,500 against used's 2,550
    assert _placed(anywhere) == {"i-a": "gcp", "i-b": "committed/ri-1", "i-c": "gcp"}
    assert (used.objective, anywhere.objective) == (pytest.approx(2550), pytest.approx(1500))
    with pytest.raises(OptimizeError, match="move_to must be one of"):
        placement(offers="offers.csv", ledger=company, move_to="cheapest")


def test_a_month_without_gpu_usage_is_an_error_that_names_it(company: Ledger):
    with pytest.raises(OptimizeError, match="no cloud GPU usage to place in 2025-12"):
        placement(offers="offers.csv", ledger=company, month="2025-12")


def test_a_workloads_file_with_a_ledger_adds_its_unused_commitment(company: Ledger):
    Path("job.csv").write_text("workload,gpus,hours,accelerators\njob,8,10,H100\n")
    result = placement("job.csv", "offers.csv", ledger=company)
    assert _placed(result) == {"job": "committed/ri-1"}
    assert result.objective == 0


def test_nothing_to_place_without_a_file_or_a_ledger():
    with pytest.raises(OptimizeError, match="nothing to place"):
        placement()


def test_a_bad_row_is_named_with_its_line(files: Path):
    (files / "bad.csv").write_text(
        "workload,gpus,hours,accelerators\nok,8,10,H100\nzero,0,10,H100\nodd,8,5,H999\n"
    )
    with pytest.raises(InputFileError) as caught:
        placement("bad.csv", "offers.csv")
    message = caught.value.message
    assert "line 3: gpus" in message and "line 4: accelerators" in message
    assert "H999" in message


def _infeasible(root: Path) -> None:
    # 16 GPUs on H100 need two 8-GPU instances at once; gcp offers just one.
    (root / "big.csv").write_text("workload,gpus,hours,accelerators\nbig,16,10,H100\n")
    (root / "one.csv").write_text(
        "offer,provider,region,accelerator,gpus_per_instance,price_per_hour,capacity_instances\n"
        "gcp,gcp,us-central1,H100,8,21,1\n"
    )


def test_an_infeasible_input_names_the_workload_and_carries_the_inputs_hash(files: Path):
    _infeasible(files)
    with pytest.raises(PlacementInfeasibleError) as caught:
        placement("big.csv", "one.csv")
    error = caught.value
    assert "big" in error.message and error.hint
    ws = [Workload(workload="big", gpus=16, hours=10, accelerators=("H100",))]
    os_ = [
        Offer(offer="gcp", provider="gcp", region="us-central1", accelerator="H100",
              gpus_per_instance=8, price_per_hour=21, capacity_instances=1)
    ]  # fmt: skip
    digest = inputs_hash(ws, os_, [], DEFAULT_EGRESS_PER_GB, DEFAULT_SPOT_INTERRUPTIONS_PER_HOUR)
    assert error.inputs_hash == digest


def test_the_command_prints_infeasible_json_and_exits_1(files: Path, cli: CLI):
    _infeasible(files)
    ran = cli("optimize", "placement", "big.csv", "--offers", "one.csv", "--format", "json")
    assert ran.code == 1
    answer = json.loads(ran.out)
    assert answer["status"] == "infeasible"
    assert answer["error"] == "PlacementInfeasibleError"
    assert "big" in answer["message"] and answer["hint"]
    with pytest.raises(PlacementInfeasibleError) as caught:
        placement("big.csv", "one.csv")
    assert answer == caught.value.to_dict()


def test_the_table_shows_the_infeasible_message_and_exits_1(files: Path, cli: CLI):
    _infeasible(files)
    ran = cli("optimize", "placement", "big.csv", "--offers", "one.csv")
    assert ran.code == 1
    assert "Error:" in ran.err and "big" in ran.err


def test_the_table_has_the_totals_in_its_title(files: Path, cli: CLI):
    ran = cli("optimize", "placement", "workloads.csv", "--offers", "offers.csv")
    assert ran.code == 0, ran.err
    assert "3,310.00 USD; baseline 6,200.00, saves 2,890.00 (46.6%); greedy 4,210.00" in ran.out
    assert "binds: the capacity of aws-cheap" in ran.err
