"""`infracast buckets`: object storage statistics (ingest, list), the cost of each bucket in
every storage class (tiers) and a folder's duplicates and compression (scan). Each command
is one call of :mod:`infracast.ledger.bucket_inventory`,
:func:`infracast.recommend.storage.bucket_tiers` or
:func:`infracast.control.storage_scan.scan_storage`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from infracast.cli.common import (
    FormatOption,
    LedgerOption,
    err,
    library_default,
    open_ledger,
    out,
    print_notes,
    print_plain,
)
from infracast.cli.render import OutputFormat, render
from infracast.control.storage_scan import scan_storage
from infracast.ledger.bucket_inventory import ingest_buckets, list_buckets
from infracast.recommend.storage import bucket_tiers

app = typer.Typer(
    help="Object storage: bucket statistics, the cost of each storage class, duplicate scans.",
    no_args_is_help=True,
)
_COLUMNS = ["bucket", "prefix", "provider", "region", "storage_class", "size_gb", "objects",
            "age_days", "last_access_days", "reads_per_month", "read_gb_per_month", "team",
            "project", "as_of"]  # fmt: skip
AsOfOption = Annotated[
    str | None, typer.Option("--as-of", help="The date of the statistics (YYYY-MM-DD).")
]
BucketOption = Annotated[str | None, typer.Option("--bucket", "-b", help="Only this bucket.")]


@app.command()
def ingest(
    file: Annotated[
        Path,
        typer.Argument(help="A bucket_stats CSV, or an S3, GCS or Azure inventory CSV (.csv.gz)."),
    ],
    kind: Annotated[
        str | None,
        typer.Option("--kind", "-k", help="csv, s3, gcs or azure (default: from the header)."),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Date of an inventory (YYYY-MM-DD; default: today)."),
    ] = None,
    region: Annotated[
        str | None, typer.Option("--region", help="Region of buckets the file gives none.")
    ] = None,
    team: Annotated[str | None, typer.Option("--team", help="Team of the buckets.")] = None,
    project: Annotated[
        str | None, typer.Option("--project", help="Project of the buckets.")
    ] = None,
    ledger: LedgerOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Store bucket statistics: one row per bucket (and prefix) and date, replacing a row of
    the same bucket, prefix and date.

    A CSV has the columns of the bucket_stats table (bucket, provider, size_gb required;
    region, storage_class, prefix, objects, age_days, last_access_days, reads_per_month,
    read_gb_per_month, team, project, as_of may be empty). An inventory is summed per bucket
    (size, objects, mean age, main class); it has no reads, which stay unknown.

    Examples:

      infracast buckets ingest buckets.csv

      infracast buckets ingest inventory/data/part-0.csv.gz --kind s3 --as-of 2024-07-01 \\
        --region us-east-1 --team research
    """
    with open_ledger(ledger) as led:
        result = ingest_buckets(led, file, kind=kind, as_of=as_of, region=region, team=team,
                                project=project)  # fmt: skip
    rows = [{**r, "as_of": r["as_of"]} for r in result.rows]
    if print_plain(fmt, result.to_dict(), rows):
        return
    render(rows, fmt, console=out, columns=_COLUMNS,
           title=f"Stored {len(rows)} buckets from {file.name} ({result.kind})")  # fmt: skip
    print_notes(result.notes)


