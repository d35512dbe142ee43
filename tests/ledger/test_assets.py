"""The asset register (src/infracast/ledger/assets.py), per docs/sources.md."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from infracast.errors import IngestError
from infracast.ledger import generated
from infracast.ledger.assets import ingest_assets
from infracast.ledger.connection import Ledger
from infracast.ledger.generated import add_months, installments
from infracast.ledger.usage import ingest_usage
from infracast.settings import Settings

DOCS = Path(__file__).resolve().parents[2] / "docs" / "sources.md"

REGISTER = """
defaults:
  currency: USD
  useful_life_years: 4
  salvage_pct: 10
  pue: 1.3
  energy_price_per_kwh: 0.12
  default_utilization: 0.6
assets:
  - id: dgx-01
    site: fra-colo-1
    gpu_type: H100-SXM
    gpu_count: 8
    purchase_date: 2025-03-15
    purchase_price: 310000
    power_kw: 10.2
    team: research
"""


@pytest.fixture
def ledger() -> Iterator[Ledger]:
    with Ledger.open(":memory:", settings=Settings()) as led:
        yield led


def write(tmp_path: Path, text: str, name: str = "assets.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text.strip() + "\n", encoding="utf-8")
    return path


def charges(ledger: Ledger, columns: str, where: str = "true") -> list[tuple]:
    return ledger.con.execute(
        f"SELECT {columns} FROM charges WHERE {where} "
        "ORDER BY x_source_key, ChargePeriodStart, ChargeCategory DESC, x_cost_category"
    ).fetchall()


def amortization(ledger: Ledger) -> list[Decimal]:
    return [
        r[0]
        for r in charges(ledger, "EffectiveCost", "x_custom_columns->>'charge' = 'amortization'")
    ]


def energy(ledger: Ledger) -> list[tuple]:
    return charges(
        ledger,
        "ChargePeriodStart, ConsumedQuantity, BilledCost, x_custom_columns->>'energy_basis'",
        "x_cost_category = 'energy'",
    )


# --- amortization ------------------------------------------------------------------------


def test_installments_sum_exactly_with_the_residue_last() -> None:
    # 279,000 / 48 = 5,812.50 exactly: 48 equal months
    assert installments(Decimal("279000"), 48) == [Decimal("5812.50")] * 48
    # 1,000 / 3 = 333.333…: 333.33, 333.33 and the residue 1000 − 666.66 = 333.34
    assert installments(Decimal("1000"), 3) == [Decimal("333.33")] * 2 + [Decimal("333.34")]
    # 0.30 / 48 = 0.00625 -> 0.00 rounded down, so the last month carries all 0.30
    # (rounding to nearest would give 47 × 0.01 and a negative last month, −0.17)
    assert installments(Decimal("0.30"), 48) == [Decimal("0.00")] * 47 + [Decimal("0.30")]


def test_amortization_is_straight_line_over_the_useful_life(ledger: Ledger, tmp_path: Path) -> None:
    ingest_assets(ledger, write(tmp_path, REGISTER), through=date(2030, 1, 1))
    months = amortization(ledger)
    # (310,000 − 10 % salvage 31,000) / (4 years × 12) = 279,000 / 48 = 5,812.50 a month
    assert months == [Decimal("5812.5")] * 48
    assert sum(months) == Decimal("279000")
    starts = charges(ledger, "ChargePeriodStart", "x_custom_columns->>'charge' = 'amortization'")
    # the purchase month counts as month 1 (from the purchase day); month 48 is Feb 2029
    assert starts[0][0] == datetime(2025, 3, 15) and starts[-1][0] == datetime(2029, 2, 1)


def test_purchase_is_billed_once_and_not_an_effective_cost(ledger: Ledger, tmp_path: Path) -> None:
    ingest_assets(ledger, write(tmp_path, REGISTER), through=date(2025, 4, 30))
    assert charges(
        ledger,
        "ChargeCategory, ChargeFrequency, ChargePeriodStart, ChargePeriodEnd, BilledCost, "
        "EffectiveCost, ListCost",
        "ChargeCategory = 'Purchase'",
    ) == [
        (
            "Purchase",
            "One-Time",
            datetime(2025, 3, 15),
            datetime(2025, 3, 16),
            Decimal("310000"),
            Decimal("0"),
            Decimal("310000"),
        )
    ]


def test_through_bounds_the_months_generated(ledger: Ledger, tmp_path: Path) -> None:
    result = ingest_assets(ledger, write(tmp_path, REGISTER), through=date(2025, 5, 1))
    # March (from the 15th), April and May (May 1 <= through): 3 months, each with energy
    assert len(amortization(ledger)) == 3 and len(energy(ledger)) == 3
    assert result.notes[0] == "7 charges generated (amortization 3, energy 3, purchase 1)"


# --- energy --------------------------------------------------------------------------------


def test_energy_from_default_utilization(ledger: Ledger, tmp_path: Path) -> None:
    ingest_assets(ledger, write(tmp_path, REGISTER), through=date(2025, 4, 30))
    march, april = energy(ledger)
    # April has 30 days = 720 h: 10.2 kW × 0.6 × 720 h × PUE 1.3 = 5,728.32 kWh;
    # × 0.12 USD/kWh = 687.3984 USD
    assert april == (
        datetime(2025, 4, 1),
        Decimal("5728.32"),
        Decimal("687.3984"),
        "default_utilization",
    )
    # March from the 15th: 17 days = 408 h: 10.2 × 0.6 × 408 × 1.3 = 3,246.048 kWh;
    # × 0.12 = 389.52576 USD
    assert march == (
        datetime(2025, 3, 15),
        Decimal("3246.048"),
        Decimal("389.52576"),
        "default_utilization",
    )


def _usage(tmp_path: Path, header: str, rows: list[str]) -> Path:
    return write(tmp_path, "\n".join([header, *rows]), "usage.csv")


def test_energy_measured_from_power_samples(ledger: Ledger, tmp_path: Path) -> None:
    usage = _usage(
        tmp_path,
        "timestamp,resource_id,gpu_index,utilization_pct,power_w,interval_s",
        [
            "2025-04-02T00:00:00Z,dgx-01,0,90,350,3600",
            "2025-04-02T01:00:00Z,dgx-01,0,90,350,3600",
            "2025-04-02T00:00:00Z,dgx-01,1,90,250,3600",
            "2025-04-02T01:00:00Z,dgx-01,1,90,250,3600",
            "2025-05-02T00:00:00Z,other-node,0,90,999,3600",
        ],
    )
    ingest_usage(ledger, [usage])
    ingest_assets(ledger, write(tmp_path, REGISTER), through=date(2025, 5, 31))
    rows = {r[0]: r[1:] for r in energy(ledger)}
    # April: Σ power × interval = (350 + 350 + 250 + 250) W × 3,600 s = 4,320,000 J
    # = 4,320,000 / 3.6e6 = 1.2 kWh at the GPUs; × PUE 1.3 = 1.56 kWh; × 0.12 = 0.1872 USD
    assert rows[datetime(2025, 4, 1)] == (Decimal("1.56"), Decimal("0.1872"), "measured")
    # May has no samples of dgx-01 (other-node is another machine): the default applies
    assert rows[datetime(2025, 5, 1)][2] == "default_utilization"
    [(custom, text)] = charges(
        ledger,
        "x_custom_columns, ChargeDescription",
        "x_custom_columns->>'energy_basis' = 'measured'",
    )
    # 4 GPU-samples × 3,600 s out of 8 GPUs × 720 h × 3,600 s = 4 / 5,760 = 0.0007
    custom = json.loads(custom)
    assert custom["energy_coverage"] == "0.0007" and custom["samples"] == "4"
    assert "measured by 4 power samples" in text


def test_energy_from_sampled_utilization_without_power(ledger: Ledger, tmp_path: Path) -> None:
    usage = _usage(
        tmp_path,
        "timestamp,resource_id,gpu_index,gr_engine_active,interval_s",
        ["2025-04-02T00:00:00Z,dgx-01,0,0.5,3600", "2025-04-02T01:00:00Z,dgx-01,0,0.25,10800"],
    )
    ingest_usage(ledger, [usage])
    ingest_assets(ledger, write(tmp_path, REGISTER), through=date(2025, 4, 30))
    april = energy(ledger)[1]
    # time-weighted utilization (0.5 × 3,600 + 0.25 × 10,800) / 14,400 = 4,500 / 14,400
    # = 0.3125; 10.2 kW × 0.3125 × 720 h × 1.3 = 2,983.5 kWh; × 0.12 = 358.02 USD
    assert april == (
        datetime(2025, 4, 1),
        Decimal("2983.5"),
        Decimal("358.02"),
        "sampled_utilization",
    )


def test_usage_ingested_later_refreshes_energy_on_reingest(ledger: Ledger, tmp_path: Path) -> None:
    register = write(tmp_path, REGISTER)
    first = ingest_assets(ledger, register, through=date(2025, 4, 30))
    ingest_usage(
        ledger,
        [
            _usage(
                tmp_path,
                "timestamp,resource_id,gpu_index,power_w,utilization_pct,interval_s",
                ["2025-04-02T00:00:00Z,dgx-01,0,1000,50,3600"],
            )
        ],
    )
    again = ingest_assets(ledger, register, through=date(2025, 4, 30))
    assert again.status == "replaced" and again.replaced_ingest_ids == [first.ingest_id]
    # 1,000 W × 3,600 s / 3.6e6 = 1 kWh × PUE 1.3 = 1.3 kWh
    assert energy(ledger)[1][1:3] == (Decimal("1.3"), Decimal("0.156"))


# --- the FOCUS row -------------------------------------------------------------------------


def test_generated_rows_are_full_focus_charges(ledger: Ledger, tmp_path: Path) -> None:
    result = ingest_assets(ledger, write(tmp_path, REGISTER), through=date(2025, 4, 30))
    rows = ledger.con.execute(
        """SELECT BillingPeriodStart, BillingPeriodEnd, ChargePeriodEnd, BillingCurrency,
                  ProviderName, ServiceProviderName, PublisherName, InvoiceIssuerName,
                  BillingAccountId, ResourceId, ChargeClass, ContractedCost = ListCost,
                  x_ingest_id, x_source, x_source_key, x_team, x_gpu_type, x_gpu_count,
                  x_gpu_hours, x_warnings, Tags
           FROM charges WHERE x_custom_columns->>'charge' = 'amortization'
           ORDER BY ChargePeriodStart"""
    ).fetchall()
    provider = "On-premises (fra-colo-1)"
    assert rows[1] == (
        datetime(2025, 4, 1),
        datetime(2025, 5, 1),
        datetime(2025, 5, 1),
        "USD",
        provider,
        provider,
        provider,
        provider,
        "on-premises",
        "dgx-01",
        None,
        True,
        result.ingest_id,
        "asset",
        "dgx-01",
        "research",
        "H100-SXM",
        8.0,
        # 8 GPUs × 720 h in April
        5760.0,
        [],
        {"team": "research"},
    )
    # March is in service from the 15th: 8 GPUs × 17 days × 24 h = 3,264 GPU-hours
    assert rows[0][18] == 3264.0
    gpu_hours = charges(ledger, "x_gpu_hours", "x_custom_columns->>'charge' <> 'amortization'")
    assert {r[0] for r in gpu_hours} == {None}


def test_assets_table_holds_the_register(ledger: Ledger, tmp_path: Path) -> None:
    ingest_assets(ledger, write(tmp_path, REGISTER), through=date(2025, 4, 30))
    assert ledger.con.execute(
        "SELECT asset_id, resource_id, useful_life_months, salvage_value, power_w, pue FROM assets"
    ).fetchall() == [("dgx-01", "dgx-01", 48, Decimal("31000"), 10200.0, 1.3)]


def test_team_comes_from_tags_when_not_explicit(tmp_path: Path) -> None:
    text = REGISTER.replace("    team: research", "    tags: {owner: vision, project: atlas}")
    with Ledger.open(":memory:", settings=Settings(team_tags=("owner",))) as led:
        ingest_assets(led, write(tmp_path, text), through=date(2025, 3, 31))
        assert set(charges(led, "x_team, x_project")) == {("vision", "atlas")}


# --- declarative re-ingest ----------------------------------------------------------------


def test_reingest_of_same_register_is_a_noop(ledger: Ledger, tmp_path: Path) -> None:
    path = write(tmp_path, REGISTER)
    first = ingest_assets(ledger, path, through=date(2025, 6, 30))
    before = charges(ledger, "*")
    again = ingest_assets(ledger, path, through=date(2025, 6, 30))
    assert (again.status, again.ingest_id) == ("already_ingested", first.ingest_id)
    assert charges(ledger, "*") == before
    # another through is another result: the months are generated again
    assert ingest_assets(ledger, path, through=date(2025, 7, 31)).status == "replaced"


def test_changed_register_replaces_the_assets_it_names(ledger: Ledger, tmp_path: Path) -> None:
    two = (
        REGISTER
        + """
  - id: dgx-02
    purchase_date: 2025-03-01
    purchase_price: 48000
