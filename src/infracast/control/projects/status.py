"""A project's status as ``infracast project status`` shows it: its earned value, the
cumulative series to the day, and the chart of both when asked for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from infracast.control.projects._earned_value import EarnedValue
from infracast.control.projects.ev_chart import write_ev_chart
from infracast.control.projects.ev_series import SeriesGrain, SeriesPoint, check_series_grain
from infracast.control.projects.tracking import earned_value, earned_value_series

if TYPE_CHECKING:
    from infracast.ledger.connection import Ledger


@dataclass(frozen=True)
class ProjectStatus:
    """Earned value as of a day, the series by month or week, and the chart written (if any)."""

    earned: EarnedValue
    by: SeriesGrain
    series: tuple[SeriesPoint, ...]
    chart: Path | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON of ``project status``: the earned value, ``by``, ``series`` and ``chart``."""
        return {
            **self.earned.to_dict(),
            "by": self.by,
            "series": [p.to_dict() for p in self.series],
            "chart": str(self.chart) if self.chart is not None else None,
        }

    def to_json(self) -> dict[str, Any]:
        """The JSON contract (:meth:`to_dict`)."""
        return self.to_dict()


def project_status(
    ledger: Ledger,
    project: str,
    as_of: str | date | None = None,
    *,
    by: str = "month",
    chart: str | Path | None = None,
) -> ProjectStatus:
    """Earned value of ``project`` as of a day (default today, UTC), its cumulative series by
    ``by`` (month or week), and, with ``chart``, the S-curves drawn to that ``.png`` or
    ``.html`` file."""
    grain = check_series_grain(by)
    earned = earned_value(ledger, project, as_of)
    points = earned_value_series(ledger, project, earned.as_of, grain)
    written = write_ev_chart(chart, earned, points, grain) if chart is not None else None
    return ProjectStatus(earned, grain, tuple(points), written)
