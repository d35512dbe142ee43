"""`infracast plan …`: the estimate saved, compared with the bill, fed back; JSON contracts."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from infracast import estimate
from infracast.control.plans.stored import finish_plan, save_estimate
from infracast.ledger.connection import Ledger
from tests.analytics.ledgers import add_charges
from tests.cli.conftest import Ran
from tests.control.plans.fixtures import training_json, write_bill

CLI = Callable[..., Ran]
REPO = Path(__file__).resolve().parents[2]
SUMMARY_KEYS = [
    "plan",
    "project",
    "source",
    "status",
    "total",
    "currency",
    "starts",
    "ends",
    "months",
    "description",
    "created_at",
    "finished_at",
]
LINE_KEYS = [
    "month",
    "project",
    "cost_category",
    "phase",
    "amount",
    "currency",
    "price_source",
    "price_as_of",
]


def data(ran: Ran) -> object:
    assert ran.code == 0, ran.err
    return json.loads(ran.out, parse_float=Decimal)


@pytest.fixture
def run_json(cli: CLI, tmp_path: Path) -> Path:
    """`infracast estimate training --format json` of the hand-checkable run, priced by a
    two-line price book (A100-80GB on AWS: 16.00 on demand, 8.00 spot, per 8-GPU hour)."""
    book = tmp_path / "book.csv"
    book.write_text(
        "provider,region,instance_type,accelerator,accelerators_per_instance,pricing_model,"
        "price_per_hour,currency,as_of,derived,source\n"
        "AWS,us-east-1,p4de.24xlarge,A100-80GB,8,on_demand,16.00,USD,2026-05-20,,test book\n"
        "AWS,us-east-1,p4de.24xlarge,A100-80GB,8,spot,8.00,USD,2026-05-21,,test book\n",
        encoding="utf-8",
    )
    ran = cli(
        "estimate",
        "training",
        "--params",
        "7.8B",
        "--tokens",
        "12B",
        "-a",
        "A100-80GB",
        "--mfu",
        "0.5",
        "-g",
        "8",
        "--prices",
        str(book),
        "--format",
        "json",
    )
    assert ran.code == 0, ran.err
    path = tmp_path / "run.json"
    path.write_text(ran.out, encoding="utf-8")
    return path


def test_save_from_estimate_json_and_compare_with_the_ingested_bill(
    cli: CLI, run_json: Path, tmp_path: Path
) -> None:
    ledger = str(tmp_path / "l.duckdb")
    saved = data(
        cli(
            "plan",
            "save",
            "atlas-run",
            "--estimate",
            str(run_json),
            "--project",
            "atlas",
            "--start",
            "2026-01-29",
            "--pricing",
            "on_demand",
            "--ledger",
            ledger,
            "--format",
            "json",
        )
    )
    assert isinstance(saved, dict)
    assert list(saved) == [*SUMMARY_KEYS, "features", "assumptions", "lines"]
    # 1000 accelerator-hours × 16.00/8 = 2000.00 over 125 h: 72 h in January, 53 in February
    assert [(ln["month"], ln["amount"]) for ln in saved["lines"]] == [
        ("2026-01", Decimal("1152")),
        ("2026-02", Decimal("848")),
    ]
    assert all(list(ln) == LINE_KEYS for ln in saved["lines"])
    assert {ln["price_as_of"] for ln in saved["lines"]} == {"2026-05-20"}
    bill = write_bill(
        tmp_path / "bill.csv",
        [
            ("2026-01-30T00", "Compute", "1100.00", "USD"),
            ("2026-02-01T00", "Compute", "900", "USD"),
        ],
        project="atlas",
    )
    assert cli("ingest", str(bill), "--ledger", ledger).code == 0
    result = data(cli("plan", "compare", "atlas-run", "--ledger", ledger, "--format", "json"))
    assert isinstance(result, dict)
    assert list(result) == ["plans", "projects", "by", "as_of", "rows", "totals", "notes"]
    assert result["rows"] == [
        # 1100 − 1152 = −52 (−4.5%); 900 − 848 = 52 (6.1%)
        {
            "project": "atlas",
            "month": "2026-01",
            "category": "compute",
            "planned": Decimal("1152"),
            "actual": Decimal("1100"),
            "variance": Decimal("-52"),
            "variance_pct": Decimal("-4.5"),
            "currency": "USD",
        },
        {
            "project": "atlas",
            "month": "2026-02",
            "category": "compute",
            "planned": Decimal("848"),
            "actual": Decimal("900"),
            "variance": Decimal("52"),
            "variance_pct": Decimal("6.1"),
            "currency": "USD",
        },
    ]
    assert result["totals"] == [
        {
            "planned": Decimal("2000"),
            "actual": Decimal("2000"),
            "variance": Decimal("0"),
            "variance_pct": Decimal("0"),
            "currency": "USD",
        }
    ]
    table = cli("plan", "compare", "atlas-run", "--ledger", ledger, "--by", "month")
    assert table.code == 0 and "1,152.00" in table.out and "-52.00" in table.out
    as_csv = cli("plan", "compare", "--ledger", ledger, "--by", "month", "--format", "csv")
    assert as_csv.out.splitlines()[0] == "month,planned,actual,variance,variance_pct,currency"


def test_an_ambiguous_price_lists_the_options_and_exits_2(
    cli: CLI, run_json: Path, tmp_path: Path
) -> None:
    ran = cli(
        "plan",
        "save",
        "x",
        "--estimate",
        str(run_json),
        "--project",
        "atlas",
        "--start",
        "2026-01",
        "--ledger",
        str(tmp_path / "l.duckdb"),
    )
    assert ran.code == 2
    assert "2 price options" in ran.err
    assert "--pricing spot --provider AWS" in ran.err
    assert "Traceback" not in ran.err


def test_the_estimate_can_come_from_standard_input(
    cli: CLI, run_json: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(run_json.read_text(encoding="utf-8")))
    saved = data(
        cli(
            "plan",
            "save",
            "spot-run",
            "--estimate",
            "-",
            "--project",
            "atlas",
            "--start",
            "2026-03",
            "--pricing",
            "spot",
            "--ledger",
            str(tmp_path / "l.duckdb"),
            "--format",
            "json",
        )
    )
    assert isinstance(saved, dict)
    assert saved["total"] == Decimal("1000")  # 1000 h × 8.00/8


def test_save_from_a_project_spec_keeps_the_budgets_months(cli: CLI, tmp_path: Path) -> None:
    spec_path = REPO / "examples" / "project.yaml"
    budget = estimate.project(yaml.safe_load(spec_path.read_text(encoding="utf-8")))
    ran = cli(
        "plan",
        "save",
        "support",
        "--project-spec",
        str(spec_path),
        "--ledger",
        str(tmp_path / "l.duckdb"),
        "--format",
        "csv",
    )
    assert ran.code == 0, ran.err
    by_month: dict[str, Decimal] = {}
    for row in csv.DictReader(io.StringIO(ran.out)):
        by_month[row["month"]] = by_month.get(row["month"], Decimal(0)) + Decimal(row["amount"])
    assert by_month == {m: v for m, v in budget.by_month.items() if v}
    listed = data(cli("plan", "list", "--ledger", str(tmp_path / "l.duckdb"), "--format", "json"))
    assert isinstance(listed, list)
    assert [list(p) for p in listed] == [SUMMARY_KEYS]
    assert listed[0]["project"] == "support-assistant-13b"
    assert listed[0]["total"] == budget.total


def test_save_needs_exactly_one_source_and_an_estimate_needs_project_and_start(
    cli: CLI, run_json: Path, tmp_path: Path
) -> None:
    ledger = str(tmp_path / "l.duckdb")
    neither = cli("plan", "save", "x", "--ledger", ledger)
    assert neither.code == 2 and "exactly one of --estimate" in neither.err
    bare = cli("plan", "save", "x", "--estimate", str(run_json), "--ledger", ledger)
    assert bare.code == 2 and "--project" in bare.err and "--start" in bare.err
    spec = cli(
        "plan",
        "save",
        "x",
        "--project-spec",
        str(REPO / "examples" / "project.yaml"),
        "--pricing",
        "spot",
        "--ledger",
        ledger,
    )
    assert spec.code == 2 and "--pricing apply to --estimate" in spec.err


def test_show_finish_feedback_remove(cli: CLI, tmp_path: Path) -> None:
    path = tmp_path / "l.duckdb"
    with Ledger.open(path) as led:
        for n in range(1, 9):
            planned = Decimal(100) * n
            save_estimate(
                led,
                f"run-{n}",
                training_json(5.0 * n, str(planned), params=1e9 * n, tokens=3e10 * n * n),
                project=f"p{n}",
                start="2026-01",
            )
            if n > 1:
                finish_plan(led, f"run-{n}")
            add_charges(led, [{"x_project": f"p{n}", "cost": planned * Decimal("1.2") + 7}])
    ledger = str(path)
    shown = cli("plan", "show", "run-1", "--ledger", ledger, "--format", "csv")
    assert shown.out.splitlines()[0] == ",".join(
        ["month", "phase", "cost_category", "amount", "currency", "price_source", "price_as_of"]
    )
    assert cli("plan", "show", "run-01", "--ledger", ledger).code == 2
    assert cli("plan", "finish", "run-1", "--ledger", ledger).code == 0
    out = tmp_path / "past.csv"
    fed = data(cli("plan", "feedback", "--out", str(out), "--ledger", ledger, "--format", "json"))
    assert isinstance(fed, dict)
    assert list(fed) == ["path", "currency", "columns", "rows", "added", "notes"]
    assert len(fed["rows"]) == 8 and fed["columns"][-2:] == ["planned_cost", "actual_cost"]
    learned = data(cli("estimate", "learned", str(out), "--format", "json"))
    assert isinstance(learned, dict) and learned["summary"]["n_rows"] == 8
    again = cli("plan", "feedback", "--out", str(out), "--append", "--ledger", ledger)
    assert again.code == 0
    assert len(list(csv.DictReader(out.open(encoding="utf-8")))) == 8  # deduped by plan name
    assert cli("plan", "remove", "run-1", "--ledger", ledger).code == 0
    listed = data(cli("plan", "list", "--ledger", ledger, "--format", "json"))
    assert isinstance(listed, list) and "run-1" not in {p["plan"] for p in listed}


def test_every_plan_command_has_an_example(cli: CLI) -> None:
    for command in ("save", "list", "show", "compare", "finish", "remove", "feedback"):
        ran = cli("plan", command, "--help")
        assert ran.code == 0 and "Example" in ran.out, command


def test_list_show_and_remove_work_on_a_row_written_by_hand(cli: CLI, tmp_path: Path) -> None:
    ledger = str(tmp_path / "l.duckdb")
    with Ledger.open(ledger) as led:
        led.con.execute(
            "INSERT INTO plans (plan, project, source, currency, total, starts, status, "
            "created_at) VALUES ('odd', 'atlas', 'nonsense', 'US$', -5, DATE '2026-01-01', "
            "'weird', now())"
        )
        led.con.execute(
            "INSERT INTO plan_lines (plan, month, project, cost_category, amount, currency) "
            "VALUES ('odd', DATE '2026-01-01', 'atlas', 'compute', -5, 'US$')"
        )
    listed = data(cli("plan", "list", "--ledger", ledger, "--format", "json"))
    assert isinstance(listed, list) and listed[0]["status"] == "weird"
    shown = cli("plan", "show", "odd", "--ledger", ledger)
    assert shown.code == 0 and "Traceback" not in shown.err
    assert cli("plan", "remove", "odd", "--ledger", ledger).code == 0
    assert data(cli("plan", "list", "--ledger", ledger, "--format", "json")) == []


def test_an_estimate_total_beyond_the_ledger_is_one_sentence(cli: CLI, tmp_path: Path) -> None:
    file = tmp_path / "estimate.json"
    file.write_text(
        json.dumps(training_json(125, "1"), default=str).replace('"total": "1"', '"total": 1e400')
    )
    ran = cli("plan", "save", "big", "--estimate", str(file), "--project", "atlas", "--start",
              "2026-01", "--ledger", str(tmp_path / "l.duckdb"))  # fmt: skip
    assert (
        ran.code == 2 and "the estimate's total 1E+400 is beyond what the ledger stores" in ran.err
    )
    assert "Traceback" not in ran.err
