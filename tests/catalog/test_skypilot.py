"""The SkyPilot importer: small hand-written files in each column order, then the real ones."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from infracast.catalog import import_skypilot, read_skypilot
from infracast.catalog.models import PriceOption
from infracast.errors import CatalogError
from tests.conftest import shared_path

DAY = date(2026, 5, 20)


def write(tmp_path: Path, cloud: str, text: str) -> Path:
    folder = tmp_path / cloud
    folder.mkdir()
    path = folder / "vms.csv"
    path.write_text(text.strip() + "\n", encoding="utf-8")
    return path


def prices(options: list[PriceOption]) -> dict[tuple[str | None, str], Decimal]:
    return {(o.instance_type, o.pricing_model): o.price_per_hour for o in options}


def test_aws_order_with_two_p4de_rows_per_zone_and_a_missing_price(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "aws",
        """
InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,GpuInfo,Price,SpotPrice,Region,AvailabilityZone
p4de.24xlarge,A100-80GB,8.0,96.0,1152.0,"{'Name': 'A100-80GB'}",40.96,,us-east-1,use1-az1
p4de.24xlarge,A100,8.0,96.0,1152.0,"{'Gpus': [{'Name': 'A100'}]}",40.96,12.5,us-east-1,use1-az1
p4de.24xlarge,A100,8.0,96.0,1152.0,"{'Gpus': [{'Name': 'A100'}]}",40.96,11.0,us-east-1,use1-az2
p5e.48xlarge,H200,8.0,192.0,2048.0,"{}",,20.0,us-east-1,use1-az1
p5e.48xlarge,H200,8.0,192.0,2048.0,"{}",,,us-east-1,use1-az2
""",
    )
    read = read_skypilot(path, as_of=DAY)
    # p4de is A100-80GB by its instance type whatever GpuInfo says; zones collapse to the
    # cheapest: on-demand 40.96 once, spot min(12.5, 11.0) = 11.0.
    assert prices(read.options) == {
        ("p4de.24xlarge", "on_demand"): Decimal("40.96"),
        ("p4de.24xlarge", "spot"): Decimal("11.0"),
        ("p5e.48xlarge", "spot"): Decimal("20.0"),
    }
    assert {o.accelerator for o in read.options} == {"A100-80GB", "H200"}
    assert read.provider == "AWS" and read.without_price == 1
    assert all(o.as_of == DAY and o.currency == "USD" for o in read.options)


def test_azure_extra_generation_field_is_kept_not_rejected(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "azure",
        """
InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,GpuInfo,Price,SpotPrice,Region,Generation
Standard_NC24ads_A100_v4,A100-80GB,1,24,220,A100-80GB,3.673,0.7467,eastus,V1,V2
Standard_ND96isr_H100_v5,H100,8,96,1900,H100,98.32,,eastus,V2
Standard_A1_v2,,,1,2,,0.05,0.00924,eastus,V1
""",
    )
    read = read_skypilot(path, as_of=DAY)
    assert prices(read.options) == {
        ("Standard_NC24ads_A100_v4", "on_demand"): Decimal("3.673"),
        ("Standard_NC24ads_A100_v4", "spot"): Decimal("0.7467"),
        ("Standard_ND96isr_H100_v5", "on_demand"): Decimal("98.32"),
    }
    assert read.provider == "Microsoft" and read.cpu_only == 1 and read.malformed == 0


def test_over_long_line_without_a_generation_column_is_counted_malformed(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "vast",
        """
InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,GpuInfo,Price,SpotPrice,Region
1x-H100,H100,1,32,64.0,{},1.80,0.00,Texas, US, NA
""",
    )
    assert read_skypilot(path, as_of=DAY).malformed == 1


def test_vast_zero_spot_is_no_offer_and_unknown_gpus_are_counted(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "vast",
        """
InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,GpuInfo,Price,SpotPrice,Region
1x-H100_SXM-32-65536,H100,1,32,64.0,"{'Gpus': []}",1.80,0.00,"Texas, US, NA"
1x-RTX_5090-32-65536,RTX5090,1,32,64.0,"{'Gpus': []}",0.44,0.00,"Denmark, DK, EU"
2x-RTX_5090-32-65536,RTX5090,2,32,64.0,"{'Gpus': []}",0.88,0.00,"Denmark, DK, EU"
""",
    )
    read = read_skypilot(path, as_of=DAY)
    assert [(o.pricing_model, o.price_per_hour) for o in read.options] == [
        ("on_demand", Decimal("1.80"))
    ]
    assert read.options[0].region == "Texas, US, NA"
    assert read.unknown_accelerators == {"RTX5090": 2}
    assert "RTX5090 (2)" in read.summary()


def test_lambda_order_and_pcie_instance_types(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "lambda",
        """
InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,Price,Region,GpuInfo,SpotPrice
gpu_1x_h100_pcie,H100,1.0,26.0,200.0,2.49,us-east-1,H100,
gpu_8x_h100_sxm5,H100,8.0,208.0,1800.0,23.92,us-east-1,H100,
gpu_1x_a100,A100,1.0,30.0,200.0,1.29,us-east-1,A100,
""",
    )
    by_instance = {o.instance_type: o.accelerator for o in import_skypilot(path, as_of=DAY)}
    assert by_instance == {
        "gpu_1x_h100_pcie": "H100-PCIe",
        "gpu_8x_h100_sxm5": "H100-SXM",
        "gpu_1x_a100": "A100-40GB",  # SkyPilot's A100 is the 40 GB part
    }


def test_runpod_order_maps_its_own_names(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "runpod",
        """
