"""How Azure names what it bills (FOCUS 1.0 export): resource paths, meters, resource groups."""

from __future__ import annotations

from infracast.demo.company import Provider
from infracast.demo.identities import STORAGE_CLASS, Identity, Resource, alnum_id


def identity(provider: Provider, res: Resource, pricing: str | None, seed: int) -> Identity:
    region = res.region or provider.home_region
    team = res.team or "platform"
    sub = provider.sub_accounts.get(team, provider.sub_accounts["platform"]).id
    rg = f"rg-{res.project or 'shared'}-{region}"
    sku = alnum_id(seed, "azure", res.sku, length=12)
    price_id = f"{sku}/{alnum_id(seed, 'azure-price', res.sku, pricing, length=4)}"
    where = provider.regions.get(region, region)
    if res.kind == "instance":
        meter = res.sku.removeprefix("Standard_").replace("_", " ")
        spot = " Spot" if pricing == "Dynamic" else ""
        return {
            "resource_id": f"{sub}/resourcegroups/{rg}/providers/microsoft.compute/"
            f"virtualmachines/{res.name}",
            "resource_name": res.name,
            "resource_type": "Virtual machine",
            "service_name": "Virtual Machines",
            "service_category": "Compute",
            "sku_id": sku,
            "sku_price_id": price_id,
            "charge_description": f"Virtual Machines - {meter}{spot} - {where}",
            "pricing_unit": "Hours",
            "consumed_unit": "Hours",
            "custom": {"x_ResourceGroupName": rg, "x_SkuMeterCategory": "Virtual Machines"},
        }
    if res.kind == "storage":
        account = ("larkspur" + res.name.replace("-", ""))[:24]
        return {
            "resource_id": f"{sub}/resourcegroups/{rg}/providers/microsoft.storage/"
            f"storageaccounts/{account}",
            "resource_name": account,
            "resource_type": "Storage account",
            "service_name": "Storage",
            "service_category": "Storage",
            "sku_id": sku,
            "sku_price_id": price_id,
            "charge_description": STORAGE_CLASS[res.sku][0],
            "pricing_unit": "GB-Month",
            "consumed_unit": "GB-Month",
            "custom": {"x_ResourceGroupName": rg, "x_SkuMeterCategory": "Storage"},
        }
    if res.kind == "egress":
        return {
            "resource_id": f"{sub}/resourcegroups/{rg}/providers/microsoft.network/"
            f"publicipaddresses/{res.name}-pip",
            "resource_name": f"{res.name}-pip",
            "resource_type": "Public IP address",
            "service_name": "Bandwidth",
            "service_category": "Networking",
            "sku_id": sku,
            "sku_price_id": price_id,
            "charge_description": "Standard Data Transfer Out - Zone 1",
            "pricing_unit": "GB",
            "consumed_unit": "GB",
            "custom": {"x_ResourceGroupName": rg, "x_SkuMeterCategory": "Bandwidth"},
        }
    if res.kind == "shared":
        return {
            "resource_id": f"{sub}/resourcegroups/rg-network-{region}/providers/"
            f"microsoft.network/virtualnetworkgateways/vpngw-{region}",
            "resource_name": f"vpngw-{region}",
            "resource_type": "Virtual network gateway",
            "service_name": "VPN Gateway",
            "service_category": "Networking",
            "sku_id": sku,
            "sku_price_id": price_id,
            "charge_description": "VpnGw2 - gateway hours",
            "pricing_unit": "Hours",
            "consumed_unit": "Hours",
            "custom": {
                "x_ResourceGroupName": f"rg-network-{region}",
                "x_SkuMeterCategory": "VPN Gateway",
            },
        }
    assert provider.credits is not None
    return {
        "service_name": "Virtual Machines",
        "service_category": "Compute",
        "charge_description": provider.credits.description,
        "custom": {"x_ResourceGroupName": None, "x_SkuMeterCategory": "Azure Credit"},
    }
