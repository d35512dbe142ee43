"""Import a SkyPilot catalog ``vms.csv`` as price options.

The SkyPilot format (``InstanceType, AcceleratorName, AcceleratorCount, …,
Price, SpotPrice, Region``) is read by column name, since each cloud orders the
columns differently. Cleaning rules, each counted in :class:`SkyPilotImport`:

- Azure lines with an unquoted ``V1,V2`` Generation carry one field more than
  the header: the extra field is part of Generation. Other over-long lines are
  counted as malformed and skipped.
- A price that is empty, not a number, or not above zero is no price (Vast's
  ``SpotPrice`` of 0.00 means no spot offer, never a free one).
- Accelerators map to catalog names: by instance type through
  ``data/gpu_instances.csv`` first (as the ledger does), then by SkyPilot's
  accelerator name (``A100`` is the 40 GB part, ``V100`` the 16 GB one,
  ``H100-MEGA`` an H100-SXM), then by catalog name or alias. An instance type
  naming ``pcie`` (Lambda's ``gpu_1x_h100_pcie``) picks the PCIe part.
  Accelerators the catalog does not know are dropped and counted by name.
- GCP prices a GPU apart from its host VM: an accelerator row (no
  InstanceType) is joined to the host row of the machine type that carries it
  (``a3-highgpu-8g`` = host + 8 H100) in the same zone. GPUs that attach to any
  N1 host (T4, V100, P100, P4) keep their accelerator-alone price, without an
  instance type, and their source says the host is extra. TPU slice rows
  (``tpu-v5p-8``) price the whole slice; their accelerator count is chips.
- Zones collapse to their region, keeping the cheapest zone; so AWS's repeated
  ``p4de.24xlarge`` rows (two GpuInfo names per zone) become one option.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from infracast.catalog._accelerators import find_accelerator
from infracast.catalog.models import PriceOption
from infracast.catalog.providers import canonical_provider, known_provider
from infracast.errors import CatalogError
from infracast.vocabulary.instances import gpu_instances

REQUIRED = ("InstanceType", "AcceleratorName", "AcceleratorCount", "Price", "Region")
GOOGLE = "Google Cloud"

# SkyPilot accelerator names whose meaning differs from (or is absent in) the catalog's
# names and aliases; (provider, name) entries win over (None, name) ones.
SKYPILOT_NAMES: dict[tuple[str | None, str], str] = {
    (None, "A100"): "A100-40GB",
    (None, "A100-80GB"): "A100-80GB",
    (None, "A100-80GB-SXM4"): "A100-80GB",
    ("RunPod", "A100-80GB"): "A100-80GB-PCIe",
    (None, "H100"): "H100-SXM",
    (None, "H100-MEGA"): "H100-SXM",
    (None, "H100-80GB-HBM3"): "H100-SXM",
    (None, "V100"): "V100-16GB",
    (None, "V100-32GB"): "V100-32GB",
}
# The PCIe part of an SXM catalog name, for instance types that say "pcie".
PCIE_PARTS = {"H100-SXM": "H100-PCIe", "A100-80GB": "A100-80GB-PCIe"}
# GCP machine families with built-in GPUs -> the SkyPilot accelerator name they carry.
GCP_FAMILIES = {
    "a2-highgpu": "A100",
    "a2-megagpu": "A100",
    "a2-ultragpu": "A100-80GB",
    "a3-edgegpu": "H100",
    "a3-highgpu": "H100",
    "a3-megagpu": "H100-MEGA",
    "a3-ultragpu": "H200",
    "a4-highgpu": "B200",
    "g2-standard": "L4",
}
_TPU = re.compile(r"^tpu-(v\d+[a-z]*)-(\d+)$")
# TPU generations whose slice size counts chips; the others count TensorCores (2 per chip).
_TPU_ONE_CORE = {"v5litepod": "v5e", "v6e": "v6e"}


@dataclass
class SkyPilotImport:
    """What a SkyPilot ``vms.csv`` gave: price options and a count of what was left out."""

    options: list[PriceOption]
    provider: str
    rows: int = 0
    cpu_only: int = 0  # rows without an accelerator
    malformed: int = 0  # lines that do not fit the header, or a bad accelerator count
    without_price: int = 0  # accelerator rows with neither a price nor a spot price
    unjoined: int = 0  # GCP accelerator rows without the host row of their machine type
    accelerator_only: int = 0  # GCP GPU options priced without their host VM
    unknown_accelerators: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        """One paragraph saying what was taken and what was left out, and why."""
        dropped = ", ".join(f"{n} ({c})" for n, c in sorted(self.unknown_accelerators.items()))
        parts = [
            f"{self.provider}: {self.rows} rows -> {len(self.options)} price options",
            f"{self.cpu_only} CPU-only rows skipped",
        ]
        if self.without_price:
            parts.append(f"{self.without_price} rows without a price")
        if self.malformed:
            parts.append(f"{self.malformed} malformed rows")
        if self.unjoined:
            parts.append(f"{self.unjoined} GCP GPU rows without a host row")
        if self.accelerator_only:
            parts.append(f"{self.accelerator_only} GCP options price the accelerator alone")
        if dropped:
            parts.append(f"accelerators not in the catalog, dropped: {dropped}")
        return "; ".join(parts) + "."


def import_skypilot(
    path: str | Path,
    provider: str | None = None,
    *,
    as_of: date | None = None,
    source: str | None = None,
) -> list[PriceOption]:
    """Price options from a SkyPilot ``vms.csv`` (see :func:`read_skypilot`)."""
    return read_skypilot(path, provider, as_of=as_of, source=source).options


def read_skypilot(
    path: str | Path,
    provider: str | None = None,
    *,
    as_of: date | None = None,
    source: str | None = None,
) -> SkyPilotImport:
    """Read a SkyPilot ``vms.csv``; the options and a count of every row left out.

    ``provider`` defaults to the file's folder name (``gcp/vms.csv`` is Google
    Cloud); ``as_of`` to the file's modification date (UTC); ``source`` to
    ``SkyPilot catalog <path>``.
    """
    file = Path(path)
    if not file.is_file():
        raise CatalogError(
            f"no price file at {file}.", hint="Check the path (a SkyPilot catalog's vms.csv)."
        )
    name = _provider(file, provider)
    day = as_of or datetime.fromtimestamp(file.stat().st_mtime, UTC).date()
    result = SkyPilotImport(options=[], provider=name)
    rows = list(_rows(file, result))
    cited = source or f"SkyPilot catalog {file}"
    hosts = _gcp_hosts(rows) if name == GOOGLE else {}
    best: dict[tuple[object, ...], PriceOption] = {}
    for row in rows:
        for option in _options(row, name, day, cited, hosts, result):
            key = (
                option.instance_type,
                option.region,
                option.accelerator,
                option.accelerators_per_instance,
                option.pricing_model,
            )
            if key not in best or option.price_per_hour < best[key].price_per_hour:
                best[key] = option
    result.options = sorted(best.values(), key=_order)
    return result


def _order(option: PriceOption) -> tuple[str, str, str, float, str]:
    return (
        option.accelerator,
        option.instance_type or "",
        option.region or "",
        option.accelerators_per_instance,
        option.pricing_model,
    )


def _provider(file: Path, provider: str | None) -> str:
    if provider:
        return canonical_provider(provider)
    inferred = known_provider(file.parent.name)
    if inferred is None:
        raise CatalogError(
            f"cannot tell which provider {file} prices: its folder "
            f'"{file.parent.name}" is not a cloud name.',
            hint="Pass the provider (provider='AWS'), or keep the file in a folder named "
            "for its cloud, as SkyPilot does (aws/vms.csv, gcp/vms.csv).",
        )
    return inferred


def _rows(file: Path, result: SkyPilotImport) -> Iterable[dict[str, str]]:
    with file.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = [h.strip() for h in next(reader, [])]
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise CatalogError(
                f"{file} is not a SkyPilot vms.csv: it lacks the columns {', '.join(missing)}.",
                hint="A SkyPilot catalog has InstanceType, AcceleratorName, AcceleratorCount, "
                "Price, SpotPrice and Region columns, in any order.",
            )
        width = len(header)
        for row in reader:
            if not row:
                continue
            result.rows += 1
            if len(row) > width:
                if header[-1] != "Generation":
                    result.malformed += 1
                    continue
                # Azure: an unquoted "V1,V2" Generation splits into two fields.
                row = [*row[: width - 1], ",".join(row[width - 1 :])]
            yield dict(zip(header, row + [""] * (width - len(row)), strict=True))


def _price(text: str | None) -> Decimal | None:
    """A positive price, or None for empty, unreadable and zero prices (0 is no offer)."""
    try:
        value = Decimal((text or "").strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() and value > 0 else None


def _count(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value > 0 else None


def _gcp_machine_count(machine: str) -> int | None:
    """GPUs built into a GCP machine type: gpu_instances.csv, else the ``-Ng`` suffix."""
    for known in gpu_instances():
        if known.provider == GOOGLE and known.instance_type == machine:
            return known.gpu_count
    match = re.search(r"-(\d+)g$", machine)
    return int(match.group(1)) if match else None


def _gcp_family(machine: str) -> str | None:
    return next((n for f, n in GCP_FAMILIES.items() if machine.startswith(f + "-")), None)


def _gcp_hosts(
    rows: list[dict[str, str]],
) -> dict[tuple[str, int, str], list[dict[str, str]]]:
    """(SkyPilot accelerator name, GPU count, zone) -> host rows of machine types carrying them."""
    hosts: dict[tuple[str, int, str], list[dict[str, str]]] = {}
    for row in rows:
        machine = row["InstanceType"].strip()
        family = _gcp_family(machine) if machine else None
        count = _gcp_machine_count(machine) if family else None
        if family and count:
            key = (family, count, row.get("AvailabilityZone", "").strip())
            hosts.setdefault(key, []).append(row)
    return hosts


def catalog_name(provider: str, instance_type: str | None, skypilot_name: str) -> str | None:
    """The catalog accelerator a SkyPilot row means, or None if the catalog lacks it."""
    if instance_type:
        for known in gpu_instances():
            if known.provider == provider and known.instance_type == instance_type:
                found = find_accelerator(known.gpu_type)
                if found is not None:
                    return found.name
    mapped = SKYPILOT_NAMES.get((provider, skypilot_name)) or SKYPILOT_NAMES.get(
        (None, skypilot_name)
    )
    found = find_accelerator(mapped or skypilot_name)
    if found is None:
        return None
    if instance_type and "pcie" in instance_type.lower():
        return PCIE_PARTS.get(found.name, found.name)
    return found.name


def _tpu(skypilot_name: str) -> tuple[str, float] | None:
    """(catalog TPU name, chips) of a slice name such as ``tpu-v5p-8``; None if not a TPU."""
    match = _TPU.match(skypilot_name)
    if not match:
        return None
    version, size = match.group(1), int(match.group(2))
    if version in _TPU_ONE_CORE:
        return f"TPU-{_TPU_ONE_CORE[version]}", float(size)
    return f"TPU-{version}", size / 2


def _options(
    row: dict[str, str],
    provider: str,
    day: date,
    source: str,
    hosts: dict[tuple[str, int, str], list[dict[str, str]]],
    result: SkyPilotImport,
) -> list[PriceOption]:
    skypilot_name = row["AcceleratorName"].strip()
    instance = row["InstanceType"].strip() or None
    if not skypilot_name:
        result.cpu_only += 1
        return []
    if provider == GOOGLE and instance and _gcp_family(instance):
        return []  # a host row: priced through its accelerator row's join
    tpu = _tpu(skypilot_name)
    if tpu is not None:
        name: str | None = tpu[0] if find_accelerator(tpu[0]) else None
        count: float | None = tpu[1]
        instance = skypilot_name
        unknown = f"tpu-{skypilot_name.split('-')[1]}"
    else:
        name = catalog_name(provider, instance, skypilot_name)
        count = _count(row["AcceleratorCount"])
        unknown = skypilot_name
    if name is None:
        result.unknown_accelerators[unknown] += 1
        return []
    if count is None:
        result.malformed += 1
        return []
    on_demand, spot = _price(row["Price"]), _price(row.get("SpotPrice"))
    if on_demand is None and spot is None:
        result.without_price += 1
        return []
    base = _Base(name, count, row["Region"].strip() or None, day)
    if provider == GOOGLE and row["InstanceType"].strip() == "" and tpu is None:
        return _gcp_joined(row, skypilot_name, on_demand, spot, base, source, hosts, result)
    return _priced(provider, instance, on_demand, spot, base, source)


@dataclass(frozen=True)
class _Base:
    """What every option of one row shares."""

    accelerator: str
    count: float
    region: str | None
    as_of: date


def _priced(
    provider: str,
    instance: str | None,
    on_demand: Decimal | None,
    spot: Decimal | None,
    base: _Base,
    source: str,
) -> list[PriceOption]:
    return [
        PriceOption(
            provider=provider,
            accelerator=base.accelerator,
            accelerators_per_instance=base.count,
            pricing_model=model,
            price_per_hour=price,
            currency="USD",
            as_of=base.as_of,
            source=source,
            region=base.region,
            instance_type=instance,
        )
        for model, price in (("on_demand", on_demand), ("spot", spot))
        if price is not None
    ]


def _gcp_joined(
    row: dict[str, str],
    skypilot_name: str,
    on_demand: Decimal | None,
    spot: Decimal | None,
    base: _Base,
    source: str,
    hosts: dict[tuple[str, int, str], list[dict[str, str]]],
    result: SkyPilotImport,
) -> list[PriceOption]:
    """GCP: accelerator row + the host row of each machine type carrying it, same zone."""
    if skypilot_name not in GCP_FAMILIES.values():
        result.accelerator_only += 1
        alone = f"{source} (accelerator alone: the host VM is billed separately)"
        return _priced(GOOGLE, None, on_demand, spot, base, alone)
    zone = row.get("AvailabilityZone", "").strip()
    count = base.count
    matches = hosts.get((skypilot_name, int(count), zone), []) if count.is_integer() else []
    if not matches:
        result.unjoined += 1
        return []
    out: list[PriceOption] = []
    for host in matches:
        host_price, host_spot = _price(host["Price"]), _price(host.get("SpotPrice"))
        total = on_demand + host_price if on_demand and host_price else None
        total_spot = spot + host_spot if spot and host_spot else None
        joined = f"{source} (accelerator + {host['InstanceType'].strip()} host)"
        out += _priced(GOOGLE, host["InstanceType"].strip(), total, total_spot, base, joined)
    return out
