"""The ledger: one DuckDB file of FOCUS charges, usage samples, assets, ingests and quarantine."""

from infracast.ledger._retag import RetagResult, retag
from infracast.ledger.assets import ingest_assets
from infracast.ledger.connection import Ledger, open_ledger
from infracast.ledger.focus_ingest import ingest_focus
from infracast.ledger.manual import ingest_manual
from infracast.ledger.quarantine import (
    export_quarantine,
    list_quarantine,
    quarantine_summary,
    quarantined_rows,
)
from infracast.ledger.records import IngestResult, ingests, list_ingests
from infracast.ledger.sources import ingest
from infracast.ledger.usage import ingest_usage

__all__ = [
    "IngestResult",
    "Ledger",
    "RetagResult",
    "export_quarantine",
    "ingest",
    "ingest_assets",
    "ingest_focus",
    "ingest_manual",
    "ingest_usage",
    "ingests",
    "list_ingests",
    "list_quarantine",
    "open_ledger",
    "quarantine_summary",
    "quarantined_rows",
    "retag",
]
