"""`infracast optimize autoscaling`: replay a demand trace under static-peak, reactive,
scheduled and forecast-driven scaling (one call of
:func:`infracast.control.optimizing.autoscaling_inputs.autoscaling`), and its table."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from infracast.cli.common import FormatOption, library_default, out, print_notes, print_plain
from infracast.cli.render import OutputFormat, render
from infracast.control.optimizing.autoscaling_inputs import AutoscalingAdvice
from infracast.control.optimizing.autoscaling_inputs import autoscaling as simulate


class TraceUnit(StrEnum):
    requests = "requests"
    tokens = "tokens"


def autoscaling(
    trace: Annotated[
        Path,
        typer.Argument(
            help="The demand trace: a CSV of timestamp,demand (amounts) or timestamp,rate "
            "(per second), the Azure LLM inference 2023 CSVs, or the Alibaba GenAI 2026 "
            "request trace or qps.tar.gz, as published.",
            show_default=False,
        ),
    ],
    interval: Annotated[
        float, typer.Option("--interval", help="Seconds per interval of the replay.")
    ] = library_default(simulate, "interval"),
    unit: Annotated[
        TraceUnit, typer.Option("--unit", help="Demand in requests or tokens per second.")
    ] = TraceUnit.requests,
    request_type: Annotated[
        str, typer.Option("--request-type", help="qps.csv only: the request type to replay.")
    ] = library_default(simulate, "request_type"),
    params: Annotated[
        str | None,
        typer.Option("--params", "--model", help="The model served, by its parameters: 8B, 70B."),
    ] = None,
    accelerator: Annotated[
        str | None, typer.Option("--accelerator", "-a", help="The GPU (catalog name: H100, L4…).")
    ] = None,
    input_tokens: Annotated[
        int | None,
        typer.Option("--input-tokens", help="Prompt tokens a request (default: the trace's mean)."),
    ] = None,
    output_tokens: Annotated[
        int | None,
        typer.Option("--output-tokens", help="Output tokens a request (default: the trace's)."),
    ] = None,
    target_tpot_ms: Annotated[
        float | None, typer.Option("--target-tpot-ms", help="Latency target: ms per output token.")
    ] = None,
    target_latency_s: Annotated[
        float | None, typer.Option("--target-latency-s", help="Latency target: s per request.")
    ] = None,
    replica_throughput: Annotated[
        float | None,
        typer.Option(
            "--replica-throughput", help="Units/s one replica serves at the latency target."
        ),
    ] = None,
    price_per_hour: Annotated[
        float | None, typer.Option("--price-per-hour", help="Price of one replica-hour.")
    ] = None,
    startup_seconds: Annotated[
        float, typer.Option("--startup-seconds", help="From launch to serving, seconds.")
    ] = library_default(simulate, "startup_seconds"),
    min_replicas: Annotated[
        int, typer.Option("--min-replicas", help="Fewest replicas kept.")
    ] = library_default(simulate, "min_replicas"),
    max_replicas: Annotated[
        int | None, typer.Option("--max-replicas", help="Most replicas (default: no limit).")
    ] = None,
    target_utilization: Annotated[
        float,
        typer.Option("--target-utilization", help="Share of capacity the policies size for."),
    ] = library_default(simulate, "target_utilization"),
    cooldown_seconds: Annotated[
        float,
        typer.Option("--cooldown-seconds", help="Reactive: wait before scaling down, seconds."),
    ] = library_default(simulate, "cooldown_seconds"),
    train_share: Annotated[
        float,
        typer.Option("--train-share", help="Scheduled: the share of the trace it learns from."),
    ] = library_default(simulate, "train_share"),
    max_violation_share: Annotated[
        float,
        typer.Option(
            "--max-violation-share", help="SLO: most intervals with demand over capacity."
        ),
    ] = library_default(simulate, "max_violation_share"),
    max_delay_seconds: Annotated[
        float, typer.Option("--max-delay-seconds", help="SLO: most added queueing delay.")
    ] = library_default(simulate, "max_delay_seconds"),
    delay_percentile: Annotated[
        float,
        typer.Option(
            "--delay-percentile",
            help="SLO: the percentile of intervals the delay is held to (100: every one).",
        ),
    ] = library_default(simulate, "delay_percentile"),
    prices: Annotated[
        Path | None, typer.Option("--prices", help="Price book CSV (default: the packaged one).")
    ] = None,
    provider: Annotated[
        str | None, typer.Option("--provider", help="Only this provider's prices.")
    ] = None,
    region: Annotated[str | None, typer.Option("--region", help="Only this region.")] = None,
    currency: Annotated[str, typer.Option("--currency", help="Currency of the prices.")] = (
        library_default(simulate, "currency")
    ),
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Replay a demand trace under static-peak, reactive, scheduled and forecast-driven
    scaling: cost, SLO violations, queueing delay, utilization, and the cheapest policy
    that meets the SLO.

    The replica's throughput and price are given (--replica-throughput, --price-per-hour),
    or come from the inference estimate of --params on --accelerator and the price book's
    cheapest on-demand price.

    Examples:

      infracast optimize autoscaling demand.csv --replica-throughput 10 --price-per-hour 4

      infracast optimize autoscaling AzureLLMInferenceTrace_conv.csv --params 70B -a H100

      infracast optimize autoscaling qps.tar.gz --replica-throughput 0.035 --price-per-hour 1.1
    """
    advice = simulate(
        trace,
        interval=interval,
        unit=unit.value,
        request_type=request_type,
        params=params,
        accelerator=accelerator,
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        target_tpot_ms=target_tpot_ms,
        target_latency_s=target_latency_s,
        replica_throughput=replica_throughput,
        price_per_hour=price_per_hour,
        startup_seconds=startup_seconds,
        min_replicas=min_replicas,
        max_replicas=max_replicas,
        target_utilization=target_utilization,
        cooldown_seconds=cooldown_seconds,
        train_share=train_share,
        max_violation_share=max_violation_share,
        max_delay_seconds=max_delay_seconds,
        delay_percentile=delay_percentile,
        prices=prices,
        provider=provider,
        region=region,
        currency=currency,
    )
    render_autoscaling(advice, fmt)


