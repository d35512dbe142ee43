"""`infracast optimize commitments`: how many GPU-hours a period to commit for one and three
years, against a demand file or the ledger's GPU-hours forecast (one call of
:func:`infracast.control.optimizing._commitments.commitments`), and its table."""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path
from typing import Annotated

import typer

from infracast.cli.common import (
    FormatOption,
    LedgerOption,
    err,
    library_default,
    open_ledger,
    out,
    print_notes,
    print_plain,
)
from infracast.cli.render import OutputFormat, render
from infracast.control.optimizing._commitments import CommitmentAdvice
from infracast.control.optimizing._commitments import commitments as plan_commitments

_PRICE = "per GPU-hour"


def commitments(
    input: Annotated[
        Path | None,
        typer.Argument(
            help="Demand: a CSV/YAML of paths (scenario, period, demand in GPU-hours, "
            "optionally probability) or a forecast CSV (infracast forecast --format csv). "
            "Without it, the ledger's GPU-hours forecast.",
            show_default=False,
        ),
    ] = None,
    accelerator: Annotated[
        str | None,
        typer.Option("--accelerator", "-a", help="The GPU to plan (catalog name: H100, A100…)."),
    ] = None,
    horizon: Annotated[
        int, typer.Option("--horizon", help="Periods to forecast from the ledger.")
    ] = library_default(plan_commitments, "horizon"),
    freq: Annotated[
        str, typer.Option("--freq", help="The period: MS (month), W (week) or D (day).")
    ] = library_default(plan_commitments, "freq"),
    on_demand_price: Annotated[
        float | None, typer.Option("--on-demand-price", help=f"On-demand price {_PRICE}.")
    ] = None,
    price_1y: Annotated[
        float | None, typer.Option("--price-1y", help=f"1-year commitment price {_PRICE}.")
    ] = None,
    price_3y: Annotated[
        float | None, typer.Option("--price-3y", help=f"3-year commitment price {_PRICE}.")
    ] = None,
    spot_price: Annotated[
        float | None, typer.Option("--spot-price", help=f"Spot price {_PRICE}.")
    ] = None,
    spot_max_share: Annotated[
        float | None,
        typer.Option(
            "--spot-max-share",
            help="Most of a period's demand spot may serve (0–1; default: the share of the "
            "ledger's GPU-hours that ran on spot, else 0.5 when a spot price is given).",
        ),
    ] = None,
    whole_units: Annotated[
        bool, typer.Option("--whole-gpus", help="Commit whole GPUs (a MILP).")
    ] = False,
    existing_periods: Annotated[
        int | None,
        typer.Option(
            "--existing-periods",
            help="Periods the ledger's commitments stay in place (FOCUS has no end date; "
            "default: the whole horizon).",
        ),
    ] = None,
    start: Annotated[
        str | None, typer.Option("--from", help="Start of the ledger data to read.")
    ] = None,
    end: Annotated[str | None, typer.Option("--to", help="End (exclusive).")] = None,
    prices: Annotated[
        Path | None, typer.Option("--prices", help="Price book CSV (default: the packaged one).")
    ] = None,
    overrides: Annotated[
        Path | None, typer.Option("--overrides", help="YAML of negotiated prices.")
    ] = None,
    provider: Annotated[
        str | None, typer.Option("--provider", help="Only this provider's prices.")
    ] = None,
    region: Annotated[str | None, typer.Option("--region", help="Only this region.")] = None,
    currency: Annotated[
        str, typer.Option("--currency", help="Currency of the prices.")
    ] = library_default(plan_commitments, "currency"),
    ledger: LedgerOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Plan 1- and 3-year commitments against demand scenarios (a scenario LP).

    Per term: the GPU-hours a period to commit, its break-even utilization, expected
    utilization and unused cost; the savings against on demand and the over-commit risk.
    With a ledger: its commitments already in place, their utilization and coverage.

    Units: demand in GPU-hours per period, prices per GPU-hour.

    Prices: those given with --on-demand-price; without it, the cheapest of each pricing
    model in the price book for --accelerator from one provider (--provider; default: the
    provider of most of the ledger's GPU-hours of it that sells commitments, else the
    cheapest on demand among those that do), narrowed by --region. With a ledger, its
    owned servers of the accelerator count as capacity until their useful life ends.

    Examples:

      infracast optimize commitments demand.csv --on-demand-price 4 --price-3y 2.4

      infracast optimize commitments --accelerator H100 --horizon 36

      infracast optimize commitments forecast.csv -a H100 --provider aws
    """
    # a file alone needs no ledger; with --ledger too, the ledger's commitments are in place
    reading = (
        nullcontext(None)
        if input is not None and ledger is None
        else open_ledger(ledger, read_only=True, create=False)
    )
    with reading as led:
        advice = plan_commitments(
            led,
            input=input,
            accelerator=accelerator,
            horizon=horizon,
            freq=freq,
            prices=prices,
            overrides=overrides,
            provider=provider,
            region=region,
            on_demand_price=on_demand_price,
            price_1y=price_1y,
            price_3y=price_3y,
            spot_price=spot_price,
            spot_max_share=spot_max_share,
            whole_units=whole_units,
            existing_periods=existing_periods,
            start=start,
            end=end,
            currency=currency,
        )
    render_commitments(advice, fmt)


def render_commitments(advice: CommitmentAdvice, fmt: OutputFormat) -> None:
    rows = advice.to_rows()
    if print_plain(fmt, advice.to_dict(), rows):
        return
    plan, cur = advice.plan, advice.plan.currency
    pct = "" if plan.savings_pct is None else f" ({plan.savings_pct:.1f} %)"
    title = (
        f"Commitments{f' of {advice.accelerator}' if advice.accelerator else ''} over "
        f"{plan.periods} periods ({advice.unit}, {plan.status}): expected {plan.expected_cost:,.2f}"
        f" {cur} against {plan.baseline_cost:,.2f} on demand, saving {plan.savings:,.2f}{pct}; "
        f"over-commit probability {plan.over_commit_probability:.0%}"
    )
    cols = ["kind", "term", "start_period", "periods", "quantity", "gpus", "price", "cost"]
    cols += ["break_even_utilization", "expected_utilization", "expected_unused_cost"]
    money = ("price", "cost", "expected_unused_cost")
    render(rows, fmt, console=out, title=title, columns=cols, money=money, empty="No commitment.")
    if advice.existing_commitments:
        held = ["commitment_id", "name", "provider", "committed_cost", "utilization"]
        held += ["unused_cost", "net_savings"]
        money = ("committed_cost", "unused_cost", "net_savings")
        render(advice.existing_commitments, fmt, console=out, title="Commitments in the ledger",
               columns=held, money=money)  # fmt: skip
    for c in advice.coverage:
        where = " ".join(str(c[k]) for k in ("provider", "service") if c.get(k))
        share = "n/a" if c["coverage"] is None else f"{c['coverage']:.0%}"
        err.print(f"[dim]· coverage of {where}: {share}[/dim]", highlight=False)
    print_notes([*advice.assumptions, *plan.assumptions])
