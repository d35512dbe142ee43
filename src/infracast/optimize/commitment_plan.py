"""Commitment planning: how much to commit for one and three years, how much to leave on
demand and spot, from a demand forecast given as scenarios (a two-stage scenario LP).

Demand is a matrix of S scenarios × T periods in units (GPUs held in a month, GPU-hours per
hour), each scenario with a probability; :class:`DemandScenarios` also builds it from a
forecast's quantiles or intervals. Prices are per unit and period.

Model (an LP; a MILP when ``whole_units``):

- Sets: scenarios s (probability π_s, Σ π_s = 1); periods t = 0..T−1; commitment blocks
  b = (j, k): term j (length L_j periods, price p_j) bought at the start of the horizon and,
  when L_j < T, renewed every L_j periods: block k holds periods [k L_j, min((k+1) L_j, T)).
- Data: demand d_{s,t} ≥ 0; existing commitments in place E_t = Σ_e q_e [t < r_e] (quantity
  q_e, remaining periods r_e; their cost is sunk); on-demand price p_od; spot price p_sp
  times (1 + spot_overhead) (the work lost to interruptions), at most ``spot_max_share`` σ of
  each period's demand.
- Variables: first stage, the same in every scenario: committed levels c_b ≥ 0 (whole
  numbers when ``whole_units``); recourse: od_{s,t} ≥ 0, sp_{s,t} ≥ 0.
- Objective: minimise Σ_b p_j n_b c_b + Σ_s π_s Σ_t (p_od od_{s,t} + p_sp (1 + o) sp_{s,t}),
  where n_b is the number of periods block b is paid for: its periods inside the horizon
  (or its whole term with ``charge_beyond_horizon``).
- Constraints: cover  E_t + Σ_{b ∋ t} c_b + od_{s,t} + sp_{s,t} ≥ d_{s,t}  for every s, t;
  spot cap  sp_{s,t} ≤ σ d_{s,t} (a column bound).

A committed unit is paid whether used or not, so it pays when it is used in more than
``p_j / p_od`` of the periods (:func:`break_even_utilization`); with one period the optimum is
the newsvendor's critical fractile: commit up to the largest demand level whose probability
of being reached is at least the break-even. The plan reports, per block, its quantity,
expected utilization and expected unused cost; the risk of over-committing (the probability
that some newly committed units sit unused in a period, per period and over the horizon);
the expected cost against the baseline (existing commitments plus on demand only) and
against buying no new commitment (on demand and spot); and the spread of cost across
scenarios (P50, P90). Commitments are used before on demand and spot: existing ones first,
then new ones, longest term first (the order only splits utilization between them).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field
from scipy import sparse

from infracast.optimize._inputs import validate_items
from infracast.optimize._solver import Solution, solve
from infracast.optimize.exceptions import OptimizeError
from infracast.optimize.scenarios import DemandScenarios

_MAX_CELLS = 2_000_000  # scenarios × periods: beyond this the LP is too large for a laptop
_DEFAULT_SPOT_SHARE = 0.5
_TOL = 1e-9


class CommitmentTerm(BaseModel):
    """A commitment on offer: ``price`` per unit and period, held for ``periods`` periods."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    name: str = Field(min_length=1)
    price: float = Field(ge=0, allow_inf_nan=False)
    periods: int = Field(ge=1)


