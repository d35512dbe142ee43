"""GPU usage samples ingest (src/infracast/ledger/usage.py), per docs/sources.md."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infracast.ledger import usage
from infracast.ledger.connection import Ledger
from infracast.ledger.usage import ingest_usage
from infracast.ledger.usage_read import ALIASES
from infracast.settings import Settings

HEADER = "timestamp,resource_id,gpu_index,utilization_pct"


@pytest.fixture
def ledger() -> Iterator[Ledger]:
    with Ledger.open(":memory:", settings=Settings()) as led:
        yield led


def write(tmp_path: Path, text: str, name: str = "usage.csv") -> Path:
    path = tmp_path / name
    path.write_text(text.strip() + "\n", encoding="utf-8")
    return path


def samples(ledger: Ledger, columns: str = "*") -> list[tuple]:
    return ledger.con.execute(
        f"SELECT {columns} FROM usage_samples ORDER BY resource_id, gpu_index, ts"
    ).fetchall()


def quarantined(ledger: Ledger) -> list[tuple]:
    return ledger.con.execute(
        "SELECT row_number, reason, detail FROM quarantine ORDER BY row_number"
    ).fetchall()


def counts(ledger: Ledger) -> tuple[int, int, int]:
    row = ledger.con.execute(
        "SELECT (SELECT count(*) FROM usage_samples), (SELECT count(*) FROM quarantine), "
        "(SELECT count(*) FROM ingests)"
    ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1]), int(row[2])


# --- columns and aliases ----------------------------------------------------------------


BASE = {
    "timestamp": "2025-04-01T00:00:00Z",
    "resource_id": "node-1",
    "gpu_index": "3",
    "utilization_pct": "45",
}
# canonical column -> (value written, the usage_samples column and value it becomes)
EXPECT = {
    "timestamp": ("2025-04-01T00:00:00Z", "ts", datetime(2025, 4, 1)),
    "resource_id": ("node-1", "resource_id", "node-1"),
    "gpu_index": ("3", "gpu_index", 3),
    "utilization_pct": ("45", "utilization", 0.45),  # a percent: 45 / 100
    "gr_engine_active": ("0.25", "utilization", 0.25),  # a ratio, preferred over the percent
    "sm_active": ("0.5", "sm_active", 0.5),
    "memory_used_mib": ("40960", "memory_used_mib", 40960.0),
    "power_w": ("612.5", "power_w", 612.5),
    "share": ("0.25", "share", 0.25),
    "interval_s": ("15", "interval_s", 15.0),
    "team": ("research", "team", "research"),
    "project": ("atlas", "project", "atlas"),
    "workload": ("train-7", "workload", "train-7"),
}
ALIAS_CASES = [(c, a) for c, aliases in ALIASES.items() for a in aliases]


@pytest.mark.parametrize(("canonical", "alias"), ALIAS_CASES)
def test_every_alias_maps_to_its_column(
    ledger: Ledger, tmp_path: Path, canonical: str, alias: str
) -> None:
    row = dict(BASE)
    row.pop(canonical, None)
    value, column, expected = EXPECT[canonical]
    spelled = alias.upper() if alias.startswith("dcgm") else alias  # any case is accepted
    row[spelled] = value
    path = write(tmp_path, ",".join(row) + "\n" + ",".join(row.values()))
    [result] = ingest_usage(ledger, [path])
    assert (result.status, result.rows_ingested) == ("ingested", 1), result.message
    assert samples(ledger, column) == [(expected,)]


def test_gr_engine_active_is_preferred_row_by_row(ledger: Ledger, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
timestamp,Hostname,gpu,DCGM_FI_DEV_GPU_UTIL,DCGM_FI_PROF_GR_ENGINE_ACTIVE,DCGM_FI_PROF_SM_ACTIVE
2025-04-01T00:00:00Z,n1,0,90,0.40,0.30
2025-04-01T00:01:00Z,n1,0,90,,0.30
2025-04-01T00:02:00Z,n1,0,,,0.30
""",
    )
    ingest_usage(ledger, [path])
    # row 1: GR_ENGINE_ACTIVE 0.40 wins over 90 %; row 2: it is empty, 90 % -> 0.90;
    # row 3: only SM_ACTIVE is left -> 0.30
    assert samples(ledger, "utilization, utilization_metric") == [
        (0.40, "gr_engine_active"),
        (0.90, "utilization_pct"),
        (0.30, "sm_active"),
    ]


def test_share_defaults_to_whole_gpu_and_keeps_a_slice(ledger: Ledger, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"""
{HEADER},share
2025-04-01T00:00:00Z,n1,0,50,
2025-04-01T00:00:00Z,n1,1,50,0.125
""",
    )
    ingest_usage(ledger, [path])
    assert samples(ledger, "gpu_index, share") == [(0, 1.0), (1, 0.125)]


