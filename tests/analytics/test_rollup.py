"""The daily rollup answers exactly what the charges answer, wherever it is read.

Equivalence is the test: every cost breakdown and movers query the rollup can answer
(:func:`infracast.analytics.rollup.answers`) gives the same rows, to the last decimal,
from ``charges_daily`` as from ``charges``, and its totals are the charges' totals.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infracast import analytics
from infracast.analytics._costs import cost_by
from infracast.analytics.movers import latest_complete, movers_by
from infracast.analytics.periods import parse_period, previous
from infracast.analytics.rollup import ROLLUP_DIMENSIONS, answers, costs_source, is_rollup
from infracast.analytics.scope import to_rows
from infracast.errors import QueryError
from infracast.ledger import rollup
from infracast.ledger.connection import Ledger

from .ledgers import add_charges, reset

DAY0 = datetime(2026, 1, 30)
DIMS = sorted(ROLLUP_DIMENSIONS)


def test_the_rollup_keeps_every_dimension_but_the_per_resource_ones() -> None:
    assert set(analytics.dimension_names()) - ROLLUP_DIMENSIONS == {
        "resource",
        "sku",
        "tag.KEY",
        "custom.KEY",
    }


@pytest.mark.parametrize(
    ("by", "start", "end", "filters", "expected"),
    [
        ("team,month", None, None, (), True),
        ("provider", "2026-01", "2026-03-15", ["team=a,(none)", "month!=2026-02-01"], True),
        ("cost_category", datetime(2026, 1, 1), datetime(2026, 2, 1), (), True),
        ("resource", None, None, (), False),  # per charge
        ("team", None, None, ["sku=x"], False),
        ("tag.env", None, None, (), False),
        ("team", "2026-01-05T06:00:00Z", None, (), False),  # not a day boundary
        ("team", None, "2026-01-05T00:00:01", (), False),
        ("team", "2026-01-05T00:00:00+00:00", None, (), True),
    ],
)
def test_answers_only_what_the_rollup_holds_exactly(
    by: str, start: Any, end: Any, filters: Any, expected: bool
) -> None:
    assert answers(by, start, end, filters) is expected


def test_costs_read_the_rollup_when_in_step_and_the_charges_when_not(
    make_ledger: Callable[..., Ledger],
) -> None:
    ledger = make_ledger(charges=[{"cost": 5, "x_team": "a"}])
    assert is_rollup(costs_source(ledger, "team"))
    assert not is_rollup(costs_source(ledger, "resource"))
    # A charge written around the library: the rollup no longer counts every charge.
    ledger.con.execute(
        "INSERT INTO charges (x_ingest_id, x_source, x_cost_category, BillingCurrency, "
        "BilledCost, EffectiveCost, ChargePeriodStart, ChargePeriodEnd, x_team) VALUES "
        "(9, 'focus', 'compute', 'USD', 2, 2, '2026-01-01', '2026-01-02', 'a')"
    )
    assert not rollup.in_step(ledger.con)
    assert not is_rollup(costs_source(ledger, "team"))
    # 5 + 2, read from the charges
    assert analytics.costs(ledger, by="team") == [
        {"team": "a", "billed_cost": Decimal(7), "effective_cost": Decimal(7), "currency": "USD"}
    ]
    rollup.refresh(ledger.con)
    assert is_rollup(costs_source(ledger, "team"))
    assert analytics.costs(ledger, by="team")[0]["effective_cost"] == Decimal(7)


def test_a_ledger_without_a_rollup_reads_the_charges(make_ledger: Callable[..., Ledger]) -> None:
    ledger = make_ledger(charges=[{"cost": 5}])
    ledger.con.execute("DROP TABLE charges_daily")
    assert not is_rollup(costs_source(ledger, "team"))
    assert analytics.costs(ledger)[0]["billed_cost"] == Decimal(5)


def _money() -> st.SearchStrategy[Decimal | None]:
    # up to 18 decimal places, as the ledger stores money; negative for credits
    return st.decimals(
        min_value=-100, max_value=10_000, places=18, allow_nan=False, allow_infinity=False
    )


@st.composite
def _charge(draw: st.DrawFn) -> dict[str, Any]:
    start = DAY0 + timedelta(hours=draw(st.integers(0, 24 * 40)), minutes=draw(st.integers(0, 59)))
    return {
        "BillingCurrency": draw(st.sampled_from(["USD", "EUR"])),
        "ServiceProviderName": draw(st.sampled_from([None, "", "AWS", "GCP"])),
        "ProviderName": draw(st.sampled_from([None, "AWS", "Google"])),
        "ServiceName": draw(st.sampled_from([None, "EC2", "S3"])),
        "RegionId": draw(st.sampled_from([None, "", "us-east-1"])),
        "RegionName": draw(st.sampled_from([None, "US East"])),
        "x_team": draw(st.sampled_from([None, "", "a", "b"])),
        "x_project": draw(st.sampled_from([None, "p1", "p2"])),
        "x_cost_category": draw(st.sampled_from(["compute", "storage"])),
        "x_gpu_type": draw(st.sampled_from([None, "H100-SXM"])),
        "ChargeCategory": draw(st.sampled_from(["Usage", "Purchase", "Credit"])),
        "x_source": draw(st.sampled_from(["focus", "manual"])),
        "x_ingest_id": draw(st.integers(1, 3)),
        "ChargePeriodStart": start,
        "ChargePeriodEnd": start + timedelta(hours=draw(st.sampled_from([1, 24, 24 * 31]))),
        "BilledCost": draw(_money()),
        "EffectiveCost": draw(_money()),
        "ListCost": draw(st.none() | _money()),
        "ContractedCost": draw(st.none() | _money()),
    }


_BOUND = st.none() | st.integers(0, 45).map(lambda d: DAY0 + timedelta(days=d))


@st.composite
def _filters(draw: st.DrawFn) -> list[str]:
    out = []
    for name, values in (("team", ["a", "b", "(none)"]), ("provider", ["AWS", "Google"])):
        if draw(st.booleans()):
            chosen = draw(st.lists(st.sampled_from(values), min_size=1, max_size=2, unique=True))
            out.append(f"{name}{draw(st.sampled_from(['=', '!=']))}{','.join(chosen)}")
    return out


def _both(ledger: Ledger) -> tuple[Any, Any]:
    backend = ledger.ibis()
    return backend.table("charges"), backend.table(rollup.TABLE)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(_charge(), min_size=0, max_size=25),
    by=st.lists(st.sampled_from(DIMS), max_size=3, unique=True),
    bounds=st.tuples(_BOUND, _BOUND),
    filters=_filters(),
    metric=st.sampled_from(["effective_cost", "billed_cost", "list_cost", "contracted_cost"]),
)
def test_cost_by_gives_the_same_rows_from_the_rollup_as_from_the_charges(
    scratch: Ledger,
    rows: list[dict[str, Any]],
    by: list[str],
    bounds: tuple[datetime | None, datetime | None],
    filters: list[str],
    metric: str,
) -> None:
    reset(scratch)
    add_charges(scratch, rows)
    start, end = bounds
    if start is not None and end is not None and start >= end:
        start, end = end - timedelta(days=1), start + timedelta(days=1)
    assert answers(by, start, end, filters)
    charges, daily = _both(scratch)
    want = to_rows(cost_by(charges, by, start, end, filters, metric))
    got = to_rows(cost_by(daily, by, start, end, filters, metric))
    assert got == want
    # the rollup's totals are the charges' totals
    assert to_rows(cost_by(daily)) == to_rows(cost_by(charges))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(_charge(), min_size=1, max_size=25),
    by=st.lists(st.sampled_from(DIMS), max_size=2, unique=True),
    grain=st.sampled_from(["day", "week", "month"]),
    filters=_filters(),
    n=st.none() | st.integers(1, 3),
)
def test_movers_give_the_same_rows_from_the_rollup_as_from_the_charges(
    scratch: Ledger,
    rows: list[dict[str, Any]],
    by: list[str],
    grain: str,
    filters: list[str],
    n: int | None,
) -> None:
    reset(scratch)
    add_charges(scratch, rows)
    charges, daily = _both(scratch)
    try:
        current = latest_complete(charges, grain, filters)
    except QueryError:  # nothing in scope: the rollup says the same
        with pytest.raises(QueryError):
            latest_complete(daily, grain, filters)
        return
    assert latest_complete(daily, grain, filters) == current
    for period in (current, parse_period(rows[0]["ChargePeriodStart"], grain)):
        prior = previous(period, grain)
        want = to_rows(movers_by(charges, by, period, prior, filters, "effective_cost", n))
        got = to_rows(movers_by(daily, by, period, prior, filters, "effective_cost", n))
        assert got == want


def test_top_movers_and_costs_agree_with_the_charges_on_the_company(company: Ledger) -> None:
    """The library functions on the small company: the rollup path against a ledger whose
    rollup was emptied (out of step, so read from the charges)."""
    calls = [
        lambda: analytics.costs(company, by="team,month", measures=analytics._costs.METRICS),
        lambda: analytics.costs(company, by="provider", start="2026-01", end="2026-03"),
        lambda: analytics.costs(company, by="cost_category", filters=["team!=research"]),
        lambda: analytics.top_movers(company, by=["service"], grain="month"),
        lambda: analytics.top_movers(company, by=["team"], grain="week", period="2026-02-01"),
    ]
    assert is_rollup(costs_source(company, "team"))
    via_rollup = [call() for call in calls]
    company.con.execute("DELETE FROM charges_daily")
    assert not is_rollup(costs_source(company, "team"))
    assert [call() for call in calls] == via_rollup
