"""Rendering results: a Rich table (default), JSON or CSV.

JSON keys are snake_case and stable; money is written as an exact JSON number
(the Decimal's digits, not a float's approximation).
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal, localcontext
from enum import StrEnum
from typing import Any

from rich.console import Console
from rich.table import Table


class OutputFormat(StrEnum):
    """How a command prints its result."""

    table = "table"
    json = "json"
    csv = "csv"


def _number(value: Decimal) -> str:
    if not value.is_finite():
        return "null"
    with localcontext() as ctx:
        ctx.prec = 60  # normalize() rounds to the context's precision (28 digits by default)
        text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def to_json(value: Any, indent: int = 2, _level: int = 0) -> str:
    """JSON text for plain data, with Decimals as exact numbers."""
    pad = " " * (indent * (_level + 1))
    end = " " * (indent * _level)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return _number(value)
    if isinstance(value, float):
        return json.dumps(value) if math.isfinite(value) else "null"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return json.dumps(value.isoformat())
    if isinstance(value, date):
        return json.dumps(value.isoformat())
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        items = [
            f"{pad}{json.dumps(str(k))}: {to_json(v, indent, _level + 1)}" for k, v in value.items()
        ]
        return "{\n" + ",\n".join(items) + f"\n{end}}}"
    if isinstance(value, Iterable):
        seq = list(value)
        if not seq:
            return "[]"
        items = [f"{pad}{to_json(v, indent, _level + 1)}" for v in seq]
        return "[\n" + ",\n".join(items) + f"\n{end}]"
    if hasattr(value, "to_json"):
        return to_json(value.to_json(), indent, _level)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _cell(value: Any, money: bool) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, Decimal | float) and money:
        return f"{value:,.2f}"
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, Decimal):
        return _number(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, Mapping):
        return ", ".join(f"{k}={v}" for k, v in value.items())
    return str(value)


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return _number(value)
    if isinstance(value, list | tuple):
        # one cell: the items joined, as the table shows them (not Python's repr)
        return ", ".join(str(_csv_cell(v)) for v in value)
    if isinstance(value, Mapping):
        return ", ".join(f"{k}={_csv_cell(v)}" for k, v in value.items())
    return value


def render(
    rows: Sequence[Mapping[str, Any]],
    fmt: OutputFormat,
    *,
    console: Console,
    title: str | None = None,
    columns: Sequence[str] | None = None,
    money: Iterable[str] = (),
    empty: str = "Nothing to show.",
    json_value: Any = None,
) -> None:
    """Print ``rows`` in ``fmt``. ``json_value`` overrides what JSON prints."""
    cols = list(columns or (rows[0].keys() if rows else []))
    if fmt is OutputFormat.json:
        console.out(to_json(rows if json_value is None else json_value), highlight=False)
        return
    if fmt is OutputFormat.csv:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(cols)
        for row in rows:
            writer.writerow([_csv_cell(row.get(c)) for c in cols])
        console.out(buffer.getvalue().rstrip("\n"), highlight=False)
        return
    if not rows:
        console.print(empty)
        return
    money_cols = set(money)
    table = Table(title=title, title_justify="left", header_style="bold")
    for col in cols:
        numeric = any(isinstance(r.get(col), int | float | Decimal) for r in rows)
        table.add_column(col, justify="right" if numeric else "left")
    for row in rows:
        table.add_row(*(_cell(row.get(c), c in money_cols) for c in cols))
    console.print(table)
