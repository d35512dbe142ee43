"""The earned-value chart: a PNG or a self-contained HTML page, chosen by the file's suffix."""

from __future__ import annotations

from pathlib import Path

import pytest

from infracast.control.projects.ev_chart import write_ev_chart
from infracast.control.projects.tracking import earned_value, earned_value_series
from infracast.errors import ControlError
from infracast.ledger.connection import Ledger
from tests.control.projects.fixtures import AS_OF, add_atlas


def _draw(ledger: Ledger, path: Path) -> Path:
    add_atlas(ledger)
    earned = earned_value(ledger, "atlas", AS_OF)
    return write_ev_chart(path, earned, earned_value_series(ledger, "atlas", AS_OF))


def test_png_is_an_image(ledger: Ledger, tmp_path: Path) -> None:
    out = _draw(ledger, tmp_path / "atlas.png")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_html_holds_plotly_inline_and_the_curves(ledger: Ledger, tmp_path: Path) -> None:
    html = _draw(ledger, tmp_path / "atlas.html").read_text(encoding="utf-8")
    assert '<script src="http' not in html  # no CDN: plotly.js is inline
    assert len(html) > 1_000_000  # plotly.js itself is several megabytes
    for name in ("PV (planned value)", "EV (earned value)", "AC (actual cost)", "BAC"):
        assert name in html
    assert "EAC (CPI) 10,227" in html  # the marker's label: 10,227.27


def test_unknown_suffix_is_refused(ledger: Ledger, tmp_path: Path) -> None:
    with pytest.raises(ControlError, match=r'unknown suffix "\.svg"'):
        _draw(ledger, tmp_path / "atlas.svg")


def test_missing_folder_is_refused(ledger: Ledger, tmp_path: Path) -> None:
    with pytest.raises(ControlError, match="does not exist"):
        _draw(ledger, tmp_path / "no" / "atlas.png")
