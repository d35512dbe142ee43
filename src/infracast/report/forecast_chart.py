"""A chart of forecasts: per series its history, the forecast and its interval bands, as
PNG (matplotlib, no display needed) or one self-contained HTML page (plotly, plotly.js
inline, no CDN). The format follows the file name.

The ``top`` series by forecast total are drawn, one panel each, largest first; the
others are named in the returned notes (and under the title). A panel shows the last
:data:`HISTORY_HORIZONS` horizons of history, so the forecast stays readable.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import PurePath
from typing import Literal

import pandas as pd

from infracast.errors import ConfigError

ChartFormat = Literal["png", "html"]
TOP_SERIES = 6
HISTORY_HORIZONS = 8
_HISTORY, _FORECAST = "#64748b", "#2563eb"
_BAND_ALPHA = (0.15, 0.3)  # the widest interval lightest


def chart_format(path: str | PurePath) -> ChartFormat:
    """``png`` or ``html`` from the file name's suffix, or a ConfigError."""
    suffix = PurePath(path).suffix.lower()
    if suffix in (".png", ".html"):
        return "png" if suffix == ".png" else "html"
    raise ConfigError(
        f"cannot tell the chart format of {str(path)!r} from its suffix.",
        hint="Name the file .png (an image) or .html (an interactive page).",
        field="chart",
    )


def top_series(forecast: pd.DataFrame, top: int = TOP_SERIES) -> tuple[list[str], list[str]]:
    """The ``top`` series by the size of their forecast total, largest first, and the rest."""
    totals = forecast.groupby("unique_id")["yhat"].sum().abs()
    ranked = [str(u) for u in totals.sort_values(ascending=False, kind="stable").index]
    return ranked[:top], ranked[top:]


def forecast_chart(
    history: pd.DataFrame | None,
    forecast: pd.DataFrame,
    level: Sequence[int],
    fmt: ChartFormat,
    *,
    title: str = "Forecast",
    unit: str = "",
    top: int = TOP_SERIES,
) -> tuple[bytes, list[str]]:
    """The chart's bytes and its notes. ``history``: ``unique_id, ds, y`` (None: forecast
    only); ``forecast``: ``unique_id, ds, yhat, lo{L}, hi{L}``."""
    shown, rest = top_series(forecast, top)
    notes = []
    if rest:
        more = ", ".join(rest[:5]) + (" …" if len(rest) > 5 else "")
        verb = "is" if len(rest) == 1 else "are"
        notes.append(f"the chart shows the {len(shown)} largest series; {len(rest)} more "
                     f"{verb} not drawn ({more})")  # fmt: skip
    levels = sorted(level, reverse=True)
    span = HISTORY_HORIZONS * int(forecast.groupby("unique_id").size().max())
    panels = [
        (
            uid,
            None
            if history is None
            else history[history["unique_id"] == uid].sort_values("ds").tail(span),
            forecast[forecast["unique_id"] == uid].sort_values("ds"),
        )
        for uid in shown
    ]
    if fmt == "html":
        return _html(panels, levels, title, unit, notes), notes
    return _png(panels, levels, title, unit, notes), notes


Panel = tuple[str, pd.DataFrame | None, pd.DataFrame]


def _html(panels: list[Panel], levels: list[int], title: str, unit: str, notes: list[str]) -> bytes:
    from plotly.subplots import make_subplots

    fig = make_subplots(
        rows=len(panels), cols=1, subplot_titles=[p[0] for p in panels], vertical_spacing=0.06
    )
    for row, (_, past, ahead) in enumerate(panels, start=1):
        first = row == 1
        for i, lv in enumerate(levels):
            alpha = _BAND_ALPHA[min(i, len(_BAND_ALPHA) - 1)]
            x = [*ahead["ds"], *reversed(list(ahead["ds"]))]
            y = [*ahead[f"hi{lv}"], *reversed(list(ahead[f"lo{lv}"]))]
            fig.add_scatter(
                x=x, y=y, fill="toself", fillcolor=f"rgba(37,99,235,{alpha})", mode="none",
                name=f"{lv}% interval", legendgroup=f"band{lv}", showlegend=first,
                hoverinfo="skip", row=row, col=1,
            )  # fmt: skip
        if past is not None and not past.empty:
            fig.add_scatter(
                x=past["ds"], y=past["y"], mode="lines", line={"color": _HISTORY},
                name="history", legendgroup="history", showlegend=first, row=row, col=1,
            )  # fmt: skip
        fig.add_scatter(
            x=ahead["ds"], y=ahead["yhat"], mode="lines", line={"color": _FORECAST, "dash": "dash"},
            name="forecast", legendgroup="forecast", showlegend=first, row=row, col=1,
        )  # fmt: skip
        fig.update_yaxes(title_text=unit, row=row, col=1)
    subtitle = "<br><sup>" + "; ".join(notes) + "</sup>" if notes else ""
    fig.update_layout(
        title={"text": title + subtitle, "x": 0},
        height=260 * len(panels) + 120,
        template="plotly_white",
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 1, "xanchor": "right"},
        margin={"l": 60, "r": 20, "t": 100, "b": 40},
    )
    html = fig.to_html(full_html=True, include_plotlyjs=True, config={"displaylogo": False})
    return str(html).encode("utf-8")


def _png(panels: list[Panel], levels: list[int], title: str, unit: str, notes: list[str]) -> bytes:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(10, 2.6 * len(panels) + 0.8), layout="constrained")
    axes = figure.subplots(len(panels), 1, squeeze=False)[:, 0]
    for ax, (uid, past, ahead) in zip(axes, panels, strict=True):
        for i, lv in enumerate(levels):
            alpha = _BAND_ALPHA[min(i, len(_BAND_ALPHA) - 1)]
            ax.fill_between(
                ahead["ds"], ahead[f"lo{lv}"], ahead[f"hi{lv}"], color=_FORECAST, alpha=alpha,
                linewidth=0, label=f"{lv}% interval",
            )  # fmt: skip
        if past is not None and not past.empty:
            ax.plot(past["ds"], past["y"], color=_HISTORY, linewidth=1, label="history")
        ax.plot(ahead["ds"], ahead["yhat"], color=_FORECAST, linestyle="--", label="forecast")
        ax.set_title(uid, loc="left", fontsize=10)
        ax.set_ylabel(unit)
        ax.grid(alpha=0.3)
    axes[0].legend(loc="upper left", fontsize=8, ncols=len(levels) + 2)
    figure.suptitle(title + ("\n" + "; ".join(notes) if notes else ""), fontsize=11)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()
