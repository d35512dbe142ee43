"""The same bill in two files counts once, whatever its bytes: CRLF, gzip, Parquet,
column order and row order do not change a charge's fingerprint."""

from __future__ import annotations

import gzip
import random
import tempfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infracast.ledger import ingest_focus
from infracast.ledger.connection import Ledger
from tests.ledger.focus_rows import BASE, write_focus_csv

ROWS = [
    {"BilledCost": "1.25", "EffectiveCost": "1.25", "ResourceId": "i-1"},
    {"BilledCost": "2.50", "EffectiveCost": "2.00", "ResourceId": "i-2"},
    {"BilledCost": "0.000012345678901234", "EffectiveCost": "0", "ResourceId": "i-3"},
    {"BilledCost": "$4", "ResourceId": "i-4"},  # quarantined: not a charge of the ledger
]
TOTAL = Decimal("3.750012345678901234")  # 1.25 + 2.50 + 0.000012345678901234


def original(folder: Path) -> Path:
    return write_focus_csv(folder / "bill.csv", ROWS)


def crlf(source: Path, folder: Path) -> Path:
    target = folder / "bill-crlf.csv"
    target.write_bytes(source.read_bytes().replace(b"\n", b"\r\n"))
    return target


def gzipped(source: Path, folder: Path) -> Path:
    target = folder / "bill.csv.gz"
    target.write_bytes(gzip.compress(source.read_bytes()))
    return target


def parquet(source: Path, folder: Path) -> Path:
    """Typed Parquet, as an engine would write it: decimals, zoned times, text ids."""
    target = folder / "bill.parquet"
    duckdb.execute(
        f"""COPY (SELECT * REPLACE (
                TRY_CAST(BilledCost AS DECIMAL(38, 18)) AS BilledCost,
                TRY_CAST(EffectiveCost AS DOUBLE) AS EffectiveCost,
                CAST(ChargePeriodStart AS TIMESTAMPTZ) AS ChargePeriodStart,
                CAST(ChargePeriodEnd AS TIMESTAMPTZ) AS ChargePeriodEnd,
                CAST(BillingPeriodStart AS TIMESTAMPTZ) AS BillingPeriodStart,
                CAST(BillingPeriodEnd AS TIMESTAMPTZ) AS BillingPeriodEnd)
            FROM read_csv('{source}', all_varchar = true))
           TO '{target}' (FORMAT parquet)"""
    )
    return target


def reordered_columns(source: Path, folder: Path) -> Path:
    return write_focus_csv(folder / "bill-columns.csv", ROWS, columns=list(reversed(BASE)))


def reordered_rows(source: Path, folder: Path) -> Path:
    return write_focus_csv(folder / "bill-rows.csv", list(reversed(ROWS)))


COPIES: dict[str, Callable[[Path, Path], Path]] = {
    "crlf": crlf,
    "csv.gz": gzipped,
    "parquet": parquet,
    "reordered columns": reordered_columns,
    "reordered rows": reordered_rows,
}


def total(ledger: Ledger) -> tuple[int, Decimal]:
    row = ledger.con.execute("SELECT count(*), sum(BilledCost) FROM charges").fetchone()
    assert row is not None
    return int(row[0]), Decimal(row[1])


@pytest.mark.parametrize("kind", COPIES)
def test_a_copy_in_the_same_command_counts_once(ledger: Ledger, tmp_path: Path, kind: str) -> None:
    first = original(tmp_path)
    copy = COPIES[kind](first, tmp_path)
    results = ingest_focus(ledger, [first, copy])
    assert [r.status for r in results] == ["ingested", "already_ingested"]
    assert results[1].ingest_id == results[0].ingest_id
    assert f"ingest {results[0].ingest_id}" in results[1].message
    assert first.name in results[1].message
    assert total(ledger) == (3, TOTAL)
    # nothing of the copy was written, not even its quarantined row
    assert ledger.con.execute("SELECT count(*) FROM quarantine").fetchone() == (1,)


@pytest.mark.parametrize("kind", COPIES)
def test_a_copy_in_a_later_command_counts_once_even_with_append(
    ledger: Ledger, tmp_path: Path, kind: str
) -> None:
    first = original(tmp_path)
    (done,) = ingest_focus(ledger, [first])
    copy = COPIES[kind](first, tmp_path)
    for append in (False, True):
        (again,) = ingest_focus(ledger, [copy], append=append)
        assert again.status == "already_ingested", again.message
        assert again.ingest_id == done.ingest_id
    assert total(ledger) == (3, TOTAL)


