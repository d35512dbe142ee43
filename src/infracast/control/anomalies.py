"""Cost anomalies on the ledger, explained by what moved (the library under
``infracast anomalies``).

:func:`anomalies` scans the ledger's daily usage cost by ``by`` (default: team ×
project × service) with :func:`infracast.forecast.detect_anomalies`, keeps the flags
of spend above what was expected that are material (the change is at least
``min_share`` of the scope's typical daily cost), explains each flagged day with
:func:`infracast.analytics.change_drivers` inside its series (the SKU, region,
resource … that moved), stores it once in the ``anomalies`` table and alerts it once.
With ``input`` it scans a file's series instead: nothing is read from or written to a
ledger.

Defaults (docs/anomalies.md has the measurements, on three seeds of the demo company):

- **team × project × service**: an incident lives in one kind of spend of one
  workload; a team's total buries a 20% jump of one service under the lumpiness of
  the others, and team × service mixes a forgotten dev VM with the team's routine
  GPU jobs of the same size;
- **a series that appears is scored against the zeros before it**
  (:func:`infracast.forecast.anomaly_filters.lead_in`): no charge in a period the
  provider's bills cover is no cost, so a new cluster is not left unscored while it
  builds a history;
- **weekly seasonality taken away** (``seasonal=4``: each day against the median
  of the same weekday of the four weeks before), so Mondays are not anomalies; the
  detector's NAB-tuned rules otherwise unchanged;
- **up only** (``direction``): a cost alert is about spend above what was expected;
  a job that ends is not paged;
- **materiality** ``min_share=0.01``: a flag is kept when ``|y - expected|`` is at
  least 1% of the median daily cost of everything scanned over the previous four
  weeks.

Recurring fees and one-time purchases are left out of the scan (they are known in
advance, as in ``infracast forecast``); the drill-down reads every charge.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from infracast.analytics.drivers import DRIVER_DIMENSIONS, change_drivers
from infracast.analytics.filters import Filter, parse_filters
from infracast.analytics.periods import Instant
from infracast.analytics.series import NONE, SEP, cost_series
from infracast.control.budgets.webhook import RetryPolicy, post_json, webhook_secret
from infracast.control.forecasting import ledger_freq, read_series_file
from infracast.control.forecasting.cost import LEDGER_FREQS, split_names
from infracast.control.forecasting.result import plain
from infracast.errors import ConfigError, InputFileError, QueryError, did_you_mean
from infracast.ledger.stores import forecasts as store

if TYPE_CHECKING:
    from infracast.forecast import AnomalySettings
    from infracast.ledger.connection import Ledger

DEFAULT_BY: tuple[str, ...] = ("team", "project", "service")
MIN_SHARE = 0.01
COST_SEASONS = 4  # weeks whose same weekday is the daily baseline
TOP_DRIVERS = 3
DIRECTIONS: tuple[str, ...] = ("up", "down", "both")
EVENT = "cost.anomaly"
COLUMNS = ("unique_id", "ds", "y", "expected", "lo", "hi", "score", "rule")


@dataclass(frozen=True)
class AnomalyScan:
    """The anomalies found in a scope, with what was scanned and what is new.

    ``found`` holds one dict per anomaly: :data:`COLUMNS`, and on the ledger ``new``
    (first found by this run) and ``drivers`` (``dimension, value, change, share``).
    """

    scope: dict[str, Any]
    freq: str
    series: int
    points: int
    found: list[dict[str, Any]]
    scope_key: str | None = None
    new: int = 0
    alerted: int = 0
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> list[dict[str, Any]]:
        """The array of ``--format json``: one object per anomaly, ``ds`` in ISO 8601."""
        return [{k: plain(v) for k, v in row.items()} for row in self.found]

    def to_rows(self) -> list[dict[str, Any]]:
        """The CSV rows: the JSON's columns, with ``drivers`` (on the ledger) as one text
        column, the top three as ``dimension value +change (share)`` joined by ``; ``."""
        rows = []
        for row in self.to_json():
            if "drivers" in row:
                row["drivers"] = driver_text(row["drivers"])
            rows.append(row)
        return rows


def driver_text(drivers: Sequence[dict[str, Any]] | None, top: int = TOP_DRIVERS) -> str:
    """``service Virtual Machines +2,265.29 (100%); region eastus …``: the largest first."""
    parts = []
    for d in list(drivers or [])[:top]:
        share = "" if d.get("share") is None else f" ({d['share']:.0%})"
        value = NONE if d["value"] is None else d["value"]
        parts.append(f"{d['dimension']} {value} {d['change']:+,.2f}{share}")
    return "; ".join(parts)


def cost_settings(freq: str) -> AnomalySettings:
    """The detector's settings for ledger cost at ``freq``: the NAB-tuned defaults, with
    the weekly pattern taken away at daily grain (``seasonal=4``)."""
    from infracast.forecast import AnomalySettings

    return AnomalySettings(seasonal=COST_SEASONS if freq == "D" else 0)


def anomalies(
    ledger: Ledger | None = None,
    *,
    input: str | Path | None = None,
    by: Sequence[str] | str = DEFAULT_BY,
    start: Instant | None = None,
    end: Instant | None = None,
    filters: Iterable[str | Filter] | str = (),
    freq: str | None = None,
    id_col: str = "unique_id",
    time_col: str = "ds",
    target_col: str = "y",
    settings: AnomalySettings | None = None,
    min_share: float | None = None,
    direction: str | None = None,
    basis: str = "effective",
    store_it: bool = True,
    webhook: str | None = None,
    secret: str | None = None,
    policy: RetryPolicy | None = None,
) -> AnomalyScan:
    """``infracast anomalies``: the ledger's cost by ``by`` (see the module), or with
    ``input`` the series of a CSV or Parquet file (columns ``id_col``, ``time_col``,
    ``target_col``; no ``id_col``: one series named after the file), scanned for anomalies.

    ``settings`` default to :func:`cost_settings` on the ledger and to
    :class:`~infracast.forecast.AnomalySettings` for a file; ``min_share`` to 0.01 on the
    ledger and 0 for a file; ``direction`` (``up``: cost above what was expected,
    ``down`` or ``both``) to ``up`` on the ledger and ``both`` for a file. On the ledger
    each anomaly is stored once (``store_it``) and alerted once: POSTed to ``webhook``
    (signed with ``secret``) until delivered, or, without a webhook, counted as alerted
    by the run that first finds it.
    """
    if min_share is not None and not 0 <= min_share < 1:
        raise ConfigError(
            f"--min-share must be a fraction from 0 to below 1, not {min_share}.",
            hint="0.01 keeps changes of at least 1% of the scope's daily cost; 0 keeps all.",
            field="min_share",
        )
    if direction is not None and direction not in DIRECTIONS:
        raise ConfigError(
            f'unknown direction "{direction}".{did_you_mean(direction, DIRECTIONS)}',
            hint="Use up (spend above what was expected), down or both.",
            field="direction",
        )
    if input is not None:
        ledger_only = [
            flag
            for flag, given in (
                ("--by", split_names(by) != list(DEFAULT_BY)),
                ("--from", start),
                ("--to", end),
                ("--filter", filters),
                ("--webhook", webhook),
            )
            if given
        ]
        if ledger_only:
            raise ConfigError(
                f"{', '.join(ledger_only)} apply to the ledger, but --input reads a file.",
                hint="Leave them out with --input, or drop --input to scan the ledger.",
            )
        return scan_file(
            input,
            freq,
            id_col,
            time_col,
            target_col,
            settings,
            min_share or 0.0,
            direction or "both",
        )
    if ledger is None:
        raise ConfigError(
            "no ledger and no --input: nothing to scan.",
            hint="Pass a ledger (--ledger PATH) or a file of series (--input FILE).",
        )
    scan = scan_ledger(
        ledger, by, start, end, filters, freq, settings, min_share, direction or "up", basis
    )
    if not store_it or scan.scope_key is None:
        return scan
    return _store_and_alert(ledger, scan, webhook, secret, policy)


def scan_ledger(
    ledger: Ledger,
    by: Sequence[str] | str = DEFAULT_BY,
    start: Instant | None = None,
    end: Instant | None = None,
    filters: Iterable[str | Filter] | str = (),
    freq: str | None = None,
    settings: AnomalySettings | None = None,
    min_share: float | None = None,
    direction: str = "up",
    basis: str = "effective",
) -> AnomalyScan:
    """The anomalies of the ledger's usage cost by ``by``, each with its drivers; nothing
    is stored (see :func:`anomalies`)."""
    from infracast.forecast import detect_anomalies
    from infracast.forecast.anomaly_filters import heading, lead_in, lead_periods, material

    pandas_freq = ledger_freq(freq)
    grain = LEDGER_FREQS[pandas_freq]
    names = split_names(by)
    parsed = parse_filters(filters)
    series = cost_series(ledger, names, grain, start, end, parsed, basis=basis, parts=True)
    frame = series.frame
    if frame.empty:
        raise QueryError(
            "there are no charges to scan in this scope.",
            hint="Ingest bills first (infracast ingest FILE) or loosen --filter/--from/--to.",
        )
    usage = frame[frame["part"] == "usage"].copy()
    usage["unique_id"] = usage["unique_id"].str.rsplit(SEP, n=1).str[0]
    scope: dict[str, Any] = {
        "by": names,
        "grain": grain,
        "filters": [str(f) for f in parsed],
        "basis": basis,
    }
    key = hashlib.sha256(json.dumps(scope, sort_keys=True).encode()).hexdigest()
    scope |= {
        "start": None if start is None else str(start),
        "end": None if end is None else str(end),
    }
    used = settings or cost_settings(pandas_freq)
    share = MIN_SHARE if min_share is None else min_share
    covered = _covered_from(ledger, names, grain, start, end, parsed, basis)
    padded = lead_in(
        usage[["unique_id", "ds", "y"]], covered, lead_periods(used, pandas_freq), pandas_freq
    )
    found = detect_anomalies(padded, freq=pandas_freq, settings=used)
    found = material(heading(found, direction), usage, share, pandas_freq)
    notes = [*series.notes, "recurring fees and one-time purchases are not scanned"]
    keys = usage.drop_duplicates("unique_id").set_index("unique_id")
    rows = []
    for row in found.to_dict(orient="records"):
        own = [Filter(n, (_value(keys.at[row["unique_id"], n]),)) for n in names]
        explained = change_drivers(
            ledger,
            row["ds"].to_pydatetime(),
            grain=grain,
            by=[d for d in DRIVER_DIMENSIONS if d not in names] or DRIVER_DIMENSIONS,
            filters=[*parsed, *own],
            basis=basis,
        )
        ranked = sorted(explained.drivers, key=lambda d: (-round(abs(d["change"]), 2), _fine(d)))
        drivers = [{k: d[k] for k in ("dimension", "value", "change", "share")} for d in ranked]
        rows.append({**{c: row[c] for c in COLUMNS}, "drivers": drivers})
    return AnomalyScan(
        scope,
        pandas_freq,
        int(usage["unique_id"].nunique()),
        len(usage),
        rows,
        scope_key=key,
        notes=notes,
    )


def scan_file(
    path: str | Path,
    freq: str | None = None,
    id_col: str = "unique_id",
    time_col: str = "ds",
    target_col: str = "y",
    settings: AnomalySettings | None = None,
    min_share: float = 0.0,
    direction: str = "both",
) -> AnomalyScan:
    """The anomalies of every series of a long-format CSV or Parquet file; nothing is
    stored."""
    from infracast.forecast import AnomalyError, detect_anomalies
    from infracast.forecast.anomaly_filters import heading, material

    if freq is not None:  # H, d, 5T … as pandas spells them
        from infracast.forecast import normalise_freq

        freq = normalise_freq(freq)
    frame = read_series_file(path)
    columns = [str(c) for c in frame.columns]
    for column, flag in ((time_col, "--time-col"), (target_col, "--target-col")):
        if column not in columns:
            raise InputFileError(
                f'--input {path} has no column "{column}" (it has: {", ".join(columns)}).'
                + did_you_mean(column, columns),
                hint=f"Name the column with {flag}, e.g. {flag} {columns[-1] if columns else 'y'}.",
                file=path,
                field=flag.lstrip("-").replace("-", "_"),
            )
    notes = []
    if id_col in columns:
        ids = frame[id_col]
    else:
        ids = pd.Series(Path(path).stem, index=frame.index)
        notes.append(f'no "{id_col}" column: the file is one series named "{Path(path).stem}"')
    data = pd.DataFrame({"unique_id": ids, "ds": frame[time_col], "y": frame[target_col]})
    data["y"] = data["y"].replace("", None)
    try:
        found = heading(detect_anomalies(data, freq=freq, settings=settings), direction)
        if min_share:
            typed = data.assign(
                ds=pd.to_datetime(data["ds"]), y=pd.to_numeric(data["y"], errors="coerce")
            )
            found = material(found, typed, min_share, freq)
    except AnomalyError as exc:
        hint = exc.hint
        if exc.field == "y":
            hint = f"Column {target_col} must hold numbers; leave a missing value empty."
        elif exc.field == "ds":
            hint = f"Column {time_col} must hold ISO dates or timestamps."
        raise InputFileError(
            f"--input {path}: {exc.message}", hint=hint, file=path, field=exc.field, row=exc.row
        ) from None
    scope = {"input": str(path), "id_col": id_col, "time_col": time_col, "target_col": target_col}
    rows = [{c: row[c] for c in COLUMNS} for row in found.to_dict(orient="records")]
    return AnomalyScan(
        scope,
        freq or "inferred",
        int(data["unique_id"].nunique()),
        len(data),
        rows,
        notes=notes,
    )


def _covered_from(
    ledger: Ledger,
    names: list[str],
    grain: str,
    start: Instant | None,
    end: Instant | None,
    filters: list[Filter],
    basis: str,
) -> dict[str, pd.Timestamp]:
    """Per series id, the first period of the bills of its providers."""
    keys = names if "provider" in names else [*names, "provider"]
    frame = cost_series(ledger, keys, grain, start, end, filters, basis=basis).frame
    if frame.empty:
        return {}
    firsts = frame.groupby("provider")["ds"].min()
    ids = frame[names].agg(SEP.join, axis=1) if names else pd.Series("total", index=frame.index)
    begins = frame["provider"].map(firsts)
    return {str(k): pd.Timestamp(v) for k, v in begins.groupby(ids).min().items()}


def _store_and_alert(
    ledger: Ledger,
    scan: AnomalyScan,
    webhook: str | None,
    secret: str | None,
    policy: RetryPolicy | None,
) -> AnomalyScan:
    """Store the scan's anomalies once; alert the ones never alerted (see :func:`anomalies`)."""
    assert scan.scope_key is not None
    now = datetime.now(UTC).replace(tzinfo=None)
    rows = [
        {
            **row,
            "ds": pd.Timestamp(row["ds"]).to_pydatetime(),
            "scope_key": scan.scope_key,
            "scope": scan.scope,
            "detected_at": now,
        }
        for row in scan.found
    ]
    with ledger.transaction() as con:
        added = store.add_anomalies(con, rows)
    fresh = {(r["unique_id"], r["ds"]) for r in added}
    found = [
        {**row, "new": (row["unique_id"], pd.Timestamp(row["ds"]).to_pydatetime()) in fresh}
        for row in scan.found
    ]
    pending = [r for r in store.anomalies(ledger.con, scan.scope_key) if r["alerted_at"] is None]
    notes = list(scan.notes)
    alerted = 0
    if pending and webhook is not None:
        body = {
            "event": EVENT,
            "scope": scan.scope,
            "anomalies": [
                {k: plain(r[k]) for k in (*COLUMNS[:-1], "drivers") if k in r} for r in pending
            ],
        }
        data = json.dumps(body, sort_keys=True, default=str).encode("utf-8")
        sent = post_json(webhook, data, secret=webhook_secret(secret), event=EVENT, policy=policy)
        if not sent.delivered:
            notes.append(
                f"the webhook did not take {len(pending)} anomalies ({sent.error}); "
                "they are sent again by the next run"
            )
            pending = []
    stamp = datetime.now(UTC).replace(tzinfo=None)
    if pending:
        with ledger.transaction() as con:
            for r in pending:
                store.mark_alerted(con, scan.scope_key, r["unique_id"], r["ds"], stamp)
        alerted = len(pending)
    return AnomalyScan(
        scan.scope,
        scan.freq,
        scan.series,
        scan.points,
        found,
        scan.scope_key,
        new=len(added),
        alerted=alerted,
        notes=notes,
    )


def _fine(driver: dict[str, Any]) -> int:
    """Rank of a driver's dimension among equal changes: the finest (resource) first."""
    order = ("resource", "sku", "service", "project", "region", "team")
    name = driver["dimension"]
    return order.index(name) if name in order else len(order)


def _value(value: Any) -> str | None:
    return None if value is None or value == NONE else str(value)
