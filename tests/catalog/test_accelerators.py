"""Accelerator specs: the packaged table, name resolution and the did-you-mean error."""

from __future__ import annotations

import pytest

from infracast.catalog import accelerator, accelerators, find_accelerator, gpus
from infracast.errors import CatalogError, NotFoundError

REQUIRED = [
    "V100-16GB", "V100-32GB", "A100-40GB", "A100-80GB", "H100-SXM", "H100-PCIe", "H800",
    "H200", "B200", "L4", "L40S", "A10G", "T4", "MI250X", "MI300X", "Gaudi2", "Gaudi3",
    "TPU-v3", "TPU-v4", "TPU-v5e", "TPU-v5p", "A10",
]  # fmt: skip
# Published by no vendor: NVIDIA has no A10G datasheet (docs/catalog.md, "Figures left empty").
NO_PUBLISHED_PEAK = {"A10G"}


@pytest.mark.parametrize("name", REQUIRED)
def test_required_accelerator_has_memory_bandwidth_and_a_16_bit_peak(name: str) -> None:
    acc = accelerators()[name]
    assert acc.memory_gib > 0
    assert acc.memory_bandwidth_gbs > 0
    assert acc.source
    if name not in NO_PUBLISHED_PEAK:
        assert ("bf16" in acc.peak_tflops) or ("fp16" in acc.peak_tflops)


def test_a10g_has_no_invented_peak() -> None:
    acc = accelerator("A10G")
    assert acc.peak_tflops == {}
    with pytest.raises(CatalogError, match="A10G has no bf16"):
        acc.peak_flops("bf16")


def test_h100_sxm_matches_the_datasheet() -> None:
    # NVIDIA H100 datasheet: BF16 1,979 TFLOPS with sparsity -> 989.5 dense;
    # 80 GB HBM3 at 3.35 TB/s; up to 700 W; NVLink 900 GB/s.
    acc = accelerator("H100-SXM")
    assert acc.peak_tflops["bf16"] == pytest.approx(989, abs=1)
    assert acc.peak_tflops["fp8"] == pytest.approx(1979, abs=1)
    assert (acc.memory_gib, acc.memory_bandwidth_gbs, acc.tdp_w) == (80, 3350, 700)
    assert acc.interconnect_gbs == 900
    assert acc.peak_flops("bf16") == pytest.approx(989.5e12)


def test_a100_and_tpu_figures_match_their_sources() -> None:
    # A100 datasheet: BF16 312 TFLOPS dense, 80 GB HBM2e at 2,039 GB/s.
    a100 = accelerator("A100-80GB")
    assert (a100.peak_tflops["bf16"], a100.memory_bandwidth_gbs) == (312, 2039)
    # Cloud TPU docs, bf16 per chip: v3 123, v4 275, v5e 197, v5p 459.
    peaks = {n: accelerator(n).peak_tflops["bf16"] for n in ("v3", "v4", "v5e", "v5p")}
    assert peaks == {"v3": 123, "v4": 275, "v5e": 197, "v5p": 459}
    assert accelerator("TPU-v5p").tdp_w is None  # Google publishes no TDP


def test_sparse_figures_are_not_used() -> None:
    # Every dense bf16 peak is below the vendor's sparsity-doubled headline.
    assert accelerator("L4").peak_tflops["bf16"] == 121  # 242 with sparsity
    assert accelerator("H200").peak_tflops["bf16"] == accelerator("H100").peak_tflops["bf16"]


@pytest.mark.parametrize(
    ("spelling", "name"),
    [
        ("h100", "H100-SXM"),
        ("H100-80GB", "H100-SXM"),
        ("h100 sxm", "H100-SXM"),
        ("A100", "A100-80GB"),
        ("a100-sxm4-80gb", "A100-80GB"),
        ("V100", "V100-32GB"),
        ("MI300", "MI300X"),
        ("v5e", "TPU-v5e"),
        ("TPU_V5P", "TPU-v5p"),
        ("gaudi-3", "Gaudi3"),
    ],
)
def test_names_resolve_case_insensitively_and_by_alias(spelling: str, name: str) -> None:
    assert accelerator(spelling).name == name


def test_unknown_name_suggests_close_names_and_the_list_command() -> None:
    with pytest.raises(CatalogError) as caught:
        accelerator("H10O")
    assert 'Did you mean "H100-SXM"' in caught.value.message
    assert caught.value.hint is not None and "infracast catalog gpus" in caught.value.hint


def test_find_accelerator_returns_none_for_unknown_names() -> None:
    assert find_accelerator("RTX4090") is None


def test_aliases_are_unique_across_accelerators() -> None:
    seen: dict[str, str] = {}
    for acc in accelerators().values():
        for spelling in (acc.name, *acc.aliases):
            key = spelling.lower()
            assert seen.setdefault(key, acc.name) == acc.name, spelling


def test_table_is_read_once() -> None:
    assert accelerators() is accelerators()


def test_an_unknown_name_is_not_found_and_still_a_catalog_error() -> None:
    with pytest.raises(NotFoundError) as caught:
        accelerator("H10O")
    assert isinstance(caught.value, CatalogError)
    assert caught.value.http_status == 404 and caught.value.field == "accelerator"


def test_gpus_keep_one_vendor_in_any_case() -> None:
    found = gpus(vendor="amd")
    assert found and {a.vendor for a in found} == {"AMD"}


def test_gpus_match_a_name_or_alias_by_text_or_glob() -> None:
    assert [a.name for a in gpus(vendor="NVIDIA", name="H1*")] == [
        "H100-SXM",
        "H100-PCIe",
        "H100-NVL",
    ]
    # "v5e" is an alias of the TPU-v5e: text matches aliases too
    assert [a.name for a in gpus(name="v5e")] == ["TPU-v5e"]


def test_an_accelerator_as_plain_data_names_its_peaks_and_source() -> None:
    row = accelerator("H100").to_dict()
    assert row["bf16_tflops"] == row["peak_tflops"]["bf16"] and row["fp8_tflops"] == 1979
    assert row["aliases"] and "datasheet" in row["source"]
