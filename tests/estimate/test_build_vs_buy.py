"""Build or buy: the owned fleet's cost per (useful) GPU-hour against renting, and break-evens."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from infracast.catalog.models import PriceOption, ServerPrice
from infracast.errors import EstimateError
from infracast.estimate._build_vs_buy import build_vs_buy
from infracast.estimate.ownership import OwnedFleet, ownership_defaults, resolve, yearly_cost

D = Decimal

# One 8-GPU server of 240,000 USD, 10 kW rated, at 50% utilization, every input given:
#   depreciation 240,000 / 4 years                         = 60,000 a year (compute)
#   maintenance 10% × 240,000                              = 24,000 (support)
#   staff 1 server / 10 per FTE × 120,000                  = 12,000 (people)
#   facilities 10 kW × 150 × 12                            = 18,000 (facilities)
#   energy 10 kW × (0.3 + 0.7 × 0.5) × 8,760 h × 1.5 × 0.10 = 8,541 (energy)
#   total 122,541 a year over 8 × 8,760 = 70,080 GPU-hours:
#   1.7486 per GPU-hour, 122,541 / 35,040 useful = 3.4972 per useful GPU-hour.
# Linear in u: A = 114,000 + idle energy 10 × 0.3 × 13,140 × 0.10 (3,942) = 117,942;
#              B = 10 × 0.7 × 13,140 × 0.10 = 9,198 per unit of utilization.
HAND: dict[str, Any] = dict(
    server_price=D(240_000),
    currency="USD",
    gpus_per_server=8,
    server_power_kw=D(10),
    utilization=D("0.5"),
    life_years=D(4),
    salvage_pct=D(0),
    other_capex_pct=D(0),
    idle_power_fraction=D("0.3"),
    pue=D("1.5"),
    energy_price_per_kwh=D("0.10"),
    facilities_per_kw_month=D(150),
    servers_per_fte=D(10),
    fte_annual_cost=D(120_000),
    maintenance_pct_per_year=D(10),
)


def rent(
    model: str, per_gpu_hour: str, currency: str = "USD", gpu: str = "H100-SXM"
) -> PriceOption:
    return PriceOption(
        provider="Cloud",
        accelerator=gpu,
        accelerators_per_instance=8,
        pricing_model=model,
        price_per_hour=D(per_gpu_hour) * 8,
        currency=currency,
        as_of=date(2026, 1, 1),
        source="test price",
    )


def fleet(**changes: Any) -> OwnedFleet:
    return OwnedFleet(**(HAND | changes))


def test_owned_costs_by_category_and_per_gpu_hour_match_the_hand_sums() -> None:
    owned = build_vs_buy(fleet()).owned
    assert owned.annual_by_category == {
        "compute": D("60000.00"),
        "support": D("24000.00"),
        "people": D("12000.00"),
        "facilities": D("18000.00"),
        "energy": D("8541.00"),
    }
    assert owned.annual_total == D("122541.00")
    assert owned.cost_per_gpu_hour == D("1.7486")
    assert owned.cost_per_useful_gpu_hour == D("3.4972")
    assert owned.total == D("490164.00")  # 4 years × 122,541
    assert owned.tco.by_year[0].cash_by_category["compute"] == D("240000.00")


def test_on_demand_break_even_is_where_owning_costs_the_same_per_useful_hour() -> None:
    # 4.00 a GPU-hour: A + B·u = 4 × 70,080 × u → u* = 117,942 / (280,320 − 9,198) = 0.43501.
    result = build_vs_buy(fleet(), [rent("on_demand", "4.00")])
    on_demand = result.rentals[0]
    assert on_demand.break_even_utilization == pytest.approx(0.4350, abs=1e-4)
    assert on_demand.owning_cheaper == "above"
    assert on_demand.cost_per_useful_gpu_hour == D("4.0000")
    # 4.00 × 35,040 useful hours × 4 years = 560,640; owning saves 560,640 − 490,164.
    assert on_demand.total == D("560640.00")
    assert on_demand.owning_saves == D("70476.00")
    assert "owning wins above 43.5% utilization" in on_demand.verdict


def test_reserved_capacity_is_paid_whether_used_or_not() -> None:
    # commit at 2.00: 2 × 70,080 = 140,160 a year ≥ A + B (127,140) → owning wins at every u.
    committed = build_vs_buy(fleet(), [rent("commit_1y", "2.00")]).rentals[0]
    assert committed.cost_per_useful_gpu_hour == D("4.0000")  # 2.00 / 0.5
    assert committed.owning_cheaper == "always"
    assert committed.break_even_utilization is None


def test_reserved_break_even_lies_below_when_energy_dominates() -> None:
    # energy at 1.00/kWh: A = 114,000 + 10 × 0.3 × 13,140 × 1 = 153,420; B = 91,980.
    # commit at 3.00: r·H = 210,240 → u* = (210,240 − 153,420) / 91,980 = 0.61774; owning
    # is cheaper below it (only its energy grows with use).
    committed = build_vs_buy(
        fleet(energy_price_per_kwh=D("1.00")), [rent("commit_3y", "3.00")]
    ).rentals[0]
    assert committed.break_even_utilization == pytest.approx(0.6177, abs=1e-4)
    assert committed.owning_cheaper == "below"


def test_spot_too_cheap_to_beat_has_no_break_even() -> None:
    # 1.50 / 0.9 useful = 1.6667 per useful hour; u* = 117,942 / (116,800 − 9,198) = 1.096 > 1.
    spot = build_vs_buy(fleet(), [rent("spot", "1.50")]).rentals[0]
    assert spot.useful_fraction == "0.9"
    assert spot.cost_per_useful_gpu_hour == D("1.6667")
    assert spot.owning_cheaper == "never"
    assert spot.break_even_utilization is None
    assert "renting wins at every utilization" in spot.verdict


@settings(max_examples=80, deadline=None)
@given(
    price=st.decimals(min_value="0.5", max_value="12", places=2),
    energy=st.decimals(min_value="0.02", max_value="0.6", places=2),
    idle=st.decimals(min_value="0", max_value="0.9", places=2),
    model=st.sampled_from(["on_demand", "spot", "commit_1y"]),
)
def test_at_the_break_even_owning_and_renting_cost_the_same(
    price: Decimal, energy: Decimal, idle: Decimal, model: str
) -> None:
    base = fleet(energy_price_per_kwh=energy, idle_power_fraction=idle)
    comparison = build_vs_buy(base, [rent(model, str(price))]).rentals[0]
    u_star = comparison.break_even_utilization
    assume(u_star is not None and 0.01 < u_star < 0.99)
    assert u_star is not None
    r = resolve(base)
    hours = r.gpus * r["hours_per_year"]

    def owned(u: float) -> float:
        return float(yearly_cost(r, D(str(u))).total) / (float(hours) * u)

    def rented(u: float) -> float:
        f = {"on_demand": 1.0, "spot": 0.9}.get(model, u)
        return float(price) / f

    assert owned(u_star) == pytest.approx(rented(u_star), rel=1e-3)
    above, below = min(1.0, u_star + 0.01), max(0.001, u_star - 0.01)
    cheaper_side = above if comparison.owning_cheaper == "above" else below
    assert owned(cheaper_side) < rented(cheaper_side)


def test_every_default_used_is_listed_with_its_source() -> None:
    result = build_vs_buy(
        OwnedFleet(
            server_price=D(300_000), currency="USD", gpus_per_server=8, server_power_kw=D("10.2")
        )
    )
    text = "\n".join(result.assumptions)
    assert "pue = 1.4 ratio (default, sourced: Uptime Institute" in text
    assert "facilities_per_kw_month = 184.06" in text and "CBRE" in text
    assert "utilization = 0.7" in text
    assert result.horizon_years == 4


def test_defaults_file_gives_every_tunable_input_a_basis_and_a_source() -> None:
    defaults = ownership_defaults()
    optional = {n for n, f in OwnedFleet.model_fields.items() if f.default is None}
    assert optional - {"accelerator", "horizon_years", "facilities_per_rack_month"} == set(defaults)
    for default in defaults.values():
        assert default.basis in ("sourced", "assumption")
        assert default.source and default.unit


def test_from_server_takes_price_gpus_power_and_source_from_the_catalog() -> None:
    server = ServerPrice(
        name="8-GPU H100 server",
        accelerator="H100-SXM",
        accelerators_per_server=8,
        purchase_price=D(250_000),
        currency="USD",
        as_of=date(2025, 6, 1),
        source="vendor quote",
        power_kw=10.2,
    )
    result = build_vs_buy(OwnedFleet.from_server(server, servers=4), [rent("on_demand", "3.00")])
    assert result.owned.gpus == 32
    assert "vendor quote, as of 2025-06-01" in result.assumptions[0]
    with pytest.raises(EstimateError, match="has no power_kw"):
        OwnedFleet.from_server(
            ServerPrice("x", "H100-SXM", 8, D(1), "USD", date(2025, 1, 1), "quote")
        )


def test_rack_priced_facilities_round_racks_up() -> None:
    # 5 servers, 4 a rack → 2 racks × 2,000 × 12 = 48,000 a year.
    result = build_vs_buy(
        fleet(servers=5, facilities_per_kw_month=None, facilities_per_rack_month=D(2000))
    )
    assert result.owned.annual_by_category["facilities"] == D("48000.00")


def test_a_rental_for_another_gpu_is_flagged_as_not_like_for_like() -> None:
    result = build_vs_buy(fleet(accelerator="H100-SXM"), [rent("on_demand", "2", gpu="A100-80GB")])
    assert any("not like for like" in a for a in result.assumptions)


@pytest.mark.parametrize(
    ("changes", "rentals", "message"),
    [
        (
            {"currency": "EUR", "energy_price_per_kwh": None},
            [],
            "priced in EUR but the defaults of energy_price_per_kwh are in USD",
        ),
        ({}, [rent("on_demand", "3", currency="EUR")], "is in EUR but the rest is in USD"),
        ({"horizon_years": 5}, [], "longer than the servers' life"),
        ({"facilities_per_rack_month": D(1)}, [], "not both"),
        ({"life_years": D("4.05")}, [], "not a whole number of months"),
        ({"currency": "USDD"}, [], "not an ISO 4217 currency code"),
    ],
)
def test_inputs_that_cannot_be_compared_are_refused(
    changes: dict[str, Any], rentals: list[PriceOption], message: str
) -> None:
    with pytest.raises(EstimateError, match=message):
        build_vs_buy(fleet(**changes), rentals)


def test_to_dict_is_plain_data_with_stable_keys() -> None:
    data = build_vs_buy(fleet(), [rent("on_demand", "4.00")]).to_dict()
    assert list(data) == ["currency", "horizon_years", "owned", "rentals", "assumptions"]
    assert data["rentals"][0]["break_even_utilization"] == pytest.approx(0.435, abs=1e-4)
    assert data["owned"]["cost_per_useful_gpu_hour"] == D("3.4972")
