"""Purchase prices of owned GPU servers: the package's ``data/server_prices.csv``.

Each row names its public source (a launch press release, a vendor's list
price, or an analyst's estimate, said so in ``notes``); a server whose price
could not be sourced is not in the file.
"""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources

from infracast.catalog.accelerators import accelerator as resolve
from infracast.catalog.models import ServerPrice


@cache
def _servers() -> tuple[ServerPrice, ...]:
    text = resources.files("infracast.data").joinpath("server_prices.csv").read_text("utf-8")
    return tuple(
        ServerPrice(
            name=row["name"],
            accelerator=resolve(row["accelerator"]).name,
            accelerators_per_server=int(row["accelerators_per_server"]),
            purchase_price=Decimal(row["purchase_price"]),
            currency=row["currency"],
            as_of=date.fromisoformat(row["as_of"]),
            source=row["source"],
            power_kw=float(row["power_kw"]) if row["power_kw"] else None,
            extra={"notes": row["notes"]} if row.get("notes") else {},
        )
        for row in csv.DictReader(text.splitlines())
    )


def server_prices(accelerator: str | None = None) -> list[ServerPrice]:
    """Owned-server purchase prices, newest first; only ``accelerator``'s if given (any alias)."""
    servers = list(_servers())
    if accelerator is not None:
        name = resolve(accelerator).name
        servers = [s for s in servers if s.accelerator == name]
    return sorted(servers, key=lambda s: (s.as_of, s.name), reverse=True)
