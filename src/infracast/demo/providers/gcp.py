"""How Google Cloud names what it bills (FOCUS 1.3 export): resource names, SKU ids, CUDs."""

from __future__ import annotations

import json

from infracast.demo.company import Provider
from infracast.demo.identities import STORAGE_CLASS, Identity, Resource, alnum_id, hex_id

_GEO = {"us-central1": "Americas", "europe-west4": "EMEA"}
_COMPUTE_SERVICE_ID = "6F81-5844-456A"
_STORAGE_SERVICE_ID = "95FF-2EF5-5EA1"


def identity(provider: Provider, res: Resource, pricing: str | None, seed: int) -> Identity:
    region = res.region or provider.home_region
    geo = _GEO.get(region, "Americas")
    project = provider.sub_accounts.get(
        res.team or "platform", provider.sub_accounts["platform"]
    ).id
    sku = "-".join(alnum_id(seed, "gcp", res.sku, pricing, length=12)[i : i + 4] for i in (0, 4, 8))
    price_id = hex_id(seed, "gcp-price", res.sku, pricing, length=24)
    zone = f"{region}-{'abc'[int(hex_id(seed, res.name, length=2), 16) % 3]}"
    if res.kind == "instance":
        it = res.sku
        desc = {
            "Dynamic": f"Spot Preemptible {it} instance running in {geo}",
            "Committed": f"{it} instance running in {geo} (committed use)",
        }.get(pricing or "", f"{it} instance running in {geo}")
        return {
            "resource_id": (
                f"//compute.googleapis.com/projects/{project}/zones/{zone}/instances/{res.name}"
            ),
            "resource_name": res.name,
            "resource_type": "compute.googleapis.com/Instance",
            "service_name": "Compute Engine",
            "service_category": "Compute",
            "service_subcategory": "Virtual Machines",
            "sku_id": sku,
            "sku_meter": "Instance",
            "sku_price_id": price_id,
            "sku_price_details": json.dumps({"InstanceType": it}, separators=(",", ":")),
            "charge_description": desc,
            "availability_zone": zone,
            "pricing_unit": "Hours",
            "consumed_unit": "Hours",
            "custom": {"x_ServiceId": _COMPUTE_SERVICE_ID, "x_CostType": "regular"},
        }
    if res.kind == "storage":
        return {
            "resource_id": f"//storage.googleapis.com/projects/_/buckets/larkspur-{res.name}",
            "resource_name": f"larkspur-{res.name}",
            "resource_type": "storage.googleapis.com/Bucket",
            "service_name": "Cloud Storage",
            "service_category": "Storage",
            "service_subcategory": "Object Storage",
            "sku_id": sku,
            "sku_meter": "Storage",
            "sku_price_id": price_id,
            "charge_description": STORAGE_CLASS[res.sku][0],
            "pricing_unit": "GB-Month",
            "consumed_unit": "GB-Month",
            "custom": {"x_ServiceId": _STORAGE_SERVICE_ID, "x_CostType": "regular"},
        }
    if res.kind == "egress":
        replication = res.sku == "inter-region"
        return {
            "resource_id": (
                f"//storage.googleapis.com/projects/_/buckets/larkspur-{res.name}"
                if replication
                else f"//compute.googleapis.com/projects/{project}/regions/{region}/"
                f"forwardingRules/{res.name}"
            ),
            "resource_name": f"larkspur-{res.name}" if replication else res.name,
            "service_name": "Cloud Storage" if replication else "Compute Engine",
            "service_category": "Networking",
            "service_subcategory": "Network Connectivity",
            "sku_id": sku,
            "sku_meter": "Data Transfer",
            "sku_price_id": price_id,
            "charge_description": (
                "Network Data Transfer GCP Replication from Northern America to Europe"
                if replication
                else f"Network Internet Data Transfer Out from {geo} to Americas"
            ),
            "pricing_unit": "GB",
            "consumed_unit": "GB",
            "custom": {
                "x_ServiceId": _STORAGE_SERVICE_ID if replication else _COMPUTE_SERVICE_ID,
                "x_CostType": "regular",
            },
        }
    platform = provider.sub_accounts["platform"]
    common = {"sub_account_id": platform.id, "sub_account_name": platform.name}
    if res.kind == "shared":
        return common | {
            "resource_id": f"//compute.googleapis.com/projects/{platform.id}/regions/{region}/"
            f"routers/nat-{hex_id(seed, res.name, length=8)}",
            "resource_name": f"nat-{hex_id(seed, res.name, length=8)}",
            "resource_type": "compute.googleapis.com/Router",
            "service_name": "Networking",
            "service_category": "Networking",
            "service_subcategory": "Network Infrastructure",
            "sku_id": sku,
            "sku_meter": "NAT Gateway",
            "sku_price_id": price_id,
            "charge_description": "Cloud NAT Gateway uptime charge",
            "pricing_unit": "Hours",
            "consumed_unit": "Hours",
            "custom": {"x_ServiceId": "E505-1604-58F8", "x_CostType": "regular"},
        }
    if res.kind == "support":
        assert provider.support is not None
        return common | {
            "service_name": provider.support.service,
            "service_category": "Management and Governance",
            "service_subcategory": "Support",
            "sku_id": sku,
            "charge_description": f"{provider.support.service}, monthly fee",
            "pricing_unit": "Months",
            "custom": {"x_ServiceId": "2062-016F-44A2", "x_CostType": "regular"},
        }
    if res.kind == "commitment":
        assert provider.commitment is not None
        serving = provider.sub_accounts["inference-platform"].id
        name = f"cud-{hex_id(seed, 'cud', length=10)}"
        return {
            "sub_account_id": serving,
            "sub_account_name": provider.sub_accounts["inference-platform"].name,
            "resource_id": f"//compute.googleapis.com/projects/{serving}/regions/{region}/"
            f"commitments/{name}",
            "resource_name": name,
            "resource_type": "compute.googleapis.com/Commitment",
            "service_name": "Compute Engine",
            "service_category": "Compute",
            "service_subcategory": "Virtual Machines",
            "sku_id": sku,
            "charge_description": f"{provider.commitment.name}, monthly commitment fee",
            "pricing_unit": "Hours",
            "custom": {"x_ServiceId": _COMPUTE_SERVICE_ID, "x_CostType": "commitment"},
        }
    assert provider.credits is not None
    return common | {
        "service_name": "Compute Engine",
        "service_category": "Compute",
        "service_subcategory": "Virtual Machines",
        "charge_description": provider.credits.description,
        "custom": {"x_ServiceId": _COMPUTE_SERVICE_ID, "x_CostType": "credit"},
    }
