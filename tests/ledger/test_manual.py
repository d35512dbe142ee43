"""Manual entries (src/infracast/ledger/manual.py), per docs/sources.md."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from infracast.errors import IngestError
from infracast.ledger import generated
from infracast.ledger.connection import Ledger
from infracast.ledger.manual import ingest_manual
from infracast.settings import Settings

DOCS = Path(__file__).resolve().parents[2] / "docs" / "sources.md"


@pytest.fixture
def ledger() -> Iterator[Ledger]:
    with Ledger.open(":memory:", settings=Settings()) as led:
        yield led


def write(tmp_path: Path, text: str, name: str = "manual.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text.strip() + "\n", encoding="utf-8")
    return path


def entries(body: str) -> str:
    return "defaults: {currency: USD}\nentries:\n" + body


def rows(ledger: Ledger, columns: str, where: str = "true") -> list[tuple]:
    return ledger.con.execute(
        f"SELECT {columns} FROM charges WHERE {where} "
        "ORDER BY x_source_key, ChargePeriodStart, ChargeCategory"
    ).fetchall()


def test_monthly_entry_charges_each_month_until_end(ledger: Ledger, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        entries("""
  - {id: wandb, category: software, vendor: Weights & Biases, amount: 1800,
     frequency: monthly, start: 2026-01-01, end: 2027-01-01}
"""),
    )
    result = ingest_manual(ledger, path, through=date(2030, 1, 1))
    got = rows(ledger, "ChargeCategory, ChargeFrequency, BilledCost, EffectiveCost")
    # end is exclusive: January to December 2026, 12 × 1,800 = 21,600
    assert got == [("Purchase", "Recurring", Decimal("1800"), Decimal("1800"))] * 12
    assert sum(r[2] for r in got) == Decimal("21600")
    assert result.notes[0] == "12 charges generated (recurring 12)"
    [(provider, issuer, account, category)] = set(
        rows(ledger, "ProviderName, InvoiceIssuerName, BillingAccountId, x_cost_category")
    )
    assert (provider, issuer, account, category) == (
        "Weights & Biases",
        "Weights & Biases",
        "manual",
        "software",
    )


def test_open_ended_entry_runs_to_through(ledger: Ledger, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        entries("""
  - {id: hosting, category: other, amount: 10, frequency: monthly, start: 2026-01-15}
"""),
    )
    ingest_manual(ledger, path, through=date(2026, 3, 14))
    # periods start Jan 15 and Feb 15; Mar 15 is after through
    assert rows(ledger, "ChargePeriodStart, ChargePeriodEnd, BillingPeriodStart") == [
        (datetime(2026, 1, 15), datetime(2026, 2, 15), datetime(2026, 1, 1)),
        (datetime(2026, 2, 15), datetime(2026, 3, 15), datetime(2026, 2, 1)),
    ]


def test_people_cost_is_fte_times_monthly_rate(ledger: Ledger, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        entries("""
  - {id: ml-engineers, category: people, fte: 6, monthly_rate: 14500, start: 2026-01-01,
     team: applied-ml}
"""),
    )
    ingest_manual(ledger, path, through=date(2026, 2, 28))
    # 6 FTE × 14,500 = 87,000 a month, January and February
    assert (
        rows(ledger, "EffectiveCost, x_team, x_cost_category")
        == [(Decimal("87000"), "applied-ml", "people")] * 2
    )


def test_quarterly_entry_charges_each_quarter(ledger: Ledger, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        entries("""
  - {id: support, category: support, amount: 9000, frequency: quarterly, start: 2026-01-01}
"""),
    )
    ingest_manual(ledger, path, through=date(2026, 7, 1))
    # Jan 1, Apr 1, Jul 1 (on through, so included)
    assert rows(ledger, "ChargePeriodStart, ChargePeriodEnd") == [
        (datetime(2026, 1, 1), datetime(2026, 4, 1)),
        (datetime(2026, 4, 1), datetime(2026, 7, 1)),
        (datetime(2026, 7, 1), datetime(2026, 10, 1)),
    ]


def test_amortized_yearly_entry_is_billed_once_and_spread_by_month(
    ledger: Ledger, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        entries("""
  - {id: colo, category: facilities, amount: 1000, frequency: yearly, amortize: true,
     start: 2026-01-01}
