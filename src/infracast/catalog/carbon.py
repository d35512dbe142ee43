"""Grid carbon intensity by region and the providers' PUE: ``data/grid_carbon.csv`` and
``data/provider_pue.csv``, each row with its source and year.

Grid intensity (gCO2e per kWh) is looked up in three steps, and the answer says which one
gave it (:attr:`GridIntensity.level`):

1. **region**: the provider's region id (``AWS us-east-1``, ``gcp europe-west4``, ``azure
   westeurope``), any case; a region no row of that provider names is looked up among the
   other providers' rows of the same id;
2. **country**: the ISO 3166-1 alpha-2 ``country`` given, else the region itself when it is
   a country code (``US``, RunPod's regions), else, for providers that are not one of the
   three clouds (on-premises sites, ``us-west``), the region's first part before a ``-``
   when that is a country code;
3. **world**: the world average (the ``energy.grid_intensity`` default of the estimators).

The three clouds' region prefixes (``eu-``, ``ap-``, ``sa-``, ``me-``) are not countries,
so a cloud region the table lacks falls to the world average rather than to a wrong
country.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

from infracast.catalog.providers import canonical_provider
from infracast.errors import CatalogError

Level = Literal["region", "country", "world"]
GRID_COLUMNS: tuple[str, ...] = (
    "level",
    "provider",
    "region",
    "location",
    "country",
    "gco2e_per_kwh",
    "year",
    "source",
)
PUE_COLUMNS: tuple[str, ...] = ("provider", "pue", "year", "scope", "source")
CLOUDS: frozenset[str] = frozenset({"AWS", "Google Cloud", "Microsoft"})


@dataclass(frozen=True)
class GridIntensity:
    """A grid's carbon intensity, the step of the lookup that found it, and its source."""

    gco2e_per_kwh: float
    level: Level
    key: str  # "AWS us-east-1", "US" or "world": what was matched
    year: int
    source: str

    def describe(self) -> str:
        """One line for an assumption: the figure, what it is for, its source and year."""
        what = {"region": "region", "country": "country average", "world": "world average"}
        return (
            f"grid intensity {self.gco2e_per_kwh:g} gCO2e/kWh ({what[self.level]} {self.key}, "
            f"{self.year}): {self.source}"
        )


@dataclass(frozen=True)
class ProviderPue:
    """A provider's published power usage effectiveness."""

    provider: str
    pue: float
    year: int
    scope: str
    source: str


def _read(name: str, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    text = resources.files("infracast.data").joinpath(name).read_text("utf-8")
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in columns if c not in (reader.fieldnames or [])]
    if missing:
        raise CatalogError(
            f"data/{name} lacks the columns {', '.join(missing)}.",
            hint=f"It needs the columns {', '.join(columns)}; see src/infracast/data/README.md.",
        )
    return list(enumerate(reader, start=2))


def _number(row: dict[str, str], column: str, name: str, line: int, low: float) -> float:
    try:
        value = float(row[column])
    except ValueError:
        value = float("nan")
    if not value >= low:  # also rejects NaN
        raise CatalogError(
            f"data/{name} line {line}, column {column}: {row[column]!r} is not a number "
            f"of at least {low:g}.",
            hint="Write plain decimals; every row needs its figure, year and source.",
        )
    return value


@cache
def _grid() -> tuple[GridIntensity, dict[tuple[str, str], GridIntensity], dict[str, GridIntensity]]:
    name = "grid_carbon.csv"
    world: GridIntensity | None = None
    regions: dict[tuple[str, str], GridIntensity] = {}
    countries: dict[str, GridIntensity] = {}
    for line, row in _read(name, GRID_COLUMNS):
        level = row["level"].strip()
        value = _number(row, "gco2e_per_kwh", name, line, 0.0)
        year = int(_number(row, "year", name, line, 1990))
        source = row["source"].strip()
        if not source:
            raise CatalogError(
                f"data/{name} line {line}: no source.", hint="Name the source of every figure."
            )
        if level == "region":
            provider = canonical_provider(row["provider"])
            key = f"{provider} {row['region'].strip()}"
            item = GridIntensity(value, "region", key, year, source)
            regions[(provider.lower(), row["region"].strip().lower())] = item
        elif level == "country":
            code = row["country"].strip().upper()
            countries[code] = GridIntensity(value, "country", code, year, source)
        elif level == "world":
            world = GridIntensity(value, "world", "world", year, source)
        else:
            raise CatalogError(
                f"data/{name} line {line}, column level: {level!r} is not region, country "
                "or world.",
                hint="Each row is a region, a country or the world average.",
            )
    if world is None:
        raise CatalogError(
            f"data/{name} has no world row.", hint="Add the world average as the last row."
        )
    return world, regions, countries


def grid_intensity(
    provider: str | None, region: str | None, country: str | None = None
) -> GridIntensity:
    """The carbon intensity of the grid at ``provider``'s ``region`` (see the module
    docstring for the three steps); never fails: the last step is the world average."""
    world, regions, countries = _grid()
    name = canonical_provider(provider) if provider else ""
    wanted = (region or "").strip().lower()
    if wanted:
        found = regions.get((name.lower(), wanted))
        if found is None:
            same = [v for (_, r), v in sorted(regions.items()) if r == wanted]
            found = same[0] if same else None
        if found is not None:
            return found
    for code in _country_candidates(name, wanted, country):
        if code in countries:
            return countries[code]
    return world


def _country_candidates(provider: str, region: str, country: str | None) -> list[str]:
    codes = [country.strip().upper()] if country else []
    if len(region) == 2:
        codes.append(region.upper())
    head = region.split("-", 1)[0]
    if provider not in CLOUDS and len(head) == 2 and "-" in region:
        codes.append(head.upper())
    return codes


def grid_table() -> list[GridIntensity]:
    """Every row of the grid table: regions, then countries, then the world average."""
    world, regions, countries = _grid()
    return [*regions.values(), *countries.values(), world]


@cache
def _pues() -> dict[str, ProviderPue]:
    name = "provider_pue.csv"
    out: dict[str, ProviderPue] = {}
    for line, row in _read(name, PUE_COLUMNS):
        provider = canonical_provider(row["provider"])
        out[provider.lower()] = ProviderPue(
            provider=provider,
            pue=_number(row, "pue", name, line, 1.0),
            year=int(_number(row, "year", name, line, 1990)),
            scope=row["scope"].strip(),
            source=row["source"].strip(),
        )
    return out


def provider_pue(provider: str | None) -> ProviderPue | None:
    """``provider``'s published PUE (any spelling: ``gcp``, ``Google Cloud``), else None."""
    if not provider:
        return None
    return _pues().get(canonical_provider(provider).lower())
