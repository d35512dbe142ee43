from decimal import Decimal

import pytest

from infracast.analytics.filters import Filter, apply_filters, parse_filter, parse_filters
from infracast.errors import QueryError
from infracast.ledger.connection import Ledger


def _effective_by_currency(ledger: Ledger, *filters: str) -> dict[str, Decimal]:
    charges = apply_filters(ledger.ibis().table("charges"), filters)
    totals = charges.group_by(currency=charges.BillingCurrency).aggregate(
        cost=charges.EffectiveCost.sum()
    )
    return {row["currency"]: row["cost"] for row in totals.to_pyarrow().to_pylist()}


def test_parse_equality_inequality_and_alternatives() -> None:
    assert parse_filter("team=research") == Filter("team", ("research",))
    assert parse_filter(" provider != AWS ") == Filter("provider", ("AWS",), negate=True)
    assert parse_filter("project=atlas-13b,atlas-chat") == Filter(
        "project", ("atlas-13b", "atlas-chat")
    )
    assert parse_filter("tag.env=prod") == Filter("tag.env", ("prod",))
    assert parse_filter("team=(none)") == Filter("team", (None,))


def test_filter_prints_back_as_written() -> None:
    assert str(parse_filter("project!=a,(none)")) == "project!=a,(none)"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("team", "names no dimension and value"),
        ("=research", "names no dimension and value"),
        ("!=research", "names no dimension and value"),
        ("team==research", 'has "=="'),
        ("team=", "has an empty value"),
        ("project=a,,b", "has an empty value"),
        ("tem=research", 'Did you mean "team"'),
    ],
)
def test_bad_filter_is_a_query_error_with_the_syntax(text: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        parse_filter(text)


def test_one_string_is_one_filter() -> None:
    assert parse_filters("team=research") == [Filter("team", ("research",))]


def test_equality_keeps_matching_charges(company: Ledger) -> None:
    # research: r1 80 + r2 10 + r6 7 + r7 3 = 100, all USD.
    assert _effective_by_currency(company, "team=research") == {"USD": Decimal(100)}


def test_inequality_keeps_charges_where_the_dimension_is_missing(company: Ledger) -> None:
    # Not research: r3 applied 45 + r4 (no team) 30 = 75 USD; r5 applied 40 EUR.
    assert _effective_by_currency(company, "team!=research") == {
        "USD": Decimal(75),
        "EUR": Decimal(40),
    }


def test_provider_inequality(company: Ledger) -> None:
    # Not AWS: r3 Google Cloud 45 USD, r5 Microsoft 40 EUR.
    assert _effective_by_currency(company, "provider!=AWS") == {
        "USD": Decimal(45),
        "EUR": Decimal(40),
    }


def test_comma_means_any_of(company: Ledger) -> None:
    # atlas-13b r1 80 + r6 7, atlas-chat r2 10 + r3 45: 142 USD.
    assert _effective_by_currency(company, "project=atlas-13b,atlas-chat") == {"USD": Decimal(142)}


def test_tag_filter(company: Ledger) -> None:
    # env=prod: r1 80 + r3 45 + r6 7 = 132 USD; r5 40 EUR.
    assert _effective_by_currency(company, "tag.env=prod") == {
        "USD": Decimal(132),
        "EUR": Decimal(40),
    }


def test_none_matches_missing_values(company: Ledger) -> None:
    # No team: r4 30. Team missing or applied: r4 30 + r3 45 = 75 USD, r5 40 EUR.
    assert _effective_by_currency(company, "team=(none)") == {"USD": Decimal(30)}
    assert _effective_by_currency(company, "team=applied,(none)") == {
        "USD": Decimal(75),
        "EUR": Decimal(40),
    }
    # Not missing and not research: applied only.
    assert _effective_by_currency(company, "team!=research,(none)") == {
        "USD": Decimal(45),
        "EUR": Decimal(40),
    }


def test_several_filters_and_together(company: Ledger) -> None:
    # research in January: r7 3 + r1 80 + r2 10 = 93.
    assert _effective_by_currency(company, "team=research", "month=2026-01-01") == {
        "USD": Decimal(93)
    }


def test_no_filters_keep_everything(company: Ledger) -> None:
    # USD 80 + 10 + 45 + 30 + 7 + 3 = 175; EUR 40.
    assert _effective_by_currency(company) == {"USD": Decimal(175), "EUR": Decimal(40)}
