"""The MCP tools: the read commands of the CLI for agents (:func:`create_server`).

Each tool is a few lines over the library function its command and API route call, takes
the command's options by the same names (``--from`` is ``from``, each ``--filter`` an item
of ``filter``) and answers, as text, exactly the JSON the command prints with
``--format json`` (the same serializer: decimals stay exact). A library error comes back
as a tool error whose text is the API's one error shape (``{"error", "message", "hint"}``).
Team scoping is the API's (:func:`~infracast.server.app.with_scope`,
:func:`~infracast.server.app.unscoped`): a user scoped to a team sees its team's rows only.
"""

import functools
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Annotated, Any, Literal

from mcp.server.mcpserver import Context, MCPServer
from mcp.types import CallToolResult, TextContent, ToolAnnotations
from pydantic import Field

from infracast import __version__, analytics
from infracast import estimate as est
from infracast.analytics.utilization import (
    DEFAULT_DAYS,
    DEFAULT_IDLE_THRESHOLD,
    resource_utilization,
)
from infracast.catalog import PriceSelection, PricingModel
from infracast.cli.common import library_default
from infracast.cli.render import to_json
from infracast.control import budget_status
from infracast.control.anomalies import DEFAULT_BY
from infracast.control.anomalies import anomalies as scan_anomalies
from infracast.control.forecasting import forecast as forecast_series
from infracast.errors import InfracastError
from infracast.estimate import FinetuneSpec, InferenceSpec, TrainingSpec
from infracast.ledger.connection import Ledger
from infracast.recommend import recommend
from infracast.server.api.forecast import MAX_HORIZON
from infracast.server.app import Principal, unscoped, with_scope

# Opens (or holds) the ledger for one call: ``write`` for the tools whose command writes.
LedgerHold = Callable[[bool], AbstractContextManager[Ledger]]
# Who a call acts as.
WhoIs = Callable[[Context], Principal]

INSTRUCTIONS = """infracast answers what AI infrastructure costs, from one ledger of FOCUS
charges and GPU usage samples. Money is in the currency each row names (ISO 4217, e.g. USD);
amounts are exact decimals, never summed across currencies. Periods are UTC and half-open:
`from` inclusive, `to` exclusive (YYYY-MM-DD or ISO time). `filter` items are
DIMENSION=VALUE, DIMENSION!=VALUE or DIMENSION=A,B. Every answer is the JSON that the
matching `infracast` command prints with --format json."""

# --- parameters, named and described as the CLI's options -----------------------------

By = Annotated[
    str,
    Field(
        description="Comma-separated dimensions: provider, service, service_category, region, "
        "account, team, project, cost_category, gpu_type, pricing_category, resource, sku, "
        "day, week, month, quarter, year, tag.KEY."
    ),
]
From = Annotated[
    str | None,
    Field(alias="from", description="Start, inclusive (YYYY-MM-DD or ISO time, UTC)."),
]
To = Annotated[str | None, Field(description="End, exclusive (YYYY-MM-DD or ISO time, UTC).")]
Filters = Annotated[
    list[str] | None,
    Field(description="DIM=VALUE, DIM!=VALUE or DIM=A,B (any of); items combine (and)."),
]
Basis = Annotated[
    Literal["effective", "billed"],
    Field(description="Cost basis: effective (amortized, after discounts) or billed."),
]
Provider = Annotated[str | None, Field(description="Price on this provider only (e.g. aws).")]
Pricing = Annotated[
    PricingModel | None, Field(description="on_demand, spot, commit_1y, commit_3y or observed.")
]
HORIZON = library_default(forecast_series, "horizon")
MODEL = library_default(forecast_series, "model")
LEVEL = list(library_default(forecast_series, "level"))
RECONCILE = library_default(forecast_series, "reconcile")
ANOMALIES_BY = ",".join(DEFAULT_BY)
_ALIASES = {"from": "start"}  # a parameter an agent names as the CLI does, Python cannot

READ = ToolAnnotations(read_only_hint=True, open_world_hint=False)
# these commands keep what they computed (a forecast for reuse, an alert raised once)
RECORDS = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=True,
                          open_world_hint=False)  # fmt: skip


