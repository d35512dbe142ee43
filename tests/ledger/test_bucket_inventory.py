"""Bucket statistics from a CSV and from S3, GCS and Azure inventories, stored per bucket."""

from __future__ import annotations

import gzip
import json
from datetime import date
from pathlib import Path

import pytest

from infracast.errors import IngestError, InputFileError
from infracast.ledger.bucket_inventory import ingest_buckets, list_buckets, read_buckets
from infracast.ledger.connection import Ledger
from infracast.ledger.stores import buckets as store

AS_OF = date(2024, 7, 1)
CSV = """bucket,provider,region,storage_class,prefix,size_gb,objects,age_days,last_access_days,reads_per_month,read_gb_per_month,team,project,as_of
ckpt,aws,us-east-1,STANDARD,,1000,2000,200,90,10,1,research,llm,2024-06-30
logs,AWS,,,,50,,,,,,,,
"""  # noqa: E501


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_csv_in_the_table_layout_is_read_as_written(tmp_path: Path):
    read = read_buckets(_write(tmp_path, "b.csv", CSV), as_of=AS_OF)
    ckpt, logs = read.rows
    assert read.kind == "csv"
    assert ckpt["size_gb"] == 1000 and ckpt["objects"] == 2000
    assert (ckpt["reads_per_month"], ckpt["read_gb_per_month"]) == (10, 1)
    assert (ckpt["team"], ckpt["project"], ckpt["as_of"]) == ("research", "llm", date(2024, 6, 30))
    # optional cells left empty stay unknown; an empty as_of takes --as-of
    assert logs["provider"] == "aws" and logs["reads_per_month"] is None
    assert logs["objects"] is None and logs["prefix"] == "" and logs["as_of"] == AS_OF
    assert ckpt["source"] == "b.csv"


@pytest.mark.parametrize(
    ("old", "new", "column"),
    [
        (",1000,", ",lots,", "size_gb"),
        (",200,", ",-5,", "age_days"),
        ("ckpt,aws", "ckpt,ibm", "provider"),
        ("2024-06-30", "last june", "as_of"),
    ],
)
def test_a_bad_csv_cell_names_its_line_and_column(tmp_path: Path, old: str, new: str,
                                                  column: str):  # fmt: skip
    path = _write(tmp_path, "b.csv", CSV.replace(old, new, 1))
    with pytest.raises(IngestError) as caught:
        read_buckets(path, as_of=AS_OF)
    assert (caught.value.row, caught.value.field) == (2, column)
    assert f"line 2, column {column}" in caught.value.message


def test_an_unknown_csv_column_gets_a_did_you_mean(tmp_path: Path):
    path = _write(tmp_path, "b.csv", "bucket,provider,size_gb,reads_per_mnth\nb,aws,1,2\n")
    with pytest.raises(IngestError, match='Did you mean "reads_per_month"'):
        read_buckets(path, as_of=AS_OF)


S3_ROWS = [
    # Bucket, Key, Size, LastModifiedDate, StorageClass
    'ckpt,"run1/step1.pt",3000000000,2024-06-21T00:00:00.000Z,STANDARD',
    'ckpt,"run1/step2.pt",1000000000,2024-06-11T00:00:00.000Z,STANDARD',
    'data,"shard-0",500000000,2024-05-02T00:00:00.000Z,GLACIER',
]


def _check_s3(rows: list[dict[str, object]]) -> None:
    ckpt, data = rows
    # 3 GB + 1 GB = 4 GB in 2 objects; ages at 2024-07-01: 10 and 20 days, size-weighted
    # (3 × 10 + 1 × 20) / 4 = 12.5 days
    assert (ckpt["bucket"], ckpt["provider"], ckpt["storage_class"]) == ("ckpt", "aws", "STANDARD")
    assert ckpt["size_gb"] == pytest.approx(4.0) and ckpt["objects"] == 2
    assert ckpt["age_days"] == pytest.approx(12.5)
    assert ckpt["reads_per_month"] is None and ckpt["last_access_days"] is None
    # 0.5 GB, 60 days old (2 May to 1 July)
    assert data["size_gb"] == pytest.approx(0.5) and data["age_days"] == pytest.approx(60)
    assert data["storage_class"] == "GLACIER"


def test_an_s3_inventory_with_a_header_sums_per_bucket(tmp_path: Path):
    text = "Bucket,Key,Size,LastModifiedDate,StorageClass\n" + "\n".join(S3_ROWS) + "\n"
    read = read_buckets(_write(tmp_path, "inv.csv", text), as_of=AS_OF)
    assert read.kind == "s3"
    _check_s3(read.rows)
    assert any("no reads" in n for n in read.notes)


def test_a_gzipped_s3_data_file_takes_its_columns_from_the_manifest(tmp_path: Path):
    (tmp_path / "data").mkdir()
    schema = "Bucket, Key, Size, LastModifiedDate, StorageClass"
    (tmp_path / "manifest.json").write_text(json.dumps({"fileSchema": schema}))
    path = tmp_path / "data" / "part-0.csv.gz"
    path.write_bytes(gzip.compress(("\n".join(S3_ROWS) + "\n").encode()))
    read = read_buckets(path, kind="s3", as_of=AS_OF)
    _check_s3(read.rows)


def test_an_s3_file_without_header_or_manifest_says_how_to_fix_it(tmp_path: Path):
    path = _write(tmp_path, "part.csv", "\n".join(S3_ROWS) + "\n")
    with pytest.raises(IngestError, match=r"no header and no manifest\.json") as caught:
        read_buckets(path, kind="s3", as_of=AS_OF)
    assert "fileSchema" in (caught.value.hint or "")


