from __future__ import annotations

from decimal import Decimal

import pytest

from infracast.catalog import accelerator
from infracast.errors import CatalogError, EstimateError
from infracast.estimate import api
from infracast.estimate.defaults import load_defaults
from infracast.estimate.training import TrainingSpec, estimate_training
from tests.estimate.conftest import SPOT


def test_training_resolves_aliases_and_prices_from_the_catalog() -> None:
    est = api.training(params="7B", tokens="2T", accelerator="h100")
    assert est.accelerator == "H100-SXM"
    assert est.cost, "the packaged price book prices the H100"
    for line in est.cost:
        assert line.price.source and line.price.as_of
        assert isinstance(line.total, Decimal)
    prices = [a for a in est.assumptions if a.name == "price"]
    assert len(prices) == len(est.cost)


def test_the_keyword_call_equals_the_pure_function() -> None:
    via_api = api.training(params="70B", tokens="1.4T", accelerator="A100", prices=[])
    spec = TrainingSpec(params=70e9, tokens=1.4e12, accelerator="A100")
    pure = estimate_training(spec, accelerator("A100-80GB"), [], load_defaults())
    assert via_api.to_json() == pure.to_json()


def test_a_spec_object_and_extra_fields_combine() -> None:
    spec = TrainingSpec(params=7e9, tokens=2e12, accelerator="H100")
    est = api.training(spec, prices=[], num_accelerators=64, mfu=0.4)
    assert (est.num_accelerators, est.goodput) == (64, 0.4)


def test_invalid_fields_are_one_estimate_error_naming_them() -> None:
    with pytest.raises(EstimateError) as err:
        api.training(params="seventy", tokens="2T", accelerator="H100", mfu=2)
    text = str(err.value)
    assert "params" in text and "is not a count" in text
    assert "mfu" in text


def test_an_unknown_accelerator_is_a_catalog_error() -> None:
    with pytest.raises(CatalogError, match="unknown accelerator"):
        api.training(params="7B", tokens="2T", accelerator="H1000")


def test_price_options_for_another_part_are_refused() -> None:
    with pytest.raises(EstimateError, match="not H100-SXM"):
        api.training(params="7B", tokens="2T", accelerator="H100", prices=[SPOT])


def test_finetune_and_inference_through_the_catalog() -> None:
    tune = api.finetune(method="qlora", params="70B", tokens="100M", accelerator="A100-80GB")
    assert tune.min_accelerators == 1
    serve = api.inference(
        params="8B", accelerator="H100", input_tokens=1000, output_tokens=200,
        requests_per_second=10, precision="fp8",
    )  # fmt: skip
    assert serve.compute_precision == "fp8"
    assert serve.to_json()["cost_per_million_tokens"]


def test_a_typoed_field_names_the_closest_one() -> None:
    with pytest.raises(EstimateError) as err:
        api.training(params="7B", tokens="2T", accelerator="H100", seq_lne=8192)
    assert "unknown key 'seq_lne'. Did you mean \"seq_len\"?" in str(err.value)
    assert "Extra inputs" not in str(err.value)


def test_a_field_unlike_any_lists_the_fields() -> None:
    with pytest.raises(EstimateError) as err:
        api.inference(params="7B", accelerator="H100", input_tokens=1, output_tokens=1,
                      requests_per_second=1, foo=1)  # fmt: skip
    assert "unknown key 'foo' (the keys here are params, active_params, accelerator," in (
        str(err.value)
    )
