"""A project's status as `project status` shows it: earned value, series and chart at once."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from infracast.control.projects.status import project_status
from infracast.control.projects.tracking import earned_value, earned_value_series
from infracast.errors import ControlError, NotFoundError
from infracast.ledger.connection import Ledger
from tests.control.projects.fixtures import AS_OF, add_atlas


def test_status_is_the_earned_value_and_its_series(ledger: Ledger) -> None:
    add_atlas(ledger)
    status = project_status(ledger, "atlas", AS_OF, by="week")
    assert status.earned == earned_value(ledger, "atlas", AS_OF)
    assert list(status.series) == earned_value_series(ledger, "atlas", AS_OF, "week")
    assert status.chart is None


def test_status_serializes_as_the_command_prints_it(ledger: Ledger) -> None:
    add_atlas(ledger)
    data = project_status(ledger, "atlas", "2026-01-26").to_dict()
    assert (data["pv"], data["ev"], data["ac"]) == (Decimal(5000), Decimal(4400), Decimal(4500))
    assert data["by"] == "month" and data["chart"] is None
    assert [p["as_of"] for p in data["series"]] == [date(2026, 1, 26)]
    assert list(data)[-3:] == ["by", "series", "chart"]


def test_status_draws_the_chart_when_asked(ledger: Ledger, tmp_path: Path) -> None:
    add_atlas(ledger)
    status = project_status(ledger, "atlas", AS_OF, chart=tmp_path / "atlas.png")
    assert status.chart == tmp_path / "atlas.png"
    assert status.to_dict()["chart"] == str(tmp_path / "atlas.png")
    assert (tmp_path / "atlas.png").read_bytes()[:4] == b"\x89PNG"


def test_status_refuses_an_unknown_grain_before_reading(ledger: Ledger) -> None:
    with pytest.raises(ControlError, match='unknown series grain "day"'):
        project_status(ledger, "atlas", AS_OF, by="day")


def test_status_of_an_unknown_project_is_not_found(ledger: Ledger) -> None:
    add_atlas(ledger)
    with pytest.raises(NotFoundError, match='Did you mean "atlas"') as caught:
        project_status(ledger, "atlsa", AS_OF)
    assert caught.value.hint is not None and "infracast project list" in caught.value.hint
