"""Reading source files: progress of long statements."""

from __future__ import annotations

import pytest

from infracast.ledger import files
from infracast.ledger.connection import Ledger


def test_progress_rises_to_100_for_a_long_statement(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(files, "QUIET_SECONDS", 0.0)
    seen: list[float] = []
    with files.progress_poller(ledger.con, "f", lambda _label, pct: seen.append(pct)) as stage:
        stage(0, 1)
        ledger.con.execute("SELECT sum(hash(i)) FROM range(400000000) t(i)").fetchall()
    assert seen and seen[-1] == 100.0
    assert seen == sorted(seen)  # never steps backwards
    assert all(0 <= pct <= 100 for pct in seen) and max(seen[:-1], default=0) < 100


def test_no_progress_without_a_callback(ledger: Ledger) -> None:
    with files.progress_poller(ledger.con, "f", None) as stage:
        stage(0, 1)
        assert ledger.con.execute("SELECT 1").fetchone() == (1,)
