import re
from collections.abc import Callable
from typing import Any

import pytest

from infracast.analytics.dimensions import (
    check_dimension,
    check_dimensions,
    dimension,
    dimension_names,
)
from infracast.errors import QueryError
from infracast.ledger.connection import Ledger

# The company's charges in ChargePeriodStart order (conftest.COMPANY):
#   r7 Jan 1 (Thu), r1 Jan 10 (Sat), r5 Jan 15 (Thu), r2 Jan 20 (Tue),
#   r4 Feb 1 (Sun), r3 Feb 3 (Tue), r6 Mar 1 (Sun).
EXPECTED: dict[str, list[Any]] = {
    "provider": ["AWS", "AWS", "Microsoft", "AWS", "AWS", "Google Cloud", "AWS"],
    "service": [
        "AWS Data Transfer",
        "AmazonEC2",
        "Virtual Machines",
        "AmazonS3",
        "AWS Support",
        "Compute Engine",
        "AmazonEC2",
    ],
    "service_category": [
        "Networking",
        "Compute",
        "Compute",
        "Storage",
        "Management and Governance",
        "Compute",
        "Compute",
    ],
    # r3 has no RegionId and falls back to its RegionName; r4 has neither.
    "region": [
        "us-east-1",
        "us-east-1",
        "westeurope",
        "us-east-1",
        None,
        "europe-west4",
        "us-east-1",
    ],
    "account": ["A1", "A1", "A3", "A1", "A1", "A2", "A1"],
    "sub_account": ["S1", "S1", "S3", "S1", None, "S2", "S1"],
    "team": ["research", "research", "applied", "research", None, "applied", "research"],
    "project": [None, "atlas-13b", None, "atlas-chat", None, "atlas-chat", "atlas-13b"],
    "cost_category": ["network", "compute", "compute", "storage", "support", "compute", "compute"],
    "gpu_type": [None, "H100-SXM", None, None, None, None, None],
    "charge_category": ["Usage", "Usage", "Usage", "Usage", "Purchase", "Usage", "Usage"],
    "pricing_category": [None, "Standard", "Standard", "Standard", None, "Committed", None],
    "resource": [None, "i-1", "vm-9", "bucket-1", None, "vm-7", "i-1"],
    "sku": [None, "sku-p5", None, "sku-s3", None, "sku-n2", None],
    "source": ["focus"] * 7,
    "day": [
        "2026-01-01",
        "2026-01-10",
        "2026-01-15",
        "2026-01-20",
        "2026-02-01",
        "2026-02-03",
        "2026-03-01",
    ],
    # Weeks start on the Monday on or before the day.
    "week": [
        "2025-12-29",
        "2026-01-05",
        "2026-01-12",
        "2026-01-19",
        "2026-01-26",
        "2026-02-02",
        "2026-02-23",
    ],
    "month": ["2026-01-01"] * 4 + ["2026-02-01"] * 2 + ["2026-03-01"],
    "quarter": ["2026-01-01"] * 7,
    "year": ["2026-01-01"] * 7,
    # r7's env tag is an empty string and r4 has no tags: both are missing.
    "tag.env": [None, "prod", "prod", "dev", None, "prod", "prod"],
    "tag.ENV": [None] * 7,  # keys match exactly
    "custom.cost_center": [None, "cc-1", None, None, None, None, None],
}


def _values(ledger: Ledger, name: str) -> list[Any]:
    charges = ledger.ibis().table("charges").order_by("ChargePeriodStart")
    return charges.select(dimension(charges, name)).to_pyarrow().column(0).to_pylist()


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_dimension_reads_its_column(company: Ledger, name: str) -> None:
    assert _values(company, name) == EXPECTED[name]


def test_every_fixed_dimension_is_covered_by_a_test() -> None:
    fixed = {n for n in dimension_names() if not n.endswith(".KEY")}
    assert fixed <= set(EXPECTED)


def test_source_tells_bills_from_generated_charges(make_ledger: Callable[..., Ledger]) -> None:
    ledger = make_ledger(
        charges=[
            {"x_source": "focus", "ChargePeriodStart": "2026-01-01T00:00"},
            {"x_source": "asset", "ChargePeriodStart": "2026-01-02T00:00"},
            {"x_source": "manual", "ChargePeriodStart": "2026-01-03T00:00"},
        ]
    )
    assert _values(ledger, "source") == ["focus", "asset", "manual"]


def test_provider_falls_back_to_provider_name(make_ledger: Callable[..., Ledger]) -> None:
    ledger = make_ledger(charges=[{"ProviderName": "Oracle", "cost": 1}])
    assert _values(ledger, "provider") == ["Oracle"]


def test_dimension_expression_is_named_as_given(company: Ledger) -> None:
    charges = company.ibis().table("charges")
    assert dimension(charges, "tag.env").get_name() == "tag.env"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("tem", 'unknown dimension "tem". Did you mean "team"?'),
        ("tags.env", 'unknown dimension "tags.env". Did you mean "tag.env"?'),
        ("tag.", 'dimension "tag." names no key'),
        ("currency", "always split by currency"),
        ("", 'unknown dimension ""'),
    ],
)
def test_unknown_dimension_is_a_query_error(name: str, message: str) -> None:
    with pytest.raises(QueryError, match=re.escape(message)):
        check_dimension(name)


def test_unknown_dimension_lists_the_valid_names() -> None:
    with pytest.raises(QueryError) as err:
        check_dimension("colour")
    assert err.value.hint is not None
    assert "provider" in err.value.hint and "tag.KEY" in err.value.hint


def test_dimensions_from_a_comma_string_are_trimmed_and_deduplicated() -> None:
    assert check_dimensions("team, month,team") == ["team", "month"]
    assert check_dimensions(["tag.env", "project"]) == ["tag.env", "project"]
    assert check_dimensions("") == []
