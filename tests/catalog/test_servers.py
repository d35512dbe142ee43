"""Owned-server purchase prices, each with a public source."""

from __future__ import annotations

from decimal import Decimal

from infracast.catalog import server_prices


def test_dgx_a100_launch_price() -> None:
    # NVIDIA press release, 2020-05-14: DGX A100 systems start at $199,000.
    (dgx,) = [s for s in server_prices("A100-40GB") if s.name.startswith("NVIDIA DGX A100")]
    assert (dgx.purchase_price, dgx.currency, dgx.accelerators_per_server) == (
        Decimal("199000"),
        "USD",
        8,
    )
    assert dgx.as_of.isoformat() == "2020-05-14" and "press release" in dgx.source


def test_every_server_names_its_source_and_a_catalog_accelerator() -> None:
    servers = server_prices()
    assert len(servers) >= 5
    for server in servers:
        assert server.source and server.purchase_price > 0 and server.currency == "USD"
    assert [s.as_of for s in servers] == sorted((s.as_of for s in servers), reverse=True)


def test_filter_accepts_aliases() -> None:
    assert [s.name for s in server_prices("H100")] == ["NVIDIA DGX H100"]
    assert server_prices("TPU-v5e") == []
