"""The placement MILP as arrays: speeds, eligibility filters, expected costs and rows.

:mod:`infracast.optimize.placement_plan` writes the model out (sets, variables, objective,
constraints); this module builds it over the eligible (workload, offer) pairs with numpy
and ``scipy.sparse``, never a Python loop per coefficient: a workloads x offers array per
filter, then one column per eligible pair and the rows as one sparse matrix. In the plain
case (no caps, no split workload, one time slice) the pair arrays ``pair_w, pair_o, cost,
instances`` and the capacities are the whole model.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from infracast.catalog._accelerators import accelerator
from infracast.optimize.placement_inputs import BudgetCap, Offer, Workload

HOURS_PER_MONTH = 730.0  # 8,760 hours a year / 12
# AWS EC2 list price for data transfer out to the internet, first 10 TB a month (us-east-1),
# aws.amazon.com/ec2/pricing/on-demand/ "Data Transfer" (inter-region within AWS: $0.02/GB).
DEFAULT_EGRESS_PER_GB = 0.09
# AWS Spot Instance Advisor's highest "frequency of interruption" band, ">20%" of instances
# interrupted a month, as a Poisson rate per instance-hour: -ln(1 - 0.2) / 730 ≈ 3.1e-4.
DEFAULT_SPOT_INTERRUPTIONS_PER_HOUR = -math.log(1 - 0.20) / HOURS_PER_MONTH
SPEED_PRECISIONS = ("bf16", "fp16", "fp32")
FILTERS = ("accelerator", "memory", "provider", "region", "interruptible", "deadline", "capacity")
COVER, CAPACITY, HOUR, MONTH = 0, 1, 2, 3  # the kinds of rows


@dataclass
class PlacementModel:
    """The placement MILP as arrays over the eligible pairs (its columns)."""

    pair_w: np.ndarray
    pair_o: np.ndarray
    instances: np.ndarray  # n_wo
    hours: np.ndarray  # d_wo
    start: np.ndarray
    split: np.ndarray  # column counts instances (True) or is the whole workload (False)
    unit: np.ndarray  # instances per unit of the column
    cost: np.ndarray  # per unit of the column
    egress: np.ndarray  # per unit
    upper: np.ndarray
    matrix: sparse.csr_array
    row_lower: np.ndarray
    row_upper: np.ndarray
    row_kind: np.ndarray
    row_ref: np.ndarray  # workload, offer or cap index
    plain: bool  # no caps, no split, one time slice: the pair arrays are the whole model
    co2e_kg: np.ndarray | None = None  # per unit, where the offers carry co2e_kg_per_hour
    carbon_cost: np.ndarray | None = None  # per unit: the carbon price of co2e_kg (in cost)


def peak_ratio(reference: str, other: str) -> float | None:
    a, b = accelerator(reference).peak_tflops, accelerator(other).peak_tflops
    for p in SPEED_PRECISIONS:
        if p in a and p in b:
            return a[p] / b[p]
    return None


def slowness(ws: Sequence[Workload], os_: Sequence[Offer], notes: list[str]) -> np.ndarray:
    """``peak(first accelerator) / peak(offer's)``: the factor on each workload's hours."""
    accs = sorted({o.accelerator for o in os_})
    col = np.array([accs.index(o.accelerator) for o in os_])
    refs = sorted({w.accelerators[0] for w in ws if w.accelerators})
    table = np.ones((len(refs) + 1, len(accs)))  # last row: no accelerator listed
    accepts: dict[str, set[str]] = {}
    for w in ws:
        if w.accelerators:
            accepts.setdefault(w.accelerators[0], set()).update(w.accelerators)
    unknown = []
    for i, ref in enumerate(refs):
        for j, acc in enumerate(accs):
            ratio = peak_ratio(ref, acc)
            if ratio is None and acc != ref and acc in accepts.get(ref, ()):
                unknown.append(f"{ref}/{acc}")
            table[i, j] = 1.0 if ratio is None else ratio
    if unknown:
        notes.append(
            f"no bf16/fp16/fp32 peak both parts have, so taken as fast as each other: "
            f"{', '.join(unknown)}"
        )
    row = np.array([refs.index(w.accelerators[0]) if w.accelerators else len(refs) for w in ws])
    notes.append(
        "hours are on each workload's first accelerator; on another they scale by the ratio "
        "of dense peaks (bf16, else fp16, else fp32: the first both parts have)"
    )
    if any(not w.accelerators for w in ws):
        notes.append("workloads listing no accelerator take the same hours on every one")
    return table[row][:, col]


def masks(
    ws: Sequence[Workload], os_: Sequence[Offer], dur: np.ndarray, n: np.ndarray
) -> dict[str, np.ndarray]:
    """Per filter (in :data:`FILTERS` order), a workloads x offers array of who passes."""

    def member(allowed: list[tuple[str, ...]], values: list[str | None]) -> np.ndarray:
        keys = sorted({v for v in values if v is not None} | {a for al in allowed for a in al})
        have = np.zeros((len(allowed), len(keys) + 1), dtype=bool)
        for i, al in enumerate(allowed):
            have[i, [keys.index(a) for a in al]] = True
            have[i, :] |= not al  # empty = any
        return have[:, [len(keys) if v is None else keys.index(v) for v in values]]

    deadline = np.array([w.deadline_hours or np.inf for w in ws])
    start = np.array([w.start_hour for w in ws])
    memory = np.array([o.memory_gb for o in os_])
    capacity = np.array(
        [np.inf if o.capacity_instances is None else o.capacity_instances for o in os_]
    )
    split = np.array([w.split for w in ws])
    return {
        "accelerator": member([w.accelerators for w in ws], [o.accelerator for o in os_]),
        "memory": memory[None, :] >= np.array([w.min_gpu_memory_gb or 0.0 for w in ws])[:, None],
        "provider": member(
            [tuple(p.lower() for p in w.providers) for w in ws], [o.provider.lower() for o in os_]
        ),
        "region": member(
            [tuple(r.lower() for r in w.regions) for w in ws],
            [o.region.lower() if o.region else None for o in os_],
        ),
        "interruptible": np.array([w.interruptible for w in ws])[:, None]
        | ~np.array([o.interruptible for o in os_])[None, :],
        "deadline": start[:, None] + dur <= deadline[:, None] * (1 + 1e-12),
        "capacity": (split[:, None] & (capacity[None, :] > 0)) | (n <= capacity[None, :]),
    }


def rates(os_: Sequence[Offer], default: float, notes: list[str]) -> np.ndarray:
    guessed = [o.offer for o in os_ if o.pricing == "spot" and o.interruption_rate_per_hour is None]
    if guessed:
        notes.append(
            f"spot offers without interruption_rate_per_hour ({', '.join(guessed[:5])}"
            f"{', …' if len(guessed) > 5 else ''}) are interrupted {default:.2e} times per "
            "instance-hour (AWS Spot Instance Advisor's top band, >20% a month)"
        )
    return np.array(
        [
            o.interruption_rate_per_hour
            if o.interruption_rate_per_hour is not None
            else (default if o.pricing == "spot" else 0.0)
            for o in os_
        ]
    )


def rework(
    ws: Sequence[Workload],
    po: np.ndarray,
    pw: np.ndarray,
    d: np.ndarray,
    n: np.ndarray,
    rate: np.ndarray,
    per_instance: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Per pair, the rework factor ``1 + runs · λ · c / 2`` and the instances counted
    (``n``, or 1 per instance where ``per_instance``): expected instance-hours are
    ``d · factor · count``."""
    check = np.array([(w.checkpoint_minutes or np.inf) / 60 for w in ws])[pw]
    c = np.minimum(check, d)
    runs = np.where(per_instance, 1, n)  # instances interrupted together
    return 1 + runs * rate[po] * c / 2, np.where(per_instance, 1, n)


def pair_costs(
    ws: Sequence[Workload],
    os_: Sequence[Offer],
    pw: np.ndarray,
    po: np.ndarray,
    d: np.ndarray,
    n: np.ndarray,
    rate: np.ndarray,
    egress_per_gb: float,
    per_instance: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Running cost (with expected rework, and the carbon price of offers that carry one)
    and egress of each pair: for the whole workload, or per instance where
    ``per_instance`` (split workloads)."""
    price = np.array([o.marginal_price + o.carbon_cost_per_hour for o in os_])[po]
    factor, count = rework(ws, po, pw, d, n, rate, per_instance)
    running = price * d * factor * count
    names = sorted({w.data_region.lower() for w in ws if w.data_region})
    home = np.array([names.index(w.data_region.lower()) if w.data_region else -1 for w in ws])
    there = np.array(
        [names.index(r) if (r := (o.region or "").lower()) in names else -2 for o in os_]
    )
    away = (home[pw] >= 0) & (home[pw] != there[po])
    data = np.array([w.data_gb for w in ws])[pw] * egress_per_gb * away
    share = np.array([o.gpus_per_instance for o in os_])[po] / np.array([w.gpus for w in ws])[pw]
    return running, data * np.where(per_instance, share, 1.0)


def _sliced(
    group: np.ndarray, values: np.ndarray, start: np.ndarray, end: np.ndarray, sliced: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Rows ``(group, start hour)`` over the pairs active then (``group`` -1: in none); with
    ``sliced`` false, one row per group. Returns row (per entry), pair, value, group per row."""
    slices = np.unique(start) if sliced else np.zeros(1)
    keys, pairs = [], []
    for i, t in enumerate(slices):
        live = (group >= 0) & ((start <= t) & (t < end) if sliced else True)
        act = np.flatnonzero(live)
        keys.append(group[act] * len(slices) + i)
        pairs.append(act)
    key, pair = np.concatenate(keys), np.concatenate(pairs)
    uniq, row = np.unique(key, return_inverse=True)
    return row, pair, values[pair], uniq // len(slices)


def build_model(
    ws: Sequence[Workload],
    os_: Sequence[Offer],
    caps: Sequence[BudgetCap],
    dur: np.ndarray,
    n: np.ndarray,
    rate: np.ndarray,
    ok: np.ndarray,
    egress_per_gb: float,
) -> PlacementModel:
    pw, po = np.nonzero(ok)
    d, inst = dur[pw, po], n[pw, po]
    split = np.array([w.split for w in ws])[pw]
    running, egress = pair_costs(ws, os_, pw, po, d, inst, rate, egress_per_gb, split)
    co2e, carbon = pair_carbon(ws, os_, pw, po, d, inst, rate, split)
    unit = np.where(split, 1, inst)
    start = np.array([w.start_hour for w in ws])[pw]
    end = start + d
    gpi = np.array([o.gpus_per_instance for o in os_])
    wsplit = np.array([w.split for w in ws])
    pairs = np.arange(len(pw))
    parts = [(pw, pairs, np.where(split, gpi[po], 1.0))]
    lower = [np.where(wsplit, [w.gpus for w in ws], 1.0)]
    upper = [np.where(wsplit, np.inf, 1.0)]
    kind, ref = [np.full(len(ws), COVER)], [np.arange(len(ws))]
    sliced = bool(np.unique(start).size > 1)
    capacity = np.array(
        [np.inf if o.capacity_instances is None else o.capacity_instances for o in os_]
    )
    team_of = [w.team for w in ws]
    price = np.array([o.marginal_price for o in os_])[po]
    frac = np.clip((np.minimum(end, HOURS_PER_MONTH) - start) / d, 0.0, 1.0)
    # caps count money: the running cost without its carbon price
    money = running if carbon is None else running - carbon
    month = money * frac + egress * (start < HOURS_PER_MONTH)
    blocks = [
        (
            CAPACITY,
            np.where(np.isfinite(capacity)[po], po, -1),
            unit.astype(float),
            capacity,
            sliced,
        )
    ]
    for per, values, flag in (("hour", price * unit, sliced), ("month", month, False)):
        index = {c.team: k for k, c in enumerate(caps) if c.per == per}
        group = np.array([index.get(t or "", -1) for t in team_of], dtype=np.int64)[pw]
        amounts = np.array([c.amount for c in caps])
        blocks.append((HOUR if per == "hour" else MONTH, group, values, amounts, flag))
    offset = len(ws)
    for k, group, values, limit, flag in blocks:
        if not (group >= 0).any():
            continue
        row, pair, val, owner = _sliced(group, values, start, end, flag)
        parts.append((row + offset, pair, val))
        lower.append(np.full(len(owner), -np.inf))
        upper.append(limit[owner])
        kind.append(np.full(len(owner), k))
        ref.append(owner)
        offset += len(owner)
    rows, cols, vals = (np.concatenate(x) for x in zip(*parts, strict=True))
    matrix = sparse.csr_array((vals, (rows, cols)), shape=(offset, len(pw)))
    return PlacementModel(
        pair_w=pw,
        pair_o=po,
        instances=inst,
        hours=d,
        start=start,
        split=split,
        unit=unit,
        cost=running + egress,
        egress=egress,
        upper=np.where(split, inst, 1).astype(float),
        matrix=matrix,
        row_lower=np.concatenate(lower),
        row_upper=np.concatenate(upper),
        row_kind=np.concatenate(kind),
        row_ref=np.concatenate(ref),
        plain=not caps and not split.any() and not sliced,
        co2e_kg=co2e,
        carbon_cost=carbon,
    )


def pair_carbon(
    ws: Sequence[Workload],
    os_: Sequence[Offer],
    pw: np.ndarray,
    po: np.ndarray,
    d: np.ndarray,
    n: np.ndarray,
    rate: np.ndarray,
    per_instance: np.ndarray,
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """kg CO2e and its carbon price per pair (``co2e_kg_per_hour`` × expected instance-hours,
    rework included, as in :func:`pair_costs`); (None, None) unless every offer has a
    figure."""
    if any(o.co2e_kg_per_hour is None for o in os_):
        return None, None
    factor, count = rework(ws, po, pw, d, n, rate, per_instance)
    hours = d * factor * count
    kg = np.array([o.co2e_kg_per_hour or 0.0 for o in os_])[po] * hours
    return kg, np.array([o.carbon_cost_per_hour for o in os_])[po] * hours


def plan_carbon(
    model: PlacementModel, x: np.ndarray, price: float | None, currency: str, notes: list[str]
) -> tuple[float | None, float | None]:
    """The plan's kg CO2e and its carbon price (None, None where an offer has no figure)."""
    if model.co2e_kg is None or model.carbon_cost is None:
        return None, None
    if price is not None:
        notes.append(
            f"carbon priced at {price:g} {currency}/tCO2e: each cost includes price × kg "
            "CO2e / 1000 (kg = co2e_kg_per_hour × expected instance-hours); budget caps "
            "count money only"
        )
    return float(model.co2e_kg @ x), float(model.carbon_cost @ x)


def carbon_keys(kg: float | None, cost: float | None) -> dict[str, float]:
    """``co2e_kg`` and ``carbon_cost`` when a carbon price was given; nothing otherwise (the
    JSON without a carbon price stays as it was)."""
    if kg is None or cost is None:
        return {}
    return {"co2e_kg": round(kg, 6), "carbon_cost": round(cost, 6)}