class ExistingCommitment(BaseModel):
    """A commitment already bought: ``quantity`` units at ``price`` per unit and period for
    ``remaining_periods`` more periods from the start of the horizon (its cost is sunk)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    name: str = Field(default="existing", min_length=1)
    quantity: float = Field(ge=0, allow_inf_nan=False)
    price: float = Field(default=0.0, ge=0, allow_inf_nan=False)
    remaining_periods: int = Field(ge=0)


def standard_terms(
    price_1y: float, price_3y: float, *, periods_per_year: int = 12
) -> list[CommitmentTerm]:
    """The usual two terms, ``1y`` and ``3y``, with prices per unit and period."""
    return validate_items(
        CommitmentTerm,
        [
            {"name": "1y", "price": price_1y, "periods": periods_per_year},
            {"name": "3y", "price": price_3y, "periods": 3 * periods_per_year},
        ],
        "term",
    )


def break_even_utilization(commit_price: float, on_demand_price: float) -> float:
    """The share of periods a committed unit must be used to cost no more than on demand:
    ``commit_price / on_demand_price`` (a unit used u of the time costs p_c a period
    committed and u p_od on demand; they are equal at u = p_c / p_od)."""
    if not (math.isfinite(on_demand_price) and on_demand_price > 0):
        raise OptimizeError(
            f"the on-demand price must be positive; got {on_demand_price}.",
            hint="give the on-demand price per unit and period (e.g. per GPU-hour).",
            field="on_demand_price",
        )
    if not (math.isfinite(commit_price) and commit_price >= 0):
        raise OptimizeError(
            f"a commitment price must be zero or more; got {commit_price}.",
            hint="give the commitment's price per unit and period.",
            field="price",
        )
    return commit_price / on_demand_price


@dataclass(frozen=True)
class CommitmentLine:
    """One commitment block of the plan (or one already in place, ``kind="existing"``)."""

    kind: str  # new | existing
    term: str
    start_period: int
    periods: int  # periods inside the horizon
    quantity: float
    price: float
    cost: float  # price × quantity × periods paid
    break_even_utilization: float
    expected_utilization: float | None  # expected used / held over its periods (None: 0 held)
    expected_unused_cost: float

    def to_dict(self) -> dict[str, Any]:
        return {k: _plain(getattr(self, k)) for k in self.__dataclass_fields__}


@dataclass(frozen=True)
class CommitmentPlan:
    """The plan: committed quantities, expected costs, savings and the risk of over-committing.

    Costs are expected totals over the horizon in ``currency``: ``expected_cost`` (the plan,
    existing commitments included), ``baseline_cost`` (existing commitments plus on demand
    only), ``no_new_commitment_cost`` (existing plus on demand and spot at their best).
    ``over_commit_probability``: probability that some newly committed units sit unused in
    some period; ``over_commit_probability_by_period``: the same per period.
    """

    status: str
    currency: str
    periods: int
    scenarios: int
    lines: list[CommitmentLine]
    expected_cost: float
    baseline_cost: float
    no_new_commitment_cost: float
    savings: float
    savings_pct: float | None
    commitment_savings: float
    expected_on_demand: float
    expected_spot: float
    expected_utilization: float | None
    over_commit_probability: float
    over_commit_probability_by_period: list[float]
    expected_unused_cost: float
    cost_p50: float
    cost_p90: float
    cost_min: float
    cost_max: float
    gap: float
    solve_seconds: float
    assumptions: list[str] = field(default_factory=list)

    def quantity(self, term: str) -> float:
        """The quantity newly committed for ``term`` in its first block."""
        return next((x.quantity for x in self.lines if x.kind == "new" and x.term == term), 0.0)

    def to_rows(self) -> list[dict[str, Any]]:
        """One row per commitment line (new blocks, then existing ones)."""
        return [line.to_dict() for line in self.lines]

    def to_dict(self) -> dict[str, Any]:
        out = {k: _plain(getattr(self, k)) for k in self.__dataclass_fields__}
        out["lines"] = self.to_rows()
        out["over_commit_probability_by_period"] = [
            _plain(x) for x in self.over_commit_probability_by_period
        ]
        out["assumptions"] = list(self.assumptions)
        return out


def _plain(value: Any) -> Any:
    """Floats rounded to 9 decimals (the rest is solver noise); other values as they are."""
    if isinstance(value, float | np.floating):
        return round(float(value), 9) + 0.0  # + 0.0 turns -0.0 into 0.0
    return value


def commitments(
    demand: DemandScenarios | Any,
    *,
    on_demand_price: float,
    terms: Sequence[CommitmentTerm | Mapping[str, Any]],
    existing: Sequence[ExistingCommitment | Mapping[str, Any]] = (),
    spot_price: float | None = None,
    spot_max_share: float | None = None,
    spot_overhead: float = 0.0,
    whole_units: bool = False,
    charge_beyond_horizon: bool = False,
    currency: str = "USD",
    time_limit: float | None = None,
) -> CommitmentPlan:
    """Choose committed quantities per term (and block) to minimise expected total cost.

    ``demand``: :class:`DemandScenarios`, or a matrix of equally likely paths (S × T).
    See the module docstring for the model.
    """
    scen = demand if isinstance(demand, DemandScenarios) else DemandScenarios.from_paths(demand)
    d, pi = scen.demand, scen.probabilities
    n_s, n_t = d.shape
    term_list = validate_items(CommitmentTerm, terms, "term")
    held = validate_items(ExistingCommitment, existing, "existing commitment")
    _unique([t.name for t in term_list])
    p_od = float(on_demand_price)
    break_even_utilization(0.0, p_od)  # validates the on-demand price
    assumptions = list(scen.notes)
    spot, share, p_sp = _spot(spot_price, spot_max_share, spot_overhead, p_od, assumptions)
    if n_s * n_t > _MAX_CELLS:
        raise OptimizeError(
            f"{n_s} scenarios × {n_t} periods make {n_s * n_t:,} recourse cells, over "
            f"{_MAX_CELLS:,}.",
            hint="sum hours into days or months, or sample fewer scenarios.",
            field="demand",
        )
    blocks = [(t, k * t.periods) for t in term_list for k in range(-(-n_t // t.periods))]
    m = _Model(d, pi, _existing_levels(held, n_t), blocks, held, p_od, p_sp, share, spot,
               charge_beyond_horizon)  # fmt: skip
    sol = _solve(m, whole_units, time_limit)
    x = sol.x[: len(blocks)]
    qty = np.round(x) if whole_units else np.where(np.abs(x) < _TOL, 0.0, x)
    assumptions += _notes(term_list, held, p_od, n_t, whole_units, charge_beyond_horizon)
    if sol.status != "optimal":
        assumptions.append(f"the solver stopped early ({sol.status}): the plan may not be optimal.")
    return _plan(m, qty, sol, currency, assumptions)


@dataclass(frozen=True)
class _Model:
    """The data of one scenario LP (see the module docstring)."""

    d: np.ndarray  # demand, S × T
    pi: np.ndarray  # probabilities, S
    base: np.ndarray  # existing quantity in place per period, T
    blocks: list[tuple[CommitmentTerm, int]]  # (term, start period)
    held: list[ExistingCommitment]
    p_od: float
    p_sp: float  # spot price per unit of work (overhead included)
    share: float
    spot: bool
    beyond: bool  # pay terms beyond the horizon

    def paid(self, term: CommitmentTerm, start: int) -> int:
        """Periods a unit of the block starting at ``start`` is paid for."""
        return term.periods if self.beyond else min(term.periods, self.d.shape[1] - start)


def _unique(names: list[str]) -> None:
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise OptimizeError(
            f"term {dup[0]!r} is given more than once.", hint="name each term once.", field="terms"
        )


def _spot(
    price: float | None, share: float | None, overhead: float, p_od: float, notes: list[str]
) -> tuple[bool, float, float]:
    """Whether spot is used, its share cap and its effective price per unit of work."""
    if price is None:
        notes.append("no spot price given: the demand not committed runs on demand.")
        return False, 0.0, 0.0
    if not (math.isfinite(price) and price >= 0 and math.isfinite(overhead) and overhead >= 0):
        raise OptimizeError(
            f"spot price {price} and overhead {overhead} must be finite and ≥ 0.",
            hint="give the spot price per unit and period; overhead 0.1 = 10 % of work lost.",
            field="spot_price",
        )
    if share is None:
        share = _DEFAULT_SPOT_SHARE
        notes.append(f"at most {share:.0%} of each period's demand can run on spot (assumed).")
    if not 0 <= share <= 1:
        raise OptimizeError(
            f"spot_max_share is {share}; it must be between 0 and 1.",
            hint="give the share of demand that tolerates interruption, e.g. 0.3.",
            field="spot_max_share",
        )
    effective = price * (1 + overhead)
    if overhead:
        notes.append(f"spot costs {price:g} × (1 + {overhead:g}) per unit of work done.")
    if effective >= p_od:
        notes.append("spot costs at least on demand here: it is never used.")
    return share > 0 and effective < p_od, share, effective


def _existing_levels(held: list[ExistingCommitment], n_t: int) -> np.ndarray:
    """E_t: existing quantity in place per period (T,)."""
    base = np.zeros(n_t)
    for e in held:
        base[: min(e.remaining_periods, n_t)] += e.quantity
    return base


def _solve(m: _Model, whole_units: bool, time_limit: float | None) -> Solution:
    """Build the scenario LP as arrays and solve it."""
    d, blocks, spot = m.d, m.blocks, m.spot
    n_s, n_t = d.shape
    cells = n_s * n_t
    n_b = len(blocks)
    rows, cols = [], []
    for j, (term, start) in enumerate(blocks):
        span = np.arange(start, min(start + term.periods, n_t))
        r = (np.arange(n_s)[:, None] * n_t + span[None, :]).ravel()
        rows.append(r)
        cols.append(np.full(r.size, j))
    n_rec = 2 if spot else 1
    for k in range(n_rec):
        rows.append(np.arange(cells))
        cols.append(n_b + k * cells + np.arange(cells))
    r_all, c_all = np.concatenate(rows), np.concatenate(cols)
    n_col = n_b + n_rec * cells
    matrix = sparse.csc_array((np.ones(r_all.size), (r_all, c_all)), shape=(cells, n_col))
    weight = np.repeat(m.pi, n_t)
    paid = [term.price * m.paid(term, start) for term, start in blocks]
    cost = np.concatenate([paid, m.p_od * weight, m.p_sp * weight if spot else []])
    upper = np.concatenate([np.full(n_b + cells, np.inf), (m.share * d).ravel()[: cells * spot]])
    integer = np.zeros(n_col, dtype=bool)
    integer[:n_b] = whole_units
    sol = solve(
        cost,
        matrix,
        (d - m.base[None, :]).ravel(),
        np.full(cells, np.inf),
        np.zeros(n_col),
        upper,
        integer=integer if whole_units else None,
        time_limit=time_limit,
        # interior point: 1,000 scenarios × 36 periods with spot in 2 s against 13–17 s with
        # HiGHS's default simplex, same objective (measured 2026-12-07); a MILP ignores it
        method=None if whole_units else "ipm",
    )
    if not sol.has_solution:
        raise OptimizeError(
            f"the solver found no plan (status {sol.status}).",
            hint="raise the time limit, or sum periods or scenarios to make the model smaller.",
        )
    return sol


def _recourse(
    d: np.ndarray, held: np.ndarray, share: float, spot: bool
) -> tuple[np.ndarray, np.ndarray]:
    """On-demand and spot units per scenario and period once ``held`` (T,) is in place."""
    rest = np.maximum(d - held[None, :], 0.0)
    sp = np.minimum(rest, share * d) if spot else np.zeros_like(d)
    return rest - sp, sp


def _weighted_quantile(x: np.ndarray, w: np.ndarray, q: float) -> float:
    """The smallest x whose cumulative probability reaches q."""
    order = np.argsort(x)
    cum = np.cumsum(w[order])
    return float(x[order][min(int(np.searchsorted(cum, q - 1e-12)), x.size - 1)])


def _plan(
    m: _Model, qty: np.ndarray, sol: Solution, currency: str, assumptions: list[str]
) -> CommitmentPlan:
    """Read the plan back: lines, costs against the baselines, utilization and risk."""
    d, pi, blocks, share, spot, p_od, p_sp = m.d, m.pi, m.blocks, m.share, m.spot, m.p_od, m.p_sp
    n_s, n_t = d.shape
    # Layers in the order they are used: existing, then new blocks by longest term.
    layers: list[tuple[str, str, int, int, float, float, float]] = []
    for e in m.held:
        n = min(e.remaining_periods, n_t)
        layers.append(("existing", e.name, 0, n, e.quantity, e.price, e.price * e.quantity * n))
    new = sorted(range(len(blocks)), key=lambda j: (-blocks[j][0].periods, blocks[j][1]))
    for j in new:
        term, start = blocks[j]
        n = min(term.periods, n_t - start)
        paid = float(term.price * qty[j] * m.paid(term, start))
        layers.append(("new", term.name, start, n, float(qty[j]), term.price, paid))
    level = np.zeros((len(layers), n_t))
    for i, (_, _, start, n, q, _, _) in enumerate(layers):
        level[i, start : start + n] = q
    below = np.cumsum(level, axis=0) - level  # (L, T): quantity used before each layer
    used = np.clip(d[None, :, :] - below[:, None, :], 0.0, level[:, None, :])  # (L, S, T)
    unused = level[:, None, :] - used
    held_total = level.sum(axis=0)
    od, sp = _recourse(d, held_total, share, spot)
    fixed = sum(x[6] for x in layers)
    per_scen = fixed + (p_od * od + p_sp * sp).sum(axis=1)
    expected = float(pi @ per_scen)
    existing_cost = sum(x[6] for x in layers if x[0] == "existing")
    od0, _ = _recourse(d, m.base, 0.0, False)
    baseline = existing_cost + float(pi @ (p_od * od0).sum(axis=1))
    odn, spn = _recourse(d, m.base, share, spot)
    no_new = existing_cost + float(pi @ (p_od * odn + p_sp * spn).sum(axis=1))
    lines = []
    for i, (kind, name, start, n, q, price, paid) in enumerate(layers):
        held_units = q * n
        e_used = float(pi @ used[i].sum(axis=1))
        e_unused = float(pi @ unused[i].sum(axis=1))
        lines.append(
            CommitmentLine(
                kind, name, start, n, q, price, paid,
                break_even_utilization(price, p_od),
                e_used / held_units if held_units > _TOL else None,
                price * e_unused,
            )
        )  # fmt: skip
    lines.sort(key=lambda x: (x.kind != "new", x.start_period, x.term))
    is_new = np.array([x[0] == "new" for x in layers], dtype=bool)
    new_unused = unused[is_new].sum(axis=0) if is_new.any() else np.zeros_like(d)
    idle = new_unused > _TOL * max(1.0, float(d.max()))
    new_held = float(sum(x[4] * x[3] for x in layers if x[0] == "new"))
    new_used = float(pi @ used[is_new].sum(axis=(0, 2))) if is_new.any() else 0.0
    return CommitmentPlan(
        status=sol.status,
        currency=currency,
        periods=n_t,
        scenarios=n_s,
        lines=lines,
        expected_cost=expected,
        baseline_cost=baseline,
        no_new_commitment_cost=no_new,
        savings=baseline - expected,
        savings_pct=100 * (baseline - expected) / baseline if baseline > 0 else None,
        commitment_savings=no_new - expected,
        expected_on_demand=float(pi @ od.sum(axis=1)),
        expected_spot=float(pi @ sp.sum(axis=1)),
        expected_utilization=new_used / new_held if new_held > _TOL else None,
        over_commit_probability=float(pi @ idle.any(axis=1)),
        over_commit_probability_by_period=[float(x) for x in pi @ idle],
        expected_unused_cost=float(sum(x.expected_unused_cost for x in lines if x.kind == "new")),
        cost_p50=_weighted_quantile(per_scen, pi, 0.5),
        cost_p90=_weighted_quantile(per_scen, pi, 0.9),
        cost_min=float(per_scen.min()),
        cost_max=float(per_scen.max()),
        gap=float(sol.gap),
        solve_seconds=float(sol.seconds),
        assumptions=assumptions,
    )


def _notes(
    terms: list[CommitmentTerm],
    held: list[ExistingCommitment],
    p_od: float,
    n_t: int,
    whole_units: bool,
    beyond: bool,
) -> list[str]:
    out = [
        "commitments are bought at the start of the horizon; a term shorter than the horizon "
        "is renewed at its end at a level chosen now.",
        "committed units are used before spot and on demand: existing ones first, then new "
        "ones, longest term first.",
        "the baseline is the existing commitments plus on demand for the rest.",
    ]
    if held:
        out.append(
            "existing commitments are paid whether used or not; their cost over the horizon "
            "is in every total."
        )
    for t in terms:
        if t.periods > n_t:
            paid = (
                "its whole term is paid."
                if beyond
                else "only its periods inside the horizon are paid (the rest assumed used as "
                "inside it)."
            )
            out.append(f"term {t.name} ({t.periods} periods) outlasts the {n_t}-period "
                       f"horizon: {paid}")  # fmt: skip
        if t.price >= p_od:
            out.append(f"term {t.name} costs at least on demand: it is never worth buying.")
    if whole_units:
        out.append("commitments are bought in whole units (a MILP).")
    return out
