from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from infracast.analytics.allocation import even, split, to_money

from .strategies import money

D = Decimal
UNIT = Fraction(1, 10**18)


def test_split_gives_the_leftover_unit_to_the_largest_remainder() -> None:
    # 27 in proportion 109 : 46 -> quotas 18.987096774193548387|0967... and
    # 8.012903225806451612|9032...; floors leave one unit of 1e-18, which goes to the
    # larger remainder (0.903 > 0.097).
    assert split(D(27), {"research": D(109), "applied": D(46)}) == {
        "applied": D("8.012903225806451613"),
        "research": D("18.987096774193548387"),
    }


def test_even_split_of_one_unit_goes_to_the_first_key() -> None:
    one = D("0.000000000000000001")
    assert even(one, ["b", "a"]) == {"a": one, "b": D(0)}
    # 10 / 3: 3.333333333333333334 + 3.333333333333333333 + 3.333333333333333333.
    assert even(D(10), ["x", "y", "z"]) == {
        "x": D("3.333333333333333334"),
        "y": D("3.333333333333333333"),
        "z": D("3.333333333333333333"),
    }


def test_negative_totals_split_by_magnitude() -> None:
    # A credit of -10 split 1 : 3.
    assert split(D(-10), {"a": 1, "b": 3}) == {"a": D("-2.5"), "b": D("-7.5")}


def test_split_refuses_what_it_cannot_do() -> None:
    with pytest.raises(ValueError, match="positive sum"):
        split(D(1), {"a": 0})
    with pytest.raises(ValueError, match="positive sum"):
        split(D(1), {"a": -1, "b": 2})
    with pytest.raises(ValueError, match="18 decimal places"):
        split(D("0.0000000000000000001"), {"a": 1})


def test_to_money_rounds_to_the_ledgers_eighteen_places() -> None:
    # 0.1 + 0.2 is 0.30000000000000004 (its shortest repr); 18 places keep the 4
    assert to_money(0.1 + 0.2) == D("0.300000000000000040")
    assert to_money(D("1.0000000000000000005")) == D("1.000000000000000000")  # half to even
    assert to_money(D("1.0000000000000000015")) == D("1.000000000000000002")
    # money computed through floats keeps 12 places: the rest is float noise
    assert to_money(0.1 + 0.2, 12) == D("0.300000000000")


@given(
    total=money(-(10**6), 10**6),
    weights=st.dictionaries(
        st.sampled_from("abcdefg"),
        st.one_of(
            st.integers(0, 1000),
            st.floats(0, 1000, allow_nan=False),
            st.decimals(0, 1000, places=6, allow_nan=False),
        ),
        min_size=1,
    ).filter(lambda w: sum(Fraction(v) for v in w.values()) > 0),
)
def test_parts_add_up_exactly_and_stay_within_a_unit_of_their_quota(
    total: Decimal, weights: dict[str, float]
) -> None:
    parts = split(total, weights)
    assert sum(parts.values(), D(0)) == total
    weight_sum = sum(Fraction(v) for v in weights.values())
    for key, part in parts.items():
        quota = Fraction(total) * Fraction(weights[key]) / weight_sum
        assert abs(Fraction(part) - quota) < UNIT
        assert part.as_tuple().exponent == -18
