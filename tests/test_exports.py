"""Each package exports its public names and nothing else; the lists are pinned here."""

from __future__ import annotations

import importlib

import pytest

import infracast

PINNED = {
    "infracast": [
        "InfracastError",
        "Ledger",
        "__version__",
        "costs",
        "gpu_efficiency",
        "ingest_assets",
        "ingest_focus",
        "ingest_manual",
        "ingest_usage",
        "open_ledger",
        "retag",
        "savings",
        "showback",
        "top_movers",
        "write_summary",
    ],
    "infracast.ledger": [
        "IngestResult",
        "Ledger",
        "RetagResult",
        "export_quarantine",
        "ingest_assets",
        "ingest_focus",
        "ingest_manual",
        "ingest_usage",
        "list_ingests",
        "open_ledger",
        "quarantine_summary",
        "quarantined_rows",
        "retag",
    ],
    "infracast.report": ["write_summary"],
}


@pytest.mark.parametrize("module", sorted(PINNED))
def test_public_names_are_pinned(module: str) -> None:
    mod = importlib.import_module(module)
    assert sorted(mod.__all__) == sorted(PINNED[module])
    for name in mod.__all__:
        assert getattr(mod, name) is not None


def test_top_level_names_are_the_packages_functions() -> None:
    from infracast import analytics, ledger

    assert infracast.costs is analytics.costs
    assert infracast.ingest_focus is ledger.ingest_focus
    with pytest.raises(AttributeError):
        _ = infracast.no_such_thing  # type: ignore[attr-defined]


def test_estimate_exports_the_documented_api() -> None:
    import infracast.estimate as estimate

    assert {
        "training",
        "finetune",
        "inference",
        "project",
        "build_vs_buy",
        "fit_estimator",
        "TrainingSpec",
        "InferenceSpec",
        "estimate_training",
        "tco",
    } <= set(estimate.__all__)
    for name in estimate.__all__:
        assert getattr(estimate, name) is not None
