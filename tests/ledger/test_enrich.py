"""Team, project and GPU columns derived at ingest (src/infracast/ledger/enrich.py)."""

from __future__ import annotations

from pathlib import Path

from infracast.ledger import ingest_focus
from infracast.ledger.connection import Ledger
from infracast.settings import Settings
from tests.ledger.focus_rows import write_focus_csv


def test_empty_tag_key_lists_name_no_team_or_project(tmp_path: Path) -> None:
    # team_tags = [] in infracast.toml: no key names a team; ingest must not crash
    path = write_focus_csv(tmp_path / "bill.csv", [{}])
    with Ledger.open(":memory:", settings=Settings(team_tags=(), project_tags=())) as led:
        (result,) = ingest_focus(led, [path])
        assert result.status == "ingested"
        assert led.con.execute("SELECT x_team, x_project FROM charges").fetchall() == [(None, None)]
