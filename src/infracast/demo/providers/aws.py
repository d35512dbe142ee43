"""How AWS names what it bills (FOCUS 1.2 export): ARNs, usage types, Savings Plans."""

from __future__ import annotations

import json

from infracast.demo.company import Provider
from infracast.demo.identities import STORAGE_CLASS, Identity, Resource, alnum_id, hex_id, money

_REGION_CODE = {"us-east-1": "USE1", "us-west-2": "USW2"}


def identity(provider: Provider, res: Resource, pricing: str | None, seed: int) -> Identity:
    payer = provider.billing_account.id
    acct = provider.sub_accounts.get(res.team or "platform", provider.sub_accounts["platform"]).id
    region = res.region or provider.home_region
    code = _REGION_CODE.get(region, "USE1")
    price = provider.prices.get(res.sku, 0.0)
    sku_id = alnum_id(seed, "aws", res.sku, length=16)
    term = {"Dynamic": "SPOT", "Committed": "SAVINGS"}.get(pricing or "", "JRTCKXETXF")
    zone = region + "abc"[int(hex_id(seed, res.name, length=2), 16) % 3]
    if res.kind == "instance":
        it = res.sku
        iid = "i-0" + hex_id(seed, "aws", res.name, length=16)
        spot = pricing == "Dynamic"
        desc = {
            "Dynamic": f"{it} Spot Linux instance hour",
            "Committed": f"{it} Linux instance hour covered by Compute Savings Plan",
        }.get(pricing or "", f"{it} On Demand Linux instance hour")
        return {
            "resource_id": f"arn:aws:ec2:{region}:{acct}:instance/{iid}",
            "resource_name": res.name,
            "resource_type": "Instance",
            "service_name": "Amazon Elastic Compute Cloud",
            "service_category": "Compute",
            "service_subcategory": "Virtual Machines",
            "sku_id": sku_id,
            "sku_meter": "SpotUsage" if spot else "BoxUsage",
            "sku_price_id": f"{sku_id}.{term}.6YS6EN2CT7",
            "sku_price_details": json.dumps(
                {"InstanceType": it, "OperatingSystem": "Linux", "Tenancy": "Shared"},
                separators=(",", ":"),
            ),
            "charge_description": desc,
            "availability_zone": zone,
            "pricing_unit": "Hours",
            "consumed_unit": "Hours",
            "custom": {
                "x_UsageType": f"{code}-{'SpotUsage' if spot else 'BoxUsage'}:{it}",
                "x_Operation": "RunInstances:SV001" if spot else "RunInstances",
                "x_ServiceCode": "AmazonEC2",
            },
        }
    if res.kind == "storage":
        klass, usage = STORAGE_CLASS[res.sku]
        return {
            "resource_id": f"arn:aws:s3:::larkspur-{res.name}",
            "resource_name": f"larkspur-{res.name}",
            "resource_type": "Bucket",
            "service_name": "Amazon Simple Storage Service",
            "service_category": "Storage",
            "service_subcategory": "Object Storage",
            "sku_id": sku_id,
            "sku_meter": "Storage",
            "sku_price_id": f"{sku_id}.{term}.PGHJ3S3EYE",
            "charge_description": f"{money(price)} per GB-Month of {klass} storage used",
            "pricing_unit": "GB-Month",
            "consumed_unit": "GB-Month",
            "custom": {
                "x_UsageType": f"{code}-{usage}",
                "x_Operation": "StandardStorage" if klass == "Standard" else "StandardIAStorage",
                "x_ServiceCode": "AmazonS3",
            },
        }
    if res.kind == "egress":
        if res.sku == "inter-region":
            other = "us-west-2" if region == "us-east-1" else "us-east-1"
            rid = f"arn:aws:s3:::larkspur-{res.name}"
            desc = (
                f"{money(price)} per GB - data transfer from {provider.regions[region]} "
                f"to {provider.regions[other]}"
            )
            usage = f"{code}-{_REGION_CODE[other]}-AWS-Out-Bytes"
        else:
            rid = (
                f"arn:aws:elasticloadbalancing:{region}:{acct}:loadbalancer/app/"
                f"{res.name}/{hex_id(seed, res.name)}"
            )
            desc = f"{money(price)} per GB - data transfer out of {provider.regions[region]}"
            usage = f"{code}-DataTransfer-Out-Bytes"
        return {
            "resource_id": rid,
            "resource_name": res.name,
            "service_name": "AWS Data Transfer",
            "service_category": "Networking",
            "service_subcategory": "Network Connectivity",
            "sku_id": sku_id,
            "sku_meter": "Data Transfer",
            "sku_price_id": f"{sku_id}.{term}.N7WSYHVUSW",
            "charge_description": desc,
            "pricing_unit": "GB",
            "consumed_unit": "GB",
            "custom": {"x_UsageType": usage, "x_Operation": "", "x_ServiceCode": "AWSDataTransfer"},
        }
    if res.kind == "shared":
        nat = "nat-0" + hex_id(seed, res.name, length=17)
        return {
            "resource_id": f"arn:aws:ec2:{region}:{payer}:natgateway/{nat}",
            "resource_name": nat,
            "resource_type": "NAT Gateway",
            "service_name": "Amazon Virtual Private Cloud",
            "service_category": "Networking",
            "service_subcategory": "Network Infrastructure",
            "sku_id": sku_id,
            "sku_meter": "NAT Gateway",
            "sku_price_id": f"{sku_id}.{term}.6YS6EN2CT7",
            "charge_description": f"{money(price)} per NAT Gateway Hour",
            "availability_zone": zone,
            "pricing_unit": "Hours",
            "consumed_unit": "Hours",
            "sub_account_id": payer,
            "sub_account_name": provider.sub_accounts["platform"].name,
            "custom": {
                "x_UsageType": f"{code}-NatGateway-Hours",
                "x_Operation": "NatGateway",
                "x_ServiceCode": "AmazonVPC",
            },
        }
    return _billing(provider, res, seed)


