"""What a demo run wrote: ``manifest.json`` and the :class:`DemoManifest` it holds.

The manifest is the ground truth later stages test against: the files by kind,
the rows per provider and file, the injected anomalies (dates, scope, size), the
planted opportunities (scope and monthly savings), the intentional FOCUS rule
breaks (file and row numbers), and the totals of BilledCost and EffectiveCost per
provider and currency as written. Money is a decimal string in JSON so totals
stay exact.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from infracast.errors import ConfigError


@dataclass(frozen=True)
class DemoFile:
    """One file written, relative to the output folder (POSIX separators)."""

    path: str
    kind: str  # focus | usage | assets | manual | buckets
    rows: int
    provider: str | None = None  # aws | gcp | azure | onprem
    month: str | None = None  # YYYY-MM
    focus_version: str | None = None


@dataclass(frozen=True)
class Anomaly:
    """An injected anomaly: when, where and how much it added."""

    kind: str
    provider: str
    start: str  # UTC, ISO 8601, inclusive
    end: str  # UTC, exclusive
    team: str | None
    project: str | None
    workload: str | None
    resource_ids: list[str]
    extra_effective_cost: Decimal
    extra_quantity: float
    unit: str
    description: str


@dataclass(frozen=True)
class Opportunity:
    """A planted saving still open at the period's end: where, and how much a month."""

    kind: str  # idle_gpu | consolidate_replicas | storage_tier | commitment_unused
    provider: str
    team: str | None
    project: str | None
    resource_ids: list[str]
    monthly_savings: Decimal  # USD a month, by the rule in ``description``
    description: str
    details: dict[str, Any] = field(default_factory=dict)  # the figures the saving uses


@dataclass(frozen=True)
class RuleBreak:
    """Rows that break a FOCUS rule on purpose, as real exports do."""

    kind: str  # refund_correction | negative_usage | wrong_case | unparseable_cost
    provider: str
    file: str
    rows: list[int]  # 1-based data row numbers in the file (header excluded)
    column: str
    resource_id: str
    description: str
    value: str | None = None


@dataclass(frozen=True)
class Total:
    """Sums of the cost columns of one provider and currency, as written."""

    provider: str
    provider_name: str
    currency: str
    rows: int
    billed_cost: Decimal
    effective_cost: Decimal
    unparsed_rows: int = 0  # CSV rows whose BilledCost does not parse (left out of the sums)


@dataclass
class DemoManifest:
    """The result of :func:`infracast.demo.generate`."""

    company: str
    period_start: str
    period_end: str  # exclusive
    months: int
    seed: int
    rows_requested: int
    file_format: str
    sample_interval_s: int
    focus_rows: int
    rows_by_provider: dict[str, int]
    focus_versions: dict[str, str]
    grains: dict[str, str]  # provider -> hour | day (compute rows)
    files: dict[str, list[DemoFile]]
    anomalies: list[Anomaly]
    opportunities: list[Opportunity]
    rule_breaks: list[RuleBreak]
    totals: list[Total]
    generator: dict[str, str] = field(default_factory=dict)

    def paths(self, kind: str, provider: str | None = None) -> list[str]:
        """Relative paths of the files of ``kind`` (and ``provider``)."""
        return [
            f.path for f in self.files.get(kind, []) if provider is None or f.provider == provider
        ]

    def to_json(self) -> dict[str, Any]:
        return _jsonable(asdict(self))

    def write(self, path: Path) -> None:
        path.write_text(
            json.dumps(self.to_json(), indent=2, sort_keys=False) + "\n", encoding="utf-8"
        )

    @classmethod
    def read(cls, path: str | Path) -> DemoManifest:
        """Read a ``manifest.json`` written by :func:`infracast.demo.generate`."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise ConfigError(
                f"cannot read the demo manifest {path}: {exc}.",
                hint="Generate the demo again with `infracast demo generate <folder>`.",
            ) from exc
        data["files"] = {k: [DemoFile(**f) for f in v] for k, v in data["files"].items()}
        data["anomalies"] = [
            Anomaly(**{**a, "extra_effective_cost": Decimal(a["extra_effective_cost"])})
            for a in data["anomalies"]
        ]
        data["opportunities"] = [
            Opportunity(**{**o, "monthly_savings": Decimal(o["monthly_savings"])})
            for o in data.get("opportunities", [])
        ]
        data["rule_breaks"] = [RuleBreak(**r) for r in data["rule_breaks"]]
        data["totals"] = [
            Total(
                **{
                    **t,
                    "billed_cost": Decimal(t["billed_cost"]),
                    "effective_cost": Decimal(t["effective_cost"]),
                }
            )
            for t in data["totals"]
        ]
        return cls(**data)


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value