"""),
    )
    ingest_manual(ledger, path, through=date(2026, 12, 31))
    got = rows(ledger, "ChargeCategory, BilledCost, EffectiveCost")
    # the Purchase bills 1,000 once (EffectiveCost 0); 1,000 / 12 = 83.333… -> 83.33 for
    # 11 months and the residue 1,000 − 11 × 83.33 = 83.37 in December
    assert got[0] == ("Purchase", Decimal("1000"), Decimal("0"))
    assert [r[2] for r in got[1:]] == [Decimal("83.33")] * 11 + [Decimal("83.37")]
    assert sum(r[2] for r in got) == Decimal("1000")
    assert {r[:2] for r in got[1:]} == {("Usage", Decimal("0"))}


def test_one_time_entry_and_amortized_one_time_until_end(ledger: Ledger, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        entries("""
  - {id: audit, category: other, amount: 500, frequency: one-time, start: 2026-02-10}
  - {id: licence, category: software, amount: 3600, frequency: one-time, amortize: true,
     start: 2026-01-01, end: 2029-01-01}
"""),
    )
    ingest_manual(ledger, path, through=date(2026, 3, 31))
    assert rows(
        ledger, "ChargeFrequency, ChargePeriodStart, BilledCost", "x_source_key = 'audit'"
    ) == [("One-Time", datetime(2026, 2, 10), Decimal("500"))]
    # 3,600 over the 36 months to the end = 100 a month; through March: 3 months so far
    assert (
        rows(ledger, "EffectiveCost", "x_source_key = 'licence' AND ChargeCategory = 'Usage'")
        == [(Decimal("100"),)] * 3
    )


def test_tags_go_to_tags_and_name_team_and_project(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        entries("""
  - {id: a, category: software, amount: 1, frequency: monthly, start: 2026-01-01,
     tags: {owner: vision, project: atlas, cost-center: cc-101}}
  - {id: b, category: software, amount: 1, frequency: monthly, start: 2026-01-01,
     team: research, tags: {owner: vision}}
"""),
    )
    with Ledger.open(":memory:", settings=Settings(team_tags=("owner",))) as led:
        ingest_manual(led, path, through=date(2026, 1, 31))
        assert rows(led, "x_source_key, x_team, x_project, Tags") == [
            (
                "a",
                "vision",
                "atlas",
                {"cost-center": "cc-101", "owner": "vision", "project": "atlas"},
            ),
            # the explicit team wins over the tag; the tag is kept as written
            ("b", "research", None, {"owner": "vision"}),
        ]


def test_reingest_is_a_noop_and_an_edit_replaces_the_entry(ledger: Ledger, tmp_path: Path) -> None:
    text = entries("""
  - {id: a, category: software, amount: 100, frequency: monthly, start: 2026-01-01}
  - {id: b, category: software, amount: 7, frequency: monthly, start: 2026-01-01}
""")
    first = ingest_manual(ledger, write(tmp_path, text), through=date(2026, 2, 28))
    again = ingest_manual(ledger, write(tmp_path, text), through=date(2026, 2, 28))
    assert (again.status, again.ingest_id) == ("already_ingested", first.ingest_id)
    edited = ingest_manual(
        ledger,
        write(tmp_path, text.replace("amount: 100", "amount: 120")),
        through=date(2026, 2, 28),
    )
    assert edited.status == "replaced" and edited.replaced_ingest_ids == [first.ingest_id]
    assert rows(ledger, "x_source_key, BilledCost, x_ingest_id") == [
        ("a", Decimal("120"), edited.ingest_id),
        ("a", Decimal("120"), edited.ingest_id),
        ("b", Decimal("7"), edited.ingest_id),
        ("b", Decimal("7"), edited.ingest_id),
    ]


def test_entry_removed_from_the_file_is_noted_then_removed_with_replace(
    ledger: Ledger, tmp_path: Path
) -> None:
    both = entries("""
  - {id: a, category: software, amount: 1, frequency: monthly, start: 2026-01-01}
  - {id: gone, category: software, amount: 1, frequency: monthly, start: 2026-01-01}
