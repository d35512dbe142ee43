"""The metrics of a cash-flow series: NPV, IRR, ROI, benefit-cost ratio, payback.

With V the total revenue, C the total cost (undiscounted) and E(t) = R(t) − C(t):

- ROI = (V − C) / C; None when C = 0;
- NPV = Σ E(t)·d(t), d(t) = (1 + i)^−(t + offset) (:mod:`infracast.finance.rates`);
- IRR: the periodic rate with NPV = 0 (:mod:`infracast.finance._irr`), annualized
  as (1 + IRR)^P − 1 so it compares with the annual rate given;
- benefit-cost ratio = PV(revenue) / PV(cost); None when PV(cost) = 0;
- payback and discounted payback (:mod:`infracast.finance._payback`), in periods.

Amounts (totals, present values, NPV) are Decimal rounded half-up to the cent
from the exact sums; ratios and rates are floats.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from infracast.estimate.money import cents
from infracast.finance._cashflows import CashFlows
from infracast.finance._irr import IRR, irr
from infracast.finance._npv import Amount
from infracast.finance._payback import Payback, payback
from infracast.finance.periods import check_periods_per_year
from infracast.finance.rates import (
    Convention,
    annual_rate,
    as_rate,
    discount_factors,
    parse_convention,
    periodic_rate,
)


@dataclass(frozen=True)
class Metrics:
    """What a series of cash flows is worth at a rate (the JSON contract, :meth:`to_json`)."""

    cashflows: CashFlows
    rate: Decimal
    periods_per_year: int
    periodic_rate: Decimal
    convention: Convention
    discount_factors: tuple[Decimal, ...]
    pv_revenue: Decimal
    pv_cost: Decimal
    npv: Decimal
    irr: IRR
    roi: float | None
    benefit_cost_ratio: float | None
    payback: Payback
    discounted_payback: Payback
    notes: tuple[str, ...]

    @property
    def irr_annual(self) -> float | None:
        return _annual(self.irr.value, self.periods_per_year)

    def to_json(self) -> dict[str, Any]:
        """The stable keys other tools read; amounts are Decimal to the cent."""
        flows = self.cashflows
        return {
            "source": flows.source,
            "currency": flows.currency,
            "period_unit": flows.unit,
            "periods": len(flows.flows),
            "first_period": flows.flows[0].period,
            "last_period": flows.flows[-1].period,
            "periods_per_year": self.periods_per_year,
            "rate": self.rate,
            "periodic_rate": float(self.periodic_rate),
            "convention": self.convention.value,
            "convention_note": self.convention.note,
            "total_revenue": cents(flows.total_revenue),
            "total_cost": cents(flows.total_cost),
            "benefit": cents(flows.total_revenue - flows.total_cost),
            "pv_revenue": cents(self.pv_revenue),
            "pv_cost": cents(self.pv_cost),
            "npv": cents(self.npv),
            "irr": self.irr_annual,
            "irr_periodic": self.irr.value,
            "irr_roots": [_annual(r, self.periods_per_year) for r in self.irr.roots],
            "irr_note": self.irr.note,
            "roi": self.roi,
            "benefit_cost_ratio": self.benefit_cost_ratio,
            "payback_period": self.payback.period,
            "discounted_payback_period": self.discounted_payback.period,
            "notes": list(self.notes),
            "assumptions": list(flows.assumptions),
            "cashflows": self.rows(),
        }

    def rows(self) -> list[dict[str, Any]]:
        """Each period with its discount factor and the running (discounted) benefit."""
        out = []
        cumulative = cumulative_pv = Decimal(0)
        for t, (flow, d) in enumerate(
            zip(self.cashflows.flows, self.discount_factors, strict=True)
        ):
            cumulative += flow.benefit
            cumulative_pv += flow.benefit * d
            out.append(
                {
                    "t": t,
                    **flow.to_dict(),
                    "discount_factor": float(d),
                    "pv_benefit": cents(flow.benefit * d),
                    "cumulative_benefit": cents(cumulative),
                    "cumulative_pv_benefit": cents(cumulative_pv),
                }
            )
        return out


def metrics(
    cashflows: CashFlows,
    rate: Amount,
    *,
    periods_per_year: int | None = None,
    convention: Convention | str = Convention.t0_undiscounted,
) -> Metrics:
    """NPV, IRR, ROI, benefit-cost ratio and payback of ``cashflows`` at the annual ``rate``.

    ``periods_per_year`` defaults to 12 for monthly periods and 1 otherwise; the
    periodic rate is (1 + rate)^(1/P) − 1.
    """
    annual = as_rate(rate)
    ppy = check_periods_per_year(periods_per_year, cashflows.unit)
    conv = parse_convention(convention)
    periodic = periodic_rate(annual, ppy)
    factors = discount_factors(periodic, len(cashflows.flows), conv)
    revenue, cost = cashflows.column("revenue"), cashflows.column("cost")
    benefit = cashflows.column("benefit")
    pv_revenue = sum((r * d for r, d in zip(revenue, factors, strict=True)), Decimal(0))
    pv_cost = sum((c * d for c, d in zip(cost, factors, strict=True)), Decimal(0))
    total_cost = cashflows.total_cost
    notes = []
    if annual > 1:
        notes.append(
            f"The rate {(annual * 100).normalize():f} % a year is above 100 %: a flow one year out "
            f"counts for less than half of one now (× {float(1 / (1 + annual)):.4f})."
        )
    if ppy > 1:
        notes.append(
            f"The annual rate {annual} is applied as {float(periodic):.6%} a period "
            f"((1 + {annual})^(1/{ppy}) − 1, {ppy} periods a year)."
        )
    if cashflows.unit == "period" and periods_per_year is None:
        notes.append("Periods are numbered, not dated: one period a year assumed.")
    roi = None
    if total_cost:
        roi = float((cashflows.total_revenue - total_cost) / total_cost)
    else:
        notes.append("ROI is undefined: the total cost is zero.")
    bcr = float(pv_revenue / pv_cost) if pv_cost else None
    if not pv_cost:
        notes.append("The benefit-cost ratio is undefined: the present value of cost is zero.")
    plain = payback(benefit, offset=conv.offset)
    discounted = payback([e * d for e, d in zip(benefit, factors, strict=True)], offset=conv.offset)
    for name, p in (("payback", plain), ("discounted payback", discounted)):
        if p.period is None:
            notes.append(f"No {name}: the cumulative benefit ends below zero.")
        elif p.first_reached is not None:
            notes.append(
                f"The cumulative benefit first reached zero at {p.first_reached:.2f} periods but "
                f"fell below it again; the {name} period is when it stays paid back."
            )
    return Metrics(
        cashflows=cashflows,
        rate=annual,
        periods_per_year=ppy,
        periodic_rate=periodic,
        convention=conv,
        discount_factors=tuple(factors),
        pv_revenue=pv_revenue,
        pv_cost=pv_cost,
        npv=pv_revenue - pv_cost,
        irr=irr(benefit),
        roi=roi,
        benefit_cost_ratio=bcr,
        payback=plain,
        discounted_payback=discounted,
        notes=tuple(notes),
    )


def _annual(periodic: float | None, periods_per_year: int) -> float | None:
    if periodic is None:
        return None
    return periodic if periods_per_year == 1 else annual_rate(periodic, periods_per_year)
