"""The demo company's plans side: budgets, projects with progress, and a saved plan.

``control.yaml`` (package data, beside the company) names the files and the
progress updates; :func:`setup_control` stores them in the ledger through the
same Python API the ``budget``, ``project`` and ``plan`` commands use. It is
idempotent: budgets and projects are upserted, a progress update replaces the
one of the same task and day, and the plan is saved with ``replace``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from infracast.control import (
    add_project,
    load_budgets,
    load_definition,
    record_progress,
    save_budget,
    set_budgets,
)
from infracast.estimate import project as budget_project
from infracast.ledger.connection import Ledger


@dataclass(frozen=True)
class DemoControl:
    """What the demo set up: the names to ask about, and the demo's "today"."""

    as_of: date
    budgets: tuple[str, ...]
    projects: tuple[str, ...]
    plan: str


def _file(name: str) -> Path:
    return Path(str(resources.files("infracast.demo").joinpath(name)))


def _yaml(name: str) -> dict[str, Any]:
    data = yaml.safe_load(_file(name).read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{name} is not a mapping"
    return data


def setup_control(ledger: Ledger) -> DemoControl:
    """Store the demo's budgets, projects, progress and plan in ``ledger``."""
    control = _yaml("control.yaml")
    budgets = load_budgets(_file(control["budgets"]))
    set_budgets(ledger, budgets)
    projects = [load_definition(_file(name)) for name in control["projects"]]
    for definition in projects:
        add_project(ledger, definition)
    for update in control["progress"]:
        record_progress(
            ledger,
            update["project"],
            update["task"],
            update["percent"],
            as_of=update["as_of"],
        )
    plan = control["plan"]
    spec = _yaml(plan["spec"])
    save_budget(
        ledger,
        plan["name"],
        budget_project(spec),
        project=plan["project"],
        description=spec.get("description"),
        spec=spec,
        replace=True,
    )
    return DemoControl(
        as_of=control["as_of"],
        budgets=tuple(b.name for b in budgets),
        projects=tuple(d.project for d in projects),
        plan=plan["name"],
    )


DEMO_USER = "demo"
# The demo's own sign-in for the pages, printed by make demo: a demo ledger on loopback,
# not a secret (a real ledger's users choose theirs: infracast users add).
DEMO_PASSWORD = "infracast-demo"
# A viewer scoped to one team, to see what a team's member sees.
DEMO_TEAM_USER, DEMO_TEAM = "demo-research", "research"


def demo_token(ledger: Ledger) -> str:
    """A new API token for the demo company's editor ``demo``: what ``make demo`` prints
    for reaching ``infracast serve``. The first run adds ``demo`` (an editor) and
    ``demo-research`` (a viewer of team research), both signing in to the pages with
    :data:`DEMO_PASSWORD`."""
    from infracast.control.users import add_user, list_users, new_token

    names = {u.name for u in list_users(ledger)}
    if DEMO_USER not in names:
        add_user(ledger, DEMO_USER, role="editor", password=DEMO_PASSWORD)
    if DEMO_TEAM_USER not in names:
        add_user(ledger, DEMO_TEAM_USER, role="viewer", team=DEMO_TEAM, password=DEMO_PASSWORD)
    return new_token(ledger, DEMO_USER)