def test_timestamps_are_stored_in_utc(ledger: Ledger, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"""
{HEADER}
2025-04-01T02:00:00+02:00,a,0,1
2025-04-01 00:00:00,b,0,1
1743465600,c,0,1
""",
    )
    ingest_usage(ledger, [path])
    # +02:00 is shifted to 00:00 UTC; no offset is read as UTC; 1743465600 s = 2025-04-01 UTC
    assert samples(ledger, "ts") == [(datetime(2025, 4, 1),)] * 3


# --- the sampling interval ----------------------------------------------------------------


def test_interval_is_the_median_gap_per_resource_and_gpu(ledger: Ledger, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"""
{HEADER}
2025-04-01T00:00:00Z,n1,0,10
2025-04-01T00:01:00Z,n1,0,10
2025-04-01T00:02:00Z,n1,0,10
2025-04-01T00:05:00Z,n1,0,10
2025-04-01T00:00:00Z,n1,1,10
2025-04-01T00:00:30Z,n1,1,10
2025-04-01T00:01:30Z,n1,1,10
2025-04-01T00:00:00Z,n2,0,10
""",
    )
    [result] = ingest_usage(ledger, [path])
    intervals = {(r, g): i for r, g, i in samples(ledger, "resource_id, gpu_index, interval_s")}
    assert intervals == {
        ("n1", 0): 60.0,  # gaps 60, 60, 180 s -> median 60
        ("n1", 1): 45.0,  # gaps 30, 60 s -> median (30 + 60) / 2 = 45
        ("n2", 0): 60.0,  # one sample: 60 s assumed, and said so
    }
    assert result.warnings == {"interval_assumed": 1}
    assert any("assumed 60 s for 1 samples" in n for n in result.notes)


def test_interval_column_wins_over_inference(ledger: Ledger, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"""
{HEADER},interval_s
2025-04-01T00:00:00Z,n1,0,10,15
2025-04-01T00:01:00Z,n1,0,10,
2025-04-01T00:02:00Z,n1,0,10,
""",
    )
    ingest_usage(ledger, [path])
    # row 1 says 15 s; rows 2 and 3 fall back to the median gap (60 s)
    assert samples(ledger, "interval_s") == [(15.0,), (60.0,), (60.0,)]


# --- quarantine ---------------------------------------------------------------------------

REASONS = [
    ("missing_value", ",n1,0,50", "timestamp is empty"),
    ("missing_value", "2025-04-01T00:00:00Z,,0,50", "resource_id is empty"),
    ("missing_value", "2025-04-01T00:00:00Z,n1,,50", "gpu_index is empty"),
    ("invalid_timestamp", "01/04/2025 10:00,n1,0,50", '"01/04/2025 10:00" is not an ISO 8601'),
    ("invalid_gpu_index", "2025-04-01T00:00:00Z,n1,1.5,50", '"1.5" is not a GPU index'),
    ("invalid_gpu_index", "2025-04-01T00:00:00Z,n1,-1,50", '"-1" is not a GPU index'),
    ("invalid_number", "2025-04-01T00:00:00Z,n1,0,45%", '"45%" is not a number'),
    ("invalid_number", "2025-04-01T00:00:00Z,n1,0,NaN", '"NaN" is not a number'),
    ("utilization_out_of_range", "2025-04-01T00:00:00Z,n1,0,101", "outside 0–100"),
    ("utilization_out_of_range", "2025-04-01T00:00:00Z,n1,0,-1", "outside 0–100"),
    ("no_measurement", "2025-04-01T00:00:00Z,n1,0,", "no value in utilization_pct"),
]


@pytest.mark.parametrize(("reason", "line", "detail"), REASONS)
def test_bad_row_is_quarantined_with_reason_and_raw_values(
    ledger: Ledger, tmp_path: Path, reason: str, line: str, detail: str
) -> None:
    path = write(tmp_path, f"{HEADER}\n2025-04-01T00:00:00Z,ok,0,50\n{line}")
    [result] = ingest_usage(ledger, [path])
    assert (result.rows_read, result.rows_ingested, result.rows_quarantined) == (2, 1, 1)
    [(row, code, text)] = quarantined(ledger)
    assert (row, code) == (2, reason)
    assert detail in text
    [(raw,)] = ledger.con.execute("SELECT raw FROM quarantine").fetchall()
    assert list(raw) == HEADER.split(",")
    assert [v or "" for v in raw.values()] == line.split(",")


