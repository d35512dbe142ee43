"""Purchase prices of owned GPU servers: the package's ``data/server_prices.csv``.

Each row names its public source (a launch press release, a vendor's list
price, or an analyst's estimate, said so in ``notes``); a server whose price
could not be sourced is not in the file. :func:`servers` is ``infracast catalog
servers``; :func:`server` is the one place a server name is resolved.
"""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources

from infracast.catalog._accelerators import accelerator as resolve
from infracast.catalog.exceptions import UnknownServerError
from infracast.catalog.models import ServerPrice
from infracast.errors import CatalogError, did_you_mean

LIST_COMMAND = "infracast catalog servers"


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


def servers(accelerator: str | None = None) -> list[ServerPrice]:
    """Owned-server purchase prices, newest first; only ``accelerator``'s if given (any alias)."""
    found = list(_servers())
    if accelerator is not None:
        name = resolve(accelerator).name
        found = [s for s in found if s.accelerator == name]
    return sorted(found, key=lambda s: (s.as_of, s.name), reverse=True)


def server(name: str) -> ServerPrice:
    """The catalog server named ``name`` (any case): exactly, or the only one whose name
    starts so (``NVIDIA DGX H1`` is the DGX H100)."""
    known = _servers()
    wanted = name.strip().lower()
    exact = [s for s in known if s.name.lower() == wanted]
    starting = [s for s in known if s.name.lower().startswith(wanted)]
    if exact or len(starting) == 1:
        return (exact or starting)[0]
    if len(starting) > 1:
        raise CatalogError(
            f"{name!r} names several servers: {', '.join(s.name for s in starting)}.",
            hint=f"Give the full name ({LIST_COMMAND}).",
            field="server",
        )
    raise UnknownServerError(
        f"no server named {name!r} in the catalog." + did_you_mean(name, [s.name for s in known]),
        hint=f"List the servers with: {LIST_COMMAND}",
        field="server",
    )
