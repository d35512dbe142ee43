"""The command contracts of ``infracast catalog``, for the parity and golden tests of
``tests/cli/contracts.py`` (its registry adds :data:`CATALOG_CONTRACTS`).

The world needs no ledger: a small price book and one negotiated price, so the listing
is hand-checkable and does not change when the packaged book is refreshed:

- ``book.csv``: H100 on demand, Google Cloud 2.00 an hour for 1 GPU, AWS 24.00 for 8
  (3.00 a GPU-hour);
- ``overrides.yaml``: AWS's H100 on demand negotiated down to 2.50 a GPU-hour.

``catalog gpus`` and ``catalog servers`` read only the packaged catalog.
"""

from __future__ import annotations

from pathlib import Path

from infracast import catalog
from infracast.catalog import PriceSelection
from tests.cli.contracts import Contract

BOOK = "book.csv"
OVERRIDES = "overrides.yaml"
BOOK_CSV = """\
provider,region,instance_type,accelerator,accelerators_per_instance,pricing_model,price_per_hour,currency,as_of,derived,source
Google Cloud,us-central1,a3-highgpu-1g,H100-SXM,1,on_demand,2.00,USD,2026-05-20,,test book
AWS,us-east-1,p5.48xlarge,H100-SXM,8,on_demand,24.00,USD,2026-05-20,,test book
"""
OVERRIDES_YAML = """\
- {provider: AWS, accelerator: H100, pricing_model: on_demand, price_per_accelerator_hour: 2.5,
   currency: USD, as_of: 2026-06-01}
"""


def write_price_files(root: Path) -> None:
    """The price book and the negotiated price above, under ``root``."""
    (root / BOOK).write_text(BOOK_CSV, encoding="utf-8")
    (root / OVERRIDES).write_text(OVERRIDES_YAML, encoding="utf-8")


CATALOG_CONTRACTS: list[Contract] = [
    Contract(
        "catalog-gpus",
        ("catalog", "gpus", "--vendor", "NVIDIA", "--name", "H1*"),
        lambda root: [a.to_dict() for a in catalog.gpus(vendor="NVIDIA", name="H1*")],
        world=write_price_files,
    ),
    Contract(
        "catalog-prices",
        ("catalog", "prices", "-a", "H100", "--prices", BOOK, "--overrides", OVERRIDES),
        lambda root: catalog.prices(
            PriceSelection(prices=Path(BOOK), overrides=Path(OVERRIDES)), accelerator="H100"
        ),
        world=write_price_files,
    ),
    Contract(
        "catalog-servers",
        ("catalog", "servers", "--accelerator", "H100"),
        lambda root: [s.to_dict() for s in catalog.servers("H100")],
        world=write_price_files,
    ),
]
