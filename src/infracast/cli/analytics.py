"""`infracast costs | movers | savings | gpu | showback`: where the money went."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

import typer

from infracast import analytics
from infracast.analytics.carbon import carbon_assumptions
from infracast.analytics.periods import parse_range
from infracast.analytics.scope import in_scope
from infracast.cli.common import (
    FormatOption,
    LedgerOption,
    err,
    library_default,
    open_ledger,
    out,
    print_notes,
)
from infracast.cli.render import OutputFormat, render

MONEY = ("billed_cost", "effective_cost")


class Metric(StrEnum):
    """Which cost to sort and compare by."""

    effective = "effective"
    billed = "billed"


class Split(StrEnum):
    """How shared cost is split among teams."""

    proportional = "proportional"
    even = "even"


# the library's defaults, which the command line shows and uses
MOVERS_BY = ",".join(library_default(analytics.top_movers, "by"))
MOVERS_GRAIN = library_default(analytics.top_movers, "grain")
MOVERS_TOP = library_default(analytics.top_movers, "n")
GPU_BY = ",".join(library_default(analytics.gpu_efficiency, "by"))
GPU_BASIS = Metric(library_default(analytics.gpu_efficiency, "basis"))
SHOWBACK_SPLIT = Split(library_default(analytics.showback, "split"))
SHOWBACK_BASIS = Metric(library_default(analytics.showback, "basis"))


ByOption = Annotated[
    str,
    typer.Option(
        "--by",
        "-b",
        help="Comma-separated dimensions: provider, service, service_category, region, account, "
        "sub_account, team, project, cost_category, gpu_type, charge_category, "
        "pricing_category, resource, sku, source, day, week, month, quarter, year, tag.KEY, "
        "custom.KEY.",
    ),
]
FromOption = Annotated[
    str | None,
    typer.Option("--from", help="Start of the period, inclusive (YYYY-MM-DD or ISO time, UTC)."),
]
ToOption = Annotated[
    str | None,
    typer.Option("--to", help="End of the period, exclusive (YYYY-MM-DD or ISO time, UTC)."),
]
FilterOption = Annotated[
    list[str] | None,
    typer.Option(
        "--filter",
        "-F",
        help="DIM=VALUE, DIM!=VALUE or DIM=A,B (any of); repeat to combine. "
        "(none) matches a missing value.",
    ),
]
TopOption = Annotated[int | None, typer.Option("--top", "-n", min=1, help="Show at most N rows.")]
PERIOD_FLAGS = ("--from", "--to")


def period(start: str | None, end: str | None) -> tuple[datetime | None, datetime | None]:
    """--from and --to as UTC instants; an error names the flags (before any ledger opens)."""
    return parse_range(start, end, names=PERIOD_FLAGS)


def _totals_line(totals: list[dict[str, Any]]) -> None:
    for row in sorted(totals, key=lambda r: str(r["currency"])):
        err.print(
            f"Total {row['currency']}: billed {row['billed_cost']:,.2f}, "
            f"effective (amortized) {row['effective_cost']:,.2f}"
        )


def costs(
    by: ByOption = "",
    start: FromOption = None,
    end: ToOption = None,
    filters: FilterOption = None,
    metric: Annotated[
        Metric, typer.Option(help="Sort by effective (amortized) or billed cost.")
    ] = Metric.effective,
    top: TopOption = None,
    with_carbon: Annotated[
        bool,
        typer.Option(
            "--with-carbon",
            help="Add kwh and co2e_kg: cloud GPU-hours (TDP x utilization x PUE) and "
            "on-premises energy, at each region's grid intensity.",
        ),
    ] = False,
    ledger: LedgerOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Cost totals and breakdowns by any dimension, billed beside effective.

    JSON (a stable contract): an array of objects with one key per --by
    dimension, then billed_cost, effective_cost (numbers) and currency; with
    --with-carbon, kwh and co2e_kg after them (null where no charge of the row
    carries energy), and the figures used (TDP, PUE, grid) on stderr.

    Examples:

      infracast costs --by provider

      infracast costs --by team,month --from 2026-01-01 --to 2026-04-01

      infracast costs --by service --filter provider=AWS --filter tag.env=prod --top 10

      infracast costs --by project --format json

      infracast costs --by team,region --with-carbon
    """
    dims = analytics.check_dimensions(by) if by else []
    lo, hi = period(start, end)
    scope: dict[str, Any] = {"by": dims, "start": lo, "end": hi, "filters": filters or []}
    totals: list[dict[str, Any]] = []
    left_out = 0
    notes: list[str] = []
    with open_ledger(ledger, read_only=True) as led:
        shown = analytics.costs(led, **scope, metric=metric.value, top=top, with_carbon=with_carbon)
        if with_carbon:
            notes = carbon_assumptions(in_scope(led.ibis().table("charges"), lo, hi, filters or []))
        if fmt is OutputFormat.table and shown:
            # the table's footer: the totals of every row, and how many --top left out
            totals = analytics.costs(led, start=lo, end=hi, filters=filters or [])
            if top is not None and len(shown) == top:
                left_out = len(analytics.costs(led, **scope)) - len(shown)
    render(
        shown,
        fmt,
        console=out,
        title="Cost" + (f" by {', '.join(dims)}" if dims else ""),
        money=MONEY,
        empty="No charges match.",
    )
    _totals_line(totals)
    if left_out:
        err.print(f"({left_out} more rows; drop --top to see them)")
    print_notes(notes)


