"""`infracast forecast` (and `infracast forecast backtest`): cost, GPU demand or a file's
series ahead, with intervals, the backtest error of each series' model, and the
organisation's total the groups are reconciled to."""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path
from typing import Annotated

import typer

from infracast.cli.analytics import ByOption, FilterOption, FromOption, ToOption
from infracast.cli.common import FormatOption, LedgerOption, library_default, open_ledger
from infracast.cli.forecast_render import render_backtest, render_forecast, write_chart
from infracast.cli.render import OutputFormat
from infracast.control.forecasting import backtest as backtest_series
from infracast.control.forecasting import forecast as forecast_series
from infracast.errors import ConfigError
from infracast.report.forecast_chart import chart_format

HORIZON = library_default(forecast_series, "horizon")
MODEL = library_default(forecast_series, "model")
LEVEL = list(library_default(forecast_series, "level"))
WINDOWS = library_default(backtest_series, "windows")

HorizonOption = Annotated[int, typer.Option("--horizon", "-H", min=1, help="Periods to forecast.")]
FreqOption = Annotated[
    str | None,
    typer.Option(
        "--freq",
        help="Pandas-style frequency: 5min, h, D, W, MS (H and d too). The ledger: D "
        "(default), W or MS (h too for --demand gpu_hours); a file: inferred when left out.",
    ),
]
InputOption = Annotated[
    Path | None,
    typer.Option(
        "--input",
        "-i",
        help="A CSV or Parquet file of series in the long format instead of the ledger.",
    ),
]
DemandOption = Annotated[
    str,
    typer.Option(
        "--demand",
        help="What the ledger's series measure: cost (charges) or gpu_hours (GPU-hours "
        "held, from usage samples; --by gpu_type, team, project, workload or resource).",
    ),
]
LevelOption = Annotated[
    list[int] | None,
    typer.Option("--level", help="Interval level in percent (repeatable). Default: 80 95."),
]
IdColOption = Annotated[str, typer.Option("--id-col", help="The file's series column.")]
TimeColOption = Annotated[str, typer.Option("--time-col", help="The file's time column.")]
TargetColOption = Annotated[str, typer.Option("--target-col", help="The file's value column.")]

app = typer.Typer(no_args_is_help=False)


