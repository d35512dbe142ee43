"""Showback: every charge of a period assigned to a team, or shown as unallocated.

The model (docs/analytics.md, "Showback"):

- **direct**: a charge with ``x_team`` is that team's, GPU charges included (a
  dedicated resource is its team's whole cost);
- **GPU allocated**: a GPU charge without ``x_team`` whose samples carry team
  labels is split by held GPU-time: team t gets C · held_t / capacity (held
  scaled by capacity / held when the samples oversubscribe the GPUs); the rest,
  C · (1 − Σ held_t / capacity), is **unallocated idle**;
- **shared**: every other charge without ``x_team`` is split among the teams of
  its currency, ``proportional`` to their direct + GPU-allocated cost or
  ``even``; with no team in that currency it stays **unallocated shared**.

Σ team totals + unallocated idle + unallocated shared = the cost of the charges
in scope, exactly: Ibis adds up exact decimals per currency, team and kind, and
the splits are done here in Python with the largest-remainder rule.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal, localcontext
from typing import TYPE_CHECKING, Any, Literal

import ibis
import ibis.expr.types as ir

from infracast.analytics import allocation
from infracast.analytics.filters import Filter
from infracast.analytics.periods import Instant, parse_range
from infracast.analytics.rollup import gpu_sources
from infracast.analytics.scope import check_basis, cost_column, in_scope, to_rows
from infracast.analytics.usage import END, RESOURCE, START, team_holdings, with_totals
from infracast.errors import QueryError, did_you_mean

if TYPE_CHECKING:
    from infracast.ledger.connection import Ledger

Split = Literal["proportional", "even"]
SPLITS: tuple[str, ...] = ("proportional", "even")
ZERO = Decimal("0E-12")


@dataclass(frozen=True)
class Showback:
    """The result of :func:`showback`.

    ``rows`` has one dict per team and currency (``line`` = "team"), then per
    currency an ``unallocated_idle`` line (GPU capacity no team held) and an
    ``unallocated_shared`` line (shared cost with no team to carry it) where
    they apply. Keys: ``line``, ``team`` (None on unallocated lines),
    ``currency``, ``direct``, ``gpu_allocated``, ``shared``, ``idle``, ``total``.
    ``totals`` is the cost of the charges in scope per currency; the ``total``
    of the rows of a currency adds up to it exactly.
    """

    start: datetime | None
    end: datetime | None
    split: str
    basis: str
    rows: list[dict[str, Any]]
    totals: dict[str, Decimal]
    notes: list[str] = field(default_factory=list)

    def named_rows(self) -> list[dict[str, Any]]:
        """``rows`` with the unallocated lines named in ``team`` ("unallocated idle",
        "unallocated shared"), as tables and charts show them."""
        return [
            {**r, "team": r["team"] if r["team"] is not None else r["line"].replace("_", " ")}
            for r in self.rows
        ]

    def for_team(self, team: str) -> Showback:
        """Only ``team``'s lines, its totals the sum of them: what a user scoped to the team
        may see (the shares of shared and GPU cost it carries stay as computed over all)."""
        rows = [r for r in self.rows if r["team"] == team]
        totals: dict[str, Decimal] = {}
        for r in rows:
            totals[r["currency"]] = totals.get(r["currency"], Decimal(0)) + r["total"]
        note = f"scoped to team {team}: other teams' lines and the unallocated lines left out"
        return replace(self, rows=rows, totals=totals, notes=[*self.notes, note])

    def to_json(self) -> dict[str, Any]:
        """The JSON object ``infracast showback --format json`` prints."""
        return {
            "start": self.start,
            "end": self.end,
            "split": self.split,
            "basis": self.basis,
            "rows": self.rows,
            "totals": self.totals,
            "notes": self.notes,
        }


def showback_kinds(
    charges: ir.Table,
    samples: ir.Table,
    start: Instant | None = None,
    end: Instant | None = None,
    filters: Iterable[str | Filter] | str = (),
) -> ir.Table:
    """The charges in scope with ``kind`` (direct, gpu or shared) and ``team`` (direct only).

    Also ``capacity_s`` and the sample totals of :func:`~infracast.analytics.usage.sample_totals`
    (``held_s`` over all samples, ``labelled_s`` over labelled ones) for the GPU split.
    """
    scoped = in_scope(charges, start, end, filters)
    untagged_gpu = scoped.filter(scoped.x_team.nullif("").isnull() & (scoped.x_gpu_hours > 0))
    rows = with_totals(scoped, samples, measured=untagged_gpu)
    team = rows.x_team.nullif("")
    splittable = (rows.x_gpu_hours > 0) & (rows.capacity_s > 0) & (rows.labelled_s > 0)
    kind = ibis.cases(
        (team.notnull(), "direct"),
        (splittable.fill_null(False), "gpu"),
        else_="shared",
    )
    return rows.mutate(kind=kind, team=team)


def showback_costs(kinds: ir.Table, basis: str = "effective") -> ir.Table:
    """Exact cost per currency, kind and (for direct charges) team; one row each."""
    cost = cost_column(kinds, basis)
    grouped = kinds.group_by(currency=kinds.BillingCurrency, kind=kinds.kind, team=kinds.team)
    return grouped.aggregate(cost=cost.sum(), charges=kinds.count())


def gpu_team_weights(kinds: ir.Table, samples: ir.Table, basis: str = "effective") -> ir.Table:
    """Per currency and team: Σ C · held_t · scale / capacity over the GPU-split charges.

    ``scale`` = min(1, capacity / held) with held over all samples of the
    resource-period (labelled or not), so oversubscribed time is shared out
    rather than counted twice. Floats: the weights of the exact split.
    """
    gpu = kinds.filter(kinds.kind == "gpu").drop("team")
    holdings = team_holdings(gpu, samples).rename(team_held_s="held_s")
    joined = gpu.join(
        holdings,
        [
            gpu.ResourceId == holdings[RESOURCE],
            gpu.ChargePeriodStart == holdings[START],
            gpu.ChargePeriodEnd == holdings[END],
        ],
    )
    capacity = joined.capacity_s
    scale = ibis.ifelse(joined.held_s > capacity, capacity / joined.held_s, 1.0)
    team_held = joined.team_held_s * scale
    weight = cost_column(joined, basis).cast("float64") * team_held / capacity
    grouped = joined.group_by(currency=joined.BillingCurrency, team=joined.team)
    return grouped.aggregate(weight=weight.sum())


def showback(
    ledger: Ledger,
    start: Instant | None = None,
    end: Instant | None = None,
    split: str = "proportional",
    filters: Iterable[str | Filter] | str = (),
    basis: str = "effective",
) -> Showback:
    """Cost per team over ``[start, end)``, shared costs split ``proportional`` or ``even``."""
    rule = check_split(split)
    check_basis(basis)
    lo, hi = parse_range(start, end)
    sources = gpu_sources(ledger, (), lo, hi, filters)
    if sources is not None:
        daily, teams = sources
        cost_rows = kind_rows(to_rows(rollup_costs(daily, lo, hi, filters, basis)))
        weight_rows = to_rows(rollup_weights(teams, lo, hi, filters, basis))
    else:
        backend = ledger.ibis()
        samples = backend.table("usage_samples")
        kinds = showback_kinds(backend.table("charges"), samples, lo, hi, filters)
        cost_rows = to_rows(showback_costs(kinds, basis))
        weight_rows = to_rows(gpu_team_weights(kinds, samples, basis))
    rows, totals, notes = assemble(cost_rows, weight_rows, rule)
    return Showback(lo, hi, rule, basis, rows, totals, notes)


def rollup_costs(
    daily: ir.Table,
    start: Instant | None = None,
    end: Instant | None = None,
    filters: Iterable[str | Filter] | str = (),
    basis: str = "effective",
) -> ir.Table:
    """Over the daily rollup, per currency and team (null: untagged): the cost, and of an
    untagged one the GPU pool (``gpu``, the charges showback splits by samples) and the rest
    (``shared``), with how many charges each holds; :func:`kind_rows` makes them the rows of
    :func:`showback_costs`."""
    rows = in_scope(daily, start, end, filters)
    cost = cost_column(rows, basis).sum()
    gpu = rows[f"x_split_{basis}_cost"].sum()
    grouped = rows.group_by(currency=rows.BillingCurrency, team=rows.x_team.nullif(""))
    return grouped.aggregate(
        cost=cost,
        gpu=gpu,
        shared=cost - gpu,
        charges=rows.x_rows.sum(),
        gpu_charges=rows.x_split_rows.sum(),
    )


def kind_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows of :func:`rollup_costs` as :func:`showback_costs` gives them: one per
    currency, kind and team, only for kinds some charge has."""
    out: list[dict[str, Any]] = []
    for row in rows:
        base = {"currency": row["currency"], "team": row["team"]}
        if row["team"] is not None:
            out.append({**base, "kind": "direct", "cost": row["cost"], "charges": row["charges"]})
            continue
        gpu_charges = int(row["gpu_charges"])
        if gpu_charges:
            out.append({**base, "kind": "gpu", "cost": row["gpu"], "charges": gpu_charges})
        if int(row["charges"]) > gpu_charges:
            shared = int(row["charges"]) - gpu_charges
            out.append({**base, "kind": "shared", "cost": row["shared"], "charges": shared})
    return out


