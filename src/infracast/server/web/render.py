"""Rendering pages: the Jinja2 templates, money and number formats, and charts.

A chart is a Plotly figure built here on the server (``plotly.graph_objects``) and sent
as JSON inside the page; ``static/app.js`` draws it with the Plotly.js the server serves
once (``/static/plotly-VERSION.min.js``, cached for a year). Each chart carries the CLI
command that reproduces its numbers, shown under it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import jinja2
import plotly
from fastapi import Request
from fastapi.responses import HTMLResponse

from infracast import __version__

TEMPLATES = Path(__file__).parent / "templates"
# One palette for every chart and page (colour-blind safe: Okabe and Ito's eight colours,
# "Color Universal Design", 2008), the first for the company's own spend.
PALETTE: tuple[str, ...] = (
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
)  # fmt: skip
FONT = "Inter, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
PLOTLY_JS = f"/static/plotly-{plotly.__version__}.min.js"
# The pages, in the order the navigation lists them.
NAV: tuple[tuple[str, str], ...] = (
    ("/", "Overview"),
    ("/teams", "Teams"),
    ("/gpus", "GPUs"),
    ("/forecasts", "Forecasts"),
    ("/budgets", "Budgets"),
    ("/projects", "Projects"),
    ("/recommendations", "Optimize"),
    ("/estimate", "Estimate"),
    ("/data", "Data"),
)


def slug(name: str) -> str:
    """``name`` as a chart id: lower case, anything but letters and digits as ``-``."""
    return "".join(c if c.isalnum() else "-" for c in name.lower())


def money(value: Any, places: int = 0) -> str:
    """``1,234,567`` (whole units by default); an em dash for None."""
    if value is None:
        return "—"
    return f"{Decimal(str(value)):,.{places}f}"


def percent(value: Any, places: int = 0) -> str:
    """``42 %`` of a fraction; an em dash for None."""
    if value is None:
        return "—"
    return f"{float(value) * 100:.{places}f} %"


_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=jinja2.select_autoescape(["html"]),
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.filters["money"] = money
_env.filters["percent"] = percent


@dataclass(frozen=True)
class Chart:
    """A figure for a page: its id, title, the Plotly figure and the command behind it."""

    id: str
    title: str
    figure: dict[str, Any]
    command: str
    note: str = ""

    @property
    def spec(self) -> str:
        """The figure as JSON for ``<script type="application/json">`` (``</`` escaped)."""
        return json.dumps(self.figure, default=_json_default).replace("</", "<\\/")


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"cannot put {type(value).__name__} in a chart")


def layout(**extra: Any) -> dict[str, Any]:
    """The shared look of every chart: font, palette, margins, a legend on top."""
    base: dict[str, Any] = {
        "font": {"family": FONT, "size": 13, "color": "#1f2933"},
        "colorway": list(PALETTE),
        "margin": {"l": 64, "r": 16, "t": 8, "b": 48},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "legend": {"orientation": "h", "y": 1.12, "x": 0},
        "hovermode": "x unified",
        "xaxis": {"gridcolor": "#e4e7eb"},
        "yaxis": {"gridcolor": "#e4e7eb", "rangemode": "tozero"},
        "height": 320,
    }
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            base[key] = {**base[key], **value}
        else:
            base[key] = value
    return base


def page(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render ``template`` with the request's session (user, CSRF token) and ``context``."""
    session = getattr(request.state, "session", None)
    html = _env.get_template(template).render(
        request_path=request.url.path,
        session=session,
        version=__version__,
        plotly_js=PLOTLY_JS,
        nav=NAV,
        auth=request.app.state.auth,
        **context,
    )
    return HTMLResponse(html, status_code=status_code)
