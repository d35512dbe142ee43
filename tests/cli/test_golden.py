"""The JSON and CSV contracts of the commands, pinned by the files in tests/golden/.

``make golden`` rewrites the files from the current output (docs/contributing.md); a
contract then changes only by a reviewed change of its golden file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.conftest import Ran
from tests.cli.contracts import CONTRACTS, Contract, make_world, scrub
from tests.conftest import GOLDEN

CLI = Callable[..., Ran]
pytestmark = pytest.mark.golden


@pytest.mark.parametrize(
    ("contract", "fmt"),
    [(c, fmt) for c in CONTRACTS for fmt in c.formats],
    ids=lambda value: value.name if isinstance(value, Contract) else value,
)
def test_the_output_matches_its_golden_file(
    contract: Contract,
    fmt: str,
    cli: CLI,
    golden: Callable[[str, str], None],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    make_world(contract.world, tmp_path)
    for name, value in contract.env.items():  # the settings of the run, not of the world
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)
    ran = cli(*contract.args, "--format", fmt)
    assert ran.code == 0, ran.err
    golden(f"{contract.name}.{fmt}", scrub(ran.out, fmt, contract.volatile))


def test_scrub_blanks_times_in_json_and_csv() -> None:
    assert scrub('{\n  "at": "2026-01-01T10:00:00",\n  "n": 1\n}', "json", ("at",)) == (
        '{\n  "at": "…",\n  "n": 1\n}'
    )
    assert scrub("n,at\n1,2026-01-01 10:00\n", "csv", ("at",)) == "n,at\n1,…\n"


def test_every_golden_file_belongs_to_a_contract() -> None:
    pinned = {f"{c.name}.{fmt}" for c in CONTRACTS for fmt in c.formats}
    stray = sorted(p.name for p in GOLDEN.iterdir() if p.name not in pinned)
    assert not stray, f"tests/golden holds files no contract writes (remove them): {stray}"
