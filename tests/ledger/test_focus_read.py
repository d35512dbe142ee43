"""Reading a file's header: empty files and repeated columns point at the real cause."""

from __future__ import annotations

import gzip
from pathlib import Path

import duckdb
import pytest

from infracast.ledger import ingest_focus
from infracast.ledger.connection import Ledger
from tests.ledger.focus_rows import BASE, write_focus_csv


def one(ledger: Ledger, path: Path):  # type: ignore[no-untyped-def]
    (result,) = ingest_focus(ledger, [path])
    return result


# mtime=0: the gzip header holds no clock time, so every pytest worker collects the same ids
@pytest.mark.parametrize(
    "content",
    [b"", b"\n\n", gzip.compress(b"", mtime=0)],
    ids=["empty", "blank-lines", "empty-gzip"],
)
def test_an_empty_file_is_rejected_as_empty(ledger: Ledger, tmp_path: Path, content: bytes) -> None:
    name = "bill.csv.gz" if content.startswith(b"\x1f\x8b") else "bill.csv"
    path = tmp_path / name
    path.write_bytes(content)
    result = one(ledger, path)
    assert result.status == "rejected"
    assert "the file is empty" in result.message and "column0" not in result.message


def test_an_empty_parquet_file_is_rejected_as_empty(ledger: Ledger, tmp_path: Path) -> None:
    path = tmp_path / "bill.parquet"
    path.write_bytes(b"")
    result = one(ledger, path)
    assert result.status == "rejected" and "the file is empty" in result.message


def test_a_header_only_file_ingests_as_zero_rows_with_a_note(
    ledger: Ledger, tmp_path: Path
) -> None:
    path = write_focus_csv(tmp_path / "bill.csv", [])
    result = one(ledger, path)
    assert (result.status, result.rows_read, result.rows_ingested) == ("ingested", 0, 0)
    assert any("has a header but no rows" in n for n in result.notes)


def test_a_header_only_file_without_needed_columns_names_them(
    ledger: Ledger, tmp_path: Path
) -> None:
    path = tmp_path / "bill.csv"
    path.write_text("ProviderName,BilledCost\n")
    result = one(ledger, path)
    assert result.status == "rejected" and "EffectiveCost" in result.message
    assert "has a header but no rows" in result.message


@pytest.mark.parametrize(
    ("second", "named"),
    [
        ("BilledCost", "BilledCost"),
        ("billedcost", "billedcost"),
        ("AmortizedCost", "AmortizedCost"),
    ],
)
def test_a_focus_column_given_twice_is_rejected_naming_both_positions(
    ledger: Ledger, tmp_path: Path, second: str, named: str
) -> None:
    target = "EffectiveCost" if second == "AmortizedCost" else "BilledCost"
    columns = [*BASE, second]
    path = write_focus_csv(tmp_path / "bill.csv", [{second: "99"}], columns=columns)
    result = one(ledger, path)
    assert result.status == "rejected"
    first_position = list(BASE).index(target) + 1
    assert f"{target} (column {first_position})" in result.message
    assert f"{named} (column {len(columns)})" in result.message
    assert ledger.con.execute("SELECT count(*) FROM charges").fetchone() == (0,)


def test_a_repeated_column_in_parquet_is_rejected(ledger: Ledger, tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    csv_path = write_focus_csv(tmp_path / "bill.csv", [{}])
    read = f"SELECT * FROM read_csv('{csv_path}', all_varchar = true)"
    table = duckdb.execute(read).fetch_arrow_table()
    table = pa.Table.from_arrays(
        [*table.columns, table.column("BilledCost")], names=[*table.column_names, "BilledCost"]
    )
    path = tmp_path / "bill.parquet"
    pq.write_table(table, path)
    result = one(ledger, path)
    assert result.status == "rejected" and "BilledCost" in result.message


def test_a_repeated_custom_column_is_kept_with_a_note(ledger: Ledger, tmp_path: Path) -> None:
    columns = [*BASE, "x_Team", "x_Team"]
    path = write_focus_csv(tmp_path / "bill.csv", [{"x_Team": "a"}], columns=columns)
    result = one(ledger, path)
    assert result.status == "ingested"
    assert any("x_Team" in n and "appears twice" in n for n in result.notes)
