"""Owned-server purchase prices, each with a public source."""

from __future__ import annotations

from decimal import Decimal

import pytest

from infracast.catalog import server, servers
from infracast.errors import CatalogError, NotFoundError


def test_dgx_a100_launch_price() -> None:
    # NVIDIA press release, 2020-05-14: DGX A100 systems start at $199,000.
    (dgx,) = [s for s in servers("A100-40GB") if s.name.startswith("NVIDIA DGX A100")]
    assert (dgx.purchase_price, dgx.currency, dgx.accelerators_per_server) == (
        Decimal("199000"),
        "USD",
        8,
    )
    assert dgx.as_of.isoformat() == "2020-05-14" and "press release" in dgx.source


def test_every_server_names_its_source_and_a_catalog_accelerator() -> None:
    found = servers()
    assert len(found) >= 5
    for one in found:
        assert one.source and one.purchase_price > 0 and one.currency == "USD"
    assert [s.as_of for s in found] == sorted((s.as_of for s in found), reverse=True)


def test_filter_accepts_aliases() -> None:
    assert [s.name for s in servers("H100")] == ["NVIDIA DGX H100"]
    assert servers("TPU-v5e") == []


def test_a_server_resolves_exactly_in_any_case() -> None:
    assert server("nvidia dgx h100").name == "NVIDIA DGX H100"


def test_a_prefix_only_one_server_has_names_it() -> None:
    assert server("NVIDIA DGX H1").name == "NVIDIA DGX H100"


def test_a_prefix_several_servers_share_lists_them() -> None:
    with pytest.raises(CatalogError, match=r"names several servers: .*NVIDIA DGX H100"):
        server("NVIDIA DGX")


def test_an_unknown_server_is_not_found_with_the_closest_name_and_the_list_command() -> None:
    with pytest.raises(NotFoundError) as caught:
        server("NVIDIA DGX X9")
    assert isinstance(caught.value, CatalogError)
    assert 'Did you mean "NVIDIA DGX-2"' in caught.value.message
    assert caught.value.hint == "List the servers with: infracast catalog servers"


def test_a_server_as_plain_data_has_its_notes() -> None:
    row = server("NVIDIA DGX H100").to_dict()
    assert row["accelerator"] == "H100-SXM" and row["notes"] and row["source"]
