"""`infracast catalog gpus | prices | servers`: accelerator specs and what they cost."""

from __future__ import annotations

import fnmatch
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from infracast import catalog
from infracast.catalog import Accelerator, PriceOption, ServerPrice
from infracast.cli.analytics import period
from infracast.cli.common import FormatOption, LedgerOption, err, open_ledger, out
from infracast.cli.render import OutputFormat, render
from infracast.settings import load_settings

app = typer.Typer(
    help="Accelerator specs, cloud prices and server prices, each with its source.",
    no_args_is_help=True,
)


class Pricing(StrEnum):
    """How the accelerator is bought."""

    on_demand = "on_demand"
    spot = "spot"
    commit_1y = "commit_1y"
    commit_3y = "commit_3y"
    observed = "observed"


def _matches(acc: Accelerator, pattern: str) -> bool:
    names = [acc.name, *acc.aliases]
    if any(ch in pattern for ch in "*?["):
        return any(fnmatch.fnmatch(n.lower(), pattern.lower()) for n in names)
    return any(pattern.lower() in n.lower() for n in names)


def _gpu_row(acc: Accelerator) -> dict[str, Any]:
    return {
        "name": acc.name,
        "vendor": acc.vendor,
        "family": acc.family,
        "memory_gib": acc.memory_gib,
        "memory_bandwidth_gbs": acc.memory_bandwidth_gbs,
        "tdp_w": acc.tdp_w,
        "interconnect_gbs": acc.interconnect_gbs,
        "bf16_tflops": acc.peak_tflops.get("bf16"),
        "fp8_tflops": acc.peak_tflops.get("fp8"),
        "peak_tflops": dict(acc.peak_tflops),
        "aliases": list(acc.aliases),
        "source": acc.source,
    }


