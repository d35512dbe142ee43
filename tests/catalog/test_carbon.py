"""Grid carbon intensity and provider PUE: the data files, the lookup steps, the errors."""

from __future__ import annotations

import csv
from importlib import resources

import pytest

from infracast.catalog import carbon
from infracast.catalog.carbon import grid_intensity, grid_table, provider_pue
from infracast.errors import CatalogError
from infracast.estimate.defaults import load_defaults


def test_a_provider_region_is_found_in_any_spelling() -> None:
    g = grid_intensity("gcp", "europe-west4")
    assert (g.gco2e_per_kwh, g.level, g.key, g.year) == (
        208.81,
        "region",
        "Google Cloud europe-west4",
        2024,
    )
    assert grid_intensity("Google Cloud", "EUROPE-WEST4") == g
    aws = grid_intensity("aws", "us-east-1")
    assert aws.gco2e_per_kwh == 323.05 and "us-east4 (Northern Virginia)" in aws.source


def test_a_country_code_region_and_an_onprem_site_fall_back_to_the_country() -> None:
    assert grid_intensity("RunPod", "US").level == "country"  # the region is a country code
    site = grid_intensity("On-premises (sjc-colo-1)", "us-west")  # 'us-' of a non-cloud
    assert (site.level, site.key, site.gco2e_per_kwh) == ("country", "US", 385.98)
    assert grid_intensity(None, "somewhere", country="fr").key == "FR"


def test_an_unknown_cloud_region_falls_to_the_world_average_not_a_wrong_country() -> None:
    # 'sa-' is South America at AWS, not Saudi Arabia (SA)
    g = grid_intensity("AWS", "sa-west-9")
    assert (g.level, g.gco2e_per_kwh) == ("world", 480.0)
    assert grid_intensity(None, None).level == "world"


def test_the_world_average_is_the_estimators_default() -> None:
    assert grid_intensity(None, None).gco2e_per_kwh == load_defaults().number(
        "energy.grid_intensity"
    )


def test_describe_names_the_figure_the_step_and_the_source() -> None:
    text = grid_intensity("azure", "westeurope").describe()
    assert text.startswith("grid intensity 208.81 gCO2e/kWh (region Microsoft westeurope, 2024): ")
    assert "Microsoft publishes no region figure" in text


def test_provider_pue() -> None:
    pue = provider_pue("gcp")
    assert pue is not None and (pue.provider, pue.pue, pue.year) == ("Google Cloud", 1.10, 2023)
    assert provider_pue("azure") is not None and provider_pue("AWS") is not None
    assert provider_pue("Lambda") is None and provider_pue(None) is None


def test_every_row_has_a_figure_a_year_and_a_source() -> None:
    rows = grid_table()
    assert len(rows) > 100
    assert all(r.source and 1990 <= r.year <= 2030 and r.gco2e_per_kwh >= 0 for r in rows)
    for name in ("grid_carbon.csv", "provider_pue.csv"):
        text = resources.files("infracast.data").joinpath(name).read_text("utf-8")
        assert all(row["source"].strip() for row in csv.DictReader(text.splitlines()))


def test_a_broken_file_is_an_error_naming_the_line(monkeypatch: pytest.MonkeyPatch) -> None:
    broken = (
        "level,provider,region,location,country,gco2e_per_kwh,year,source\n"
        "region,AWS,us-east-1,Virginia,US,lots,2024,somebody\n"
    )
    monkeypatch.setattr(
        carbon,
        "_read",
        lambda name, columns: list(enumerate(csv.DictReader(broken.splitlines()), start=2)),
    )
    carbon._grid.cache_clear()
    try:
        with pytest.raises(
            CatalogError, match="line 2, column gco2e_per_kwh: 'lots' is not a number"
        ):
            grid_intensity("aws", "us-east-1")
    finally:
        carbon._grid.cache_clear()


def test_missing_columns_are_named(monkeypatch: pytest.MonkeyPatch) -> None:
    class Fake:
        def joinpath(self, name: str) -> Fake:
            return self

        def read_text(self, encoding: str) -> str:
            return "provider,pue\nAWS,1.1\n"

    monkeypatch.setattr(carbon.resources, "files", lambda package: Fake())
    carbon._pues.cache_clear()
    try:
        with pytest.raises(CatalogError, match="lacks the columns year, scope, source"):
            provider_pue("aws")
    finally:
        carbon._pues.cache_clear()
