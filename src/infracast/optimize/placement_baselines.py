"""What a placement plan is measured against: the baseline and a greedy cheapest-first plan.

Both work on the arrays :mod:`infracast.optimize.placement_plan` builds (one entry per eligible
(workload, offer) pair), so they price a workload exactly as the MILP does.

- **Baseline**: each workload on its ``current_offer`` (priced by the same formula, even if
  that offer no longer meets the workload's constraints), else on the cheapest acceptable
  on-demand offer at list price (not committed capacity, not spot); capacity and budget caps
  are ignored: the baseline is what the workloads would cost as bought today, not a plan.
  A workload with neither has no baseline, and then the plan's baseline is None.
- **Greedy**: the workloads in decreasing order of GPU-hours (ties in input order), each on
  the cheapest of its pairs that still fits every capacity and cap row (``A x <= b``, all
  coefficients >= 0); a split workload is placed whole on one offer. None when some
  workload finds no pair with room: greedy found no full plan.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from scipy import sparse

from infracast.optimize.placement_inputs import Offer, Workload
from infracast.optimize.placement_model import COVER, PlacementModel, pair_costs


def baseline_cost(
    n_workloads: int,
    current_cost: np.ndarray,
    pair_w: np.ndarray,
    pair_cost: np.ndarray,
    pair_on_demand: np.ndarray,
) -> tuple[float | None, np.ndarray]:
    """The baseline's total and each workload's part (NaN where a workload has none).

    ``current_cost[w]``: the workload's cost on its current offer, NaN without one;
    ``pair_w``/``pair_cost``: every acceptable pair (capacity ignored) and its cost;
    ``pair_on_demand``: the pairs whose offer is on demand at list price.
    """
    cheapest = np.full(n_workloads, np.inf)
    on_demand = np.asarray(pair_on_demand, dtype=bool)
    np.minimum.at(cheapest, np.asarray(pair_w)[on_demand], np.asarray(pair_cost)[on_demand])
    cheapest[~np.isfinite(cheapest)] = np.nan
    each = np.where(np.isnan(current_cost), cheapest, current_cost)
    total = None if np.isnan(each).any() else float(each.sum())
    return total, each


def greedy_plan(
    n_workloads: int,
    order: np.ndarray,
    pair_w: np.ndarray,
    pair_cost: np.ndarray,
    usage: sparse.csc_array,
    row_upper: np.ndarray,
) -> np.ndarray | None:
    """The pair each workload takes (cheapest first, in ``order``), or None when one finds
    no pair with room. ``usage``: rows x pairs, what each pair takes of each row's
    ``row_upper`` (capacity in instances, caps in money)."""
    used = np.zeros(len(row_upper))
    chosen = np.full(n_workloads, -1, dtype=np.int64)
    by_workload = np.argsort(pair_w, kind="stable")
    starts = np.searchsorted(pair_w[by_workload], np.arange(n_workloads + 1))
    indptr, indices, data = usage.indptr, usage.indices, usage.data
    for w in order:
        pairs = by_workload[starts[w] : starts[w + 1]]
        for p in pairs[np.argsort(pair_cost[pairs], kind="stable")]:
            rows = indices[indptr[p] : indptr[p + 1]]
            need = data[indptr[p] : indptr[p + 1]]
            if np.all(used[rows] + need <= row_upper[rows] * (1 + 1e-9) + 1e-9):
                used[rows] += need
                chosen[w] = p
                break
        else:
            return None
    return chosen


def plan_baselines(
    ws: Sequence[Workload],
    os_: Sequence[Offer],
    m: PlacementModel,
    dur: np.ndarray,
    n: np.ndarray,
    rate: np.ndarray,
    masks: Mapping[str, np.ndarray],
    egress_per_gb: float,
    notes: list[str],
) -> tuple[float | None, float | None, np.ndarray]:
    """The baseline, the greedy plan's cost (see the module docstring) and each workload's
    baseline cost (NaN where it has none)."""
    accept = np.logical_and.reduce([v for k, v in masks.items() if k != "capacity"])
    pw, po = np.nonzero(accept)
    whole = np.zeros(len(pw), dtype=bool)
    running, egress = pair_costs(
        ws, os_, pw, po, dur[pw, po], n[pw, po], rate, egress_per_gb, whole
    )
    listed = np.array([o.pricing == "on_demand" and not o.committed for o in os_])[po]
    names = [o.offer for o in os_]
    current = np.full(len(ws), np.nan)
    for i, w in enumerate(ws):
        if w.current_offer is None:
            continue
        j = names.index(w.current_offer)
        one = np.array([True])
        r, e = pair_costs(
            ws,
            os_,
            np.array([i]),
            np.array([j]),
            dur[i, j : j + 1],
            n[i, j : j + 1],
            rate,
            egress_per_gb,
            ~one,
        )
        current[i] = r[0] + e[0]
        failed = [k for k, v in masks.items() if k != "capacity" and not v[i, j]]
        if failed:
            notes.append(
                f"workload {w.workload!r}'s current offer {w.current_offer} fails its "
                f"{', '.join(failed)} constraint; the baseline prices it there anyway"
            )
    base, each = baseline_cost(len(ws), current, pw, running + egress, listed)
    notes.append(
        "baseline: each workload on its current_offer, else on the cheapest acceptable "
        "on-demand offer at list price; capacity and budget caps ignored"
    )
    if base is None:
        missing = [ws[int(i)].workload for i in np.flatnonzero(np.isnan(each))]
        notes.append(
            f"no baseline: {', '.join(missing[:5])} has no current_offer and no acceptable "
            "on-demand offer, so baseline_cost and savings are null"
        )
    rest = m.row_kind != COVER
    scale = np.where(m.split, m.instances, 1).astype(float)
    usage = sparse.csc_array(m.matrix[rest] @ sparse.diags_array(scale))
    order = np.argsort(-np.array([w.gpus * w.hours for w in ws]), kind="stable")
    chosen = greedy_plan(len(ws), order, m.pair_w, m.cost * scale, usage, m.row_upper[rest])
    notes.append(
        "greedy: workloads by GPU-hours, largest first, each on its cheapest offer with room "
        "(capacity and caps respected; a split workload placed whole on one offer)"
    )
    if chosen is None:
        notes.append(
            "greedy found no full plan (a workload found no offer with room): greedy_cost is null"
        )
        return base, None, each
    return base, float((m.cost * scale)[chosen].sum()), each
