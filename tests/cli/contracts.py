"""The registry of command contracts that the parity and golden tests share.

A :class:`Contract` names a command line and the library call it fronts. Two tests read
every entry:

- ``tests/cli/test_parity.py``: the command's ``--format json`` output equals the call's
  result written by the same renderer (:func:`infracast.cli.render.to_json`);
- ``tests/cli/test_golden.py``: the command's JSON and CSV equal
  ``tests/golden/<name>.json`` and ``.csv`` (``make golden`` rewrites them).

``tests/cli/test_contract_coverage.py`` fails for a command with ``--format json`` that
no Contract runs.

To add a command, append a Contract to ``CONTRACTS``, or to its group's list, which the
group keeps in ``tests/<package>/contracts.py`` next to the tests of the library it
fronts (``ESTIMATE_CONTRACTS``, ``FINANCE_CONTRACTS``, ``CATALOG_CONTRACTS``,
``CONTROL_CONTRACTS``; added at the end of this module). Its inputs are built by
``world`` in an empty folder that is then the working directory of both the command and
the call, so paths in outputs are relative and the same on every machine. Then run
``make golden`` and review the new files in ``git diff``.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from infracast import analytics, ledger
from infracast.ledger.connection import Ledger
from tests.cli import small_company
from tests.cli.small_company import LEDGER

World = Callable[[Path], None]
"""Writes a contract's fixed inputs into an empty folder."""


@dataclass(frozen=True)
class Contract:
    """One command's output contract and the library call it must agree with."""

    name: str  # the golden files are tests/golden/<name>.json and .csv
    args: tuple[str, ...]  # the command line after `infracast`, without --format
    call: Callable[[Path], Any]  # the library call, given the world folder; returns the result
    world: World = small_company.build
    formats: tuple[str, ...] = ("json", "csv")  # the outputs pinned by golden files
    # The command writes: the command and the call each get a world of their own.
    writes: bool = False
    volatile: tuple[str, ...] = ()  # keys whose values differ between runs (times)
    # Settings (INFRACAST_*) of the command and the call, set after the world is built.
    env: dict[str, str] = field(default_factory=dict)


_BUILT: dict[World, Path] = {}
_CACHE = tempfile.TemporaryDirectory(prefix="infracast-contracts-")


def make_world(world: World, root: Path) -> None:
    """Build ``world`` into ``root``: once per test process, then by copying the folder."""
    built = _BUILT.get(world)
    if built is None:
        built = Path(_CACHE.name) / str(len(_BUILT))
        built.mkdir()
        world(built)
        _BUILT[world] = built
    shutil.copytree(built, root, dirs_exist_ok=True)


VOLATILE = "…"


def scrub(text: str, fmt: str, keys: tuple[str, ...]) -> str:
    """``text`` with the values of ``keys`` (times that differ between runs) blanked."""
    if not keys:
        return text
    if fmt == "json":
        names = "|".join(re.escape(k) for k in keys)
        return re.sub(
            rf'("(?:{names})": )("[^"]*"|null|-?[0-9][0-9.eE+-]*)', rf'\1"{VOLATILE}"', text
        )
    rows = list(csv.reader(io.StringIO(text)))
    blank = [i for i, name in enumerate(rows[0]) if name in keys]
    for row in rows[1:]:
        for i in blank:
            row[i] = VOLATILE
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def on_ledger(fn: Callable[[Ledger], Any], *, read_only: bool = True) -> Callable[[Path], Any]:
    """A call that opens the world's ledger (as the command does) and runs ``fn`` on it."""

    def call(root: Path) -> Any:
        with Ledger.open(root / LEDGER, read_only=read_only) as led:
            return fn(led)

    return call


LEDGER_ARGS = ("--ledger", LEDGER)

