"""`infracast demo`: a realistic AI company to try everything on."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from infracast import analytics
from infracast.cli import anomalies as anomalies_cli
from infracast.cli import budget as budget_cli
from infracast.cli import plan as plan_cli
from infracast.cli import project as project_cli
from infracast.cli.common import LedgerOption, err, library_default, open_ledger, out
from infracast.cli.forecast_render import render_forecast
from infracast.cli.ingest import _Bar
from infracast.cli.recommend import render_recommendations
from infracast.cli.render import OutputFormat, render
from infracast.control.forecasting import forecast as forecast_series
from infracast.control.optimizing import commitments as plan_commitments
from infracast.control.optimizing import placement as place_workloads
from infracast.demo import generate as generate_demo
from infracast.demo.control import (
    DEMO_PASSWORD,
    DEMO_TEAM,
    DEMO_TEAM_USER,
    DEMO_USER,
    DemoControl,
    demo_token,
)
from infracast.demo.run import DemoRun, run_demo
from infracast.errors import InfracastError
from infracast.recommend import recommend
from infracast.recommend.record import money, total_savings

app = typer.Typer(
    help="A realistic AI company (three clouds, an on-prem GPU cluster) to try infracast on.",
    no_args_is_help=True,
)

# the library's defaults, which the command line shows and uses
GENERATE_ROWS = library_default(generate_demo, "rows")
RUN_ROWS = library_default(run_demo, "rows")
SEED = library_default(run_demo, "seed")
FILE_FORMAT = library_default(generate_demo, "file_format")
SUMMARY = library_default(run_demo, "summary")
QUARTER = 92  # days: the demo's next quarter, November to January


OutDir = Annotated[Path, typer.Option("--out", "-o", help="Folder for the generated files.")]
Rows = Annotated[
    int,
    typer.Option("--rows", "-r", help="About how many FOCUS charge rows (5,000 to 200 million)."),
]
Seed = Annotated[int, typer.Option(help="Random seed; the same seed gives the same files.")]


def _generation_bar() -> tuple[Progress, Any]:
    progress = Progress(
        TextColumn("[bold]Generating"),
        BarColumn(),
        TextColumn("{task.percentage:>5.1f}%"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )
    task = progress.add_task("rows", total=1)
    return progress, lambda done, total: progress.update(task, completed=done, total=total)


@app.command()
def generate(
    out_dir: OutDir = Path("infracast-demo"),
    rows: Rows = GENERATE_ROWS,
    seed: Seed = SEED,
    file_format: Annotated[
        str, typer.Option("--file-format", help="parquet, csv or csv.gz.")
    ] = FILE_FORMAT,
) -> None:
    """Write the demo company's files (FOCUS bills, GPU samples, assets, manual entries).

    Examples:

      infracast demo generate

      infracast demo generate --out /tmp/big-demo --rows 10000000

      infracast demo generate --file-format csv.gz
    """
    progress, update = _generation_bar()
    with progress:
        manifest = generate_demo(
            out_dir, rows=rows, seed=seed, file_format=file_format, progress=update
        )
    files = sum(len(v) for v in manifest.files.values())
    err.print(
        f"Wrote {files} files for {manifest.company} to {out_dir} "
        f"({manifest.focus_rows:,} FOCUS rows, {manifest.period_start[:10]} to "
        f"{manifest.period_end[:10]}). Ingest them with: infracast demo run --out {out_dir}"
    )


@app.command()
def run(
    out_dir: OutDir = Path("infracast-demo"),
    rows: Rows = RUN_ROWS,
    seed: Seed = SEED,
    summary: Annotated[Path, typer.Option(help="HTML summary to write.")] = SUMMARY,
    ledger: LedgerOption = None,
) -> None:
    """Generate the demo company, ingest it, print the cost overview, write the HTML summary.

    This is what `make demo` runs. Running it again is a no-op for files
    already in the ledger.

    Examples:

      infracast demo run

      infracast demo run --ledger /tmp/demo.duckdb --rows 1000000
    """
    progress, update = _generation_bar()
    bar = _Bar(enabled=True)
    with open_ledger(ledger) as led:
        with progress:
            result = run_demo(
                led,
                out_dir,
                rows=rows,
                seed=seed,
                summary=summary,
                generate_progress=update,
                ingest_progress=bar,
                stage=lambda text: err.print(f"[bold]·[/bold] {text}"),
            )
        bar.stop()
        _overview(led, result)
    if result.control is not None:
        _control(ledger, result.control)
    _outlook(ledger)
    _savings(ledger)
    _recommendations(ledger)
    _api(ledger)
    err.print(f"\nWrote {result.summary}: open it in a browser.")
    err.print(
        "Next: infracast costs --by team,month · infracast gpu --by team · "
        "infracast showback · infracast movers · infracast quarantine list"
    )


def _control(ledger: Path | None, control: DemoControl) -> None:
    """Budget status, earned value and plan against actual, as the commands print them."""
    as_of = control.as_of.isoformat()
    err.print(f"\n[bold]Control, as of the demo's today ({as_of})[/bold]")
    budget_cli.status(as_of=as_of, notify=False, ledger_path=ledger)
    for name in control.projects:
        project_cli.status(name, as_of=as_of, ledger=ledger)
    project_cli.rebudget(as_of=as_of, ledger=ledger)
    plan_cli.compare(control.plan, by="month", as_of=as_of, ledger=ledger)
    err.print(
        f"Next: infracast budget alerts · infracast project status {control.projects[0]} "
        f"--as-of {as_of} --chart ev.html · infracast plan compare {control.plan} "
        "--by category · infracast finance cashflows --from-ledger --project "
        f"{control.projects[0]}"
    )


def _outlook(ledger: Path | None) -> None:
    """Next quarter's forecast by team, and the anomalies found in the year, as the
    commands print them."""
    err.print("\n[bold]Next quarter, forecast by team (infracast forecast --by team -H 92)[/bold]")
    with open_ledger(ledger) as led:
        render_forecast(forecast_series(led, by="team", horizon=QUARTER), OutputFormat.table)
    err.print("\n[bold]Anomalies found in the year (infracast anomalies)[/bold]")
    anomalies_cli.anomalies(ledger=ledger)
    err.print(
        "Next: infracast forecast --by team --chart forecast.html · infracast forecast "
        "backtest --by team · infracast anomalies --format json · docs/forecast.md"
    )


TOP_MOVES = 5
DEMO_ACCELERATOR = "H100"  # the demo company's largest GPU spend


def _savings(ledger: Path | None) -> None:
    """The top placement moves of last month's cloud GPU workloads and the commitments to buy
    for the H100 demand, each with its savings."""
    try:
        with open_ledger(ledger, read_only=True) as led:
            placed = place_workloads(ledger=led)
            advice = plan_commitments(led, accelerator=DEMO_ACCELERATOR)
    except InfracastError as exc:  # a demo too small to optimize says so and ends well
        err.print(f"\n[bold]Optimize[/bold]: skipped: {exc.message}")
        return
    cur = placed.currency
    moves = sorted(
        (a for a in placed.assignments if a.savings is not None and a.savings > 0.005),
        key=lambda a: -(a.savings or 0.0),
    )
    share = (placed.savings or 0.0) / placed.baseline_cost if placed.baseline_cost else 0.0
    err.print(
        f"\n[bold]Where last month's cloud GPUs could have run (infracast optimize placement)"
        f"[/bold]\n{len(moves)} of {len(placed.assignments)} workloads move; together "
        f"{placed.objective:,.2f} {cur} instead of {placed.baseline_cost or 0:,.2f} (saves "
        f"{placed.savings or 0:,.2f}, {share:.1%}; gap {placed.gap:.2%}). The top {TOP_MOVES}:"
    )
    rows = [
        {
            "workload": a.workload.rsplit("/", 1)[-1],
            "team": a.team,
            "paid": a.baseline_cost,
            "move to": f"{a.provider} {a.region} {a.offer.split('/')[-2]} {a.pricing}",
            "cost": a.cost,
            "saves": a.savings,
        }
        for a in moves[:TOP_MOVES]
    ]
    render(rows, OutputFormat.table, console=out, money=("paid", "cost", "saves"))
    plan = advice.plan
    terms = ", ".join(
        f"{line.quantity:,.0f} GPU-hours a month for {line.term}"
        for line in plan.lines
        if line.kind == "new" and line.quantity > 0.5 and line.start_period == 0
    )
    err.print(
        f"\n[bold]Commitments for {DEMO_ACCELERATOR} demand (infracast optimize commitments "
        f"--accelerator {DEMO_ACCELERATOR})[/bold]\nBuy {terms or 'no new commitment'}: "
        f"saves {plan.commitment_savings:,.2f} {plan.currency} over {plan.periods} months "
        f"against buying none ({plan.no_new_commitment_cost:,.2f} expected on demand and spot "
        f"beside what is owned and committed); over-commit probability "
        f"{plan.over_commit_probability:.0%}, expected unused {plan.expected_unused_cost:,.2f}."
    )
    err.print(
        "Next: infracast optimize placement --move-to any · infracast optimize commitments "
        "--accelerator H100 --format json · docs/optimize.md"
    )


TOP_RECOMMENDATIONS = 10


def _recommendations(ledger: Path | None) -> None:
    """The company's recommendations, ranked by monthly savings, with their total."""
    with open_ledger(ledger) as led:
        found = recommend(led)
    err.print(
        f"\n[bold]Recommendations (infracast recommend)[/bold]: {len(found)} open, the top "
        f"{min(TOP_RECOMMENDATIONS, len(found))} by monthly savings:"
    )
    render_recommendations(found[:TOP_RECOMMENDATIONS])
    if len(found) > TOP_RECOMMENDATIONS:
        for currency, total in sorted(total_savings(found).items()):
            out.print(f"All {len(found)}: {money(total)} {currency} a month", highlight=False)
    err.print(
        "Next: infracast recommend --format json (evidence, the command that reproduces each) "
        "· infracast recommend accept ID · infracast recommend realized · docs/recommend.md"
    )