@app.command("list")
def list_(
    bucket: BucketOption = None,
    as_of: AsOfOption = None,
    history: Annotated[
        bool, typer.Option("--history", help="Every stored date, not only the newest.")
    ] = library_default(list_buckets, "history"),
    ledger: LedgerOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """The stored bucket statistics: each bucket's newest (on or before --as-of).

    Examples:

      infracast buckets list

      infracast buckets list --bucket ckpt --history --format json
    """
    with open_ledger(ledger, read_only=True, create=False) as led:
        rows = list_buckets(led, bucket=bucket, as_of=as_of, history=history)
    render(rows, fmt, console=out, columns=[*_COLUMNS, "source"], title="Buckets",
           empty="No bucket statistics: run infracast buckets ingest FILE.")  # fmt: skip


@app.command()
def tiers(
    bucket: BucketOption = None,
    as_of: AsOfOption = None,
    horizon_months: Annotated[
        int,
        typer.Option("--horizon", help="Months over which one-time fees are spread.", min=1),
    ] = library_default(bucket_tiers, "horizon_months"),
    prices: Annotated[
        Path | None,
        typer.Option("--prices", help="A storage price CSV (default: the packaged one)."),
    ] = None,
    ledger: LedgerOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """The monthly cost of each bucket in every storage class of its provider, by part:
    storage, reads, retrieval, and the transition and minimum-duration fees spread over the
    horizon; the current and the cheapest class marked.

    Examples:

      infracast buckets tiers --bucket ckpt

      infracast buckets tiers --horizon 6 --format json
    """
    with open_ledger(ledger, read_only=True, create=False) as led:
        choices = bucket_tiers(led, bucket=bucket, as_of=as_of, horizon_months=horizon_months,
                               prices=prices)  # fmt: skip
    rows = [_tier_row(c.to_dict(), cost) for c in choices for cost in c.to_dict()["costs"]]
    if print_plain(fmt, [c.to_dict() for c in choices], rows):
        return
    cols = ["bucket", "prefix", "class", "tier", "storage", "reads", "retrieval", "transition",
            "min_duration", "early_leave", "total", "mark"]  # fmt: skip
    money = ("storage", "reads", "retrieval", "transition", "min_duration", "early_leave")
    render(rows, fmt, console=out, columns=cols, money=(*money, "total"),
           title=f"Monthly cost per storage class ({horizon_months}-month horizon)",
           empty="No bucket statistics: run infracast buckets ingest FILE.")  # fmt: skip
    for choice in choices:
        d = choice.to_dict()
        err.print(
            f"{d['bucket']}{'/' + d['prefix'] if d['prefix'] else ''}: {d['current_class']} → "
            f"{d['best_class']} saves {d['monthly_savings']:,.2f} {d['currency']} a month "
            f"(prices: {d['price_source']})",
            highlight=False,
        )
        print_notes(d["assumptions"])


def _tier_row(choice: dict[str, Any], cost: dict[str, Any]) -> dict[str, Any]:
    mark = []
    if cost["storage_class"] == choice["current_class"]:
        mark.append("current")
    if cost["storage_class"] == choice["best_class"]:
        mark.append("cheapest")
    return {"bucket": choice["bucket"], "prefix": choice["prefix"],
            "class": cost["storage_class"], **cost, "mark": " ".join(mark)}  # fmt: skip


@app.command()
def scan(
    folder: Annotated[Path, typer.Argument(help="The folder to scan (checkpoints, a dataset).")],
    compression: Annotated[
        bool,
        typer.Option("--compression/--no-compression", help="Measure zlib on a sample."),
    ] = library_default(scan_storage, "compression"),
    sample_files: Annotated[
        int, typer.Option("--sample-files", min=1, help="Files in the compression sample.")
    ] = library_default(scan_storage, "sample_files"),
    sample_bytes: Annotated[
        int, typer.Option("--sample-bytes", min=1, help="Bytes read from each sampled file.")
    ] = library_default(scan_storage, "sample_bytes"),
    top: Annotated[
        int, typer.Option("--top", min=0, help="Duplicate groups to list.")
    ] = library_default(scan_storage, "top"),
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Find duplicate files (same size, then same SHA-256) and measure how well a sample
    compresses: the dedup and compression ratios the storage recommendations use.

    Examples:

      infracast buckets scan ./checkpoints

      infracast buckets scan /data/shards --no-compression --format json
    """
    result = scan_storage(folder, compression=compression, sample_files=sample_files,
                          sample_bytes=sample_bytes, top=top)  # fmt: skip
    groups = [g.to_dict() for g in result.groups]
    if print_plain(fmt, result.to_dict(), groups):
        return
    ratio = result.compression_ratio
    summary = {
        "files": result.files,
        "total_bytes": result.total_bytes,
        "duplicate_bytes": result.duplicate_bytes,
        "dedup_ratio": round(result.dedup_ratio, 4),
        "compression_ratio": None if ratio is None else round(ratio, 4),
        "codec": result.codec,
    }
    render([summary], fmt, console=out, title=f"Scan of {result.folder}")
    if groups:
        render(groups, fmt, console=out, columns=["wasted_bytes", "size_bytes", "copies", "paths"],
               title=f"Duplicates ({result.duplicate_groups} groups)")  # fmt: skip
    print_notes(result.notes)
