"""Estimate before you spend: training, fine-tuning and serving from first principles,
project budgets and TCO, build vs buy, and an estimator learned from past projects.

The pure estimators take plain data (specs, accelerators, price options, defaults);
:func:`training`, :func:`finetune`, :func:`inference`, :func:`project`,
:func:`build_vs_buy` and :func:`learned` are the ``infracast estimate`` commands:
they read a spec, look the accelerator and its prices up in the catalog (through
a :class:`~infracast.catalog.PriceSelection`), then call the pure estimators.
Importing this package loads no database.
"""

from infracast.estimate._build_vs_buy import BuildVsBuy, OwnedCost, RentalComparison
from infracast.estimate._finetune import FinetuneEstimate, FinetuneSpec, estimate_finetune
from infracast.estimate._inference import InferenceEstimate, InferenceSpec, estimate_inference
from infracast.estimate._learned import (
    CandidateScore,
    EstimatorSummary,
    LearnedEstimator,
    Prediction,
    fit_estimator,
)
from infracast.estimate._project import (
    BudgetLine,
    CostWorkload,
    ProjectBudget,
    WorkloadCost,
    WorkloadResult,
    budget,
    compute_workload_cost,
)
from infracast.estimate._tco import TCO, CapexItem, OneOff, OpexStream, TCOYear, tco
from infracast.estimate._training import TrainingEstimate, TrainingSpec, estimate_training
from infracast.estimate.api import (
    LearnedEstimate,
    build_vs_buy,
    finetune,
    inference,
    learned,
    project,
    training,
)
from infracast.estimate.defaults import Assumption, Defaults, load_defaults
from infracast.estimate.ownership import OwnedFleet, ownership_defaults
from infracast.estimate.project_spec import PhaseSpec, ProjectSpec, WorkloadSpec, validate_project
from infracast.estimate.units import parse_count

__all__ = [
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
