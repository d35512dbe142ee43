"""Distributions: parsing, validation with clear errors, and the shape of the draws."""

from __future__ import annotations

import numpy as np
import pytest

from infracast.errors import FinanceError
from infracast.finance import distribution


def test_text_and_mapping_forms_agree() -> None:
    a = distribution("triangular:0.9,1,1.3", input="cost")
    b = distribution({"dist": "triangular", "low": 0.9, "mode": 1, "high": 1.3}, input="cost")
    assert a == b
    assert a.describe() == "triangular(low=0.9, mode=1, high=1.3)"
    assert a.to_json() == {"dist": "triangular", "low": 0.9, "mode": 1.0, "high": 1.3}


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("triangular:1.2,1,1.4", r"low ≤ mode ≤ high"),
        ("pert:1,1,1", r"low < high"),
        ("normal:1,0", r"sd > 0"),
        ("lognormal:0,-1", r"sigma > 0"),
        ("uniform:2,1", r"low < high"),
        ("triangle:1,2,3", 'Did you mean "triangular"'),
        ("normal:1", "takes 2 parameters"),
        ("normal:1,x", "parameter sd 'x' is not a number"),
        ({"dist": "normal", "mean": 1}, "missing sd"),
        ({"dist": "uniform", "low": 1, "high": 2, "mode": 1}, "unknown mode"),
    ],
)
def test_bad_parameters_are_errors_naming_the_input(spec: object, message: str) -> None:
    with pytest.raises(FinanceError, match=message) as info:
        distribution(spec, input="people.0.fte")  # type: ignore[arg-type]
    assert "people.0.fte" in info.value.message


def test_draws_stay_in_their_bounds_and_centre() -> None:
    rng = np.random.default_rng(1)
    tri = distribution("triangular:1,2,4", input="x").sample(rng, 20000)
    assert tri.min() >= 1 and tri.max() <= 4
    assert tri.mean() == pytest.approx((1 + 2 + 4) / 3, rel=0.02)  # (a + c + b)/3
    pert = distribution("pert:1,2,4", input="x").sample(rng, 20000)
    assert pert.min() >= 1 and pert.max() <= 4
    assert pert.mean() == pytest.approx((1 + 4 * 2 + 4) / 6, rel=0.02)  # (a + 4m + b)/6 = 2.1667
    uni = distribution("uniform:0,10", input="x").sample(rng, 20000)
    assert uni.mean() == pytest.approx(5, rel=0.02)
