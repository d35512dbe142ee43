"""Cash flows from CSV text (or plain rows): ``period, revenue, cost`` or the split columns.

Columns (header names are matched without regard to case, spaces or hyphens):

- ``period`` (required): a month ``2026-03``, a year ``2026`` or a number ``0``;
- ``revenue`` and ``cost``, counted as direct, or the split columns
  ``revenue_direct``, ``revenue_indirect``, ``cost_direct``, ``cost_indirect``
  (not both ``revenue`` and a split revenue column; the same for cost);
- ``currency`` (optional): one ISO 4217 code for the whole file.

Amounts are written positive (benefit = revenue − cost is computed); a blank
cell is zero and the result says how many there were. Any other column is
ignored and listed in the result's assumptions, unless its name looks like a
misspelt known column, which is an error. This module reads text, never files.
"""

from __future__ import annotations

import csv
import difflib
import io
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from infracast.amounts import AmountError, parse_amount
from infracast.errors import FinanceError
from infracast.finance._cashflows import COLUMNS, ZERO, CashFlows, build
from infracast.finance.periods import label, parse_label

MONEY = ("revenue", "cost", *COLUMNS)
KNOWN = ("period", "currency", *MONEY)
_SIGNED = {"cash_flow", "cashflow", "net", "net_cash_flow", "flow", "amount", "benefit", "value"}
_FIX = "Write one row per period with amounts as numbers (1234.5, 1e6, 1,000,000), costs positive."


def parse_cashflows_csv(
    text: str, *, currency: str | None = None, source: str = "cash flows"
) -> CashFlows:
    """Cash flows from the text of a CSV file; errors name the line and the column."""
    body = text.lstrip("\ufeff")
    if not body.strip():
        raise FinanceError(f"{source} is empty.", hint="The first line names the columns: " + _CSV)
    reader = csv.DictReader(io.StringIO(body))
    header = reader.fieldnames or []
    if len(header) == 1 and ";" in header[0]:
        raise FinanceError(
            f"{source}: the header {header[0]!r} is separated by semicolons.",
            hint="Separate columns with commas: " + _CSV,
        )
    rows: list[dict[str, str]] = []
    for row in reader:
        if None in row:
            raise FinanceError(
                f"{source}, line {reader.line_num}: more cells than the header has columns.",
                hint="Remove the extra cells, or quote a value that contains a comma.",
            )
        rows.append({k: v or "" for k, v in row.items()})
    return parse_rows(rows, currency=currency, source=source, first_line=2, header=header)


def cashflows(
    rows: Iterable[Mapping[str, Any]], *, currency: str | None = None, source: str = "cash flows"
) -> CashFlows:
    """Cash flows from plain rows, e.g. ``[{"period": 0, "revenue": 0, "cost": 700000}, …]``.

    The rules are those of a cash-flow CSV; amounts are numbers or numeric strings.
    """
    text_rows = [
        {str(k): "" if v is None else str(v) for k, v in row.items()} for row in list(rows)
    ]
    header = list(dict.fromkeys(k for row in text_rows for k in row))
    return parse_rows(text_rows, currency=currency, source=source, first_line=None, header=header)


_CSV = "period,revenue,cost (or period,revenue_direct,revenue_indirect,cost_direct,cost_indirect)."


