"""Each package exports its public names and nothing else; the lists are pinned here
(as httpx pins its own), and no function hides a module of the same name."""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

import pytest

import infracast

PINNED = {
    "infracast": [
        "CashflowSource",
        "InfracastError",
        "Ledger",
        "__version__",
        "costs",
        "finance_cashflows",
        "finance_metrics",
        "finance_sensitivity",
        "finance_simulate",
        "gpu_efficiency",
        "ingest",
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
    ],
    "infracast.report": ["write_summary"],
    "infracast.vocabulary": [
        "COST_CATEGORIES",
        "GpuInstance",
        "currencies",
        "gpu_instances",
        "instance_key",
        "iso_currency",
    ],
}
# Packages whose __all__ must equal the names they define (the lazy top level is pinned above).
SURFACES = ["infracast.analytics", "infracast.demo", "infracast.ledger", "infracast.report"]
SURFACES += ["infracast.forecast", "infracast.vocabulary", "infracast.optimize"]


def _packages() -> list[str]:
    found = ["infracast"]
    for module in pkgutil.walk_packages(infracast.__path__, "infracast."):
        if module.ispkg:
            found.append(module.name)
    return found


@pytest.mark.parametrize("module", sorted(PINNED))
def test_public_names_are_pinned(module: str) -> None:
    mod = importlib.import_module(module)
    assert sorted(mod.__all__) == sorted(PINNED[module])
    for name in mod.__all__:
        assert getattr(mod, name) is not None


@pytest.mark.parametrize("module", SURFACES)
def test_all_lists_exactly_the_public_names(module: str) -> None:
    mod = importlib.import_module(module)
    public = {
        name
        for name, value in vars(mod).items()
        if not name.startswith("_") and not isinstance(value, ModuleType)
    }
    assert sorted(mod.__all__) == sorted(public)


@pytest.mark.parametrize("package", _packages())
def test_no_exported_name_hides_a_module(package: str) -> None:
    mod = importlib.import_module(package)
    hidden = [
        sub.name
        for sub in pkgutil.iter_modules(mod.__path__)
        if not isinstance(vars(mod).get(sub.name, ModuleType(sub.name)), ModuleType)
    ]
    assert not hidden, (
        f"{package} has names {hidden} that hide its modules of the same name: "
        "rename each module with a leading underscore (httpx style)"
    )


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
