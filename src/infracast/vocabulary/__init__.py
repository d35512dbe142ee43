"""Vocabulary shared by every layer: FOCUS columns and values, currencies, cost categories,
GPU instance types. Plain data from the package's data files; imports no database."""

from infracast.vocabulary._currencies import currencies, iso_currency
from infracast.vocabulary.cost_categories import COST_CATEGORIES
from infracast.vocabulary.instances import GpuInstance, gpu_instances, instance_key

__all__ = [
    "COST_CATEGORIES",
    "GpuInstance",
    "currencies",
    "gpu_instances",
    "instance_key",
    "iso_currency",
]