def rollup_weights(
    teams: ir.Table,
    start: Instant | None = None,
    end: Instant | None = None,
    filters: Iterable[str | Filter] | str = (),
    basis: str = "effective",
) -> ir.Table:
    """:func:`gpu_team_weights` over the rollup's showback weights (``charges_daily_teams``)."""
    rows = in_scope(teams, start, end, filters)
    grouped = rows.group_by(currency=rows.BillingCurrency, team=rows.x_sample_team)
    return grouped.aggregate(weight=rows[f"x_{basis}_weight"].sum())


def check_split(split: str) -> Split:
    """Return ``split`` if it is proportional or even; else raise QueryError."""
    if split not in SPLITS:
        raise QueryError(
            f'unknown split "{split}".{did_you_mean(split, SPLITS)}',
            hint="Use proportional (to each team's allocated cost) or even.",
        )
    return split  # type: ignore[return-value]


def assemble(
    cost_rows: list[dict[str, Any]], weight_rows: list[dict[str, Any]], rule: Split
) -> tuple[list[dict[str, Any]], dict[str, Decimal], list[str]]:
    """Turn the aggregates of :func:`showback_costs` and :func:`gpu_team_weights` into lines.

    Pure and exact: per currency, the lines' totals add up to the cost in scope.
    """
    direct: dict[str, dict[str, Decimal]] = defaultdict(dict)
    pooled: dict[str, dict[str, Decimal]] = defaultdict(dict)
    weights: dict[str, dict[str, float]] = defaultdict(dict)
    totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    rows: list[dict[str, Any]] = []
    notes: list[str] = []
    with localcontext(prec=80):
        for row in cost_rows:
            currency, kind, cost = row["currency"], row["kind"], row["cost"]
            totals[currency] += cost
            if kind == "direct":
                direct[currency][row["team"]] = cost
            else:
                pooled[currency][kind] = pooled[currency].get(kind, ZERO) + cost
        for row in weight_rows:
            weights[row["currency"]][row["team"]] = float(row["weight"] or 0.0)
        for currency in sorted(totals):
            lines, note = _currency_lines(
                currency, direct[currency], pooled[currency], weights[currency], rule
            )
            rows.extend(lines)
            notes.extend(note)
    return rows, dict(totals), notes


