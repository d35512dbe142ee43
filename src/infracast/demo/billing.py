"""The rows of a bill that are not metered usage: commitments, fees, credits, breaks.

- A commitment (AWS Savings Plan, Google committed use discount) is bought as a
  monthly recurring Purchase (BilledCost = commitment, EffectiveCost 0); the
  replicas it covers bill at 0 with EffectiveCost = list × rate ("Committed");
  what they leave unused is a Usage row with status Unused. Over a month the
  EffectiveCost of covered and unused rows equals the Purchase's BilledCost.
- Support plans are a monthly Purchase of a share of the month's spend.
- Credits are negative Credit rows for the first months.
- A few rows break FOCUS rules the way real exports do (refunds as negative
  Usage, a wrong-case enum value, in CSV an unparseable cost); each is listed
  in the manifest.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

from infracast.demo.identities import Resource, identity
from infracast.demo.period import Month

if TYPE_CHECKING:
    from infracast.demo.fleet import ProviderFleet

# The intentional rule breaks, by provider.
REFUNDS = {"aws": (2, "Correction"), "azure": (3, None)}
WRONG_CASE = {"gcp": ("ChargeFrequency", "Usage-based", 3)}  # column, value written, days
UNPARSEABLE = {"aws": "decimal_comma", "gcp": "currency_symbol"}  # CSV only


class Billing:
    """Adds one provider's non-usage rows; rows are counted before CPU instances fill the rest."""

    def __init__(self, fleet: ProviderFleet) -> None:
        self.f = fleet
        self.rng = random.Random(f"{fleet.seed}:{fleet.slug}:billing")
        self.months = fleet.period.months

    def _months_for_credits(self) -> int:
        credits = self.f.p.credits
        return min(credits.months, len(self.months)) if credits else 0

    def reserve(self) -> None:
        """Count the rows :meth:`write` will add, so CPU instances fill only the rest."""
        f = self.f
        for i, m in enumerate(self.months):
            n = 0
            if f.p.commitment is not None and f.committed:
                n += 1 + (m.days if f.grain == 1 else 1)
            n += 1 if f.p.support else 0
            n += 1 if i < self._months_for_credits() else 0
            f.fleet.rows_by_month[(f.slug, m.label)] += n
            f.rows += n
        refunds = REFUNDS.get(f.slug)
        if refunds:
            self.refund_months = [self.rng.randrange(len(self.months)) for _ in range(refunds[0])]
            for k in self.refund_months:
                f.fleet.rows_by_month[(f.slug, self.months[k].label)] += 1
                f.rows += 1

    def write(self) -> None:
        self.commitment()
        self.support()
        self.credits()
        self.refunds()
        self.wrong_case()
        self.unparseable()

    def _one_off(self, res: Resource, pricing: str | None, **fields: Any) -> int:
        return self.f.add(res, pricing, grain=1, **fields)

    def commitment(self) -> None:
        f = self.f
        spec = f.p.commitment
        if spec is None or not f.committed:
            return
        covered = sum(price * spec.rate for _, price in f.committed)  # effective per hour
        per_hour = covered / spec.utilization
        unused = per_hour - covered
        res = Resource(f.slug, "commitment", "commitment", "commitment", region=f.p.home_region)
        ident = identity(f.p, res, None, f.seed)
        names = {
            "commitment_id": ident["resource_id"],
            "commitment_name": spec.name,
            "commitment_type": spec.type,
            "commitment_category": spec.category,
            "commitment_unit": spec.unit,
        }
        f.fleet.streams.update(
            [sid for sid, _ in f.committed],
            **names,
            commit_rate=spec.rate,
            commitment_status="Used",
        )
        for m in self.months:
            self._one_off(
                res,
                "Standard",
                kind="purchase",
                t0=m.start_h,
                t1=m.start_h + 1,
                span=m.hours,
                list_price=per_hour,
                pricing_category="Standard",
                charge_category="Purchase",
                charge_frequency="Recurring",
                **names,
            )
        common = {
            "kind": "unused",
            "amount": unused,
            "pricing_category": "Committed",
            "charge_category": "Usage",
            "charge_frequency": "Usage-Based",
            "commitment_status": "Unused",
            **names,
        }
        if f.grain == 1:
            f.add(res, "Committed", t0=0, t1=f.period.hours, grain=24, span=24, **common)
        else:
            for m in self.months:
                self._one_off(
                    res, "Committed", t0=m.start_h, t1=m.start_h + 1, span=m.hours, **common
                )

    def support(self) -> None:
        f = self.f
        spec = f.p.support
        if spec is None:
            return
        res = Resource(f.slug, "support", "support", "support", region=None)
        for m in self.months:
            fee = max(spec.minimum, spec.share_of_spend * f.fleet.spend[(f.slug, m.label)])
            self._one_off(
                res,
                "Standard",
                kind="support",
                t0=m.start_h,
                t1=m.start_h + 1,
                span=m.hours,
                list_price=round(fee, 2),
                pricing_category="Standard",
                charge_category="Purchase",
                charge_frequency="Recurring",
            )

    def credits(self) -> None:
        f = self.f
        spec = f.p.credits
        if spec is None:
            return
        res = Resource(f.slug, "credit", "credit", "credit", region=None)
        for m in self.months[: self._months_for_credits()]:
            amount = spec.share_of_spend * f.fleet.spend[(f.slug, m.label)]
            self._one_off(
                res,
                None,
                kind="credit",
                t0=m.start_h,
                t1=m.start_h + 1,
                span=m.hours,
                amount=-round(amount, 2),
                charge_category="Credit",
                charge_frequency="One-Time",
            )

    def _month_after(self, h: int, index: int) -> Month:
        """The month ``index`` of the period, or the first one ending after hour ``h``."""
        month = self.months[min(index, len(self.months) - 1)]
        return month if month.end_h > h + 72 else self.f.period.month_of(h)

    def refunds(self) -> None:
        f = self.f
        spec = REFUNDS.get(f.slug)
        if spec is None:
            return
        _, charge_class = spec
        source = f.training_sids[0]
        row = f.fleet.streams.get(source)
        for k in self.refund_months:
            m = self.months[k]
            t0 = m.start_h + self.rng.randrange(m.days) * 24
            sid = f.fleet.streams.copy(
                source,
                kind="refund",
                t0=t0,
                t1=t0 + 1,
                grain=1,
                span=f.grain,
                amount=-float(f.grain),
                charge_class=charge_class,
                gpus=None,
                workload=None,
            )
            f.fleet.rule_breaks.append(
                {
                    "kind": "refund_correction" if charge_class else "negative_usage",
                    "provider": f.slug,
                    "month": m.label,
                    "rows": 1,
                    "sid": sid,
                    "resource_id": row["resource_id"],
                    "hour": t0,
                    "column": "BilledCost",
                    "description": (
                        "a refund written as a Usage row with negative cost and ChargeClass "
                        "Correction (valid FOCUS)"
                        if charge_class
                        else "a refund written as a Usage row with negative cost and no "
                        "ChargeClass (breaks FOCUS; expect a negative_cost warning)"
                    ),
                }
            )

    def wrong_case(self) -> None:
        f = self.f
        spec = WRONG_CASE.get(f.slug)
        if spec is None:
            return
        column, value, days = spec
        sid = f.shared_sids[0]
        m = self._month_after(f.fleet.streams.get(sid)["t0"], len(self.months) // 2)
        start = max(m.start_h + min(9, m.days - days) * 24, f.fleet.streams.get(sid)["t0"])
        f.fleet.streams.update([sid], freq_bad_from=start, freq_bad_to=start + days * 24)
        f.fleet.rule_breaks.append(
            {
                "kind": "wrong_case",
                "provider": f.slug,
                "month": m.label,
                "rows": days,
                "sid": sid,
                "resource_id": f.fleet.streams.get(sid)["resource_id"],
                "hour": start,
                "column": column,
                "value": value,
                "description": f"{column} written as {value!r} instead of 'Usage-Based' "
                "(expect a wrong_case warning; the value is normalised)",
            }
        )

    def unparseable(self) -> None:
        f = self.f
        style = UNPARSEABLE.get(f.slug)
        if style is None:
            return
        sid = f.shared_sids[0]
        m = self._month_after(f.fleet.streams.get(sid)["t0"], 2)
        start = max(m.start_h + min(14, m.days - 1) * 24, f.fleet.streams.get(sid)["t0"])
        f.fleet.streams.update([sid], bad_style=style, bad_from=start, bad_to=start + 24)
        f.fleet.rule_breaks.append(
            {
                "kind": "unparseable_cost",
                "provider": f.slug,
                "month": m.label,
                "rows": 1,
                "sid": sid,
                "resource_id": f.fleet.streams.get(sid)["resource_id"],
                "hour": start,
                "column": "BilledCost",
                "formats": ["csv", "csv.gz"],
                "description": (
                    "BilledCost written with a decimal comma"
                    if style == "decimal_comma"
                    else "BilledCost written with a currency symbol"
                )
                + " (CSV only; expect the row in quarantine as invalid_cost)",
            }
        )
