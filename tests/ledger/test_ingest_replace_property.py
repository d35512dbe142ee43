"""Property: any split of one bill into accounts and files, ingested and then restated
account by account in any order, reconciles with the latest version of each account's bill."""

from __future__ import annotations

import tempfile
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infracast.ledger import ingest_focus, rollup
from infracast.ledger.connection import Ledger
from tests.ledger.focus_rows import write_focus_csv

ACCOUNTS = ("111111111111", "222222222222", "333333333333")
COST = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99.99"), places=2)
VERSION = st.lists(st.tuples(COST, st.sampled_from(["1", "2"])), min_size=1, max_size=3)


@st.composite
def bills(draw: st.DrawFn) -> dict:
    accounts = draw(st.lists(st.sampled_from(ACCOUNTS), min_size=1, max_size=3, unique=True))
    versions = {a: draw(st.lists(VERSION, min_size=1, max_size=3)) for a in accounts}
    first_rows = [(a, i) for a in accounts for i in range(len(versions[a][0]))]
    n_files = draw(st.integers(1, min(3, len(first_rows))))
    # which file each row of the first version goes to (every file gets at least one row)
    assignment = draw(
        st.lists(st.integers(0, n_files - 1), min_size=len(first_rows), max_size=len(first_rows))
    )
    assignment[:n_files] = range(n_files)
    one_command = draw(st.booleans())
    restatements = draw(
        st.lists(
            st.sampled_from([a for a in accounts if len(versions[a]) > 1] or [""]),
            max_size=3,
        )
    )
    split_restatement = draw(st.booleans())
    return {
        "versions": versions,
        "files": [
            [first_rows[i] for i, f in enumerate(assignment) if f == k] for k in range(n_files)
        ],
        "one_command": one_command,
        "restatements": [a for a in restatements if a],
        "split_restatement": split_restatement,
    }


def rows_of(account: str, version: list[tuple[Decimal, str]], index: int) -> dict:
    cost, sub = version[index]
    return {
        "BillingAccountId": account,
        "SubAccountId": sub,
        "BilledCost": str(cost),
        "EffectiveCost": str(cost),
        # every row of a version is a distinct charge (its own hour)
        "ChargePeriodStart": f"2026-01-05T{index:02d}:00:00Z",
        "ChargePeriodEnd": f"2026-01-05T{index + 1:02d}:00:00Z",
    }


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bill=bills())
def test_any_split_and_restatement_order_reconciles_with_the_latest_bills(bill: dict) -> None:
    versions: dict[str, list[list[tuple[Decimal, str]]]] = bill["versions"]
    latest = {a: 0 for a in versions}
    with tempfile.TemporaryDirectory() as tmp, Ledger.open(":memory:") as ledger:
        folder = Path(tmp)
        paths = [
            write_focus_csv(
                folder / f"part-{k}.csv",
                [rows_of(a, versions[a][0], i) for a, i in rows],
            )
            for k, rows in enumerate(bill["files"])
        ]
        if bill["one_command"]:
            results = ingest_focus(ledger, paths)
        else:
            results = [r for p in paths for r in ingest_focus(ledger, [p], append=True)]
        assert {r.status for r in results} == {"ingested"}, [r.message for r in results]
        for n, account in enumerate(bill["restatements"]):
            latest[account] = (latest[account] + 1) % len(versions[account]) or 1
            version = versions[account][latest[account]]
            rows = [rows_of(account, version, i) for i in range(len(version))]
            halves = [rows[:1], rows[1:]] if bill["split_restatement"] and len(rows) > 1 else [rows]
            parts = [
                write_focus_csv(folder / f"restated-{n}-{h}.csv", half)
                for h, half in enumerate(halves)
            ]
            done = ingest_focus(ledger, parts, replace=True)
            # restating the version the ledger holds again is a no-op (the same file)
            assert all(r.status in ("replaced", "ingested", "already_ingested") for r in done), [
                r.message for r in done
            ]
        # the daily rollup followed every ingest and replacement in their transactions
        assert rollup.drift(ledger.con) == 0
        got = {
            str(a): (int(n), Decimal(s))
            for a, n, s in ledger.con.execute(
                "SELECT BillingAccountId, count(*), sum(BilledCost) FROM charges GROUP BY 1"
            ).fetchall()
        }
    expected = {
        a: (len(versions[a][v]), sum((c for c, _ in versions[a][v]), Decimal(0)))
        for a, v in latest.items()
    }
    assert got == expected
