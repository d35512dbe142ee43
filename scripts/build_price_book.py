"""Derive the package's default price book from the SkyPilot catalogs in ../shared.

Sources (``../shared/data/prices/skypilot/README.md`` has the provenance):

- ``aws/vms.csv``: skypilot-org/skypilot-catalog ``catalogs/v7/aws/vms.csv`` at
  001367d2; a row subset (GPU families p3, p3dn, p4d, p4de, p5, p5e, p5en, g5,
  g5g, g6). Its commit date is unknown: the rows carry 2026-05-20, the date of
  the snapshot the shared price folder was assembled with, and their source
  says the prices may be older.
- ``gcp``, ``azure``, ``lambda``, ``vast``: anycloud-sh/catalog at 62ff0a98
  (2026-05-20).
- ``runpod/vms.csv``: runpod/pod-catalog at a8c44b4e (2023-10-09), old.

Rules, in order (docs/catalog.md says why):

1. Each file is read by :func:`infracast.catalog.read_skypilot` (its cleaning
   rules apply; accelerators the catalog does not know are dropped and counted).
2. TPU slices are kept when their chip count is a power of two up to 256.
3. Per (provider, accelerator, accelerators per instance, pricing model,
   region) the cheapest instance type is kept.
4. Per (provider, accelerator, accelerators per instance, pricing model) two
   regions are kept: the provider's reference region (AWS us-east-1, Google
   Cloud us-central1, Microsoft eastus, Lambda us-east-1, RunPod US) and the
   cheapest region.
5. Commitment rows are derived only where a public source gives the discount:
   Google Cloud A2 and A3 High machine types, from the 1-year and 3-year
   committed prices Google's Cloud Billing Catalog lists, as compiled in
   Cyclenerd/google-cloud-pricing-cost-calculator ``pricing.yml`` (Apache-2.0,
   commit 0166a59e, generated 2025-03-06): committed = on-demand × (monthly
   committed price / monthly on-demand price) of that machine type in
   us-central1. No public source gives AWS, Azure, Lambda, Vast.ai or RunPod
   GPU commitment discounts (only "up to" figures), so none are derived.

Run: ``python scripts/build_price_book.py [path/to/skypilot]``; writes
``src/infracast/data/price_book.csv`` and prints what it took and dropped.
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

from infracast.catalog import PriceOption, read_skypilot, write_prices

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "prices" / "skypilot"
TARGET = ROOT / "src" / "infracast" / "data" / "price_book.csv"

ANYCLOUD = "anycloud-sh/catalog {path} @ 62ff0a987e0c257a89235415d2877812fb1aaf29"
# folder -> (as_of, source text)
SOURCES: dict[str, tuple[date, str]] = {
    "aws": (
        date(2026, 5, 20),
        "skypilot-org/skypilot-catalog catalogs/v7/aws/vms.csv @ "
        "001367d22a0033fac286a8c71aeac7109e431bcb (commit date unknown: dated by the "
        "2026-05-20 snapshot it was read in; prices may be older, 2025 or later)",
    ),
    "gcp": (date(2026, 5, 20), ANYCLOUD.format(path="gcp/vms.csv")),
    "azure": (date(2026, 5, 20), ANYCLOUD.format(path="azure/vms.csv")),
    "lambda": (
        date(2026, 5, 20),
        ANYCLOUD.format(path="lambda/vms.csv") + " (file last changed 2026-05-07)",
    ),
    "vast": (
        date(2026, 5, 20),
        ANYCLOUD.format(path="vast/vms.csv") + " (file last changed 2026-04-29)",
    ),
    "runpod": (
        date(2023, 10, 9),
        "runpod/pod-catalog vms.csv @ a8c44b4ee6cbd11ed3fcb3daddb566e8690a5724 "
        "(2023: an old RunPod example, not a current price)",
    ),
}
REFERENCE_REGIONS = {
    "AWS": "us-east-1",
    "Google Cloud": "us-central1",
    "Microsoft": "eastus",
    "Lambda": "us-east-1",
    "RunPod": "US",
}
MAX_TPU_CHIPS = 256
# GCP machine-type prefix -> {pricing model: (committed, on-demand)} monthly USD in
# us-central1, from Cyclenerd/google-cloud-pricing-cost-calculator pricing.yml.
GCP_COMMITMENTS: dict[str, dict[str, tuple[str, str]]] = {
    "a2-highgpu-": {  # a2-highgpu-1g: month, month_1y, month_3y
        "commit_1y": ("1689.3711392", "2681.57105"),
        "commit_3y": ("938.56707798", "2681.57105"),
    },
    "a3-highgpu-": {  # a3-highgpu-1g
        "commit_1y": ("5601.26008308", "8074.71249111"),
        "commit_3y": ("3546.37477674", "8074.71249111"),
    },
}
GCP_COMMITMENT_SOURCE = (
    "{model} derived: on-demand x {ratio} ({family}* committed/on-demand monthly price in "
    "us-central1, Google Cloud Billing Catalog via Cyclenerd/google-cloud-pricing-cost-"
    "calculator pricing.yml @ 0166a59e, 2025-03-06) applied to {source}"
)


def _tpu_kept(option: PriceOption) -> bool:
    if not option.accelerator.startswith("TPU-"):
        return True
    chips = int(option.accelerators_per_instance)
    return chips <= MAX_TPU_CHIPS and chips & (chips - 1) == 0


def compact(options: list[PriceOption]) -> list[PriceOption]:
    """Rules 2-4: powers-of-two TPU slices, cheapest instance, reference and cheapest region."""
    cheapest: dict[tuple[object, ...], PriceOption] = {}
    for o in filter(_tpu_kept, options):
        key = (o.provider, o.accelerator, o.accelerators_per_instance, o.pricing_model, o.region)
        if key not in cheapest or _cost(o) < _cost(cheapest[key]):
            cheapest[key] = o
    by_kind: dict[tuple[object, ...], list[PriceOption]] = {}
    for o in cheapest.values():
        kind = (o.provider, o.accelerator, o.accelerators_per_instance, o.pricing_model)
        by_kind.setdefault(kind, []).append(o)
    kept: list[PriceOption] = []
    for group in by_kind.values():
        best = min(group, key=_cost)
        reference = REFERENCE_REGIONS.get(best.provider)
        kept += [o for o in group if o is best or (reference and o.region == reference)]
    return kept


def _cost(option: PriceOption) -> tuple[Decimal, str, str]:
    return (option.price_per_hour, option.region or "", option.instance_type or "")


def gcp_commitments(options: list[PriceOption]) -> list[PriceOption]:
    """Rule 5: derived commitment rows for GCP machine types with a sourced discount."""
    out = []
    for o in options:
        if o.provider != "Google Cloud" or o.pricing_model != "on_demand":
            continue
        family = next((f for f in GCP_COMMITMENTS if (o.instance_type or "").startswith(f)), None)
        if family is None:
            continue
        for model, (committed, on_demand) in GCP_COMMITMENTS[family].items():
            ratio = Decimal(committed) / Decimal(on_demand)
            text = GCP_COMMITMENT_SOURCE.format(
                model=model, ratio=f"{ratio:.5f}", family=family, source=o.source
            )
            price = (o.price_per_hour * ratio).quantize(Decimal("0.00001"))
            out.append(
                replace(o, pricing_model=model, price_per_hour=price, source=text, derived=True)
            )
    return out


def build(source_dir: Path) -> tuple[list[PriceOption], list[str]]:
    """The price book's options, in file order, and the lines to print about them."""
    options: list[PriceOption] = []
    report: list[str] = []
    dropped: Counter[str] = Counter()
    for folder, (as_of, source) in SOURCES.items():
        read = read_skypilot(source_dir / folder / "vms.csv", as_of=as_of, source=source)
        report.append(read.summary())
        dropped.update(read.unknown_accelerators)
        options += compact(read.options)
    options += gcp_commitments(options)
    options.sort(
        key=lambda o: (
            o.accelerator,
            o.provider,
            o.accelerators_per_instance,
            o.pricing_model,
            o.region or "",
        )
    )
    report.append(
        f"dropped {sum(dropped.values())} rows of {len(dropped)} accelerators the catalog "
        f"does not know: {', '.join(f'{n} ({c})' for n, c in sorted(dropped.items()))}."
    )
    return options, report


def main(source_dir: Path, target: Path = TARGET) -> int:
    options, report = build(source_dir)
    rows = write_prices(options, target)
    for line in report:
        print(line)
    derived = sum(o.derived for o in options)
    print(f"wrote {rows} rows ({derived} derived commitment rows, {target.stat().st_size:,} bytes)")
    return rows


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SOURCE)
