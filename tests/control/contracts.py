"""The command contracts of ``infracast budget``, ``project`` and ``plan``, for the parity and
golden tests of ``tests/cli/contracts.py`` (its registry adds :data:`CONTROL_CONTRACTS`).

The world is the small company of ``tests/cli/small_company.py`` (its research EC2 rows
carry the project ``atlas``: 9.25 effective on 2026-01-05, 11.00 on 2026-02-05) plus, in
``control/``, the files below, stored through the library as the commands would:

- ``budgets.yaml``: ``research``, 20 USD a month for team research from 2026-01; ``atlas``,
  25 USD over the project's life [2026-01-01, 2026-03-01) for project atlas;
- ``atlas.yaml``: project atlas, tasks ``build`` (10 USD, January, its own actuals: compute)
  and ``run`` (15 USD, February); progress: build 100 % on 01-31, run 40 % on 02-09, ETC 9;
- ``run.json``: a training estimate (100 hours from 2026-01-01, 20 USD), saved as the plan
  ``atlas-run`` of project atlas and finished.

The budgets' status as of 2026-02-10 is taken once while building the world, so the
alerts it raises (research: actual 50 %, forecast 100 %; raised at the build's time) are
history: the status command raises none, and its output is the same on every run.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from infracast import control
from infracast.ledger.connection import Ledger
from tests.cli import small_company
from tests.cli.contracts import LEDGER_ARGS, Contract, on_ledger
from tests.cli.small_company import LEDGER
from tests.control.plans.fixtures import training_json

AS_OF = "2026-02-10"
BUDGETS_FILE = "control/budgets.yaml"
BUDGETS = """\
budgets:
  - {name: research, amount: 20, currency: USD, start: 2026-01, filters: [team=research]}
  - {name: atlas, amount: 25, currency: USD, period: project, start: 2026-01-01,
     end: 2026-03-01, filters: [project=atlas]}
"""
ATLAS = """\
project: atlas
name: Atlas on EC2
currency: USD
tasks:
  - {task: build, planned_cost: 10, planned_start: 2026-01-01, planned_end: 2026-02-01,
     filters: [cost_category=compute]}
  - {task: run, planned_cost: 15, planned_start: 2026-02-01, planned_end: 2026-03-01}
"""


def build(root: Path) -> None:
    """The small company with the budgets, project, progress and plan above."""
    small_company.build(root)
    folder = root / "control"
    folder.mkdir()
    (folder / "budgets.yaml").write_text(BUDGETS, encoding="utf-8")
    (folder / "atlas.yaml").write_text(ATLAS, encoding="utf-8")
    estimate = json.dumps(training_json(100, "20"), default=str)
    (folder / "run.json").write_text(estimate, encoding="utf-8")
    with contextlib.chdir(root), Ledger.open(LEDGER) as led:
        control.load_budget_file(led, "control/budgets.yaml")
        control.add_project(led, "control/atlas.yaml")
        control.record_progress(led, "atlas", "build", 100, as_of="2026-01-31")
        control.record_progress(
            led, "atlas", "run", 40, as_of="2026-02-09", estimate_to_complete="9"
        )
        control.save_plan(
            led, "atlas-run", estimate="control/run.json", project="atlas", start="2026-01"
        )
        control.finish_plan(led, "atlas-run")
        control.budget_status(led, as_of=AS_OF, notify=False)


CONTROL_CONTRACTS: list[Contract] = [
    Contract(
        "budget-list",
        ("budget", "list", *LEDGER_ARGS),
        on_ledger(lambda led: [b.to_dict() for b in control.list_budgets(led)]),
        world=build,
    ),
    Contract(
        "budget-status",
        ("budget", "status", "--as-of", AS_OF, "--no-notify", *LEDGER_ARGS),
        on_ledger(
            lambda led: control.budget_status(led, as_of=AS_OF, notify=False), read_only=False
        ),
        world=build,
        writes=True,
    ),
    Contract(
        "budget-alerts",
        ("budget", "alerts", *LEDGER_ARGS),
        on_ledger(control.budget_alerts),
        world=build,
        volatile=("raised_at",),
    ),
    Contract(
        "budget-set",
        ("budget", "set", "research", "--amount", "25", "--actual-thresholds", "80,100",
         *LEDGER_ARGS),
        # the command prints its one change as a list of one row (its table has one row)
        on_ledger(
            lambda led: [
                control.set_budget(led, "research", amount="25", actual_thresholds="80,100")
            ],
            read_only=False,
        ),
        world=build,
        writes=True,
    ),
    Contract(
        "budget-load",
        ("budget", "load", BUDGETS_FILE, *LEDGER_ARGS),
        on_ledger(
            lambda led: [c.summary() for c in control.load_budget_file(led, BUDGETS_FILE)],
            read_only=False,
        ),
        world=build,
        writes=True,
    ),
    Contract(
        "project-list",
        ("project", "list", *LEDGER_ARGS),
        on_ledger(control.list_projects),
        world=build,
    ),
    Contract(
        "project-status",
        ("project", "status", "atlas", "--as-of", AS_OF, *LEDGER_ARGS),
        on_ledger(lambda led: control.project_status(led, "atlas", AS_OF)),
        world=build,
    ),
    Contract(
        "project-rebudget",
        ("project", "rebudget", "--as-of", AS_OF, *LEDGER_ARGS),
        on_ledger(lambda led: control.rebudget_suggestions(led, AS_OF)),
        world=build,
    ),
    Contract(
        "project-add",
        ("project", "add", "control/atlas.yaml", *LEDGER_ARGS),
        on_ledger(lambda led: control.add_project(led, "control/atlas.yaml"), read_only=False),
        world=build,
        writes=True,
    ),
    Contract(
        "project-progress",
        ("project", "progress", "atlas", "run", "60", "--as-of", "2026-02-12", "--etc", "6",
         *LEDGER_ARGS),
        on_ledger(
            lambda led: control.record_progress(
                led, "atlas", "run", 60.0, as_of="2026-02-12", estimate_to_complete="6"
            ),
            read_only=False,
        ),
        world=build,
        writes=True,
    ),
    Contract(
        "plan-save",
        ("plan", "save", "atlas-next", "--estimate", "control/run.json", "--project", "atlas",
         "--start", "2026-02", *LEDGER_ARGS),
        on_ledger(
            lambda led: control.save_plan(
                led, "atlas-next", estimate="control/run.json", project="atlas", start="2026-02"
            ),
            read_only=False,
        ),
        world=build,
        writes=True,
        volatile=("created_at",),  # the time of the save, blanked on both sides
    ),
    Contract(
        "plan-list",
        ("plan", "list", *LEDGER_ARGS),
        on_ledger(lambda led: [p.summary() for p in control.list_plans(led)]),
        world=build,
        volatile=("created_at", "finished_at"),
    ),
    Contract(
        "plan-show",
        ("plan", "show", "atlas-run", *LEDGER_ARGS),
        on_ledger(lambda led: control.show_plan(led, "atlas-run")),
        world=build,
        volatile=("created_at", "finished_at"),
    ),
    Contract(
        "plan-compare",
        ("plan", "compare", "atlas-run", "--by", "month", "--as-of", AS_OF, *LEDGER_ARGS),
        on_ledger(lambda led: control.compare_plans(led, "atlas-run", by="month", as_of=AS_OF)),
        world=build,
    ),
    Contract(
        "plan-feedback",
        ("plan", "feedback", "--out", "past.csv", *LEDGER_ARGS),
        on_ledger(lambda led: control.plan_feedback(led, "past.csv")),
        world=build,
        writes=True,
    ),
]  # fmt: skip
