"""`infracast budget …`: budgets by scope and period, their status, and alerts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from infracast.cli.budget_render import render_status
from infracast.cli.common import FormatOption, LedgerOption, err, open_ledger, out
from infracast.cli.render import OutputFormat, render
from infracast.control import (
    Alert,
    BudgetFields,
    InvalidBudget,
    RetryPolicy,
    budget_alerts,
    budget_status,
    list_budgets,
    load_budget_file,
    remove_budget,
    set_budget,
)
from infracast.control.budgets.forecast import FORECAST
from infracast.control.budgets.thresholds import format_pct
from infracast.control.budgets.webhook import SECRET_ENV

app = typer.Typer(
    help="Budgets by scope and period, their status against actual and forecast spend, and alerts.",
    no_args_is_help=True,
)

NameArgument = Annotated[str, typer.Argument(help="The budget's name.", show_default=False)]
SecretOption = Annotated[
    str | None,
    typer.Option(
        "--webhook-secret",
        envvar=SECRET_ENV,
        help=f"Secret that signs webhook bodies (HMAC-SHA256); default ${SECRET_ENV}.",
        show_default=False,
    ),
]
AttemptsOption = Annotated[
    int, typer.Option("--webhook-attempts", help="Tries per webhook delivery, the first included.")
]
BackoffOption = Annotated[
    float,
    typer.Option("--webhook-backoff", help="Seconds before the first retry; doubles each retry."),
]
TimeoutOption = Annotated[
    float, typer.Option("--webhook-timeout", help="Seconds to wait for each webhook answer.")
]
_DEFAULT_POLICY = RetryPolicy()


def _help(field: str) -> str | None:
    return BudgetFields.model_fields[field].description


def _pcts(values: tuple[Any, ...]) -> str:
    return ",".join(format_pct(v) for v in values)


def _table_row(row: dict[str, Any]) -> dict[str, Any]:
    """A budget's row with its thresholds as ``50,80,100`` and a problem pointed below."""
    row = {
        **row,
        "actual_thresholds": _pcts(tuple(row["actual_thresholds"])),
        "forecast_thresholds": _pcts(tuple(row["forecast_thresholds"])),
    }
    if row.get("problem"):
        row["problem"] = "invalid: see below"  # the sentence is printed under the table
    return row


