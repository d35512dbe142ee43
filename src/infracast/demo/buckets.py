"""``buckets.csv``: statistics of the demo's object storage, as an inventory would give them.

One row per bucket in a hot class (S3 Standard, GCS Standard, Azure Blob Hot) on the
period's last day, in exactly the columns of the ledger table ``bucket_stats`` (less
``source``, which the reader fills with the file's name). ``bucket`` is the ResourceId of
the bucket's FOCUS rows: the names alone repeat across clouds (an S3 and a GCS bucket may
both be ``larkspur-lakehouse-standard``), and ``bucket_stats`` keys on bucket, prefix and
date. The size is the one billed that day. The busy buckets are read every day, two to
five times their size a month, so no colder class pays for them; the planted
``storage_tier`` bucket (``opportunities.py``) is almost never read. The untagged archive
buckets, already in a cool class, have no row.
"""

from __future__ import annotations

import csv
import math
import random
from pathlib import Path
from typing import Any

import duckdb

from infracast.demo.company import Company, ProviderSlug
from infracast.demo.opportunities import last_size_gb
from infracast.demo.streams import TABLE
from infracast.ledger.stores.buckets import COLUMNS

# the ledger's bucket_stats columns; the reader fills ``source`` with the file's name
BUCKET_COLUMNS = tuple(c for c in COLUMNS if c != "source")
# The hot storage SKU of each provider and its class as the provider's inventory names it.
HOT_CLASSES: dict[ProviderSlug, tuple[str, str]] = {
    "aws": ("s3-standard", "STANDARD"),
    "gcp": ("gcs-standard", "STANDARD"),
    "azure": ("blob-hot", "Hot"),
}
READ_TIMES_SIZE = (2.0, 5.0)  # GB read a month over GB stored, busy buckets
OBJECT_MB = (16.0, 256.0)  # mean object size, busy buckets


def bucket_rows(
    con: duckdb.DuckDBPyConnection, company: Company, fleet: Any, seed: int
) -> list[dict[str, Any]]:
    """The rows of ``buckets.csv``: the hot-class buckets, then the planted one."""
    period = fleet.period
    last_h = period.hours - 24
    as_of = period.timestamp(last_h).date().isoformat()
    plant = fleet.plants.bucket if fleet.plants is not None else None
    out = []
    for slug, (sku, klass) in HOT_CLASSES.items():
        price = company.providers[slug].prices[sku]
        found = con.execute(
            f"""SELECT sid, resource_id, region_id, team, project, t0 FROM {TABLE}
                WHERE kind = 'storage' AND provider = ? AND list_price = ? AND sid <> ?
                ORDER BY sid""",
            [slug, price, -1 if plant is None else plant],
        ).fetchall()
        for sid, name, region, team, project, t0 in found:
            rng = random.Random(f"{seed}:bucket:{slug}:{name}")
            size = last_size_gb(con, int(sid), last_h)
            object_mb = rng.uniform(*OBJECT_MB)
            read_gb = size * rng.uniform(*READ_TIMES_SIZE)
            lived = (period.hours - int(t0)) / 24
            out.append(
                {
                    "bucket": name,
                    "provider": slug,
                    "region": region,
                    "storage_class": klass,
                    "prefix": "",
                    "size_gb": round(size, 3),
                    "objects": math.ceil(size * 1024 / object_mb),
                    "age_days": round(rng.uniform(0.2, 0.5) * max(lived, 30), 1),
                    "last_access_days": 0,
                    "reads_per_month": round(read_gb * 1024 / object_mb),
                    "read_gb_per_month": round(read_gb, 3),
                    "team": team,
                    "project": project,
                    "as_of": as_of,
                }
            )
    if plant is not None:
        b = company.opportunities.storage_tier
        out.append(
            {
                "bucket": b.bucket,
                "provider": b.provider,
                "region": company.providers[b.provider].home_region,
                "storage_class": b.storage_class,
                "prefix": "",
                "size_gb": round(last_size_gb(con, plant, last_h), 3),
                "objects": b.objects,
                "age_days": b.age_days,
                "last_access_days": b.last_access_days,
                "reads_per_month": b.reads_per_month,
                "read_gb_per_month": b.read_gb_per_month,
                "team": b.team,
                "project": b.project,
                "as_of": as_of,
            }
        )
    return out


def write_buckets(path: Path, rows: list[dict[str, Any]]) -> int:
    """Write ``rows`` as CSV with the ``bucket_stats`` columns; return how many."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=BUCKET_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "" if row[k] is None else _plain(row[k]) for k in BUCKET_COLUMNS})
    return len(rows)


def _plain(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