def movers(
    by: ByOption = MOVERS_BY,
    grain: Annotated[str, typer.Option(help="Period length: day, week or month.")] = MOVERS_GRAIN,
    period: Annotated[
        str | None,
        typer.Option(
            help="The period to compare with the one before it (default: the latest complete one)."
        ),
    ] = None,
    filters: FilterOption = None,
    metric: Annotated[
        Metric, typer.Option(help="Compare effective or billed cost.")
    ] = Metric.effective,
    top: Annotated[
        int, typer.Option("--top", "-n", min=1, help="Show the N largest changes.")
    ] = MOVERS_TOP,
    ledger: LedgerOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Top movers: what changed most from one period to the one before it.

    Examples:

      infracast movers

      infracast movers --by team,service --grain week --top 5

      infracast movers --period 2026-06 --by project
    """
    dims = analytics.check_dimensions(by)
    with open_ledger(ledger, read_only=True) as led:
        result = analytics.top_movers(
            led,
            by=dims,
            grain=grain,
            period=period,
            n=top,
            filters=filters or [],
            metric=metric.value,
        )
    title = f"Top movers by {', '.join(dims)}: {result.current.label} vs {result.previous.label}"
    render(
        result.rows,
        fmt,
        console=out,
        title=title,
        money=("current", "previous", "change"),
        empty="No change between the two periods.",
        json_value=result,
    )


def savings(
    by: ByOption = "",
    start: FromOption = None,
    end: ToOption = None,
    filters: FilterOption = None,
    ledger: LedgerOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Savings as FOCUS defines them: negotiated, commitment and total.

    negotiated = ListCost − ContractedCost; commitment = ContractedCost − EffectiveCost;
    total = ListCost − EffectiveCost. Prepaid purchases are left out (their
    effective cost is spread over the usage they cover).

    Examples:

      infracast savings --by provider

      infracast savings --by pricing_category --from 2026-01-01
    """
    dims = analytics.check_dimensions(by) if by else []
    lo, hi = period(start, end)
    with open_ledger(ledger, read_only=True) as led:
        rows = analytics.savings(led, by=dims, start=lo, end=hi, filters=filters or [])
    money = (
        "list_cost",
        "contracted_cost",
        "effective_cost",
        "negotiated_savings",
        "commitment_savings",
        "total_savings",
    )
    columns = [*dims, "currency", *money, "savings_rate_pct"]
    render(
        rows,
        fmt,
        console=out,
        title="Savings",
        money=money,
        columns=columns if fmt is OutputFormat.table else None,
        empty="No charges match.",
    )


def gpu(
    by: ByOption = GPU_BY,
    start: FromOption = None,
    end: ToOption = None,
    filters: FilterOption = None,
    basis: Annotated[Metric, typer.Option(help="Cost basis.")] = GPU_BASIS,
    ledger: LedgerOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """GPU efficiency: cost per GPU-hour and per useful GPU-hour, utilization, idle cost.

    Utilization comes from GPU usage samples joined to GPU charges by resource
    and time. Charges without samples are reported as unmeasured, not guessed.

    Examples:

      infracast gpu

      infracast gpu --by team,gpu_type --from 2026-06-01

      infracast gpu --by provider --format json
    """
    dims = analytics.check_dimensions(by) if by else []
    lo, hi = period(start, end)
    with open_ledger(ledger, read_only=True) as led:
        rows = analytics.gpu_efficiency(
            led, by=dims, start=lo, end=hi, filters=filters or [], basis=basis.value
        )
    columns = [
        *dims,
        "currency",
        "gpu_hours",
        "cost",
        "cost_per_gpu_hour",
        "utilization",
        "useful_gpu_hours",
        "cost_per_useful_gpu_hour",
        "idle_cost",
        "unmeasured_cost",
    ]
    money = (
        "cost",
        "cost_per_gpu_hour",
        "cost_per_useful_gpu_hour",
        "idle_cost",
        "unmeasured_cost",
    )
    render(
        rows,
        fmt,
        console=out,
        title="GPU efficiency",
        money=money,
        columns=columns if fmt is OutputFormat.table else None,
        empty="No GPU charges match.",
    )


def showback(
    start: FromOption = None,
    end: ToOption = None,
    split: Annotated[
        Split, typer.Option(help="How shared cost is split among teams.")
    ] = SHOWBACK_SPLIT,
    filters: FilterOption = None,
    basis: Annotated[Metric, typer.Option(help="Cost basis.")] = SHOWBACK_BASIS,
    ledger: LedgerOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Showback per team: direct cost, GPU time held, a share of shared cost.

    GPU capacity that no team held is shown as unallocated idle, and the lines
    add up exactly to the total cost in scope.

    Examples:

      infracast showback --from 2026-06-01 --to 2026-07-01

      infracast showback --split even --format csv
    """
    lo, hi = period(start, end)
    with open_ledger(ledger, read_only=True) as led:
        result = analytics.showback(
            led, start=lo, end=hi, split=split.value, filters=filters or [], basis=basis.value
        )
    money = ("direct", "gpu_allocated", "shared", "idle", "total")
    render(
        result.named_rows(),
        fmt,
        console=out,
        title=f"Showback ({result.split} split of shared cost, {result.basis} cost)",
        columns=["team", "currency", *money] if fmt is OutputFormat.table else None,
        money=money,
        empty="No charges match.",
        json_value=result,
    )
    if fmt is OutputFormat.table:
        for currency, total in result.totals.items():
            err.print(f"Total {currency}: {total:,.2f} (teams + unallocated add up to it exactly)")
        for note in result.notes:
            err.print(f"[dim]{note}[/dim]")
