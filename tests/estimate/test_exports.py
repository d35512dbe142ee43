"""infracast.estimate exports its public names and nothing else, and shadows no module."""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

import infracast.estimate as estimate

PUBLIC = [
    "TCO",
    "Assumption",
    "BudgetLine",
    "BuildVsBuy",
    "CandidateScore",
    "CapexItem",
    "CostWorkload",
    "Defaults",
    "EstimatorSummary",
    "FinetuneEstimate",
    "FinetuneSpec",
    "InferenceEstimate",
    "InferenceSpec",
    "LearnedEstimate",
    "LearnedEstimator",
    "OneOff",
    "OpexStream",
    "OwnedCost",
    "OwnedFleet",
    "PhaseSpec",
    "Prediction",
    "ProjectBudget",
    "ProjectSpec",
    "RentalComparison",
    "TCOYear",
    "TrainingEstimate",
    "TrainingSpec",
    "WorkloadCost",
    "WorkloadResult",
    "WorkloadSpec",
    "budget",
    "build_vs_buy",
    "compute_workload_cost",
    "estimate_finetune",
    "estimate_inference",
    "estimate_training",
    "finetune",
    "fit_estimator",
    "inference",
    "learned",
    "load_defaults",
    "ownership_defaults",
    "parse_count",
    "project",
    "tco",
    "training",
    "validate_project",
]


def test_public_names_are_pinned() -> None:
    assert estimate.__all__ == PUBLIC


def test_every_public_name_exists() -> None:
    for name in estimate.__all__:
        assert getattr(estimate, name) is not None, name


def test_no_module_is_shadowed_by_an_exported_name() -> None:
    modules = [m.name for m in pkgutil.iter_modules(estimate.__path__)]
    assert "_training" in modules  # the walk sees the package's files
    for name in modules:
        assert isinstance(importlib.import_module(f"infracast.estimate.{name}"), ModuleType), name
        assert name not in estimate.__all__, name


def test_every_command_has_its_function() -> None:
    commands = ["training", "finetune", "inference", "project", "build_vs_buy", "learned"]
    assert all(callable(getattr(estimate, name)) for name in commands)