def _currency_lines(
    currency: str,
    direct: Mapping[str, Decimal],
    pooled: Mapping[str, Decimal],
    weights: Mapping[str, float],
    rule: Split,
) -> tuple[list[dict[str, Any]], list[str]]:
    """The lines of one currency: teams by total, then idle and unallocated shared."""
    notes: list[str] = []
    gpu_cost = pooled.get("gpu", ZERO)
    gpu_part = _gpu_allocation(gpu_cost, weights)
    teams = sorted(set(direct) | set(gpu_part))
    allocated = {t: direct.get(t, ZERO) + gpu_part.get(t, ZERO) for t in teams}
    shared_cost = pooled.get("shared", ZERO)
    shared_part: dict[str, Decimal] = {}
    if teams:
        positive = {t: max(allocated[t], ZERO) for t in teams}
        if rule == "proportional" and sum(positive.values(), ZERO) > 0:
            shared_part = allocation.split(shared_cost, positive)
        else:
            shared_part = allocation.even(shared_cost, teams)
            if rule == "proportional" and shared_cost != 0:
                notes.append(
                    f"{currency}: no team has a positive allocated cost, so shared cost "
                    "was split evenly instead of in proportion."
                )
    elif "shared" in pooled:
        notes.append(f"{currency}: no charge names a team, so shared cost stays unallocated.")
    lines = [
        _line(
            "team",
            t,
            currency,
            direct=direct.get(t, ZERO),
            gpu_allocated=gpu_part.get(t, ZERO),
            shared=shared_part.get(t, ZERO),
        )
        for t in teams
    ]
    lines.sort(key=lambda line: (-line["total"], line["team"]))
    if "gpu" in pooled:
        idle = gpu_cost - sum(gpu_part.values(), ZERO)
        lines.append(_line("unallocated_idle", None, currency, idle=idle))
    if "shared" in pooled and not teams:
        lines.append(_line("unallocated_shared", None, currency, shared=shared_cost))
    return lines, notes


def _gpu_allocation(gpu_cost: Decimal, weights: Mapping[str, float]) -> dict[str, Decimal]:
    """Split the held part of the GPU pool, Σ weights, among the teams; the rest is idle.

    Σ weights is at most the pool's cost, up to float error; it is clipped to
    [0, cost] (for a negative pool, [cost, 0]) so idle never changes sign.
    """
    if not weights:
        return {}
    sizes = {team: abs(w) for team, w in weights.items()}
    if sum(sizes.values()) == 0:
        return dict.fromkeys(sorted(weights), ZERO)
    low, high = sorted((ZERO, gpu_cost))
    held_exact = allocation.to_money(sum(weights.values()), allocation.DERIVED_SCALE)
    held = min(max(held_exact, low), high)
    return allocation.split(held, sizes)


def _line(
    line: str,
    team: str | None,
    currency: str,
    *,
    direct: Decimal = ZERO,
    gpu_allocated: Decimal = ZERO,
    shared: Decimal = ZERO,
    idle: Decimal = ZERO,
) -> dict[str, Any]:
    return {
        "line": line,
        "team": team,
        "currency": currency,
        "direct": direct,
        "gpu_allocated": gpu_allocated,
        "shared": shared,
        "idle": idle,
        "total": direct + gpu_allocated + shared + idle,
    }
