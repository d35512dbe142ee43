"""``infracast plan save``: an estimate's JSON or a project spec saved as a plan.

:func:`save_plan` takes what the command takes (the files or their content,
the project its charges carry, when it starts, which price option) and applies
the command's rules: exactly one source; an estimate needs the project and the
start; the price choice (pricing, provider, region, instance type, months,
energy) belongs to an estimate, a project spec choosing its prices itself.
:class:`PlanRequest` holds those inputs with their descriptions, the help of
the command's options.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from infracast import estimate as est
from infracast.control.plans.estimates import HasJson
from infracast.control.plans.lines import Plan
from infracast.control.plans.stored import save_budget, save_estimate
from infracast.errors import ControlError, InputFileError
from infracast.specfiles import read_text, read_yaml

if TYPE_CHECKING:
    from infracast.ledger.connection import Ledger

STDIN = "-"
_WRITE_ESTIMATE = "Write it with: infracast estimate training … --format json > FILE.json"


class PlanRequest(BaseModel):
    """What ``plan save`` takes besides the plan's name: the keyword arguments of
    :func:`save_plan` (``save_plan(ledger, name, **request.model_dump())``); the
    descriptions are the command's option help."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)

    estimate: Any = Field(
        default=None,
        description="JSON of infracast estimate training|finetune|inference --format json "
        "('-': standard input).",
    )
    project_spec: Any = Field(default=None, description="A project spec (YAML) to budget.")
    project: str | None = Field(
        default=None,
        description="The project its charges are tagged with (x_project); default for a "
        "project spec: its name.",
    )
    start: str | None = Field(
        default=None,
        description="When it starts: YYYY-MM or YYYY-MM-DD (UTC). A project spec's month 1 "
        "defaults to its own start.",
    )
    pricing: str | None = Field(
        default=None, description="The estimate's pricing model: on_demand, spot, commit_1y…"
    )
    provider: str | None = Field(default=None, description="The estimate's provider, e.g. AWS.")
    region: str | None = Field(default=None, description="The estimate's region, e.g. us-east-1.")
    instance_type: str | None = Field(default=None, description="The estimate's instance type.")
    months: int | None = Field(default=None, description="Months of serving (inference estimates).")
    energy: bool = Field(
        default=False, description="Plan the estimate's energy cost too (a price without power)."
    )
    description: str | None = Field(default=None, description="A line saying what the plan is.")
    replace: bool = Field(default=False, description="Overwrite a plan of the same name.")


def read_estimate(source: str | Path) -> dict[str, Any]:
    """The JSON object of an estimate in the file ``source`` (``-``: standard input)."""
    if str(source) == STDIN:
        text, where, file = sys.stdin.read(), "standard input", None
    else:
        text, where, file = read_text(source, what="--estimate"), str(source), Path(source)
    try:
        data = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise InputFileError(
            f"{where} is not JSON ({exc.msg}, line {exc.lineno}).",
            hint=_WRITE_ESTIMATE,
            file=file,
            row=exc.lineno,
        ) from exc
    if not isinstance(data, dict):
        raise InputFileError(
            f"{where} holds a JSON {type(data).__name__}, not an estimate object.",
            hint=_WRITE_ESTIMATE,
            file=file,
        )
    return data


def read_project_spec(path: str | Path) -> dict[str, Any]:
    """The project spec (a mapping) in the YAML file ``path``, numbers as YAML reads them."""
    data: dict[str, Any] = read_yaml(path, what="--project-spec", numbers_as_text=False)
    return data


def save_plan(
    ledger: Ledger,
    name: str,
    *,
    estimate: str | Path | Mapping[str, Any] | HasJson | None = None,
    project_spec: str | Path | Mapping[str, Any] | None = None,
    project: str | None = None,
    start: str | None = None,
    pricing: str | None = None,
    provider: str | None = None,
    region: str | None = None,
    instance_type: str | None = None,
    months: int | None = None,
    energy: bool = False,
    description: str | None = None,
    replace: bool = False,
) -> Plan:
    """Save an estimate or a project budget as the plan ``name`` (``infracast plan save``).

    ``estimate`` is an estimate object, its JSON as a mapping, or the file that
    holds it (``-``: standard input); ``project_spec`` a project spec or its
    YAML file. From an estimate, the one price option that ``pricing``,
    ``provider``, ``region`` and ``instance_type`` leave is placed in months from
    ``start`` (:func:`~infracast.control.plans.stored.save_estimate`); from a
    project spec, its budget's lines by month, category and phase
    (:func:`~infracast.control.plans.stored.save_budget`).
    """
    if (estimate is None) == (project_spec is None):
        raise ControlError(
            "give exactly one of --estimate FILE.json and --project-spec FILE.yaml.",
            hint="E.g. infracast plan save NAME --estimate run.json --project P --start 2026-01",
        )
    if estimate is not None:
        if project is None or start is None:
            raise ControlError(
                "a plan from an estimate needs --project (the charges' project tag) "
                "and --start (YYYY-MM).",
                hint="E.g. --project atlas-7b --start 2026-03",
                field="project" if project is None else "start",
            )
        data = read_estimate(estimate) if isinstance(estimate, str | Path) else estimate
        return save_estimate(
            ledger,
            name,
            data,
            project=project,
            start=start,
            pricing=pricing,
            provider=provider,
            region=region,
            instance_type=instance_type,
            months=months,
            energy=energy,
            description=description,
            replace=replace,
        )
    # the price choice of an estimate: a project spec's workloads choose their prices
    chosen = {
        "--pricing": pricing,
        "--provider": provider,
        "--region": region,
        "--instance-type": instance_type,
    }
    given = [flag for flag, value in chosen.items() if value is not None]
    if given or months is not None or energy:
        raise ControlError(
            f"{', '.join(given) or '--months/--energy'} apply to --estimate, not to a "
            "project spec (its workloads choose their prices in the spec).",
            hint="Set provider / pricing_model in the workload's params (docs/project-budget.md).",
        )
    assert project_spec is not None
    spec = (
        read_project_spec(project_spec)
        if isinstance(project_spec, str | Path)
        else dict(project_spec)
    )
    return save_budget(
        ledger,
        name,
        est.project(spec),
        project=project,
        start=start,
        description=description,
        spec=spec,
        replace=replace,
    )
