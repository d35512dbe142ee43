"""How each cloud names what it bills: resource ids, services, SKUs, descriptions, tags.

The shapes follow the providers' own FOCUS exports (AWS ARNs and usage types,
Google Cloud resource names and SKU ids, Azure resource paths and meter names),
one module per provider in ``providers/``; the ids themselves are made up from a
hash of the seed and the resource, so they are stable for a seed and unique
within a run.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from infracast.demo.company import Provider, ProviderSlug

Identity = dict[str, Any]

STORAGE_CLASS = {
    "s3-standard": ("Standard", "TimedStorage-ByteHrs"),
    "s3-infrequent": ("Standard - Infrequent Access", "TimedStorage-SIA-ByteHrs"),
    "gcs-standard": ("Standard Storage US Regional", ""),
    "gcs-nearline": ("Nearline Storage US Regional", ""),
    "blob-hot": ("Hot LRS Data Stored", ""),
    "blob-cool": ("Cool LRS Data Stored", ""),
}


@dataclass(frozen=True)
class Resource:
    """One thing a provider bills for, before it is given provider-shaped names."""

    provider: ProviderSlug
    kind: str  # instance | storage | egress | shared | support | commitment | credit
    name: str  # unique within the provider
    sku: str  # a key of the provider's prices: instance type or storage/egress SKU
    team: str | None = None
    project: str | None = None
    region: str | None = None
    env: str = "prod"


def hex_id(*parts: object, length: int = 16) -> str:
    """A stable lower-case hex id from ``parts``."""
    text = ":".join(str(p) for p in parts)
    return hashlib.sha256(text.encode()).hexdigest()[:length]


def alnum_id(*parts: object, length: int = 12) -> str:
    """A stable upper-case alphanumeric id (SKU-like) from ``parts``."""
    digest = hashlib.sha256(":".join(str(p) for p in parts).encode()).digest()
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(alphabet[b % len(alphabet)] for b in digest[:length])


def tags_of(provider: Provider, res: Resource) -> dict[str, str] | None:
    """The resource's tags under the provider's key spelling; None when untagged."""
    if res.team is None:
        return None
    keys = provider.tag_keys
    out = {keys["team"]: res.team}
    if res.project is not None:
        out[keys["project"]] = res.project
    out[keys["env"]] = res.env
    return out


def identity(provider: Provider, res: Resource, pricing: str | None, seed: int) -> Identity:
    """FOCUS string columns (lower-case keys) and the provider's custom columns for ``res``.

    ``pricing`` is the PricingCategory of the rows (Standard, Dynamic, Committed)
    where it changes the description, SKU price id or usage type.
    """
    from infracast.demo.providers import aws, azure, gcp  # they import this module's helpers

    builders = {"aws": aws.identity, "gcp": gcp.identity, "azure": azure.identity}
    out = builders[res.provider](provider, res, pricing, seed)
    tags = tags_of(provider, res)
    team_account = provider.sub_accounts.get(
        res.team or "platform", provider.sub_accounts["platform"]
    )
    region = res.region
    out.setdefault("sub_account_id", team_account.id)
    out.setdefault("sub_account_name", team_account.name)
    out["region_id"] = region
    out["region_name"] = provider.regions.get(region) if region else None
    out["tags"] = tags
    out["tags_json"] = json.dumps(tags, separators=(",", ":")) if tags else None
    custom = out.pop("custom", {})
    out["custom"] = [custom.get(name) for name in provider.custom_columns]
    return out


def money(value: float) -> str:
    """A unit price as bills print it in descriptions: $0.023, $55.04."""
    return f"${value:.4f}".rstrip("0").rstrip(".")
