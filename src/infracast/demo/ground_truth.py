"""The manifest's ground truth: totals and rule breaks read back from the files
written, anomaly sizes measured with the generator's own formulas."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import duckdb

from infracast.demo.company import Company
from infracast.demo.fleet import Fleet
from infracast.demo.manifest import Anomaly, DemoFile, RuleBreak, Total
from infracast.demo.streams import TABLE, steps_sql
from infracast.vocabulary import focus_spec

DECIMAL = "DECIMAL(38, 10)"


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def read_sql(paths: list[Path], file_format: str) -> str:
    """A table function reading ``paths`` as written (CSV as text, in file order)."""
    listed = "[" + ", ".join(_lit(p.as_posix()) for p in paths) + "]"
    if file_format == "parquet":
        return f"read_parquet({listed}, file_row_number = true)"
    return f"read_csv({listed}, all_varchar = true, header = true, nullstr = ['NULL', ''])"


def _cost(column: str, file_format: str) -> str:
    return column if file_format == "parquet" else f"TRY_CAST({column} AS {DECIMAL})"


def totals(
    con: duckdb.DuckDBPyConnection,
    company: Company,
    out: Path,
    files: list[DemoFile],
    file_format: str,
) -> list[Total]:
    """Rows and sums of BilledCost and EffectiveCost per provider and currency, as written."""
    result = []
    for slug, p in company.providers.items():
        paths = [out / f.path for f in files if f.provider == slug]
        if not paths:
            continue
        name_col = (
            "ServiceProviderName"
            if "ServiceProviderName" in focus_spec.columns_of(p.focus_version)
            else "ProviderName"
        )
        billed = _cost("BilledCost", file_format)
        rows = con.execute(
            f"""SELECT "{name_col}", BillingCurrency, count(*), coalesce(sum({billed}), 0),
                       coalesce(sum({_cost("EffectiveCost", file_format)}), 0),
                       count(*) FILTER (WHERE BilledCost IS NOT NULL AND {billed} IS NULL)
                FROM {read_sql(paths, file_format)} GROUP BY ALL ORDER BY ALL"""
        ).fetchall()
        for name, currency, n, b, e, unparsed in rows:
            result.append(
                Total(slug, str(name), str(currency), int(n), Decimal(b), Decimal(e), int(unparsed))
            )
    return result


_BREAK_CONDITIONS = {
    "refund_correction": "ChargeCategory = 'Usage' AND {billed} < 0",
    "negative_usage": "ChargeCategory = 'Usage' AND {billed} < 0",
    "wrong_case": "ChargeFrequency = {value}",
    "unparseable_cost": "BilledCost IS NOT NULL AND {billed} IS NULL",
}


def rule_breaks(
    con: duckdb.DuckDBPyConnection,
    fleet: Fleet,
    out: Path,
    files: list[DemoFile],
    file_format: str,
) -> list[RuleBreak]:
    """Each intentional rule break with the file and 1-based row numbers it landed on."""
    found: dict[tuple[str, str], RuleBreak] = {}
    rows_of: dict[tuple[str, str], set[int]] = defaultdict(set)
    for rb in fleet.rule_breaks:
        if file_format not in rb.get("formats", [file_format]):
            continue
        cond = _BREAK_CONDITIONS[rb["kind"]].format(
            billed=_cost("BilledCost", file_format), value=_lit(str(rb.get("value", "")))
        )
        for f in files:
            if f.provider != rb["provider"] or f.month != rb["month"]:
                continue
            row_number = (
                "file_row_number + 1" if file_format == "parquet" else "row_number() OVER ()"
            )
            hits = con.execute(
                f"""SELECT n FROM (SELECT *, {row_number} AS n
                                   FROM {read_sql([out / f.path], file_format)})
                    WHERE ResourceId = ? AND {cond} ORDER BY n""",
                [rb["resource_id"]],
            ).fetchall()
            if not hits:
                continue
            key = (rb["kind"], f.path)
            rows_of[key].update(int(h[0]) for h in hits)
            found.setdefault(
                key,
                RuleBreak(
                    kind=rb["kind"],
                    provider=rb["provider"],
                    file=f.path,
                    rows=[],
                    column=rb["column"],
                    resource_id=rb["resource_id"],
                    description=rb["description"],
                    value=rb.get("value"),
                ),
            )
    return [
        RuleBreak(**{**found[key].__dict__, "rows": sorted(rows_of[key])}) for key in sorted(found)
    ]


def _iso(fleet: Fleet, h: int) -> str:
    return fleet.period.timestamp(h).isoformat() + "Z"


def _money(value: float) -> Decimal:
    return Decimal(str(round(value, 2)))


def anomalies(con: duckdb.DuckDBPyConnection, company: Company, fleet: Fleet) -> list[Anomaly]:
    """The injected anomalies with their windows, scope and size (EffectiveCost added)."""
    streams = fleet.streams
    out = []
    for spec in company.anomalies:
        window = fleet.windows.get(spec.kind)
        if window is None or not window.sids:
            continue
        p = company.providers[spec.provider]
        first = streams.get(window.sids[0])
        price = float(first["list_price"]) * (1 - p.negotiated_discount)
        if spec.kind == "forgotten_dev_cluster":
            hours = window.end_h - window.start_h
            quantity, unit = float(hours * (first.get("gpus") or 1)), "GPU-hours"
            cost = hours * price
            resource_ids = [first["resource_id"]]
        elif spec.kind == "egress_spike":
            only = f"sid = {first['sid']}"
            row = con.execute(
                f"""SELECT sum(egress_gb(sid, h, grain, gb_day, spike_from, spike_to, spike_mult)
                               - egress_gb(sid, h, grain, gb_day, NULL, NULL, NULL))
                    FROM ({steps_sql(spec.provider, window.start_h, window.end_h, only)})"""
            ).fetchone()
            quantity, unit = float(row[0] if row and row[0] is not None else 0.0), "GB"
            cost = quantity * price
            resource_ids = [first["resource_id"]]
        else:
            args = "svc, h, grain, base, growth, amp, rmin, rmax"
            lo, hi = window.start_h, window.end_h
            row = con.execute(
                f"""SELECT sum((desired({args}, anom_from, anom_to) - desired_normal({args}))
                               * grain)
                    FROM (SELECT *, unnest(range(greatest(t0, {lo}), least(t1, {hi}), grain)) AS h
                          FROM {TABLE} WHERE sid = {first["sid"]})"""
            ).fetchone()
            quantity, unit = float(row[0] if row and row[0] is not None else 0.0), "instance-hours"
            cost = quantity * price
            slots = [streams.get(sid) for sid in window.sids]
            resource_ids = [
                s["resource_id"] for s in slots if first["rmin"] <= s["slot"] < 2 * first["rmin"]
            ]
        out.append(
            Anomaly(
                kind=spec.kind,
                provider=spec.provider,
                start=_iso(fleet, window.start_h),
                end=_iso(fleet, window.end_h),
                team=first.get("team"),
                project=first.get("project"),
                workload=first.get("workload_name"),
                resource_ids=resource_ids,
                extra_effective_cost=_money(cost),
                extra_quantity=round(quantity, 3),
                unit=unit,
                description=" ".join(spec.description.split()),
            )
        )
    return out
