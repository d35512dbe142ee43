"""The autoscaling simulation on small traces whose cost, violations and queueing delay are
computed by hand (infracast.optimize.autoscaling and autoscaling_policies).

The main fixture: 8 intervals of 60 s, demand d = 10, 10, 30, 30, 10, 10, 10, 10 requests/s;
a replica serves μ = 10 requests/s, costs 3 an hour and is ready 60 s after its launch
(one interval, L = 1); target utilization 1, so n(D) = ⌈D / 10⌉; cooldown 120 s (m = 2).
A replica-interval costs 3 × 60 / 3600 = 0.05.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infracast.optimize import (
    SCALING_POLICIES,
    SLO,
    AutoscalingResult,
    DemandTrace,
    OptimizeError,
    ScalingSettings,
    ServingConfig,
    simulate_autoscaling,
)
from infracast.optimize.autoscaling import ready_replicas, replay
from infracast.optimize.autoscaling_policies import (
    own_forecast,
    window_max_ahead,
    window_max_back,
)
from infracast.optimize.autoscaling_trace import binned_demand, held_rates

D = np.array([10, 10, 30, 30, 10, 10, 10, 10], dtype=float)
TRACE = DemandTrace(D, 60.0)
CONFIG = ServingConfig(
    replica_throughput=10,
    price_per_replica_hour=3,
    startup_seconds=60,
    target_utilization=1.0,
)
SETTINGS = ScalingSettings(cooldown_seconds=120, forecast_window_seconds=120)
STRICT = SLO(max_violation_share=0.0, max_delay_seconds=0.0)


def run(forecast: np.ndarray | None = None) -> AutoscalingResult:
    return simulate_autoscaling(TRACE, CONFIG, STRICT, settings=SETTINGS, forecast=forecast)


def test_static_peak_holds_the_replicas_for_the_peak_all_the_time() -> None:
    o = run().outcome("static_peak")
    # ⌈30 / 10⌉ = 3 replicas × 8 intervals = 24 replica-intervals = 24 × 60 / 3600 = 0.4 h;
    # cost 0.4 × 3 = 1.2; capacity 30 ≥ every demand: no violation, no delay;
    # utilization = Σ d / Σ c = (10 + 10 + 30 + 30 + 10 + 10 + 10 + 10) / (8 × 30) = 0.5
    assert o.replica_hours == pytest.approx(0.4)
    assert o.cost == pytest.approx(1.2)
    assert o.violation_intervals == 0 and o.delay_max_seconds == 0
    assert o.utilization == pytest.approx(0.5)
    assert o.cost_ratio == pytest.approx(1.0)


def test_reactive_scales_a_step_late_waits_for_start_up_and_queues_the_excess() -> None:
    o = run().outcome("reactive")
    # want_t = n(d_{t−1}) = 1, 1, 1, 3, 3, 1, 1, 1; cooldown m = 2: r_t = max(want_{t−2..t})
    # = 1, 1, 1, 3, 3, 3, 3, 1 → 16 replica-intervals = 16/60 h, cost 16 × 0.05 = 0.8
    assert o.provisioned.tolist() == [1, 1, 1, 3, 3, 3, 3, 1]
    assert o.cost == pytest.approx(0.8)
    # ready = min(r_{t−1}, r_t) = 1, 1, 1, 1, 3, 3, 3, 1 → capacity 10, 10, 10, 10, 30, 30, 30, 10
    assert o.capacity.tolist() == [10, 10, 10, 10, 30, 30, 30, 10]
    # d > c at t = 2, 3: 2 of 8 intervals = 0.25
    assert o.violation_intervals == 2 and o.violation_share == pytest.approx(0.25)
    # backlog: t2 (30 − 10) × 60 = 1200, t3 1200 + 1200 = 2400, t4 2400 − 20 × 60 = 1200, t5 0
    # delay = backlog / capacity: 1200/10 = 120, 2400/10 = 240, 1200/30 = 40 s
    assert o.delay_max_seconds == pytest.approx(240)
    assert o.delay_mean_seconds == pytest.approx((120 + 240 + 40) / 8)
    # p95 of sorted 0,0,0,0,0,40,120,240: rank 0.95 × 7 = 6.65 → 120 + 0.65 × 120 = 198
    assert o.delay_p95_seconds == pytest.approx(198)
    # p99: rank 0.99 × 7 = 6.93 → 120 + 0.93 × 120 = 231.6 (the SLO's default percentile)
    assert o.delay_p99_seconds == pytest.approx(231.6) == o.slo_delay_seconds
    # all 7200 requests served over a capacity of (10 × 5 + 30 × 3) × 60 = 8400
    assert o.utilization == pytest.approx(7200 / 8400)
    assert o.cost_ratio == pytest.approx(0.8 / 1.2)
    assert not o.meets_slo


def test_the_forecast_policy_launches_start_up_ahead_of_its_forecast() -> None:
    o = run(forecast=D).outcome("forecast")  # a perfect forecast
    # want = n(d) = 1, 1, 3, 3, 1, 1, 1, 1; launched L = 1 early: max(want_t, want_{t+1})
    # = 1, 3, 3, 3, 1, 1, 1, 1 → 14 replica-intervals, cost 14 × 0.05 = 0.7
    assert o.provisioned.tolist() == [1, 3, 3, 3, 1, 1, 1, 1]
    assert o.cost == pytest.approx(0.7)
    # ready = min(r_{t−1}, r_t) = 1, 1, 3, 3, 1, 1, 1, 1: the capacity needed, no violation
    assert o.capacity.tolist() == [10, 10, 30, 30, 10, 10, 10, 10]
    assert o.violation_intervals == 0 and o.utilization == pytest.approx(1.0)


def test_the_own_forecast_is_the_recent_peak_known_start_up_ahead() -> None:
    notes: list[str] = []
    # w = 120 / 60 = 2, L = 1: f_t = max d[t−3 .. t−2], d_0 before the trace:
    # 10, 10, 10, 10, max(10, 30) = 30, 30, max(30, 10) = 30, 10; no day in the trace
    f = own_forecast(D, 60.0, 1, SETTINGS, notes)
    assert f.tolist() == [10, 10, 10, 10, 30, 30, 30, 10]
    assert "recent peak only" in notes[0]
    o = run().outcome("forecast")
    # want 1, 1, 1, 1, 3, 3, 3, 1 launched one early: 1, 1, 1, 3, 3, 3, 3, 1 as reactive
    assert o.provisioned.tolist() == [1, 1, 1, 3, 3, 3, 3, 1]
    assert o.cost == pytest.approx(0.8) and o.violation_intervals == 2


def test_the_seasonal_forecast_looks_a_season_back_within_the_window() -> None:
    # season 4 intervals, window 1 interval, lead 0: f_t = max(d_{t−1}, d_{t−4})
    d = np.array([1, 2, 9, 1, 1, 2, 3, 1], dtype=float)
    s = ScalingSettings(forecast_window_seconds=60, season_seconds=240)
    # recent: d_0 then d_{t−1} = 1, 1, 2, 9, 1, 1, 2, 3; seasonal: −, −, −, −, 1, 2, 9, 1
    assert own_forecast(d, 60.0, 0, s, []).tolist() == [1, 1, 2, 9, 1, 2, 9, 3]


def test_the_cheapest_policy_meeting_the_slo_is_chosen() -> None:
    # strict SLO: static_peak (1.2), scheduled (1.2) and the perfect forecast (0.7) meet it
    assert run(forecast=D).best_policy == "forecast"
    # without a forecast only static_peak and scheduled meet it, at 1.2 each: the first wins
    assert run().best_policy == "static_peak"
    # a loose SLO (25 % of intervals, 240 s) lets the reactive 0.8 through
    loose = simulate_autoscaling(TRACE, CONFIG, SLO(max_violation_share=0.25,
                                 max_delay_seconds=240), settings=SETTINGS)  # fmt: skip
    assert loose.best_policy == "reactive"


def test_the_slo_holds_the_delay_at_its_percentile() -> None:
    # reactive: 2 of 8 intervals over capacity (25 %); delays 0 ×5, 40, 120, 240 s
    at_max = SLO(max_violation_share=0.25, max_delay_seconds=239, delay_percentile=100)
    at_p75 = SLO(max_violation_share=0.25, max_delay_seconds=41, delay_percentile=75)
    # p75: rank 0.75 × 7 = 5.25 → 40 + 0.25 × 80 = 60 s > 41; p62.5: rank 4.375 → 0.375 × 40
    at_p62 = SLO(max_violation_share=0.25, max_delay_seconds=15, delay_percentile=62.5)
    for slo, meets in ((at_max, False), (at_p75, False), (at_p62, True)):
        o = simulate_autoscaling(TRACE, CONFIG, slo, settings=SETTINGS).outcome("reactive")
        assert o.meets_slo is meets, slo


def test_no_policy_meeting_the_slo_is_said() -> None:
    capped = CONFIG.model_copy(update={"max_replicas": 2})
    result = simulate_autoscaling(TRACE, capped, STRICT, settings=SETTINGS)
    # at most 2 replicas = 20 requests/s < 30: every policy falls short at t = 2
    assert result.best_policy is None
    assert any("no policy meets the SLO" in a for a in result.assumptions)


def test_scheduled_sizes_each_hour_from_the_training_days_peaks() -> None:
    # two days of hourly intervals: 10 requests/s, 25 from 09:00 to 16:59; day 2 at 12:00 is 35
    day = np.where((np.arange(24) >= 9) & (np.arange(24) < 17), 25.0, 10.0)
    d = np.concatenate([day, day])
    d[24 + 12] = 35.0
    trace = DemandTrace(d, 3600.0, start=datetime(2026, 1, 5))
    cfg = ServingConfig(replica_throughput=10, price_per_replica_hour=2, startup_seconds=0,
                        target_utilization=1.0)  # fmt: skip
    slo = SLO(max_violation_share=0.05, max_delay_seconds=600)
    o = simulate_autoscaling(trace, cfg, slo).outcome("scheduled")
    # day 1 trains: n(10) = 1 for 16 hours, n(25) = 3 for 8 → 16 + 24 = 40 replica-hours a day
    assert o.replica_hours == pytest.approx(80) and o.cost == pytest.approx(160)
    # 12:00 on day 2: 35 > 30, backlog 5 × 3600 = 18000, delay 18000 / 30 = 600 s;
    # 13:00: 5 spare × 3600 drains it. 1 of 48 intervals over capacity.
    assert o.violation_intervals == 1
    assert o.delay_max_seconds == pytest.approx(600)
    assert o.violation_share == pytest.approx(1 / 48)  # 2.1 % ≤ 5 %, and 600 s ≤ 600 s
    assert o.meets_slo


def test_ready_replicas_average_a_start_up_that_ends_inside_an_interval() -> None:
    # start-up 30 s of 60 (k = 0, f = 0.5): e_t = ½ min(r_{t−1}, r_t) + ½ r_t
    r = np.array([1, 1, 1, 3, 3, 3, 3, 1])
    assert ready_replicas(r, 30, 60).tolist() == [1, 1, 1, 2, 3, 3, 3, 1]
    # start-up 90 s (k = 1, f = 0.5): ½ min(r_{t−2..t}) + ½ min(r_{t−1..t})
    assert ready_replicas(r, 90, 60).tolist() == [1, 1, 1, 1, 2, 3, 3, 1]
    assert ready_replicas(r, 0, 60).tolist() == r.tolist()


def test_window_maxima_look_back_and_ahead() -> None:
    x = np.array([1, 3, 1, 1, 2])
    assert window_max_back(x, 2).tolist() == [1, 3, 3, 3, 2]
    assert window_max_ahead(x, 1).tolist() == [3, 3, 1, 2, 2]


def test_bad_inputs_are_refused_with_a_hint() -> None:
    with pytest.raises(OptimizeError, match="empty"):
        simulate_autoscaling(DemandTrace(np.array([]), 60.0), CONFIG)
    with pytest.raises(OptimizeError, match="finite and ≥ 0"):
        simulate_autoscaling(DemandTrace(np.array([1.0, -1.0]), 60.0), CONFIG)
    with pytest.raises(OptimizeError, match="unknown policy"):
        simulate_autoscaling(TRACE, CONFIG, policies=("magic",))
    with pytest.raises(OptimizeError, match="forecast has 2 values"):
        simulate_autoscaling(TRACE, CONFIG, forecast=np.ones(2))
    capped = CONFIG.model_copy(update={"max_replicas": 1, "min_replicas": 2})
    with pytest.raises(OptimizeError, match="below min replicas"):
        simulate_autoscaling(TRACE, capped)


def _loop_queue(d: np.ndarray, c: np.ndarray, dt: float) -> np.ndarray:
    b, out = 0.0, []
    for x, y in zip(d, c, strict=True):
        b = max(0.0, b + (x - y) * dt)
        out.append(b)
    return np.array(out)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(0, 50), min_size=1, max_size=30),
    st.integers(1, 6),
    st.floats(0, 200),
)
def test_the_vectorized_queue_equals_the_loop_and_static_peak_never_falls_short(
    demand: list[float], replicas: int, startup: float
) -> None:
    d = np.array(demand)
    r = np.full(d.size, replicas)
    ready = ready_replicas(r, startup, 60.0)
    out = replay(d, r, ready, CONFIG, 60.0)
    assert np.allclose(out.backlog, _loop_queue(d, ready * 10.0, 60.0), atol=1e-6)
    result = simulate_autoscaling(DemandTrace(d, 60.0), CONFIG.model_copy(
        update={"startup_seconds": startup}))  # fmt: skip
    peak = result.outcome("static_peak")
    assert peak.violation_intervals == 0 and peak.delay_max_seconds == 0
    assert [o.policy for o in result.outcomes] == list(SCALING_POLICIES)
    for o in result.outcomes:
        assert 0 <= o.utilization <= 1 + 1e-9


def test_held_rates_stop_a_stale_series_and_sum_the_others() -> None:
    # series 0: 1/s at 0 s and at 300 s, held at most 120 s; series 1: 2/s at 0 s; the last
    # sample of each is held 60 s. Intervals of 60 s from 0 to the one holding 300 s:
    # [0, 60) 1 + 2 = 3; [60, 120) 1; [120, 300) nothing (series 0 stale); [300, 360) 1
    t = np.array([0.0, 300.0, 0.0])
    trace = held_rates(t, np.array([1.0, 1.0, 2.0]), np.array([0, 0, 1]), 120.0, 60.0,
                       "requests", last_hold=60.0)  # fmt: skip
    assert trace.rate.tolist() == [3.0, 1.0, 0.0, 0.0, 0.0, 1.0]


def test_binned_demand_aligns_intervals_with_the_clock() -> None:
    # 90 s and 100 s fall in [60, 120), 185 s in [180, 240): 2 and 1 requests a minute
    trace = binned_demand(np.array([90.0, 100.0, 185.0]), np.ones(3), 60.0, "requests")
    assert (trace.rate * 60).tolist() == [2.0, 0.0, 1.0]
    assert trace.start == datetime(1970, 1, 1, 0, 1)
