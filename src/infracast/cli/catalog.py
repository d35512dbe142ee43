"""`infracast catalog gpus | prices | servers`: accelerator specs and what they cost."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer

from infracast import catalog
from infracast.analytics.observed_prices import read_observed
from infracast.catalog import PriceOption, PriceSelection, PricingModel
from infracast.cli.analytics import period
from infracast.cli.common import FormatOption, LedgerOption, err, open_ledger, out
from infracast.cli.render import OutputFormat, render

app = typer.Typer(
    help="Accelerator specs, cloud prices and server prices, each with its source.",
    no_args_is_help=True,
)


def selection_option(field: str, *flags: str, **kwargs: Any) -> Any:
    """A Typer option for the PriceSelection ``field``: its help is the field's description."""
    return typer.Option(*flags, help=PriceSelection.model_fields[field].description, **kwargs)


# The price selection's options, shared by every command that prices accelerators.
PricesOption = Annotated[Path | None, selection_option("prices", "--prices")]
OverridesOption = Annotated[Path | None, selection_option("overrides", "--overrides")]
ProviderOption = Annotated[str | None, selection_option("provider", "--provider")]
PricingOption = Annotated[PricingModel | None, selection_option("pricing", "--pricing")]


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
    rows = [a.to_dict() for a in catalog.gpus(vendor, name)]
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


def _short(row: dict[str, Any]) -> dict[str, Any]:
    """A price row for a table: the price to 4 decimals, a long source cut (full in JSON/CSV)."""
    source = row["source"]
    return {
        **row,
        "price_per_accelerator_hour": row["price_per_accelerator_hour"].quantize(Decimal("0.0001")),
        "source": source if len(source) <= 40 else source[:39] + "…",
    }


@app.command()
def prices(
    accelerator: Annotated[
        str | None, typer.Option("--accelerator", "-a", help="Catalog name or alias (H100).")
    ] = None,
    provider: Annotated[str | None, selection_option("provider", "--provider", "-p")] = None,
    region: Annotated[str | None, selection_option("region", "--region", "-r")] = None,
    pricing: PricingOption = None,
    prices_file: PricesOption = None,
    overrides: OverridesOption = None,
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
    observed: list[PriceOption] = []
    if from_ledger:
        lo, hi = period(start, end)
        with open_ledger(ledger, read_only=True) as led:
            found = read_observed(led, lo, hi)
        observed = found.options
        if found.untyped_gpu_hours:
            err.print(
                f"{found.untyped_gpu_hours:,.1f} GPU-hours in the ledger have no GPU type "
                "and are not priced."
            )
    selection = PriceSelection.of(
        prices=prices_file, overrides=overrides, provider=provider, region=region, pricing=pricing
    )
    listing = catalog.prices(selection, accelerator=accelerator, top=top, observed=observed)
    table = fmt is OutputFormat.table
    rows = [_short(row) for row in listing.to_json()] if table else listing.to_json()
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
        title="Prices" + (f" for {listing.accelerator}" if listing.accelerator else ""),
        columns=([*(["accelerator"] if not accelerator else []), *columns] if table else None),
        empty="No prices match; loosen --provider, --region or --pricing.",
    )
    if table and top and listing.matched > top:
        err.print(f"({listing.matched - top} more rows; drop --top to see them)")


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
    rows = [s.to_dict() for s in catalog.servers(accelerator)]
    render(
        rows,
        fmt,
        console=out,
        title="Server purchase prices",
        money=("purchase_price",),
        columns=[k for k in rows[0] if k != "source"] + ["source"] if rows else None,
        empty="No server prices for that accelerator.",
    )
