"""Why a placement has no plan, said as the workload, the constraint and the nearest change.

Two kinds of cause, found in order:

1. **A workload no offer can take.** Its filters are applied one after another (accelerator,
   memory, provider, region, interruptible, deadline, capacity); the first that leaves no
   offer is named, with the change that would bring one back (the most memory on offer, the
   earliest finish, the largest capacity…). :func:`no_offer_error`.
2. **Workloads that each fit alone but not together.** An elastic copy of the model lets
   every capacity and budget-cap row overrun by a slack ``s_r >= 0`` (``A_r x - s_r <=
   b_r``) and minimises ``Σ s_r / max(b_r, 1)`` (the relative overrun; a 1e-6 weight on the
   plan's cost breaks ties): the rows left with slack are the constraints that cannot all
   hold, and their slack is the smallest increase that makes the plan feasible.
   :func:`elastic_slack` solves it and :func:`shortfall_error` says it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from infracast.optimize._solver import solve
from infracast.optimize.exceptions import InfeasibleError
from infracast.optimize.placement_inputs import BudgetCap, Offer, Workload
from infracast.optimize.placement_model import CAPACITY, COVER, PlacementModel


def _listed(names: Sequence[str], most: int = 6) -> str:
    names = list(dict.fromkeys(names))
    shown = ", ".join(names[:most])
    return shown + (f" and {len(names) - most} more" if len(names) > most else "")


def no_offer_error(
    workload: Workload,
    offers: Sequence[Offer],
    masks: Mapping[str, np.ndarray],
    finish: np.ndarray,
    instances: np.ndarray,
) -> InfeasibleError:
    """The error for a workload that no offer can take. ``masks``: per filter, in order,
    which offers pass it; ``finish``: the hour it would finish on each offer;
    ``instances``: the whole instances it needs on each."""
    left = np.ones(len(offers), dtype=bool)
    name = repr(workload.workload)
    for kind, mask in masks.items():
        if not (left & mask).any():
            return _why(kind, name, workload, offers, left, finish, instances)
        left &= mask
    raise AssertionError("no_offer_error called for a workload some offer can take")


def _why(
    kind: str,
    name: str,
    w: Workload,
    offers: Sequence[Offer],
    left: np.ndarray,
    finish: np.ndarray,
    instances: np.ndarray,
) -> InfeasibleError:
    rest = [o for o, keep in zip(offers, left, strict=True) if keep]
    if kind == "accelerator":
        have = sorted({o.accelerator for o in offers})
        return InfeasibleError(
            f"workload {name} accepts only {_listed(w.accelerators)}, and no offer has one.",
            hint=f"Add an offer of {w.accelerators[0]}, or accept one of the offers' "
            f"accelerators: {_listed(have)}.",
            field="accelerators",
        )
    if kind == "memory":
        best = max(rest, key=lambda o: o.memory_gb)
        return InfeasibleError(
            f"workload {name} needs {w.min_gpu_memory_gb:g} GB of GPU memory, and no offer "
            f"of its accelerators has that much (the most is {best.memory_gb:g} GB, on "
            f"{best.offer}).",
            hint=f"Lower min_gpu_memory_gb to {best.memory_gb:g}, or accept an accelerator "
            "with more memory.",
            field="min_gpu_memory_gb",
        )
    if kind == "provider":
        return InfeasibleError(
            f"workload {name} may run only on {_listed(w.providers)}, and no offer there suits it.",
            hint=f"Allow one of the providers that has: {_listed([o.provider for o in rest])}, "
            f"or add an offer from {w.providers[0]}.",
            field="providers",
        )
    if kind == "region":
        there = [o.region for o in rest if o.region]
        return InfeasibleError(
            f"workload {name} may run only in {_listed(w.regions)}, and no offer it can use "
            "is there.",
            hint=(
                f"Allow one of the regions that has one: {_listed(there)}, or add"
                if there
                else "Add"
            )
            + f" an offer in {w.regions[0]}.",
            field="regions",
        )
    if kind == "interruptible":
        return InfeasibleError(
            f"workload {name} is not interruptible, and every offer it can use is spot (may "
            "be interrupted).",
            hint="Set interruptible to true (with checkpoint_minutes), or add an on-demand "
            "or committed offer.",
            field="interruptible",
        )
    if kind == "deadline":
        index = np.flatnonzero(left)
        fastest = int(index[np.argmin(finish[index])])
        earliest = math.ceil(float(finish[fastest]) * 100) / 100
        return InfeasibleError(
            f"workload {name} must finish by hour {w.deadline_hours:g}, and no offer it can "
            f"use is fast enough: the earliest finish is hour {earliest:g}, on "
            f"{offers[fastest].offer}.",
            hint=f"Move deadline_hours to {earliest:g} or later, start it earlier, or accept "
            "a faster accelerator.",
            field="deadline_hours",
        )
    index = np.flatnonzero(left)
    caps = np.array([offers[int(i)].capacity_instances or 0 for i in index], dtype=np.float64)
    closest = int(index[int(np.argmin(instances[index] - caps))])
    roomiest = offers[closest]
    need = int(instances[closest])
    return InfeasibleError(
        f"workload {name} needs {need} instances of one offer, and no offer it can use has "
        f"that many (the closest: {roomiest.capacity_instances} on {roomiest.offer}).",
        hint=f"Raise capacity_instances of {roomiest.offer} to {need}, or set split to true to "
        "spread the workload over several offers.",
        field="capacity_instances",
    )


def elastic_slack(
    cost: np.ndarray,
    matrix: sparse.csr_array,
    row_lower: np.ndarray,
    row_upper: np.ndarray,
    col_upper: np.ndarray,
    integer: np.ndarray,
    elastic: np.ndarray,
    *,
    time_limit: float | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The plan and the slack of each row in ``elastic`` (row indices of ``<=`` rows) that
    minimise the relative overrun ``Σ s_r / max(b_r, 1)``; slack 0 elsewhere."""
    m, n = matrix.shape
    k = len(elastic)
    slack = sparse.csr_array((-np.ones(k), (elastic, np.arange(k))), shape=(m, k))
    full = sparse.hstack([matrix, slack], format="csc")
    scale = max(float(np.abs(cost).sum()), 1.0)
    weights = 1.0 / np.maximum(np.abs(row_upper[elastic]), 1.0)
    solution = solve(
        np.concatenate([1e-6 * cost / scale, weights]),
        full,
        row_lower,
        row_upper,
        np.zeros(n + k),
        np.concatenate([col_upper, np.full(k, np.inf)]),
        integer=np.concatenate([integer, np.zeros(k, dtype=bool)]),
        time_limit=time_limit,
    )
    if not solution.has_solution:
        raise InfeasibleError(
            "no plan fits every constraint, and the search for the nearest feasible change "
            "ran out of time.",
            hint="Raise the time limit, or relax the capacities and budget caps.",
        )
    per_row = np.zeros(m)
    per_row[elastic] = np.where(solution.x[n:] > 1e-6, solution.x[n:], 0.0)
    return solution.x[:n], per_row


