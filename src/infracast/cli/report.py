"""`infracast report`: the HTML summary of the ledger."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from infracast.cli.analytics import FromOption, ToOption
from infracast.cli.common import LedgerOption, err, open_ledger
from infracast.report.summary import write_summary


def report(
    out_file: Annotated[Path, typer.Option("--out", "-o", help="HTML file to write.")] = Path(
        "infracast-summary.html"
    ),
    start: FromOption = None,
    end: ToOption = None,
    ledger: LedgerOption = None,
) -> None:
    """Write a self-contained HTML summary: costs by month, provider, category and
    team, GPU efficiency, movers, savings and data quality, with charts.

    Examples:

      infracast report

      infracast report --out june.html --from 2026-06-01 --to 2026-07-01
    """
    with open_ledger(ledger, read_only=True) as led:
        path = write_summary(led, out_file, start=start, end=end)
    err.print(f"Wrote {path} ({path.stat().st_size / 1e6:.1f} MB, opens offline in any browser).")