@app.command("set")
def set_(
    name: NameArgument,
    amount: Annotated[str | None, typer.Option("--amount", help=_help("amount"))] = None,
    currency: Annotated[str | None, typer.Option("--currency", help=_help("currency"))] = None,
    period: Annotated[str | None, typer.Option("--period", help=_help("period"))] = None,
    start: Annotated[str | None, typer.Option("--start", help=_help("start"))] = None,
    end: Annotated[str | None, typer.Option("--end", help=_help("end"))] = None,
    filters: Annotated[
        list[str] | None, typer.Option("--filter", "-F", help=_help("filters"))
    ] = None,
    metric: Annotated[str | None, typer.Option("--metric", help=_help("metric"))] = None,
    actual_thresholds: Annotated[
        str | None, typer.Option("--actual-thresholds", help=_help("actual_thresholds"))
    ] = None,
    forecast_thresholds: Annotated[
        str | None, typer.Option("--forecast-thresholds", help=_help("forecast_thresholds"))
    ] = None,
    webhook: Annotated[str | None, typer.Option("--webhook", help=_help("webhook"))] = None,
    ledger_path: LedgerOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Create a budget, or change the given fields of an existing one.

    A new budget needs --amount, --currency and --start; the period defaults
    to month and the thresholds to 50,80,100 (actual) and 100 (forecast).

    Examples:

      infracast budget set research-compute --amount 50000 --currency USD \\
        --period month --start 2026-01 --filter team=research \\
        --filter cost_category=compute --actual-thresholds 50,80,100 \\
        --forecast-thresholds 100

      infracast budget set research-compute --amount 60000
    """
    with open_ledger(ledger_path) as ledger:
        change = set_budget(
            ledger,
            name,
            amount=amount,
            currency=currency,
            period=period,
            start=start,
            end=end,
            filters=filters,
            metric=metric,
            actual_thresholds=actual_thresholds,
            forecast_thresholds=forecast_thresholds,
            webhook=webhook,
        )
    row = change.to_dict()
    if fmt is OutputFormat.table:
        row = _table_row(row)
    render([row], fmt, console=out, title=f"Budget {name} {change.action}", money=["amount"])


@app.command()
def load(
    file: Annotated[Path, typer.Argument(help="YAML file with a list under budgets:.")],
    ledger_path: LedgerOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Create or replace every budget of a YAML file (all of them or, on any error, none).

    Each budget's fields are those of budget set; docs/budget.md shows the format.

    Example:

      infracast budget load budgets.yaml
    """
    with open_ledger(ledger_path) as ledger:
        changes = load_budget_file(ledger, file)
    rows = [change.summary() for change in changes]
    render(rows, fmt, console=out, title=f"Budgets from {file}", money=["amount"])


@app.command("list")
def list_(ledger_path: LedgerOption = None, fmt: FormatOption = OutputFormat.table) -> None:
    """Every budget with its scope, period and thresholds.

    A stored budget that today's rules refuse (written by an older version or
    by hand) is listed with its problem; correct it with budget set or delete
    it with budget remove.

    Example:

      infracast budget list --format json
    """
    with open_ledger(ledger_path) as ledger:
        budgets = list_budgets(ledger)
    table = fmt is OutputFormat.table
    invalid = [b for b in budgets if isinstance(b, InvalidBudget)]
    rows = [_table_row(b.to_dict()) if table else b.to_dict() for b in budgets]
    if table and not invalid:
        rows = [{k: v for k, v in row.items() if k != "problem"} for row in rows]
    render(
        rows,
        fmt,
        console=out,
        title="Budgets",
        money=["amount"],
        empty="No budgets yet; create one with infracast budget set NAME --amount … "
        "--currency … --start ….",
    )
    if table:
        for budget in invalid:
            err.print(f"{budget.name}: invalid: {budget.problem} {budget.fix}", highlight=False)


@app.command()
def remove(name: NameArgument, ledger_path: LedgerOption = None) -> None:
    """Delete a budget, valid or not (the alerts it raised stay, as history).

    Example:

      infracast budget remove research-compute
    """
    with open_ledger(ledger_path) as ledger:
        removed = remove_budget(ledger, name)
    err.print(f"Removed budget {removed.name}.", highlight=False)


@app.command()
def status(
    name: Annotated[
        str | None, typer.Argument(help="One budget (default: all).", show_default=False)
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Count spend before this instant (YYYY-MM-DD, UTC); default: start of today.",
        ),
    ] = None,
    method: Annotated[
        str,
        typer.Option(
            "--method",
            help="How spend is forecast to the period's end: forecast (models over the "
            "daily cost, with the probability of an overrun) or run_rate.",
        ),
    ] = FORECAST,
    notify: Annotated[
        bool,
        typer.Option(
            "--notify/--no-notify",
            help="POST new and undelivered alerts to the budgets' webhooks.",
        ),
    ] = True,
    secret: SecretOption = None,
    attempts: AttemptsOption = _DEFAULT_POLICY.attempts,
    backoff: BackoffOption = _DEFAULT_POLICY.backoff,
    timeout: TimeoutOption = _DEFAULT_POLICY.timeout,
    ledger_path: LedgerOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Actual and forecast spend of each budget in its current period, variance, and alerts.

    Forecast (--method forecast, the default): the usage part of the scope's
    daily cost forecast to the period's end (seasonal naive or ETS, chosen by
    backtest), recurring fees on their schedule, one-time charges not
    extrapolated; with the probability that the period's total exceeds the
    amount (p_over) and the day the expected spend reaches it (crosses).
    --method run_rate: actual + actual / elapsed days x remaining days.
    Variance: amount - forecast. Status: over (actual above the amount),
    warning (a threshold reached or the forecast above the amount) or ok.
    Alerts are raised once per threshold and period, printed, stored, and
    (with --notify) POSTed to the budget's webhook. A stored budget that
    today's rules refuse has status invalid, with its problem and the fix.

    Examples:

      infracast budget status

      infracast budget status research-compute --as-of 2026-01-16 --format json

      infracast budget status --method run_rate
    """
    policy = RetryPolicy(attempts=attempts, backoff=backoff, timeout=timeout)
    with open_ledger(ledger_path) as ledger:
        found = budget_status(
            ledger,
            name,
            as_of=as_of,
            notify=notify,
            secret=secret,
            policy=policy,
            method=method,
        )
    render_status(found, fmt)


def _alert_row(alert: Alert, table: bool) -> dict[str, Any]:
    row = alert.to_dict()
    if table:
        row["threshold_pct"] = f"{format_pct(alert.threshold_pct)}%"
        status = alert.delivery_status
        row["delivery"] = f"{status} ({alert.delivery_attempts} tries)" if status else "no webhook"
        for key in (
            "message",
            "period_end",
            "budget_amount",
            "webhook_url",
            "delivery_status",
            "delivery_attempts",
            "delivery_error",
            "delivered_at",
        ):
            row.pop(key)
    return row


@app.command()
def alerts(
    budget: Annotated[
        str | None, typer.Option("--budget", "-b", help="Only this budget's alerts.")
    ] = None,
    undelivered: Annotated[
        bool,
        typer.Option("--undelivered", help="Only alerts whose webhook delivery is pending/failed."),
    ] = False,
    redeliver: Annotated[
        bool,
        typer.Option("--redeliver", help="First try again every pending or failed delivery."),
    ] = False,
    secret: SecretOption = None,
    attempts: AttemptsOption = _DEFAULT_POLICY.attempts,
    backoff: BackoffOption = _DEFAULT_POLICY.backoff,
    timeout: TimeoutOption = _DEFAULT_POLICY.timeout,
    ledger_path: LedgerOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """The alerts raised so far, oldest first, with their webhook delivery.

    Examples:

      infracast budget alerts --budget research-compute

      infracast budget alerts --redeliver
    """
    policy = RetryPolicy(attempts=attempts, backoff=backoff, timeout=timeout)
    with open_ledger(ledger_path) as ledger:
        result = budget_alerts(
            ledger,
            budget,
            undelivered=undelivered,
            redeliver=redeliver,
            secret=secret,
            policy=policy,
        )
    if result.redelivered is not None:
        ok = sum(a.delivery_status == "delivered" for a in result.redelivered)
        err.print(f"Redelivered {ok} of {len(result.redelivered)} alert(s).", highlight=False)
    found = result.alerts
    table = fmt is OutputFormat.table
    render(
        [_alert_row(a, table) for a in found],
        fmt,
        console=out,
        title="Budget alerts",
        money=["spend"],
        empty="No alerts.",
    )
    if table:
        for alert in found:
            if alert.delivery_status == "failed":
                err.print(f"alert {alert.alert_id}: {alert.delivery_error}", highlight=False)
