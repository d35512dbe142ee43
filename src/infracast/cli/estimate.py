"""`infracast estimate`: what a workload or a project will cost, before it starts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from infracast import estimate as est
from infracast.catalog import PriceSelection, PricingModel
from infracast.cli import estimate_render as show
from infracast.cli.catalog import OverridesOption, PricesOption, PricingOption, ProviderOption
from infracast.cli.common import FormatOption, library_default
from infracast.cli.render import OutputFormat

app = typer.Typer(
    help="Estimate before you spend: training, fine-tuning, serving, projects, build vs buy.",
    no_args_is_help=True,
)

# --- shared options -------------------------------------------------------------------

SetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        "-s",
        help="Any other spec field as KEY=VALUE (repeatable), e.g. --set seq_len=8192.",
    ),
]
SpecOption = Annotated[
    Path | None,
    typer.Option("--spec", help="A YAML file of spec fields; flags override it."),
]
TopOption = Annotated[
    int, typer.Option("--top", "-n", min=1, help="Show the N cheapest price lines.")
]
ParamsOption = Annotated[
    str | None, typer.Option("--params", help="Total parameters: 7B, 70e9, 1.5T.")
]
ActiveOption = Annotated[
    str | None,
    typer.Option("--active-params", help="Parameters active per token (MoE); default: all."),
]
AcceleratorOption = Annotated[
    str | None,
    typer.Option("--accelerator", "-a", help="Catalog accelerator: H100, A100-80GB, TPU-v5p…"),
]
PrecisionOption = Annotated[
    str | None, typer.Option("--precision", help="bf16 (default), fp16, fp8, …")
]


def _selection(
    provider: str | None,
    pricing: PricingModel | None,
    prices: Path | None,
    overrides: Path | None,
) -> PriceSelection:
    return PriceSelection.of(prices=prices, overrides=overrides, provider=provider, pricing=pricing)


# --- commands --------------------------------------------------------------------------


@app.command()
def training(
    params: ParamsOption = None,
    tokens: Annotated[
        str | None, typer.Option("--tokens", help="Training tokens: 2T, 15e12.")
    ] = None,
    accelerator: AcceleratorOption = None,
    active_params: ActiveOption = None,
    num_accelerators: Annotated[
        int | None, typer.Option("--num-accelerators", "-g", help="GPUs (default: smallest fit).")
    ] = None,
    precision: PrecisionOption = None,
    mfu: Annotated[
        float | None, typer.Option("--mfu", help="Override the default goodput (0-1).")
    ] = None,
    zero_stage: Annotated[
        str | None, typer.Option("--zero-stage", help="ZeRO stage 0-3 or fsdp.")
    ] = None,
    spec: SpecOption = None,
    sets: SetOption = None,
    provider: ProviderOption = None,
    pricing: PricingOption = None,
    prices: PricesOption = None,
    overrides: OverridesOption = None,
    top: TopOption = 10,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Estimate a pre-training run: FLOPs, accelerator-hours, memory, GPUs, cost, energy.

    FLOPs = 6·N·D (N = active parameters); hours = FLOPs / (peak × goodput), where
    the default goodput is an effective utilization modelled from the accelerator,
    the model size, MoE and cluster size (docs/estimate.md). Cost is shown under
    every pricing option of the price book, each with its source and date.

    Examples:

      infracast estimate training --params 7B --tokens 2T --accelerator H100

      infracast estimate training --params 671B --active-params 37B --tokens 14.8T
        --accelerator H800 --precision fp8 --num-accelerators 2048

      infracast estimate training --params 70B --tokens 15T -a A100 --mfu 0.4 --format json
    """
    result = est.training(
        spec,
        sets=sets or (),
        selection=_selection(provider, pricing, prices, overrides),
        params=params,
        tokens=tokens,
        accelerator=accelerator,
        active_params=active_params,
        num_accelerators=num_accelerators,
        precision=precision,
        mfu=mfu,
        zero_stage=zero_stage,
    )
    show.training(result, fmt, top)