@app.callback(invoke_without_command=True)
def forecast(
    ctx: typer.Context,
    by: ByOption = "",
    horizon: HorizonOption = HORIZON,
    freq: FreqOption = None,
    input_file: InputOption = None,
    demand: DemandOption = "cost",
    model: Annotated[
        str,
        typer.Option(
            "--model",
            "-m",
            help="auto (chosen per series by backtest), naive, seasonal_naive, weekly_naive, "
            "ets, theta, arima, regression or global.",
        ),
    ] = MODEL,
    level: LevelOption = None,
    reconcile: Annotated[
        str,
        typer.Option(
            "--reconcile",
            help="Make the --by groups add up to their parents and the organisation's total: "
            "auto (MinTrace where every series has enough backtest residuals, else "
            "bottom-up), mint_shrink, ols, bottom_up or none.",
        ),
    ] = library_default(forecast_series, "reconcile"),
    chart: Annotated[
        Path | None,
        typer.Option(
            "--chart",
            help="Also draw history, forecast and intervals of the largest series: "
            "FILE.png or FILE.html.",
        ),
    ] = None,
    id_col: IdColOption = "unique_id",
    time_col: TimeColOption = "ds",
    target_col: TargetColOption = "y",
    start: FromOption = None,
    end: ToOption = None,
    filters: FilterOption = None,
    ledger: LedgerOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Forecast cost by team, project, provider … (or GPU-hours, or a file's series) with
    80% and 95% intervals; each series' model is chosen by a rolling-origin backtest,
    whose error is shown beside it.

    Usage is forecast by the model; recurring fees continue on their schedule; one-time
    purchases are not extrapolated. The --by groups are reconciled to the organisation's
    total (the total row, then each level), so they never sum to more than the company.
    A forecast of the ledger is stored in it and reused when asked again with the same
    data and settings.

    CSV columns: unique_id, ds, yhat, lo80, hi80, lo95, hi95, model.

    Examples:

      infracast forecast --by team --horizon 90 --freq D

      infracast forecast --by team,project --freq MS --horizon 3 --chart forecast.html

      infracast forecast --demand gpu_hours --by gpu_type --freq h --horizon 48

      infracast forecast --input gpu_hours.csv --horizon 48 --freq h

      infracast forecast backtest --by team --horizon 30
    """
    if ctx.invoked_subcommand is not None:
        _refuse_options_before(ctx)
        return
    kind = chart_format(chart) if chart else None  # before any work
    opened = nullcontext(None) if input_file is not None else open_ledger(ledger)
    with opened as led:
        result = forecast_series(
            led,
            input=input_file,
            by=by,
            demand=demand,
            horizon=horizon,
            freq=freq,
            model=model,
            level=level or LEVEL,
            start=start,
            end=end,
            filters=filters or [],
            reconcile=reconcile,
            id_col=id_col,
            time_col=time_col,
            target_col=target_col,
        )
    render_forecast(result, fmt)
    if chart and kind:
        write_chart(chart, kind, result)


def _refuse_options_before(ctx: typer.Context) -> None:
    """``infracast forecast --by team backtest`` would drop --by silently: refuse it."""
    typed = ("COMMANDLINE", "PROMPT")  # the names of click's ParameterSource
    given = [
        name
        for name in ctx.params
        if getattr(ctx.get_parameter_source(name), "name", None) in typed
    ]
    if given:
        flags = ", ".join("--" + name.replace("_", "-") for name in given)
        raise ConfigError(
            f"{flags} came before `{ctx.invoked_subcommand}`, which has options of its own.",
            hint=f"Put them after it: infracast forecast {ctx.invoked_subcommand} --by team …",
        )


@app.command("backtest")
def backtest(
    by: ByOption = "",
    horizon: HorizonOption = HORIZON,
    freq: FreqOption = None,
    input_file: InputOption = None,
    demand: DemandOption = "cost",
    model: Annotated[
        list[str] | None,
        typer.Option(
            "--model",
            "-m",
            help="Models to score (repeatable or comma-separated): auto (the candidates "
            "forecast chooses from, the default), all, or naive, seasonal_naive, weekly_naive, "
            "ets, theta, arima, global. Seasonal naive always runs as the baseline.",
        ),
    ] = None,
    windows: Annotated[
        int, typer.Option("--windows", min=1, help="Rolling origins, --horizon apart.")
    ] = WINDOWS,
    level: LevelOption = None,
    id_col: IdColOption = "unique_id",
    time_col: TimeColOption = "ds",
    target_col: TargetColOption = "y",
    start: FromOption = None,
    end: ToOption = None,
    filters: FilterOption = None,
    ledger: LedgerOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Score the models on the series that `infracast forecast` would forecast.

    Same inputs as the forecast; per model and series the MASE, sMAPE, RMSE and interval
    coverage over rolling-origin windows, and the MASE relative to seasonal naive (below 1
    beats it). On the ledger's cost the usage part is scored (what the models forecast).

    CSV columns: unique_id, model, mase, smape, rmse, coverage80, coverage95,
    relative_mase.

    Examples:

      infracast forecast backtest --by team --horizon 30 --windows 3

      infracast forecast backtest --by provider --freq W --horizon 4 --model all

      infracast forecast backtest --input demand.csv --horizon 7 --model ets --model theta
    """
    reading = nullcontext(None) if input_file is not None else open_ledger(ledger, read_only=True)
    with reading as led:
        result = backtest_series(
            led,
            input=input_file,
            by=by,
            demand=demand,
            horizon=horizon,
            freq=freq,
            model=model or "auto",
            level=level or LEVEL,
            windows=windows,
            start=start,
            end=end,
            filters=filters or [],
            id_col=id_col,
            time_col=time_col,
            target_col=target_col,
        )
    render_backtest(result, fmt)
