"""The estimators' defaults, read from ``data/estimate_defaults.yaml`` with their sources.

This is the one module of ``estimate/`` that reads a file: the packaged data
file, through :mod:`importlib.resources`. The pure estimators take a
:class:`Defaults` as an argument, so tests and notebooks can pass their own
(:meth:`Defaults.replace`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from infracast.errors import EstimateError

DEFAULTS_FILE = "estimate_defaults.yaml"

# Every key the estimators read; the loader refuses a file that lacks one.
REQUIRED_KEYS: frozenset[str] = frozenset(
    {
        *(
            f"goodput.{k}"
            for k in (
                "large_model_mfu",
                "size_overhead_c",
                "moe_factor",
                "fp16_factor",
                "fp8_speedup",
                "failure_interruptions",
                "failure_snapshot_gpus",
                "failure_snapshot_days",
                "failure_effective_time",
            )
        ),
        "architecture.aspect_ratio",
        "architecture.head_dim",
        "architecture.kv_heads",
        *(
            f"training.{k}"
            for k in (
                "precision",
                "seq_len",
                "micro_batch",
                "zero_stage",
                "activation_recomputation",
                "flash_attention",
                "memory_headroom",
                "node_size",
                "target_wallclock_days",
                "weight_bytes",
                "gradient_bytes",
                "optimizer_bytes",
                "activation_bytes_coefficient",
                "attention_bytes_coefficient",
                "recompute_bytes_coefficient",
            )
        ),
        *(
            f"energy.{k}"
            for k in ("power_fraction_of_tdp", "pue", "grid_intensity", "price_per_kwh", "currency")
        ),
        *(
            f"finetune.{k}"
            for k in (
                "lora_rank",
                "lora_targets",
                "frozen_flops_per_param_token",
                "qlora_bytes_per_param",
                "epochs",
            )
        ),
        *(
            f"ranges.{k}"
            for k in (
                "training_params_min",
                "training_params_max",
                "training_active_params_min",
                "training_active_params_max",
                "training_tokens_min",
                "training_tokens_max",
                "training_flops_min",
                "training_flops_max",
                "cluster_accelerators_max",
                "max_accelerators",
                "max_flops",
                "inference_params_min",
                "inference_params_max",
                "inference_context_max",
                "inference_batch_max",
                "inference_replica_max",
            )
        ),
        *(
            f"inference.{k}"
            for k in (
                "gpu_memory_utilization",
                "runtime_overhead_gib",
                "max_batch",
                "decode_bandwidth_efficiency",
                "compute_efficiency",
                "hours_per_month",
                "kv_precision",
                "compute_precision_bf16",
                "compute_precision_fp16",
                "compute_precision_fp8",
                "compute_precision_int8",
                "compute_precision_int4",
            )
        ),
    }
)


class DefaultValue(BaseModel):
    """One default: its value, the unit it is in, and where it comes from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    value: bool | int | float | str
    unit: str
    source: str


@dataclass(frozen=True)
class Assumption:
    """Something an estimate assumed: a default, a derived figure or a price."""

    name: str
    value: Any
    source: str

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "value": self.value, "source": self.source}


@dataclass(frozen=True)
class Defaults:
    """The estimators' defaults by dotted key (``goodput.large_model_mfu``)."""

    entries: Mapping[str, DefaultValue]

    def entry(self, key: str) -> DefaultValue:
        return self.entries[key]

    def number(self, key: str) -> float:
        value = self.entries[key].value
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise TypeError(f"default {key} is not a number")
        return float(value)

    def integer(self, key: str) -> int:
        return int(self.number(key))

    def decimal(self, key: str) -> Decimal:
        return Decimal(str(self.entries[key].value))

    def text(self, key: str) -> str:
        return str(self.entries[key].value)

    def flag(self, key: str) -> bool:
        value = self.entries[key].value
        if not isinstance(value, bool):
            raise TypeError(f"default {key} is not a boolean")
        return value

    def assumption(self, key: str, value: Any = None, *, name: str | None = None) -> Assumption:
        """The default as an assumption: its value (or ``value`` derived from it) and source."""
        entry = self.entries[key]
        shown = entry.value if value is None else value
        return Assumption(
            name or key.split(".", 1)[1], shown, f"default ({entry.unit}): {entry.source}"
        )

    def replace(self, **values: bool | int | float | str) -> Defaults:
        """A copy with some values changed, keyed by dotted name with '.' written as '__'.

        >>> load_defaults().replace(inference__max_batch=64).number("inference.max_batch")
        64.0
        """
        entries = dict(self.entries)
        for raw, value in values.items():
            key = raw.replace("__", ".")
            if key not in entries:
                raise KeyError(f"no default named {key}")
            entries[key] = entries[key].model_copy(update={"value": value})
        return Defaults(entries)


def defaults_from_mapping(data: Mapping[str, Any], origin: str = DEFAULTS_FILE) -> Defaults:
    """Defaults from the parsed YAML: sections of ``name: {value, unit, source}``."""
    entries: dict[str, DefaultValue] = {}
    for section, items in data.items():
        if not isinstance(items, Mapping):
            raise EstimateError(
                f"{origin}: section {section!r} is not a mapping of defaults.",
                hint=f"Under {section}:, write one default a line as name: {{value: …, unit: …, "
                "source: …}} (see data/estimate_defaults.yaml).",
            )
        for name, raw in items.items():
            key = f"{section}.{name}"
            try:
                entries[key] = DefaultValue.model_validate(raw)
            except ValidationError as exc:
                problems = "; ".join(
                    f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()
                )
                raise EstimateError(
                    f"{origin}: default {key} is malformed ({problems}).",
                    hint="Each default needs a value, a unit and a source.",
                ) from exc
    missing = sorted(REQUIRED_KEYS - set(entries))
    if missing:
        raise EstimateError(
            f"{origin} lacks the defaults {', '.join(missing)}.",
            hint="Every estimator reads these keys: add each with its value, unit and source "
            "(copy them from data/estimate_defaults.yaml).",
        )
    return Defaults(entries)


@lru_cache(maxsize=1)
def load_defaults() -> Defaults:
    """The packaged defaults (read once)."""
    text = resources.files("infracast.data").joinpath(DEFAULTS_FILE).read_text(encoding="utf-8")
    return defaults_from_mapping(yaml.safe_load(text))
