"""Plotly figures for reports: small functions from plain rows to a figure."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import plotly.graph_objects as go

PALETTE = (
    "#2563eb",
    "#f97316",
    "#16a34a",
    "#9333ea",
    "#dc2626",
    "#0891b2",
    "#ca8a04",
    "#64748b",
    "#db2777",
    "#65a30d",
    "#7c3aed",
    "#0d9488",
)
MONTH_TICKFORMAT = "%b %Y"  # "May 2026", not "00:00:00 May 1, 2026"


def month_axis(fig: go.Figure) -> go.Figure:
    """Make the x axis one of calendar months: a tick and label per month ("May 2026"), each
    trace's points spanning their month, so a single month is labelled as a month too."""
    months = {str(x)[:7] for trace in fig.data for x in (() if trace.x is None else trace.x)}
    step = 1 if len(months) <= 8 else 3  # a label per month while they fit, else per quarter
    fig.update_traces(xperiod="M1", xperiodalignment="middle")
    fig.update_xaxes(
        type="date", tickformat=MONTH_TICKFORMAT, dtick=f"M{step}", ticklabelmode="period"
    )
    return fig


def style(fig: go.Figure, title: str, y_title: str = "") -> go.Figure:
    """The reports' common look: title, margins, height, white template, legend below."""
    fig.update_layout(
        title={"text": title, "x": 0, "font": {"size": 15}},
        margin={"l": 60, "r": 20, "t": 50, "b": 40},
        height=340,
        template="plotly_white",
        legend={"orientation": "h", "y": -0.15},
        yaxis_title=y_title,
        font={"family": "system-ui, sans-serif", "size": 12},
    )
    return fig


def stacked_bars(
    rows: Sequence[Mapping[str, Any]], x: str, series: str, value: str, title: str, y_title: str
) -> go.Figure:
    """A stacked bar chart of ``value`` by ``x``, one colour per ``series``."""
    by_series: dict[str, dict[str, float]] = defaultdict(dict)
    xs: list[str] = []
    for row in rows:
        key = str(row[x])
        if key not in xs:
            xs.append(key)
        by_series[str(row[series] or "(none)")][key] = float(row[value] or 0)
    xs.sort()
    totals = {s: sum(v.values()) for s, v in by_series.items()}
    fig = go.Figure()
    for i, name in enumerate(sorted(by_series, key=lambda s: -totals[s])):
        fig.add_bar(
            name=name,
            x=xs,
            y=[by_series[name].get(k, 0.0) for k in xs],
            marker_color=PALETTE[i % len(PALETTE)],
        )
    fig.update_layout(barmode="relative")
    if x == "month":
        month_axis(fig)
    return style(fig, title, y_title)


def horizontal_bars(
    labels: Sequence[str], values: Sequence[Decimal | float], title: str, x_title: str
) -> go.Figure:
    """Horizontal bars, largest on top."""
    pairs = sorted(zip(labels, (float(v) for v in values), strict=True), key=lambda p: p[1])
    fig = go.Figure(
        go.Bar(
            x=[v for _, v in pairs],
            y=[label for label, _ in pairs],
            orientation="h",
            marker_color=PALETTE[0],
        )
    )
    fig.update_layout(xaxis_title=x_title)
    return style(fig, title)


def line(rows: Sequence[Mapping[str, Any]], x: str, y: str, title: str, y_title: str) -> go.Figure:
    """One line of ``y`` over ``x``."""
    ordered = sorted(rows, key=lambda r: str(r[x]))
    fig = go.Figure(
        go.Scatter(
            x=[str(r[x]) for r in ordered],
            y=[float(r[y] or 0) for r in ordered],
            mode="lines",
            line={"color": PALETTE[0], "width": 1.6},
        )
    )
    return style(fig, title, y_title)
