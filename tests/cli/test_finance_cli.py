"""`infracast finance`: the JSON contract and errors that say where (each command's parity
with its library function: tests/finance/contracts.py)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import yaml

from infracast import finance
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


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_metrics_json_holds_the_contract(cli: Cli, tmp_path: Path) -> None:
    path = _write(tmp_path, "flows.csv", FLOWS)
    ran = cli("finance", "metrics", "--cashflows", str(path), "--rate", "0.1", "--format", "json")
    assert ran.code == 0, ran.err
    data = json.loads(ran.out)
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


def test_sensitivity_and_simulate_write_their_charts(cli: Cli, tmp_path: Path) -> None:
    path = _write(tmp_path, "flows.csv", FLOWS)
    tornado, hist, cdf = tmp_path / "t.png", tmp_path / "h.html", tmp_path / "c.png"
    ran = cli(*f"finance sensitivity --cashflows {path} -r 0.1 --chart {tornado}".split())
    assert ran.code == 0, ran.err
    assert tornado.read_bytes().startswith(b"\x89PNG")
    line = f"--cashflows {path} -r 0.1 -v cost=uniform:1,2 --samples 50 --chart-of npv"
    ran = cli("finance", "simulate", *line.split(), "--histogram", str(hist), "--cdf", str(cdf))
    assert ran.code == 0, ran.err
    assert "<html>" in hist.read_text(encoding="utf-8")
    assert cdf.read_bytes().startswith(b"\x89PNG")


def test_sensitivity_top_keeps_the_largest_swings_in_json(cli: Cli, tmp_path: Path) -> None:
    path = _write(tmp_path, "flows.csv", FLOWS)
    ran = cli(
        "finance", "sensitivity", "--cashflows", str(path), "-r", "0.1", "-n", "1", "-f", "json"
    )
    assert ran.code == 0, ran.err
    every = cli("finance", "sensitivity", "--cashflows", str(path), "-r", "0.1", "-f", "json")
    assert json.loads(ran.out)["inputs"] == json.loads(every.out)["inputs"][:1]