def test_a_file_that_repeats_part_of_another_is_rejected_saying_how_much(
    ledger: Ledger, tmp_path: Path
) -> None:
    (first,) = ingest_focus(ledger, [original(tmp_path)])
    extra = {"BilledCost": "9", "EffectiveCost": "9", "ResourceId": "i-9"}
    overlapping = write_focus_csv(tmp_path / "more.csv", [ROWS[0], ROWS[1], extra])
    (result,) = ingest_focus(ledger, [overlapping], append=True)
    assert result.status == "rejected"
    assert "2 of its 3 rows" in result.message
    assert f"ingest {first.ingest_id}" in result.message and "--replace" in result.message
    assert total(ledger) == (3, TOTAL)


def test_rows_repeated_within_one_file_are_all_counted(ledger: Ledger, tmp_path: Path) -> None:
    path = write_focus_csv(tmp_path / "bill.csv", [ROWS[0], ROWS[0], ROWS[0]])
    (result,) = ingest_focus(ledger, [path])
    assert result.rows_ingested == 3
    assert total(ledger) == (3, Decimal("3.75"))


def test_a_file_with_more_repeats_than_the_ledger_is_a_partial_overlap(
    ledger: Ledger, tmp_path: Path
) -> None:
    ingest_focus(ledger, [write_focus_csv(tmp_path / "one.csv", [ROWS[0]])])
    (result,) = ingest_focus(
        ledger, [write_focus_csv(tmp_path / "two.csv", [ROWS[0], ROWS[0]])], append=True
    )
    assert result.status == "rejected" and "1 of its 2 rows" in result.message


def test_the_same_charge_of_another_account_is_not_a_duplicate(
    ledger: Ledger, tmp_path: Path
) -> None:
    ingest_focus(ledger, [original(tmp_path)])
    other = [{**r, "BillingAccountId": "999999999999"} for r in ROWS]
    (result,) = ingest_focus(ledger, [write_focus_csv(tmp_path / "other.csv", other)])
    assert result.status == "ingested"
    assert total(ledger)[0] == 6


def test_every_focus_charge_carries_its_fingerprint(ledger: Ledger, tmp_path: Path) -> None:
    ingest_focus(ledger, [original(tmp_path)])
    assert ledger.con.execute(
        "SELECT count(*), count(DISTINCT x_row_hash) FROM charges"
    ).fetchone() == (3, 3)


# --- property ----------------------------------------------------------------------------

ENCODINGS: dict[str, Callable[[Path, Path], Path]] = {
    "crlf": crlf,
    "csv.gz": gzipped,
    "parquet": parquet,
}
# at most 14 significant digits, so the DOUBLE column of the Parquet copy holds them exactly
AMOUNT = st.decimals(min_value=Decimal("-50"), max_value=Decimal("50"), places=12)


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    costs=st.lists(AMOUNT, min_size=1, max_size=6),
    encodings=st.lists(
        st.sampled_from(["crlf", "csv.gz", "parquet", "shuffled"]), min_size=1, max_size=2
    ),
    one_command=st.booleans(),
    seed=st.randoms(use_true_random=False),
)
def test_any_re_encoding_of_one_bill_counts_once(
    costs: list[Decimal], encodings: list[str], one_command: bool, seed: random.Random
) -> None:
    rows = [
        {"BilledCost": str(c), "EffectiveCost": str(c), "ResourceId": f"i-{i}"}
        for i, c in enumerate(costs)
    ]
    with tempfile.TemporaryDirectory() as tmp, Ledger.open(":memory:") as ledger:
        folder = Path(tmp)
        first = write_focus_csv(folder / "bill.csv", rows)
        paths = [first]
        for n, kind in enumerate(encodings):
            sub = folder / str(n)
            sub.mkdir()
            if kind == "shuffled":
                shuffled = rows[:]
                seed.shuffle(shuffled)
                columns = list(BASE)
                seed.shuffle(columns)
                paths.append(write_focus_csv(sub / "bill.csv", shuffled, columns=columns))
            else:
                paths.append(ENCODINGS[kind](first, sub))
        if one_command:
            results = ingest_focus(ledger, paths)
        else:
            results = [r for p in paths for r in ingest_focus(ledger, [p], append=True)]
        assert [r.status for r in results] == ["ingested"] + ["already_ingested"] * len(
            encodings
        ), [r.message for r in results]
        assert total(ledger) == (len(rows), sum(costs, Decimal(0)))