def _answer(value: Any) -> CallToolResult:
    """``value`` as the command prints it with ``--format json``."""
    return CallToolResult(content=[TextContent(type="text", text=to_json(value))])


def _refusal(exc: InfracastError) -> CallToolResult:
    """A library error, in the API's one error shape, as a tool error the agent can read."""
    return CallToolResult(content=[TextContent(type="text", text=to_json(exc.to_dict()))],
                          is_error=True)  # fmt: skip


def _tool(
    server: MCPServer, annotations: ToolAnnotations = READ, name: str | None = None
) -> Callable[..., Any]:
    """Register ``fn`` as a tool: its answer as JSON text, a library error as a tool error,
    and ``from`` (a Python keyword) passed on as ``start``."""

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def call(**kwargs: Any) -> CallToolResult:
            try:
                return _answer(fn(**{_ALIASES.get(k, k): v for k, v in kwargs.items()}))
            except InfracastError as exc:
                return _refusal(exc)

        server.add_tool(call, name=name, annotations=annotations, structured_output=False)
        return fn

    return register


# --- the tools -------------------------------------------------------------------------


def create_server(hold: LedgerHold, who: WhoIs) -> MCPServer:
    """The MCP server whose tools read the ledger ``hold`` gives, as the user ``who`` names."""
    # the SDK sets up the process's root logger at this level: INFO would log every
    # request of the whole server (and of a test's client), not just MCP's
    server: MCPServer = MCPServer(
        "infracast", version=__version__, instructions=INSTRUCTIONS, log_level="WARNING"
    )
    tool = functools.partial(_tool, server)

    @tool()
    def costs(
        ctx: Context,
        by: By = "",
        start: From = None,
        to: To = None,
        filter: Filters = None,
        metric: Basis = "effective",
        top: Annotated[int | None, Field(ge=1, description="At most N rows.")] = None,
        with_carbon: Annotated[
            bool, Field(description="Add kwh and co2e_kg (energy and emissions) per row.")
        ] = False,
    ) -> Any:
        """Where the money went: cost totals and breakdowns by any dimension (`infracast
        costs`). An array of objects: one key per `by` dimension, then billed_cost and
        effective_cost (exact decimal amounts) and currency (ISO 4217; rows are never
        summed across currencies); sorted by `metric`, largest first. Example: by
        "team,month" for each team's monthly spend."""
        user = who(ctx)
        with hold(False) as led:
            return analytics.costs(
                led, by=by, start=start, end=to, filters=with_scope(user, filter),
                metric=metric, top=top, with_carbon=with_carbon,
            )  # fmt: skip

    @tool()
    def gpu(
        ctx: Context,
        by: By = "gpu_type",
        start: From = None,
        to: To = None,
        filter: Filters = None,
        basis: Basis = "effective",
    ) -> Any:
        """GPU efficiency and idle GPUs (`infracast gpu`): per `by` group, gpu_hours,
        cost, cost_per_gpu_hour, utilization (0-1, from usage samples), useful_gpu_hours,
        cost_per_useful_gpu_hour, idle_cost (what was paid for GPU time not used) and
        unmeasured_cost (GPU charges without samples: not guessed); money in `currency`."""
        user = who(ctx)
        with hold(False) as led:
            return analytics.gpu_efficiency(
                led, by=by, start=start, end=to, filters=with_scope(user, filter), basis=basis
            )

    @tool()
    def utilization(
        ctx: Context,
        resource: Annotated[list[str] | None, Field(description="Only these resources.")] = None,
        start: From = None,
        to: To = None,
        idle_threshold: Annotated[
            float, Field(gt=0, le=1, description="Utilization (0-1) below which a sample is idle.")
        ] = DEFAULT_IDLE_THRESHOLD,
        days: Annotated[
            float, Field(gt=0, description="Without from/to: the last N days of samples.")
        ] = DEFAULT_DAYS,
    ) -> Any:
        """GPU utilization per resource, to find idle GPUs (`infracast utilization`):
        for each GPU resource its gpu_type, gpus, team, mean and p95 utilization (0-1),
        idle_share (share of samples below idle_threshold), a ten-bin histogram
        (0-10%, ..., 90-100%) and monthly_cost in its currency."""
        user = who(ctx)
        with hold(False) as led:
            result = resource_utilization(
                led, start=start, end=to, idle_threshold=idle_threshold, days=days,
                resources=resource or (), team=user.team,
            )  # fmt: skip
        return result.to_dict()

    @tool()
    def showback(
        ctx: Context,
        start: From = None,
        to: To = None,
        split: Annotated[
            Literal["proportional", "even"],
            Field(description="How shared cost is split among teams."),
        ] = "proportional",
        filter: Filters = None,
        basis: Basis = "effective",
    ) -> Any:
        """Showback per team (`infracast showback`): each team's direct cost, GPU time
        held (gpu_allocated), its share of shared cost and total, plus the unallocated
        idle GPU capacity; the lines add up exactly to the total cost in scope, per
        currency. A user scoped to a team gets its own line (shares computed over all)."""
        user = who(ctx)
        with hold(False) as led:
            result = analytics.showback(
                led, start=start, end=to, split=split, filters=filter or [], basis=basis
            )
        return result if user.team is None else result.for_team(user.team)

    @tool(RECORDS)
    def forecast(
        ctx: Context,
        by: By = "",
        horizon: Annotated[
            int, Field(ge=1, le=MAX_HORIZON, description="Periods to forecast (at most 1000).")
        ] = HORIZON,
        freq: Annotated[
            str | None,
            Field(description="D (days, default), W (weeks) or MS (months); h too for gpu_hours."),
        ] = None,
        demand: Annotated[
            Literal["cost", "gpu_hours"],
            Field(description="cost (charges) or gpu_hours (GPU-hours held, from usage)."),
        ] = "cost",
        model: Annotated[
            str,
            Field(
                description="auto (chosen per series by backtest), naive, seasonal_naive, "
                "weekly_naive, ets, theta, arima, regression or global."
            ),
        ] = MODEL,
        level: Annotated[
            list[int] | None, Field(description="Interval levels in percent; default 80, 95.")
        ] = None,
        reconcile: Annotated[
            str, Field(description="auto, mint_shrink, ols, bottom_up or none.")
        ] = RECONCILE,
        start: From = None,
        to: To = None,
        filter: Filters = None,
    ) -> Any:
        """What cost (or GPU-hours) will be (`infracast forecast`): per series and period
        yhat with lo80/hi80 and lo95/hi95 intervals, each series' model chosen by a
        rolling-origin backtest (its MASE beside it), groups reconciled to the total.
        Money in the ledger's currency. Stored in the ledger and reused when asked again."""
        user = who(ctx)
        if demand == "gpu_hours":
            unscoped(user, "GPU demand (the usage samples)")  # every team's, as the API
        with hold(True) as led:
            result = forecast_series(
                led, by=by, demand=demand, horizon=horizon, freq=freq, model=model,
                level=level or LEVEL, start=start, end=to,
                filters=with_scope(user, filter), reconcile=reconcile,
            )  # fmt: skip
        return result.to_json()

    @tool(RECORDS)
    def anomalies(
        ctx: Context,
        by: By = ANOMALIES_BY,
        start: From = None,
        to: To = None,
        filter: Filters = None,
        freq: Annotated[str | None, Field(description="D (default), W or MS.")] = None,
        min_share: Annotated[
            float | None,
            Field(
                description="Keep a flag only if its change is at least this share (0-1) "
                "of the scope's typical daily total; default 0.01."
            ),
        ] = None,
        direction: Annotated[
            Literal["up", "down", "both"] | None,
            Field(description="up (cost above expected: default), down or both."),
        ] = None,
    ) -> Any:
        """Cost anomalies (`infracast anomalies`): days a series' daily cost left what its
        past allows. Each: unique_id (the series), ds (the day), y (cost), expected, lo,
        hi, score, rule, new (first found by this run) and drivers (the dimension values
        that moved, with their change and share). Money in the ledger's currency. Each
        anomaly is stored once, as the command stores it; nothing is posted from here."""
        user = who(ctx)
        with hold(True) as led:
            result = scan_anomalies(
                led, by=by, start=start, end=to, filters=with_scope(user, filter), freq=freq,
                min_share=min_share, direction=direction,
            )  # fmt: skip
        return result.to_json()

    @tool(RECORDS, name="budget_status")
    def budget_status_tool(
        ctx: Context,
        name: Annotated[str | None, Field(description="One budget (default: all).")] = None,
        as_of: Annotated[
            str | None, Field(description="Count spend before this instant (YYYY-MM-DD, UTC).")
        ] = None,
        method: Annotated[
            Literal["forecast", "run_rate"],
            Field(description="How spend is forecast to the period's end."),
        ] = "forecast",
    ) -> Any:
        """Are we within budget? (`infracast budget status --no-notify`): each budget's
        amount, actual and forecast spend in its current period (and their % of the
        amount), p_over (probability of an overrun), crosses (the day spend reaches the
        amount), variance (amount - forecast) and status (ok, warning, over), in the
        budget's currency. Alerts crossed are stored once, never posted from here. A user
        scoped to a team sees its team's budgets."""
        user = who(ctx)
        with hold(True) as led:
            found = budget_status(led, name, as_of=as_of, notify=False, method=method,
                                  team=user.team)  # fmt: skip
        return [s.to_dict() for s in found]

    @tool()
    def recommendations(
        ctx: Context,
        kind: Annotated[str | None, Field(description="Only this kind, e.g. idle_gpu.")] = None,
        team: Annotated[str | None, Field(description="Only this team's.")] = None,
        min_savings: Annotated[
            float | None, Field(ge=0, description="Only those saving at least this a month.")
        ] = None,
        status: Annotated[
            str,
            Field(
                description="active (open and accepted), all, open, accepted, dismissed or done."
            ),
        ] = "active",
    ) -> Any:
        """Where can we save? (`infracast recommend --stored`): the stored
        recommendations, highest expected_monthly_savings first (a range and confidence
        beside it, in its currency), each with its evidence and the command that
        reproduces it. A scoped user sees its team's only."""
        user = who(ctx)
        with hold(False) as led:
            found = recommend(led, kind=kind, team=user.team or team, min_savings=min_savings,
                              status=status, refresh=False)  # fmt: skip
        return [r.to_dict() for r in found]

    @tool()
    def estimate_training(
        spec: TrainingSpec, provider: Provider = None, pricing: Pricing = None
    ) -> Any:
        """What will pre-training cost? (`infracast estimate training`): FLOPs (6·N·D),
        accelerator-hours, memory, GPUs, days, energy and cost under each price line of
        the catalog (hourly price, source and date, currency), with every assumption made.
        The spec is the --spec YAML's fields, e.g. {"params": "7B", "tokens": "2T",
        "accelerator": "H100"}."""
        selection = PriceSelection.of(provider=provider, pricing=pricing)
        return est.training(spec, selection=selection).to_json()

    @tool()
    def estimate_finetune(
        spec: FinetuneSpec, provider: Provider = None, pricing: Pricing = None
    ) -> Any:
        """What will a fine-tune cost? (`infracast estimate finetune`): full, LoRA or
        QLoRA; hours, memory, GPUs and cost per price line (currency, source, date), with
        the assumptions. Spec e.g. {"params": "13B", "tokens": "2B", "epochs": 3,
        "accelerator": "H100"}."""
        selection = PriceSelection.of(provider=provider, pricing=pricing)
        return est.finetune(spec, selection=selection).to_json()

    @tool()
    def estimate_inference(
        spec: InferenceSpec, provider: Provider = None, pricing: Pricing = None
    ) -> Any:
        """What will serving cost? (`infracast estimate inference`): replicas, prefill
        time, decode throughput, cost per month and per million tokens per price line
        (currency, source, date), with the assumptions. Spec e.g. {"params": "8B",
        "accelerator": "L4", "requests_per_second": 5, "input_tokens": 1000,
        "output_tokens": 200}."""
        selection = PriceSelection.of(provider=provider, pricing=pricing)
        return est.inference(spec, selection=selection).to_json()

    return server
