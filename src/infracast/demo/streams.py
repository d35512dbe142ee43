"""Streams: the table every generated charge and GPU sample is expanded from.

A stream is one resource billed at one price over a window of hours, at one
grain (1 or 24 hours per row). Its rows are ``range(t0, t1, grain)`` expanded
in SQL; a replica slot of an inference service only keeps the hours when the
service wants that many replicas. One-off rows (purchases, support fees,
credits, refunds) are streams of one step. The table is small (one row per
resource), built in Python and handed to DuckDB as Arrow.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa

from infracast.demo.identities import Identity

TAGS_TYPE = pa.map_(pa.string(), pa.string())

# name -> Arrow type; everything not given is NULL.
COLUMNS: dict[str, pa.DataType] = {
    "sid": pa.int64(),
    "provider": pa.string(),
    # replica | instance | storage | egress | shared | purchase | unused | support | credit | refund
    "kind": pa.string(),
    "t0": pa.int64(),
    "t1": pa.int64(),
    "grain": pa.int64(),
    "span": pa.int64(),  # hours of the charge period of a row
    # inference replicas
    "svc": pa.int64(),
    "slot": pa.int64(),
    "base": pa.float64(),
    "growth": pa.float64(),
    "amp": pa.float64(),
    "rmin": pa.int64(),
    "rmax": pa.int64(),
    "anom_from": pa.int64(),
    "anom_to": pa.int64(),
    # storage and egress
    "size0": pa.float64(),
    "mgrowth": pa.float64(),
    "gb_day": pa.float64(),
    "spike_from": pa.int64(),
    "spike_to": pa.int64(),
    "spike_mult": pa.float64(),
    # money
    "list_price": pa.float64(),
    "discount": pa.float64(),
    "pricing_category": pa.string(),
    "spot_lo": pa.float64(),
    "spot_hi": pa.float64(),
    "commit_rate": pa.float64(),
    "amount": pa.float64(),
    "bad_style": pa.string(),  # CSV only: how BilledCost is garbled in [bad_from, bad_to)
    "bad_from": pa.int64(),
    "bad_to": pa.int64(),
    "charge_category": pa.string(),
    "charge_class": pa.string(),
    "charge_frequency": pa.string(),
    "freq_bad_from": pa.int64(),
    "freq_bad_to": pa.int64(),
    # names
    "resource_id": pa.string(),
    "resource_name": pa.string(),
    "resource_type": pa.string(),
    "service_name": pa.string(),
    "service_category": pa.string(),
    "service_subcategory": pa.string(),
    "sku_id": pa.string(),
    "sku_meter": pa.string(),
    "sku_price_id": pa.string(),
    "sku_price_details": pa.string(),
    "charge_description": pa.string(),
    "region_id": pa.string(),
    "region_name": pa.string(),
    "availability_zone": pa.string(),
    "sub_account_id": pa.string(),
    "sub_account_name": pa.string(),
    "pricing_unit": pa.string(),
    "consumed_unit": pa.string(),
    "commitment_id": pa.string(),
    "commitment_name": pa.string(),
    "commitment_type": pa.string(),
    "commitment_category": pa.string(),
    "commitment_unit": pa.string(),
    "commitment_status": pa.string(),
    "tags_json": pa.string(),
    "tags": TAGS_TYPE,
    "team": pa.string(),
    "project": pa.string(),
    "x1": pa.string(),
    "x2": pa.string(),
    "x3": pa.string(),
    # GPU usage samples
    "gpus": pa.int64(),
    "gpu_type": pa.string(),
    "gpu_mem": pa.float64(),  # MiB per GPU
    "gpu_tdp": pa.float64(),  # W per GPU at full load
    "gpu_idle": pa.float64(),  # W per GPU when idle
    "workload": pa.string(),  # training | inference | dev
    "workload_name": pa.string(),
    # from util_from on, each GPU's utilization is uniform in [util_lo, util_hi) (plants)
    "util_from": pa.int64(),
    "util_lo": pa.float64(),
    "util_hi": pa.float64(),
}

_IDENTITY_KEYS = (
    "resource_id",
    "resource_name",
    "resource_type",
    "service_name",
    "service_category",
    "service_subcategory",
    "sku_id",
    "sku_meter",
    "sku_price_id",
    "sku_price_details",
    "charge_description",
    "region_id",
    "region_name",
    "availability_zone",
    "sub_account_id",
    "sub_account_name",
    "pricing_unit",
    "consumed_unit",
    "tags_json",
)


class Streams:
    """Streams numbered in the order they are added, kept in the DuckDB table ``TABLE``.

    Rows are buffered and appended in batches, so a fleet of hundreds of
    thousands of resources never sits in Python memory at once.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, batch: int = 20_000) -> None:
        self.con = con
        self.batch = batch
        self._buffer: list[dict[str, Any]] = []
        self._flushed = 0  # streams already in the table
        cols = ", ".join(f'"{n}" {_SQL_TYPES.get(str(t), "VARCHAR")}' for n, t in COLUMNS.items())
        con.execute(f"CREATE OR REPLACE TEMP TABLE {TABLE} ({cols})")

    def __len__(self) -> int:
        return self._flushed + len(self._buffer)

    def add(self, identity: Identity, **fields: Any) -> int:
        """Add a stream with the names of ``identity`` and the given fields; return its sid."""
        _check_fields(fields)
        row = {k: identity.get(k) for k in _IDENTITY_KEYS}
        tags = identity.get("tags")
        row["tags"] = list(tags.items()) if tags else None
        custom = [*identity.get("custom", []), None, None, None]
        row["x1"], row["x2"], row["x3"] = custom[:3]
        row.update(fields)
        row.setdefault("span", row.get("grain"))
        return self._append(row)

    def copy(self, sid: int, **fields: Any) -> int:
        """Add a stream like ``sid`` (same names and prices) with ``fields`` changed."""
        _check_fields(fields)
        row = dict(self.get(sid))
        row.update(fields)
        return self._append(row)

    def get(self, sid: int) -> dict[str, Any]:
        """The stream ``sid`` as a dict of its columns."""
        if sid >= self._flushed:
            return self._buffer[sid - self._flushed]
        cur = self.con.execute(f"SELECT * FROM {TABLE} WHERE sid = ?", [sid])
        names = [d[0] for d in cur.description]
        found = cur.fetchone()
        if found is None:
            raise KeyError(sid)
        row = dict(zip(names, found, strict=True))
        if isinstance(row["tags"], dict):
            row["tags"] = list(row["tags"].items())
        return row

    def update(self, sids: list[int], **fields: Any) -> None:
        """Change fields of the streams ``sids``."""
        _check_fields(fields)
        stored = [sid for sid in sids if sid < self._flushed]
        for sid in sids:
            if sid >= self._flushed:
                self._buffer[sid - self._flushed].update(fields)
        if stored:
            sets = ", ".join(f'"{k}" = ?' for k in fields)
            self.con.execute(
                f"UPDATE {TABLE} SET {sets} WHERE list_contains(?, sid)", [*fields.values(), stored]
            )

    def flush(self) -> None:
        """Append the buffered streams to the table."""
        if not self._buffer:
            return
        data = {name: [r.get(name) for r in self._buffer] for name in COLUMNS}
        table = pa.table({n: pa.array(v, type=COLUMNS[n]) for n, v in data.items()})
        self.con.register("demo_streams_batch", table)
        try:
            self.con.execute(f"INSERT INTO {TABLE} SELECT * FROM demo_streams_batch")
        finally:
            self.con.unregister("demo_streams_batch")
        self._flushed += len(self._buffer)
        self._buffer = []

    def _append(self, row: dict[str, Any]) -> int:
        row["sid"] = len(self)
        self._buffer.append(row)
        if len(self._buffer) >= self.batch:
            self.flush()
        return int(row["sid"])