@dataclass(frozen=True)
class Shortfall:
    """One constraint the elastic plan overran: an offer's capacity or a team's cap."""

    kind: str  # "capacity" or "budget_cap"
    name: str  # the offer or the team
    limit: float  # capacity in instances, or the cap's amount
    short: float  # the smallest increase that makes the plan feasible
    workloads: tuple[str, ...]  # the workloads drawing on it in the elastic plan
    per: str | None = None  # "hour" or "month" for a cap


def shortfall_error(shortfalls: Sequence[Shortfall], currency: str) -> InfeasibleError:
    """The error for workloads that each fit alone but not together."""
    said: list[str] = []
    changes: list[str] = []
    for s in shortfalls:
        who = _listed([repr(w) for w in s.workloads])
        if s.kind == "capacity":
            short = math.ceil(s.short - 1e-6)
            said.append(
                f"offer {s.name} has {s.limit:g} instances but workloads {who} need {short} "
                "more at once"
            )
            changes.append(f"raise capacity_instances of {s.name} to {s.limit + short:g}")
        else:
            short_money = math.ceil(s.short * 100 - 1e-6) / 100
            said.append(
                f"team {s.name}'s cap of {s.limit:,.2f} {currency} per {s.per} is short by "
                f"{short_money:,.2f} {currency} for workloads {who}"
            )
            changes.append(f"raise team {s.name}'s cap per {s.per} to {s.limit + short_money:,.2f}")
    fields = {s.kind for s in shortfalls}
    return InfeasibleError(
        "no plan fits every constraint: " + "; ".join(said) + ".",
        hint="The nearest feasible change: "
        + ", ".join(changes)
        + "; or let these workloads use other accelerators, regions or providers.",
        field="capacity_instances" if fields == {"capacity"} else "budget_caps",
    )


def model_shortfall(
    ws: Sequence[Workload],
    os_: Sequence[Offer],
    caps: Sequence[BudgetCap],
    m: PlacementModel,
    time_limit: float,
) -> InfeasibleError:
    """The error for a model with no feasible plan: the elastic plan's shortfalls."""
    elastic = np.flatnonzero(m.row_kind != COVER)
    x, slack = elastic_slack(
        m.cost,
        m.matrix,
        m.row_lower,
        m.row_upper,
        m.upper,
        np.ones(len(m.cost), dtype=bool),
        elastic,
        time_limit=time_limit,
    )
    chosen = x > 0.5
    found: dict[tuple[int, int], Shortfall] = {}
    for r in np.flatnonzero(slack > 1e-6):
        kind, owner = int(m.row_kind[r]), int(m.row_ref[r])
        row = m.matrix[[r], :].toarray().ravel()
        names = tuple(
            dict.fromkeys(ws[m.pair_w[p]].workload for p in np.flatnonzero(chosen & (row > 0)))
        )
        if kind == CAPACITY:
            item = Shortfall("capacity", os_[owner].offer, m.row_upper[r], slack[r], names)
        else:
            cap = caps[owner]
            item = Shortfall("budget_cap", cap.team, cap.amount, slack[r], names, cap.per)
        old = found.get((kind, owner))
        if old is None or old.short < item.short:
            found[(kind, owner)] = item
    return shortfall_error(list(found.values()), os_[0].currency)
