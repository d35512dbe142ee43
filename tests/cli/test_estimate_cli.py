"""`infracast estimate`: the JSON contracts and the prices' sources in every format."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from infracast import estimate
from tests.cli.conftest import Ran
from tests.estimate.conftest import write_h100_book

CLI = Callable[..., Ran]
REPO = Path(__file__).resolve().parents[2]

TRAINING_KEYS = {
    "flops",
    "accelerator_hours",
    "wallclock_hours",
    "num_accelerators",
    "min_accelerators",
    "memory_per_accelerator_gb",
    "cost",
    "energy_kwh",
    "co2e_kg",
    "assumptions",
}
INFERENCE_KEYS = {
    "replicas",
    "accelerators_per_replica",
    "prefill_ms",
    "decode_tokens_per_second_per_accelerator",
    "accelerator_hours_per_month",
    "cost_per_million_tokens",
    "memory_per_accelerator_gb",
    "assumptions",
}
PRICE_KEYS = {"price_per_accelerator_hour", "currency", "source", "as_of", "pricing_model"}


def test_training_json_contract_matches_the_python_api(cli: CLI) -> None:
    ran = cli(
        "estimate",
        "training",
        "--params",
        "7B",
        "--tokens",
        "2T",
        "--accelerator",
        "H100",
        "--format",
        "json",
    )
    assert ran.code == 0, ran.err
    data = json.loads(ran.out, parse_float=Decimal)
    assert set(data) >= TRAINING_KEYS
    # 6 × 7e9 × 2e12 = 8.4e22 FLOPs
    assert float(data["flops"]) == 8.4e22
    assert data["cost"] and all(set(line) >= PRICE_KEYS for line in data["cost"])
    assert {"weights", "total"} <= set(data["memory_per_accelerator_gb"])
    assert any(a["name"] == "goodput" for a in data["assumptions"])
    api = estimate.training(params="7B", tokens="2T", accelerator="H100").to_json()
    assert float(data["accelerator_hours"]) == float(api["accelerator_hours"])


def test_inference_json_contract(cli: CLI) -> None:
    ran = cli(
        "estimate",
        "inference",
        "--params",
        "8B",
        "-a",
        "H100",
        "-r",
        "20",
        "--input-tokens",
        "1000",
        "--output-tokens",
        "200",
        "--format",
        "json",
    )
    assert ran.code == 0, ran.err
    data = json.loads(ran.out, parse_float=Decimal)
    assert set(data) >= INFERENCE_KEYS
    assert {"weights", "kv_cache", "overhead"} <= set(data["memory_per_accelerator_gb"])
    assert all(set(line) >= PRICE_KEYS for line in data["cost_per_million_tokens"])


def test_every_format_names_the_prices_with_source_and_date(cli: CLI) -> None:
    base = ["estimate", "training", "--params", "1B", "--tokens", "20B", "-a", "A100"]
    table = cli(*base)
    assert table.code == 0 and "as_of" in table.out and "source" in table.out
    rows = list(csv.DictReader(io.StringIO(cli(*base, "--format", "csv").out)))
    assert rows and all(r["source"] and r["as_of"] for r in rows)


def test_price_filters_and_their_errors(cli: CLI) -> None:
    base = ["estimate", "training", "--params", "1B", "--tokens", "20B", "-a", "H100"]
    data = json.loads(cli(*base, "--pricing", "spot", "-f", "json").out)
    assert data["cost"] and {line["pricing_model"] for line in data["cost"]} == {"spot"}
    ran = cli(*base, "--provider", "Nowhere Cloud")
    assert ran.code == 2 and "no price line matches" in ran.err


def test_bad_inputs_are_sentences(cli: CLI) -> None:
    ran = cli("estimate", "training", "--params", "7Q", "--tokens", "2T", "-a", "H100")
    assert ran.code == 2 and "params" in ran.err and "Traceback" not in ran.err
    ran = cli("estimate", "training", "--params", "7B", "--tokens", "2T", "-a", "H1000")
    assert ran.code == 2 and "Did you mean" in ran.err


def test_project_budget_adds_up_and_names_its_prices(cli: CLI) -> None:
    ran = cli("estimate", "project", str(REPO / "examples" / "project.yaml"), "-f", "json")
    assert ran.code == 0, ran.err
    data = json.loads(ran.out, parse_float=Decimal)
    total = Decimal(str(data["total"]))
    assert sum(Decimal(str(v)) for v in data["by_phase"].values()) == total
    assert sum(Decimal(str(v)) for v in data["by_month"].values()) == total
    priced = [w for w in data["workloads"] if w["kind"] in ("fine_tuning", "inference")]
    assert priced and all(w["price_source"] and w["price_as_of"] for w in priced)


def test_build_vs_buy_compares_owning_with_the_price_book(cli: CLI) -> None:
    ran = cli(
        "estimate", "build-vs-buy", "--server", "NVIDIA DGX A100", "--servers", "2", "-f", "json"
    )
    assert ran.code == 0, ran.err
    data = json.loads(ran.out, parse_float=Decimal)
    assert data["owned"]["gpus"] == 16 and data["rentals"]
    assert all("break_even_utilization" in r for r in data["rentals"])


def test_learned_fits_on_history_and_predicts_with_an_interval(cli: CLI) -> None:
    history = REPO / "tests" / "estimate" / "fixtures" / "past_projects.csv"
    ran = cli(
        "estimate",
        "learned",
        str(history),
        "-p",
        "kind=training",
        "-p",
        "gpu_type=H100-SXM",
        "-p",
        "provider=aws",
        "-p",
        "gpus=256",
        "-p",
        "duration_days=30",
        "-p",
        "team_size=6",
        "-f",
        "json",
    )
    assert ran.code == 0, ran.err
    data = json.loads(ran.out)
    summary, prediction = data["summary"], data["prediction"]
    assert summary["chosen"] in {c["name"] for c in summary["candidates"]}
    # the project id column is an identifier: left out, and said so
    assert "project" not in {f["name"] for f in summary["features"]}
    assert any("project was left out" in note for note in summary["notes"])
    assert float(prediction["low"]) <= float(prediction["value"]) <= float(prediction["high"])


def test_a_model_beyond_the_calibration_is_estimated_with_a_warning(cli: CLI) -> None:
    ran = cli("estimate", "training", "--params", "10T", "--tokens", "15T", "-a", "H100")
    assert ran.code == 0, ran.err
    assert "Warning: params 10T is 14.9× the largest" in ran.err
    assert "Warning: no accelerator count finishes within the 60-day target" in ran.err


def test_astronomical_inputs_are_refused_with_the_range(cli: CLI) -> None:
    ran = cli("estimate", "training", "--params", "1e30", "--tokens", "1e30", "-a", "H100")
    assert ran.code == 2
    assert "beyond the 1e+30 FLOPs any estimate accepts" in ran.err
    assert "Traceback" not in ran.err


def test_a_batch_that_does_not_fit_says_memory_not_latency(cli: CLI) -> None:
    ran = cli(
        "estimate",
        "inference",
        "--params",
        "8B",
        "-a",
        "H100",
        "-r",
        "20",
        "--input-tokens",
        "1000",
        "--output-tokens",
        "200",
        "--batch-size",
        "100000",
    )
    assert ran.code == 2
    assert "batch_size 100,000 does not fit in memory" in ran.err
    assert "KV cache" in ran.err and "The largest batch that fits is" in ran.err
    assert "latency" not in ran.err


def test_a_typoed_set_key_names_the_closest_field(cli: CLI) -> None:
    ran = cli(
        "estimate",
        "training",
        "--params",
        "7B",
        "--tokens",
        "2T",
        "-a",
        "H100",
        "--set",
        "seq_lne=8192",
    )
    assert ran.code == 2
    assert "unknown key 'seq_lne'. Did you mean \"seq_len\"?" in ran.err


def test_top_below_one_is_refused(cli: CLI) -> None:
    ran = cli(
        "estimate", "training", "--params", "7B", "--tokens", "2T", "-a", "H100", "--top", "0"
    )
    assert ran.code == 2
    assert "'--top'" in ran.err and "greater than or equal to 1" in ran.err


# --- the library under the command: the same numbers, and the two bugs it fixed ---------


@pytest.fixture
def book(tmp_path: Path) -> Path:
    """Two H100 prices per GPU-hour: Google Cloud 2.00 and AWS 24/8 = 3.00."""
    return write_h100_book(tmp_path / "book.csv")


def test_build_vs_buy_reads_the_prices_file_for_a_server_named_by_prefix(
    cli: CLI, book: Path
) -> None:
    ran = cli(
        "estimate", "build-vs-buy", "--server", "NVIDIA DGX H1", "--prices", str(book), "-f", "json"
    )
    assert ran.code == 0, ran.err
    rentals = json.loads(ran.out, parse_float=Decimal)["rentals"]
    assert [r["price_per_gpu_hour"] for r in rentals] == [Decimal("2.0000"), Decimal("3.0000")]


def test_build_vs_buy_keeps_a_provider_named_in_two_words(cli: CLI) -> None:
    ran = cli(
        "estimate", "build-vs-buy", "--server", "NVIDIA DGX H100", "--provider", "Google Cloud",
        "-f", "json",
    )  # fmt: skip
    assert ran.code == 0, ran.err
    rentals = json.loads(ran.out)["rentals"]
    assert rentals and all(r["option"].startswith("Google Cloud ") for r in rentals)


def test_training_takes_the_provider_as_build_vs_buy_does(cli: CLI) -> None:
    base = ["estimate", "training", "--params", "7B", "--tokens", "2T", "-a", "H100", "-f", "json"]
    by_name = json.loads(cli(*base, "--provider", "Google Cloud").out)["cost"]
    by_short_name = json.loads(cli(*base, "--provider", "gcp").out)["cost"]
    assert by_name and by_name == by_short_name


def test_a_spec_files_method_is_not_overridden_by_a_flag_not_given(
    cli: CLI, tmp_path: Path
) -> None:
    spec = tmp_path / "tune.yaml"
    spec.write_text("method: qlora\nparams: 70B\ntokens: 100M\naccelerator: L40S\n")
    ran = cli("estimate", "finetune", "--spec", str(spec), "-f", "json")
    assert ran.code == 0, ran.err
    assert json.loads(ran.out)["method"] == "qlora"
