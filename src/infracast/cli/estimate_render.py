"""How `infracast estimate` shows its results: one function per command, table, JSON or CSV.

JSON is each result's contract as the library serializes it (``to_json()`` or
``to_dict()``); tables round the figures for reading and cut long text (the full
text is in JSON and CSV); warnings go to stderr.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from infracast import estimate as est
from infracast.cli.common import err, out
from infracast.cli.render import OutputFormat, render
from infracast.estimate.ranges import WARNING


def training(result: est.TrainingEstimate, fmt: OutputFormat, top: int) -> None:
    data = result.to_json()
    figures = {
        "accelerator": data["accelerator"],
        "precision": data["precision"],
        "flops": f"{float(data['flops']):.3g}",
        "goodput": round(float(data["goodput"]), 4),
        "accelerator_hours": f"{float(data['accelerator_hours']):,.0f}",
        "num_accelerators": data["num_accelerators"],
        "min_accelerators": data["min_accelerators"],
        "wallclock_hours": round(float(data["wallclock_hours"]), 1),
        "memory_per_accelerator_gb": _gb(data["memory_per_accelerator_gb"]),
        "parallelism": _parallelism(data["parallelism"]),
        "energy_kwh": _round(data["energy_kwh"]),
        "co2e_kg": _round(data["co2e_kg"]),
    }
    _priced(fmt, data, "cost", figures, "Training estimate", ("total",), top)


def finetune(result: est.FinetuneEstimate, fmt: OutputFormat, top: int) -> None:
    data = result.to_json()
    figures: dict[str, Any] = {
        key: data[key] for key in ("method", "accelerator", "precision", "trainable_params")
    }
    figures["flops"] = f"{float(data['flops']):.3g}"
    figures |= {
        "accelerator_hours": round(float(data["accelerator_hours"]), 1),
        "num_accelerators": data["num_accelerators"],
        "wallclock_hours": round(float(data["wallclock_hours"]), 1),
        "memory_per_accelerator_gb": _gb(data["memory_per_accelerator_gb"]),
        "energy_kwh": _round(data.get("energy_kwh")),
    }
    _priced(fmt, data, "cost", figures, "Fine-tuning estimate", ("total",), top)


def inference(result: est.InferenceEstimate, fmt: OutputFormat, top: int) -> None:
    data = result.to_json()
    figures = {
        "accelerator": data["accelerator"],
        "precision": data["precision"],
        "replicas": data["replicas"],
        "accelerators_per_replica": data["accelerators_per_replica"],
        "batch_size": data["batch_size"],
        "prefill_ms": round(float(data["prefill_ms"]), 1),
        "time_per_output_token_ms": round(float(data["time_per_output_token_ms"]), 2),
        "decode_tokens_per_second_per_accelerator": round(
            float(data["decode_tokens_per_second_per_accelerator"])
        ),
        "accelerator_hours_per_month": round(float(data["accelerator_hours_per_month"])),
        "memory_per_accelerator_gb": _gb(data["memory_per_accelerator_gb"]),
    }
    money = ("monthly_cost", "per_million_tokens", "per_million_output_tokens")
    _priced(fmt, data, "cost_per_million_tokens", figures, "Inference estimate", money, top)


def project(result: est.ProjectBudget, fmt: OutputFormat) -> None:
    if fmt is OutputFormat.json:
        render([], fmt, console=out, json_value=result.to_json())
        return
    if fmt is OutputFormat.csv:
        render([line.to_dict() for line in result.lines], fmt, console=out)
        return
    cur = result.currency
    for title, key, values in (
        (f"{result.project}: budget by phase", "phase", result.by_phase),
        ("By cost category", "category", {k: v for k, v in result.by_category.items() if v}),
        ("By month", "month", result.by_month),
    ):
        rows = [{key: k, cur: v} for k, v in values.items()]
        render(rows, fmt, console=out, title=title, money=(cur,))
    render(
        [
            {
                "workload": w.name,
                "kind": w.kind,
                "accelerator_hours": round(float(w.accelerator_hours)),
                "compute_cost": w.compute_cost,
                "price": w.price_source,
                "as_of": w.price_as_of,
            }
            for w in result.workloads
        ],
        fmt,
        console=out,
        title="Workloads and the prices they used",
        money=("compute_cost",),
    )
    for w in result.workloads:
        for note in w.assumptions:
            if note.startswith(f"{WARNING} = "):
                text = note.removeprefix(f"{WARNING} = ").split(" (ranges.", 1)[0]
                err.print(f"[yellow]Warning:[/yellow] {w.phase} / {w.name}: {text}")
    err.print(
        f"Subtotal {result.subtotal:,.2f} + contingency {result.contingency_pct}% "
        f"{result.contingency:,.2f} = total {result.total:,.2f} {cur}; TCO over "
        f"{result.tco.years} year(s): {result.tco.total_depreciation:,.2f} {cur} "
        f"(capex as depreciation), {result.tco.total_cash:,.2f} as cash."
    )


def build_vs_buy(result: est.BuildVsBuy, fmt: OutputFormat, top: int, title: str) -> None:
    data = result.to_dict()
    if fmt is OutputFormat.json:
        render([], fmt, console=out, json_value=data)
        return
    if fmt is OutputFormat.csv:
        render(data["rentals"], fmt, console=out)
        return
    owned = data["owned"]
    _summary(
        f"{title} ({result.currency})",
        {
            "gpus": owned["gpus"],
            "utilization": owned["utilization"],
            "annual_total": owned["annual_total"],
            "cost_per_gpu_hour": owned["cost_per_gpu_hour"],
            "cost_per_useful_gpu_hour": owned["cost_per_useful_gpu_hour"],
            f"total over {result.horizon_years} years": owned["total"],
        },
    )
    shown = (
        "option",
        "price_per_gpu_hour",
        "cost_per_useful_gpu_hour",
        "owning_saves",
        "break_even_utilization",
        "owning_cheaper",
    )
    render(
        [{k: r[k] for k in shown} for r in data["rentals"][:top]],
        fmt,
        console=out,
        title="Against renting the same useful GPU-hours",
        money=("price_per_gpu_hour", "cost_per_useful_gpu_hour", "owning_saves"),
        empty="No rental price in the price book for this GPU.",
    )
    for line in result.assumptions:
        err.print(f"[dim]· {line}[/dim]")


def learned(result: est.LearnedEstimate, fmt: OutputFormat) -> None:
    data = result.to_json()
    if fmt is not OutputFormat.table:
        render([], OutputFormat.json, console=out, json_value=data)
        return
    summary, prediction = data["summary"], data["prediction"]
    render(
        [{**c, "cv_mape": f"{c['cv_mape']:.1%}"} for c in summary["candidates"]],
        fmt,
        console=out,
        title=f"Candidates by {summary['folds']}-fold cross-validated MAPE "
        f"({summary['n_rows']} past projects, target {summary['target']})",
    )
    err.print(f"Chosen: {summary['chosen']} (CV MAPE {summary['chosen_cv_mape']:.1%}).")
    for note in summary["notes"]:
        err.print(f"[dim]· {note}[/dim]")
    if prediction is not None:
        _summary(f"Prediction ({prediction['coverage']:.0%} interval)", prediction)


# --- the parts ---------------------------------------------------------------------------


def _priced(
    fmt: OutputFormat,
    data: dict[str, Any],
    lines_key: str,
    figures: Mapping[str, Any],
    title: str,
    money: tuple[str, ...],
    top: int,
) -> None:
    """Table: figures, price lines, assumptions. JSON: the contract. CSV: one row per line."""
    lines: list[Mapping[str, Any]] = data[lines_key]
    if fmt is OutputFormat.json:
        render([], fmt, console=out, json_value=data)
        return
    if fmt is OutputFormat.csv:
        rows = [{**figures, **line} for line in lines]
        render(rows, fmt, console=out, empty="No price lines.")
        return
    _summary(title, figures)
    render(
        [_short(line) for line in lines[:top]],
        fmt,
        console=out,
        title=f"Cost by price option (cheapest {min(top, len(lines))} of {len(lines)})",
        money=money,
        columns=[
            "provider",
            "region",
            "instance_type",
            "pricing_model",
            "price_per_accelerator_hour",
            *money,
            "currency",
            "as_of",
            "source",
        ],
        empty="No price in the price book for this accelerator; the figures above still hold.",
    )
    _assumptions(data["assumptions"])


def _summary(title: str, pairs: Mapping[str, Any]) -> None:
    render(
        [{"quantity": k, "value": v} for k, v in pairs.items()],
        OutputFormat.table,
        console=out,
        title=title,
    )


def _assumptions(items: Sequence[Mapping[str, Any]]) -> None:
    rows = [
        {
            "assumption": a["name"],
            "value": a["value"],
            "source": str(a["source"])[:110] + ("…" if len(str(a["source"])) > 110 else ""),
        }
        for a in items
    ]
    render(rows, OutputFormat.table, console=out, title="Assumptions (full text: --format json)")
    for a in items:
        if a["name"] == WARNING:
            err.print(f"[yellow]Warning:[/yellow] {a['value']}")


def _short(line: Mapping[str, Any]) -> dict[str, Any]:
    """A price line for a table: long sources and place names cut (full text in JSON/CSV)."""
    short = dict(line)
    for key, width in (("source", 48), ("region", 16), ("instance_type", 24)):
        text = short.get(key)
        if isinstance(text, str) and len(text) > width:
            short[key] = text[: width - 1] + "…"
    return short


def _gb(parts: Any) -> Any:
    if isinstance(parts, Mapping):
        total = parts.get("total")
        return round(float(total), 1) if total is not None else parts
    return parts


def _parallelism(value: Any) -> Any:
    if isinstance(value, Mapping):
        if value.get("hint"):
            return value["hint"]
        return ", ".join(f"{k}={v}" for k, v in value.items() if not isinstance(v, dict | list))
    return value


def _round(value: Any) -> Any:
    return None if value is None else round(float(value), 1)
