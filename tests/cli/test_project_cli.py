"""`infracast project …` speaks the Python API from a shell: same figures, errors as sentences."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from infracast.cli.render import to_json
from infracast.control.projects.tracking import earned_value
from infracast.ledger.connection import Ledger
from tests.analytics.ledgers import add_charges
from tests.cli.conftest import Ran
from tests.control.projects.fixtures import ATLAS_CHARGES, ATLAS_YAML

Cli = Callable[..., Ran]


@pytest.fixture
def atlas(cli: Cli, tmp_path: Path) -> str:
    """A ledger file holding atlas (project_fixtures) added and updated through the CLI."""
    path = str(tmp_path / "ledger.duckdb")
    file = tmp_path / "atlas.yaml"
    file.write_text(ATLAS_YAML, encoding="utf-8")
    assert cli("project", "add", str(file), "--ledger", path).code == 0
    for args in (
        ("data", "100", "--as-of", "2026-01-10"),
        ("train", "30", "--as-of", "2026-01-20"),
        ("train", "40", "--as-of", "2026-01-25", "--etc", "4000", "--note", "step 40k"),
        ("train", "90", "--as-of", "2026-01-27"),
    ):
        ran = cli("project", "progress", "atlas", *args, "--ledger", path)
        assert ran.code == 0, ran.err
    with Ledger.open(path) as led:
        add_charges(led, ATLAS_CHARGES)
    return path


def test_status_json_is_the_python_api_result(cli: Cli, atlas: str) -> None:
    ran = cli("project", "status", "atlas", "--as-of", "2026-01-26", "-f", "json", "-l", atlas)
    assert ran.code == 0, ran.err
    data = json.loads(ran.out, parse_float=Decimal)
    # PV 5,000, EV 4,400, AC 4,500 (tests/control/project_fixtures.py)
    assert (data["pv"], data["ev"], data["ac"]) == (5000, 4400, 4500)
    assert data["eac"] == Decimal("10227.27") and data["by"] == "month"
    assert [t["task"] for t in data["tasks"]] == ["data", "train", "eval"]
    assert data["series"][-1]["as_of"] == "2026-01-26"
    with Ledger.open(atlas, read_only=True) as led:
        api = json.loads(to_json(earned_value(led, "atlas", "2026-01-26").to_dict()))
    assert {k: v for k, v in json.loads(ran.out).items() if k in api} == api


def test_status_table_shows_figures_tasks_and_series(cli: Cli, atlas: str) -> None:
    ran = cli("project", "status", "atlas", "--as-of", "2026-01-26", "-l", atlas)
    assert ran.code == 0, ran.err
    for text in ("EAC (cpi)", "10,227.27", "0.9778", "Tasks", "Cumulative by month"):
        assert text in ran.out
    assert "eval has no estimate to complete" in ran.out  # the bottom-up EAC says why not
    assert "charges in other currencies" in ran.err.lower()  # the 300 EUR


def test_status_csv_ends_with_the_project_row(cli: Cli, atlas: str) -> None:
    ran = cli("project", "status", "atlas", "--as-of", "2026-01-26", "-f", "csv", "-l", atlas)
    rows = list(csv.DictReader(io.StringIO(ran.out)))
    assert [r["task"] for r in rows] == ["data", "train", "eval", "(project)"]
    assert (rows[-1]["pv"], rows[-1]["ev"], rows[-1]["ac"]) == ("5000", "4400", "4500")


def test_status_draws_the_chart_and_reports_weekly_series(
    cli: Cli, atlas: str, tmp_path: Path
) -> None:
    chart = tmp_path / "atlas.png"
    ran = cli("project", "status", "atlas", "--as-of", "2026-01-26", "--by", "week",
              "--chart", str(chart), "-f", "json", "-l", atlas)  # fmt: skip
    assert ran.code == 0, ran.err
    assert chart.read_bytes()[:4] == b"\x89PNG"
    data = json.loads(ran.out)
    assert data["chart"] == str(chart) and len(data["series"]) == 4


def test_list_and_rebudget_print_json(cli: Cli, atlas: str) -> None:
    listed = json.loads(cli("project", "list", "-f", "json", "-l", atlas).out)
    assert listed[0]["project"] == "atlas" and listed[0]["last_progress"] == "2026-01-27"
    ran = cli("project", "rebudget", "--as-of", "2026-01-26", "-f", "json", "-l", atlas)
    data = json.loads(ran.out)
    assert set(data) == {"as_of", "moves", "shortfalls", "scopes", "notes"}
    # atlas alone overruns by 227.27 and no other project can give: one shortfall
    assert data["moves"] == [] and data["shortfalls"][0]["uncovered"] == 227.27


def test_re_adding_the_file_updates_the_project(cli: Cli, atlas: str, tmp_path: Path) -> None:
    file = tmp_path / "atlas.yaml"
    file.write_text(ATLAS_YAML.replace("name: Atlas 13B", "name: Atlas 13B v2"), encoding="utf-8")
    data = json.loads(cli("project", "add", str(file), "-f", "json", "-l", atlas).out)
    assert data["created"] is False and data["tasks_updated"] == ["data", "train", "eval"]


def test_errors_are_sentences_with_a_hint_and_no_traceback(
    cli: Cli, atlas: str, tmp_path: Path
) -> None:
    ran = cli("project", "status", "atlsa", "-l", atlas)
    assert ran.code == 2
    assert 'no project "atlsa" in the ledger. Did you mean "atlas"?' in ran.err
    assert "Hint:" in ran.err and "Traceback" not in ran.err
    ran = cli("project", "progress", "atlas", "train", "120", "-l", atlas)
    assert ran.code == 2 and "over 100" in ran.err
    bad = tmp_path / "bad.yaml"
    bad.write_text(ATLAS_YAML.replace("planned_end: 2026-02-10", "planned_end: 2026-02-31"))
    ran = cli("project", "add", str(bad), "-l", atlas)
    assert ran.code == 2 and "task 'train': planned_end must be a date" in ran.err


@pytest.mark.parametrize("command", ["add", "progress", "list", "status", "rebudget", "remove"])
def test_every_command_has_an_example(cli: Cli, command: str) -> None:
    ran = cli("project", command, "--help")
    assert ran.code == 0 and "Example" in ran.out


# --- issue 10: amounts as written; stored rows that fail the model are listed and removed ---


def test_add_reads_a_budget_in_e_notation(cli: Cli, tmp_path: Path) -> None:
    path, file = str(tmp_path / "ledger.duckdb"), tmp_path / "atlas.yaml"
    text = ATLAS_YAML.replace("currency: USD", "currency: USD\nbudget: 1e4")
    file.write_text(text.replace("planned_cost: 2000", "planned_cost: 2e3", 1), encoding="utf-8")
    added = json.loads(cli("project", "add", str(file), "-f", "json", "-l", path).out)
    assert added["bac"] == 10_000  # not 1.00
    [listed] = json.loads(cli("project", "list", "-f", "json", "-l", path).out)
    assert listed["bac"] == 10_000 and listed["problem"] is None


def test_add_reports_every_problem_of_the_file_at_once(cli: Cli, tmp_path: Path) -> None:
    file = tmp_path / "atlas.yaml"
    text = ATLAS_YAML.replace("currency: USD", "currency: USD\nbudgt: 1e4")
    text = text.replace("planned_cost: 2000", "planned_cost: 2.000.000", 1)
    file.write_text(text.replace("    planned_cost: 6000", "    planed_cost: 6000"))
    ran = cli("project", "add", str(file), "-l", str(tmp_path / "ledger.duckdb"))
    assert ran.code == 2 and f"{file} has 3 problems:" in ran.err
    assert "unknown key 'budgt'" in ran.err and "unknown key 'planed_cost'" in ran.err
    assert "planned_cost '2.000.000' is not a number" in ran.err
    assert "at least one task" not in ran.err and "is required" not in ran.err


def test_list_and_remove_a_stored_project_that_fails_the_model(cli: Cli, atlas: str) -> None:
    with Ledger.open(atlas) as led:
        led.con.execute("INSERT INTO projects VALUES ('zero', NULL, 0, 'USD', now())")
    listed = json.loads(cli("project", "list", "-f", "json", "-l", atlas).out)
    assert [(p["project"], p["problem"]) for p in listed] == [
        ("atlas", None),
        ("zero", "budget 0 is zero; it must be more than 0; tasks must list at least one task."),
    ]
    table = cli("project", "list", "-l", atlas)
    assert table.code == 0 and "infracast project remove zero" in table.err
    status = cli("project", "status", "zero", "-l", atlas)
    assert status.code == 2 and 'project "zero" in the ledger is invalid' in status.err
    assert "Traceback" not in status.err
    removed = cli("project", "remove", "zero", "-l", atlas)
    assert removed.code == 0 and "Removed project zero" in removed.err
    assert [
        p["project"] for p in json.loads(cli("project", "list", "-f", "json", "-l", atlas).out)
    ] == ["atlas"]
