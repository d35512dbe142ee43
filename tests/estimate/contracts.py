"""The command contracts of ``infracast estimate``, for the parity and golden tests of
``tests/cli/contracts.py`` (its registry adds :data:`ESTIMATE_CONTRACTS`).

The world needs no ledger. It holds the price files of ``tests/catalog/contracts.py``
(H100 on demand: Google Cloud 2.00 a GPU-hour, AWS 3.00, negotiated down to 2.50 by
``overrides.yaml``), so the runs and fine-tunes are priced from them and not from the
packaged book, and:

- ``project.yaml``: ``examples/project.yaml`` (its fine-tuning and serving workloads
  are priced from the packaged book: a project spec names no price book);
- ``history.csv``: 12 past projects costing exactly 48 per GPU-day.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from infracast import estimate
from infracast.catalog import PriceSelection
from tests.catalog.contracts import BOOK, OVERRIDES, write_price_files
from tests.cli.contracts import Contract

REPO = Path(__file__).resolve().parents[2]
PROJECT = "project.yaml"
HISTORY = "history.csv"


def build(root: Path) -> None:
    """The price files, the example project and the past projects, under ``root``."""
    write_price_files(root)
    shutil.copy(REPO / "examples" / "project.yaml", root / PROJECT)
    rows = [f"{g},{d},{48 * g * d}" for g in (8, 16, 32, 64) for d in (1, 5, 10)]
    text = "gpus,days,actual_cost\n" + "\n".join(rows) + "\n"
    (root / HISTORY).write_text(text, encoding="utf-8")


def _book(**fields: str) -> PriceSelection:
    return PriceSelection.of(prices=BOOK, **fields)


ESTIMATE_CONTRACTS: list[Contract] = [
    Contract(
        "estimate-training",
        ("estimate", "training", "--params", "7B", "--tokens", "2T", "-a", "H100",
         "--prices", BOOK, "--overrides", OVERRIDES, "--pricing", "on_demand"),
        lambda root: estimate.training(
            params="7B", tokens="2T", accelerator="H100",
            selection=_book(overrides=OVERRIDES, pricing="on_demand"),
        ),
        world=build,
    ),
    Contract(
        "estimate-finetune",
        ("estimate", "finetune", "--method", "qlora", "--params", "70B", "--tokens", "100M",
         "-a", "H100", "--prices", BOOK, "--provider", "gcp"),
        lambda root: estimate.finetune(
            method="qlora", params="70B", tokens="100M", accelerator="H100",
            selection=_book(provider="gcp"),
        ),
        world=build,
    ),
    Contract(
        "estimate-inference",
        ("estimate", "inference", "--params", "8B", "-a", "H100", "-r", "20",
         "--input-tokens", "1000", "--output-tokens", "200", "--set", "kv_precision=fp8",
         "--prices", BOOK),
        lambda root: estimate.inference(
            params="8B", accelerator="H100", requests_per_second=20, input_tokens=1000,
            output_tokens=200, sets=["kv_precision=fp8"], selection=_book(),
        ),
        world=build,
    ),
    Contract(
        "estimate-project",
        ("estimate", "project", PROJECT),
        lambda root: estimate.project(PROJECT),
        world=build,
    ),
    Contract(
        # the server named by a prefix, priced from --prices (a bug of issue 11)
        "estimate-build-vs-buy",
        ("estimate", "build-vs-buy", "--server", "NVIDIA DGX H1", "--servers", "2", "-u", "0.8",
         "--set", "pue=1.2", "--prices", BOOK),
        lambda root: estimate.build_vs_buy(
            server="NVIDIA DGX H1", servers=2, utilization=0.8, sets=["pue=1.2"],
            selection=_book(),
        ).to_dict(),
        world=build,
    ),
    Contract(
        "estimate-learned",
        ("estimate", "learned", HISTORY, "-p", "gpus=16", "-p", "days=2", "--folds", "3"),
        lambda root: estimate.learned(HISTORY, predict={"gpus": 16, "days": 2}, folds=3),
        world=build,
        formats=("json",),  # --format csv prints the same JSON: it has no table of rows
    ),
]  # fmt: skip
