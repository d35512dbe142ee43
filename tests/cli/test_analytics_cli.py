"""`infracast costs | movers | savings | gpu | showback`: flags checked, errors name the flags."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from infracast.ledger.connection import Ledger
from tests.analytics.ledgers import COMPANY, add_charges
from tests.cli.conftest import Ran

CLI = Callable[..., Ran]


@pytest.fixture
def ledger(tmp_path: Path) -> str:
    path = tmp_path / "l.duckdb"
    with Ledger.open(path) as led:
        add_charges(led, COMPANY)
    return str(path)


@pytest.mark.parametrize("top", ["-3", "0"])
def test_costs_top_below_one_is_refused(cli: CLI, ledger: str, top: str) -> None:
    # it printed "No charges match" and "(4 more rows…)"
    ran = cli("costs", "--by", "team", "--top", top, "-l", ledger)
    assert ran.code == 2
    assert "'--top'" in ran.err and "greater than or equal to 1" in ran.err
    assert "No charges match" not in ran.out


def test_costs_top_shows_the_largest_and_counts_the_rest(cli: CLI, ledger: str) -> None:
    ran = cli("costs", "--by", "team", "--top", "2", "-l", ledger)
    assert ran.code == 0, ran.err
    assert "research" in ran.out
    assert "(2 more rows; drop --top to see them)" in ran.err
    # the totals are over every row, not the two shown: USD billed 200 (ledgers.COMPANY)
    assert "Total USD: billed 200.00" in ran.err


@pytest.mark.parametrize(
    "command",
    [
        ["costs"],
        ["savings"],
        ["gpu"],
        ["showback"],
        ["catalog", "prices", "--from-ledger"],
        ["finance", "metrics", "--from-ledger", "--project", "p", "-r", "0.1"],
    ],
)
def test_an_empty_period_names_from_and_to(cli: CLI, ledger: str, command: list[str]) -> None:
    ran = cli(*command, "--from", "2026-06-01", "--to", "2026-05-01", "-l", ledger)
    assert ran.code == 2
    assert "--from 2026-06-01T00:00:00 is not before --to 2026-05-01T00:00:00" in ran.err
    assert "--start" not in ran.err and "--end" not in ran.err


def test_movers_top_below_one_is_refused(cli: CLI, ledger: str) -> None:
    ran = cli("movers", "--top", "0", "-l", ledger)
    assert ran.code == 2 and "--top" in ran.err