CONTRACTS: list[Contract] = [
    Contract(
        "ingest",
        ("ingest", "bills", *LEDGER_ARGS),
        on_ledger(lambda led: ledger.ingest(led, ["bills"]), read_only=False),
        world=small_company.write_files,
        writes=True,
    ),
    Contract(
        "ingest-usage",
        ("ingest", "usage", "--kind", "usage", *LEDGER_ARGS),
        on_ledger(lambda led: ledger.ingest(led, ["usage"], kind="usage"), read_only=False),
        world=small_company.write_files,
        writes=True,
    ),
    Contract(
        "ingests",
        ("ingests", *LEDGER_ARGS),
        on_ledger(ledger.ingests),
        volatile=("started_at", "at"),
    ),
    Contract(
        "quarantine-list",
        ("quarantine", "list", *LEDGER_ARGS),
        on_ledger(ledger.list_quarantine),
    ),
    Contract(
        "costs",
        ("costs", "--by", "team,month", *LEDGER_ARGS),
        on_ledger(lambda led: analytics.costs(led, by=["team", "month"])),
    ),
    Contract(
        "movers",
        ("movers", *LEDGER_ARGS),
        on_ledger(analytics.top_movers),
    ),
    Contract(
        "savings",
        ("savings", "--by", "provider", *LEDGER_ARGS),
        on_ledger(lambda led: analytics.savings(led, by=["provider"])),
    ),
    Contract(
        "gpu",
        ("gpu", *LEDGER_ARGS),
        on_ledger(analytics.gpu_efficiency),
    ),
    Contract(
        "showback",
        ("showback", *LEDGER_ARGS),
        on_ledger(analytics.showback),
    ),
    Contract(
        "ledger-retag",
        ("ledger", "retag", *LEDGER_ARGS),
        on_ledger(ledger.retag, read_only=False),
        writes=True,
        env={"INFRACAST_TEAM_TAGS": "owner,team"},
    ),
]

# The groups' lists import Contract from this module, so they are read once it is defined.
from tests.catalog.contracts import CATALOG_CONTRACTS  # noqa: E402
from tests.control.contracts import CONTROL_CONTRACTS  # noqa: E402
from tests.estimate.contracts import ESTIMATE_CONTRACTS  # noqa: E402
from tests.finance.contracts import FINANCE_CONTRACTS  # noqa: E402
from tests.forecast.anomaly_contracts import ANOMALY_CONTRACTS  # noqa: E402
from tests.forecast.contracts import FORECAST_CONTRACTS  # noqa: E402
from tests.optimize.contracts import OPTIMIZE_CONTRACTS  # noqa: E402
from tests.optimize.placement_contracts import PLACEMENT_CONTRACTS  # noqa: E402

CONTRACTS += [*CATALOG_CONTRACTS, *ESTIMATE_CONTRACTS, *FINANCE_CONTRACTS, *CONTROL_CONTRACTS]
CONTRACTS += FORECAST_CONTRACTS
CONTRACTS += ANOMALY_CONTRACTS
CONTRACTS += OPTIMIZE_CONTRACTS
CONTRACTS += PLACEMENT_CONTRACTS
from tests.optimize.commitment_contracts import COMMITMENT_CONTRACTS  # noqa: E402

CONTRACTS += COMMITMENT_CONTRACTS
from tests.cli.test_optimize_autoscaling import ARGS as AUTOSCALING_ARGS  # noqa: E402
from tests.cli.test_optimize_autoscaling import VOLATILE as AUTOSCALING_VOLATILE  # noqa: E402
from tests.cli.test_optimize_autoscaling import call as autoscaling_call  # noqa: E402
from tests.cli.test_optimize_autoscaling import write_inputs as autoscaling_world  # noqa: E402

CONTRACTS.append(
    Contract(
        "optimize-autoscaling",
        AUTOSCALING_ARGS,
        autoscaling_call,
        world=autoscaling_world,
        volatile=AUTOSCALING_VOLATILE,
    )
)
from tests.recommend.contracts import RECOMMEND_CONTRACTS  # noqa: E402

CONTRACTS += RECOMMEND_CONTRACTS
from tests.control.users_contracts import USERS_CONTRACTS  # noqa: E402

CONTRACTS += USERS_CONTRACTS
