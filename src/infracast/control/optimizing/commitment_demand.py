"""Demand for commitment planning: a file of paths or a forecast CSV, or the ledger's
GPU-hours forecast of one accelerator, as scenarios (for :mod:`._commitments`)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from infracast.analytics.periods import Instant
from infracast.catalog._accelerators import find_accelerator
from infracast.control.optimizing.tables import YAML_SUFFIXES, read_table
from infracast.errors import ConfigError, InputFileError, did_you_mean
from infracast.optimize.scenarios import DemandScenarios
from infracast.specfiles import read_csv_rows

if TYPE_CHECKING:
    from infracast.ledger.connection import Ledger


LEVELS = (80, 95)


class DemandRow(BaseModel):
    """One row of a demand-paths file: ``demand`` GPU-hours in ``period`` of ``scenario``."""

    model_config = ConfigDict(extra="ignore")
    scenario: str = Field(min_length=1)
    period: str = Field(min_length=1)
    demand: float = Field(ge=0, allow_inf_nan=False)
    probability: float | None = Field(default=None, ge=0, le=1, allow_inf_nan=False)


def read_demand(
    path: str | Path, *, accelerator: str | None = None
) -> tuple[DemandScenarios, list[str]]:
    """Demand scenarios and period labels of a paths file or a forecast CSV."""
    path = Path(path)
    if path.suffix.lower() not in YAML_SUFFIXES:
        header, rows = read_csv_rows(path, what="the demand file")
        if "yhat" in header:
            return _forecast_csv(path, header, rows, accelerator)
    return _paths(path, read_table(path, DemandRow, what="the demand file", key="demand"))


def _paths(path: Path, rows: list[DemandRow]) -> tuple[DemandScenarios, list[str]]:
    names = list(dict.fromkeys(r.scenario for r in rows))
    labels = list(dict.fromkeys(r.period for r in rows))
    if all(_is_number(x) for x in labels):
        labels.sort(key=float)
    else:
        labels.sort()
    s_at, t_at = {n: i for i, n in enumerate(names)}, {p: j for j, p in enumerate(labels)}
    demand = np.full((len(names), len(labels)), np.nan)
    prob: dict[str, set[float | None]] = {n: set() for n in names}
    for r in rows:
        i, j = s_at[r.scenario], t_at[r.period]
        if not math.isnan(demand[i, j]):
            raise InputFileError(
                f"the demand file {path} gives scenario {r.scenario!r}, period {r.period!r} twice.",
                hint="Give one demand per scenario and period.",
                file=path,
            )
        demand[i, j] = r.demand
        prob[r.scenario].add(r.probability)
    missing = np.argwhere(np.isnan(demand))
    if missing.size:
        i, j = (int(k) for k in missing[0])
        raise InputFileError(
            f"the demand file {path} has no demand for scenario {names[i]!r} in period "
            f"{labels[j]!r} ({len(missing)} such gaps).",
            hint="Give every scenario a demand in every period (0 when there is none).",
            file=path,
        )
    given = [prob[n] for n in names]
    if all(p == {None} for p in given):
        return DemandScenarios.from_paths(demand), labels
    bad = next((n for n, p in zip(names, given, strict=True) if len(p) != 1 or None in p), None)
    if bad is not None:
        raise InputFileError(
            f"the demand file {path}: scenario {bad!r} has no probability, or several.",
            hint="Give each scenario one probability on all its rows, or none at all.",
            file=path,
        )
    return DemandScenarios(demand, np.array([next(iter(p)) for p in given])), labels


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _forecast_csv(
    path: Path, header: list[str], rows: list[tuple[int, dict[str, str]]], accelerator: str | None
) -> tuple[DemandScenarios, list[str]]:
    """A forecast CSV (``ds, yhat, loNN, hiNN``): one series, picked by ``unique_id``."""
    if "unique_id" in header:
        ids = list(dict.fromkeys(v.get("unique_id", "") for _, v in rows))
        wanted = _pick(ids, accelerator, f"the forecast file {path}")
        rows = [(line, v) for line, v in rows if v.get("unique_id", "") == wanted]
    levels = sorted(
        int(h[2:]) for h in header if h.startswith("lo") and h[2:].isdigit() and f"hi{h[2:]}"
        in header
    )  # fmt: skip
    columns = ["yhat", *(f"{side}{lv}" for lv in levels for side in ("lo", "hi"))]
    values = np.zeros((len(columns), len(rows)))
    for k, (line, v) in enumerate(rows):
        for c, name in enumerate(columns):
            text = (v.get(name) or "").strip()
            try:
                values[c, k] = float(text)
            except ValueError:
                values[c, k] = math.nan
            if not math.isfinite(values[c, k]):
                raise InputFileError(
                    f"the forecast file {path}, line {line}: {name} is {text!r}, not a number.",
                    hint="Write the forecast with infracast forecast --format csv.",
                    file=path,
                    row=line,
                )
    if not rows:
        raise InputFileError(
            f"the forecast file {path} has no rows.",
            hint="Write one with infracast forecast --format csv > forecast.csv.",
            file=path,
        )
    intervals = {float(lv): (values[1 + 2 * i], values[2 + 2 * i]) for i, lv in enumerate(levels)}
    labels = [v.get("ds", "").strip() for _, v in rows]
    order = np.argsort(labels, kind="stable")
    values = values[:, order]
    scen = DemandScenarios.from_intervals(
        values[0], {lv: (lo[order], hi[order]) for lv, (lo, hi) in intervals.items()}
    )
    if not levels:
        one = (*scen.notes, "the forecast has no intervals: one path.")
        scen = DemandScenarios(scen.demand, scen.probabilities, one)
    return scen, [labels[i] for i in order]


def same_accelerator(gpu_type: str, accelerator: str) -> bool:
    """Whether a ledger GPU type or series id names ``accelerator`` (by catalog name)."""
    a, b = find_accelerator(gpu_type), find_accelerator(accelerator)
    if a is not None and b is not None:
        return a.name == b.name
    return gpu_type.strip().lower() == accelerator.strip().lower()


def _pick(ids: list[str], accelerator: str | None, where: str) -> str:
    """The one series of ``ids`` for ``accelerator`` (or the only one)."""
    if accelerator is not None:
        found = [i for i in ids if same_accelerator(i, accelerator)]
        if len(found) == 1:
            return found[0]
    elif len(ids) == 1:
        return ids[0]
    raise ConfigError(
        f"{where} holds the series {', '.join(ids)}; "
        + (f"none is {accelerator}." if accelerator else "which one to plan?")
        + did_you_mean(accelerator or "", ids),
        hint="Name it with --accelerator.",
        field="accelerator",
    )


def ledger_demand(
    ledger: Ledger,
    accelerator: str | None,
    horizon: int,
    code: str,
    start: Instant | None,
    end: Instant | None,
) -> tuple[DemandScenarios, list[str], str]:
    from infracast.control.forecasting import forecast_gpu_hours

    made = forecast_gpu_hours(
        ledger, by="gpu_type", horizon=horizon, freq=code, level=LEVELS, start=start, end=end,
        store_it=False,
    )  # fmt: skip
    frame = made.forecast
    ids = sorted(str(x) for x in frame["unique_id"].unique())
    series = _pick(ids, accelerator, "the ledger's GPU usage")
    part = frame[frame["unique_id"] == series].sort_values("ds")
    intervals = {float(lv): (part[f"lo{lv}"], part[f"hi{lv}"]) for lv in LEVELS}
    scen = DemandScenarios.from_intervals(part["yhat"].to_numpy(), intervals)
    notes = (*scen.notes, *(f"forecast: {n}" for n in made.notes))
    labels = [f"{x:%Y-%m-%d}" for x in part["ds"]]
    return DemandScenarios(scen.demand, scen.probabilities, notes), labels, accelerator or series
