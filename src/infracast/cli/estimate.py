"""`infracast estimate`: what a workload or a project will cost, before it starts."""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml

from infracast import estimate as est
from infracast.catalog import price_book
from infracast.catalog.models import PriceOption
from infracast.cli.common import FormatOption, err, out
from infracast.cli.render import OutputFormat, render
from infracast.errors import ConfigError, EstimateError
from infracast.estimate.ranges import WARNING
from infracast.settings import load_settings

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
ProviderOption = Annotated[
    str | None, typer.Option("--provider", help="Show only prices of this provider.")
]
PricingOption = Annotated[
    str | None,
    typer.Option("--pricing", help="Show only this pricing model: on_demand, spot, commit_1y…"),
]
PricesOption = Annotated[
    Path | None,
    typer.Option("--prices", help="Price book to use (our CSV or a SkyPilot vms.csv)."),
]
OverridesOption = Annotated[
    Path | None, typer.Option("--overrides", help="YAML of negotiated prices that win.")
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


def _parse_value(text: str) -> Any:
    loaded = yaml.safe_load(text)
    return text if isinstance(loaded, dict | list) else loaded


def _fields(spec_file: Path | None, sets: Sequence[str] | None, **flags: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if spec_file is not None:
        fields.update(_load_yaml(spec_file))
    for item in sets or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ConfigError(
                f"--set {item!r} is not KEY=VALUE.", hint="For example: --set seq_len=8192"
            )
        fields[key.strip().replace("-", "_")] = _parse_value(value.strip())
    fields.update({k: v for k, v in flags.items() if v is not None})
    return fields


def _load_yaml(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise ConfigError(f"no such file: {path}.", hint="Check the path.")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path} is not valid YAML: {exc}", hint="Fix the file.") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of field: value.", hint="See docs.")
    return data


def _price_options(
    accelerator: str, prices: Path | None, overrides: Path | None
) -> list[PriceOption] | None:
    """The price options for the accelerator from --prices/--overrides; None = the default."""
    if prices is None and overrides is None:
        return None
    settings = load_settings()
    book = price_book(
        prices or settings.price_book, overrides=overrides or settings.price_overrides
    )
    from infracast.catalog import accelerator as lookup

    return book.best_options(lookup(accelerator).name)


def _filter_lines(
    lines: Sequence[Mapping[str, Any]], provider: str | None, pricing: str | None
) -> list[Mapping[str, Any]]:
    shown = [
        line
        for line in lines
        if (provider is None or str(line["provider"]).lower() == provider.lower())
        and (pricing is None or line["pricing_model"] == pricing)
    ]
    if (provider or pricing) and not shown:
        offered = sorted({f"{x['provider']} {x['pricing_model']}" for x in lines})
        raise EstimateError(
            "no price line matches"
            + (f" provider {provider}" if provider else "")
            + (f" pricing {pricing}" if pricing else "")
            + ".",
            hint=f"The price book offers: {', '.join(offered) or 'nothing'}.",
        )
    return shown


def _summary(title: str, pairs: Mapping[str, Any]) -> None:
    render(
        [{"quantity": k, "value": v} for k, v in pairs.items()],
        OutputFormat.table,
        console=out,
        title=title,
    )


def _assumptions(items: Sequence[Mapping[str, Any]]) -> None:
    rows = [
        {
            "assumption": a["name"],
            "value": a["value"],
            "source": str(a["source"])[:110] + ("…" if len(str(a["source"])) > 110 else ""),
        }
        for a in items
    ]
    render(rows, OutputFormat.table, console=out, title="Assumptions (full text: --format json)")
    for a in items:
        if a["name"] == WARNING:
            err.print(f"[yellow]Warning:[/yellow] {a['value']}")


def _emit(
    fmt: OutputFormat,
    data: dict[str, Any],
    *,
    lines_key: str,
    lines: list[Mapping[str, Any]],
    figures: Mapping[str, Any],
    title: str,
    money: tuple[str, ...],
    top: int,
) -> None:
    """Table: figures, price lines, assumptions. JSON: the contract. CSV: one row per line."""
    data = {**data, lines_key: lines}
    if fmt is OutputFormat.json:
        render([], fmt, console=out, json_value=data)
        return
    if fmt is OutputFormat.csv:
        rows = [{**figures, **line} for line in lines]
        render(rows, fmt, console=out, empty="No price lines.")
        return
    _summary(title, figures)
    render(
        [_short(line) for line in lines[:top]],
        fmt,
        console=out,
        title=f"Cost by price option (cheapest {min(top, len(lines))} of {len(lines)})",
        money=money,
        columns=[
            "provider",
            "region",
            "instance_type",
            "pricing_model",
            "price_per_accelerator_hour",
            *money,
            "currency",
            "as_of",
            "source",
        ],
        empty="No price in the price book for this accelerator; the figures above still hold.",
    )
    _assumptions(data["assumptions"])


def _short(line: Mapping[str, Any]) -> dict[str, Any]:
    """A price line for a table: long sources and place names cut (full text in JSON/CSV)."""
    out = dict(line)
    for key, width in (("source", 48), ("region", 16), ("instance_type", 24)):
        text = out.get(key)
        if isinstance(text, str) and len(text) > width:
            out[key] = text[: width - 1] + "…"
    return out


def _sorted(lines: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    return sorted(lines, key=lambda line: (line["currency"], line[key]))


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
    fields = _fields(
        spec,
        sets,
        params=params,
        tokens=tokens,
        accelerator=accelerator,
        active_params=active_params,
        num_accelerators=num_accelerators,
        precision=precision,
        mfu=mfu,
        zero_stage=zero_stage,
    )
    result = est.training(
        fields,
        prices=_price_options(str(fields.get("accelerator", "")), prices, overrides)
        if fields.get("accelerator")
        else None,
    )
    data = result.to_json()
    lines = _filter_lines(_sorted(data["cost"], "total"), provider, pricing)
    figures = {
        "accelerator": data["accelerator"],
        "precision": data["precision"],
        "flops": f"{float(data['flops']):.3g}",
        "goodput": round(float(data["goodput"]), 4),
        "accelerator_hours": f"{float(data['accelerator_hours']):,.0f}",
        "num_accelerators": data["num_accelerators"],
        "min_accelerators": data["min_accelerators"],
        "wallclock_hours": round(float(data["wallclock_hours"]), 1),
        "memory_per_accelerator_gb": _gb(data["memory_per_accelerator_gb"]),
        "parallelism": _parallelism(data["parallelism"]),
        "energy_kwh": _round(data["energy_kwh"]),
        "co2e_kg": _round(data["co2e_kg"]),
    }
    _emit(
        fmt,
        data,
        lines_key="cost",
        lines=lines,
        figures=figures,
        title="Training estimate",
        money=("total",),
        top=top,
    )


@app.command()
def finetune(
    params: ParamsOption = None,
    tokens: Annotated[str | None, typer.Option("--tokens", help="Tokens per epoch: 2B.")] = None,
    accelerator: AcceleratorOption = None,
    method: Annotated[str, typer.Option("--method", help="full, lora or qlora.")] = "lora",
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
    fields = _fields(
        spec,
        sets,
        params=params,
        tokens=tokens,
        accelerator=accelerator,
        method=method,
        epochs=epochs,
        lora_rank=lora_rank,
        num_accelerators=num_accelerators,
        precision=precision,
    )
    result = est.finetune(
        fields,
        prices=_price_options(str(fields.get("accelerator", "")), prices, overrides)
        if fields.get("accelerator")
        else None,
    )
    data = result.to_json()
    lines = _filter_lines(_sorted(data["cost"], "total"), provider, pricing)
    figures: dict[str, Any] = {
        key: data[key] for key in ("method", "accelerator", "precision", "trainable_params")
    }
    figures["flops"] = f"{float(data['flops']):.3g}"
    figures |= {
        "accelerator_hours": round(float(data["accelerator_hours"]), 1),
        "num_accelerators": data["num_accelerators"],
        "wallclock_hours": round(float(data["wallclock_hours"]), 1),
        "memory_per_accelerator_gb": _gb(data["memory_per_accelerator_gb"]),
        "energy_kwh": _round(data.get("energy_kwh")),
    }
    _emit(
        fmt,
        data,
        lines_key="cost",
        lines=lines,
        figures=figures,
        title="Fine-tuning estimate",
        money=("total",),
        top=top,
    )


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
    fields = _fields(
        spec,
        sets,
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
    result = est.inference(
        fields,
        prices=_price_options(str(fields.get("accelerator", "")), prices, overrides)
        if fields.get("accelerator")
        else None,
    )
    data = result.to_json()
    lines = _filter_lines(
        _sorted(data["cost_per_million_tokens"], "per_million_tokens"), provider, pricing
    )
    figures = {
        "accelerator": data["accelerator"],
        "precision": data["precision"],
        "replicas": data["replicas"],
        "accelerators_per_replica": data["accelerators_per_replica"],
        "batch_size": data["batch_size"],
        "prefill_ms": round(float(data["prefill_ms"]), 1),
        "time_per_output_token_ms": round(float(data["time_per_output_token_ms"]), 2),
        "decode_tokens_per_second_per_accelerator": round(
            float(data["decode_tokens_per_second_per_accelerator"])
        ),
        "accelerator_hours_per_month": round(float(data["accelerator_hours_per_month"])),
        "memory_per_accelerator_gb": _gb(data["memory_per_accelerator_gb"]),
    }
    _emit(
        fmt,
        data,
        lines_key="cost_per_million_tokens",
        lines=lines,
        figures=figures,
        title="Inference estimate",
        money=("monthly_cost", "per_million_tokens", "per_million_output_tokens"),
        top=top,
    )


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
    result = est.project(_load_yaml(spec_file))
    data = result.to_json()
    if fmt is OutputFormat.json:
        render([], fmt, console=out, json_value=data)
        return
    if fmt is OutputFormat.csv:
        render([line.to_dict() for line in result.lines], fmt, console=out)
        return
    cur = result.currency
    render(
        [{"phase": k, cur: v} for k, v in result.by_phase.items()],
        fmt,
        console=out,
        title=f"{result.project}: budget by phase",
        money=(cur,),
    )
    render(
        [{"category": k, cur: v} for k, v in result.by_category.items() if v],
        fmt,
        console=out,
        title="By cost category",
        money=(cur,),
    )
    render(
        [{"month": k, cur: v} for k, v in result.by_month.items()],
        fmt,
        console=out,
        title="By month",
        money=(cur,),
    )
    render(
        [
            {
                "workload": w.name,
                "kind": w.kind,
                "accelerator_hours": round(float(w.accelerator_hours)),
                "compute_cost": w.compute_cost,
                "price": w.price_source,
                "as_of": w.price_as_of,
            }
            for w in result.workloads
        ],
        fmt,
        console=out,
        title="Workloads and the prices they used",
        money=("compute_cost",),
    )
    for w in result.workloads:
        for note in w.assumptions:
            if note.startswith(f"{WARNING} = "):
                text = note.removeprefix(f"{WARNING} = ").split(" (ranges.", 1)[0]
                err.print(f"[yellow]Warning:[/yellow] {w.phase} / {w.name}: {text}")
    err.print(
        f"Subtotal {result.subtotal:,.2f} + contingency {result.contingency_pct}% "
        f"{result.contingency:,.2f} = total {result.total:,.2f} {cur}; TCO over "
        f"{result.tco.years} year(s): {result.tco.total_depreciation:,.2f} {cur} "
        f"(capex as depreciation), {result.tco.total_cash:,.2f} as cash."
    )


@app.command("build-vs-buy")
def build_vs_buy(
    server: Annotated[
        str, typer.Option("--server", help="A catalog server (infracast catalog servers).")
    ],
    servers: Annotated[int, typer.Option("--servers", help="How many.")] = 1,
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
        --set energy_price=0.08 --format json
    """
    fields = _fields(None, sets, utilization=utilization)
    rentals = None
    if prices or overrides:
        settings = load_settings()
        book = price_book(
            prices or settings.price_book, overrides=overrides or settings.price_overrides
        )
        chosen = next(
            (s for s in est.api.server_prices() if s.name.lower() == server.lower()), None
        )
        rentals = book.best_options(chosen.accelerator) if chosen else None
    result = est.build_vs_buy(server=server, servers=servers, rentals=rentals, **fields)
    data = result.to_dict()
    comparisons = _filter_lines(
        [{**r, "provider": r["option"].split(" ")[0]} for r in data["rentals"]], provider, pricing
    )
    data["rentals"] = [{k: v for k, v in r.items() if k != "provider"} for r in comparisons]
    if fmt is OutputFormat.json:
        render([], fmt, console=out, json_value=data)
        return
    if fmt is OutputFormat.csv:
        render(data["rentals"], fmt, console=out)
        return
    owned = data["owned"]
    _summary(
        f"Owning {servers} × {server} ({result.currency})",
        {
            "gpus": owned["gpus"],
            "utilization": owned["utilization"],
            "annual_total": owned["annual_total"],
            "cost_per_gpu_hour": owned["cost_per_gpu_hour"],
            "cost_per_useful_gpu_hour": owned["cost_per_useful_gpu_hour"],
            f"total over {result.horizon_years} years": owned["total"],
        },
    )
    render(
        [
            {
                "option": r["option"],
                "price_per_gpu_hour": r["price_per_gpu_hour"],
                "cost_per_useful_gpu_hour": r["cost_per_useful_gpu_hour"],
                "owning_saves": r["owning_saves"],
                "break_even_utilization": r["break_even_utilization"],
                "owning_cheaper": r["owning_cheaper"],
            }
            for r in data["rentals"][:top]
        ],
        fmt,
        console=out,
        title="Against renting the same useful GPU-hours",
        money=("price_per_gpu_hour", "cost_per_useful_gpu_hour", "owning_saves"),
        empty="No rental price in the price book for this GPU.",
    )
    for line in result.assumptions:
        err.print(f"[dim]· {line}[/dim]")


@app.command()
def learned(
    history: Annotated[
        Path, typer.Argument(help="CSV of past projects: features and the actual cost.")
    ],
    target: Annotated[
        str, typer.Option(help="The column holding the actual cost.")
    ] = "actual_cost",
    predict: Annotated[
        list[str] | None,
        typer.Option("--predict", "-p", help="A new project's features as KEY=VALUE (repeat)."),
    ] = None,
    categorical: Annotated[
        list[str] | None, typer.Option(help="Columns to treat as categories (repeat).")
    ] = None,
    coverage: Annotated[float, typer.Option(help="Prediction interval coverage.")] = 0.8,
    folds: Annotated[int, typer.Option(help="Cross-validation folds.")] = 5,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Learn cost from past projects: candidate models by K-fold CV, MAPE, intervals.

    Examples:

      infracast estimate learned past-projects.csv

      infracast estimate learned past-projects.csv -p params=7e9 -p tokens=2e12
        -p accelerator=H100-SXM --categorical accelerator
    """
    if not history.is_file():
        raise ConfigError(f"no such file: {history}.", hint="Check the path.")
    with history.open(newline="", encoding="utf-8-sig") as fh:
        rows = [
            {k: _parse_value(v) if v != "" else None for k, v in r.items()}
            for r in csv.DictReader(fh)
        ]
    model = est.fit_estimator(
        rows, target=target, categorical=tuple(categorical or ()), folds=folds, coverage=coverage
    )
    summary = model.summary().to_dict()
    prediction = None
    if predict:
        prediction = model.predict(_fields(None, predict)).to_dict()
    if fmt is not OutputFormat.table:
        render(
            [],
            OutputFormat.json,
            console=out,
            json_value={"summary": summary, "prediction": prediction},
        )
        return
    render(
        [{**c, "cv_mape": f"{c['cv_mape']:.1%}"} for c in summary["candidates"]],
        fmt,
        console=out,
        title=f"Candidates by {summary['folds']}-fold cross-validated MAPE "
        f"({summary['n_rows']} past projects, target {summary['target']})",
    )
    err.print(f"Chosen: {summary['chosen']} (CV MAPE {summary['chosen_cv_mape']:.1%}).")
    for note in summary["notes"]:
        err.print(f"[dim]· {note}[/dim]")
    if prediction is not None:
        _summary(f"Prediction ({prediction['coverage']:.0%} interval)", prediction)


def _gb(parts: Any) -> Any:
    if isinstance(parts, Mapping):
        total = parts.get("total")
        return round(float(total), 1) if total is not None else parts
    return parts


def _parallelism(value: Any) -> Any:
    if isinstance(value, Mapping):
        if value.get("hint"):
            return value["hint"]
        return ", ".join(f"{k}={v}" for k, v in value.items() if not isinstance(v, dict | list))
    return value


def _round(value: Any) -> Any:
    return None if value is None else round(float(value), 1)
