"""A risk spec: the flags laid over a risk file, and mistakes named with their place."""

from __future__ import annotations

from decimal import Decimal

import pytest

from infracast.errors import FinanceError
from infracast.finance import RiskSpec, risk_spec

FILE = {
    "seed": "7",
    "samples": "500",
    "budget": "750000",
    "vary": {
        "revenue": {"dist": "pert", "low": 0.5, "mode": 1, "high": 1.2},
        "cost": "uniform:1,2",
    },
}


def test_a_file_reads_with_numbers_as_text() -> None:
    spec = risk_spec(FILE)
    assert (spec.seed, spec.samples, spec.budget) == (7, 500, Decimal(750000))
    assert list(spec.vary) == ["revenue", "cost"]


def test_nothing_given_means_seed_0_and_the_default_samples() -> None:
    spec = RiskSpec()
    assert (spec.seed, spec.samples, spec.budget, spec.vary) == (0, None, None, {})


def test_flags_win_and_vary_adds_or_replaces_by_name() -> None:
    spec = risk_spec(FILE).overridden(
        vary=["cost=triangular:0.9,1,1.4", "rate=uniform:0.05,0.15"], seed=3
    )
    # the file's order is kept (the seed draws inputs in order); a new name comes last
    assert spec.vary == {
        "revenue": FILE["vary"]["revenue"],  # type: ignore[index]
        "cost": "triangular:0.9,1,1.4",
        "rate": "uniform:0.05,0.15",
    }
    assert (spec.seed, spec.samples, spec.budget) == (3, 500, Decimal(750000))


def test_a_value_not_given_keeps_the_files() -> None:
    spec = risk_spec(FILE).overridden(budget="800,000")
    assert (spec.seed, spec.budget) == (7, Decimal(800000))


def test_a_vary_without_a_name_is_refused_with_an_example() -> None:
    with pytest.raises(FinanceError, match="--vary 'costtriangular' is not NAME=DIST") as caught:
        RiskSpec().overridden(vary=["costtriangular"])
    assert "--vary cost=triangular" in str(caught.value.hint)


def test_an_unknown_key_names_the_closest() -> None:
    with pytest.raises(
        FinanceError, match=r"risk.yaml has 1 problem: unknown key 'sampels'\. Did you mean"
    ):
        risk_spec({"sampels": 3}, where="--risk: risk.yaml")


def test_a_negative_seed_is_refused_where_it_is() -> None:
    with pytest.raises(FinanceError, match="seed: must be greater than or equal to 0"):
        risk_spec({"seed": -1})


def test_a_list_is_not_a_risk_spec() -> None:
    with pytest.raises(FinanceError, match="is a mapping of vary, samples, seed and budget"):
        risk_spec([1, 2])  # type: ignore[arg-type]
