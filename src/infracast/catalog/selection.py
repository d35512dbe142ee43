"""Which price book to use and which of its prices to keep: one model for every front.

:class:`PriceSelection` is the input that every command pricing accelerators
shares (``infracast catalog prices``, ``infracast estimate training | finetune
| inference | build-vs-buy``): the price book file, the negotiated overrides,
and the provider, region and pricing model to keep. Its defaults (the
``price_book`` and ``price_overrides`` settings, else the packaged book) are
resolved here, so the CLI's options, a future API request body and a Python
call mean the same thing. :func:`prices` is ``infracast catalog prices``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from infracast.catalog._accelerators import accelerator as resolve
from infracast.catalog._price_book import PriceBook, price_book
from infracast.catalog.models import PriceOption, PricingModel
from infracast.catalog.providers import same_provider
from infracast.errors import CatalogError
from infracast.settings import load_settings
from infracast.validation import problem, problems_message


class PricePoint(Protocol):
    """What a filter reads of a price: a PriceOption or an estimate's price line."""

    @property
    def provider(self) -> str: ...
    @property
    def region(self) -> str | None: ...
    @property
    def pricing_model(self) -> str: ...


ItemT = TypeVar("ItemT")


class PriceSelection(BaseModel):
    """The price book to read and the prices to keep (every filter given must match)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    prices: Path | None = Field(
        default=None,
        description="Price book: a CSV in the price book's layout or a SkyPilot vms.csv "
        "(default: the price_book setting, else the packaged book).",
    )
    overrides: Path | None = Field(
        default=None,
        description="YAML of negotiated prices that replace matching ones "
        "(default: the price_overrides setting).",
    )
    provider: str | None = Field(
        default=None,
        description="Only this provider (AWS, gcp, azure, Lambda…; any case).",
    )
    region: str | None = Field(default=None, description="Only this region id.")
    pricing: PricingModel | None = Field(default=None, description="Only this pricing model.")

    @classmethod
    def of(cls, selection: PriceSelection | None = None, **fields: Any) -> PriceSelection:
        """``selection`` with ``fields`` (None = not given) laid over it; a CatalogError
        naming each invalid field."""
        base = selection.model_dump(exclude_unset=True) if selection is not None else {}
        data = {**base, **{k: v for k, v in fields.items() if v is not None}}
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            said = [
                f"{'.'.join(str(p) for p in e['loc']) or 'selection'}: "
                f"{problem(e, cls.model_fields)}"
                for e in exc.errors()
            ]
            raise CatalogError(
                problems_message("the price selection", said),
                hint="Its fields: prices (a file), overrides (a file), provider, region and "
                f"pricing ({', '.join(m.value for m in PricingModel)}).",
            ) from None

    def book(self, extra: Iterable[PriceOption] = ()) -> PriceBook:
        """The price book: the file (or the price_book setting, else the packaged book),
        plus ``extra`` options, then the overrides (or the price_overrides setting)."""
        settings = load_settings()
        return price_book(
            self.prices or settings.price_book,
            overrides=self.overrides or settings.price_overrides,
            extra=extra,
        )

    def best_options(self, accelerator: str) -> list[PriceOption]:
        """The book's cheapest option per provider and pricing model for ``accelerator``
        (the filters are applied to what is computed from them, by :meth:`keep`)."""
        return self.book().best_options(resolve(accelerator).name)

    @property
    def filters(self) -> bool:
        """Whether any of provider, region and pricing is given."""
        return any(v is not None for v in (self.provider, self.region, self.pricing))

    def matches(self, price: PricePoint) -> bool:
        """Whether ``price`` passes every filter given (provider by any of its names)."""
        return (
            (self.provider is None or same_provider(price.provider, self.provider))
            and (self.region is None or (price.region or "").lower() == self.region.lower())
            and (self.pricing is None or price.pricing_model == self.pricing)
        )

    def keep(self, items: Sequence[ItemT], price: Callable[[ItemT], PricePoint]) -> list[ItemT]:
        """The ``items`` whose ``price`` passes the filters; when filters are given and
        nothing passes, a CatalogError listing what the items offer."""
        kept = [item for item in items if self.matches(price(item))]
        if self.filters and not kept:
            offered = sorted({f"{price(i).provider} {price(i).pricing_model}" for i in items})
            raise CatalogError(
                "no price line matches"
                + (f" provider {self.provider}" if self.provider else "")
                + (f" region {self.region}" if self.region else "")
                + (f" pricing {self.pricing}" if self.pricing else "")
                + ".",
                hint=f"The price book offers: {', '.join(offered) or 'nothing'}.",
            )
        return kept


@dataclass(frozen=True)
class PriceListing:
    """The answer of :func:`prices`: the options shown and how many matched."""

    accelerator: str | None  # the catalog name of the accelerator asked for
    options: tuple[PriceOption, ...]  # cheapest per accelerator-hour first, at most top
    matched: int  # how many options matched, before the top cut

    def to_json(self) -> list[dict[str, Any]]:
        """One object per option (``infracast catalog prices --format json``)."""
        return [option.to_dict() for option in self.options]


def prices(
    selection: PriceSelection | None = None,
    /,
    *,
    accelerator: str | None = None,
    top: int | None = None,
    observed: Iterable[PriceOption] = (),
    **fields: Any,
) -> PriceListing:
    """Ways to rent accelerators, cheapest per accelerator-hour first (``infracast catalog
    prices``), e.g. ``prices(accelerator="H100", provider="gcp", pricing="spot", top=5)``.

    ``fields`` are those of :class:`PriceSelection`; ``observed`` adds price options
    measured elsewhere (the ledger's, :mod:`infracast.analytics.observed_prices`) to the
    book before the overrides. A provider, region or accelerator the book has never
    heard of is an error with the closest names, not an empty list.
    """
    chosen = PriceSelection.of(selection, **fields)
    if top is not None and top < 1:
        raise CatalogError(
            f"top must be at least 1 (got {top}).",
            hint="Leave top out to list every matching price.",
            field="top",
        )
    found = chosen.book(extra=observed).options(
        accelerator=accelerator,
        provider=chosen.provider,
        region=chosen.region,
        pricing_model=chosen.pricing.value if chosen.pricing else None,
    )
    return PriceListing(
        accelerator=resolve(accelerator).name if accelerator else None,
        options=tuple(found[:top] if top else found),
        matched=len(found),
    )
