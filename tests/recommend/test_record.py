"""The recommendation record: its id, its checks, its JSON contract and its order."""

from __future__ import annotations

from decimal import Decimal

import pytest

from infracast.recommend.record import CONTRACT_FIELDS, ranked

from .fixtures import finding


def test_the_id_is_stable_and_names_the_kind_and_scope() -> None:
    a, b = finding(saves="200"), finding(saves="150", title="another title")
    assert a.id == b.id  # same kind and scope: same id, whatever the figures
    assert a.id.startswith("idle_gpu-") and len(a.id) == len("idle_gpu-") + 10
    assert finding(resource="r2").id != a.id
    assert finding(kind="rightsize_gpu").id != a.id
    assert finding(resource_ids=("b", "a")).id == finding(resource_ids=("a", "b")).id


def test_a_range_that_does_not_hold_the_expected_savings_is_refused() -> None:
    with pytest.raises(ValueError, match="does not hold the expected"):
        finding(savings_low=Decimal("250"))
    with pytest.raises(ValueError, match="unknown recommendation kind"):
        finding(kind="idle")
    with pytest.raises(ValueError, match="confidence"):
        finding(confidence=1.5)


def test_the_json_contract_starts_with_its_fields_and_rounds_money_to_cents() -> None:
    out = finding(saves="123.456").to_dict()
    assert tuple(out)[: len(CONTRACT_FIELDS)] == CONTRACT_FIELDS
    # 123.456 -> 123.46; low 123.456 × 0.75 = 92.592 -> 92.59; high × 1.25 = 154.32
    assert (out["expected_monthly_savings"], out["savings_low"], out["savings_high"]) == (
        "123.46", "92.59", "154.32",
    )  # fmt: skip
    assert out["resource_ids"] == ["r1"] and out["status"] == "open"


def test_ranked_puts_the_largest_savings_first() -> None:
    small, big = finding(resource="a", saves="10"), finding(resource="b", saves="90")
    assert [r.resource_ids for r in ranked([small, big])] == [("b",), ("a",)]
