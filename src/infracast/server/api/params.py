"""Query parameters shared by the routes, named and described as the CLI's options."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from infracast.catalog import PricingModel

FromQuery = Annotated[
    str | None, Query(alias="from", description="Start, inclusive (YYYY-MM-DD or ISO time, UTC).")
]
ToQuery = Annotated[
    str | None, Query(alias="to", description="End, exclusive (YYYY-MM-DD or ISO time, UTC).")
]
FilterQuery = Annotated[
    list[str] | None, Query(alias="filter", description="DIMENSION=VALUE[,VALUE...]; repeat.")
]
ProviderQuery = Annotated[str | None, Query(description="Price on this provider only.")]
PricingQuery = Annotated[PricingModel | None, Query(description="on_demand, spot, ...")]
