"""`infracast report`: the HTML summary of the ledger, or the monthly report (HTML, PDF)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from infracast.cli.analytics import FromOption, ToOption
from infracast.cli.common import LedgerOption, err, open_ledger
from infracast.errors import ConfigError
from infracast.report.monthly import write_monthly_report
from infracast.report.summary import write_summary


def report(
    out_file: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="HTML file to write (default: infracast-summary.html, or "
            "infracast-report-YYYY-MM[-TEAM].html with --month).",
        ),
    ] = None,
    start: FromOption = None,
    end: ToOption = None,
    month: Annotated[
        str | None,
        typer.Option(
            "--month",
            help="Write the monthly report of this calendar month (YYYY-MM): spend and its "
            "changes, forecast, budgets and alerts, earned value, plans, GPU idle cost, "
            "anomalies and recommendations.",
        ),
    ] = None,
    team: Annotated[
        str | None,
        typer.Option("--team", "-t", help="With --month: only this team's charges and budgets."),
    ] = None,
    pdf: Annotated[
        bool,
        typer.Option(
            "--pdf",
            help="With --month: also print the report to a PDF beside it (headless Chromium; "
            "INFRACAST_CHROMIUM names the browser).",
        ),
    ] = False,
    ledger: LedgerOption = None,
) -> None:
    """Write a self-contained HTML summary: costs by month, provider, category and
    team, GPU efficiency, movers, savings and data quality, with charts; or, with
    --month, the monthly report of that month (and with --pdf a print-ready PDF).

    Examples:

      infracast report

      infracast report --out june.html --from 2026-06-01 --to 2026-07-01

      infracast report --month 2026-05 --pdf

      infracast report --month 2026-05 --team research --out research-may.html
    """
    if month is None:
        if team is not None or pdf:
            raise ConfigError(
                "--team and --pdf apply to the monthly report only.",
                hint="Add --month YYYY-MM, e.g. infracast report --month 2026-05 --pdf.",
            )
        with open_ledger(ledger, read_only=True) as led:
            path = write_summary(
                led, out_file or Path("infracast-summary.html"), start=start, end=end
            )
        err.print(
            f"Wrote {path} ({path.stat().st_size / 1e6:.1f} MB, opens offline in any browser)."
        )
        return
    if start is not None or end is not None:
        raise ConfigError(
            "--from and --to do not apply with --month: the report covers that calendar month.",
            hint="Drop --from/--to, or drop --month for the summary of a period.",
        )
    suffix = f"-{team}" if team else ""
    target = out_file or Path(f"infracast-report-{month}{suffix}.html")
    # read-write: budgets evaluated at the month's end store the alerts they raise,
    # as `infracast budget status --as-of` does
    with open_ledger(ledger) as led:
        written = write_monthly_report(led, target, month, team=team, pdf=pdf)
    for path in written:
        err.print(f"Wrote {path} ({path.stat().st_size / 1e6:.1f} MB).")
