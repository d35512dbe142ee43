"""assets.yaml: the on-prem cluster in the asset register format of docs/sources.md."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import yaml

from infracast.demo import DemoManifest
from infracast.demo.onprem import server_count

# docs/sources.md, "Asset register": required keys and the ones the demo always gives.
REQUIRED = {"id", "purchase_date", "purchase_price"}
GIVEN = REQUIRED | {"name", "site", "resource_id", "gpu_type", "gpu_count", "power_kw", "region"}
DEFAULT_KEYS = {
    "currency",
    "useful_life_years",
    "salvage_pct",
    "pue",
    "energy_price_per_kwh",
    "default_utilization",
}


def test_assets_yaml_has_the_keys_the_format_requires(demo: tuple[Path, DemoManifest]) -> None:
    out, manifest = demo
    doc = yaml.safe_load((out / "assets.yaml").read_text())
    assert set(doc) == {"defaults", "assets"}
    assert set(doc["defaults"]) == DEFAULT_KEYS
    assert len(doc["assets"]) == manifest.files["assets"][0].rows
    ids = [a["id"] for a in doc["assets"]]
    assert len(ids) == len(set(ids))
    for asset in doc["assets"]:
        assert set(asset) == GIVEN
        assert isinstance(asset["purchase_date"], date)
        assert "team" not in asset  # the cluster is shared


def test_cluster_has_h100_servers_bought_before_and_during_the_period_and_older_a100s(
    demo: tuple[Path, DemoManifest],
) -> None:
    out, _ = demo
    assets = yaml.safe_load((out / "assets.yaml").read_text())["assets"]
    h100 = [a for a in assets if a["gpu_type"] == "H100-SXM"]
    a100 = [a for a in assets if a["gpu_type"] == "A100-80GB"]
    assert 8 <= len(h100) <= 16 and a100
    start = date(2025, 11, 1)
    assert any(a["purchase_date"] < start for a in h100)
    assert any(a["purchase_date"] >= start for a in h100)
    assert all(a["purchase_date"] < date(2023, 1, 1) for a in a100)
    assert all(a["gpu_count"] == 8 for a in assets)


def test_the_cluster_grows_with_rows_within_its_range() -> None:
    assert server_count(8, 16, 5_000) == 8
    assert server_count(8, 16, 200_000) == 8
    assert server_count(8, 16, 800_000) == 12  # 8 + 2 × log2(4)
    assert server_count(8, 16, 100_000_000) == 16
