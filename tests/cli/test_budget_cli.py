"""`infracast budget …` from the command line, as a user runs it."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from infracast.control.budgets.alerts import list_alerts
from infracast.ledger.connection import Ledger
from tests.cli.conftest import Ran
from tests.control.budgets.fixtures import add_january, webhook_receiver

Cli = Callable[..., Ran]
RESEARCH = (
    "budget",
    "set",
    "research-compute",
    "--amount",
    "3000",
    "--currency",
    "USD",
    "--period",
    "month",
    "--start",
    "2026-01",
    "--filter",
    "team=research",
    "--filter",
    "cost_category=compute",
    "--actual-thresholds",
    "50,80,100",
    "--forecast-thresholds",
    "100",
)


@pytest.fixture
def path(tmp_path: Path) -> str:
    """A ledger file holding the January charges of budget_fixtures."""
    file = tmp_path / "ledger.duckdb"
    with Ledger.open(file) as ledger:
        add_january(ledger)
    return str(file)


def _json(ran: Ran) -> object:
    assert ran.code == 0, ran.err
    return json.loads(ran.out, parse_float=Decimal)


def test_set_then_list(cli: Cli, path: str) -> None:
    created = _json(cli(*RESEARCH, "-l", path, "--format", "json"))
    assert isinstance(created, list) and created[0]["action"] == "created"
    [listed] = _json(cli("budget", "list", "-l", path, "--format", "json"))  # type: ignore[misc]
    assert listed == {
        "name": "research-compute",
        "amount": 3000,
        "currency": "USD",
        "period": "month",
        "start": "2026-01-01",
        "end": None,
        "filters": ["team=research", "cost_category=compute"],
        "metric": "effective_cost",
        "actual_thresholds": [50, 80, 100],
        "forecast_thresholds": [100],
        "webhook": None,
        "problem": None,
    }


def test_set_changes_only_the_given_fields(cli: Cli, path: str) -> None:
    cli(*RESEARCH, "-l", path)
    ran = cli("budget", "set", "research-compute", "--amount", "3500", "-l", path, "-f", "json")
    [row] = _json(ran)  # type: ignore[misc]
    assert row["action"] == "updated" and row["amount"] == 3500
    assert row["filters"] == ["team=research", "cost_category=compute"]


def test_a_new_budget_needs_amount_currency_and_start(cli: Cli, path: str) -> None:
    ran = cli("budget", "set", "new-one", "--amount", "10", "-l", path)
    assert ran.code == 2
    assert 'budget "new-one" is new and needs --currency, --start' in ran.err
    assert "Traceback" not in ran.err


def test_an_unknown_filter_dimension_is_an_error_with_a_suggestion(cli: Cli, path: str) -> None:
    ran = cli(*RESEARCH[:-8], "--filter", "category=compute", "-l", path)
    assert ran.code == 2
    assert 'unknown dimension "category". Did you mean "cost_category"?' in ran.err


def test_status_json_by_hand(cli: Cli, path: str) -> None:
    cli(*RESEARCH, "-l", path)
    ran = cli("budget", "status", "--as-of", "2026-01-16", "-l", path, "--format", "json")
    [row] = _json(ran)  # type: ignore[misc]
    # 1,500 actual (50.0%); forecast 1,500 + 100/day × 16 = 3,100 (103.3%); variance −100
    assert (row["actual"], row["actual_pct"]) == (1500, 50)
    assert (row["forecast"], row["forecast_pct"]) == (3100, Decimal("103.3"))
    assert row["variance"] == -100 and row["status"] == "warning"
    assert row["forecast_method"] == "run_rate"
    assert [(a["kind"], a["threshold_pct"]) for a in row["new_alerts"]] == [
        ("actual", 50),
        ("forecast", 100),
    ]
    assert row["other_currencies"] == {"EUR": 40}
    again = _json(cli("budget", "status", "--as-of", "2026-01-16", "-l", path, "-f", "json"))
    assert again[0]["new_alerts"] == []  # type: ignore[index]


def test_status_table_prints_the_alerts_and_the_method(cli: Cli, path: str) -> None:
    cli(*RESEARCH, "-l", path)
    ran = cli("budget", "status", "research-compute", "--as-of", "2026-01-16", "-l", path)
    assert ran.code == 0, ran.err
    assert "research-compute 2026-01: actual spend 1,500.00 USD reached 50%" in ran.out
    assert "Forecast: run rate" in ran.err
    assert "not counted in this USD budget" in ran.err


def test_status_csv(cli: Cli, path: str) -> None:
    cli(*RESEARCH, "-l", path)
    ran = cli("budget", "status", "--as-of", "2026-01-16", "-l", path, "-f", "csv")
    header, line = ran.out.splitlines()
    assert header.startswith("budget,period,period_start,period_end,as_of,currency,amount")
    assert line.startswith("research-compute,2026-01,2026-01-01,2026-02-01,")


def test_load_a_file_and_report_its_problems(cli: Cli, path: str, tmp_path: Path) -> None:
    good = tmp_path / "budgets.yaml"
    good.write_text(
        "budgets:\n"
        "  - {name: a, amount: 100, currency: USD, start: 2026-01}\n"
        "  - {name: b, amount: 900, currency: USD, period: quarter, start: 2026-01,"
        " filters: [provider=AWS]}\n",
        encoding="utf-8",
    )
    rows = _json(cli("budget", "load", str(good), "-l", path, "-f", "json"))
    assert [(r["name"], r["action"]) for r in rows] == [("a", "created"), ("b", "created")]  # type: ignore[union-attr]
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "budgets:\n  - {name: c, amount: 100, currency: USD, start: 2026-01, period: weekly}\n",
        encoding="utf-8",
    )
    ran = cli("budget", "load", str(bad), "-l", path)
    assert ran.code == 2
    assert "budget 'c': period 'weekly' is not one of month, quarter, year, project" in ran.err
    names = _json(cli("budget", "list", "-l", path, "-f", "json"))
    assert [b["name"] for b in names] == ["a", "b"]  # type: ignore[union-attr]


def test_remove(cli: Cli, path: str) -> None:
    cli(*RESEARCH, "-l", path)
    unknown = cli("budget", "remove", "research", "-l", path)
    assert unknown.code == 2 and 'Did you mean "research-compute"?' in unknown.err
    assert cli("budget", "remove", "research-compute", "-l", path).code == 0
    assert _json(cli("budget", "list", "-l", path, "-f", "json")) == []


def test_alerts_redeliver_signs_with_the_secret_from_the_environment(
    cli: Cli, path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INFRACAST_WEBHOOK_SECRET", "env-secret")
    with webhook_receiver([503]) as receiver:
        cli(*RESEARCH, "--forecast-thresholds", "", "--webhook", receiver.url, "-l", path)
        status = cli(
            "budget", "status", "--as-of", "2026-01-16", "--webhook-attempts", "1", "-l", path
        )
        assert status.code == 0 and "not delivered" in status.err
        ran = cli(
            "budget", "alerts", "--redeliver", "--webhook-backoff", "0", "-l", path, "-f", "json"
        )
    [alert] = _json(ran)  # type: ignore[misc]
    assert alert["delivery_status"] == "delivered" and alert["delivery_attempts"] == 2
    assert "Redelivered 1 of 1" in ran.err
    body = receiver.requests[-1].body
    digest = hmac.new(b"env-secret", body, hashlib.sha256).hexdigest()
    assert receiver.requests[-1].headers["X-Infracast-Signature"] == f"sha256={digest}"
    with Ledger.open(path) as ledger:
        assert [a.delivery_status for a in list_alerts(ledger)] == ["delivered"]


def test_alerts_of_an_unknown_budget(cli: Cli, path: str) -> None:
    ran = cli("budget", "alerts", "--budget", "nope", "-l", path)
    assert ran.code == 2 and 'no budget called "nope"' in ran.err


# --- issue 10, item 3: an amount is the amount written -----------------------------------


@pytest.mark.parametrize(
    ("written", "amount"), [("1e6", 1_000_000), ("2.5e6", 2_500_000), ("1,000,000", 1_000_000)]
)
def test_set_stores_the_amount_written(cli: Cli, path: str, written: str, amount: int) -> None:
    ran = cli(*RESEARCH[:4], written, *RESEARCH[5:], "-l", path, "-f", "json")
    [row] = _json(ran)  # type: ignore[misc]
    assert row["amount"] == amount
    [listed] = _json(cli("budget", "list", "-l", path, "-f", "json"))  # type: ignore[misc]
    assert listed["amount"] == amount  # what the ledger holds, not 1 or 25


def test_a_one_million_budget_with_small_spend_raises_no_alert(cli: Cli, path: str) -> None:
    cli("budget", "set", "m1", "--amount", "1e6", "--currency", "USD", "--start", "2026-01-01",
        "-l", path)  # fmt: skip
    ran = cli("budget", "status", "m1", "--as-of", "2026-01-16", "--no-notify", "-l", path, "-f",
              "json")  # fmt: skip
    [row] = _json(ran)  # type: ignore[misc]
    assert row["amount"] == 1_000_000 and row["status"] == "ok" and row["new_alerts"] == []


@pytest.mark.parametrize("amount", ["1e400", "123456789012345678901234567890", "1e19", "1e20"])
def test_an_amount_beyond_the_ledger_is_one_sentence(cli: Cli, path: str, amount: str) -> None:
    ran = cli(*RESEARCH[:4], amount, *RESEARCH[5:], "-l", path)
    assert ran.code == 2
    assert f"amount {amount} is beyond what the ledger stores" in ran.err
    assert "Traceback" not in ran.err and "ConversionException" not in ran.err
    assert _json(cli("budget", "list", "-l", path, "-f", "json")) == []


def test_load_reads_an_amount_in_e_notation(cli: Cli, path: str, tmp_path: Path) -> None:
    file = tmp_path / "budgets.yaml"
    file.write_text(
        "budgets:\n  - {name: a, amount: 1.5e3, currency: USD, start: 2026-01}\n", encoding="utf-8"
    )
    assert cli("budget", "load", str(file), "-l", path).code == 0
    [listed] = _json(cli("budget", "list", "-l", path, "-f", "json"))  # type: ignore[misc]
    assert listed["amount"] == 1500


# --- issue 10, item 4: list, status and remove work on any stored row ---------------------


@pytest.fixture
def bad_rows(path: str) -> str:
    """The ledger with research-compute and rows of amount 0, −5 and 1e-12 written by hand."""
    with Ledger.open(path) as ledger:
        for name, amount in (("zero", "0"), ("negative", "-5"), ("tiny", "0.000000000001")):
            ledger.con.execute(
                "INSERT INTO budgets VALUES (?, CAST(? AS DECIMAL(38, 12)), 'USD', 'month', "
                "DATE '2026-01-01', NULL, [], 'effective_cost', [0.5, 0.8, 1.0], [1.0], NULL, "
                "now(), now())",
                [name, amount],
            )
    return path


def test_list_shows_invalid_rows_with_their_problem(cli: Cli, bad_rows: str) -> None:
    cli(*RESEARCH, "-l", bad_rows)
    rows = _json(cli("budget", "list", "-l", bad_rows, "-f", "json"))
    problems = {r["name"]: r["problem"] for r in rows}  # type: ignore[union-attr]
    assert problems == {
        "negative": "amount -5 is negative; it must be more than 0.",
        "research-compute": None,
        "tiny": None,
        "zero": "amount 0 is zero; it must be more than 0.",
    }
    table = cli("budget", "list", "-l", bad_rows)
    assert table.code == 0 and "Traceback" not in table.err
    assert "infracast budget remove zero" in table.err


def test_status_reports_invalid_rows_and_evaluates_the_others(cli: Cli, bad_rows: str) -> None:
    cli(*RESEARCH, "-l", bad_rows)
    ran = cli("budget", "status", "--as-of", "2026-01-16", "--no-notify", "-l", bad_rows)
    assert ran.code == 0, ran.err
    assert "zero: the stored budget is invalid and was not evaluated" in ran.err
    assert "infracast budget set zero" in ran.err
    rows = _json(cli("budget", "status", "--as-of", "2026-01-16", "-l", bad_rows, "-f", "json"))
    status = {r["budget"]: r["status"] for r in rows}  # type: ignore[union-attr]
    assert status == {
        "negative": "invalid",
        "research-compute": "warning",
        "tiny": "over",
        "zero": "invalid",
    }
    csv_out = cli("budget", "status", "--as-of", "2026-01-16", "-l", bad_rows, "-f", "csv")
    assert csv_out.code == 0 and "invalid" in csv_out.out


def test_remove_and_set_mend_invalid_rows(cli: Cli, bad_rows: str) -> None:
    assert cli("budget", "remove", "zero", "-l", bad_rows).code == 0
    fixed = cli("budget", "set", "negative", "--amount", "1e6", "-l", bad_rows, "-f", "json")
    [row] = _json(fixed)  # type: ignore[misc]
    assert row["action"] == "updated" and row["amount"] == 1_000_000
    rows = _json(cli("budget", "list", "-l", bad_rows, "-f", "json"))
    assert [(r["name"], r["problem"]) for r in rows] == [  # type: ignore[union-attr]
        ("negative", None),
        ("tiny", None),
    ]
