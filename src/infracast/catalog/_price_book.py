"""The price book: every way to rent an accelerator, with its price, source and date.

The default book is the package's ``data/price_book.csv`` (built by
``scripts/build_price_book.py`` from SkyPilot catalogs). A book may also be read
from a file in the same layout or from a SkyPilot ``vms.csv``, and combined
with extra options (prices observed in the ledger) and overrides (negotiated
prices, which replace the options they match).
"""

from __future__ import annotations

import csv
import difflib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources
from pathlib import Path

from infracast.catalog._accelerators import LIST_COMMAND, accelerator, find_accelerator
from infracast.catalog.exceptions import UnknownProviderError, UnknownRegionError
from infracast.catalog.models import PRICING_MODELS, PriceOption
from infracast.catalog.overrides import load_overrides
from infracast.catalog.providers import canonical_provider, provider_spellings, same_provider
from infracast.catalog.skypilot import import_skypilot
from infracast.errors import CatalogError, did_you_mean

COLUMNS: tuple[str, ...] = (
    "provider",
    "region",
    "instance_type",
    "accelerator",
    "accelerators_per_instance",
    "pricing_model",
    "price_per_hour",
    "currency",
    "as_of",
    "derived",
    "source",
)
_CURRENCY = re.compile(r"^[A-Z]{3}$")


class PriceBook:
    """Price options, filtered and ranked by price per accelerator-hour."""

    def __init__(self, options: Iterable[PriceOption]) -> None:
        self._options = tuple(options)

    def __len__(self) -> int:
        return len(self._options)

    def __iter__(self) -> Iterator[PriceOption]:
        return iter(self._options)

    def options(
        self,
        accelerator: str | None = None,
        provider: str | None = None,
        region: str | None = None,
        pricing_model: str | None = None,
    ) -> list[PriceOption]:
        """The options that match every filter given, cheapest per accelerator-hour first.

        ``accelerator`` is a catalog name or alias (``H100``); ``provider`` a name
        or short name (``gcp``); filters compare without regard to case. An
        accelerator, provider, region or pricing model the book has never heard
        of is a CatalogError with the closest names, not an empty list.
        """
        chosen = list(self._options)
        if accelerator is not None:
            name = _accelerator_name(accelerator)
            chosen = [o for o in chosen if o.accelerator == name]
        if provider is not None:
            wanted = self._check("provider", canonical_provider(provider), lambda o: o.provider)
            chosen = [o for o in chosen if same_provider(o.provider, wanted)]
        if region is not None:
            wanted = self._check("region", region.strip(), lambda o: o.region)
            chosen = [o for o in chosen if (o.region or "").lower() == wanted.lower()]
        if pricing_model is not None:
            model = check_pricing_model(pricing_model)
            chosen = [o for o in chosen if o.pricing_model == model]
        return sorted(chosen, key=_rank)

    def best_options(self, accelerator: str) -> list[PriceOption]:
        """The cheapest option per (provider, pricing model) for ``accelerator``, cheapest first.

        One line per way of buying: an estimate shows each with its price, source
        and date. Options in different currencies are kept apart.
        """
        best: dict[tuple[str, str, str], PriceOption] = {}
        for option in self.options(accelerator=accelerator):
            key = (option.provider, option.pricing_model, option.currency)
            if key not in best:
                best[key] = option  # options() is sorted: the first is the cheapest
        return sorted(best.values(), key=_rank)

    def _check(self, what: str, value: str, get: Callable[[PriceOption], str | None]) -> str:
        known = sorted({v for o in self._options if (v := get(o))})
        if value.lower() in {k.lower() for k in known}:
            return value
        shown = ", ".join(known[:12]) + (", …" if len(known) > 12 else "")
        spellings = {s: k for k in known for s in _spellings(what, k)}
        close = difflib.get_close_matches(value.lower(), list(spellings), n=1, cutoff=0.6)
        guess = f' Did you mean "{spellings[close[0]]}"?' if close else ""
        error = UnknownProviderError if what == "provider" else UnknownRegionError
        raise error(
            f'no {what} "{value}" in the price book.{guess}',
            field=what,
            hint=(f"The book's providers: {shown}." if what == "provider" else "")
            + f" See the {what}s with `infracast catalog prices` (--format csv to search them).",
        )


def _spellings(what: str, known: str) -> list[str]:
    names = provider_spellings(known) if what == "provider" else [known]
    return [n.lower() for n in names]


def _rank(option: PriceOption) -> tuple[str, Decimal, str, str, str, str]:
    return (
        option.currency,
        option.price_per_accelerator_hour,
        option.provider,
        option.pricing_model,
        option.region or "",
        option.instance_type or "",
    )


def _accelerator_name(name: str) -> str:
    return accelerator(name).name


def check_pricing_model(model: str) -> str:
    """``model`` if it is one of PRICING_MODELS; else a CatalogError naming them."""
    if model in PRICING_MODELS:
        return model
    raise CatalogError(
        f'unknown pricing model "{model}".{did_you_mean(model, PRICING_MODELS)}',
        hint=f"Use one of: {', '.join(PRICING_MODELS)}.",
    )


