"""`infracast costs --with-carbon`: kWh and kg CO2e beside cost, the figures on stderr."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from infracast.ledger.connection import Ledger
from tests.analytics.ledgers import add_charges
from tests.analytics.test_carbon import CHARGES
from tests.cli.conftest import Ran

CLI = Callable[..., Ran]


@pytest.fixture
def ledger(tmp_path: Path) -> str:
    path = tmp_path / "l.duckdb"
    with Ledger.open(path) as led:
        add_charges(led, CHARGES)
    return str(path)


def test_json_rows_carry_kwh_and_co2e(cli: CLI, ledger: str) -> None:
    ran = cli("costs", "--by", "team", "--with-carbon", "--format", "json", "-l", ledger)
    assert ran.code == 0, ran.err
    rows = {r["team"]: r for r in json.loads(ran.out)}
    # tests/analytics/test_carbon.py: team b is c2 alone, 4.4 kWh and 0.918764 kg (no
    # samples here: c1 is at TDP, 700 x 20 x 1.15 / 1000 = 16.1 kWh, + 100 on-prem)
    assert rows["b"]["kwh"] == pytest.approx(4.4)
    assert rows["b"]["co2e_kg"] == pytest.approx(0.918764)
    assert rows["a"]["kwh"] == pytest.approx(116.1)
    assert "PUE of AWS: 1.15" in ran.err


def test_without_the_flag_the_contract_is_unchanged(cli: CLI, ledger: str) -> None:
    ran = cli("costs", "--by", "team", "--format", "json", "-l", ledger)
    assert ran.code == 0, ran.err
    assert all(
        set(r) == {"team", "billed_cost", "effective_cost", "currency"} for r in json.loads(ran.out)
    )
    assert "PUE" not in ran.err


def test_table_shows_the_columns(cli: CLI, ledger: str) -> None:
    ran = cli("costs", "--by", "team", "--with-carbon", "-l", ledger)
    assert ran.code == 0, ran.err
    assert "co2e_kg" in ran.out and "116.1" in ran.out  # team a's kWh (above)
    assert "grid intensity 385.98 gCO2e/kWh (country average US" in ran.err