InstanceType,vCPUs,MemoryGiB,AcceleratorName,AcceleratorCount,GpuInfo,Region,Price,SpotPrice
1x_A100-80GB_SECURE,4.0,80.0,A100-80GB,1.0,A100_80GB,US,1.99,
1x_A100-80GB-SXM4_SECURE,4.0,80.0,A100-80GB-SXM4,1.0,A100_80GB,US,2.29,1.49
1x_H100-80GB-HBM3_SECURE,4.0,80.0,H100-80GB-HBM3,1.0,H100,US,4.69,
""",
    )
    by_instance = {
        (o.instance_type, o.pricing_model): o.accelerator for o in import_skypilot(path, as_of=DAY)
    }
    assert by_instance == {
        ("1x_A100-80GB_SECURE", "on_demand"): "A100-80GB-PCIe",
        ("1x_A100-80GB-SXM4_SECURE", "on_demand"): "A100-80GB",
        ("1x_A100-80GB-SXM4_SECURE", "spot"): "A100-80GB",
        ("1x_H100-80GB-HBM3_SECURE", "on_demand"): "H100-SXM",
    }


GCP = """
InstanceType,vCPUs,MemoryGiB,AcceleratorName,AcceleratorCount,GpuInfo,Region,AvailabilityZone,Price,SpotPrice
a2-highgpu-1g,12.0,85.0,,,,us-central1,us-central1-a,0.73948,0.36975
a2-highgpu-2g,24.0,170.0,,,,us-central1,us-central1-a,1.47895,0.7395
n1-standard-4,4.0,15.0,,,,us-central1,us-central1-a,0.19,0.04
,,,A100,1,{},us-central1,us-central1-a,2.93391,1.4341
,,,A100,2,{},us-central1,us-central1-a,5.86782,2.8682
,,,A100,4,{},us-central1,us-central1-a,11.73563,5.7364
,,,T4,1,{},us-central1,us-central1-a,0.35,0.1654
,,,tpu-v5p-8,1,tpu-v5p-8,us-central1,us-central1-a,16.8,3.31027
,,,tpu-v5litepod-8,1,tpu-v5litepod-8,us-central1,us-central1-a,9.6,
,,,tpu-v2-8,1,tpu-v2-8,us-central1,us-central1-a,4.5,1.35
"""


def test_gcp_gpu_rows_join_their_host_machine_type(tmp_path: Path) -> None:
    read = read_skypilot(write(tmp_path, "gcp", GCP), as_of=DAY)
    on_demand = {o.instance_type: o for o in read.options if o.pricing_model == "on_demand"}
    # a2-highgpu-1g = host 0.73948 + 1 A100 2.93391 = 3.67339 USD/h;
    # a2-highgpu-2g = host 1.47895 + 2 A100 5.86782 = 7.34677 USD/h.
    assert on_demand["a2-highgpu-1g"].price_per_hour == Decimal("3.67339")
    assert on_demand["a2-highgpu-2g"].price_per_hour == Decimal("7.34677")
    assert on_demand["a2-highgpu-2g"].accelerators_per_instance == 2
    assert "a2-highgpu-2g host" in on_demand["a2-highgpu-2g"].source
    # 4 A100s: no a2-highgpu-4g host row in the zone, so no price rather than a GPU-only one.
    assert read.unjoined == 1


def test_gcp_gpus_without_a_machine_family_keep_the_accelerator_alone(tmp_path: Path) -> None:
    read = read_skypilot(write(tmp_path, "gcp", GCP), as_of=DAY)
    t4 = [o for o in read.options if o.accelerator == "T4" and o.pricing_model == "on_demand"]
    assert len(t4) == 1 and t4[0].instance_type is None
    assert t4[0].price_per_hour == Decimal("0.35")
    assert "host VM is billed separately" in t4[0].source


def test_gcp_tpu_slices_count_chips(tmp_path: Path) -> None:
    read = read_skypilot(write(tmp_path, "gcp", GCP), as_of=DAY)
    tpus = {o.instance_type: o for o in read.options if o.pricing_model == "on_demand"}
    # v5p-8 names 8 TensorCores = 4 chips: 16.8 / 4 = 4.2 USD per chip-hour.
    assert tpus["tpu-v5p-8"].accelerator == "TPU-v5p"
    assert tpus["tpu-v5p-8"].accelerators_per_instance == 4
    assert tpus["tpu-v5p-8"].price_per_accelerator_hour == Decimal("4.2")
    # v5litepod-8 names 8 one-core chips: 9.6 / 8 = 1.2.
    assert tpus["tpu-v5litepod-8"].price_per_accelerator_hour == Decimal("1.2")
    assert read.unknown_accelerators == {"tpu-v2": 1}


def test_provider_is_inferred_from_the_folder_or_given(tmp_path: Path) -> None:
    text = "InstanceType,AcceleratorName,AcceleratorCount,Price,SpotPrice,Region\nx1,L4,1,0.8,,r1"
    path = tmp_path / "vms.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError, match="cannot tell which provider"):
        import_skypilot(path)
    assert import_skypilot(path, "aws", as_of=DAY)[0].provider == "AWS"


def test_as_of_defaults_to_the_file_date(tmp_path: Path) -> None:
    text = "InstanceType,AcceleratorName,AcceleratorCount,Price,SpotPrice,Region\nx1,L4,1,0.8,,r1"
    path = write(tmp_path, "lambda", text)
    import os

    os.utime(path, (1767225600, 1767225600))  # 2026-01-01T00:00:00Z
    assert import_skypilot(path)[0].as_of == date(2026, 1, 1)


def test_a_file_without_skypilot_columns_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "aws", "name,price\nx,1")
    with pytest.raises(CatalogError, match=r"not a SkyPilot vms\.csv"):
        import_skypilot(path)


REAL = ["aws", "gcp", "azure", "lambda", "vast", "runpod"]


@pytest.mark.parametrize("cloud", REAL)
def test_real_catalogs_import_with_positive_prices(cloud: str) -> None:
    path = shared_path("prices", "skypilot", cloud, "vms.csv")
    read = read_skypilot(path, as_of=DAY)
    assert read.options, read.summary()
    assert read.malformed == 0
    assert all(o.price_per_hour > 0 and o.accelerators_per_instance > 0 for o in read.options)


def test_real_azure_file_keeps_its_v1_v2_rows() -> None:
    read = read_skypilot(shared_path("prices", "skypilot", "azure", "vms.csv"), as_of=DAY)
    # 27,141 lines carry an unquoted "V1,V2"; none is lost as malformed.
    assert read.rows == 56671 and read.malformed == 0


def test_real_aws_headline_prices_match_the_readme() -> None:
    read = read_skypilot(shared_path("prices", "skypilot", "aws", "vms.csv"), as_of=DAY)
    h100 = [
        o for o in read.options if o.accelerator == "H100-SXM" and o.pricing_model == "on_demand"
    ]
    # README: AWS H100 on-demand minimum 12.2900 USD per GPU-hour.
    assert min(o.price_per_accelerator_hour for o in h100) == Decimal("12.29")
