"""Hierarchical reconciliation: ids, the summing matrix, and forecasts that add up."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.stats import norm

from infracast.errors import InfracastError
from infracast.forecast.hierarchy import (
    HierarchyError,
    aggregate_hierarchy,
    node_id,
    parent_id,
)
from infracast.forecast.reconciliation import reconcile

LEVELS = [["team"], ["team", "project"]]
Z80, Z95 = norm.ppf(0.9), norm.ppf(0.975)
DAYS = pd.date_range("2026-01-01", periods=2, freq="D")
FUTURE = pd.date_range("2026-02-01", periods=2, freq="D")


def _bottom(costs: dict[tuple[str, str], float], days: pd.DatetimeIndex = DAYS) -> pd.DataFrame:
    rows = [{"team": t, "project": p, "ds": d, "y": y} for (t, p), y in costs.items() for d in days]
    return pd.DataFrame(rows)


# Two teams x two projects. The summing matrix, bottoms a/x a/y b/x b/y:
#   total      1 1 1 1
#   total/a    1 1 0 0
#   total/b    0 0 1 1
#   total/a/x  1 0 0 0   (the bottom block is the identity)
#   total/a/y  0 1 0 0
#   total/b/x  0 0 1 0
#   total/b/y  0 0 0 1
COSTS = {("a", "x"): 10.0, ("a", "y"): 20.0, ("b", "x"): 30.0, ("b", "y"): 40.0}
S_BY_HAND = np.array(
    [
        [1, 1, 1, 1],
        [1, 1, 0, 0],
        [0, 0, 1, 1],
        [1, 0, 0, 0],
        [0, 1, 0, 0],
        [0, 0, 1, 0],
        [0, 0, 0, 1],
    ]
)
IDS = ["total", "total/a", "total/b", "total/a/x", "total/a/y", "total/b/x", "total/b/y"]


@pytest.fixture(scope="module")
def tree():
    return aggregate_hierarchy(_bottom(COSTS), LEVELS)


def _base(yhat: dict[str, float], sigma: dict[str, float] | None = None) -> pd.DataFrame:
    """Base forecasts, the same every future day, with normal intervals of ``sigma``."""
    rows = []
    for uid, mean in yhat.items():
        s = (sigma or {}).get(uid, 1.0)
        for d in FUTURE:
            rows.append(
                {
                    "unique_id": uid,
                    "ds": d,
                    "yhat": mean,
                    "lo80": mean - Z80 * s,
                    "hi80": mean + Z80 * s,
                    "lo95": mean - Z95 * s,
                    "hi95": mean + Z95 * s,
                    "model": "AutoETS",
                }
            )
    return pd.DataFrame(rows)


def _at(frame: pd.DataFrame, uid: str, col: str = "yhat") -> float:
    values = frame.loc[frame["unique_id"] == uid, col].to_numpy()
    assert np.allclose(values, values[0])  # the same every day by construction
    return float(values[0])


def _assert_coherent(frame: pd.DataFrame, rtol: float = 1e-6) -> None:
    """Every parent equals the sum of its children, at every period and level."""
    children = frame.assign(parent=frame["unique_id"].map(parent_id)).dropna(subset=["parent"])
    sums = children.groupby(["parent", "ds"])["yhat"].sum()
    parents = frame.set_index(["unique_id", "ds"])["yhat"].loc[sums.index]
    scale = max(1.0, float(frame["yhat"].abs().max()))
    np.testing.assert_allclose(parents.to_numpy(), sums.to_numpy(), rtol=rtol, atol=rtol * scale)


# ----------------------------------------------------------------------------- aggregate


def test_node_ids_are_paths_from_the_total(tree) -> None:
    assert tree.S["unique_id"].tolist() == IDS
    assert tree.S.columns.tolist() == ["unique_id", *IDS[3:]]
    assert tree.tags["total"].tolist() == ["total"]
    assert tree.tags["team"].tolist() == ["total/a", "total/b"]
    assert tree.tags["team/project"].tolist() == IDS[3:]


def test_summing_matrix_matches_the_one_by_hand(tree) -> None:
    np.testing.assert_array_equal(tree.S[IDS[3:]].to_numpy(), S_BY_HAND)


def test_history_of_every_node_is_the_sum_of_its_bottoms(tree) -> None:
    # total = 10 + 20 + 30 + 40 = 100; a = 10 + 20 = 30; b = 30 + 40 = 70, each day
    day = tree.frame[tree.frame["ds"] == DAYS[0]].set_index("unique_id")["y"]
    assert day.to_dict() == {
        "total": 100.0,
        "total/a": 30.0,
        "total/b": 70.0,
        "total/a/x": 10.0,
        "total/a/y": 20.0,
        "total/b/x": 30.0,
        "total/b/y": 40.0,
    }


def test_nodes_name_their_level_parent_and_keys(tree) -> None:
    row = tree.nodes.set_index("unique_id").loc["total/b/x"]
    assert (row["level"], row["parent"], row["team"], row["project"]) == (
        "team/project",
        "total/b",
        "b",
        "x",
    )
    assert tree.nodes.set_index("unique_id").loc["total/a", "project"] is None


def test_the_total_level_may_be_named_or_left_out() -> None:
    named = aggregate_hierarchy(_bottom(COSTS), [["total"], *LEVELS])
    assert named.S["unique_id"].tolist() == IDS


def test_slashes_are_escaped_and_missing_keys_read_none() -> None:
    df = _bottom({("ml/infra", "100%"): 1.0, ("ml/infra", None): 2.0, ("", "x"): 3.0})
    ids = aggregate_hierarchy(df, LEVELS).S["unique_id"].tolist()
    assert set(ids) == {
        "total",
        "total/ml%2Finfra",
        "total/(none)",
        "total/ml%2Finfra/100%25",
        "total/ml%2Finfra/(none)",
        "total/(none)/x",
    }
    assert node_id("ml/infra", None) == "total/ml%2Finfra/(none)"
    assert parent_id("total/ml%2Finfra/(none)") == "total/ml%2Finfra"


def test_a_period_without_a_row_after_a_series_started_is_zero_cost() -> None:
    df = _bottom(COSTS, pd.date_range("2026-01-01", periods=3, freq="D"))
    gap = (df["team"] == "a") & (df["project"] == "x") & (df["ds"] == "2026-01-02")
    late = (df["team"] == "b") & (df["project"] == "y") & (df["ds"] == "2026-01-01")
    tree = aggregate_hierarchy(df[~gap & ~late], LEVELS)
    frame = tree.frame.set_index(["unique_id", "ds"])["y"]
    assert frame[("total/a/x", pd.Timestamp("2026-01-02"))] == 0.0
    assert ("total/b/y", pd.Timestamp("2026-01-01")) not in frame.index  # not started yet
    assert frame[("total", pd.Timestamp("2026-01-02"))] == 90.0  # 20 + 30 + 40
    assert tree.notes == (
        "1 (series, period) pairs without a row after the series' first period "
        "were taken as zero cost.",
    )


def test_a_level_column_missing_from_the_data_is_named_with_a_suggestion() -> None:
    with pytest.raises(HierarchyError, match=r'"projct" is missing.*Did you mean "project"'):
        aggregate_hierarchy(_bottom(COSTS), [["team"], ["team", "projct"]])


def test_levels_that_do_not_nest_are_refused() -> None:
    with pytest.raises(HierarchyError, match="levels must nest"):
        aggregate_hierarchy(_bottom(COSTS), [["project"], ["team", "project"]])


def test_no_level_below_the_total_is_refused() -> None:
    with pytest.raises(HierarchyError, match="no level below the total"):
        aggregate_hierarchy(_bottom(COSTS), [["total"]])


def test_repeated_key_and_period_rows_are_refused_with_the_fix() -> None:
    df = _bottom(COSTS)
    with pytest.raises(HierarchyError, match=r"2 rows repeat.*team=a, project=x") as err:
        aggregate_hierarchy(pd.concat([df, df.iloc[[0]]]), LEVELS)
    assert "groupby" in (err.value.hint or "")


def test_a_missing_cost_is_refused_with_its_row() -> None:
    df = _bottom(COSTS)
    df.loc[3, "y"] = None
    with pytest.raises(HierarchyError, match="row 4") as err:
        aggregate_hierarchy(df, LEVELS)
    assert err.value.row == 4


# ----------------------------------------------------------------------------- reconcile

INCOHERENT = {
    "total": 110.0,  # the bottoms sum to 100
    "total/a": 25.0,  # 10 + 20 = 30
    "total/b": 75.0,  # 30 + 40 = 70
    "total/a/x": 10.0,
    "total/a/y": 20.0,
    "total/b/x": 30.0,
    "total/b/y": 40.0,
}


def test_bottom_up_is_the_sum_of_the_bottoms(tree) -> None:
    out = reconcile(_base(INCOHERENT), tree.S, tree.tags, method="bottom_up")
    assert out.method == "bottom_up"
    assert _at(out.frame, "total") == pytest.approx(100.0)
    assert _at(out.frame, "total/a") == pytest.approx(30.0)
    assert _at(out.frame, "total/b") == pytest.approx(70.0)
    assert _at(out.frame, "total/b/y") == pytest.approx(40.0)
    assert set(out.frame["method"]) == {"bottom_up"}
    assert set(out.frame["model"]) == {"AutoETS"}


def test_bottom_up_intervals_add_independent_variances(tree) -> None:
    # sigma 3 and 4 for team a's projects: team a's sigma is sqrt(9 + 16) = 5,
    # so its 95% interval is 30 +- 1.96 * 5 and its 80% interval 30 +- 1.28 * 5.
    sigma = {"total/a/x": 3.0, "total/a/y": 4.0}
    out = reconcile(_base(INCOHERENT, sigma), tree.S, tree.tags, method="bottom_up")
    assert _at(out.frame, "total/a", "hi95") == pytest.approx(30.0 + Z95 * 5.0)
    assert _at(out.frame, "total/a", "lo80") == pytest.approx(30.0 - Z80 * 5.0)
    assert _at(out.frame, "total/a/x", "hi95") == pytest.approx(10.0 + Z95 * 3.0)


def test_bottom_up_needs_forecasts_of_the_bottoms_only(tree) -> None:
    bottoms = {k: v for k, v in INCOHERENT.items() if k.count("/") == 2}
    out = reconcile(_base(bottoms), tree.S, tree.tags, method="bottom_up")
    assert _at(out.frame, "total") == pytest.approx(100.0)
    assert out.frame.loc[out.frame["unique_id"] == "total", "model"].isna().all()
    assert any("summed up" in n for n in out.notes)


def test_ols_matches_the_closed_form(tree) -> None:
    # MinTrace with identity weights projects onto the coherent space:
    # y_tilde = S (S'S)^-1 S' y_hat.
    y_hat = np.array([INCOHERENT[u] for u in IDS])
    expected = S_BY_HAND @ np.linalg.solve(S_BY_HAND.T @ S_BY_HAND, S_BY_HAND.T @ y_hat)
    out = reconcile(_base(INCOHERENT), tree.S, tree.tags, method="ols")
    got = [_at(out.frame, u) for u in IDS]
    np.testing.assert_allclose(got, expected, rtol=1e-9)
    _assert_coherent(out.frame)


def _fitted(tree, n_days: int, seed: int = 0) -> pd.DataFrame:
    """In-sample fitted values with noisy residuals over ``n_days`` of history."""
    rng = np.random.default_rng(seed)
    days = pd.date_range("2025-12-01", periods=n_days, freq="D")
    rows = [
        {"unique_id": u, "ds": d, "y": 50.0, "yhat": 50.0 + rng.normal()} for u in IDS for d in days
    ]
    return pd.DataFrame(rows)


def test_mint_shrink_output_is_coherent(tree) -> None:
    out = reconcile(
        _base(INCOHERENT), tree.S, tree.tags, fitted=_fitted(tree, 30), method="mint_shrink"
    )
    _assert_coherent(out.frame)
    assert out.method == "mint_shrink"


def test_coherent_base_forecasts_are_left_as_they_are(tree) -> None:
    coherent = {**INCOHERENT, "total": 100.0, "total/a": 30.0, "total/b": 70.0}
    for method in ("ols", "mint_shrink", "bottom_up"):
        out = reconcile(_base(coherent), tree.S, tree.tags, fitted=_fitted(tree, 30), method=method)
        assert [_at(out.frame, u) for u in IDS] == pytest.approx([coherent[u] for u in IDS])


def test_auto_takes_mint_shrink_when_every_series_has_enough_residuals(tree) -> None:
    out = reconcile(_base(INCOHERENT), tree.S, tree.tags, fitted=_fitted(tree, 12))
    assert out.method == "mint_shrink"
    assert out.notes[0].startswith("mint_shrink: every series has at least 12")


def test_auto_falls_back_to_bottom_up_where_the_data_is_thin(tree) -> None:
    out = reconcile(_base(INCOHERENT), tree.S, tree.tags, fitted=_fitted(tree, 5))
    assert out.method == "bottom_up"
    assert "has 5 residuals, fewer than the 12" in out.notes[0]
    assert _at(out.frame, "total") == pytest.approx(100.0)


def test_auto_without_fitted_values_is_bottom_up(tree) -> None:
    out = reconcile(_base(INCOHERENT), tree.S, tree.tags)
    assert (out.method, out.notes[0]) == (
        "bottom_up",
        "bottom_up: no in-sample fitted values to estimate MinTrace's weights.",
    )


def test_auto_falls_back_to_bottom_up_when_mintrace_fails(tree) -> None:
    perfect = _fitted(tree, 30).assign(yhat=50.0)  # zero residuals: no covariance to estimate
    with pytest.raises(HierarchyError, match="mint_shrink reconciliation failed"):
        reconcile(_base(INCOHERENT), tree.S, tree.tags, fitted=perfect, method="mint_shrink")
    out = reconcile(_base(INCOHERENT), tree.S, tree.tags, fitted=perfect)
    assert out.method == "bottom_up"
    assert out.notes[-1].endswith("Fell back to bottom_up.")
    assert _at(out.frame, "total") == pytest.approx(100.0)


def test_negative_mintrace_forecasts_are_solved_again_non_negative(tree) -> None:
    # The total says 10 while the bottoms say 100: OLS pushes a bottom below 0.
    skewed = {**INCOHERENT, "total": 10.0, "total/a": 0.0, "total/a/x": 1.0}
    plain = reconcile(_base(skewed), tree.S, tree.tags, method="ols", nonnegative=False)
    assert plain.frame["yhat"].min() < 0
    out = reconcile(_base(skewed), tree.S, tree.tags, method="ols")
    assert out.frame["yhat"].min() >= 0
    assert out.frame[["lo80", "lo95"]].min().min() >= 0
    assert any("non-negative MinTrace" in n for n in out.notes)
    _assert_coherent(out.frame)


def test_negative_bottom_forecasts_are_clipped_under_bottom_up(tree) -> None:
    out = reconcile(_base({**INCOHERENT, "total/a/x": -5.0}), tree.S, tree.tags, method="bottom_up")
    assert _at(out.frame, "total/a") == pytest.approx(20.0)  # 0 + 20
    assert "2 negative bottom forecasts were clipped to 0." in out.notes  # 2 days


def test_point_forecasts_reconcile_without_intervals(tree) -> None:
    base = _base(INCOHERENT)[["unique_id", "ds", "yhat"]]
    out = reconcile(base, tree.S, tree.tags, method="ols", level=())
    assert out.frame.columns.tolist() == ["unique_id", "ds", "yhat", "method"]
    _assert_coherent(out.frame)


def test_a_bottom_series_without_a_forecast_is_refused(tree) -> None:
    base = _base({k: v for k, v in INCOHERENT.items() if k != "total/b/y"})
    with pytest.raises(HierarchyError, match=r'bottom series have no base forecast.*"total/b/y"'):
        reconcile(base, tree.S, tree.tags)


def test_a_missing_level_is_refused_by_mintrace(tree) -> None:
    base = _base({k: v for k, v in INCOHERENT.items() if k.count("/") != 1})
    with pytest.raises(HierarchyError, match='level "team"'):
        reconcile(base, tree.S, tree.tags, method="ols")


def test_duplicate_forecast_rows_are_refused(tree) -> None:
    base = _base(INCOHERENT)
    with pytest.raises(HierarchyError, match="one model per series"):
        reconcile(pd.concat([base, base.iloc[[0]]]), tree.S, tree.tags)


def test_an_unknown_series_is_refused_with_a_suggestion(tree) -> None:
    base = _base({**INCOHERENT, "total/a/z": 1.0})
    with pytest.raises(HierarchyError, match=r'"total/a/z".*Did you mean'):
        reconcile(base, tree.S, tree.tags)


def test_missing_interval_columns_are_named(tree) -> None:
    base = _base(INCOHERENT).drop(columns=["lo95", "hi95"])
    with pytest.raises(HierarchyError, match="lack the columns lo95, hi95") as err:
        reconcile(base, tree.S, tree.tags)
    assert "level=()" in (err.value.hint or "")


def test_unequal_horizons_are_refused(tree) -> None:
    base = _base(INCOHERENT)
    with pytest.raises(HierarchyError, match="other periods"):
        reconcile(base.iloc[1:], tree.S, tree.tags, method="bottom_up")


def test_mint_shrink_without_fitted_values_says_what_to_pass(tree) -> None:
    with pytest.raises(HierarchyError, match="needs in-sample fitted values"):
        reconcile(_base(INCOHERENT), tree.S, tree.tags, method="mint_shrink")


def test_an_unknown_method_is_refused_with_a_suggestion(tree) -> None:
    with pytest.raises(HierarchyError, match=r'"bottomup".*Did you mean "bottom_up"'):
        reconcile(_base(INCOHERENT), tree.S, tree.tags, method="bottomup")  # type: ignore[arg-type]


def test_hierarchy_errors_are_infracast_value_errors() -> None:
    err = HierarchyError("x", hint="y")
    assert isinstance(err, InfracastError)
    assert isinstance(err, ValueError)
    assert err.to_dict()["error"] == "HierarchyError"


# ----------------------------------------------------------------------------- property


@st.composite
def hierarchies(draw):
    """1-3 teams with 1-3 projects each, 1-3 future days, positive incoherent forecasts."""
    n_projects = draw(st.lists(st.integers(1, 3), min_size=1, max_size=3))
    costs = {(f"t{i}", f"p{j}"): 1.0 for i, n in enumerate(n_projects) for j in range(n)}
    tree = aggregate_hierarchy(_bottom(costs), LEVELS)
    ids = tree.S["unique_id"].tolist()
    days = pd.date_range("2026-02-01", periods=draw(st.integers(1, 3)), freq="D")
    positive = st.floats(0.01, 1000.0, allow_nan=False, allow_infinity=False)
    rows = []
    for uid in ids:
        for d in days:
            mean, s80, extra = draw(positive), draw(positive), draw(positive)
            rows.append(
                {
                    "unique_id": uid,
                    "ds": d,
                    "yhat": mean,
                    "lo80": mean - s80,
                    "hi80": mean + s80,
                    "lo95": mean - s80 - extra,
                    "hi95": mean + s80 + extra,
                }
            )
    method = draw(st.sampled_from(["bottom_up", "ols", "mint_shrink"]))
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    history = pd.date_range("2025-12-01", periods=15, freq="D")
    fitted = pd.DataFrame(
        [
            {"unique_id": u, "ds": d, "y": 1.0, "yhat": 1.0 + rng.normal()}
            for u in ids
            for d in history
        ]
    )
    return tree, pd.DataFrame(rows), fitted, method


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hierarchies())
def test_reconciled_children_sum_to_their_parent_at_every_step_and_level(case) -> None:
    tree, base, fitted, method = case
    out = reconcile(base, tree.S, tree.tags, fitted=fitted, method=method)
    frame = out.frame
    assert len(frame) == len(base)
    _assert_coherent(frame)
    scale = 1e-9 * max(1.0, float(frame["hi95"].abs().max()))
    assert (frame["lo95"] <= frame["lo80"] + scale).all()
    assert (frame["lo80"] <= frame["yhat"] + scale).all()
    assert (frame["yhat"] <= frame["hi80"] + scale).all()
    assert (frame["hi80"] <= frame["hi95"] + scale).all()
    assert (frame[["yhat", "lo80", "lo95"]] >= 0).all().all()  # costs stay non-negative
    if method == "bottom_up":  # the bottoms are kept, the rest is their sums
        bottoms = frame[frame["unique_id"].isin(tree.tags["team/project"])]
        kept = bottoms.merge(base, on=["unique_id", "ds"], suffixes=("", "_base"))
        np.testing.assert_allclose(kept["yhat"], kept["yhat_base"], rtol=1e-12)
