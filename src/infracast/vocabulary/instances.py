"""Cloud instance types with accelerators (``data/gpu_instances.csv``, sources in its rows)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from infracast.vocabulary.data import data_rows


@dataclass(frozen=True)
class GpuInstance:
    """A cloud instance type with accelerators."""

    provider: str
    instance_type: str
    gpu_type: str
    gpu_count: int
    source: str

    @property
    def key(self) -> str:
        return instance_key(self.instance_type)


def instance_key(name: str) -> str:
    """Normalise an instance type name for matching (Azure's 'Standard_' and spaces)."""
    key = name.strip().lower().replace(" ", "_")
    return key.removeprefix("standard_")


@cache
def gpu_instances() -> tuple[GpuInstance, ...]:
    """The GPU instance types the package knows."""
    return tuple(
        GpuInstance(
            r["provider"], r["instance_type"], r["gpu_type"], int(r["gpu_count"]), r["source"]
        )
        for r in data_rows("gpu_instances.csv")
    )
