"""Realized savings on a fixture with a known change, and the track record they make."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest

from infracast.ledger.connection import Ledger
from infracast.recommend import (
    RecommendError,
    UnknownRecommendationError,
    accept,
    done,
    realized_savings,
    recommend,
)

from ..analytics.ledgers import add_charges
from .fixtures import CHANGED, finding


@pytest.fixture
def ledger() -> Iterator[Ledger]:
    with Ledger.open(":memory:") as led:
        add_charges(led, CHANGED)
        yield led


def test_an_accepted_downsize_is_measured_against_the_run_rate_before_it(ledger: Ledger) -> None:
    (rec,) = recommend(ledger, rules=[lambda _l: [finding(saves="200")]])
    change = accept(ledger, rec.id, effective=date(2026, 3, 1))
    # before: 30 days of February at 10 a day = 300 per 30 days
    assert change.baseline_run_rate == Decimal("300") and change.status == "accepted"
    (measured,) = realized_savings(ledger)
    # after: 31 days of March at 4 = 124, per 30 days 120; realized 300 - 120 = 180 of 200
    assert measured.days_after == 31 and measured.cost_after == Decimal("124")
    assert measured.realized_monthly_savings == Decimal("180")
    assert measured.delivery == pytest.approx(0.9)


def test_the_next_finding_of_the_kind_is_weighted_by_how_well_the_last_delivered(
    ledger: Ledger,
) -> None:
    (rec,) = recommend(ledger, rules=[lambda _l: [finding(saves="200")]])
    accept(ledger, rec.id, effective=date(2026, 3, 1))
    rules = [lambda _l: [finding(saves="200"), finding(resource="r9", saves="100")]]
    listed = {r.resource_ids[0]: r for r in recommend(ledger, rules=rules)}
    new = listed["r9"]
    # 180 of 200 delivered: weight 0.9, so 100 -> 90 (range 75..125 -> 67.5..112.5)
    assert new.expected_monthly_savings == Decimal("90")
    assert (new.savings_low, new.savings_high) == (Decimal("67.5"), Decimal("112.5"))
    assert new.evidence["track_record"]["weight"] == pytest.approx(0.9)
    assert listed["r1"].status == "accepted"  # the accepted one keeps its status
    assert listed["r1"].expected_monthly_savings == Decimal("200")  # as accepted: not re-weighed
    rules = [lambda _l: [finding(kind="share_gpu", resource="r8")]]
    other = {r.kind: r for r in recommend(ledger, rules=rules)}
    assert other["share_gpu"].expected_monthly_savings == Decimal("200")  # another kind


def test_too_early_to_measure_says_so(ledger: Ledger) -> None:
    (rec,) = recommend(ledger, rules=[lambda _l: [finding()]])
    accept(ledger, rec.id, effective=date(2026, 3, 25))  # 7 days of data after: too few
    (measured,) = realized_savings(ledger, rec.id)
    assert measured.days_after == 7 and measured.realized_monthly_savings is None


def test_status_moves_are_checked(ledger: Ledger) -> None:
    (rec,) = recommend(ledger, rules=[lambda _l: [finding()]])
    with pytest.raises(RecommendError, match="only accepted ones are measured"):
        realized_savings(ledger, rec.id)
    with pytest.raises(RecommendError, match="cannot become done"):
        done(ledger, rec.id)
    accept(ledger, rec.id, effective=date(2026, 3, 1))
    assert done(ledger, rec.id).effective_from == date(2026, 3, 1)  # kept for measuring
    with pytest.raises(RecommendError, match="it is final"):
        accept(ledger, rec.id)
    with pytest.raises(UnknownRecommendationError, match="Did you mean"):
        accept(ledger, rec.id[:-1] + "x")