def parse_rows(
    rows: Sequence[Mapping[str, str]],
    *,
    currency: str | None,
    source: str,
    first_line: int | None,
    header: Sequence[str],
) -> CashFlows:
    """Validate text rows: ``first_line`` numbers CSV lines (None: rows counted from 1)."""
    names = _columns(header, source)
    blanks = 0
    seen: dict[str, str] = {}
    found_currency: tuple[str, str] | None = None
    amounts: dict[str, dict[str, Decimal]] = {}
    for n, raw in enumerate(rows):
        where = f"{source}, line {first_line + n}" if first_line else f"{source}, row {n + 1}"
        row = {names[k]: v.strip() for k, v in raw.items() if names.get(k)}
        if not any(row.values()):
            continue  # a blank line
        period = row.get("period", "")
        if not period:
            raise FinanceError(f"{where}, column period: the period is blank.", hint=_FIX)
        values: dict[str, Decimal] = {}
        for col in MONEY:
            if col not in row:
                continue
            value, blank = _amount(row[col], where, col)
            blanks += blank
            target = f"{col}_direct" if col in ("revenue", "cost") else col
            values[target] = value
        code = row.get("currency", "").upper()
        if code:
            if found_currency and found_currency[0] != code:
                raise FinanceError(
                    f"{where}, column currency: {code} differs from {found_currency[0]} "
                    f"({found_currency[1]}); a file holds one currency.",
                    hint="Convert the amounts to one currency, or split the file.",
                )
            found_currency = found_currency or (code, where)
        unit, ordinal = parse_label(period, where=f"{where}, column period")
        key = label(unit, ordinal)
        if key in seen:
            raise FinanceError(
                f"{where}, column period: {key} appears again (first at {seen[key]}).",
                hint="Give one row per period: add the amounts of the two rows.",
            )
        seen[key] = where
        amounts[key] = values
    if found_currency and currency and found_currency[0] != currency.upper():
        raise FinanceError(
            f"{source} is in {found_currency[0]} but {currency.upper()} was asked for.",
            hint="Drop --currency, or convert the file's amounts first.",
        )
    notes = _notes(header, names, blanks, source)
    chosen = found_currency[0] if found_currency else (currency.upper() if currency else None)
    return build(amounts, currency=chosen, source=source, assumptions=notes)


def _columns(header: Sequence[str], source: str) -> dict[str, str | None]:
    """Header name → known column (None: ignored); errors for missing or conflicting columns."""
    names: dict[str, str | None] = {}
    for name in header:
        key = name.strip().lower().replace(" ", "_").replace("-", "_")
        if key in KNOWN:
            if key in names.values():
                raise FinanceError(f"{source}: column {key!r} appears twice.", hint=_CSV_HINT)
            names[name] = key
            continue
        if key in _SIGNED:
            raise FinanceError(
                f"{source}: column {name!r} holds signed flows, which are ambiguous.",
                hint="Split it into revenue (the inflows) and cost (the outflows, positive): "
                + _CSV,
            )
        close = difflib.get_close_matches(key, KNOWN, n=1, cutoff=0.8)
        if close:
            raise FinanceError(
                f'{source}: unknown column "{name}". Did you mean "{close[0]}"?', hint=_CSV_HINT
            )
        names[name] = None
    used = {v for v in names.values() if v is not None}
    if "period" not in used:
        raise FinanceError(f"{source}: no period column.", hint=_CSV_HINT)
    if not used & set(MONEY):
        raise FinanceError(f"{source}: no revenue or cost column.", hint=_CSV_HINT)
    for whole in ("revenue", "cost"):
        split = used & {f"{whole}_direct", f"{whole}_indirect"}
        if whole in used and split:
            raise FinanceError(
                f"{source}: both {whole!r} and {', '.join(sorted(split))}; give one or the other.",
                hint=f"{whole} alone counts as {whole}_direct.",
            )
    return names


_CSV_HINT = "The columns are " + _CSV


def _amount(text: str, where: str, column: str) -> tuple[Decimal, int]:
    """The amount in a cell (read by :func:`infracast.amounts.parse_amount`, docs/numbers.md)
    and 1 if it was blank (read as zero)."""
    if not text:
        return ZERO, 1
    try:
        value = parse_amount(text, name="", where=f"{where}, column {column}", allow_negative=True)
    except AmountError as exc:
        raise FinanceError(exc.message, hint=_FIX + " Drop currency signs.") from None
    if value < 0:
        raise FinanceError(
            f"{where}, column {column}: {text} is negative.",
            hint=f"Write {column} as a positive amount: benefit = revenue − cost is computed. "
            "A refund lowers the period's cost; a loss of revenue lowers its revenue.",
        )
    return value, 0


def _notes(
    header: Sequence[str], names: Mapping[str, str | None], blanks: int, source: str
) -> list[str]:
    notes = []
    ignored = [h for h in header if names.get(h) is None]
    if ignored:
        notes.append(f"{source}: columns ignored: {', '.join(ignored)}.")
    used = set(names.values())
    absent = [c for c in ("revenue", "cost") if c not in used and f"{c}_direct" not in used]
    absent = [c for c in absent if f"{c}_indirect" not in used]
    for col in absent:
        notes.append(f"{source} has no {col} column: its {col} is zero in every period.")
    if blanks:
        notes.append(f"{source}: {blanks} blank amount(s) read as zero.")
    return notes
