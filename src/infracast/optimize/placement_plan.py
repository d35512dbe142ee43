"""Placement: each workload on the offers that run it at the least expected cost (a MILP).

Sets: workloads ``w`` (:class:`~infracast.optimize.placement_inputs.Workload`), offers ``o``
(:class:`~infracast.optimize.placement_inputs.Offer`), team budget caps ``k``, and the
start hours ``t`` of the workloads (the time slices).

Data, per workload and offer:

- relative speed ``v_wo = peak(acc_o) / peak(first accelerator of w)``, dense peaks from the
  catalog in bf16 (else fp16, else fp32: the first precision both parts have; V100 and T4
  have no bf16); a workload that lists no accelerator takes ``hours`` on every one.
  Duration ``d_wo = hours_w / v_wo``; the run occupies ``[s_w, s_w + d_wo)``.
- whole instances ``n_wo = ceil(gpus_w / gpus_per_instance_o)``.
- expected cost of the whole workload on one offer:
  ``c_wo = n_wo · p_o · d_wo · (1 + n_wo · λ_o · c_w / 2) + e_wo``, where ``p_o`` is the
  marginal price per instance-hour (0 for committed capacity), ``λ_o`` the offer's
  interruptions per instance-hour and ``c_w = min(checkpoint interval, d_wo)`` in hours
  (``d_wo`` without checkpoints). An interruption of any of the ``n_wo`` instances of a
  gang-scheduled run loses on average half a checkpoint interval of all of them, so the
  expected rework is ``n_wo λ_o d_wo · c_w / 2`` hours per instance: first order in
  ``λ c``, repeated interruptions of the rework itself ignored. Egress
  ``e_wo = data_gb_w · egress_per_gb`` when the offer's region is not the workload's
  ``data_region`` (0 without one).
- a split workload buys single instances: per instance ``p_o · d_wo · (1 + λ_o c_w / 2)``
  (its parts are independent) plus its share of egress ``data_gb · egress_per_gb ·
  gpus_per_instance_o / gpus_w``.

Eligible pairs (the columns): the offer's accelerator is accepted, its GPU memory is at
least ``min_gpu_memory_gb``, its provider and region are allowed, it is not spot (rate > 0
or pricing ``spot``) unless the workload is interruptible, ``s_w + d_wo <= deadline_w``,
and (unless split) ``n_wo <= capacity_o``.

Variables: ``x_wo ∈ {0, 1}`` (workload w on offer o), or for a split workload
``k_wo ∈ {0, …, n_wo}`` instances of o.

Objective: minimise ``Σ c_wo x_wo + Σ c'_wo k_wo`` (the expected total cost).

With a carbon price ``P`` (per tonne of CO2e) every offer needs ``co2e_kg_per_hour`` ``g_o``
and each pair's cost gains ``P · kg_wo / 1000``, ``kg_wo = g_o · (the expected
instance-hours of c_wo: n_wo · d_wo · (1 + n_wo λ_o c_w / 2))``: the plan, the baseline and
greedy trade dollars for emissions at ``P``; budget caps still count money only. Each
assignment then reports its ``co2e_kg`` and ``carbon_cost`` (included in its ``cost``).

Constraints:

- one offer per workload: ``Σ_o x_wo = 1``; a split workload's GPUs:
  ``Σ_o gpus_per_instance_o · k_wo >= gpus_w``;
- capacity at every time slice: for each offer with a capacity and each start hour ``t``,
  ``Σ_{w active at t} n_wo x_wo + k_wo <= capacity_o`` (load only rises at a start, so the
  start hours are the only instants to check; with every start at 0, one row per offer);
- hourly caps: for each cap ``k`` of team T per hour and each ``t``,
  ``Σ_{w of T active at t} n_wo p_o x_wo + p_o k_wo <= amount_k``;
- monthly caps: ``Σ_{w of T} (running cost accrued in [0, 730 h)) x_wo + egress (if it
  starts before hour 730) <= amount_k``, the running cost spread evenly over ``[s, s + d)``.

The model is built as arrays over the eligible pairs by
:mod:`infracast.optimize.placement_model` (numpy, ``scipy.sparse``) and solved by HiGHS
through :func:`infracast.optimize._solver.solve`; the baseline and greedy plans are in
:mod:`infracast.optimize.placement_baselines`. A cap binds when the plan's cost falls
without it (a re-solve per cap, up to :data:`BINDING_CHECKS` caps; beyond that, a cap at
zero slack). An infeasible input raises :class:`InfeasibleError` from
:mod:`infracast.optimize.infeasibility`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

import numpy as np

from infracast.optimize._assignment import FULL_MILP_PAIRS, solve_assignment
from infracast.optimize._solver import Solution, Status, solve
from infracast.optimize.exceptions import OptimizeError
from infracast.optimize.infeasibility import model_shortfall, no_offer_error
from infracast.optimize.placement_baselines import plan_baselines
from infracast.optimize.placement_inputs import (
    BudgetCap,
    Offer,
    Workload,
    check_references,
    parse_caps,
    parse_offers,
    parse_workloads,
    with_carbon_price,
)
from infracast.optimize.placement_model import (
    CAPACITY,
    DEFAULT_EGRESS_PER_GB,
    DEFAULT_SPOT_INTERRUPTIONS_PER_HOUR,
    HOUR,
    MONTH,
    PlacementModel,
    build_model,
    masks,
    plan_carbon,
    rates,
    slowness,
)
from infracast.optimize.placement_result import Assignment, PlacementResult

BINDING_CHECKS = 20


LARGE_GAP = 0.005  # the gap column generation stops at (issue 13: 0.5% at 10,000 x 1,000)
LARGE_PAIRS = FULL_MILP_PAIRS  # plain models with this many pairs go to column generation


def placement(
    workloads: Iterable[Workload | Mapping[str, Any]],
    offers: Iterable[Offer | Mapping[str, Any]],
    *,
    budget_caps: Iterable[BudgetCap | Mapping[str, Any]] = (),
    egress_per_gb: float = DEFAULT_EGRESS_PER_GB,
    spot_interruptions_per_hour: float = DEFAULT_SPOT_INTERRUPTIONS_PER_HOUR,
    time_limit: float = 60.0,
    mip_gap: float = 1e-4,
    carbon_price_per_tonne: float | None = None,
) -> PlacementResult:
    """Place every workload on offers at the least expected cost (the model is in the module
    docstring); an :class:`InfeasibleError` names what cannot be met and the nearest change.

    ``egress_per_gb``: price of moving a workload's data out of its ``data_region``;
    ``spot_interruptions_per_hour``: the rate assumed for spot offers that give none;
    ``carbon_price_per_tonne``: the price of a tonne of CO2e, in the offers' currency (every
    offer then needs ``co2e_kg_per_hour``; see the module docstring).
    """
    ws, os_, caps = parse_workloads(workloads), parse_offers(offers), parse_caps(budget_caps)
    check_references(ws, os_)
    digest = inputs_hash(
        ws, os_, caps, egress_per_gb, spot_interruptions_per_hour, carbon_price_per_tonne
    )
    if carbon_price_per_tonne is not None:
        os_ = with_carbon_price(os_, carbon_price_per_tonne)
    if egress_per_gb < 0 or spot_interruptions_per_hour < 0 or time_limit <= 0:
        raise OptimizeError(
            "egress_per_gb and spot_interruptions_per_hour must be >= 0, time_limit > 0.",
            hint="Give prices and rates as non-negative numbers.",
        )
    notes: list[str] = []
    slow = slowness(ws, os_, notes)
    dur = np.array([w.hours for w in ws])[:, None] * slow
    start = np.array([w.start_hour for w in ws])
    gpi = np.array([o.gpus_per_instance for o in os_])
    n = -(-np.array([w.gpus for w in ws])[:, None] // gpi[None, :])
    passes = masks(ws, os_, dur, n)
    ok = np.logical_and.reduce(list(passes.values()))
    for i in np.flatnonzero(~ok.any(axis=1)):
        raise no_offer_error(
            ws[i], os_, {k: m[i] for k, m in passes.items()}, start[i] + dur[i], n[i]
        )
    rate = rates(os_, spot_interruptions_per_hour, notes)
    model = build_model(ws, os_, caps, dur, n, rate, ok, egress_per_gb)
    if model.plain and model.cost.size >= LARGE_PAIRS:
        solution = _large(model, os_, len(ws), time_limit, mip_gap, notes)
    else:
        solution = solve(
            model.cost,
            model.matrix,
            model.row_lower,
            model.row_upper,
            np.zeros(len(model.cost)),
            model.upper,
            integer=np.ones(len(model.cost), dtype=bool),
            time_limit=time_limit,
            mip_gap=mip_gap,
        )
    if solution.status == "infeasible":
        raise model_shortfall(ws, os_, caps, model, time_limit)
    if not solution.has_solution:
        raise OptimizeError(
            f"no plan found within the time limit of {time_limit:g} s.",
            hint="Raise time_limit, or place fewer workloads at once.",
            field="time_limit",
        )
    x = np.round(solution.x)
    notes += _model_notes(ws, os_, caps, egress_per_gb)
    objective = float(model.cost @ x)
    base, greedy, each = plan_baselines(ws, os_, model, dur, n, rate, passes, egress_per_gb, notes)
    status: Literal["optimal", "feasible"] = (
        "optimal" if solution.status == "optimal" else "feasible"
    )
    bound = min(float(solution.bound), objective)
    carbon = plan_carbon(model, x, carbon_price_per_tonne, os_[0].currency, notes)
    return PlacementResult(
        status=status,
        objective=objective,
        bound=bound,
        gap=max(0.0, (objective - bound) / max(abs(objective), 1e-9)),
        baseline_cost=base,
        greedy_cost=greedy,
        savings=None if base is None else base - objective,
        savings_vs_greedy=None if greedy is None else greedy - objective,
        solve_seconds=solution.seconds,
        currency=os_[0].currency,
        assignments=_assignments(ws, os_, model, x, each),
        binding=_binding(os_, caps, model, x, objective, time_limit, notes),
        assumptions=tuple(dict.fromkeys(notes)),
        inputs_hash=digest,
        carbon_price_per_tonne=carbon_price_per_tonne,
        co2e_kg=carbon[0],
        carbon_cost=carbon[1],
    )


def _large(
    model: PlacementModel,
    os_: Sequence[Offer],
    n_workloads: int,
    time_limit: float,
    mip_gap: float,
    notes: list[str],
) -> Solution:
    """A plain model (one offer per workload, one capacity row per offer) too big for HiGHS
    whole, solved by column generation (:mod:`infracast.optimize._assignment`), its bound
    valid for the full model."""
    capacity = np.array(
        [np.inf if o.capacity_instances is None else o.capacity_instances for o in os_],
        dtype=float,
    )
    big = solve_assignment(
        model.pair_w,
        model.pair_o,
        model.cost,
        model.instances,
        capacity,
        n_workloads,
        time_limit=time_limit,
        gap=max(mip_gap, LARGE_GAP),
    )
    x = np.zeros(model.cost.size)
    placed = big.choice[big.choice >= 0]
    x[placed] = 1.0
    notes.append(
        f"{model.cost.size:,} eligible pairs: solved by column generation ({big.iterations} "
        f"pricing rounds, {big.columns:,} columns) and a restricted MILP, to a proven gap of "
        f"{big.gap:.3%} against a bound valid for the whole model (asked: {LARGE_GAP:.1%})"
    )
    if big.status == "infeasible":
        return Solution("infeasible", float("nan"), float("nan"), float("nan"), np.empty(0))
    status: Status = "optimal" if big.status == "optimal" else "feasible"
    return Solution(status, big.objective, big.bound, big.gap, x, seconds=big.seconds)


def inputs_hash(
    workloads: Sequence[Workload],
    offers: Sequence[Offer],
    caps: Sequence[BudgetCap],
    egress_per_gb: float,
    spot_interruptions_per_hour: float,
    carbon_price_per_tonne: float | None = None,
) -> str:
    """SHA-256 of the canonical JSON of the validated inputs and parameters (the carbon
    figures only where given, so inputs without them hash as before)."""
    payload: dict[str, Any] = {
        "workloads": [w.model_dump(mode="json") for w in workloads],
        "offers": [
            o.model_dump(
                mode="json", exclude={"co2e_kg_per_hour"} if o.co2e_kg_per_hour is None else None
            )
            for o in offers
        ],
        "budget_caps": [c.model_dump(mode="json") for c in caps],
        "egress_per_gb": egress_per_gb,
        "spot_interruptions_per_hour": spot_interruptions_per_hour,
    }
    if carbon_price_per_tonne is not None:
        payload["carbon_price_per_tonne"] = carbon_price_per_tonne
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _assignments(
    ws: Sequence[Workload],
    os_: Sequence[Offer],
    m: PlacementModel,
    x: np.ndarray,
    baseline: np.ndarray,
) -> tuple[Assignment, ...]:
    out = []
    seen: set[int] = set()
    for p in np.flatnonzero(x > 0.5):
        i = int(m.pair_w[p])
        w, o = ws[i], os_[m.pair_o[p]]
        first = i not in seen and bool(np.isfinite(baseline[i]))
        seen.add(i)
        instances = int(m.unit[p] * x[p])
        out.append(
            Assignment(
                workload=w.workload,
                offer=o.offer,
                instances=instances,
                cost=float(m.cost[p] * x[p]),
                provider=o.provider,
                region=o.region,
                accelerator=o.accelerator,
                pricing=o.pricing,
                gpus=instances * o.gpus_per_instance,
                hours=float(m.hours[p]),
                start_hour=w.start_hour,
                team=w.team,
                egress_cost=float(m.egress[p] * x[p]),
                baseline_cost=float(baseline[i]) if first else None,
                co2e_kg=None if m.co2e_kg is None else float(m.co2e_kg[p] * x[p]),
                carbon_cost=None if m.carbon_cost is None else float(m.carbon_cost[p] * x[p]),
            )
        )
    return tuple(out)


def _binding(
    os_: Sequence[Offer],
    caps: Sequence[BudgetCap],
    m: PlacementModel,
    x: np.ndarray,
    objective: float,
    time_limit: float,
    notes: list[str],
) -> tuple[dict[str, Any], ...]:
    """The budget caps that bind (the plan costs less without them) and the offers used to
    their capacity."""
    used = m.matrix @ x
    out: list[dict[str, Any]] = []
    is_cap = np.isin(m.row_kind, (HOUR, MONTH))
    tol = 1e-6 * max(1.0, abs(objective))

    def without(drop: np.ndarray) -> float:
        keep = ~drop
        s = solve(
            m.cost,
            m.matrix[keep],
            m.row_lower[keep],
            m.row_upper[keep],
            np.zeros(len(m.cost)),
            m.upper,
            integer=np.ones(len(m.cost), dtype=bool),
            time_limit=time_limit,
            mip_gap=1e-9,
        )
        return s.objective if s.has_solution else objective

    if is_cap.any():
        free = without(is_cap) if len(caps) <= BINDING_CHECKS else -np.inf
        if len(caps) > BINDING_CHECKS:
            notes.append(f"more than {BINDING_CHECKS} caps: a cap binds when its slack is 0")
        for k, cap in enumerate(caps):
            rows = is_cap & (m.row_ref == k)
            if not rows.any() or free >= objective - tol:
                continue
            level = float(used[rows].max())
            if len(caps) <= BINDING_CHECKS:
                alone = without(rows)
                if alone >= objective - tol:
                    continue
            elif level < cap.amount - 1e-6 * max(cap.amount, 1.0):
                continue
            entry: dict[str, Any] = {
                "constraint": "budget_cap",
                "team": cap.team,
                "per": cap.per,
                "amount": cap.amount,
                "used": round(level, 6),
            }
            if len(caps) <= BINDING_CHECKS:
                entry["objective_without"] = round(alone, 6)
            out.append(entry)
    full = (m.row_kind == CAPACITY) & (used >= m.row_upper - 1e-9) & (used > 0)
    for o in dict.fromkeys(int(r) for r in m.row_ref[full]):
        out.append(
            {
                "constraint": "capacity",
                "offer": os_[o].offer,
                "capacity_instances": os_[o].capacity_instances,
                "used": round(float(used[(m.row_kind == CAPACITY) & (m.row_ref == o)].max())),
            }
        )
    return tuple(out)


def _model_notes(
    ws: Sequence[Workload], os_: Sequence[Offer], caps: Sequence[BudgetCap], egress: float
) -> list[str]:
    notes = []
    if any(o.committed for o in os_):
        notes.append("committed offers cost nothing at the margin, up to capacity_instances")
    if any(o.interruptible for o in os_):
        notes.append(
            "spot: expected rework n·λ·c/2 instance-hours per run-hour (an interruption of any "
            "of n instances loses half a checkpoint interval c of all; first order), not "
            "counted against deadlines"
        )
    lost = [w.workload for w in ws if w.interruptible and w.checkpoint_minutes is None]
    if lost:
        notes.append(
            f"no checkpoint_minutes for {', '.join(lost[:5])}: an interruption loses the run "
            "so far (c = the run's duration)"
        )
    if any(w.data_region and w.data_gb > 0 for w in ws):
        source = " (AWS internet egress list price)" if egress == DEFAULT_EGRESS_PER_GB else ""
        notes.append(
            f"data egress {egress:g} {os_[0].currency}/GB{source} when an offer is outside "
            "the workload's data_region"
        )
    if any("pricing" not in o.model_fields_set for o in os_):
        notes.append("offers without pricing are on_demand")
    if any(o.gpu_memory_gb is None for o in os_):
        notes.append("offers without gpu_memory_gb have the catalog's memory_gib, read as GB")
    if len({w.start_hour for w in ws}) == 1:
        notes.append("all workloads run at the same time: capacity counts them together")
    else:
        notes.append("capacity and hourly caps are checked at every start hour")
    if any(w.split for w in ws):
        notes.append(
            "a split workload's instances run independently for its whole duration; its "
            "egress is shared in proportion to GPUs"
        )
    if any(c.per == "month" for c in caps):
        notes.append("a monthly cap counts the cost accrued in the first 730 hours")
    teams = {w.team for w in ws}
    idle = [c.team for c in caps if c.team not in teams]
    if idle:
        notes.append(f"caps of teams with no workload here: {', '.join(idle)}")
    return notes