def _billing(provider: Provider, res: Resource, seed: int) -> Identity:
    payer = provider.billing_account.id
    common = {"sub_account_id": payer, "sub_account_name": provider.sub_accounts["platform"].name}
    if res.kind == "support":
        assert provider.support is not None
        return common | {
            "service_name": provider.support.service,
            "service_category": "Management and Governance",
            "service_subcategory": "Support",
            "charge_description": f"{provider.support.service}, monthly fee",
            "pricing_unit": "Months",
            "custom": {
                "x_UsageType": "Dollar",
                "x_Operation": "",
                "x_ServiceCode": "AWSSupportBusiness",
            },
        }
    if res.kind == "commitment":
        assert provider.commitment is not None
        plan = hex_id(seed, "savingsplan", length=32)
        plan_id = f"{plan[:8]}-{plan[8:12]}-{plan[12:16]}-{plan[16:20]}-{plan[20:32]}"
        return common | {
            "resource_id": f"arn:aws:savingsplans::{payer}:savingsplan/{plan_id}",
            "resource_name": plan_id,
            "resource_type": "Savings Plan",
            "service_name": "Savings Plans for AWS Compute usage",
            "service_category": "Compute",
            "service_subcategory": "Virtual Machines",
            "charge_description": f"{provider.commitment.name}, hourly commitment",
            "pricing_unit": "Hours",
            "custom": {
                "x_UsageType": "ComputeSP:1yrNoUpfront",
                "x_Operation": "",
                "x_ServiceCode": "ComputeSavingsPlans",
            },
        }
    assert provider.credits is not None
    return common | {
        "service_name": "Amazon Elastic Compute Cloud",
        "service_category": "Compute",
        "service_subcategory": "Virtual Machines",
        "charge_description": provider.credits.description,
        "custom": {"x_UsageType": "", "x_Operation": "", "x_ServiceCode": "AmazonEC2"},
    }