"""
    )
    first = ingest_assets(ledger, write(tmp_path, two), through=date(2025, 4, 30))
    cheaper = REGISTER.replace("310000", "250000")
    second = ingest_assets(ledger, write(tmp_path, cheaper), through=date(2025, 4, 30))
    assert second.status == "replaced" and second.replaced_ingest_ids == [first.ingest_id]
    # (250,000 − 10 %) / 48 = 225,000 / 48 = 4,687.50; dgx-02 is kept: 43,200 / 48 = 900
    assert charges(
        ledger, "x_source_key, EffectiveCost", "x_custom_columns->>'charge' = 'amortization'"
    ) == [
        ("dgx-01", Decimal("4687.5")),
        ("dgx-01", Decimal("4687.5")),
        ("dgx-02", Decimal("900")),
        ("dgx-02", Decimal("900")),
    ]
    assert any("does not name: dgx-02" in n for n in second.notes)
    superseded = ledger.con.execute(
        "SELECT superseded_by FROM ingests WHERE ingest_id = ?", [first.ingest_id]
    ).fetchone()
    assert superseded == (second.ingest_id,)
    # the first file again is not a no-op: its content is no longer what the ledger holds
    assert (
        ingest_assets(ledger, write(tmp_path, two), through=date(2025, 4, 30)).status == "replaced"
    )


def test_replace_removes_assets_the_register_no_longer_names(
    ledger: Ledger, tmp_path: Path
) -> None:
    two = REGISTER + "\n  - {id: old-box, purchase_date: 2025-01-01, purchase_price: 1200}\n"
    ingest_assets(ledger, write(tmp_path, two, "a.yaml"), through=date(2025, 4, 30))
    ingest_assets(
        ledger, write(tmp_path, REGISTER, "b.yaml"), through=date(2025, 4, 30), replace=True
    )
    assert {r[0] for r in charges(ledger, "x_source_key")} == {"dgx-01"}
    assert ledger.con.execute("SELECT asset_id FROM assets").fetchall() == [("dgx-01",)]


# --- validation ---------------------------------------------------------------------------


def test_invalid_register_is_rejected_with_every_problem_listed(
    ledger: Ledger, tmp_path: Path
) -> None:
    bad = """
