"""infracast: the cost of AI infrastructure, estimated, accounted, forecast, optimized, controlled.

The Python API mirrors the command line: ``infracast costs`` is
:func:`infracast.costs`, ``infracast ingest`` is :func:`infracast.ingest`.
Names are imported on first use, so ``import infracast`` stays light.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "Ledger": "infracast.ledger",
    "open_ledger": "infracast.ledger",
    "ingest": "infracast.ledger",
    "ingest_focus": "infracast.ledger",
    "ingest_usage": "infracast.ledger",
    "ingest_assets": "infracast.ledger",
    "ingest_manual": "infracast.ledger",
    "retag": "infracast.ledger",
    "costs": "infracast.analytics",
    "top_movers": "infracast.analytics",
    "savings": "infracast.analytics",
    "gpu_efficiency": "infracast.analytics",
    "showback": "infracast.analytics",
    "write_summary": "infracast.report",
    "CashflowSource": "infracast.control",
    "finance_cashflows": "infracast.control",
    "finance_metrics": "infracast.control",
    "finance_sensitivity": "infracast.control",
    "finance_simulate": "infracast.control",
    "InfracastError": "infracast.errors",
}

__all__ = ["__version__", *sorted(_EXPORTS)]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'infracast' has no attribute {name!r}")
