"""Estimates refuse what they cannot model: calibrated ranges warn, hard limits refuse."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from infracast.errors import EstimateError
from infracast.estimate import api
from infracast.estimate._finetune import FinetuneSpec, estimate_finetune
from infracast.estimate._inference import InferenceSpec, estimate_inference
from infracast.estimate._project import WorkloadCost, budget
from infracast.estimate._training import TrainingSpec, estimate_training
from infracast.estimate.defaults import Assumption, Defaults
from infracast.estimate.project_spec import WorkloadSpec, validate_project
from infracast.estimate.ranges import (
    check_accelerators,
    check_flops,
    check_goodput,
    count_text,
    outside,
)
from tests.estimate.conftest import GPU


def warnings(assumptions: list[Assumption]) -> list[str]:
    return [str(a.value) for a in assumptions if a.name == "warning"]


def training(**fields: Any) -> TrainingSpec:
    return TrainingSpec.model_validate({"accelerator": "TEST-GPU", **fields})


# --- the two reproductions of issue 10, item 5 ------------------------------------------


def test_ten_trillion_params_get_a_real_goodput_and_warnings_not_zero() -> None:
    # infracast estimate training --params 10T --tokens 15T -a H100: goodput was 8e-17 with
    # 8.5e20 GPUs. The default count now stops below 147,456 (cluster factor 0.5) and says
    # why: the smallest layout is tensor 8 × pipeline 343 = 2,744 accelerators, and its
    # largest multiple up to 147,456 is 53 × 2,744 = 145,432.
    est = api.training(params="10T", tokens="15T", accelerator="H100", prices=[])
    assert est.num_accelerators == 145_432
    assert 0.05 < est.goodput <= 1
    said = " ".join(warnings(est.assumptions))
    assert "params 10T is 14.9× the largest" in said  # 10e12 / 671e9 = 14.9
    assert "FLOPs 9e+26" in said
    assert "num_accelerators 145,432" in said
    assert "60-day target" in said


def test_astronomical_inputs_are_refused_at_once() -> None:
    # --params 1e30 --tokens 1e30 ran for more than ten minutes; every search is now bounded
    # and the FLOPs limit refuses it before any search.
    with pytest.raises(EstimateError, match=r"6e\+60 FLOPs .* beyond the 1e\+30 FLOPs") as err:
        api.training(params=1e30, tokens=1e30, accelerator="H100", prices=[])
    assert "Check params and tokens" in (err.value.hint or "")


def test_a_model_no_cluster_can_hold_is_refused_before_searching_layouts(
    defaults: Defaults,
) -> None:
    # 1e20 params × 16 bytes = 1.6e21 bytes over 77.3 GB usable: ≥ 2.07e10 accelerators
    with pytest.raises(EstimateError, match=r"need at least 2\.07e\+10 .* 10,000,000"):
        estimate_training(training(params=1e20, tokens=1, mfu=0.5), GPU, [], defaults)


# --- calibrated ranges: just inside and just outside ------------------------------------


def test_params_at_the_calibrated_maximum_have_no_warning(defaults: Defaults) -> None:
    spec = training(params=671e9, active_params=37e9, tokens=15e12, mfu=0.3, num_accelerators=2048)
    est = estimate_training(spec, GPU, [], defaults)
    assert not [w for w in warnings(est.assumptions) if w.startswith("params")]


def test_params_just_above_the_calibrated_maximum_are_a_warning(defaults: Defaults) -> None:
    spec = training(params=672e9, active_params=37e9, tokens=15e12, mfu=0.3, num_accelerators=2048)
    est = estimate_training(spec, GPU, [], defaults)
    (said,) = [w for w in warnings(est.assumptions) if w.startswith("params")]
    assert said.startswith("params 672B is 1× the largest")
    assert "(1.1B–671B)" in said
    (source,) = [a.source for a in est.assumptions if a.value == said]
    assert source.startswith("ranges.training_params_max: DeepSeek-V3")


def test_an_in_range_run_has_no_warning(defaults: Defaults) -> None:
    est = estimate_training(training(params="70B", tokens="2T"), GPU, [], defaults)
    assert warnings(est.assumptions) == []


def test_tokens_below_the_calibrated_minimum_are_a_warning(defaults: Defaults) -> None:
    est = estimate_training(training(params="7B", tokens="100B"), GPU, [], defaults)
    said = warnings(est.assumptions)
    assert any(w.startswith("tokens 100B is 1/2 of the smallest") for w in said), said


def test_the_range_check_reads_the_bounds_from_the_defaults(defaults: Defaults) -> None:
    narrow = defaults.replace(ranges__training_params_max=1e9)
    assert outside("params", 2e9, narrow, "training_params")
    assert not outside("params", 2e9, defaults, "training_params")


@pytest.mark.parametrize(
    ("value", "text"), [(7e9, "7B"), (1.1e9, "1.1B"), (8e8, "800M"), (4e13, "40T"), (512, "512")]
)
def test_counts_are_written_as_people_write_them(value: float, text: str) -> None:
    assert count_text(value) == text


# --- hard limits: just inside and just outside -------------------------------------------


def test_flops_at_the_hard_limit_pass_and_beyond_it_are_refused(defaults: Defaults) -> None:
    check_flops(1e30, defaults, how="6·N·D")
    with pytest.raises(EstimateError, match="beyond the 1e\\+30 FLOPs"):
        check_flops(1.01e30, defaults, how="6·N·D")
    with pytest.raises(EstimateError, match="inf FLOPs"):
        check_flops(float("inf"), defaults, how="6·N·D")


def test_accelerators_at_the_hard_limit_pass_and_beyond_it_are_refused(
    defaults: Defaults,
) -> None:
    check_accelerators(10_000_000, defaults, what="the run needs", fix="Fewer.")
    with pytest.raises(EstimateError, match="10,000,001 accelerators, more than the 10,000,000"):
        check_accelerators(10_000_001, defaults, what="the run needs", fix="Fewer.")


def test_a_given_count_beyond_any_cluster_is_refused(defaults: Defaults) -> None:
    spec = training(params="7B", tokens="2T", num_accelerators=10_000_008)
    with pytest.raises(EstimateError, match="num_accelerators is 10,000,008 accelerators"):
        estimate_training(spec, GPU, [], defaults)


def test_a_count_at_the_hard_limit_is_estimated(defaults: Defaults) -> None:
    spec = training(params="7B", tokens="2T", num_accelerators=10_000_000, mfu=0.4)
    est = estimate_training(spec, GPU, [], defaults)
    assert est.num_accelerators == 10_000_000
    assert any("num_accelerators 10,000,000" in w for w in warnings(est.assumptions))


@pytest.mark.parametrize("goodput", [0.0, -0.1, 1.01, float("nan")])
def test_a_goodput_outside_zero_to_one_is_refused(goodput: float) -> None:
    with pytest.raises(EstimateError, match="more than 0 and at most 1"):
        check_goodput(goodput, "test")


def test_a_goodput_of_one_is_accepted() -> None:
    check_goodput(1.0, "test")


# --- every estimate kind checks its inputs ------------------------------------------------


def test_finetune_warns_on_params_beyond_the_calibration(defaults: Defaults) -> None:
    spec = FinetuneSpec(params=2e12, tokens=1e8, accelerator="TEST-GPU", method="qlora")
    est = estimate_finetune(spec, GPU, [], defaults)
    said = warnings(est.assumptions)
    assert any(w.startswith("params 2T is 2.98× the largest") for w in said), said
    # fine-tuning tokens are not pre-training tokens: no token or FLOPs range warning
    assert not any(w.startswith(("tokens", "FLOPs")) for w in said)


def test_finetune_refuses_a_count_beyond_any_cluster(defaults: Defaults) -> None:
    spec = FinetuneSpec(params=7e9, tokens=1e8, accelerator="TEST-GPU", num_accelerators=20_000_000)
    with pytest.raises(EstimateError, match="more than the 10,000,000"):
        estimate_finetune(spec, GPU, [], defaults)


def serving(**fields: Any) -> InferenceSpec:
    base = {
        "params": "70B",
        "accelerator": "TEST-GPU",
        "input_tokens": 1000,
        "output_tokens": 200,
        "requests_per_second": 5,
    }
    return InferenceSpec.model_validate({**base, **fields})


def test_inference_in_range_has_no_warning(defaults: Defaults) -> None:
    assert warnings(estimate_inference(serving(), GPU, [], defaults).assumptions) == []


def test_inference_warns_on_a_small_model_and_a_long_context(defaults: Defaults) -> None:
    est = estimate_inference(serving(params="1B", input_tokens=32000), GPU, [], defaults)
    said = warnings(est.assumptions)
    assert any(w.startswith("params 1B is 1/7 of the smallest") for w in said), said
    assert any(w.startswith("input + output tokens 32,200 is 7.86× the largest") for w in said)


def test_inference_warns_on_a_replica_beyond_one_node(defaults: Defaults) -> None:
    est = estimate_inference(serving(accelerators_per_replica=16), GPU, [], defaults)
    assert any(w.startswith("accelerators per replica 16") for w in warnings(est.assumptions))


def test_inference_refuses_a_load_no_cluster_can_serve(defaults: Defaults) -> None:
    with pytest.raises(EstimateError, match="more than the 10,000,000"):
        estimate_inference(serving(requests_per_second=1e300), GPU, [], defaults)


def test_a_project_carries_its_workloads_range_warnings() -> None:
    spec = {
        "name": "huge",
        "currency": "USD",
        "start": "2026-01",
        "phases": [
            {
                "name": "train",
                "start_month": 1,
                "duration_months": 2,
                "workloads": [
                    {
                        "name": "pretrain",
                        "kind": "training",
                        "params": {
                            "params": "2T",
                            "tokens": "1T",
                            "accelerator": "H100",
                            "mfu": 0.3,
                            "num_accelerators": 16384,
                        },
                    }
                ],
            }
        ],
    }
    result = api.project(spec, prices=[_h100_price()])
    assert any("warning = params 2T is 2.98× the largest" in a for a in result.assumptions)


def test_a_project_longer_than_a_century_is_refused() -> None:
    spec = {
        "name": "forever",
        "currency": "USD",
        "start": "2026-01",
        "phases": [{"name": "run", "start_month": 1, "duration_months": 1201}],
    }
    with pytest.raises(EstimateError, match=r"would run 1201 months; .* at most 1200 months"):
        validate_project(spec)


def test_a_project_of_a_century_is_budgeted() -> None:
    spec = {
        "name": "long",
        "currency": "USD",
        "start": "2026-01",
        "phases": [
            {
                "name": "run",
                "start_month": 1,
                "duration_months": 1200,
                "workloads": [
                    {
                        "name": "w",
                        "kind": "compute",
                        "params": {"accelerator_hours": 1, "price_per_hour": 1},
                    }
                ],
            }
        ],
    }

    def never(workload: WorkloadSpec) -> WorkloadCost:
        raise AssertionError("compute workloads are priced by budget()")

    assert budget(validate_project(spec), cost_workload=never).total == Decimal("1.00")


def _h100_price() -> Any:
    from datetime import date

    from infracast.catalog.models import PriceOption

    return PriceOption(
        provider="TestCloud",
        accelerator="H100-SXM",
        accelerators_per_instance=8,
        pricing_model="on_demand",
        price_per_hour=Decimal("16"),
        currency="USD",
        as_of=date(2026, 1, 1),
        source="test",
    )
