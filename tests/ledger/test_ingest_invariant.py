"""Property: for every file, ledger rows + quarantined rows = file rows, and costs add up."""

from __future__ import annotations

import re
import tempfile
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infracast.ledger import ingest_focus
from infracast.ledger.connection import Ledger
from tests.ledger.focus_rows import write_focus_csv

COSTS = st.one_of(
    st.decimals(min_value=-1000, max_value=1000, places=6, allow_nan=False).map(str),
    st.sampled_from(
        [
            *("", "NULL", "NaN", "inf", "$1.00", "1,5", "abc", " 2.5 ", "1e2", "1_000", "+5"),
            *("1.2E-05", "1e-20", "0.1234567890123456785", "1e25", "-3"),
        ]
    ),
)
CURRENCIES = st.sampled_from(["USD", "EUR", "usd", "XYZ", "", "JPY"])
ENDS = st.sampled_from(["2026-01-05T01:00:00Z", "2026-01-05T00:00:00Z", "2026-01-04T00:00:00Z", ""])
CATEGORIES = st.sampled_from(["Usage", "usage", "Credit", "Tax", "Refund", ""])

ROW = st.fixed_dictionaries(
    {
        "BilledCost": COSTS,
        "EffectiveCost": COSTS,
        "BillingCurrency": CURRENCIES,
        "ChargePeriodEnd": ENDS,
        "ChargeCategory": CATEGORIES,
    }
)


# docs/ingest.md "Numbers": FOCUS numbers plus E-notation, 18 decimals (half-even), < 10^20
NUMBER = re.compile(r"\s*-?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?\s*")


def parsed(text: str) -> Decimal:
    """What the ledger (charges + quarantine) holds for a cost written as ``text``."""
    if not NUMBER.fullmatch(text):
        return Decimal(0)
    with localcontext(prec=100):
        value = Decimal(text.strip()).quantize(Decimal("1e-18"), rounding=ROUND_HALF_EVEN)
    return value if abs(value) < Decimal("1e20") else Decimal(0)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(ROW, min_size=1, max_size=30))
def test_rows_and_costs_are_neither_lost_nor_doubled(rows: list[dict[str, str]]) -> None:
    with tempfile.TemporaryDirectory() as tmp, Ledger.open(":memory:") as ledger:
        path = write_focus_csv(Path(tmp) / "bill.csv", rows)
        (result,) = ingest_focus(ledger, [path])
        kept = ledger.con.execute(
            "SELECT count(*), coalesce(sum(BilledCost), 0) FROM charges"
        ).fetchone()
        held = ledger.con.execute(
            "SELECT count(*), coalesce(sum(billed_cost), 0) FROM quarantine"
        ).fetchone()
    assert kept is not None and held is not None
    assert kept[0] + held[0] == len(rows) == result.rows_read
    assert (result.rows_ingested, result.rows_quarantined) == (kept[0], held[0])
    assert kept[1] + held[1] == sum(parsed(r["BilledCost"]) for r in rows)
