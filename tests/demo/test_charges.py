"""The FOCUS files: each provider's version, columns, values and instance types."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

import duckdb
import pytest

from infracast.demo import DemoManifest
from infracast.vocabulary import focus_spec
from infracast.vocabulary.instances import gpu_instances

from .conftest import focus_glob

CUSTOM = {
    "aws": ["x_UsageType", "x_Operation", "x_ServiceCode"],
    "gcp": ["x_ServiceId", "x_CostType"],
    "azure": ["x_ResourceGroupName", "x_SkuMeterCategory"],
}
VERSIONS = {"aws": "1.2", "gcp": "1.3", "azure": "1.0"}


def _columns(path: Path) -> list[str]:
    con = duckdb.connect()
    return [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM '{path}'").fetchall()]


@pytest.mark.parametrize("provider", ["aws", "gcp", "azure"])
def test_columns_are_exactly_the_versions_focus_columns_plus_x_columns(
    demo: tuple[Path, DemoManifest], provider: str
) -> None:
    out, manifest = demo
    expected = focus_spec.columns_of(VERSIONS[provider]) + CUSTOM[provider]
    for rel in manifest.paths("focus", provider):
        assert _columns(out / rel) == expected
    assert manifest.focus_versions[provider] == VERSIONS[provider]


@pytest.mark.parametrize("provider", ["aws", "gcp", "azure"])
def test_csv_headers_match_the_parquet_columns(
    demo_csv: tuple[Path, DemoManifest], provider: str
) -> None:
    out, manifest = demo_csv
    first = out / manifest.paths("focus", provider)[0]
    with first.open(newline="") as fh:
        header = next(csv.reader(fh))
    assert header == focus_spec.columns_of(VERSIONS[provider]) + CUSTOM[provider]


def test_detected_versions_differ_per_provider(demo: tuple[Path, DemoManifest]) -> None:
    out, manifest = demo
    for provider, version in VERSIONS.items():
        cols = _columns(out / manifest.paths("focus", provider)[0])
        assert focus_spec.detect_version(cols) == version


def test_enumerated_values_are_allowed_except_the_listed_wrong_case(
    demo: tuple[Path, DemoManifest], con: duckdb.DuckDBPyConnection
) -> None:
    out, manifest = demo
    allowed = focus_spec.allowed_values()
    for provider in VERSIONS:
        present = _columns(out / manifest.paths("focus", provider)[0])
        for column, values in allowed.items():
            if column not in present:
                continue
            rows = con.execute(
                f"SELECT \"{column}\", count(*) FROM '{focus_glob(out, provider)}' "
                f'WHERE "{column}" IS NOT NULL GROUP BY ALL'
            ).fetchall()
            bad = {v: n for v, n in rows if v not in values}
            if provider == "gcp" and column == "ChargeFrequency":
                assert bad == {"Usage-based": 3}
            else:
                assert bad == {}, (provider, column)


def test_provider_names_follow_each_version(
    demo: tuple[Path, DemoManifest], con: duckdb.DuckDBPyConnection
) -> None:
    out, _ = demo
    aws = con.execute(f"SELECT DISTINCT ProviderName FROM '{focus_glob(out, 'aws')}'").fetchall()
    azure = con.execute(
        f"SELECT DISTINCT ProviderName FROM '{focus_glob(out, 'azure')}'"
    ).fetchall()
    gcp = con.execute(
        "SELECT DISTINCT ServiceProviderName, HostProviderName, ProviderName, PublisherName "
        f"FROM '{focus_glob(out, 'gcp')}'"
    ).fetchall()
    assert aws == [("AWS",)]
    assert azure == [("Microsoft",)]
    assert gcp == [("Google Cloud",) * 4]


def test_aws_account_ids_are_twelve_digit_strings_with_a_leading_zero(
    demo: tuple[Path, DemoManifest], con: duckdb.DuckDBPyConnection
) -> None:
    out, _ = demo
    types = dict(
        con.execute(
            f"SELECT column_name, column_type FROM (DESCRIBE '{focus_glob(out, 'aws')}')"
        ).fetchall()
    )
    assert types["BillingAccountId"] == "VARCHAR" and types["SubAccountId"] == "VARCHAR"
    glob = focus_glob(out, "aws")
    ids = con.execute(
        f"SELECT DISTINCT BillingAccountId FROM '{glob}' UNION "
        f"SELECT DISTINCT SubAccountId FROM '{glob}' WHERE SubAccountId IS NOT NULL"
    ).fetchall()
    assert ids and all(len(i) == 12 and i.isdigit() and i.startswith("0") for (i,) in ids)


def test_azure_tags_use_capitalised_keys(
    demo: tuple[Path, DemoManifest], con: duckdb.DuckDBPyConnection
) -> None:
    out, _ = demo
    keys = con.execute(
        "SELECT DISTINCT unnest(json_keys(Tags)) FROM "
        f"'{focus_glob(out, 'azure')}' WHERE Tags IS NOT NULL ORDER BY 1"
    ).fetchall()
    assert [k for (k,) in keys] == ["Environment", "Project", "Team"]


def test_every_gpu_instance_type_is_a_known_one(
    demo: tuple[Path, DemoManifest], con: duckdb.DuckDBPyConnection
) -> None:
    out, _ = demo
    known = {g.instance_type for g in gpu_instances()}
    used = set()
    for provider in ("aws", "gcp"):
        rows = con.execute(
            f"SELECT DISTINCT SkuPriceDetails->>'InstanceType', ChargeDescription "
            f"FROM '{focus_glob(out, provider)}' WHERE SkuPriceDetails IS NOT NULL"
        ).fetchall()
        for instance_type, description in rows:
            assert instance_type in description
            used.add(instance_type)
    gpu_used = {t for t in used if t in known}
    assert {"p5.48xlarge", "a3-highgpu-8g", "g6e.xlarge"} <= gpu_used
    cpu = used - known
    assert all(t.startswith(("m7i", "c7i", "r7i", "n2-")) for t in cpu), cpu


def test_azure_names_its_gpu_sizes_in_the_description(
    demo: tuple[Path, DemoManifest], con: duckdb.DuckDBPyConnection
) -> None:
    out, _ = demo
    descriptions = {
        d
        for (d,) in con.execute(
            f"SELECT DISTINCT ChargeDescription FROM '{focus_glob(out, 'azure')}'"
        ).fetchall()
    }
    assert "Virtual Machines - ND96isr H100 v5 - East US" in descriptions


def test_negotiated_discounts_make_contracted_cost_lower_than_list(
    demo: tuple[Path, DemoManifest], con: duckdb.DuckDBPyConnection
) -> None:
    out, _ = demo
    row = con.execute(
        f"SELECT bool_and(ContractedCost < ListCost), count(*) FROM '{focus_glob(out, 'aws')}' "
        "WHERE ChargeCategory = 'Usage' AND PricingCategory = 'Standard' AND ListCost > 0"
    ).fetchone()
    assert row is not None
    all_lower, n = row
    assert all_lower is True and n > 1000


def test_spot_rows_are_dynamic_and_cheaper(
    demo: tuple[Path, DemoManifest], con: duckdb.DuckDBPyConnection
) -> None:
    out, _ = demo
    row = con.execute(
        f"SELECT count(*), bool_and(BilledCost < 0.5 * ListCost) FROM '{focus_glob(out, 'aws')}' "
        "WHERE PricingCategory = 'Dynamic'"
    ).fetchone()
    assert row is not None and row[0] > 0 and row[1]


def test_parquet_costs_are_typed_decimals(demo: tuple[Path, DemoManifest]) -> None:
    out, manifest = demo
    con = duckdb.connect()
    types = dict(
        con.execute(
            f"SELECT column_name, column_type FROM (DESCRIBE '{out / manifest.paths('focus')[0]}')"
        ).fetchall()
    )
    assert types["BilledCost"] == "DECIMAL(38,10)"
    assert types["ChargePeriodStart"] == "TIMESTAMP"


def test_csv_timestamps_and_nulls_follow_each_provider(
    demo_csv: tuple[Path, DemoManifest],
) -> None:
    out, manifest = demo_csv
    samples = {}
    for provider in VERSIONS:
        with (out / manifest.paths("focus", provider)[0]).open(newline="") as fh:
            samples[provider] = next(csv.DictReader(fh))
    assert samples["aws"]["ChargePeriodStart"] == "2025-11-01T00:00:00Z"
    assert samples["azure"]["ChargePeriodStart"] == "2025-11-01 00:00:00"
    assert samples["gcp"]["ChargePeriodStart"] == "2025-11-01 00:00:00 UTC"
    assert samples["aws"]["ChargeClass"] == "NULL" and samples["azure"]["ChargeClass"] == "NULL"
    assert samples["gcp"]["ChargeClass"] == ""


def test_csv_gz_is_gzip(tmp_path: Path) -> None:
    from infracast.demo import generate

    manifest = generate(tmp_path, rows=5_000, months=1, file_format="csv.gz")
    path = tmp_path / manifest.paths("focus", "aws")[0]
    assert path.name.endswith(".csv.gz")
    with gzip.open(path, "rt") as fh:
        assert fh.readline().startswith("AvailabilityZone,BilledCost,")
