"""The Estimate page: a training estimate from a form, with its assumptions and a tornado.

``GET /estimate`` shows the form; the same URL with the form's fields as query parameters
(``/estimate?params=7B&tokens=1T&accelerator=H100-SXM&num_accelerators=64``) shows the
estimate, so a result is a link to share; an estimate changes nothing, so the form is a GET
and needs no CSRF token. The fields are those of :class:`infracast.estimate.TrainingSpec`
(the spec ``POST /api/v1/estimates/training`` takes) and the price selection's ``provider``
and ``pricing`` (its query parameters); the estimate is
:func:`infracast.estimate.training` called as that route calls it.

The tornado is :func:`infracast.finance.sensitivity` of total cost over a one-phase project
spec holding the same run as a ``training`` workload, priced as the headline is (the
cheapest price option of the provider and pricing model chosen): each numeric input of the
spec, and the price itself (``cost_direct``), moved by ±20 % alone
(``infracast finance sensitivity --project-spec run.yaml --sort-by total_cost``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from infracast import estimate as est
from infracast.catalog import PRICING_MODELS, PriceSelection, accelerators
from infracast.errors import InfracastError
from infracast.estimate import TrainingSpec
from infracast.estimate.ranges import count_text
from infracast.server.web.auth import PageUser
from infracast.server.web.render import PALETTE, Chart, layout, page
from infracast.validation import problem

router = APIRouter(include_in_schema=False)

PCT = 20  # the tornado moves each input by ± this percent
PRICING_DEFAULT = "on_demand"
# The form's fields: (name, label, default shown, help). The spec's own fields first.
FIELDS: tuple[tuple[str, str, str, str], ...] = (
    ("params", "Model parameters", "7B", "total parameters: 7B, 70e9, 1.5T"),
    ("active_params", "Active parameters", "", "per token, for a mixture of experts"),
    ("tokens", "Training tokens", "1T", "2T, 15e12"),
    ("num_accelerators", "Accelerators", "64", "empty: the smallest count that fits"),
    ("mfu", "MFU (goodput)", "", "0-1; empty: the goodput model"),
    ("seq_len", "Sequence length", "", "tokens; empty: the default"),
)
SPEC_FIELDS = ("params", "active_params", "tokens", "accelerator", "num_accelerators",
               "precision", "mfu", "seq_len")  # fmt: skip
ACCELERATOR_DEFAULT = "H100-SXM"
PRECISIONS = ("", "bf16", "fp16", "fp8")


@dataclass
class EstimatePage:
    """What the Estimate page shows: the form's values, what was wrong, or the estimate."""

    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)  # field name -> what was wrong
    error: str = ""  # a problem of the whole request (e.g. a run beyond the limits)
    hint: str = ""
    estimate: dict[str, Any] | None = None  # TrainingEstimate.to_json()
    headline: dict[str, Any] | None = None  # the cheapest cost line
    tornado: dict[str, Any] | None = None  # Sensitivity.to_json()
    charts: list[Chart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    command: str = ""


def _values(query: Mapping[str, str]) -> dict[str, str]:
    """The form's values: what was asked, else the defaults (an empty field stays empty)."""
    values = {name: default for name, _, default, _ in FIELDS}
    values |= {"accelerator": ACCELERATOR_DEFAULT, "precision": "", "provider": "",
               "pricing": PRICING_DEFAULT}  # fmt: skip
    for name in values:
        if name in query:
            values[name] = query[name].strip()
    return values


def training_page(query: Mapping[str, str]) -> EstimatePage:
    """The form with ``query``'s values and, when it asks for one (``params`` given), the
    estimate of :func:`infracast.estimate.training` and its tornado."""
    result = EstimatePage(values=_values(query))
    if "params" not in query:
        return result
    given = {k: v for k, v in result.values.items() if k in SPEC_FIELDS and v != ""}
    try:
        spec = TrainingSpec.model_validate(given)
    except ValidationError as exc:
        for err in exc.errors():
            name = str(err["loc"][0]) if err["loc"] else "params"  # a spec-wide rule: params
            said = problem(err, TrainingSpec.model_fields)
            result.errors[name] = f"{result.errors[name]} {said}" if name in result.errors else said
        result.hint = "Counts accept 70e9, 70B, 1.5T; docs/estimate.md lists every field."
        return result
    provider = result.values["provider"] or None
    pricing = result.values["pricing"] or None
    try:
        selection = PriceSelection.of(provider=provider, pricing=pricing)
        estimate = est.training(spec, selection=selection)
    except InfracastError as exc:
        if exc.field in result.values:
            result.errors[str(exc.field)] = exc.message
        else:
            result.error = exc.message
        result.hint = exc.hint or ""
        return result
    result.estimate = estimate.to_json()
    result.command = _command(result.values)
    if not result.estimate["cost"]:
        result.error = "No price in the catalog matches this accelerator, provider and pricing."
        result.hint = (
            "Clear the provider, or choose another pricing model (infracast catalog prices)."
        )
        return result
    result.headline = result.estimate["cost"][0]
    try:
        found = sensitivity(spec, result.headline, result.values["pricing"])
    except InfracastError as exc:  # the estimate stands; say why there is no tornado
        result.notes.append(f"No tornado: {exc.message}")
        return result
    result.tornado = found.to_json()
    result.charts.append(tornado_chart(result.tornado, result.command))
    return result


def project_spec(
    spec: TrainingSpec, currency: str, provider: str | None, pricing: str
) -> dict[str, Any]:
    """The run as the one ``training`` workload of a one-month project (what
    ``infracast estimate project`` budgets), priced by ``provider`` and ``pricing``."""
    params: dict[str, Any] = spec.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    params |= {"params": spec.params, "tokens": spec.tokens, "accelerator": spec.accelerator}
    params["pricing_model"] = pricing
    if provider:
        params["provider"] = provider
    workload = {"name": "training run", "kind": "training", "params": params}
    phase = {"name": "training", "start_month": 1, "duration_months": 1, "workloads": [workload]}
    return {"name": "training run", "currency": currency, "start": "2026-01", "phases": [phase]}


def sensitivity(spec: TrainingSpec, headline: Mapping[str, Any], pricing: str) -> Any:
    """The tornado of total cost: :func:`infracast.finance.sensitivity` of the run as a
    project priced as ``headline`` is (the discount rate is left out: one month, no NPV)."""
    from infracast import finance

    project = project_spec(spec, headline["currency"], headline["provider"],
                           pricing or PRICING_DEFAULT)  # fmt: skip
    found = finance.sensitivity(project_spec=project, rate=0, pct=PCT, sort_by="total_cost")
    return found


def _label(name: str) -> str:
    if name == "cost_direct":
        return "price per accelerator-hour"
    return name.rsplit(".", 1)[-1]


def _num(value: Any) -> str:
    """``70B``, ``0.32``, ``51``: a bound as the form writes it."""
    number = float(Decimal(str(value)))
    return count_text(number) if number >= 1000 else f"{number:.4g}"


def tornado_chart(tornado: Mapping[str, Any], command: str) -> Chart:
    """Each input's low and high total cost as bars around the base total (largest swing
    on top)."""
    base = float(tornado["base_total_cost"])
    rows = [r for r in tornado["inputs"] if r["input"] != "rate"][::-1]
    labels = [f"{_label(r['input'])} ({_num(r['low_value'])} – {_num(r['high_value'])})"
              for r in rows]  # fmt: skip
    currency = tornado["currency"] or ""
    data = [
        {"type": "bar", "orientation": "h", "name": f"input −{PCT} %", "y": labels,
         "x": [float(r["total_cost_low"]) - base for r in rows], "base": base,
         "marker": {"color": PALETTE[0]},
         "customdata": [float(r["total_cost_low"]) for r in rows],
         "hovertemplate": "%{customdata:,.0f} " + currency + "<extra>low</extra>"},
        {"type": "bar", "orientation": "h", "name": f"input +{PCT} %", "y": labels,
         "x": [float(r["total_cost_high"]) - base for r in rows], "base": base,
         "marker": {"color": PALETTE[1]},
         "customdata": [float(r["total_cost_high"]) for r in rows],
         "hovertemplate": "%{customdata:,.0f} " + currency + "<extra>high</extra>"},
    ]  # fmt: skip
    height = max(220, 60 + 36 * len(rows))
    figure = {"data": data, "layout": layout(
        barmode="overlay", hovermode="closest", height=height, margin={"l": 260},
        xaxis={"title": {"text": f"total cost ({currency}); base {base:,.0f}"},
               "rangemode": "normal"},
        yaxis={"rangemode": "normal"},
        shapes=[{"type": "line", "x0": base, "x1": base, "yref": "paper", "y0": 0, "y1": 1,
                 "line": {"color": PALETTE[7], "width": 1}}])}  # fmt: skip
    note = (f"Each input moved by ±{PCT} % alone, the others at their base values; the price "
            "moves every direct cost. Inputs left empty in the form come from the defaults "
            "and are not moved.")  # fmt: skip
    cmd = f"{command}; infracast finance sensitivity --project-spec run.yaml --rate 0 " \
          "--sort-by total_cost"  # fmt: skip
    return Chart("tornado", "What moves the total cost (tornado)", figure, cmd, note)


def _command(values: Mapping[str, str]) -> str:
    """The ``infracast estimate training`` command that gives the same estimate."""
    parts = ["infracast estimate training"]
    for name in (*SPEC_FIELDS, "provider", "pricing"):
        if values.get(name):
            parts.append(f"--{name.replace('_', '-')} {values[name]}")
    return " ".join(parts)


@router.get("/estimate")
def estimate_page(request: Request, user: PageUser) -> Response:
    """Estimate: the training form; with its fields in the query string, the estimate,
    its assumptions and the tornado of its total cost."""
    shown = training_page(dict(request.query_params))
    status = 422 if shown.errors or shown.error else 200
    return page(request, "estimate.html", status_code=status, title="Estimate", data=shown,
                fields=FIELDS, accelerators=sorted(accelerators()), precisions=PRECISIONS,
                pricing_models=PRICING_MODELS)  # fmt: skip
