"""`infracast commitments`: the utilization of each commitment in the ledger and the coverage
of eligible usage; one call of :func:`infracast.analytics.commitment_utilization`."""

from __future__ import annotations

from typing import Annotated

import typer

from infracast.analytics import commitment_utilization
from infracast.cli.analytics import FilterOption, FromOption, ToOption
from infracast.cli.common import (
    FormatOption,
    LedgerOption,
    open_ledger,
    out,
    print_notes,
    print_plain,
)
from infracast.cli.render import OutputFormat, render

MONEY = ("used_cost", "unused_cost", "committed_cost", "covered_contracted_cost", "net_savings",
         "purchased_cost", "covered_cost", "eligible_cost", "uncovered_cost")  # fmt: skip


COLUMNS = ("name", "provider", "currency", "committed_cost", "used_cost", "unused_cost",
           "utilization", "net_savings")  # fmt: skip


def commitments(
    start: FromOption = None,
    end: ToOption = None,
    filters: FilterOption = None,
    coverage: Annotated[
        str, typer.Option("--coverage", help="Coverage per service or per provider.")
    ] = "service",
    ledger: LedgerOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Each commitment's utilization (used / committed effective cost) and the coverage of
    eligible usage, over a period.

    Examples:

      infracast commitments --from 2026-11-01 --to 2026-12-01

      infracast commitments --coverage provider --format json
    """
    with open_ledger(ledger, read_only=True, create=False) as led:
        result = commitment_utilization(
            led, start=start, end=end, filters=filters or (), coverage=coverage
        )
    if print_plain(fmt, result.to_dict(), result.to_rows()):
        return
    render(result.commitments, fmt, console=out, title="Commitments", money=MONEY,
           columns=COLUMNS, empty="No commitments in this period.")  # fmt: skip
    render(result.coverage, fmt, console=out, title="Coverage", money=MONEY, empty="")
    print_notes(result.notes)