def render_autoscaling(advice: AutoscalingAdvice, fmt: OutputFormat) -> None:
    rows = advice.to_rows()
    if print_plain(fmt, advice.to_dict(), rows):
        return
    res = advice.result
    best = (
        f"cheapest meeting the SLO: {res.best_policy}"
        if res.best_policy
        else "no policy meets the SLO"
    )
    p = res.slo.delay_percentile
    at = "every interval" if p >= 100 else f"p{p:g}"
    title = (
        f"Autoscaling over {res.intervals} intervals of {res.interval_seconds:g} s "
        f"({res.unit}/s: mean {res.demand_mean:.4g}, peak {res.demand_peak:.4g}); "
        f"SLO ≤ {res.slo.max_violation_share:.1%} over capacity, ≤ "
        f"{res.slo.max_delay_seconds:g} s delay at {at}; {best}"
    )
    table = [
        {
            "policy": r["policy"],
            "cost": r["cost"],
            "vs peak": r["cost_ratio"],
            "replica-h": r["replica_hours"],
            "over cap": f"{r['violation_share']:.1%}",
            "delay p95 s": r["delay_p95_seconds"],
            "delay p99 s": r["delay_p99_seconds"],
            "delay max s": r["delay_max_seconds"],
            "util": f"{r['utilization']:.0%}",
            "SLO": "met" if r["meets_slo"] else "missed",
        }
        for r in rows
    ]
    render(table, fmt, console=out, title=title, money=("cost",))
    print_notes(advice.assumptions + res.assumptions)
