"""The earned-value chart: the three S-curves (PV, EV, AC), the BAC line and the EAC marker.

The file's suffix picks the format: ``.png`` draws with matplotlib (Agg, no
display needed); ``.html`` writes one self-contained Plotly page (plotly.js
inline, no CDN). PV is drawn over the whole plan, to BAC at the last planned
end; EV and AC up to the as-of date; the EAC (CPI) marker sits at the last
planned end.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path

from infracast.control.projects._earned_value import EarnedValue, PlannedTask, ProjectPlan
from infracast.control.projects.ev_series import SeriesGrain, SeriesPoint, planned_curve
from infracast.errors import ControlError

CHART_SUFFIXES: tuple[str, ...] = (".png", ".html")
COLORS = {"pv": "#2563eb", "ev": "#16a34a", "ac": "#dc2626", "bac": "#64748b", "eac": "#f97316"}


def _plan(earned: EarnedValue) -> ProjectPlan:
    tasks = tuple(
        PlannedTask(t.task, t.planned_cost, t.planned_start, t.planned_end) for t in earned.tasks
    )
    return ProjectPlan(earned.project, earned.metrics.currency, tasks, earned.metrics.bac)


class _Curves:
    """The x and y values every chart format draws."""

    def __init__(self, earned: EarnedValue, points: Sequence[SeriesPoint], grain: SeriesGrain):
        self.title = (
            f"{earned.name or earned.project}: earned value as of {earned.as_of.isoformat()}"
        )
        self.currency = earned.metrics.currency
        self.planned = planned_curve(_plan(earned), grain)
        first = [(points[0].period, Decimal(0))] if points else []
        self.ev = first + [(p.as_of, p.ev) for p in points]
        self.ac = first + [(p.as_of, p.ac) for p in points]
        ends = [d for d, _ in self.planned] + [d for d, _ in self.ac] + [earned.as_of]
        self.span = (min(ends), max(ends))
        self.bac = earned.metrics.bac
        self.eac = earned.metrics.eac
        self.eac_at = earned.planned_end or earned.as_of
        self.as_of = earned.as_of


def _xy(pairs: Sequence[tuple[date, Decimal]]) -> tuple[list[date], list[float]]:
    return [d for d, _ in pairs], [float(v) for _, v in pairs]


def _png(curves: _Curves, path: Path) -> None:
    from matplotlib import dates as mdates
    from matplotlib.figure import Figure  # the Agg canvas: no display, no pyplot state

    def line(pairs: Sequence[tuple[date, Decimal]]) -> tuple[list[float], list[float]]:
        days, values = _xy(pairs)
        return [float(mdates.date2num(d)) for d in days], values

    fig = Figure(figsize=(9, 5), layout="constrained")
    ax = fig.subplots()
    ax.plot(*line(curves.planned), color=COLORS["pv"], label="PV (planned value)")
    ax.plot(*line(curves.ev), color=COLORS["ev"], marker="o", ms=3, label="EV (earned value)")
    ax.plot(*line(curves.ac), color=COLORS["ac"], marker="o", ms=3, label="AC (actual cost)")
    ax.axhline(float(curves.bac), color=COLORS["bac"], ls="--", lw=1, label="BAC")
    ax.axvline(float(mdates.date2num(curves.as_of)), color="#94a3b8", ls=":", lw=1, label="as of")
    if curves.eac is not None:
        ax.plot(
            *line([(curves.eac_at, curves.eac)]),
            marker="D",
            color=COLORS["eac"],
            ls="none",
            label=f"EAC (CPI) {curves.eac:,.0f}",
        )
    locator = mdates.AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.set_title(curves.title, loc="left")
    ax.set_ylabel(curves.currency)
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper left", fontsize="small")
    fig.savefig(path, dpi=120)


def _html(curves: _Curves, path: Path) -> None:
    import plotly.graph_objects as go

    fig = go.Figure()
    for key, pairs, name in (
        ("pv", curves.planned, "PV (planned value)"),
        ("ev", curves.ev, "EV (earned value)"),
        ("ac", curves.ac, "AC (actual cost)"),
    ):
        x, y = _xy(pairs)
        fig.add_scatter(x=x, y=y, name=name, mode="lines+markers", line={"color": COLORS[key]})
    lo, hi = curves.span
    fig.add_scatter(
        x=[lo, max(hi, curves.eac_at)],
        y=[float(curves.bac)] * 2,
        name="BAC",
        mode="lines",
        line={"color": COLORS["bac"], "dash": "dash"},
    )
    if curves.eac is not None:
        fig.add_scatter(
            x=[curves.eac_at],
            y=[float(curves.eac)],
            name=f"EAC (CPI) {curves.eac:,.0f}",
            mode="markers",
            marker={"color": COLORS["eac"], "symbol": "diamond", "size": 11},
        )
    fig.add_vline(x=curves.as_of.isoformat(), line={"color": "#94a3b8", "dash": "dot"})
    fig.update_layout(
        title={"text": curves.title, "x": 0},
        yaxis_title=curves.currency,
        template="plotly_white",
        legend={"orientation": "h", "y": -0.15},
    )
    fig.write_html(path, include_plotlyjs=True, full_html=True, config={"displaylogo": False})


def write_ev_chart(
    path: str | Path,
    earned: EarnedValue,
    points: Sequence[SeriesPoint],
    grain: SeriesGrain = "month",
) -> Path:
    """Draw the earned-value chart to ``path`` (``.png`` or ``.html``) and return the path."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in CHART_SUFFIXES:
        raise ControlError(
            f'cannot draw a chart to "{target}": unknown suffix "{suffix or "(none)"}".',
            hint="Name the file .png (an image) or .html (an interactive page).",
        )
    if not target.parent.exists():
        raise ControlError(
            f"cannot write {target}: folder {target.parent} does not exist.",
            hint="Create the folder first or pick another path.",
        )
    curves = _Curves(earned, points, grain)
    if suffix == ".png":
        _png(curves, target)
    else:
        _html(curves, target)
    return target
