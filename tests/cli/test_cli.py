"""The command line: contracts, errors without tracebacks, CLI == Python API."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from infracast import analytics
from infracast.errors import InterruptError, ResourceError
from infracast.ledger.connection import Ledger
from tests.cli.conftest import Ran
from tests.ledger.focus_rows import write_focus_csv

CLI = Callable[..., Ran]


def bill(tmp_path: Path) -> Path:
    return write_focus_csv(
        tmp_path / "bill.csv",
        [
            {"BilledCost": "10.50", "EffectiveCost": "9.25"},
            {
                "ServiceName": "Amazon S3",
                "ServiceCategory": "Storage",
                "BilledCost": "2.25",
                "EffectiveCost": "2.25",
                "Tags": '{"team": "data"}',
            },
            {"BilledCost": "oops"},
        ],
    )


def test_ingest_json_contract(cli: CLI, tmp_path: Path) -> None:
    ledger = str(tmp_path / "l.duckdb")
    ran = cli("ingest", str(bill(tmp_path)), "--ledger", ledger, "--format", "json")
    assert ran.code == 0, ran.err
    (obj,) = json.loads(ran.out)
    assert list(obj)[:7] == [
        "file",
        "ingest_id",
        "status",
        "focus_version",
        "rows_read",
        "rows_ingested",
        "rows_quarantined",
    ]
    assert (obj["status"], obj["rows_read"], obj["rows_ingested"], obj["rows_quarantined"]) == (
        "ingested",
        3,
        2,
        1,
    )
    again = json.loads(cli("ingest", str(bill(tmp_path)), "-l", ledger, "-f", "json").out)
    assert again[0]["status"] == "already_ingested"


def test_costs_json_contract_matches_the_python_api(cli: CLI, tmp_path: Path) -> None:
    ledger = str(tmp_path / "l.duckdb")
    cli("ingest", str(bill(tmp_path)), "-l", ledger)
    ran = cli("costs", "--by", "team,service", "-l", ledger, "-f", "json")
    assert ran.code == 0, ran.err
    rows = json.loads(ran.out, parse_float=Decimal)
    assert all(
        list(r) == ["team", "service", "billed_cost", "effective_cost", "currency"] for r in rows
    )
    with Ledger.open(ledger) as led:
        api = analytics.costs(led, by=["team", "service"])
    assert [(r["team"], r["service"], r["billed_cost"], r["effective_cost"]) for r in rows] == [
        (r["team"], r["service"], r["billed_cost"], r["effective_cost"]) for r in api
    ]
    # 10.50 (research, EC2) and 2.25 (data, S3); the 'oops' row is in quarantine
    assert sorted(r["billed_cost"] for r in rows) == [Decimal("2.25"), Decimal("10.5")]


def test_costs_csv_and_table(cli: CLI, tmp_path: Path) -> None:
    ledger = str(tmp_path / "l.duckdb")
    cli("ingest", str(bill(tmp_path)), "-l", ledger)
    csv_out = cli("costs", "--by", "provider", "-l", ledger, "-f", "csv").out.splitlines()
    assert csv_out == ["provider,billed_cost,effective_cost,currency", "AWS,12.75,11.5,USD"]
    table = cli("costs", "--by", "provider", "-l", ledger)
    assert "AWS" in table.out and "12.75" in table.out
    assert "Total USD: billed 12.75" in table.err


def test_user_error_is_a_sentence_not_a_traceback(cli: CLI, tmp_path: Path) -> None:
    ran = cli("ingest", str(tmp_path / "missing.csv"), "-l", str(tmp_path / "l.duckdb"))
    assert ran.code == 2
    assert "Error: no such file or folder" in ran.err and "Traceback" not in ran.err
    ran = cli("costs", "--by", "teem", "-l", str(tmp_path / "l.duckdb"))
    assert ran.code == 2 and 'Did you mean "team"?' in ran.err


def test_an_error_under_format_json_is_still_a_sentence_on_stderr(cli: CLI, tmp_path: Path) -> None:
    ledger = str(tmp_path / "l.duckdb")
    cli("ingest", str(bill(tmp_path)), "-l", ledger)
    ran = cli("costs", "--by", "teem", "-l", ledger, "--format", "json")
    assert ran.code == 2 and ran.out == ""
    assert ran.err.startswith('Error: unknown dimension "teem". Did you mean "team"?\nHint: ')


@pytest.mark.parametrize(
    ("error", "code"),
    [(ResourceError("out of memory.", hint="raise it."), 3), (InterruptError("stopped."), 130)],
)
def test_the_exit_code_is_the_error_classs(
    cli: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: Exception, code: int
) -> None:
    ledger = str(tmp_path / "l.duckdb")
    cli("ingest", str(bill(tmp_path)), "-l", ledger)

    def fail(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr(analytics, "costs", fail)
    ran = cli("costs", "-l", ledger)
    assert ran.code == code and "Traceback" not in ran.err
    assert ran.err.startswith(f"Error: {error.args[0]}")


def test_query_on_missing_ledger_says_how_to_start(cli: CLI, tmp_path: Path) -> None:
    ran = cli("costs", "-l", str(tmp_path / "none.duckdb"))
    assert ran.code == 2 and "infracast ingest" in ran.err


def test_rejected_file_exits_non_zero(cli: CLI, tmp_path: Path) -> None:
    columns = [c for c in ("ProviderName", "BilledCost")]
    path = write_focus_csv(tmp_path / "bad.csv", [{}], columns=columns)
    ran = cli("ingest", str(path), "-l", str(tmp_path / "l.duckdb"))
    assert ran.code == 1 and "Rejected" in ran.err and "BillingCurrency" in ran.err


def test_quarantine_list_and_export_round_trip(cli: CLI, tmp_path: Path) -> None:
    ledger = str(tmp_path / "l.duckdb")
    cli("ingest", str(bill(tmp_path)), "-l", ledger)
    listed = json.loads(cli("quarantine", "list", "-l", ledger, "-f", "json").out)
    assert [(g["reason"], g["rows"]) for g in listed] == [("invalid_cost", 1)]
    fix = tmp_path / "fix.csv"
    assert cli("quarantine", "export", str(fix), "-l", ledger).code == 0
    fix.write_text(fix.read_text().replace("oops", "4.00"))
    back = json.loads(cli("ingest", str(fix), "-l", ledger, "-f", "json").out)
    assert back[0]["rows_ingested"] == 1
    total = json.loads(cli("costs", "-l", ledger, "-f", "json").out, parse_float=Decimal)
    assert total[0]["billed_cost"] == Decimal("16.75")  # 10.50 + 2.25 + 4.00


def test_version(cli: CLI) -> None:
    ran = cli("--version")
    assert ran.code == 0 and ran.out.startswith("infracast ")


@pytest.mark.slow
def test_demo_run_ingests_prints_the_overview_and_writes_the_summary(
    cli: CLI, tmp_path: Path
) -> None:
    args = [
        "demo",
        "run",
        "--rows",
        "5000",
        "--out",
        str(tmp_path / "demo"),
        "--summary",
        str(tmp_path / "s.html"),
        "--ledger",
        str(tmp_path / "l.duckdb"),
    ]
    ran = cli(*args)
    assert ran.code == 0, ran.err
    for title in (
        "what was ingested",
        "Cost by provider",
        "Showback by team",
        "GPU efficiency",
        "Budgets as of",
        "earned value as of",
        "Plan against actual",
        "Forecast of 92 periods",  # next quarter by team, with the total
        "anomalies in",  # the scan's title: "N anomalies in S series (P points)"
    ):
        assert title in ran.out
    assert "Next quarter, forecast by team" in ran.err
    # the optimize section: the top placement moves and the commitment to buy, with savings
    assert "Where last month's cloud GPUs could have run" in ran.err
    assert "Commitments for H100 demand" in ran.err and "saves" in ran.err
    # the recommendations, ranked with their total, and a token that opens the API
    assert "Recommendations (infracast recommend)" in ran.err
    assert "Total expected savings" in ran.out
    token = re.search(r"^(ifc_[0-9a-f]{8}_\S+)$", ran.out, re.MULTILINE)
    assert token is not None, ran.out[-500:]
    from fastapi.testclient import TestClient

    from infracast.server import create_app

    with TestClient(create_app(tmp_path / "l.duckdb")) as client:
        answer = client.get("/api/v1/health", headers={"Authorization": f"Bearer {token.group(1)}"})
    assert answer.json() == {"status": "ok", "user": "demo", "role": "editor", "team": None}
    assert (tmp_path / "s.html").exists()
    costs = json.loads(
        cli("costs", "--by", "source", "-l", str(tmp_path / "l.duckdb"), "-f", "json").out
    )
    assert {r["source"] for r in costs} == {"focus", "asset", "manual"}


def test_ingest_of_a_missing_file_creates_no_ledger(
    cli: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import infracast.cli.ingest as ingest_cli

    def no_ledger(*args: object, **kwargs: object) -> None:
        raise AssertionError("the ledger was opened before the files were found")

    # the files are looked for before the ledger is opened (or created)
    monkeypatch.setattr(ingest_cli, "open_ledger", no_ledger)
    ledger = tmp_path / "new.duckdb"
    ran = cli("ingest", str(tmp_path / "missing.csv"), "--ledger", str(ledger))
    assert ran.code == 2 and "no such file or folder" in ran.err
    assert not ledger.exists() and not Path(f"{ledger}.wal").exists()


def test_ingest_replace_dry_run_lists_the_scopes_and_changes_nothing(
    cli: CLI, tmp_path: Path
) -> None:
    ledger = str(tmp_path / "l.duckdb")
    cli("ingest", str(bill(tmp_path)), "-l", ledger)
    restated = write_focus_csv(
        tmp_path / "restated.csv", [{"BilledCost": "3", "EffectiveCost": "3"}]
    )
    ran = cli("ingest", str(restated), "-l", ledger, "--replace", "--dry-run", "-f", "json")
    assert ran.code == 0, ran.err
    (obj,) = json.loads(ran.out, parse_float=Decimal)
    assert obj["status"] == "replaced" and obj["dry_run"] is True
    (scope,) = obj["replaced"]
    assert (scope["billing_account_id"], scope["rows"], scope["billed_cost"]) == (
        "012345678901",
        2,
        Decimal("12.75"),  # 10.50 + 2.25
    )
    table = cli("ingest", str(restated), "-l", ledger, "--replace", "--dry-run")
    assert "Dry run" in table.err and "012345678901" in table.err
    total = json.loads(cli("costs", "-l", ledger, "-f", "json").out, parse_float=Decimal)
    assert total[0]["billed_cost"] == Decimal("12.75")


def test_ingest_replace_period_flag_widens_the_replacement(cli: CLI, tmp_path: Path) -> None:
    ledger = str(tmp_path / "l.duckdb")
    two = write_focus_csv(
        tmp_path / "two.csv", [{"BillingAccountId": "1"}, {"BillingAccountId": "2"}]
    )
    cli("ingest", str(two), "-l", ledger)
    one = write_focus_csv(tmp_path / "one.csv", [{"BillingAccountId": "1", "BilledCost": "5"}])
    ran = cli("ingest", str(one), "-l", ledger, "--replace-period", "-f", "json")
    assert ran.code == 0, ran.err
    (obj,) = json.loads(ran.out)
    assert sorted(s["billing_account_id"] for s in obj["replaced"]) == ["1", "2"]
    both = cli("ingest", str(one), "-l", ledger, "--replace", "--replace-period")
    assert both.code == 2 and "together" in both.err


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (("ingests", "--limit", "-3"), "--limit"),
        (("ingests", "--limit", "0"), "--limit"),
        (("quarantine", "list", "--rows", "--limit", "-1"), "--limit"),
    ],
)
def test_listing_limits_below_one_are_refused(
    cli: CLI, tmp_path: Path, args: tuple[str, ...], flag: str
) -> None:
    ledger = str(tmp_path / "l.duckdb")
    cli("ingest", str(bill(tmp_path)), "-l", ledger)
    ran = cli(*args, "-l", ledger)
    assert ran.code == 2 and flag in ran.err and "Traceback" not in ran.err


def test_listing_limits_below_one_are_refused_by_the_library(ledger: Ledger) -> None:
    from infracast.errors import QueryError
    from infracast.ledger import list_ingests, quarantined_rows

    with pytest.raises(QueryError, match="limit must be at least 1, not 0"):
        list_ingests(ledger.con, limit=0)
    with pytest.raises(QueryError, match="limit must be at least 1, not -2"):
        quarantined_rows(ledger, limit=-2)


def test_quarantine_list_does_not_create_a_ledger(cli: CLI, tmp_path: Path) -> None:
    ran = cli("quarantine", "list", "-l", str(tmp_path / "none.duckdb"))
    assert ran.code == 2 and not (tmp_path / "none.duckdb").exists()
