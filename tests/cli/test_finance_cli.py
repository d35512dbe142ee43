"""`infracast finance`: the JSON contract equals the Python API, and errors say where."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from infracast import finance
from infracast.cli.render import to_json
from infracast.ledger.connection import Ledger
from tests.analytics.ledgers import add_charges
from tests.cli.conftest import Ran
from tests.finance.conftest import TINY

Cli = Callable[..., Ran]
FLOWS = "period,revenue,cost\n0,500000,700000\n1,0,0\n2,400000,0\n"
CONTRACT = [
    "npv",
    "irr",
    "irr_note",
    "irr_roots",
    "roi",
    "benefit_cost_ratio",
    "payback_period",
    "discounted_payback_period",
    "convention",
]


def _api(value: Any) -> Any:
    """What the CLI prints for ``value``: its JSON, read back."""
    return json.loads(to_json(value.to_json()))


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_metrics_json_is_the_contract_and_equals_the_api(cli: Cli, tmp_path: Path) -> None:
    path = _write(tmp_path, "flows.csv", FLOWS)
    ran = cli("finance", "metrics", "--cashflows", str(path), "--rate", "0.1", "--format", "json")
    assert ran.code == 0, ran.err
    data = json.loads(ran.out)
    expected = finance.metrics(finance.parse_cashflows_csv(FLOWS, source=str(path)), "0.1")
    assert data == _api(expected)
    assert set(CONTRACT) <= set(data)
    # −200000 + 400000/1.1² = 130578.51; one IRR: 1.1 … (1+r)² = 2 → r = √2 − 1
    assert data["npv"] == 130578.51
    assert abs(data["irr"] - (2**0.5 - 1)) < 1e-9
    assert data["convention"] == "t0_undiscounted"


def test_the_spreadsheet_convention_and_periods_per_year_are_options(
    cli: Cli, tmp_path: Path
) -> None:
    path = _write(tmp_path, "flows.csv", "period,revenue,cost\n0,0,100\n12,110,0\n")
    ran = cli(
        "finance",
        "metrics",
        "--cashflows",
        str(path),
        "--rate",
        "10%",
        "--periods-per-year",
        "12",
        "--convention",
        "end_of_period",
        "--format",
        "json",
    )
    data = json.loads(ran.out)
    # (−100 + 110/1.1)/(1.1^(1/12)) = 0: both flows one more month away
    assert data["npv"] == 0 and data["convention"] == "end_of_period"
    assert data["periods_per_year"] == 12


def test_the_split_columns_are_read(cli: Cli, tmp_path: Path) -> None:
    text = (
        "period,revenue_direct,revenue_indirect,cost_direct,cost_indirect\n"
        "0,0,0,80,20\n1,60,50,0,0\n"
    )
    path = _write(tmp_path, "split.csv", text)
    data = json.loads(
        cli("finance", "metrics", "--cashflows", str(path), "-r", "0", "-f", "json").out
    )
    assert (data["total_revenue"], data["total_cost"], data["npv"]) == (110, 100, 10)


def test_a_bad_row_names_the_line_and_column(cli: Cli, tmp_path: Path) -> None:
    path = _write(tmp_path, "bad.csv", "period,revenue,cost\n0,1,2\n1,1,$5\n")
    ran = cli("finance", "metrics", "--cashflows", str(path), "--rate", "0.1")
    assert ran.code == 2
    assert "line 3, column cost: '$5' is not a number" in ran.err
    assert "Hint:" in ran.err and "Traceback" not in ran.err


def test_table_and_csv_formats(cli: Cli, tmp_path: Path) -> None:
    path = _write(tmp_path, "flows.csv", FLOWS)
    table = cli("finance", "metrics", "--cashflows", str(path), "--rate", "0.1")
    assert table.code == 0 and "130,578.51" in table.out
    csv = cli("finance", "metrics", "--cashflows", str(path), "--rate", "0.1", "-f", "csv")
    header, row = csv.out.strip().splitlines()
    assert "npv" in header.split(",") and "130578.51" in row.split(",")


def test_cashflows_csv_output_reads_back_in(cli: Cli, tmp_path: Path) -> None:
    spec = _write(tmp_path, "tiny.yaml", yaml.safe_dump(TINY))
    revenue = _write(tmp_path, "revenue.csv", "period,revenue\n2026-02,500\n2026-03,3000\n")
    ran = cli(
        "finance",
        "cashflows",
        "--project-spec",
        str(spec),
        "--revenue",
        str(revenue),
        "--format",
        "csv",
    )
    assert ran.code == 0, ran.err
    flows = finance.parse_cashflows_csv(ran.out)
    # budget 1200, 1230 (see tests/finance/conftest.py) against revenue 0, 500, 3000
    assert flows.column("benefit") == [-1200, -730, 3000]
    assert flows.column("cost_indirect") == [200, 200, 0]
    assert flows.currency == "USD"


def test_project_spec_with_revenue_equals_the_api(cli: Cli, tmp_path: Path) -> None:
    spec = _write(tmp_path, "tiny.yaml", yaml.safe_dump(TINY))
    streams = {"revenue": [{"name": "api", "amount": 1500, "start": "2026-02", "periods": 3}]}
    fspec = _write(tmp_path, "finance.yaml", yaml.safe_dump(streams))
    ran = cli(
        "finance",
        "metrics",
        "--project-spec",
        str(spec),
        "--finance-spec",
        str(fspec),
        "--rate",
        "0.1",
        "--format",
        "json",
    )
    assert ran.code == 0, ran.err
    costs = finance.project_cashflows(TINY)
    revenue = finance.spec_cashflows(streams, over=costs)
    expected = finance.metrics(finance.project_cashflows(TINY, revenue=revenue), "0.1")
    assert json.loads(ran.out) == _api(expected)


def test_from_ledger_reads_the_projects_monthly_cost(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "ledger.duckdb"
    with Ledger.open(path) as led:
        add_charges(
            led,
            [
                {"x_project": "atlas", "cost": 100, "ChargePeriodStart": "2026-01-05T00:00"},
                {
                    "x_project": "atlas",
                    "cost": 40,
                    "ChargePeriodStart": "2026-02-05T00:00",
                    "ChargePeriodEnd": "2026-02-06T00:00",
                },
            ],
        )
    revenue = _write(tmp_path, "revenue.csv", "period,revenue\n2026-02,200\n")
    ran = cli(
        "finance",
        "metrics",
        "--from-ledger",
        "--project",
        "atlas",
        "--revenue",
        str(revenue),
        "--ledger",
        str(path),
        "--rate",
        "0",
        "--format",
        "json",
    )
    assert ran.code == 0, ran.err
    data = json.loads(ran.out)
    assert [r["benefit"] for r in data["cashflows"]] == [-100, 160]  # 200 − 40
    assert data["currency"] == "USD"
    assert data["payback_period"] == 100 / 160  # cumulative −100, +60: 0 + 100/160 = 0.625


def test_sensitivity_json_equals_the_api_and_writes_a_chart(cli: Cli, tmp_path: Path) -> None:
    path = _write(tmp_path, "flows.csv", FLOWS)
    chart = tmp_path / "tornado.png"
    ran = cli(
        "finance",
        "sensitivity",
        "--cashflows",
        str(path),
        "--rate",
        "0.1",
        "-i",
        "rate=0.05:0.15",
        "-i",
        "cost",
        "--chart",
        str(chart),
        "--format",
        "json",
    )
    assert ran.code == 0, ran.err
    flows = finance.parse_cashflows_csv(FLOWS, source=str(path))
    expected = finance.sensitivity(flows, rate="0.1", inputs=["rate=0.05:0.15", "cost"])
    assert json.loads(ran.out) == _api(expected)
    assert chart.read_bytes().startswith(b"\x89PNG")


def test_simulate_json_equals_the_api_and_writes_charts(cli: Cli, tmp_path: Path) -> None:
    path = _write(tmp_path, "flows.csv", FLOWS)
    risk = _write(
        tmp_path,
        "risk.yaml",
        yaml.safe_dump(
            {
                "seed": 5,
                "samples": 2000,
                "vary": {"revenue": {"dist": "pert", "low": 0.5, "mode": 1, "high": 1.2}},
            }
        ),
    )
    hist, cdf = tmp_path / "h.html", tmp_path / "c.png"
    ran = cli(
        "finance",
        "simulate",
        "--cashflows",
        str(path),
        "--rate",
        "0.1",
        "--risk",
        str(risk),
        "--vary",
        "cost=triangular:0.9,1,1.4",
        "--budget",
        "800000",
        "--histogram",
        str(hist),
        "--cdf",
        str(cdf),
        "--chart-of",
        "npv",
        "--format",
        "json",
    )
    assert ran.code == 0, ran.err
    flows = finance.parse_cashflows_csv(FLOWS, source=str(path))
    expected = finance.simulate(
        flows,
        rate="0.1",
        seed=5,
        samples=2000,
        budget="800000",
        vary={
            "revenue": {"dist": "pert", "low": 0.5, "mode": 1, "high": 1.2},
            "cost": "triangular:0.9,1,1.4",
        },
    )
    data = json.loads(ran.out)
    assert data == _api(expected)
    assert (data["samples"], data["seed"]) == (2000, 5)
    assert "<html>" in hist.read_text(encoding="utf-8")
    assert cdf.read_bytes().startswith(b"\x89PNG")


def test_simulate_table_states_samples_and_seed(cli: Cli, tmp_path: Path) -> None:
    path = _write(tmp_path, "flows.csv", FLOWS)
    ran = cli(
        "finance",
        "simulate",
        "--cashflows",
        str(path),
        "-r",
        "0.1",
        "-v",
        "cost=uniform:1,2",
        "--samples",
        "100",
        "--seed",
        "3",
        "--budget",
        "1000000",
    )
    assert ran.code == 0, ran.err
    assert "100 samples, seed 3" in ran.out
    assert "P(total cost > 1,000,000)" in ran.err


def test_source_mistakes_are_errors(cli: Cli, tmp_path: Path) -> None:
    path = _write(tmp_path, "flows.csv", FLOWS)
    spec = _write(tmp_path, "tiny.yaml", yaml.safe_dump(TINY))
    both = cli(
        "finance", "metrics", "--cashflows", str(path), "--project-spec", str(spec), "-r", "0"
    )
    assert both.code == 2 and "give one source of costs" in both.err
    none = cli("finance", "metrics", "-r", "0.1")
    assert none.code == 2 and "no cash flows" in none.err
    orphan = cli("finance", "metrics", "--project", "atlas", "-r", "0.1")
    assert orphan.code == 2 and "--from-ledger" in orphan.err
    missing = cli("finance", "metrics", "--cashflows", str(tmp_path / "nope.csv"), "-r", "0.1")
    assert missing.code == 2 and "no such file" in missing.err
    chart = cli("finance", "sensitivity", "--cashflows", str(path), "-r", "0.1", "--chart", "t.svg")
    assert chart.code == 2 and ".png" in chart.err


def test_a_rate_above_a_hundred_percent_with_its_sign_is_accepted_and_noted(
    cli: Cli, tmp_path: Path
) -> None:
    path = _write(tmp_path, "flows.csv", FLOWS)
    ran = cli("finance", "metrics", "--cashflows", str(path), "--rate", "500%")
    assert ran.code == 0, ran.err
    assert "500 % a year is above 100 %" in ran.err


def test_a_bare_rate_above_one_gets_a_hint_that_reads(cli: Cli, tmp_path: Path) -> None:
    path = _write(tmp_path, "flows.csv", FLOWS)
    ran = cli("finance", "metrics", "--cashflows", str(path), "--rate", "10")
    assert ran.code == 2
    assert "Write 10 % as 0.1 or 10%" in ran.err
    assert "% %" not in ran.err and "%%" not in ran.err


def test_a_typoed_key_in_a_finance_spec_names_the_closest_key(cli: Cli, tmp_path: Path) -> None:
    example = (Path(__file__).resolve().parents[2] / "examples" / "finance.yaml").read_text()
    spec = _write(tmp_path, "finance.yaml", example.replace("growth_pct:", "growth_pc:"))
    flows = _write(tmp_path, "flows.csv", "period,cost,currency\n2026-07,1000,USD\n")
    ran = cli(
        "finance", "metrics", "--cashflows", str(flows), "--finance-spec", str(spec), "-r", "0.1"
    )
    assert ran.code == 2
    assert (
        "revenue.0 (stream 'assistant API sold to enterprise customers'): unknown key "
        "'growth_pc'. Did you mean \"growth_pct\"?"
    ) in " ".join(ran.err.split())


def test_sensitivity_top_below_one_is_refused(cli: Cli, tmp_path: Path) -> None:
    path = _write(tmp_path, "flows.csv", FLOWS)
    ran = cli("finance", "sensitivity", "--cashflows", str(path), "-r", "0.1", "--top", "-3")
    assert ran.code == 2 and "--top" in ran.err