defaults: {currency: USD, useful_life_months: 36}
assets:
  - id: a1
    purchase_date: 2025-03-15
    purchase_price: -5
  - name: no id here
    purchase_date: 2025-03-15
    purchase_price: 100
  - id: a3
    purchase_date: 2025-3-15
    purchase_price: 100
  - id: a4
    purchase_date: 2025-03-15
    purchse_price: 100
  - id: a1
    purchase_date: 2025-03-15
    purchase_price: 100
  - id: a6
    purchase_date: 2025-03-15
    purchase_price: 100
    power_kw: 5
"""
    with pytest.raises(IngestError) as caught:
        ingest_assets(ledger, write(tmp_path, bad), through=date(2025, 4, 30))
    message = str(caught.value)
    assert "6 problems in the asset file; nothing was ingested" in message
    # the file starts with "defaults:" on line 1, so the first asset is on line 3
    assert "line 3, asset a1: purchase_price -5 is negative; it must be 0 or more" in message
    assert "line 6, asset without id: id is required" in message
    assert (
        "line 9, asset a3: purchase_date must be a date written YYYY-MM-DD (got '2025-3-15')"
        in message
    )
    assert (
        "line 12, asset a4: unknown key 'purchse_price'. Did you mean \"purchase_price\"?"
        in message
    )
    # the misspelt key is the one problem: purchase_price is not also reported missing
    assert "line 12, asset a4: purchase_price is required" not in message
    assert "line 15, asset a1: id 'a1' repeats the one at line 3" in message
    assert (
        "line 18, asset a6: power_kw is given but pue, energy_price_per_kwh, "
        "default_utilization are not" in message
    )
    assert ledger.con.execute("SELECT count(*) FROM charges").fetchone() == (0,)
    assert ledger.con.execute("SELECT status FROM ingests").fetchall() == [("rejected",)]


def test_csv_register_with_tags(ledger: Ledger, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
id,purchase_date,purchase_price,currency,useful_life_months,salvage_value,tags
srv-1,2025-04-01,3600,EUR,36,0,cost-center=cc-7; team=infra
""",
        "assets.csv",
    )
    result = ingest_assets(ledger, path, through=date(2025, 4, 30))
    assert result.rows_ingested == 1
    # 3,600 / 36 months = 100 EUR a month; team from the tags
    assert charges(
        ledger,
        "EffectiveCost, BillingCurrency, x_team, Tags",
        "x_custom_columns->>'charge' = 'amortization'",
    ) == [(Decimal("100"), "EUR", "infra", {"cost-center": "cc-7", "team": "infra"})]


