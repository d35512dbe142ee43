"""FOCUS ingest: rejection reasons, warnings, versions, idempotency and replace."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from infracast.errors import IngestError
from infracast.ledger import ingest_focus
from infracast.ledger.connection import Ledger
from infracast.ledger.files import discover_files
from tests.ledger.focus_rows import BASE, write_focus_csv


def one(ledger: Ledger, path: Path, **kwargs: object):  # type: ignore[no-untyped-def]
    (result,) = ingest_focus(ledger, [path], **kwargs)  # type: ignore[arg-type]
    return result


def scalar(ledger: Ledger, sql: str, params: list[object] | None = None) -> object:
    row = ledger.con.execute(sql, params or []).fetchone()
    assert row is not None
    return row[0]


def reasons(ledger: Ledger) -> list[tuple[int, str]]:
    return [
        (int(r[0]), str(r[1]))
        for r in ledger.con.execute(
            "SELECT row_number, reason FROM quarantine ORDER BY row_number"
        ).fetchall()
    ]


# --- quarantine: one test per reason ---------------------------------------------------


@pytest.mark.parametrize(
    ("override", "reason"),
    [
        ({"BilledCost": "$3.00"}, "invalid_cost"),
        ({"EffectiveCost": "1,5"}, "invalid_cost"),
        ({"BilledCost": "NaN"}, "non_finite_cost"),
        ({"EffectiveCost": "-inf"}, "non_finite_cost"),
        ({"BilledCost": ""}, "missing_value"),
        ({"EffectiveCost": "NULL"}, "missing_value"),
        ({"BillingCurrency": "XYZ"}, "unknown_currency"),
        ({"BillingCurrency": ""}, "missing_value"),
        ({"ChargePeriodEnd": "2026-01-05T00:00:00Z"}, "charge_period_not_positive"),
        ({"ChargePeriodEnd": "2026-01-04T23:00:00Z"}, "charge_period_not_positive"),
        ({"BillingPeriodEnd": "2025-12-01T00:00:00Z"}, "billing_period_not_positive"),
        ({"ChargePeriodStart": "yesterday"}, "invalid_timestamp"),
        ({"BillingPeriodStart": ""}, "missing_value"),
    ],
)
def test_row_that_cannot_be_counted_is_quarantined_with_its_reason(
    ledger: Ledger, tmp_path: Path, override: dict[str, str], reason: str
) -> None:
    path = write_focus_csv(tmp_path / "bill.csv", [{}, override, {}])
    result = one(ledger, path)
    assert (result.rows_read, result.rows_ingested, result.rows_quarantined) == (3, 2, 1)
    assert reasons(ledger) == [(2, reason)]
    raw = scalar(ledger, "SELECT raw FROM quarantine")
    assert isinstance(raw, dict)
    for column, value in override.items():
        assert (raw[column] or "") == value or (value == "NULL" and raw[column] is None)
    detail = str(scalar(ledger, "SELECT detail FROM quarantine"))
    assert detail and detail[0].isupper()


def test_quarantined_row_keeps_file_row_number_and_parsed_cost(
    ledger: Ledger, tmp_path: Path
) -> None:
    path = write_focus_csv(
        tmp_path / "bill.csv", [{}, {}, {}, {"BillingCurrency": "ABC", "BilledCost": "7.25"}]
    )
    one(ledger, path)
    assert reasons(ledger) == [(4, "unknown_currency")]
    assert scalar(ledger, "SELECT billed_cost FROM quarantine") == Decimal("7.25")
    assert scalar(ledger, "SELECT source FROM quarantine") == str(path)


def test_malformed_csv_line_is_quarantined_not_lost(ledger: Ledger, tmp_path: Path) -> None:
    path = write_focus_csv(tmp_path / "bill.csv", [{}, {}])
    with path.open("a", encoding="utf-8") as fh:
        fh.write("AWS,012345678901,USD,2.00\n")
    result = one(ledger, path)
    assert (result.rows_read, result.rows_ingested, result.rows_quarantined) == (3, 2, 1)
    assert reasons(ledger) == [(3, "malformed_line")]


# --- warnings: countable rows that break a FOCUS rule ------------------------------------


def warnings_of(ledger: Ledger) -> list[list[str]]:
    return [
        sorted(w)
        for (w,) in ledger.con.execute(
            "SELECT x_warnings FROM charges ORDER BY x_source_row"
        ).fetchall()
    ]


def test_negative_usage_is_kept_with_a_warning_but_credits_and_corrections_are_not_flagged(
    ledger: Ledger, tmp_path: Path
) -> None:
    path = write_focus_csv(
        tmp_path / "bill.csv",
        [
            {"BilledCost": "-2.00", "EffectiveCost": "-2.00"},
            {"ChargeCategory": "Credit", "BilledCost": "-5", "EffectiveCost": "-5"},
            {"ChargeClass": "Correction", "BilledCost": "-1", "EffectiveCost": "-1"},
            {"ChargeCategory": "Adjustment", "BilledCost": "-1", "EffectiveCost": "-1"},
        ],
    )
    result = one(ledger, path)
    assert result.rows_ingested == 4
    assert warnings_of(ledger) == [["negative_cost"], [], [], []]
    assert result.warnings == {"negative_cost": 1}
    assert result.rows_with_warnings == 1
    # -2 - 5 - 1 - 1 = -9: the ledger still reconciles with the invoice
    assert scalar(ledger, "SELECT sum(BilledCost) FROM charges") == Decimal("-9")


def test_wrong_case_enum_is_normalised_and_unknown_value_kept(
    ledger: Ledger, tmp_path: Path
) -> None:
    path = write_focus_csv(
        tmp_path / "bill.csv",
        [
            {"ChargeFrequency": "usage-based"},
            {"ChargeCategory": "Refund"},
            {"BillingCurrency": "usd"},
        ],
    )
    one(ledger, path)
    rows = ledger.con.execute(
        "SELECT ChargeFrequency, ChargeCategory, BillingCurrency, x_warnings FROM charges "
        "ORDER BY x_source_row"
    ).fetchall()
    assert rows[0][:3] == ("Usage-Based", "Usage", "USD")
    assert rows[0][3] == ["wrong_case:ChargeFrequency"]
    assert rows[1][1] == "Refund" and rows[1][3] == ["unknown_value:ChargeCategory"]
    assert rows[2][2] == "USD" and rows[2][3] == ["wrong_case:BillingCurrency"]


def test_charge_outside_its_billing_period_is_kept_with_a_warning(
    ledger: Ledger, tmp_path: Path
) -> None:
    path = write_focus_csv(
        tmp_path / "bill.csv",
        [{"ChargePeriodStart": "2026-02-03T00:00:00Z", "ChargePeriodEnd": "2026-02-03T01:00:00Z"}],
    )
    assert one(ledger, path).warnings == {"charge_outside_billing_period": 1}


def test_missing_mandatory_column_the_ledger_does_not_need_is_a_warning(
    ledger: Ledger, tmp_path: Path
) -> None:
    columns = [c for c in BASE if c != "ServiceCategory"]
    path = write_focus_csv(tmp_path / "bill.csv", [{}, {}], columns=columns)
    result = one(ledger, path)
    assert result.rows_ingested == 2
    assert result.warnings["missing_mandatory_column"] == 2
    assert any("ServiceCategory" in note for note in result.notes)


def test_missing_mandatory_value_is_a_warning(ledger: Ledger, tmp_path: Path) -> None:
    path = write_focus_csv(tmp_path / "bill.csv", [{"ContractedCost": "NULL"}])
    result = one(ledger, path)
    assert result.warnings == {"missing_mandatory_value:ContractedCost": 1}


def test_unparseable_optional_value_is_kept_raw(ledger: Ledger, tmp_path: Path) -> None:
    path = write_focus_csv(tmp_path / "bill.csv", [{"ListCost": "n/a", "Tags": "{broken"}])
    result = one(ledger, path)
    assert result.warnings == {"unparsed_value:ListCost": 1, "unparsed_value:Tags": 1}
    custom = json.loads(str(scalar(ledger, "SELECT x_custom_columns FROM charges")))
    assert custom == {"unparsed_ListCost": "n/a", "unparsed_Tags": "{broken"}


# --- reading real-world shapes ----------------------------------------------------------


def test_identifiers_stay_text_with_leading_zeros(ledger: Ledger, tmp_path: Path) -> None:
    path = write_focus_csv(tmp_path / "bill.csv", [{"BillingAccountId": "000000000042"}])
    one(ledger, path)
    assert scalar(ledger, "SELECT BillingAccountId FROM charges") == "000000000042"
    assert scalar(ledger, "SELECT SubAccountId FROM charges") == "000111222333"


def test_identifiers_stay_text_from_parquet(ledger: Ledger, tmp_path: Path) -> None:
    csv_path = write_focus_csv(tmp_path / "bill.csv", [{}])
    pq = tmp_path / "bill.parquet"
    duckdb.execute(
        f"COPY (SELECT * FROM read_csv('{csv_path}', all_varchar = true)) "
        f"TO '{pq}' (FORMAT parquet)"
    )
    result = one(ledger, pq)
    assert result.rows_ingested == 1
    assert scalar(ledger, "SELECT BillingAccountId FROM charges") == "012345678901"


def test_null_literals_and_empty_strings_are_nulls(ledger: Ledger, tmp_path: Path) -> None:
    path = write_focus_csv(tmp_path / "bill.csv", [{"RegionId": "NULL", "SkuId": ""}])
    one(ledger, path)
    assert ledger.con.execute("SELECT RegionId, SkuId FROM charges").fetchone() == (None, None)


def test_timestamps_without_t_or_z_are_utc_and_offsets_are_converted(
    ledger: Ledger, tmp_path: Path
) -> None:
    path = write_focus_csv(
        tmp_path / "bill.csv",
        [
            {"ChargePeriodStart": "2026-01-05 10:00:00", "ChargePeriodEnd": "2026-01-05 11:00:00"},
            {
                "ChargePeriodStart": "2026-01-05T10:00:00+02:00",
                "ChargePeriodEnd": "2026-01-05T11:00:00+02:00",
            },
        ],
    )
    result = one(ledger, path)
    starts = [
        r[0].isoformat()
        for r in ledger.con.execute(
            "SELECT ChargePeriodStart FROM charges ORDER BY x_source_row"
        ).fetchall()
    ]
    assert starts == ["2026-01-05T10:00:00", "2026-01-05T08:00:00"]
    assert result.warnings == {}


def test_us_slash_dates_are_read_month_first_with_a_warning(ledger: Ledger, tmp_path: Path) -> None:
    path = write_focus_csv(
        tmp_path / "bill.csv",
        [
            {
                "BillingPeriodStart": "1/1/26",
                "BillingPeriodEnd": "2/1/26",
                "ChargePeriodStart": "1/5/26",
                "ChargePeriodEnd": "1/6/26",
            }
        ],
    )
    result = one(ledger, path)
    row = ledger.con.execute("SELECT ChargePeriodStart, BillingPeriodEnd FROM charges").fetchone()
    assert row is not None
    assert (row[0].isoformat(), row[1].isoformat()) == (
        "2026-01-05T00:00:00",
        "2026-02-01T00:00:00",
    )
    assert result.warnings == {"non_iso_timestamp": 1}


def test_custom_columns_without_x_prefix_are_kept(ledger: Ledger, tmp_path: Path) -> None:
    columns = [*BASE, "Id", "x_UsageType"]
    path = write_focus_csv(
        tmp_path / "bill.csv", [{"Id": "11472", "x_UsageType": "BoxUsage"}], columns=columns
    )
    one(ledger, path)
    assert json.loads(str(scalar(ledger, "SELECT x_custom_columns FROM charges"))) == {
        "Id": "11472",
        "x_UsageType": "BoxUsage",
    }


def test_tags_json_with_nested_values_and_repeated_keys(ledger: Ledger, tmp_path: Path) -> None:
    path = write_focus_csv(
        tmp_path / "bill.csv",
        [
            {"Tags": '{"team": "a", "size": 3, "meta": {"k": 1}}'},
            {"Tags": '{"team": "a", "team": "b"}'},
            {"Tags": '[{"key": "team", "value": "c"}]'},
        ],
    )
    one(ledger, path)
    tags = [
        r[0]
        for r in ledger.con.execute("SELECT Tags FROM charges ORDER BY x_source_row").fetchall()
    ]
    assert tags[0] == {"team": "a", "size": "3", "meta": '{"k":1}'}
    assert tags[1] == {"team": "a"}
    assert tags[2] == {"team": "c"}


def test_case_of_column_ids_is_forgiven_and_noted(ledger: Ledger, tmp_path: Path) -> None:
    columns = ["skupriceid" if c == "SkuPriceId" else c for c in BASE]
    rows = [{"skupriceid": "P-1"}]
    path = write_focus_csv(tmp_path / "bill.csv", rows, columns=columns)
    result = one(ledger, path)
    assert scalar(ledger, "SELECT SkuPriceId FROM charges") == "P-1"
    assert any("skupriceid read as SkuPriceId" in n for n in result.notes)


@pytest.mark.parametrize(
    ("extra", "version"),
    [
        ({}, "1.0"),
        ({"ServiceSubcategory": "Virtual Machines"}, "1.1"),
        ({"InvoiceId": "INV-1"}, "1.2"),
        ({"ServiceProviderName": "AWS", "HostProviderName": "AWS"}, "1.3"),
    ],
)
def test_version_is_detected_from_the_columns(
    ledger: Ledger, tmp_path: Path, extra: dict[str, str], version: str
) -> None:
    path = write_focus_csv(tmp_path / "bill.csv", [extra], columns=[*BASE, *extra])
    assert one(ledger, path).focus_version == version


def test_focus_13_service_provider_is_the_provider(ledger: Ledger, tmp_path: Path) -> None:
    columns = [c for c in BASE if c != "ProviderName"] + ["ServiceProviderName", "HostProviderName"]
    rows = [{"ServiceProviderName": "Google Cloud", "HostProviderName": "Google Cloud"}]
    path = write_focus_csv(tmp_path / "bill.csv", rows, columns=columns)
    one(ledger, path)
    assert ledger.con.execute(
        "SELECT ServiceProviderName, ProviderName FROM charges"
    ).fetchone() == (
        "Google Cloud",
        "Google Cloud",
    )


def test_focus_05_names_are_mapped(ledger: Ledger, tmp_path: Path) -> None:
    renamed = {
        "ChargeCategory": "ChargeType",
        "EffectiveCost": "AmortizedCost",
        "RegionId": "Region",
    }
    columns = [renamed.get(c, c) for c in BASE]
    rows = [{"ChargeType": "Usage", "AmortizedCost": "0.75", "Region": "eu-west-1"}]
    path = write_focus_csv(tmp_path / "bill.csv", rows, columns=columns)
    result = one(ledger, path)
    assert result.focus_version == "0.5"
    assert ledger.con.execute(
        "SELECT ChargeCategory, EffectiveCost, RegionId FROM charges"
    ).fetchone() == (
        "Usage",
        Decimal("0.75"),
        "eu-west-1",
    )


def test_file_without_a_needed_column_is_rejected_naming_it(ledger: Ledger, tmp_path: Path) -> None:
    columns = [c for c in BASE if c not in ("BillingCurrency", "EffectiveCost")]
    path = write_focus_csv(tmp_path / "bill.csv", [{}], columns=columns)
    result = one(ledger, path)
    assert result.status == "rejected"
    assert "BillingCurrency" in result.message and "EffectiveCost" in result.message
    assert scalar(ledger, "SELECT count(*) FROM charges") == 0
    assert scalar(ledger, "SELECT status FROM ingests") == "rejected"


# --- derived columns ---------------------------------------------------------------------


def test_team_and_project_come_from_configured_tag_keys(tmp_path: Path) -> None:
    from infracast.settings import load_settings

    path = write_focus_csv(
        tmp_path / "bill.csv",
        [
            {"Tags": '{"Owner": "payments", "cost-center": "cc1"}'},
            {"Tags": '{"owner": "search"}'},
            {"Tags": '{"team": "ignored"}'},
        ],
    )
    settings = load_settings(team_tags=("owner",), project_tags=("cost-center",))
    with Ledger.open(":memory:", settings=settings) as led:
        one(led, path)
        rows = led.con.execute("SELECT x_team, x_project FROM charges ORDER BY x_source_row")
        assert rows.fetchall() == [("payments", "cc1"), ("search", None), (None, None)]


def test_gpu_type_count_and_hours_come_from_the_instance_type(
    ledger: Ledger, tmp_path: Path
) -> None:
    path = write_focus_csv(
        tmp_path / "bill.csv",
        [
            {"ChargeDescription": "$98.32 per On Demand Linux p5.48xlarge Instance Hour"},
            {
                "ChargeDescription": "ND96isr H100 v5 spot",
                "ConsumedQuantity": "3",
                "ChargePeriodEnd": "2026-01-05T03:00:00Z",
            },
            {"ChargeDescription": "m6i.large"},
            {"ChargeDescription": "p5.48xlarge", "ServiceCategory": "Storage"},
        ],
    )
    one(ledger, path)
    rows = ledger.con.execute(
        "SELECT x_gpu_type, x_gpu_count, x_gpu_hours FROM charges ORDER BY x_source_row"
    ).fetchall()
    # 8 GPUs × 1 h; 8 GPUs × 3 h (ConsumedQuantity in Hours); no GPU; storage is not a GPU
    assert rows == [
        ("H100-SXM", 8.0, 8.0),
        ("H100-SXM", 8.0, 24.0),
        (None, None, None),
        (None, None, None),
    ]


def test_cost_category_follows_the_default_rules(ledger: Ledger, tmp_path: Path) -> None:
    path = write_focus_csv(
        tmp_path / "bill.csv",
        [
            {},
            {"ServiceCategory": "Storage", "ServiceName": "Amazon S3"},
            {"ChargeDescription": "Data Transfer out to internet"},
            {
                "ServiceName": "AWS Support (Business)",
                "ServiceCategory": "Management and Governance",
            },
            {"ChargeCategory": "Tax"},
            {"ServiceCategory": "Databases"},
        ],
    )
    one(ledger, path)
    cats = [
        r[0]
        for r in ledger.con.execute(
            "SELECT x_cost_category FROM charges ORDER BY x_source_row"
        ).fetchall()
    ]
    assert cats == ["compute", "storage", "network", "support", "other", "storage"]


def test_user_category_rules_take_precedence(tmp_path: Path) -> None:
    from infracast.settings import load_settings

    rules = tmp_path / "rules.yaml"
    rules.write_text("rules:\n  - service_category: Databases\n    cost_category: compute\n")
    path = write_focus_csv(tmp_path / "bill.csv", [{"ServiceCategory": "Databases"}])
    with Ledger.open(":memory:", settings=load_settings(category_rules=rules)) as led:
        one(led, path)
        assert scalar(led, "SELECT x_cost_category FROM charges") == "compute"


# --- once and only once ------------------------------------------------------------------


def test_reingesting_the_same_content_is_a_noop(ledger: Ledger, tmp_path: Path) -> None:
    path = write_focus_csv(tmp_path / "bill.csv", [{}, {"BilledCost": "x"}])
    first = one(ledger, path)
    copy = tmp_path / "copy-of-bill.csv"
    copy.write_bytes(path.read_bytes())
    again = one(ledger, copy)
    assert again.status == "already_ingested" and again.ingest_id == first.ingest_id
    assert (again.rows_ingested, again.rows_quarantined) == (0, 0)
    assert "nothing changed" in again.message
    # the hint for a user who changed team_tags and re-ingests to apply them
    assert "infracast ledger retag" in again.message
    assert scalar(ledger, "SELECT count(*) FROM charges") == 1
    assert scalar(ledger, "SELECT count(*) FROM quarantine") == 1


def test_overlapping_billing_period_from_another_ingest_is_refused(
    ledger: Ledger, tmp_path: Path
) -> None:
    one(ledger, write_focus_csv(tmp_path / "jan.csv", [{}]))
    restated = write_focus_csv(tmp_path / "jan-v2.csv", [{"BilledCost": "2.00"}])
    result = one(ledger, restated)
    assert result.status == "rejected"
    assert "--replace" in result.message and "AWS 2026-01-01" in result.message
    assert scalar(ledger, "SELECT sum(BilledCost) FROM charges") == Decimal("1.00")


def test_replace_swaps_one_providers_billing_period(ledger: Ledger, tmp_path: Path) -> None:
    feb = {
        "BillingPeriodStart": "2026-02-01T00:00:00Z",
        "BillingPeriodEnd": "2026-03-01T00:00:00Z",
        "ChargePeriodStart": "2026-02-02T00:00:00Z",
        "ChargePeriodEnd": "2026-02-02T01:00:00Z",
    }
    first = one(ledger, write_focus_csv(tmp_path / "aws.csv", [{}, {}, feb]))
    azure = write_focus_csv(tmp_path / "azure.csv", [{"ProviderName": "Microsoft"}])
    one(ledger, azure)
    restated = write_focus_csv(tmp_path / "aws-jan-v2.csv", [{"BilledCost": "5.00"}])
    result = one(ledger, restated, replace=True)
    assert result.status == "replaced" and result.replaced_ingest_ids == [first.ingest_id]
    totals = dict(
        ledger.con.execute(
            "SELECT ServiceProviderName || ' ' || strftime(BillingPeriodStart, '%Y-%m'), "
            "sum(BilledCost) FROM charges GROUP BY 1"
        ).fetchall()
    )
    # AWS January is now the restated 5.00; AWS February (1.00) and Microsoft stay
    assert totals == {
        "AWS 2026-01": Decimal("5"),
        "AWS 2026-02": Decimal("1"),
        "Microsoft 2026-01": Decimal("1"),
    }
    # the first ingest still holds February, so it is not wholly superseded
    assert (
        scalar(ledger, "SELECT superseded_by FROM ingests WHERE ingest_id = ?", [first.ingest_id])
        is None
    )


def test_reingest_after_full_replace_is_not_a_noop(ledger: Ledger, tmp_path: Path) -> None:
    v1 = write_focus_csv(tmp_path / "v1.csv", [{}])
    v2 = write_focus_csv(tmp_path / "v2.csv", [{"BilledCost": "3"}])
    one(ledger, v1)
    one(ledger, v2, replace=True)
    back = one(ledger, v1, replace=True)
    assert back.status == "replaced"
    assert scalar(ledger, "SELECT sum(BilledCost) FROM charges") == Decimal("1")


def test_parts_of_one_export_in_one_command_are_both_ingested(
    ledger: Ledger, tmp_path: Path
) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    write_focus_csv(folder / "part-1.csv", [{}])
    write_focus_csv(folder / "part-2.csv", [{"BilledCost": "2"}])
    results = ingest_focus(ledger, [folder])
    assert [r.status for r in results] == ["ingested", "ingested"]
    assert scalar(ledger, "SELECT sum(BilledCost) FROM charges") == Decimal("3")


def test_append_adds_a_later_part_of_the_same_export(ledger: Ledger, tmp_path: Path) -> None:
    one(ledger, write_focus_csv(tmp_path / "part-1.csv", [{}]))
    result = one(
        ledger, write_focus_csv(tmp_path / "part-2.csv", [{"BilledCost": "2"}]), append=True
    )
    assert result.status == "ingested"
    assert scalar(ledger, "SELECT sum(BilledCost) FROM charges") == Decimal("3")


def test_replace_and_append_together_is_an_error(ledger: Ledger, tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="together"):
        ingest_focus(ledger, [tmp_path], replace=True, append=True)


# --- files, folders, globs ---------------------------------------------------------------


def test_folders_globs_and_gzip_are_found(tmp_path: Path) -> None:
    import gzip

    (tmp_path / "a").mkdir()
    write_focus_csv(tmp_path / "a" / "x.csv", [{}])
    raw = write_focus_csv(tmp_path / "y.csv", [{}]).read_bytes()
    (tmp_path / "a" / "z.csv.gz").write_bytes(gzip.compress(raw))
    (tmp_path / "a" / "notes.txt").write_text("not a bill")
    assert [p.name for p in discover_files([tmp_path / "a"])] == ["x.csv", "z.csv.gz"]
    assert [p.name for p in discover_files([str(tmp_path / "*.csv")])] == ["y.csv"]
    with pytest.raises(IngestError, match="no such file"):
        discover_files([tmp_path / "missing.csv"])
    with pytest.raises(IngestError, match="matches no file"):
        discover_files([str(tmp_path / "*.parquet")])


def test_gzipped_csv_ingests(ledger: Ledger, tmp_path: Path) -> None:
    import gzip

    raw = write_focus_csv(tmp_path / "bill.csv", [{}, {}]).read_bytes()
    gz = tmp_path / "bill.csv.gz"
    gz.write_bytes(gzip.compress(raw))
    assert one(ledger, gz).rows_ingested == 2


def test_unknown_file_type_is_an_error(ledger: Ledger, tmp_path: Path) -> None:
    path = tmp_path / "bill.xlsx"
    path.write_text("x")
    result = one(ledger, path)
    assert result.status == "rejected" and ".csv, .csv.gz or .parquet" in result.message


def test_typed_parquet_columns_are_read_by_their_types(ledger: Ledger, tmp_path: Path) -> None:
    """Exports written by engines (BigQuery, Spark) carry types: doubles, zoned times, maps."""
    path = tmp_path / "typed.parquet"
    duckdb.execute(
        f"""COPY (
          SELECT 'Google Cloud' AS ServiceProviderName, 'USD' AS BillingCurrency,
                 c AS BilledCost, c AS EffectiveCost,
                 TIMESTAMPTZ '2026-01-05 10:00:00+02' AS ChargePeriodStart,
                 TIMESTAMPTZ '2026-01-05 11:00:00+02' AS ChargePeriodEnd,
                 DATE '2026-01-01' AS BillingPeriodStart, DATE '2026-02-01' AS BillingPeriodEnd,
                 'Usage' AS ChargeCategory, 'Compute' AS ServiceCategory,
                 MAP {{'team': 'research'}} AS Tags,
                 [{{'key': 'project', 'value': 'atlas'}}] AS Labels
          FROM (VALUES (1.25::DOUBLE), ('NaN'::DOUBLE), ('inf'::DOUBLE)) t(c)
        ) TO '{path}' (FORMAT parquet)"""
    )
    result = one(ledger, path)
    assert (result.rows_ingested, result.rows_quarantined) == (1, 2)
    assert reasons(ledger) == [(2, "non_finite_cost"), (3, "non_finite_cost")]
    row = ledger.con.execute(
        "SELECT BilledCost, ChargePeriodStart, x_team, x_custom_columns->>'Labels' FROM charges"
    ).fetchone()
    assert row is not None
    assert row[0] == Decimal("1.25") and row[1].isoformat() == "2026-01-05T08:00:00"
    assert row[2] == "research" and "atlas" in row[3]
