"""`infracast budget …`: budgets by scope and period, their status, and alerts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from infracast.cli.common import FormatOption, LedgerOption, err, open_ledger, out
from infracast.cli.render import OutputFormat, render
from infracast.control.alerts import Alert, list_alerts, redeliver_alerts
from infracast.control.budget_evaluation import BudgetStatus, budget_status
from infracast.control.budget_spec import Budget, load_budgets, validate_budget
from infracast.control.budgets import (
    InvalidBudget,
    list_budgets,
    remove_budget,
    set_budget,
    set_budgets,
    stored_budget,
)
from infracast.control.spend_forecast import RUN_RATE, RUN_RATE_FORMULA
from infracast.control.thresholds import format_pct
from infracast.control.webhook import SECRET_ENV, RetryPolicy, webhook_secret
from infracast.errors import ControlError

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


def _pcts(values: tuple[Any, ...]) -> str:
    return ",".join(format_pct(v) for v in values)


def _budget_row(budget: Budget | InvalidBudget) -> dict[str, Any]:
    if isinstance(budget, InvalidBudget):
        return {**budget.fields, "problem": budget.problem}
    return {
        "name": budget.name,
        "amount": budget.amount,
        "currency": budget.currency,
        "period": budget.period,
        "start": budget.start,
        "end": budget.end,
        "filters": list(budget.filters),
        "metric": budget.metric,
        "actual_thresholds": list(budget.actual_thresholds),
        "forecast_thresholds": list(budget.forecast_thresholds),
        "webhook": budget.webhook,
        "problem": None,
    }


def _budget_table_row(budget: Budget | InvalidBudget) -> dict[str, Any]:
    row = _budget_row(budget)
    row["actual_thresholds"] = _pcts(tuple(row["actual_thresholds"]))
    row["forecast_thresholds"] = _pcts(tuple(row["forecast_thresholds"]))
    if row["problem"]:
        row["problem"] = "invalid: see below"  # the sentence is printed under the table
    return row


@app.command("set")
def set_(
    name: NameArgument,
    amount: Annotated[
        str | None, typer.Option("--amount", help="Amount per period (a decimal number).")
    ] = None,
    currency: Annotated[
        str | None,
        typer.Option("--currency", help="ISO 4217 code; only charges in it count (USD, EUR…)."),
    ] = None,
    period: Annotated[
        str | None,
        typer.Option("--period", help="month, quarter, year or project (one whole life)."),
    ] = None,
    start: Annotated[
        str | None,
        typer.Option("--start", help="First day of the first period (YYYY-MM or YYYY-MM-DD)."),
    ] = None,
    end: Annotated[
        str | None,
        typer.Option(
            "--end", help="First day not budgeted (exclusive); required for --period project."
        ),
    ] = None,
    filters: Annotated[
        list[str] | None,
        typer.Option(
            "--filter",
            "-F",
            help="Scope as DIM=VALUE (team, project, provider, cost_category, tag.KEY…); "
            "repeat to combine. Replaces the budget's filters.",
        ),
    ] = None,
    metric: Annotated[
        str | None, typer.Option("--metric", help="effective_cost (default) or billed_cost.")
    ] = None,
    actual_thresholds: Annotated[
        str | None,
        typer.Option(
            "--actual-thresholds", help="Percents of the amount, e.g. 50,80,100; '' for none."
        ),
    ] = None,
    forecast_thresholds: Annotated[
        str | None,
        typer.Option(
            "--forecast-thresholds", help="Percents of the amount, e.g. 100; '' for none."
        ),
    ] = None,
    webhook: Annotated[
        str | None,
        typer.Option("--webhook", help="URL alerts are POSTed to; '' removes it."),
    ] = None,
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
    given = {
        "amount": amount,
        "currency": currency,
        "period": period,
        "start": start,
        "end": end,
        "filters": filters or None,
        "metric": metric,
        "actual_thresholds": actual_thresholds,
        "forecast_thresholds": forecast_thresholds,
        "webhook": webhook,
    }
    with open_ledger(ledger_path) as ledger:
        try:
            found = stored_budget(ledger, name)
            data = dict(found.fields) if isinstance(found, InvalidBudget) else found.model_dump()
        except ControlError:
            missing = [f"--{k}" for k in ("amount", "currency", "start") if given[k] is None]
            if missing:
                raise ControlError(
                    f'budget "{name}" is new and needs {", ".join(missing)}.',
                    hint="Example: infracast budget set NAME --amount 50000 --currency USD "
                    "--start 2026-01.",
                ) from None
            data = {"name": name}
        data.update({k: v for k, v in given.items() if v is not None})
        budget = validate_budget(data, source=f'budget "{name}"')
        action = set_budget(ledger, budget)
    row = {"action": action, **_budget_row(budget)}
    if fmt is OutputFormat.table:
        row.update(_budget_table_row(budget))
    row.pop("problem")
    render([row], fmt, console=out, title=f"Budget {name} {action}", money=["amount"])


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
    budgets = load_budgets(file)
    with open_ledger(ledger_path) as ledger:
        actions = dict(set_budgets(ledger, budgets))
    rows = [
        {
            "name": b.name,
            "action": actions[b.name],
            "period": b.period,
            "amount": b.amount,
            "currency": b.currency,
        }
        for b in budgets
    ]
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
    rows = [_budget_table_row(b) if table else _budget_row(b) for b in budgets]
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


def _status_row(status: BudgetStatus) -> dict[str, Any]:
    row = status.to_dict()
    row["new_alerts"] = "; ".join(
        f"{kind} "
        + ",".join(format_pct(a.threshold_pct) for a in status.new_alerts if a.kind == kind)
        + "%"
        for kind in dict.fromkeys(a.kind for a in status.new_alerts)
    )
    row["other_currencies"] = ", ".join(
        f"{total:,.2f} {code}" for code, total in status.other_currencies.items()
    )
    return row


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

    Forecast: run rate, actual + actual / elapsed days x remaining days.
    Variance: amount - forecast. Status: over (actual above the amount),
    warning (a threshold reached or the forecast above the amount) or ok.
    Alerts are raised once per threshold and period, printed, stored, and
    (with --notify) POSTed to the budget's webhook. A stored budget that
    today's rules refuse has status invalid, with its problem and the fix.

    Examples:

      infracast budget status

      infracast budget status research-compute --as-of 2026-01-16 --format json
    """
    policy = RetryPolicy(attempts=attempts, backoff=backoff, timeout=timeout)
    with open_ledger(ledger_path) as ledger:
        found = budget_status(
            ledger,
            name,
            as_of=as_of,
            notify=notify,
            secret=webhook_secret(secret),
            policy=policy,
        )
    if fmt is not OutputFormat.table:
        rows = [s.to_dict() for s in found] if fmt is OutputFormat.json else None
        render([_status_row(s) for s in found], fmt, console=out, json_value=rows)
        return
    columns = [
        "budget",
        "period",
        "currency",
        "amount",
        "actual",
        "actual_pct",
        "forecast",
        "forecast_pct",
        "variance",
        "status",
        "new_alerts",
    ]
    render(
        [_status_row(s) for s in found],
        fmt,
        console=out,
        title=f"Budgets as of {found[0].as_of:%Y-%m-%d %H:%M} UTC" if found else None,
        columns=columns,
        money=["amount", "actual", "forecast", "variance"],
        empty="No budgets yet; create one with infracast budget set.",
    )
    for s in found:
        for alert in s.new_alerts:
            out.print(f"[bold]Alert:[/bold] {alert.message}", highlight=False)
    if any(s.forecast_method == RUN_RATE for s in found):
        err.print(f"Forecast: run rate, {RUN_RATE_FORMULA}.", highlight=False)
    for s in found:
        for note in s.notes:
            err.print(f"{s.budget}: {note}", highlight=False)


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
    with open_ledger(ledger_path) as ledger:
        if budget is not None and not list_alerts(ledger, budget):
            # an unknown name is an error; a removed one keeps its history
            stored_budget(ledger, budget)
        if redeliver:
            policy = RetryPolicy(attempts=attempts, backoff=backoff, timeout=timeout)
            tried = redeliver_alerts(ledger, budget, secret=webhook_secret(secret), policy=policy)
            ok = sum(a.delivery_status == "delivered" for a in tried)
            err.print(f"Redelivered {ok} of {len(tried)} alert(s).", highlight=False)
        found = list_alerts(ledger, budget, undelivered=undelivered)
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
