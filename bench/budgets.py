"""Benchmark: budget forecasts out of sample on the demo, against the run rate (the baseline).

For each demo budget and each of its periods complete in the data, the period's total
is forecast from several ``as_of`` dates inside it (only charges before ``as_of`` are
read) and compared with what the period actually came to:

- monthly budgets: as of day 8, 15, 22 and 29 of every month from 2025-11 to 2026-10;
- the quarterly budget: every 7 days of its four quarters from 2025-10 to 2026-09;
- the yearly and the project budget have no complete period in the data (2026 and the
  project end after it; the cloud bills start in 2025-11, so 2025 is no test): their
  scopes are scored over whole spans inside the data instead, the yearly one over
  2026-01 to 2026-07 and the project over the quarters of 2026 to 2026-10, every 14 (7)
  days, against the budget's amount prorated by days.

Printed in one run: the mean absolute percentage error (MAPE) of the forecast method
and of the run rate (the baseline; their ratio), by budget and pooled; the Brier score
of the overrun probability against the actual overrun at the budget's amount, and at
95% and 105% of each period's actual total (amounts near the outcome, where a
probability matters), for each way of summing the days' errors
(:mod:`infracast.control.budgets.overrun`: ``level``/``seasonal`` by model — the
shipped choice —, ``independent``, ``perfect``), with the share of actual totals inside
the forecast's central 80% interval (0.80 when calibrated).

    python -m bench.budgets                       # the demo ledger made by bench/_common
    python -m bench.budgets --ledger /tmp/demo12/infracast.duckdb
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from infracast.control.budgets.forecast import (
    RemainingDays,
    remaining_days,
    run_rate,
)
from infracast.control.budgets.overrun import STRUCTURES, Z80, Outlook, outlook
from infracast.control.budgets.periods import BudgetPeriod, add_months
from infracast.control.budgets.spec import Budget
from infracast.control.budgets.spend import SpendScope, spend
from infracast.control.budgets.stored import list_budgets
from infracast.ledger.connection import Ledger

DEFAULT_LEDGER = Path("/tmp/demo12/infracast.duckdb")
SHIPPED = "by model"


@dataclass(frozen=True)
class Case:
    budget: str
    amount: float
    period: BudgetPeriod
    as_of: datetime
    total: float
    run_rate: float
    outlooks: dict[str, Outlook]  # by structure; empty when the forecast fell back
    model: str


def periods(kind: str, first: date, last_end: date) -> list[BudgetPeriod]:
    """The whole periods of ``kind`` from ``first`` that end by ``last_end``."""
    step = {"month": 1, "quarter": 3, "year": 12}[kind]
    out = []
    start = first
    while add_months(start, step) <= last_end:
        out.append(BudgetPeriod(kind, start, add_months(start, step)))
        start = add_months(start, step)
    return out


def as_ofs(period: BudgetPeriod) -> list[datetime]:
    """Dates inside the period every 7 days (14 for a span longer than a quarter)."""
    start = period.start_instant
    step = 14 if (period.end - period.start).days > 92 else 7
    days = list(range(step, (period.end - period.start).days, step))
    return [
        start + timedelta(days=d) for d in days if start + timedelta(days=d) < period.end_instant
    ]


def evaluate(
    ledger: Ledger, name: str, scope: SpendScope, amount: float, period: BudgetPeriod
) -> list[Case]:
    total = float(spend(ledger, scope, period.start_instant, period.end_instant).amount)
    cases = []
    for when in as_ofs(period):
        actual = spend(ledger, scope, period.start_instant, when).amount
        rate, _ = run_rate(actual, period.elapsed_days(when), period.remaining_days(when))
        found = remaining_days(ledger, scope, period, when)
        outlooks: dict[str, Outlook] = {}
        model = "run_rate"
        if isinstance(found, RemainingDays):
            model = found.model
            outlooks[SHIPPED] = outlook(
                float(actual), found.days, model=found.model, season_length=found.season_length
            )
            for structure in STRUCTURES[2:]:
                outlooks[structure] = outlook(float(actual), found.days, structure=structure)  # type: ignore[arg-type]
        cases.append(Case(name, amount, period, when, total, float(rate), outlooks, model))
    return cases


def _ape(forecast: float, total: float) -> float:
    return abs(forecast - total) / abs(total) * 100


def report(cases: list[Case]) -> None:
    usable = [c for c in cases if c.outlooks]
    print(
        f"{len(cases)} forecasts, {len(usable)} by the forecast method "
        f"({len(cases) - len(usable)} fell back to the run rate)"
    )
    models: dict[str, int] = {}
    for c in usable:
        models[c.model] = models.get(c.model, 0) + 1
    print("models chosen:", ", ".join(f"{m} {n}" for m, n in sorted(models.items())))
    print()
    print(f"{'budget':24} {'n':>4} {'MAPE forecast':>14} {'MAPE run rate':>14} {'ratio':>7}")
    groups = sorted({c.budget for c in usable})
    for name in [*groups, "pooled"]:
        sel = [c for c in usable if name in ("pooled", c.budget)]
        fc = statistics.fmean(_ape(c.outlooks[SHIPPED].mean, c.total) for c in sel)
        rr = statistics.fmean(_ape(c.run_rate, c.total) for c in sel)
        print(f"{name:24} {len(sel):>4} {fc:>13.2f}% {rr:>13.2f}% {fc / rr:>7.3f}")
    print()
    print("Brier score of P(total > amount) (lower is better) and 80% interval coverage")
    print(f"{'structure':14} {'at amount':>10} {'at 95%':>8} {'at 105%':>8} {'cover80':>8}")
    for structure in [SHIPPED, *STRUCTURES[2:]]:
        briers = []
        for factor in (None, 0.95, 1.05):
            scores = []
            for c in usable:
                amount = c.amount if factor is None else c.total * factor
                p = c.outlooks[structure].probability_above(amount)
                scores.append((p - (1.0 if c.total > amount else 0.0)) ** 2)
            briers.append(statistics.fmean(scores))
        inside = statistics.fmean(
            1.0 if abs(c.total - o.mean) <= Z80 * o.sd else 0.0
            for c in usable
            for o in [c.outlooks[structure]]
        )
        print(
            f"{structure:14} {briers[0]:>10.4f} {briers[1]:>8.4f} {briers[2]:>8.4f} {inside:>8.2f}"
        )
    print()
    print("80% interval coverage by budget")
    print(f"{'budget':24} " + " ".join(f"{st:>12}" for st in [SHIPPED, *STRUCTURES[2:]]))
    for name in groups:
        sel = [c for c in usable if c.budget == name]
        cover = [
            statistics.fmean(
                1.0 if abs(c.total - c.outlooks[st].mean) <= Z80 * c.outlooks[st].sd else 0.0
                for c in sel
            )
            for st in [SHIPPED, *STRUCTURES[2:]]
        ]
        print(f"{name:24} " + " ".join(f"{v:>12.2f}" for v in cover))
    overruns = sum(c.total > c.amount for c in usable)
    rate = overruns / len(usable)
    print(
        f"\nperiods × as_of over their budget's amount: {overruns} of {len(usable)}; "
        f"Brier of always saying that base rate: {rate * (1 - rate):.4f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ledger", type=Path, default=DEFAULT_LEDGER)
    args = parser.parse_args()
    started = time.perf_counter()
    cases: list[Case] = []
    with Ledger.open(args.ledger, read_only=True) as ledger:
        end = ledger.con.execute("SELECT max(ChargePeriodEnd) FROM charges").fetchone()
        last_end = end[0].date() if end and end[0] else date.today()
        for budget in list_budgets(ledger):
            if not isinstance(budget, Budget):
                continue
            scope = SpendScope(budget.filters, budget.currency, budget.metric)
            amount = float(budget.amount)
            if budget.period == "year":
                todo = [BudgetPeriod("project", date(2026, 1, 1), date(2026, 7, 1))]
                per_day = amount / 365
            elif budget.period == "project":
                todo = periods("quarter", date(2026, 1, 1), last_end)
                per_day = amount / (budget.end - budget.start).days if budget.end else 0.0
            else:
                todo = periods(budget.period, budget.start, last_end)
                per_day = 0.0
            for period in todo:
                days = (period.end - period.start).days
                share = amount if not per_day else per_day * days
                cases += evaluate(ledger, budget.name, scope, share, period)
    report(cases)
    print(f"\n{time.perf_counter() - started:.0f} s; ledger {args.ledger}")


if __name__ == "__main__":
    main()