""")
    path = write(tmp_path, both)
    ingest_manual(ledger, path, through=date(2026, 1, 31))
    only_a = write(tmp_path, both.split("  - {id: gone")[0])
    result = ingest_manual(ledger, only_a, through=date(2026, 1, 31))
    assert any("does not name: gone" in n and "replace" in n for n in result.notes)
    assert {r[0] for r in rows(ledger, "x_source_key")} == {"a", "gone"}
    ingest_manual(ledger, only_a, through=date(2026, 1, 31), replace=True)
    assert {r[0] for r in rows(ledger, "x_source_key")} == {"a"}


def test_invalid_entries_are_rejected_with_every_problem_listed(
    ledger: Ledger, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        entries("""
  - {id: a, category: sofware, amount: 1, frequency: monthly, start: 2026-01-01}
  - {id: b, category: people, amount: -1, frequency: monthly, start: 2026-01-01}
  - {id: c, category: other, frequency: montly, start: 2026-01-01, amount: 1}
  - {id: d, category: other, amount: 1, frequency: monthly, start: 2026-02-01, end: 2026-01-01}
  - {id: e, category: other, amount: 1, start: 2026-01-01}
  - {id: a, category: other, amount: 1, frequency: monthly, start: 2026-01-01, vendr: x}
"""),
    )
    with pytest.raises(IngestError) as caught:
        ingest_manual(ledger, path, through=date(2026, 3, 31))
    message = str(caught.value)
    # line 1 is "defaults:", line 2 "entries:", line 3 blank: the first entry is on line 4
    assert "7 problems in the manual entry file; nothing was ingested" in message
    assert "line 4, entry a: category 'sofware' is not one of compute" in message
    assert 'Did you mean "software"?' in message
    assert "line 5, entry b: amount -1 is negative; it must be 0 or more" in message
    assert "line 6, entry c: frequency 'montly' is not one of" in message
    assert 'Did you mean "monthly"?' in message
    assert "line 7, entry d: end 2026-01-01 is not after start 2026-02-01" in message
    assert "line 8, entry e: frequency is required" in message
    assert "line 9, entry a: id 'a' repeats the one at line 4" in message
    assert "line 9, entry a: unknown key 'vendr'. Did you mean \"vendor\"?" in message
    assert ledger.con.execute("SELECT count(*) FROM charges").fetchone() == (0,)


def test_csv_entries_with_tags(ledger: Ledger, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
id,category,amount,currency,frequency,start,tags
gpu-support,support,250,EUR,monthly,2026-01-01,team=infra; cost-center=cc-9
""",
        "manual.csv",
    )
    result = ingest_manual(ledger, path, through=date(2026, 1, 31))
    assert (result.rows_read, result.rows_ingested) == (1, 1)
    assert rows(ledger, "BilledCost, BillingCurrency, x_team, x_source_row, Tags") == [
        (Decimal("250"), "EUR", "infra", 1, {"team": "infra", "cost-center": "cc-9"})
    ]


