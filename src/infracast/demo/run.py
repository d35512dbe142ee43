"""The demo job: generate the demo company, ingest it, set up its plans, write the summary.

This is what ``make demo`` runs (``infracast demo run``). It is idempotent: the
files are deterministic, so running it again finds them already ingested.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from infracast.demo._generate import generate
from infracast.demo.control import DemoControl, setup_control
from infracast.demo.manifest import DemoManifest
from infracast.ledger import ingest_focus
from infracast.ledger.assets import ingest_assets
from infracast.ledger.bucket_inventory import ingest_buckets
from infracast.ledger.connection import Ledger
from infracast.ledger.files import ProgressCallback
from infracast.ledger.manual import ingest_manual
from infracast.ledger.records import IngestResult
from infracast.ledger.usage import ingest_usage
from infracast.report.summary import write_summary


@dataclass
class DemoRun:
    """What the demo job did."""

    manifest: DemoManifest
    out_dir: Path
    results: list[IngestResult] = field(default_factory=list)
    summary: Path | None = None
    control: DemoControl | None = None

    def ingested(self) -> list[dict[str, Any]]:
        """Per kind of source: files by status and the rows read, ingested, quarantined
        and kept with warnings (the overview ``infracast demo run`` prints)."""
        kinds: dict[str, dict[str, int]] = {}
        for r in self.results:
            k = kinds.setdefault(r.kind, dict.fromkeys(_OVERVIEW, 0))
            k["files"] += 1
            k[r.status] = k.get(r.status, 0) + 1
            for key in ("rows_read", "rows_ingested", "rows_quarantined", "rows_with_warnings"):
                k[key] += getattr(r, key)
        return [{"kind": kind, **{key: v[key] for key in _OVERVIEW}} for kind, v in kinds.items()]


_OVERVIEW = (
    "files",
    "ingested",
    "already_ingested",
    "rejected",
    "rows_read",
    "rows_ingested",
    "rows_quarantined",
    "rows_with_warnings",
)


def run_demo(
    ledger: Ledger,
    out_dir: Path,
    *,
    rows: int = 200_000,
    seed: int = 42,
    summary: Path | None = Path("infracast-summary.html"),
    generate_progress: Callable[[int, int], None] | None = None,
    ingest_progress: ProgressCallback | None = None,
    stage: Callable[[str], None] | None = None,
) -> DemoRun:
    """Generate the demo company into ``out_dir``, ingest it into ``ledger``, write the summary.

    Usage samples are ingested before the asset register, so on-prem energy is
    computed from measured power.
    """
    say = stage or (lambda _text: None)
    say(f"Generating the demo company ({rows:,} FOCUS rows) in {out_dir}")
    manifest = generate(out_dir, rows=rows, seed=seed, progress=generate_progress)
    run = DemoRun(manifest=manifest, out_dir=out_dir)
    last_day = date.fromisoformat(manifest.period_end[:10]) - timedelta(days=1)
    say("Ingesting the cloud bills (FOCUS)")
    run.results += ingest_focus(ledger, [out_dir / "focus"], progress=ingest_progress)
    say("Ingesting GPU usage samples")
    run.results += ingest_usage(ledger, [out_dir / "usage"], progress=ingest_progress)
    say("Ingesting the asset register and manual entries")
    run.results.append(ingest_assets(ledger, out_dir / "assets.yaml", through=last_day))
    run.results.append(ingest_manual(ledger, out_dir / "manual.yaml", through=last_day))
    say("Ingesting the bucket statistics")
    ingest_buckets(ledger, out_dir / "buckets.csv")
    say("Setting up budgets, projects with progress, and a saved plan")
    run.control = setup_control(ledger)
    if summary is not None:
        say("Writing the HTML summary")
        run.summary = write_summary(ledger, summary, title=f"{manifest.company}: cost summary")
    return run