def test_a_bad_s3_size_names_the_line(tmp_path: Path):
    (tmp_path / "manifest.json").write_text(json.dumps({"fileSchema": "Bucket,Key,Size"}))
    path = _write(tmp_path, "part.csv", "ckpt,a,10\nckpt,b,ten\n")
    with pytest.raises(IngestError, match="line 2, column Size") as caught:
        read_buckets(path, kind="s3", as_of=AS_OF)
    assert caught.value.row == 2


def test_a_gcs_inventory_report_sums_per_bucket(tmp_path: Path):
    text = (
        "project,bucket,name,location,size,timeCreated,updated,storageClass\n"
        "p1,ds,a,US-CENTRAL1,2000000000,2024-06-01T00:00:00Z,2024-06-01T00:00:00Z,NEARLINE\n"
        "p1,ds,b,US-CENTRAL1,6000000000,2024-04-02T00:00:00Z,2024-06-01T00:00:00Z,COLDLINE\n"
    )
    read = read_buckets(_write(tmp_path, "gcs.csv", text), as_of=AS_OF)
    (ds,) = read.rows
    # 8 GB; ages 30 and 90 days from timeCreated: (2 × 30 + 6 × 90) / 8 = 75
    assert read.kind == "gcs" and ds["provider"] == "gcp" and ds["region"] == "us-central1"
    assert ds["size_gb"] == pytest.approx(8.0) and ds["age_days"] == pytest.approx(75)
    # mixed classes: the one with most bytes (COLDLINE, 6 of 8 GB), said so
    assert ds["storage_class"] == "COLDLINE"
    assert any("mixes storage classes" in n and "75%" in n for n in read.notes)


def test_an_azure_blob_inventory_takes_the_container_from_the_name(tmp_path: Path):
    text = (
        "Name,Creation-Time,Last-Modified,Content-Length,AccessTier,LastAccessTime\n"
        "models/v1/w.bin,2024-01-01T00:00:00.1234567Z,2024-06-01T00:00:00Z,4000000000,Hot,"
        "2024-06-21T00:00:00Z\n"
        "models/v2/w.bin,2024-01-01T00:00:00Z,2024-06-01T00:00:00Z,1000000000,Hot,\n"
    )
    read = read_buckets(_write(tmp_path, "az.csv", text), as_of=AS_OF, region="eastus",
                        team="ml")  # fmt: skip
    (models,) = read.rows
    assert (models["bucket"], models["provider"], models["storage_class"]) == (
        "models",
        "azure",
        "Hot",
    )
    # 5 GB in 2 blobs, 30 days since Last-Modified; last read 10 days before 1 July
    assert models["size_gb"] == pytest.approx(5.0) and models["objects"] == 2
    assert models["age_days"] == pytest.approx(30)
    assert models["last_access_days"] == pytest.approx(10)
    assert (models["region"], models["team"]) == ("eastus", "ml")


def test_an_unrecognised_header_asks_for_the_kind(tmp_path: Path):
    with pytest.raises(IngestError, match="cannot tell which kind"):
        read_buckets(_write(tmp_path, "x.csv", "a,b\n1,2\n"), as_of=AS_OF)
    with pytest.raises(IngestError, match='Did you mean "gcs"'):
        read_buckets(_write(tmp_path, "y.csv", CSV), kind="gcp", as_of=AS_OF)


def test_a_missing_file_is_an_input_error(tmp_path: Path):
    with pytest.raises(InputFileError, match="no bucket statistics file"):
        read_buckets(tmp_path / "none.csv")


def test_ingest_stores_and_replaces_per_bucket_prefix_and_date(ledger: Ledger, tmp_path: Path):
    path = _write(tmp_path, "b.csv", CSV)
    ingest_buckets(ledger, path, as_of=AS_OF)
    ingest_buckets(ledger, path, as_of=AS_OF)  # the same file again: replaced, not doubled
    assert len(store.rows(ledger.con)) == 2
    newer = CSV.replace("2024-06-30", "2024-07-15").replace(",1000,", ",800,")
    ingest_buckets(ledger, _write(tmp_path, "c.csv", newer), as_of=AS_OF)
    # ckpt on two dates; logs, undated in both files, is dated AS_OF twice: replaced
    assert len(list_buckets(ledger, history=True)) == 3
    latest = {r["bucket"]: r for r in list_buckets(ledger)}
    assert latest["ckpt"]["size_gb"] == 800 and latest["ckpt"]["as_of"] == date(2024, 7, 15)
    (before,) = list_buckets(ledger, bucket="ckpt", as_of="2024-07-01")
    assert before["size_gb"] == 1000 and before["source"] == "b.csv"


def test_rows_dated_today_only_when_undated_and_said(tmp_path: Path):
    dated = "bucket,provider,size_gb,as_of\nb,aws,1,2024-06-30\n"
    assert read_buckets(_write(tmp_path, "d.csv", dated)).notes == []
    undated = "bucket,provider,size_gb\nb,aws,1\n"
    read = read_buckets(_write(tmp_path, "u.csv", undated))
    assert "undated" not in read.rows[0]
    assert any("dated today" in n for n in read.notes)


def test_s3_delete_markers_are_not_objects_and_said(tmp_path: Path):
    text = (
        "Bucket,Key,VersionId,IsLatest,IsDeleteMarker,Size\n"
        "b,k1,v2,true,true,\n"
        "b,k1,v1,false,false,2000000000\n"  # a noncurrent version: still billed, counted
    )
    read = read_buckets(_write(tmp_path, "inv.csv", text), as_of=AS_OF)
    (b,) = read.rows
    assert b["objects"] == 1 and b["size_gb"] == pytest.approx(2.0)
    assert any("1 delete markers" in n for n in read.notes)
