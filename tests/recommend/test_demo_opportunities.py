"""End to end: every opportunity the demo plants is among its recommendations, with savings
within 25% of the planted figure (the manifest's ``opportunities``, each recomputed from the
written files by tests/demo/test_opportunities.py)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from infracast.demo.manifest import DemoManifest
from infracast.demo.run import run_demo
from infracast.ledger.connection import Ledger
from infracast.recommend import Recommendation, recommend


@pytest.fixture(scope="module")
def found(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[list[Recommendation], DemoManifest]]:
    root = tmp_path_factory.mktemp("demo-recommend")
    with Ledger.open(root / "demo.duckdb") as led:
        run = run_demo(led, root / "demo", rows=50_000, summary=None)
        yield recommend(led), run.manifest


@pytest.mark.slow
def test_the_demo_plants_the_four_kinds(found) -> None:
    _, manifest = found
    assert {o.kind for o in manifest.opportunities} == {
        "idle_gpu", "consolidate_replicas", "storage_tier", "commitment_unused",
    }  # fmt: skip


@pytest.mark.slow
def test_every_planted_opportunity_is_recommended_within_a_quarter_of_its_savings(found) -> None:
    recs, manifest = found
    for planted in manifest.opportunities:
        mine = [
            r for r in recs
            if r.kind == planted.kind and set(r.resource_ids) & set(planted.resource_ids)
        ]  # fmt: skip
        assert mine, f"{planted.kind} on {planted.resource_ids} was not recommended"
        # an idle pair is stopped one VM at a time: their savings add up to the plant's
        covered = {rid for r in mine for rid in r.resource_ids}
        assert covered == set(planted.resource_ids), planted.kind
        saves = sum((r.expected_monthly_savings for r in mine), Decimal(0))
        assert abs(saves - planted.monthly_savings) <= Decimal("0.25") * planted.monthly_savings, (
            f"{planted.kind}: recommended {saves:.2f} against {planted.monthly_savings} planted"
        )
        assert {r.team for r in mine} == {planted.team}
        assert all(r.status == "open" and r.reproduce.startswith("infracast ") for r in mine)


@pytest.mark.slow
def test_the_json_contract_holds_on_the_demo(found) -> None:
    recs, _ = found
    dicts = [r.to_dict() for r in recs]
    savings = [Decimal(d["expected_monthly_savings"]) for d in dicts]
    assert savings == sorted(savings, reverse=True)  # highest expected savings first
    for d in dicts:
        assert Decimal(d["savings_low"]) <= Decimal(d["expected_monthly_savings"])
        assert Decimal(d["expected_monthly_savings"]) <= Decimal(d["savings_high"])
        assert d["evidence"] and 0 <= d["confidence"] <= 1 and d["currency"] == "USD"
