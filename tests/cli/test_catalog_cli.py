"""`infracast catalog gpus | prices | servers` in JSON, run as a user would (each command's
parity with its library function: tests/catalog/contracts.py)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from infracast import catalog
from infracast.cli.catalog import app
from infracast.errors import CatalogError

runner = CliRunner()


def run_json(*args: str) -> Any:
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_gpus_json_lists_specs_with_sources() -> None:
    rows = run_json("gpus", "--vendor", "nvidia", "--name", "H1*")
    assert [r["name"] for r in rows] == ["H100-SXM", "H100-PCIe", "H100-NVL"]
    assert rows[0]["bf16_tflops"] == 989.5 and rows[0]["memory_bandwidth_gbs"] == 3350
    assert rows[0]["peak_tflops"]["fp8"] == 1979 and "datasheet" in rows[0]["source"]


def test_prices_json_equals_the_python_api() -> None:
    rows = run_json("prices", "--accelerator", "H100", "--provider", "aws", "--top", "3")
    expected = catalog.price_book().options(accelerator="H100", provider="aws")[:3]
    assert [Decimal(str(r["price_per_accelerator_hour"])) for r in rows] == [
        o.price_per_accelerator_hour for o in expected
    ]
    assert {r["provider"] for r in rows} == {"AWS"}
    assert set(rows[0]) == {
        "provider", "region", "instance_type", "accelerator", "accelerators_per_instance",
        "pricing_model", "price_per_hour", "price_per_accelerator_hour", "currency", "as_of",
        "derived", "source",
    }  # fmt: skip


def test_prices_with_overrides_and_pricing_filter(tmp_path: Path) -> None:
    overrides = tmp_path / "o.yaml"
    overrides.write_text(
        "- {provider: AWS, accelerator: H100, pricing_model: commit_3y,"
        " price_per_accelerator_hour: 1.5, currency: USD, as_of: 2026-04-01}\n",
        encoding="utf-8",
    )
    rows = run_json(
        "prices", "-a", "H100", "--pricing", "commit_3y", "-p", "AWS", "--overrides", str(overrides)
    )
    assert [(r["price_per_accelerator_hour"], r["source"]) for r in rows] == [
        (1.5, "override o.yaml entry 1")
    ]


def test_prices_from_ledger_adds_observed_rows(tmp_path: Path) -> None:
    from infracast.ledger.connection import Ledger
    from tests.analytics.ledgers import add_charges

    path = tmp_path / "l.duckdb"
    with Ledger.open(path) as led:
        # 120 USD over 24 GPU-hours = 5 USD per GPU-hour.
        add_charges(led, [{"ServiceProviderName": "AWS", "RegionId": "us-east-1",
                           "SkuId": "p5", "x_gpu_type": "H100-SXM", "cost": 120,
                           "x_gpu_hours": 24.0}])  # fmt: skip
    rows = run_json("prices", "-a", "H100", "--pricing", "observed", "--from-ledger",
                    "--ledger", str(path))  # fmt: skip
    assert [(r["pricing_model"], r["price_per_accelerator_hour"]) for r in rows] == [
        ("observed", 5)
    ]


def test_servers_json() -> None:
    rows = run_json("servers", "--accelerator", "A100-40GB")
    assert rows[0]["purchase_price"] == 199000 and rows[0]["as_of"] == "2020-05-14"


def test_csv_format_has_a_header_row() -> None:
    result = runner.invoke(app, ["prices", "-a", "L4", "--top", "2", "--format", "csv"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].startswith("provider,region,instance_type")


def test_unknown_accelerator_raises_the_catalog_error() -> None:
    result = runner.invoke(app, ["prices", "-a", "H10O"])
    assert isinstance(result.exception, CatalogError)
    assert "Did you mean" in result.exception.message


@pytest.mark.parametrize("command", ["gpus", "prices", "servers"])
def test_every_command_help_has_examples(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0 and "Examples" in result.stdout


def test_an_unknown_provider_is_not_found_with_the_closest_name() -> None:
    result = runner.invoke(app, ["prices", "-a", "H100", "--provider", "Googel"])
    assert isinstance(result.exception, catalog.UnknownProviderError)
    assert 'Did you mean "Google Cloud"' in result.exception.message
