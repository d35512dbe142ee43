"""The public estimate functions: catalog lookups, price selection, spec files, fronts' inputs."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from infracast.catalog import PriceSelection, accelerator
from infracast.errors import CatalogError, EstimateError, InputFileError, NotFoundError
from infracast.estimate import api
from infracast.estimate._training import TrainingSpec, estimate_training
from infracast.estimate.defaults import load_defaults
from tests.estimate.conftest import SPOT, h100_price, write_h100_book

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def book(tmp_path: Path) -> Path:
    return write_h100_book(tmp_path / "book.csv")


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


def test_an_unknown_accelerator_is_not_found() -> None:
    with pytest.raises(NotFoundError) as caught:
        api.training(params="7B", tokens="2T", accelerator="H1000")
    assert caught.value.message.startswith('unknown accelerator "H1000".')
    assert caught.value.hint is not None and "infracast catalog gpus" in caught.value.hint


def test_training_prices_from_the_book_the_selection_names(book: Path) -> None:
    est = api.training(
        params="7B", tokens="2T", accelerator="H100", selection=PriceSelection(prices=book)
    )
    assert [line.price.price_per_accelerator_hour for line in est.cost] == [2, 3]


@pytest.mark.parametrize("provider", ["Google Cloud", "gcp"])
def test_training_keeps_the_lines_of_the_provider_by_any_name(book: Path, provider: str) -> None:
    chosen = PriceSelection(prices=book, provider=provider)
    est = api.training(params="7B", tokens="2T", accelerator="H100", selection=chosen)
    assert [line.price.provider for line in est.cost] == ["Google Cloud"]
    # the assumptions still name every price the book offered
    assert len([a for a in est.assumptions if a.name == "price"]) == 2


def test_a_filter_no_line_passes_names_what_the_book_offers(book: Path) -> None:
    chosen = PriceSelection(prices=book, pricing="spot")
    with pytest.raises(CatalogError) as caught:
        api.inference(
            params="8B", accelerator="H100", input_tokens=100, output_tokens=10,
            requests_per_second=1, selection=chosen,
        )  # fmt: skip
    assert caught.value.message == "no price line matches pricing spot."
    assert caught.value.hint == "The price book offers: AWS on_demand, Google Cloud on_demand."


def test_cost_lines_come_cheapest_first_whatever_order_the_prices_came_in() -> None:
    dear, cheap = h100_price("AWS", "9"), h100_price("Lambda", "2")
    est = api.training(params="1B", tokens="20B", accelerator="H100", prices=[dear, cheap])
    assert [line.price.provider for line in est.cost] == ["Lambda", "AWS"]


def test_a_spec_file_then_sets_then_keywords_each_win(tmp_path: Path) -> None:
    spec = tmp_path / "run.yaml"
    spec.write_text("params: 7B\ntokens: 1T\naccelerator: A100\nmfu: 0.3\n", encoding="utf-8")
    est = api.training(spec, sets=["mfu=0.35", "tokens=2T"], mfu=0.4, prices=[])
    # mfu from the keyword, tokens from the assignment, params from the file
    assert (est.goodput, est.tokens, est.params) == (0.4, 2e12, 7e9)


def test_a_keyword_given_as_none_leaves_the_file_value(tmp_path: Path) -> None:
    spec = tmp_path / "run.yaml"
    spec.write_text("params: 7B\ntokens: 1T\naccelerator: A100\nmfu: 0.3\n", encoding="utf-8")
    assert api.training(spec, mfu=None, prices=[]).goodput == 0.3


def test_a_missing_spec_file_names_what_it_was_and_what_is_there(tmp_path: Path) -> None:
    (tmp_path / "run.yaml").write_text("params: 7B\n", encoding="utf-8")
    with pytest.raises(InputFileError) as caught:
        api.training(tmp_path / "rnu.yaml")
    assert caught.value.message.startswith("the training spec: no such file")
    assert caught.value.hint == 'Did you mean "run.yaml"?'


def test_project_reads_its_spec_file_as_the_mapping_it_holds() -> None:
    import yaml

    path = REPO / "examples" / "project.yaml"
    from_file = api.project(path)
    from_mapping = api.project(yaml.safe_load(path.read_text(encoding="utf-8")))
    assert from_file.to_json() == from_mapping.to_json()


def test_build_vs_buy_reads_the_named_book_for_a_server_named_by_prefix(book: Path) -> None:
    # the regression: "NVIDIA DGX H1" is the DGX H100 for the prices too, not only the fleet
    result = api.build_vs_buy(server="NVIDIA DGX H1", selection=PriceSelection(prices=book))
    assert [r.price_per_gpu_hour for r in result.rentals] == [Decimal("2.0000"), 3]
    assert result.owned.gpus == 8


def test_build_vs_buy_keeps_the_rentals_of_a_provider_named_in_two_words(book: Path) -> None:
    # the regression: "Google Cloud" is a provider, not the first word of a label
    chosen = PriceSelection(prices=book, provider="Google Cloud")
    result = api.build_vs_buy(server="NVIDIA DGX H100", selection=chosen)
    assert [r.option.split(" r1 ")[0] for r in result.rentals] == ["Google Cloud"]


def test_build_vs_buy_takes_assignments_then_keywords() -> None:
    result = api.build_vs_buy(
        rentals=[], server="NVIDIA DGX H100", sets=["utilization=0.5", "pue=1.2"], utilization=0.9
    )
    assert result.owned.utilization == Decimal("0.9")
    # pue was given, so it is not among the defaults the assumptions list
    assert not any(note.startswith("pue = ") for note in result.assumptions)


def test_build_vs_buy_without_a_server_or_fleet_says_how_to_name_one() -> None:
    with pytest.raises(EstimateError) as caught:
        api.build_vs_buy()
    assert caught.value.hint == "List the servers with: infracast catalog servers"


def test_learned_reads_a_history_file_and_predicts_from_assignments(tmp_path: Path) -> None:
    # cost = 48 per GPU-day exactly: 12 projects, 3 folds (fitting takes seconds, so one fit)
    history = tmp_path / "history.csv"
    lines = ["gpus,days,actual_cost"]
    lines += [f"{g},{d},{48 * g * d}" for g in (8, 16, 32, 64) for d in (1, 5, 10)]
    history.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = api.learned(history, predict=["gpus=16", "days=2"], folds=3)
    assert result.summary.n_rows == 12 and result.summary.target == "actual_cost"
    assert result.prediction is not None
    assert result.prediction.low <= result.prediction.value <= result.prediction.high
    assert result.to_json()["prediction"] == result.prediction.to_dict()
