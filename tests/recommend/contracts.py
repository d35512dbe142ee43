"""The command contracts of ``infracast recommend`` and ``infracast buckets`` (registered in
tests/cli/contracts.py).

The world: the small company of tests/cli/small_company.py with bucket statistics
ingested: ``cold-archive`` (research/atlas), 10,000 GB in S3 Standard, read 100 times and
5 GB a month, and ``hot-features`` (data), 500 GB read 5 million times a month. The storage
rule moves cold-archive to Glacier Deep Archive (230.00 a month in Standard: 10,000 GB ×
0.023) and leaves hot-features where it is. The small company's GPU hours are too few for
the GPU rules' window, so the list holds the storage finding alone.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from infracast.analytics import commitment_utilization
from infracast.analytics.utilization import resource_utilization
from infracast.control.storage_scan import scan_storage
from infracast.ledger.bucket_inventory import ingest_buckets, list_buckets
from infracast.ledger.connection import Ledger
from infracast.recommend import accept, dismiss, done, realized_savings, recommend, reopen
from infracast.recommend.storage import bucket_tiers
from tests.cli import small_company
from tests.cli.contracts import LEDGER_ARGS, Contract, on_ledger
from tests.cli.small_company import LEDGER

HEADER = (
    "bucket,provider,region,storage_class,prefix,size_gb,objects,age_days,last_access_days,"
    "reads_per_month,read_gb_per_month,team,project,as_of\n"
)
BUCKETS = (
    HEADER
    + """cold-archive,aws,us-east-1,STANDARD,,10000,200000,400,200,100,5,research,atlas,2026-02-28
hot-features,aws,us-east-1,STANDARD,,500,50000,30,0,5000000,20000,data,,2026-02-28
"""
)
FOUND = "storage_tier-4bbfbdc0dc"  # cold-archive's finding: its id is its kind and scope
EFFECTIVE = "2026-02-10"


def bucket_file(root: Path) -> None:
    """The small company, the bucket statistics file beside it (not ingested) and a folder
    to scan: two copies of one 3,000-byte checkpoint and a 1,000-byte log."""
    small_company.build(root)
    (root / "buckets.csv").write_text(BUCKETS, encoding="utf-8")
    scan = root / "checkpoints"
    scan.mkdir()
    (scan / "step-100.bin").write_bytes(bytes(range(250)) * 12)
    (scan / "step-100-copy.bin").write_bytes(bytes(range(250)) * 12)
    (scan / "train.log").write_bytes(b"loss 0.1\n" * 111 + b"e")


def with_buckets(root: Path) -> None:
    bucket_file(root)
    with Ledger.open(root / LEDGER) as led:
        ingest_buckets(led, root / "buckets.csv")


def found(root: Path) -> None:
    """The world after one run of the rules."""
    with_buckets(root)
    with Ledger.open(root / LEDGER) as led:
        recommend(led)


def accepted(root: Path) -> None:
    found(root)
    with Ledger.open(root / LEDGER) as led:
        accept(led, FOUND, effective=date.fromisoformat(EFFECTIVE))


def dismissed(root: Path) -> None:
    found(root)
    with Ledger.open(root / LEDGER) as led:
        dismiss(led, FOUND)


RECOMMEND_CONTRACTS: list[Contract] = [
    Contract(  # the command the GPU findings name to reproduce them
        "utilization",
        ("utilization", "--from", "2026-01-01", "--to", "2026-03-01", *LEDGER_ARGS),
        on_ledger(
            lambda led: resource_utilization(led, start="2026-01-01", end="2026-03-01").to_dict()
        ),
    ),
    Contract(  # the command the commitment rule's findings name to reproduce them
        "commitments",
        ("commitments", "--from", "2026-01-01", "--to", "2026-03-01", *LEDGER_ARGS),
        on_ledger(
            lambda led: commitment_utilization(led, start="2026-01-01", end="2026-03-01").to_dict()
        ),
    ),
    Contract(
        "buckets-ingest",
        # a fixed date: rows without one default to today, which a golden file cannot hold
        ("buckets", "ingest", "buckets.csv", "--as-of", "2026-12-07", *LEDGER_ARGS),
        on_ledger(
            lambda led: ingest_buckets(led, Path("buckets.csv"), as_of="2026-12-07").to_dict(),
            read_only=False,
        ),
        world=bucket_file,
        writes=True,
    ),
    Contract(
        "buckets-list",
        ("buckets", "list", *LEDGER_ARGS),
        on_ledger(list_buckets),
        world=with_buckets,
    ),
    Contract(
        "buckets-tiers",
        ("buckets", "tiers", *LEDGER_ARGS),
        on_ledger(lambda led: [c.to_dict() for c in bucket_tiers(led)]),
        world=with_buckets,
    ),
    Contract(
        "buckets-scan",
        ("buckets", "scan", "checkpoints"),
        lambda root: scan_storage(Path("checkpoints")).to_dict(),
        world=bucket_file,
    ),
    Contract(
        "recommend",
        ("recommend", *LEDGER_ARGS),
        on_ledger(lambda led: [r.to_dict() for r in recommend(led)], read_only=False),
        world=with_buckets,
        writes=True,
    ),
    Contract(
        "recommend-accept",
        ("recommend", "accept", FOUND, "--effective", EFFECTIVE, *LEDGER_ARGS),
        on_ledger(
            lambda led: accept(led, FOUND, effective=date.fromisoformat(EFFECTIVE)).to_dict(),
            read_only=False,
        ),
        world=found,
        writes=True,
    ),
    Contract(
        "recommend-dismiss",
        ("recommend", "dismiss", FOUND, "--note", "kept hot for audits", *LEDGER_ARGS),
        on_ledger(
            lambda led: dismiss(led, FOUND, note="kept hot for audits").to_dict(), read_only=False
        ),
        world=found,
        writes=True,
    ),
    Contract(
        "recommend-done",
        ("recommend", "done", FOUND, *LEDGER_ARGS),
        on_ledger(lambda led: done(led, FOUND).to_dict(), read_only=False),
        world=accepted,
        writes=True,
    ),
    Contract(
        "recommend-reopen",
        ("recommend", "reopen", FOUND, *LEDGER_ARGS),
        on_ledger(lambda led: reopen(led, FOUND).to_dict(), read_only=False),
        world=dismissed,
        writes=True,
    ),
    Contract(
        "recommend-realized",
        ("recommend", "realized", *LEDGER_ARGS),
        on_ledger(lambda led: [m.to_dict() for m in realized_savings(led)]),
        world=accepted,
    ),
]