RATIO_REASONS = [
    ("utilization_out_of_range", "gr_engine_active", "45", "divide the column by 100"),
    ("utilization_out_of_range", "sm_active", "1.5", "outside 0–1"),
    ("negative_value", "power_w", "-3", "below 0"),
    ("negative_value", "memory_used_mib", "-1", "below 0"),
    ("share_out_of_range", "share", "0", "outside (0, 1]"),
    ("share_out_of_range", "share", "1.5", "outside (0, 1]"),
    ("invalid_interval", "interval_s", "0", "positive number of seconds"),
]


@pytest.mark.parametrize(("reason", "column", "value", "detail"), RATIO_REASONS)
def test_out_of_range_measurement_is_quarantined(
    ledger: Ledger, tmp_path: Path, reason: str, column: str, value: str, detail: str
) -> None:
    path = write(
        tmp_path,
        f"{HEADER},{column}\n2025-04-01T00:00:00Z,n1,0,50,{value}\n2025-04-01T00:01:00Z,n1,0,50,",
    )
    [result] = ingest_usage(ledger, [path])
    assert (result.rows_ingested, result.rows_quarantined) == (1, 1)
    [(row, code, text)] = quarantined(ledger)
    assert (row, code) == (1, reason)
    assert detail in text and column in text


def test_repeated_sample_is_quarantined_as_duplicate(ledger: Ledger, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"""
{HEADER},workload
2025-04-01T00:00:00Z,n1,0,50,a
2025-04-01T00:00:00Z,n1,0,50,b
2025-04-01T00:00:00Z,n1,0,50,a
""",
    )
    [result] = ingest_usage(ledger, [path])
    # rows 1 and 2 differ by workload (a shared GPU); row 3 repeats row 1
    assert (result.rows_ingested, result.rows_quarantined) == (2, 1)
    [(row, code, text)] = quarantined(ledger)
    assert (row, code) == (3, "duplicate_sample") and "as row 1" in text
    [(raw,)] = ledger.con.execute("SELECT raw FROM quarantine").fetchall()
    assert raw["workload"] == "a" and raw["timestamp"] == "2025-04-01T00:00:00Z"


def test_sample_another_ingest_holds_is_quarantined(ledger: Ledger, tmp_path: Path) -> None:
    first = write(tmp_path, f"{HEADER}\n2025-04-01T00:00:00Z,n1,0,50", "a.csv")
    second = write(
        tmp_path,
        f"{HEADER}\n2025-04-01T00:00:00Z,n1,0,50\n2025-04-01T00:01:00Z,n1,0,50",
        "b.csv",
    )
    [one] = ingest_usage(ledger, [first])
    [two] = ingest_usage(ledger, [second])
    assert (two.rows_ingested, two.rows_quarantined) == (1, 1)
    [(row, code, text)] = quarantined(ledger)
    assert (row, code) == (1, "already_in_ledger")
    assert f"ingest {one.ingest_id} already holds" in text
    [(raw,)] = ledger.con.execute("SELECT raw FROM quarantine").fetchall()
    assert raw["resource_id"] == "n1"


def test_malformed_line_is_quarantined_not_dropped(ledger: Ledger, tmp_path: Path) -> None:
    path = write(tmp_path, f"{HEADER}\n2025-04-01T00:00:00Z,n1,0,50\n2025-04-01,n1,0,50,extra")
    [result] = ingest_usage(ledger, [path])
    assert (result.rows_read, result.rows_ingested, result.rows_quarantined) == (2, 1, 1)
    assert [r[1] for r in quarantined(ledger)] == ["malformed_line"]