def _check_fields(fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(COLUMNS)
    if unknown:
        raise KeyError(f"unknown stream fields: {sorted(unknown)}")


_SQL_TYPES = {
    "int64": "BIGINT",
    "double": "DOUBLE",
    "string": "VARCHAR",
    str(TAGS_TYPE): "MAP(VARCHAR, VARCHAR)",
}


TABLE = "demo_streams"


def steps_sql(provider: str, lo: int, hi: int, where: str = "true") -> str:
    """A SELECT of every stream row of ``provider`` whose step starts in [lo, hi).

    Each row is a stream with ``h`` (the step's first hour) and, for inference
    replicas, ``desired_n`` (the replicas the service wants then); a replica
    slot only has a row when the service wants at least ``slot + 1`` replicas.
    ``lo`` and ``hi`` are multiples of 24, so daily streams stay aligned.
    """
    return f"""
    SELECT * FROM (
        SELECT e.*,
               CASE WHEN kind = 'replica' THEN desired(svc, h, grain, base, growth, amp,
                                                       rmin, rmax, anom_from, anom_to) END
                 AS desired_n
        FROM (SELECT s.*, unnest(range(greatest(t0, {lo}), least(t1, {hi}), grain)) AS h
              FROM {TABLE} s
              WHERE provider = '{provider}' AND t0 < {hi} AND t1 > {lo} AND ({where})) e
    ) WHERE kind <> 'replica' OR slot < desired_n"""
