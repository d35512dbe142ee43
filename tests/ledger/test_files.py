"""Reading source files: progress of long statements."""

from __future__ import annotations

from pathlib import Path

import pytest

from infracast.errors import IngestError
from infracast.ledger import files, ingest_focus
from infracast.ledger.connection import Ledger
from infracast.ledger.files import find_files
from tests.ledger.focus_rows import write_big_focus_parquet


@pytest.mark.slow
def test_progress_rises_to_100_while_a_large_file_is_ingested(
    ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(files, "QUIET_SECONDS", 0.0)
    big = write_big_focus_parquet(tmp_path / "big.parquet", 1_500_000)
    seen: list[tuple[str, float]] = []
    ingest_focus(ledger, [big], progress=lambda label, pct: seen.append((label, pct)))
    values = [pct for _, pct in seen]
    assert {label for label, _ in seen} == {str(big)}
    assert values[-1] == 100.0 and len(values) >= 2
    assert values == sorted(values)  # never steps backwards
    assert all(0 <= pct < 100 for pct in values[:-1])


def test_no_progress_without_a_callback(ledger: Ledger) -> None:
    with files.progress_poller(ledger.con, "f", None) as stage:
        stage(0, 1)
        assert ledger.con.execute("SELECT 1").fetchone() == (1,)


def test_files_a_folder_holds_that_are_not_bills_are_listed(tmp_path: Path) -> None:
    (tmp_path / "bill.csv").write_text("x")
    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "meta.json").write_text("{}")
    found = files.find_files([tmp_path])
    assert [p.name for p in found.files] == ["bill.csv"]
    assert sorted(p.name for p in found.skipped) == ["meta.json", "notes.txt"]
    assert files.discover_files([tmp_path]) == found.files


def test_ingest_says_which_files_of_a_folder_it_skipped(ledger: Ledger, tmp_path: Path) -> None:
    from tests.ledger.focus_rows import write_focus_csv

    write_focus_csv(tmp_path / "bill.csv", [{}])
    (tmp_path / "a.txt").write_text("x")
    (tmp_path / "b.json").write_text("{}")
    (result,) = ingest_focus(ledger, [tmp_path])
    assert "skipped 2 files that are not CSV, CSV.gz or Parquet: a.txt, b.json" in result.notes


def test_a_misspelt_path_gets_the_close_name_beside_it(tmp_path: Path) -> None:
    (tmp_path / "2026-05.csv").write_text("x\n")
    with pytest.raises(IngestError) as caught:
        find_files([str(tmp_path / "2026-5.csv")])
    assert caught.value.hint == f'Did you mean "{tmp_path / "2026-05.csv"}"?'


def test_a_path_in_a_missing_folder_says_the_folder_is_missing(tmp_path: Path) -> None:
    with pytest.raises(IngestError) as caught:
        find_files([str(tmp_path / "nowhere" / "bill.csv")])
    assert caught.value.hint is not None
    assert caught.value.hint.startswith(f"The folder {tmp_path / 'nowhere'} does not exist")