def test_error_mid_ingest_leaves_the_ledger_unchanged(
    ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = entries("  - {id: a, category: other, amount: 5, frequency: monthly, start: 2026-01-01}")
    ingest_manual(ledger, write(tmp_path, text), through=date(2026, 2, 28))
    snapshot = rows(ledger, "*")

    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(generated, "mark_superseded", fail)
    with pytest.raises(RuntimeError, match="disk full"):
        ingest_manual(ledger, write(tmp_path, text.replace("5", "6")), through=date(2026, 2, 28))
    assert rows(ledger, "*") == snapshot
    assert ledger.con.execute("SELECT count(*) FROM ingests").fetchone() == (1,)


def test_docs_example_entries_ingest(ledger: Ledger, tmp_path: Path) -> None:
    blocks = re.findall(r"```yaml\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S)
    [example] = [b for b in blocks if "entries:" in b]
    result = ingest_manual(ledger, write(tmp_path, example), through=date(2026, 3, 31))
    assert result.status == "ingested" and result.rows_ingested == 3


# --- issue 10: an amount is read by the one parser (docs/numbers.md) ------------------------


@pytest.mark.parametrize(
    ("written", "amount"),
    [("1e6", "1000000"), ("1.5e3", "1500"), ("'1,000,000'", "1000000"), ("1_000", "1000"),
     ("0100", "100"), ("1234.50", "1234.50"), ("12345678901234.567", "12345678901234.567")],
)  # fmt: skip
def test_an_amount_in_any_accepted_form_is_charged_as_written(
    ledger: Ledger, tmp_path: Path, written: str, amount: str
) -> None:
    body = (
        f"  - {{id: a, category: other, amount: {written}, frequency: one-time, start: 2026-01-01}}"
    )
    ingest_manual(ledger, write(tmp_path, entries(body)), through=date(2026, 1, 31))
    assert rows(ledger, "BilledCost, EffectiveCost") == [(Decimal(amount), Decimal(amount))]


def test_a_csv_amount_with_thousands_separators_is_read(ledger: Ledger, tmp_path: Path) -> None:
    text = 'id,category,amount,currency,frequency,start\nx,other,"1,250.50",USD,one-time,2026-01-01'
    ingest_manual(ledger, write(tmp_path, text, "manual.csv"), through=date(2026, 1, 31))
    assert rows(ledger, "BilledCost") == [(Decimal("1250.50"),)]


def test_amounts_in_other_forms_or_out_of_range_are_one_sentence_each(
    ledger: Ledger, tmp_path: Path
) -> None:
    body = """
  - {id: a, category: other, amount: 5 USD, frequency: monthly, start: 2026-01-01}
  - {id: b, category: other, amount: 1e400, frequency: monthly, start: 2026-01-01}
  - {id: c, category: other, amount: 0.0000000000001, frequency: monthly, start: 2026-01-01}
  - {id: d, category: people, fte: 1.000.5, monthly_rate: 9000, start: 2026-01-01}
"""
    with pytest.raises(IngestError) as caught:
        ingest_manual(ledger, write(tmp_path, entries(body)), through=date(2026, 1, 31))
    message = str(caught.value)
    assert "4 problems in the manual entry file" in message
    assert "line 4, entry a: amount '5 USD' is not a number: write it as 1000000, 1e6" in message
    assert "line 5, entry b: amount 1e400 is beyond what the ledger stores" in message
    assert "line 6, entry c: amount 0.0000000000001 has 13 decimal places" in message
    assert "line 7, entry d: fte '1.000.5' is not a number" in message


def test_reingest_under_other_tag_settings_rederives_the_team(tmp_path: Path) -> None:
    # The entry names no team; its tag key 'owner' names one only once team_tags says so.
    path = write(
        tmp_path,
        entries("""
  - {id: a, category: software, amount: 1, frequency: monthly, start: 2026-01-01,
     tags: {owner: vision}}
"""),
    )
    where = tmp_path / "ledger.duckdb"
    with Ledger.open(where, settings=Settings()) as led:
        ingest_manual(led, path, through=date(2026, 1, 31))
        assert rows(led, "x_team") == [(None,)]
    with Ledger.open(where, settings=Settings(team_tags=("owner",))) as led:
        again = ingest_manual(led, path, through=date(2026, 1, 31))
        assert again.status == "replaced"
        assert rows(led, "x_team") == [("vision",)]
