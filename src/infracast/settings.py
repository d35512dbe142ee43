"""Settings: where the ledger lives and which tag keys mean team and project.

Resolution order, first wins: explicit arguments, environment variables
(``INFRACAST_LEDGER``, ``INFRACAST_TEAM_TAGS``, ``INFRACAST_PROJECT_TAGS``,
``INFRACAST_CATEGORY_RULES``, ``INFRACAST_MEMORY_LIMIT``, ``INFRACAST_LOCK_TIMEOUT``,
``INFRACAST_PRICE_BOOK``, ``INFRACAST_PRICE_OVERRIDES``, and the recommendation rules'
thresholds ``INFRACAST_IDLE_THRESHOLD``, ``INFRACAST_IDLE_DAYS``,
``INFRACAST_USAGE_WINDOW_DAYS``, ``INFRACAST_COMMITMENT_THRESHOLD``,
``INFRACAST_STORAGE_HORIZON_MONTHS``, and the API's ``INFRACAST_UPLOAD_MAX_MB``), then an
``infracast.toml`` file in the working directory (or the file named by
``INFRACAST_CONFIG``), then the defaults.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from infracast.errors import ConfigError
from infracast.validation import problem

DEFAULT_LEDGER = "infracast.duckdb"
# Long enough for a reader to outwait a typical ingest (300k rows take ~35 s), short
# enough that a forgotten process is reported within a minute.
DEFAULT_LOCK_TIMEOUT = 60.0
# Bigger than a month of a large company's FOCUS export as CSV.gz or Parquet, small enough
# that one upload cannot fill a server's temporary disk by surprise.
DEFAULT_UPLOAD_MAX_MB = 1024.0


class Settings(BaseModel):
    """Settings that shape ingest and analytics."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    ledger: Path = Field(default=Path(DEFAULT_LEDGER), description="DuckDB ledger file")
    team_tags: tuple[str, ...] = Field(
        default=("team",), description="tag keys that name the team, first match wins"
    )
    project_tags: tuple[str, ...] = Field(
        default=("project",), description="tag keys that name the project, first match wins"
    )
    price_book: Path | None = Field(
        default=None,
        description="price book for estimates (our CSV layout or a SkyPilot vms.csv); "
        "default: the packaged, dated price book",
    )
    price_overrides: Path | None = Field(
        default=None, description="YAML of negotiated prices that win over the price book"
    )
    memory_limit: str | None = Field(
        default=None,
        pattern=r"^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$",
        description="cap on DuckDB's memory (e.g. '3GB'; default: 3 GiB or half the RAM, "
        "whichever is smaller); beyond it DuckDB spills to disk",
    )
    category_rules: Path | None = Field(
        default=None, description="YAML or CSV of cost-category rules that override the defaults"
    )
    lock_timeout: float = Field(
        default=DEFAULT_LOCK_TIMEOUT,
        ge=0,
        allow_inf_nan=False,
        description="seconds to wait for the ledger while another process holds it "
        "(0: fail at once)",
    )
    idle_threshold: float = Field(
        default=0.05,
        gt=0,
        le=1,
        description="recommend: GPU utilization below which a sample counts as idle (0.05: 5%)",
    )
    idle_days: float = Field(
        default=7.0,
        gt=0,
        description="recommend: days a GPU must stay idle (95% of its samples) before it is "
        "recommended to stop",
    )
    usage_window_days: float = Field(
        default=14.0,
        gt=0,
        description="recommend: days of usage samples the GPU rules read (the newest ones)",
    )
    commitment_threshold: float = Field(
        default=0.8,
        gt=0,
        le=1,
        description="recommend: utilization below which a commitment is reported as unused",
    )
    storage_horizon_months: int = Field(
        default=12,
        ge=1,
        description="recommend: months over which one-time storage fees (transitions, "
        "minimum durations) are spread",
    )
    upload_max_mb: float = Field(
        default=DEFAULT_UPLOAD_MAX_MB,
        gt=0,
        allow_inf_nan=False,
        description="API: the largest file POST /api/v1/ingests takes, in MB (1 MB = 2^20 "
        "bytes); a bigger upload is refused (413) as soon as it crosses the limit",
    )


_ENV = {
    "ledger": "INFRACAST_LEDGER",
    "team_tags": "INFRACAST_TEAM_TAGS",
    "project_tags": "INFRACAST_PROJECT_TAGS",
    "category_rules": "INFRACAST_CATEGORY_RULES",
    "memory_limit": "INFRACAST_MEMORY_LIMIT",
    "lock_timeout": "INFRACAST_LOCK_TIMEOUT",
    "price_book": "INFRACAST_PRICE_BOOK",
    "price_overrides": "INFRACAST_PRICE_OVERRIDES",
    "idle_threshold": "INFRACAST_IDLE_THRESHOLD",
    "idle_days": "INFRACAST_IDLE_DAYS",
    "usage_window_days": "INFRACAST_USAGE_WINDOW_DAYS",
    "commitment_threshold": "INFRACAST_COMMITMENT_THRESHOLD",
    "storage_horizon_months": "INFRACAST_STORAGE_HORIZON_MONTHS",
    "upload_max_mb": "INFRACAST_UPLOAD_MAX_MB",
}


def _split_keys(value: str) -> tuple[str, ...]:
    return tuple(k.strip() for k in value.split(",") if k.strip())


def load_settings(**overrides: object) -> Settings:
    """Settings from overrides, environment, ``infracast.toml`` and defaults."""
    values: dict[str, object] = {}
    config_path = Path(os.environ.get("INFRACAST_CONFIG", "infracast.toml"))
    if config_path.is_file():
        try:
            data = tomllib.loads(config_path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(
                f"{config_path} is not valid TOML: {exc}.",
                hint="Fix the file or point INFRACAST_CONFIG at another one.",
            ) from exc
        section = data.get("infracast", data)
        values.update({k.replace("-", "_"): v for k, v in section.items()})
    for key, env in _ENV.items():
        if env in os.environ and os.environ[env].strip():
            raw = os.environ[env]
            values[key] = _split_keys(raw) if key.endswith("_tags") else raw
    for key, value in overrides.items():
        if value is not None:
            values[key] = value
    for key in ("team_tags", "project_tags"):
        if isinstance(values.get(key), str):
            values[key] = _split_keys(str(values[key]))
    try:
        return Settings.model_validate(values)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {problem(err, Settings.model_fields)}"
            for err in exc.errors()
        )
        raise ConfigError(
            f"invalid settings ({problems}).",
            hint=f"Check {config_path} and the INFRACAST_* environment variables "
            f"({', '.join(sorted(_ENV.values()))}).",
        ) from exc
