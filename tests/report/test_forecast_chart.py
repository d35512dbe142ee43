"""The forecast chart: history, forecast and bands of the largest series, as PNG or HTML;
and ``infracast forecast --chart``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from infracast.cli.main import app
from infracast.errors import ConfigError
from infracast.report.forecast_chart import chart_format, forecast_chart, top_series

WEEK = (10, 12, 14, 13, 11, 4, 3)


def _frames(names: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    past = pd.date_range("2026-01-05", periods=28, freq="D")
    ahead = pd.date_range("2026-02-02", periods=7, freq="D")
    history = pd.DataFrame(
        [(n, d, WEEK[i % 7] * (k + 1)) for k, n in enumerate(names) for i, d in enumerate(past)],
        columns=["unique_id", "ds", "y"],
    )
    rows = [
        (n, d, float(WEEK[i % 7] * (k + 1)))
        for k, n in enumerate(names)
        for i, d in enumerate(ahead)
    ]
    forecast = pd.DataFrame(rows, columns=["unique_id", "ds", "yhat"])
    for lv, width in ((80, 1.0), (95, 2.0)):
        forecast[f"lo{lv}"] = forecast["yhat"] - width
        forecast[f"hi{lv}"] = forecast["yhat"] + width
    return history, forecast


def test_the_html_page_is_self_contained_and_draws_the_largest_series() -> None:
    history, forecast = _frames([f"team{i}" for i in range(8)])
    data, notes = forecast_chart(history, forecast, (80, 95), "html", top=3)
    page = data.decode("utf-8")
    assert '<script src="http' not in page and "plotly" in page  # plotly.js inline, no CDN
    for shown in ("team7", "team6", "team5"):  # the largest totals
        assert shown in page
    assert "team0" not in page.split("the chart shows")[0]
    assert notes == ["the chart shows the 3 largest series; 5 more are not drawn "
                     "(team4, team3, team2, team1, team0)"]  # fmt: skip


def test_the_png_is_an_image() -> None:
    history, forecast = _frames(["a", "b"])
    data, notes = forecast_chart(history, forecast, (80, 95), "png")
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and notes == []


def test_top_series_ranks_by_forecast_total() -> None:
    _, forecast = _frames(["small", "big"])
    assert top_series(forecast, 1) == (["big"], ["small"])


def test_the_format_follows_the_suffix() -> None:
    assert chart_format("x.PNG") == "png" and chart_format(Path("a/b.html")) == "html"
    with pytest.raises(ConfigError, match="cannot tell the chart format"):
        chart_format("x.svg")


def test_the_command_writes_the_chart_of_a_file_forecast(tmp_path: Path) -> None:
    lines = ["day,gpu_hours"] + [
        f"{d.date()},{WEEK[i % 7]}"
        for i, d in enumerate(pd.date_range("2026-01-05", periods=42, freq="D"))
    ]
    (tmp_path / "demand.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    chart = tmp_path / "demand.html"
    ran = CliRunner().invoke(app, [
        "forecast", "--input", str(tmp_path / "demand.csv"), "--time-col", "day",
        "--target-col", "gpu_hours", "--horizon", "7", "--chart", str(chart),
        "--format", "json",
    ])  # fmt: skip
    assert ran.exit_code == 0, ran.output
    page = chart.read_text(encoding="utf-8")
    assert "demand" in page and "history" in page and "95% interval" in page


def test_forecast_help_lists_the_backtest_command() -> None:
    ran = CliRunner().invoke(app, ["forecast", "--help"], env={"COLUMNS": "120"})
    assert ran.exit_code == 0 and "backtest" in ran.output and "--reconcile" in ran.output