def _api(ledger: Path | None) -> None:
    """How to reach the JSON API on the demo company, with a new token of its demo user."""
    with open_ledger(ledger) as led:
        token = demo_token(led)
    where = f" --ledger {ledger}" if ledger else ""
    err.print(
        f"\n[bold]The JSON API (infracast serve{where}, or make serve)[/bold]: the demo "
        f"user {DEMO_USER} (an editor) has this new token, shown once:"
    )
    out.print(token, highlight=False)
    err.print(
        'curl -H "Authorization: Bearer TOKEN" '
        '"http://127.0.0.1:8000/api/v1/costs?by=team,month" · docs at '
        "http://127.0.0.1:8000/api/v1/docs · docs/server.md",
        highlight=False,
    )
    err.print(
        f"\n[bold]The dashboard[/bold]: make serve, then open http://127.0.0.1:8000/ and sign in "
        f"as {DEMO_USER} with password {DEMO_PASSWORD} (or {DEMO_TEAM_USER}, who sees team "
        f"{DEMO_TEAM}'s costs only) · docs/dashboard.md",
        highlight=False,
    )


def _overview(led: Any, result: DemoRun) -> None:
    render(
        result.ingested(),
        OutputFormat.table,
        console=out,
        title=f"{result.manifest.company}: what was ingested",
    )
    money = ("billed_cost", "effective_cost")
    render(
        analytics.costs(led, by=["provider"]),
        OutputFormat.table,
        console=out,
        title="Cost by provider",
        money=money,
        columns=["provider", "billed_cost", "effective_cost", "currency"],
    )
    render(
        analytics.costs(led, by=["cost_category"]),
        OutputFormat.table,
        console=out,
        title="Cost by category",
        money=money,
        columns=["cost_category", "billed_cost", "effective_cost", "currency"],
    )
    lines = ("direct", "gpu_allocated", "shared", "idle", "total")
    render(
        analytics.showback(led).named_rows(),
        OutputFormat.table,
        console=out,
        title="Showback by team (effective cost)",
        columns=["team", *lines],
        money=lines,
    )
    render(
        [
            {
                k: r[k]
                for k in (
                    "gpu_type",
                    "gpu_hours",
                    "cost_per_gpu_hour",
                    "utilization",
                    "cost_per_useful_gpu_hour",
                    "idle_cost",
                )
            }
            for r in analytics.gpu_efficiency(led, by=["gpu_type"])
        ],
        OutputFormat.table,
        console=out,
        title="GPU efficiency",
        money=("cost_per_gpu_hour", "cost_per_useful_gpu_hour", "idle_cost"),
    )