@app.command()
def finetune(
    params: ParamsOption = None,
    tokens: Annotated[str | None, typer.Option("--tokens", help="Tokens per epoch: 2B.")] = None,
    accelerator: AcceleratorOption = None,
    method: Annotated[
        str | None, typer.Option("--method", help="full, lora (default) or qlora.")
    ] = None,
    epochs: Annotated[
        float | None, typer.Option("--epochs", help="Passes over the tokens.")
    ] = None,
    lora_rank: Annotated[int | None, typer.Option("--lora-rank", help="Adapter rank.")] = None,
    num_accelerators: Annotated[
        int | None, typer.Option("--num-accelerators", "-g", help="GPUs (default: smallest fit).")
    ] = None,
    precision: PrecisionOption = None,
    spec: SpecOption = None,
    sets: SetOption = None,
    provider: ProviderOption = None,
    pricing: PricingOption = None,
    prices: PricesOption = None,
    overrides: OverridesOption = None,
    top: TopOption = 10,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Estimate a fine-tune: full, LoRA or QLoRA (4-bit base weights).

    Examples:

      infracast estimate finetune --params 13B --tokens 2B --epochs 3 -a H100

      infracast estimate finetune --method qlora --params 70B --tokens 100M -a L40S

      infracast estimate finetune --method full --params 7B --tokens 5B -a A100 --format json
    """
    result = est.finetune(
        spec,
        sets=sets or (),
        selection=_selection(provider, pricing, prices, overrides),
        params=params,
        tokens=tokens,
        accelerator=accelerator,
        method=method,
        epochs=epochs,
        lora_rank=lora_rank,
        num_accelerators=num_accelerators,
        precision=precision,
    )
    show.finetune(result, fmt, top)


@app.command()
def inference(
    params: ParamsOption = None,
    accelerator: AcceleratorOption = None,
    requests_per_second: Annotated[
        float | None, typer.Option("--requests-per-second", "-r", help="Request rate.")
    ] = None,
    tokens_per_day: Annotated[
        str | None, typer.Option("--tokens-per-day", help="Instead of a rate: 2B tokens/day.")
    ] = None,
    input_tokens: Annotated[
        int | None, typer.Option("--input-tokens", help="Prompt tokens.")
    ] = None,
    output_tokens: Annotated[
        int | None, typer.Option("--output-tokens", help="Generated tokens per request.")
    ] = None,
    active_params: ActiveOption = None,
    precision: Annotated[
        str | None, typer.Option("--precision", help="Weights: bf16, fp16, fp8, int8, int4.")
    ] = None,
    batch_size: Annotated[
        int | None, typer.Option("--batch-size", help="Concurrent sequences per replica.")
    ] = None,
    target_tpot_ms: Annotated[
        float | None, typer.Option("--target-tpot-ms", help="Latency target per output token.")
    ] = None,
    spec: SpecOption = None,
    sets: SetOption = None,
    provider: ProviderOption = None,
    pricing: PricingOption = None,
    prices: PricesOption = None,
    overrides: OverridesOption = None,
    top: TopOption = 10,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Estimate serving: replicas, prefill time, decode throughput, cost per million tokens.

    Prefill is compute bound, decode is memory-bandwidth bound (weights and KV
    cache read every step); quantization changes both memory and speed.

    Examples:

      infracast estimate inference --params 8B -a H100 -r 20 --input-tokens 1000
        --output-tokens 200

      infracast estimate inference --params 70B -a H200 --tokens-per-day 2B
        --input-tokens 2000 --output-tokens 500 --precision fp8 --target-tpot-ms 40

      infracast estimate inference --params 8B -a L4 -r 2 --input-tokens 500
        --output-tokens 100 --precision int4 --format json
    """
    result = est.inference(
        spec,
        sets=sets or (),
        selection=_selection(provider, pricing, prices, overrides),
        params=params,
        accelerator=accelerator,
        requests_per_second=requests_per_second,
        tokens_per_day=tokens_per_day,
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        active_params=active_params,
        precision=precision,
        batch_size=batch_size,
        target_tpot_ms=target_tpot_ms,
    )
    show.inference(result, fmt, top)


@app.command()
def project(
    spec_file: Annotated[Path, typer.Argument(help="The project spec (YAML).", show_default=False)],
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Budget a project: by phase, by cost category and by month, with contingency and TCO.

    The YAML lists phases with their workloads (training, fine_tuning, inference,
    compute), people, licences, storage, egress and operations
    (docs/project-budget.md; an example is examples/project.yaml).

    Examples:

      infracast estimate project examples/project.yaml

      infracast estimate project examples/project.yaml --format json
    """
    show.project(est.project(spec_file), fmt)


@app.command("build-vs-buy")
def build_vs_buy(
    server: Annotated[
        str, typer.Option("--server", help="A catalog server (infracast catalog servers).")
    ],
    servers: Annotated[int, typer.Option("--servers", help="How many.")] = library_default(
        est.build_vs_buy, "servers"
    ),
    utilization: Annotated[
        float | None, typer.Option("--utilization", "-u", help="Owned fleet's utilization 0-1.")
    ] = None,
    sets: SetOption = None,
    provider: ProviderOption = None,
    pricing: PricingOption = None,
    prices: PricesOption = None,
    overrides: OverridesOption = None,
    top: TopOption = 10,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Own GPU servers or rent the same GPU-hours: cost per useful GPU-hour, break-even.

    Owning: depreciation, maintenance, staff, colocation and power (defaults in
    docs/project-budget.md); renting: the price book's options for the same GPU.

    Examples:

      infracast estimate build-vs-buy --server "NVIDIA DGX H100" --servers 4

      infracast estimate build-vs-buy --server "NVIDIA DGX A100" -u 0.9 --set pue=1.2
        --set energy_price_per_kwh=0.08 --format json
    """
    result = est.build_vs_buy(
        server=server,
        servers=servers,
        sets=sets or (),
        selection=_selection(provider, pricing, prices, overrides),
        utilization=utilization,
    )
    show.build_vs_buy(result, fmt, top, title=f"Owning {servers} × {server}")


@app.command()
def learned(
    history: Annotated[
        Path, typer.Argument(help="CSV of past projects: features and the actual cost.")
    ],
    target: Annotated[
        str, typer.Option(help="The column holding the actual cost.")
    ] = library_default(est.learned, "target"),
    predict: Annotated[
        list[str] | None,
        typer.Option("--predict", "-p", help="A new project's features as KEY=VALUE (repeat)."),
    ] = None,
    categorical: Annotated[
        list[str] | None, typer.Option(help="Columns to treat as categories (repeat).")
    ] = None,
    coverage: Annotated[
        float, typer.Option(help="Prediction interval coverage.")
    ] = library_default(est.learned, "coverage"),
    folds: Annotated[int, typer.Option(help="Cross-validation folds.")] = library_default(
        est.learned, "folds"
    ),
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Learn cost from past projects: candidate models by K-fold CV, MAPE, intervals.

    Examples:

      infracast estimate learned past-projects.csv

      infracast estimate learned past-projects.csv -p params=7e9 -p tokens=2e12
        -p accelerator=H100-SXM --categorical accelerator
    """
    result = est.learned(
        history,
        target=target,
        predict=predict or None,
        categorical=categorical or (),
        coverage=coverage,
        folds=folds,
    )
    show.learned(result, fmt)