_cell = st.sampled_from(["", "50", "150", "x", "0.5", "-1", "2025-04-01T00:00:00Z", "n1", "0"])


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.tuples(_cell, _cell, _cell, _cell, _cell), min_size=1, max_size=12))
def test_rows_ingested_plus_quarantined_equals_rows_in_file(
    tmp_path: Path, rows: list[tuple[str, ...]]
) -> None:
    path = tmp_path / "prop.csv"
    lines = [f"{HEADER},share"] + [",".join(r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with Ledger.open(":memory:", settings=Settings()) as led:
        [result] = ingest_usage(led, [path])
        assert result.status == "ingested", result.message
        stored, held, _ = counts(led)
        assert result.rows_read == len(rows)
        assert (result.rows_ingested, result.rows_quarantined) == (stored, held)
        assert stored + held == len(rows)


# --- files --------------------------------------------------------------------------------


def test_reingest_of_same_file_is_a_noop(ledger: Ledger, tmp_path: Path) -> None:
    path = write(tmp_path, f"{HEADER}\n2025-04-01T00:00:00Z,n1,0,50\nbad,n1,0,50")
    [first] = ingest_usage(ledger, [path])
    before = counts(ledger)
    [again] = ingest_usage(ledger, [path])
    assert again.status == "already_ingested" and again.ingest_id == first.ingest_id
    assert counts(ledger) == before


def test_parquet_and_csv_gz_are_read(ledger: Ledger, tmp_path: Path) -> None:
    parquet = tmp_path / "typed.parquet"
    duckdb.sql(
        """SELECT TIMESTAMPTZ '2025-04-01 02:00:00+02' AS "timestamp", 'p1' AS instance,
                  2 AS gpu, 0.75::DOUBLE AS DCGM_FI_PROF_GR_ENGINE_ACTIVE,
                  300.5::DOUBLE AS DCGM_FI_DEV_POWER_USAGE
           UNION ALL SELECT TIMESTAMPTZ '2025-04-01 00:00:30+00', 'p1', 2, 7.0, 300.5"""
    ).write_parquet(str(parquet))
    gz = tmp_path / "packed.csv.gz"
    with gzip.open(gz, "wt", encoding="utf-8") as fh:
        fh.write(f"{HEADER}\n2025-04-01T00:00:00Z,g1,0,20\n")
    results = ingest_usage(ledger, [parquet, gz])
    assert [(r.status, r.rows_ingested, r.rows_quarantined) for r in results] == [
        ("ingested", 1, 1),  # 7.0 is not a ratio 0–1
        ("ingested", 1, 0),
    ]
    assert samples(ledger, "resource_id, ts, gpu_index, utilization, power_w") == [
        ("g1", datetime(2025, 4, 1), 0, 0.2, None),
        ("p1", datetime(2025, 4, 1), 2, 0.75, 300.5),
    ]
    [(row, code, _)] = quarantined(ledger)
    assert (row, code) == (2, "utilization_out_of_range")
    formats = ledger.con.execute("SELECT file_format FROM ingests ORDER BY 1").fetchall()
    assert formats == [("csv.gz",), ("parquet",)]


def test_folder_and_glob_are_expanded(ledger: Ledger, tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    for i in range(2):
        write(folder, f"{HEADER}\n2025-04-0{i + 1}T00:00:00Z,n1,0,50", f"day{i}.csv")
    assert len(ingest_usage(ledger, [folder])) == 2
    assert [r.status for r in ingest_usage(ledger, [str(folder / "*.csv")])] == [
        "already_ingested"
    ] * 2


def test_missing_column_rejects_the_file_naming_columns_and_aliases(
    ledger: Ledger, tmp_path: Path
) -> None:
    path = write(tmp_path, "time,host,gpu,power_w\n2025-04-01T00:00:00Z,n1,0,300")
    [result] = ingest_usage(ledger, [path])
    assert result.status == "rejected"
    assert "missing columns resource_id, a utilization column" in result.message
    assert "The file has: time, host, gpu, power_w" in result.message
    assert "hostname" in result.message and "dcgm_fi_dev_gpu_util" in result.message
    assert counts(ledger) == (0, 0, 1)  # only the rejected ingest record


def test_long_prometheus_shape_is_rejected_with_a_pivot_hint(
    ledger: Ledger, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "timestamp,Hostname,gpu,metric_name,value\n"
        "2025-04-01T00:00:00Z,n1,0,DCGM_FI_DEV_GPU_UTIL,50",
    )
    [result] = ingest_usage(ledger, [path])
    assert result.status == "rejected"
    assert "one row per metric" in result.message and "PIVOT" in result.message


def test_error_mid_ingest_leaves_the_ledger_unchanged(
    ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest_usage(ledger, [write(tmp_path, f"{HEADER}\n2025-04-01T00:00:00Z,n1,0,50", "a.csv")])
    before = counts(ledger)

    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(usage, "write_ingest_record", fail)
    path = write(tmp_path, f"{HEADER}\n2025-04-01T00:01:00Z,n1,0,50\nbad,n1,0,50", "b.csv")
    with pytest.raises(RuntimeError, match="disk full"):
        ingest_usage(ledger, [path])
    assert counts(ledger) == before
    monkeypatch.undo()
    [result] = ingest_usage(ledger, [path])  # the temporary tables were rolled back too
    assert (result.status, result.rows_ingested, result.rows_quarantined) == ("ingested", 1, 1)


def test_quick_files_report_no_progress(ledger: Ledger, tmp_path: Path) -> None:
    a = write(tmp_path, f"{HEADER}\n2025-04-01T00:00:00Z,n1,0,50", "a.csv")
    seen: list[tuple[str, float]] = []
    ingest_usage(ledger, [a], progress=lambda file, pct: seen.append((file, pct)))
    assert seen == []  # no bar flashes for a file that takes less than a moment
