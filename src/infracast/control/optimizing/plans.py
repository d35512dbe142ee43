"""The resource LP and allocation under scarcity from a user's file (the library under
``infracast optimize resources`` and ``infracast optimize allocate``).

- :func:`resources`: a CSV of resources (``name, unit, unit_cost, demand``, optional
  ``capacity, currency, integer, unmet_penalty``), or a YAML file with ``resources:``,
  optional ``projects:`` (each ``name``, ``demand: {resource: quantity}``, optional
  ``unmet_penalty``) and ``budget:`` (the portfolio form);
- :func:`allocate`: a CSV or YAML of teams (``name, demand``, optional ``weight, priority,
  value_per_unit, minimum``) sharing a capacity by a policy.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, Any

from infracast.amounts import parse_amount
from infracast.control.optimizing.tables import YAML_SUFFIXES, read_table
from infracast.errors import InputFileError
from infracast.optimize.allocation import Allocation, TeamDemand
from infracast.optimize.allocation import allocate as allocate_teams
from infracast.optimize.exceptions import OptimizeError
from infracast.optimize.resource_lp import Resource, ResourcePlan
from infracast.optimize.resource_lp import resources as solve_resources
from infracast.specfiles import read_yaml

if TYPE_CHECKING:
    from infracast.ledger.connection import Ledger

_SPEC_KEYS = ("resources", "projects", "budget")


def _portfolio(path: Path) -> tuple[list[Any], list[Any] | None, Any]:
    """(resources, projects, budget) of a YAML spec; a bare list is the resources alone."""
    data = read_yaml(path, what="the resource file", expect="any")
    if isinstance(data, list):
        return data, None, None
    if not isinstance(data, dict) or "resources" not in data:
        raise InputFileError(
            f"the resource file {path} holds no resources: list.",
            hint="Write resources: (a list of name, unit, unit_cost, demand), and optionally "
            "projects: and budget:; docs/optimize.md shows one.",
            file=path,
        )
    unknown = sorted(set(data) - set(_SPEC_KEYS))
    if unknown:
        raise InputFileError(
            f"the resource file {path} has unknown keys: {', '.join(unknown)}.",
            hint=f"Its keys are {', '.join(_SPEC_KEYS)}.",
            file=path,
        )
    budget = data.get("budget")
    if budget is not None:
        budget = float(parse_amount(budget, name="budget", where=f"the resource file {path}"))
    return data["resources"], data.get("projects"), budget


def resources(input: str | Path, *, budget: float | None = None) -> ResourcePlan:
    """Solve the resource LP of ``input`` (a CSV of resources, or a YAML spec that may add
    projects and a budget: the portfolio form). ``budget`` overrides the file's."""
    path = Path(input)
    if path.suffix.lower() in YAML_SUFFIXES:
        items, projects, file_budget = _portfolio(path)
        return solve_resources(
            items,
            projects=projects,
            budget=budget if budget is not None else file_budget,
        )
    return solve_resources(read_table(path, Resource, what="the resource file"), budget=budget)


def allocate(
    input: str | Path | None = None,
    *,
    capacity: float,
    policy: str = "max_min",
    ledger: Ledger | None = None,
    freq: str = "MS",
) -> Allocation:
    """Share ``capacity`` among the teams of ``input`` by ``policy`` (``proportional``,
    ``priority``, ``value`` or ``max_min``); without a file, the teams' demand is the ledger's
    GPU-hours forecast by team for the next period of ``freq`` (``MS`` a month, ``W`` a
    week, ``D`` a day), and ``capacity`` is in GPU-hours of that period."""
    if input is not None:
        teams = read_table(Path(input), TeamDemand, what="the teams file", key="teams")
        return allocate_teams(teams, capacity, policy)
    if ledger is None:
        raise OptimizeError(
            "no demand: give a teams file, or a ledger to forecast the teams' GPU-hours.",
            hint="infracast optimize allocate teams.csv --capacity 64, or --ledger FILE.",
            field="input",
        )
    from infracast.control.forecasting import forecast_gpu_hours

    made = forecast_gpu_hours(ledger, by="team", horizon=1, freq=freq, store_it=False)
    first = made.forecast[made.forecast["ds"] == made.forecast["ds"].min()]
    rows = [
        {"name": str(r.unique_id).removeprefix("team/"), "demand": max(float(r.yhat), 0.0)}
        for r in first.itertuples()
        if str(r.unique_id) != "total"
    ]
    result = allocate_teams(rows, capacity, policy)
    period = first["ds"].min()
    note = (
        f"demand: each team's GPU-hours forecast for the period from {period:%Y-%m-%d} "
        f"(freq {freq}; the ledger's usage samples, point forecast); capacity in GPU-hours"
    )
    return dataclasses.replace(result, assumptions=[note, *result.assumptions])
