"""Charts of sensitivity and risk: a tornado, a histogram and a CDF, as PNG or HTML bytes.

The format follows the file name: ``.png`` is drawn by matplotlib (no display
needed), ``.html`` by plotly as one self-contained page (plotly.js inline, no
CDN). The functions return the bytes; the caller writes them.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal
from pathlib import PurePath
from typing import Literal, cast

import numpy as np
import numpy.typing as npt

from infracast.errors import FinanceError, did_you_mean
from infracast.finance._sensitivity import Sensitivity
from infracast.finance.model import Quantity
from infracast.finance.montecarlo import Simulation

ChartFormat = Literal["png", "html"]
TORNADO_BARS = 20  # a tornado shows at most this many inputs unless asked for more
Floats = npt.NDArray[np.float64]
_LOW, _HIGH = "#4C72B0", "#DD8452"


def chart_format(path: str | PurePath) -> ChartFormat:
    """``png`` or ``html`` from the file name's suffix, or a FinanceError."""
    suffix = PurePath(path).suffix.lower()
    if suffix in (".png", ".html"):
        return "png" if suffix == ".png" else "html"
    raise FinanceError(
        f"cannot tell the chart format of {str(path)!r} from its suffix.",
        hint="Name the file .png (an image) or .html (an interactive page).",
    )


def tornado_chart(
    result: Sensitivity,
    fmt: ChartFormat,
    *,
    metric: Quantity | None = None,
    top: int | None = None,
) -> bytes:
    """Bars from the base value to the value at each input's low and high, the ``top``
    (default 20) largest swings of ``result``'s order on top; ``metric`` defaults to the
    quantity the result is sorted by."""
    metric = _quantity(metric or result.sort_by, "metric")
    rows = list(reversed(result.rows[: top or TORNADO_BARS]))  # barh: the first row at the bottom
    base = float(result.base_npv if metric == "npv" else result.base_total_cost)
    names = [r.input for r in rows]
    low = [float(r.npv_low if metric == "npv" else r.total_cost_low) - base for r in rows]
    high = [float(r.npv_high if metric == "npv" else r.total_cost_high) - base for r in rows]
    label = "NPV" if metric == "npv" else "total cost"
    unit = f" ({result.currency})" if result.currency else ""
    title = f"Sensitivity of {label}: each input ∓{result.pct}% alone (base {base:,.0f}{unit})"
    if fmt == "html":
        import plotly.graph_objects as go

        fig = go.Figure()
        for name, values, color in (("at low", low, _LOW), ("at high", high, _HIGH)):
            fig.add_bar(
                y=names, x=values, base=base, orientation="h", name=name, marker_color=color
            )
        fig.update_layout(barmode="overlay", title=title, xaxis_title=f"{label}{unit}")
        return _html(fig)
    from matplotlib.figure import Figure

    figure = Figure(figsize=(9, 1.5 + 0.35 * max(len(rows), 1)), layout="constrained")
    ax = figure.subplots()
    ax.barh(names, low, left=base, color=_LOW, label="at low")
    ax.barh(names, high, left=base, color=_HIGH, label="at high", alpha=0.85)
    ax.axvline(base, color="black", linewidth=0.8)
    ax.set_title(title, fontsize=10)
    ax.set_xlabel(f"{label}{unit}")
    ax.legend(loc="lower right", fontsize=8)
    return _png(figure)


def distribution_chart(
    values: Floats,
    kind: Literal["histogram", "cdf"],
    fmt: ChartFormat,
    *,
    label: str,
    marks: Sequence[tuple[str, Decimal | float]] = (),
) -> bytes:
    """A histogram (50 bins) or the empirical CDF of ``values``, with vertical ``marks``."""
    ordered = np.sort(values)
    share = np.arange(1, ordered.size + 1) / ordered.size
    title = f"{label}: {'histogram' if kind == 'histogram' else 'cumulative distribution'} " + (
        f"of {ordered.size:,} samples"
    )
    if fmt == "html":
        import plotly.graph_objects as go

        fig = go.Figure()
        if kind == "histogram":
            fig.add_histogram(x=ordered, nbinsx=50, name=label)
        else:
            fig.add_scatter(x=ordered, y=share, mode="lines", name=label, line_shape="hv")
        for name, at in marks:
            fig.add_vline(x=float(at), line_dash="dash", annotation_text=name)
        fig.update_layout(
            title=title,
            xaxis_title=label,
            yaxis_title="samples" if kind == "histogram" else "P(X ≤ x)",
        )
        return _html(fig)
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 4.5), layout="constrained")
    ax = figure.subplots()
    if kind == "histogram":
        ax.hist(ordered, bins=50, color=_LOW)
        ax.set_ylabel("samples")
    else:
        ax.step(ordered, share, where="post", color=_LOW)
        ax.set_ylabel("P(X ≤ x)")
        ax.set_ylim(0, 1)
    for name, at in marks:
        ax.axvline(float(at), color=_HIGH, linestyle="--", linewidth=1)
        ax.annotate(
            name,
            (float(at), 0.98),
            xycoords=("data", "axes fraction"),
            fontsize=8,
            rotation=90,
            va="top",
            ha="right",
        )
    ax.set_title(title, fontsize=10)
    ax.set_xlabel(label)
    return _png(figure)


def simulation_chart(
    result: Simulation,
    kind: Literal["histogram", "cdf"],
    fmt: ChartFormat,
    *,
    of: Quantity = "total_cost",
) -> bytes:
    """A histogram or CDF of a Monte Carlo's total cost (or NPV, ``of="npv"``), marked at
    P10, P50, P90 and, for total cost, the budget."""
    of = _quantity(of, "of")
    values = result.total_costs if of == "total_cost" else result.npvs
    spread = result.total_cost if of == "total_cost" else result.npv
    marks: list[tuple[str, Decimal | float]] = [
        ("P10", spread.p10),
        ("P50", spread.p50),
        ("P90", spread.p90),
    ]
    if result.budget is not None and of == "total_cost":
        marks.append(("budget", result.budget))
    label = f"{'total cost' if of == 'total_cost' else 'NPV'} ({result.currency or ''})"
    return distribution_chart(values, kind, fmt, label=label, marks=marks)


def _quantity(value: str, name: str) -> Quantity:
    if value in ("npv", "total_cost"):
        return cast("Quantity", value)
    raise FinanceError(
        f"cannot chart {value!r}.{did_you_mean(value, ['npv', 'total_cost'])}",
        hint=f"Give {name} as npv or total_cost.",
        field=name,
    )


def _png(figure: object) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110)  # type: ignore[attr-defined]
    return buffer.getvalue()


def _html(fig: object) -> bytes:
    html = fig.to_html(  # type: ignore[attr-defined]
        full_html=True, include_plotlyjs=True, config={"displaylogo": False}
    )
    return str(html).encode("utf-8")