def test_error_mid_ingest_leaves_the_ledger_unchanged(
    ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, REGISTER)
    ingest_assets(ledger, path, through=date(2025, 4, 30))
    snapshot = charges(ledger, "*"), ledger.con.execute("SELECT * FROM ingests").fetchall()

    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(generated, "write_ingest_record", fail)
    with pytest.raises(RuntimeError, match="disk full"):
        ingest_assets(
            ledger, write(tmp_path, REGISTER.replace("310000", "1")), through=date(2025, 4, 30)
        )
    assert (
        charges(ledger, "*"),
        ledger.con.execute("SELECT * FROM ingests").fetchall(),
    ) == snapshot
    assert ledger.con.execute("SELECT count(*) FROM assets").fetchone() == (1,)


def test_docs_example_register_ingests(ledger: Ledger, tmp_path: Path) -> None:
    blocks = re.findall(r"```yaml\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S)
    [example] = [b for b in blocks if "assets:" in b]
    result = ingest_assets(
        ledger, write(tmp_path, example), through=add_months(date(2025, 3, 1), 2)
    )
    assert result.status == "ingested" and result.rows_ingested >= 1


# --- issue 10: an amount is read by the one parser (docs/numbers.md) ------------------------


def test_a_price_in_e_notation_is_stored_and_charged_as_written(
    ledger: Ledger, tmp_path: Path
) -> None:
    register = REGISTER.replace("purchase_price: 310000", "purchase_price: 3.1e5")
    ingest_assets(ledger, write(tmp_path, register), through=date(2025, 3, 31))
    stored = ledger.con.execute("SELECT purchase_price, salvage_value FROM assets").fetchone()
    assert stored == (Decimal(310000), Decimal(31000))  # not 31 and 3.1
    [(billed,)] = charges(ledger, "BilledCost", "ChargeCategory = 'Purchase'")
    assert billed == Decimal(310000)


def test_an_asset_amount_in_another_form_is_one_sentence(ledger: Ledger, tmp_path: Path) -> None:
    register = REGISTER.replace("purchase_price: 310000", "purchase_price: $310,000")
    with pytest.raises(IngestError) as caught:
        ingest_assets(ledger, write(tmp_path, register), through=date(2025, 3, 31))
    assert "line 9, asset dgx-01: purchase_price '$310,000' is not a number: write it as" in str(
        caught.value
    )