def price_book(
    path: str | Path | None = None,
    *,
    overrides: str | Path | Iterable[PriceOption] | None = None,
    extra: Iterable[PriceOption] = (),
) -> PriceBook:
    """A price book: the packaged one, or the file at ``path``, plus ``extra``, then overrides.

    ``path`` may be in the package's layout (:data:`COLUMNS`) or a SkyPilot
    ``vms.csv``. ``overrides`` (a YAML file, see :func:`load_overrides`, or
    options) replace every option of the same provider, accelerator and pricing
    model whose region and instance type match theirs (an override without a
    region or instance type matches all of them).
    """
    base = list(default_options() if path is None else read_prices(path))
    base += list(extra)
    if overrides is None:
        return PriceBook(base)
    wins = load_overrides(overrides) if isinstance(overrides, str | Path) else list(overrides)
    return PriceBook(apply_overrides(base, wins))


def apply_overrides(
    options: Sequence[PriceOption], overrides: Sequence[PriceOption]
) -> list[PriceOption]:
    """``options`` without those an override replaces, then the overrides."""
    kept = [o for o in options if not any(_replaces(w, o) for w in overrides)]
    return [*kept, *overrides]


def _replaces(override: PriceOption, option: PriceOption) -> bool:
    return (
        same_provider(override.provider, option.provider)
        and override.accelerator == option.accelerator
        and override.pricing_model == option.pricing_model
        and (override.region is None or override.region == option.region)
        and (override.instance_type is None or override.instance_type == option.instance_type)
    )


@cache
def default_options() -> tuple[PriceOption, ...]:
    """The packaged price book's options (read once)."""
    text = resources.files("infracast.data").joinpath("price_book.csv").read_text("utf-8")
    return tuple(_parse(text.splitlines(), "data/price_book.csv"))


def read_prices(path: str | Path) -> list[PriceOption]:
    """Options from a price file: the package's CSV layout or a SkyPilot ``vms.csv``."""
    file = Path(path)
    if not file.is_file():
        raise CatalogError(
            f"no price file at {file}.",
            hint="Pass a CSV in the price book's layout or a SkyPilot vms.csv.",
        )
    with file.open(encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh), [])
    if "InstanceType" in header and "Price" in header:
        return import_skypilot(file)
    with file.open(encoding="utf-8", newline="") as fh:
        return _parse(fh, str(file))


def _parse(lines: Iterable[str], where: str) -> list[PriceOption]:
    reader = csv.DictReader(lines)
    required = [c for c in COLUMNS if c != "derived"]
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        raise CatalogError(
            f"{where} is not a price book: it lacks the columns {', '.join(missing)}.",
            hint=f"A price book has the columns {', '.join(COLUMNS)}; a SkyPilot vms.csv "
            "is read as well.",
        )
    return [_row(row, where, line) for line, row in enumerate(reader, start=2)]


def _row(row: dict[str, str], where: str, line: int) -> PriceOption:
    def fail(column: str, problem: str, hint: str) -> CatalogError:
        return CatalogError(f"{where} line {line}, column {column}: {problem}", hint=hint)

    found = find_accelerator(row["accelerator"] or "")
    if found is None:
        raise fail(
            "accelerator",
            f'unknown accelerator "{row["accelerator"]}".',
            f"Use a catalog name or alias (`{LIST_COMMAND}`).",
        )
    model = row["pricing_model"].strip()
    if model not in PRICING_MODELS:
        raise fail(
            "pricing_model",
            f'"{model}" is not a pricing model.{did_you_mean(model, PRICING_MODELS)}',
            f"Use one of: {', '.join(PRICING_MODELS)}.",
        )
    try:
        price = Decimal(row["price_per_hour"].strip())
        count = float(row["accelerators_per_instance"])
    except (InvalidOperation, ValueError):
        raise fail(
            "price_per_hour",
            "price_per_hour and accelerators_per_instance must be numbers.",
            "Write prices as plain decimals (12.5), per instance-hour.",
        ) from None
    if not price.is_finite() or price <= 0 or count <= 0:
        raise fail(
            "price_per_hour",
            "price_per_hour and accelerators_per_instance must be above zero.",
            "Leave out a row that has no price; 0 is not a price.",
        )
    currency = row["currency"].strip()
    if not _CURRENCY.match(currency):
        raise fail("currency", f'"{currency}" is not an ISO 4217 code.', "Write USD, EUR, …")
    try:
        as_of = date.fromisoformat(row["as_of"].strip())
    except ValueError:
        raise fail("as_of", f'"{row["as_of"]}" is not a date.', "Write YYYY-MM-DD.") from None
    return PriceOption(
        provider=canonical_provider(row["provider"]),
        accelerator=found.name,
        accelerators_per_instance=count,
        pricing_model=model,
        price_per_hour=price,
        currency=currency,
        as_of=as_of,
        source=row["source"].strip(),
        region=row["region"].strip() or None,
        instance_type=row["instance_type"].strip() or None,
        derived=(row.get("derived") or "").strip().lower() in ("true", "1", "yes"),
    )


def write_prices(options: Iterable[PriceOption], path: str | Path) -> int:
    """Write ``options`` to ``path`` in the price book's CSV layout; the number of rows."""
    rows = [_cells(o) for o in options]
    with Path(path).open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    return len(rows)


def _cells(option: PriceOption) -> list[str]:
    count = option.accelerators_per_instance
    return [
        option.provider,
        option.region or "",
        option.instance_type or "",
        option.accelerator,
        str(int(count)) if float(count).is_integer() else repr(count),
        option.pricing_model,
        format(option.price_per_hour.normalize(), "f"),
        option.currency,
        option.as_of.isoformat(),
        "true" if option.derived else "",
        option.source,
    ]
