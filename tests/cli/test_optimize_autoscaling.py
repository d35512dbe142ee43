"""`infracast optimize autoscaling`: its table and its errors. Its JSON and CSV contract (the
golden files tests/golden/optimize-autoscaling.json and .csv) and parity with the library
are checked by tests/cli/test_golden.py and test_parity.py from the Contract below.

The world: ``demand.csv``, the hand-computed trace of tests/optimize/test_autoscaling.py
(8 minutes of 10, 10, 30, 30, 10, 10, 10, 10 requests/s, written as requests per minute),
replayed with a replica of 10 requests/s at 3 an hour, ready 60 s after launch, sized at
100 % utilization, a cooldown of 120 s: static_peak costs 1.2, reactive 0.8 with 2 of 8
intervals over capacity and 240 s of delay at most.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from infracast.control.optimizing import autoscaling
from tests.cli.conftest import Ran

CLI = Callable[..., Ran]
DEMAND = "timestamp,demand\n" + "".join(
    f"2026-01-05T00:0{i}:00,{60 * v}\n" for i, v in enumerate([10, 10, 30, 30, 10, 10, 10, 10])
)
ARGS: tuple[str, ...] = (
    "optimize", "autoscaling", "demand.csv", "--replica-throughput", "10",
    "--price-per-hour", "3", "--startup-seconds", "60", "--cooldown-seconds", "120",
    "--target-utilization", "1",
)  # fmt: skip
VOLATILE = ("seconds",)  # wall time of each policy


def write_inputs(root: Path) -> None:
    """The contract's world (registered in tests/cli/contracts.py)."""
    (root / "demand.csv").write_text(DEMAND, encoding="utf-8")


def call(root: Path) -> dict[str, Any]:
    """The library call the command fronts."""
    return autoscaling(
        "demand.csv", replica_throughput=10, price_per_hour=3, startup_seconds=60,
        cooldown_seconds=120, target_utilization=1.0,
    ).to_dict()  # fmt: skip


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_inputs(tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_table_names_the_cheapest_policy_meeting_the_slo(cli: CLI, world: Path) -> None:
    ran = cli(*ARGS)
    assert ran.code == 0, ran.err
    assert "cheapest meeting the SLO: static_peak" in ran.out
    assert "reactive" in ran.out and "missed" in ran.out
    assert "replica: 10 requests/s and 3 USD an hour, given" in ran.err


def test_a_loose_slo_lets_the_reactive_policy_win(cli: CLI, world: Path) -> None:
    ran = cli(*ARGS, "--max-violation-share", "0.25", "--max-delay-seconds", "240")
    assert ran.code == 0, ran.err
    assert "cheapest meeting the SLO: reactive" in ran.out


def test_errors_are_sentences_without_a_traceback(cli: CLI, world: Path) -> None:
    ran = cli("optimize", "autoscaling", "demand.csv")
    assert ran.code != 0
    assert "no serving configuration" in ran.err and "--replica-throughput" in ran.err
    assert "Traceback" not in ran.err
    (world / "bad.csv").write_text("timestamp,demand\n1,two\n", encoding="utf-8")
    ran = cli("optimize", "autoscaling", "bad.csv", "--replica-throughput", "1",
              "--price-per-hour", "1")  # fmt: skip
    assert ran.code != 0 and "row 2: demand is 'two'" in ran.err
