"""``manual.yaml``: the costs no bill carries, in the format of docs/sources.md.

Licences, a labelling contract, the on-prem support contract, colocation and
people (FTE × monthly rate per team), dated inside the generated period.
"""

from __future__ import annotations

from typing import Any

from infracast.demo.company import Company
from infracast.demo.period import Period


def manual_document(company: Company, period: Period) -> dict[str, Any]:
    """The manual entries of the company over ``period``."""
    entries = []
    last = len(period.months)
    for e in company.manual:
        start_month = min(e.start_month, last - 1)
        end_month = min(e.end_month, last) if e.end_month is not None else last
        entry: dict[str, Any] = {"id": e.id}
        if e.description:
            entry["description"] = e.description
        entry["category"] = e.category
        if e.vendor:
            entry["vendor"] = e.vendor
        if e.fte is not None:
            entry["fte"] = e.fte
            entry["monthly_rate"] = e.monthly_rate
        else:
            entry["amount"] = e.amount
        entry["currency"] = company.currency
        entry["frequency"] = e.frequency
        if e.amortize:
            entry["amortize"] = True
        entry["start"] = period.month_offset(start_month)
        entry["end"] = period.month_offset(max(end_month, start_month + 1))
        if e.team:
            entry["team"] = e.team
        if e.project:
            entry["project"] = e.project
        entries.append(entry)
    return {"entries": entries}