@app.command()
def gpus(
    vendor: Annotated[
        str | None, typer.Option("--vendor", help="Only this vendor (NVIDIA, AMD, Intel, Google).")
    ] = None,
    name: Annotated[
        str | None,
        typer.Option(
            "--name", help="Only names or aliases containing this text, or matching a glob (H1*)."
        ),
    ] = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Accelerator specs: memory, bandwidth, TDP, dense peak TFLOPS, aliases and source.

    Peaks are dense (not sparsity-doubled); an empty cell is a figure the
    vendor's datasheet does not give or that could not be confirmed.

    JSON: an array of objects with name, vendor, family, memory_gib,
    memory_bandwidth_gbs, tdp_w, interconnect_gbs, bf16_tflops, fp8_tflops,
    peak_tflops (by precision), aliases and source.

    Examples:

      infracast catalog gpus

      infracast catalog gpus --vendor NVIDIA --name H1*

      infracast catalog gpus --name tpu --format json
    """
    found = list(catalog.accelerators().values())
    if vendor:
        found = [a for a in found if a.vendor.lower() == vendor.strip().lower()]
    if name:
        found = [a for a in found if _matches(a, name)]
    rows = [_gpu_row(a) for a in found]
    table_columns = [
        "name",
        "vendor",
        "memory_gib",
        "memory_bandwidth_gbs",
        "tdp_w",
        "bf16_tflops",
        "fp8_tflops",
        "aliases",
        "source",
    ]
    render(
        rows,
        fmt,
        console=out,
        title="Accelerators (dense peaks)",
        columns=table_columns if fmt is OutputFormat.table else None,
        empty="No accelerator matches; drop --vendor or --name to see them all.",
    )


def _price_row(option: PriceOption, table: bool) -> dict[str, Any]:
    per_accelerator = option.price_per_accelerator_hour
    source = option.source
    if table:
        per_accelerator = per_accelerator.quantize(Decimal("0.0001"))
        source = source if len(source) <= 40 else source[:39] + "…"
    return {
        "provider": option.provider,
        "region": option.region,
        "instance_type": option.instance_type,
        "accelerator": option.accelerator,
        "accelerators_per_instance": option.accelerators_per_instance,
        "pricing_model": option.pricing_model,
        "price_per_hour": option.price_per_hour,
        "price_per_accelerator_hour": per_accelerator,
        "currency": option.currency,
        "as_of": option.as_of,
        "derived": option.derived,
        "source": source,
    }


@app.command()
def prices(
    accelerator: Annotated[
        str | None, typer.Option("--accelerator", "-a", help="Catalog name or alias (H100).")
    ] = None,
    provider: Annotated[
        str | None, typer.Option("--provider", "-p", help="Provider (AWS, gcp, azure, Lambda…).")
    ] = None,
    region: Annotated[str | None, typer.Option("--region", "-r", help="Region id.")] = None,
    pricing: Annotated[
        Pricing | None, typer.Option("--pricing", help="Only this pricing model.")
    ] = None,
    prices_file: Annotated[
        Path | None,
        typer.Option(
            "--prices",
            help="Price book: a CSV in the price book's layout or a SkyPilot vms.csv "
            "(default: the price_book setting, else the packaged book).",
        ),
    ] = None,
    overrides: Annotated[
        Path | None,
        typer.Option(
            "--overrides",
            help="YAML of negotiated prices that replace matching ones "
            "(default: the price_overrides setting).",
        ),
    ] = None,
    from_ledger: Annotated[
        bool,
        typer.Option("--from-ledger", help="Add prices observed in the ledger (per GPU-hour)."),
    ] = False,
    start: Annotated[
        str | None, typer.Option("--from", help="With --from-ledger: start of the period (UTC).")
    ] = None,
    end: Annotated[
        str | None, typer.Option("--to", help="With --from-ledger: end of the period, exclusive.")
    ] = None,
    top: Annotated[
        int | None, typer.Option("--top", "-n", min=1, help="Show at most N rows.")
    ] = None,
    ledger: LedgerOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Ways to rent accelerators, cheapest per accelerator-hour first, with source and date.

    Each row is one instance type in one region under one pricing model, with
    its price per instance-hour and per accelerator-hour. Rows marked derived
    are computed (a published commitment discount applied to a list price);
    their source says how.

    JSON: an array of objects with provider, region, instance_type,
    accelerator, accelerators_per_instance, pricing_model, price_per_hour,
    price_per_accelerator_hour, currency, as_of, derived and source.

    Examples:

      infracast catalog prices --accelerator H100 --top 10

      infracast catalog prices -a A100-80GB --provider gcp --pricing spot

      infracast catalog prices -a H100 --overrides negotiated.yaml --from-ledger

      infracast catalog prices --prices ../skypilot/aws/vms.csv -a L4 --format csv
    """
    settings = load_settings()
    extra: list[PriceOption] = []
    if from_ledger:
        lo, hi = period(start, end)
        with open_ledger(ledger, read_only=True) as led:
            observed = catalog.read_observed(led, lo, hi)
        extra = observed.options
        if observed.untyped_gpu_hours:
            err.print(
                f"{observed.untyped_gpu_hours:,.1f} GPU-hours in the ledger have no GPU type "
                "and are not priced."
            )
    book = catalog.price_book(
        prices_file or settings.price_book,
        overrides=overrides or settings.price_overrides,
        extra=extra,
    )
    found = book.options(
        accelerator=accelerator,
        provider=provider,
        region=region,
        pricing_model=pricing.value if pricing else None,
    )
    shown = found[:top] if top else found
    table = fmt is OutputFormat.table
    rows = [_price_row(o, table) for o in shown]
    columns = [
        "provider",
        "region",
        "instance_type",
        "accelerators_per_instance",
        "pricing_model",
        "price_per_hour",
        "price_per_accelerator_hour",
        "currency",
        "as_of",
        "source",
    ]
    render(
        rows,
        fmt,
        console=out,
        title="Prices" + (f" for {catalog.accelerator(accelerator).name}" if accelerator else ""),
        columns=([*(["accelerator"] if not accelerator else []), *columns] if table else None),
        empty="No prices match; loosen --provider, --region or --pricing.",
    )
    if table and top and len(found) > top:
        err.print(f"({len(found) - top} more rows; drop --top to see them)")


def _server_row(server: ServerPrice) -> dict[str, Any]:
    return {
        "name": server.name,
        "accelerator": server.accelerator,
        "accelerators_per_server": server.accelerators_per_server,
        "purchase_price": server.purchase_price,
        "currency": server.currency,
        "as_of": server.as_of,
        "power_kw": server.power_kw,
        "notes": server.extra.get("notes"),
        "source": server.source,
    }


@app.command()
def servers(
    accelerator: Annotated[
        str | None, typer.Option("--accelerator", "-a", help="Only servers with this accelerator.")
    ] = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Purchase prices of owned GPU servers, newest first, each with its public source.

    JSON: an array of objects with name, accelerator, accelerators_per_server,
    purchase_price, currency, as_of, power_kw, notes and source.

    Examples:

      infracast catalog servers

      infracast catalog servers --accelerator H100 --format json
    """
    rows = [_server_row(s) for s in catalog.server_prices(accelerator)]
    render(
        rows,
        fmt,
        console=out,
        title="Server purchase prices",
        money=("purchase_price",),
        columns=[k for k in rows[0] if k != "source"] + ["source"] if rows else None,
        empty="No server prices for that accelerator.",
    )
