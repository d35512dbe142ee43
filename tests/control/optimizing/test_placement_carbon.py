"""Placement with a carbon price over the price book: each offer's kg CO2e per hour from
the catalog (TDP, provider PUE, region grid), the plan moving to a cleaner region exactly
when the price makes it cheaper."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from infracast.control.optimizing._placement import placement
from tests.cli import conftest as cli_fixtures
from tests.cli.conftest import Ran

CLI = Callable[..., Ran]
cli = cli_fixtures.cli  # the command line run in-process (tests/cli/conftest.py)

BOOK = """\
provider,region,instance_type,accelerator,accelerators_per_instance,pricing_model,price_per_hour,currency,as_of,derived,source
AWS,us-east-1,p5.48xlarge,H100-SXM,8,on_demand,24.00,USD,2026-05-20,,test book
Google Cloud,europe-north1,a3-highgpu-8g,H100-SXM,8,on_demand,25.00,USD,2026-05-20,,test book
Google Cloud,us-central1,ct5lp-hightpu-8t,TPU-v5e,8,on_demand,1.00,USD,2026-05-20,,test book
"""
# 8 H100 (700 W) an instance, at TDP:
#   AWS us-east-1:          700 x 8 x PUE 1.15 x 323.05 g / 1e6 = 2.080442 kg/h
#   Google europe-north1:   700 x 8 x PUE 1.10 x  39.32 g / 1e6 = 0.2422112 kg/h
# job: 8 GPUs for 10 h -> one instance for 10 h: AWS 240 and 20.80442 kg; Google 250 and
# 2.422112 kg. Google wins when P x (20.80442 - 2.422112) / 1000 > 10, P > 544.0 per tonne.
AWS_KG, GCP_KG = 20.80442, 2.422112


@pytest.fixture
def book(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "job.csv").write_text("workload,gpus,hours,accelerators\njob,8,10,H100\n")
    (tmp_path / "book.csv").write_text(BOOK)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize(
    ("price", "region", "kg"), [(500, "us-east-1", AWS_KG), (600, "europe-north1", GCP_KG)]
)
def test_the_carbon_price_moves_the_job_past_the_break_even(
    book: Path, price: float, region: str, kg: float
) -> None:
    result = placement("job.csv", prices="book.csv", carbon_price_per_tonne=price)
    (a,) = result.assignments
    assert a.region == region
    assert a.co2e_kg == pytest.approx(kg)
    assert result.co2e_kg == pytest.approx(kg)


def test_the_assumptions_name_the_figures_and_what_was_left_out(book: Path) -> None:
    result = placement("job.csv", prices="book.csv", carbon_price_per_tonne=600)
    text = "\n".join(result.assumptions)
    assert "Google Cloud europe-north1: PUE 1.1 (published, 2023); grid intensity 39.32" in text
    assert "left out for the carbon price, no published TDP" not in text  # H100 jobs only
    assert "carbon priced at 600 USD/tCO2e" in text


def test_without_a_carbon_price_nothing_changes(book: Path) -> None:
    result = placement("job.csv", prices="book.csv")
    assert result.assignments[0].region == "us-east-1"
    assert result.co2e_kg is None and "co2e_kg" not in result.to_dict()


def test_the_command_line_flag(cli: CLI, book: Path) -> None:
    ran = cli(
        "optimize",
        "placement",
        "job.csv",
        "--prices",
        "book.csv",
        "--carbon-price",
        "600",
        "--format",
        "json",
    )
    assert ran.code == 0, ran.err
    out = json.loads(ran.out)
    assert out["carbon_price_per_tonne"] == 600
    assert out["assignments"][0]["region"] == "europe-north1"
    assert out["co2e_kg"] == pytest.approx(GCP_KG)
    # 250 + 600 x 2.422112 / 1000 = 251.4532672
    assert out["objective"] == pytest.approx(251.4532672)
    table = cli("optimize", "placement", "job.csv", "--prices", "book.csv", "--carbon-price", "600")
    assert table.code == 0, table.err
    assert "2.4 kg CO2e" in table.out and "co2e_kg" in table.out


def test_book_offers_without_a_tdp_are_left_out_and_said(book: Path) -> None:
    # a job that takes any accelerator would run on the TPU (1.00/h); TPUs have no
    # published TDP, so with a carbon price the TPU offer is left out, and said.
    (book / "any.csv").write_text("workload,gpus,hours\nany,8,10\n")
    assert placement("any.csv", prices="book.csv").assignments[0].accelerator == "TPU-v5e"
    result = placement("any.csv", prices="book.csv", carbon_price_per_tonne=0)
    assert result.assignments[0].accelerator == "H100-SXM"
    assert any(
        n.startswith("left out for the carbon price, no published TDP: Google Cloud/us-central1/")
        for n in result.assumptions
    )
