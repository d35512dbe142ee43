from __future__ import annotations

from typing import Any

import pytest
import yaml

from infracast.errors import EstimateError
from infracast.estimate.defaults import (
    REQUIRED_KEYS,
    Defaults,
    defaults_from_mapping,
    load_defaults,
)


def test_every_default_has_a_value_unit_and_source(defaults: Defaults) -> None:
    assert set(defaults.entries) >= REQUIRED_KEYS
    for key, entry in defaults.entries.items():
        assert entry.unit.strip(), key
        assert len(entry.source) > 20, f"{key} needs a real source"


def test_the_goodput_defaults_are_the_calibrated_ones(defaults: Defaults) -> None:
    assert defaults.number("goodput.large_model_mfu") == 0.52
    assert defaults.number("goodput.size_overhead_c") == 15
    assert defaults.number("goodput.moe_factor") == 0.75
    assert defaults.number("goodput.fp16_factor") == 0.7
    assert defaults.number("goodput.fp8_speedup") == 1.3


def _raw(defaults: Defaults) -> dict[str, dict[str, Any]]:
    raw: dict[str, dict[str, Any]] = {}
    for key, entry in defaults.entries.items():
        section, name = key.split(".", 1)
        raw.setdefault(section, {})[name] = entry.model_dump()
    return raw


def test_a_file_missing_a_default_is_refused(defaults: Defaults) -> None:
    raw = _raw(defaults)
    del raw["energy"]["pue"]
    with pytest.raises(EstimateError, match=r"lacks the defaults energy\.pue"):
        defaults_from_mapping(raw)


def test_a_default_without_a_source_is_refused(defaults: Defaults) -> None:
    raw = _raw(defaults)
    del raw["energy"]["pue"]["source"]
    with pytest.raises(EstimateError, match=r"energy\.pue is malformed.*source"):
        defaults_from_mapping(raw)


def test_replace_changes_one_value_and_keeps_its_source(defaults: Defaults) -> None:
    changed = defaults.replace(energy__pue=1.5)
    assert changed.number("energy.pue") == 1.5
    assert changed.entry("energy.pue").source == defaults.entry("energy.pue").source
    assert defaults.number("energy.pue") == 1.2  # the original is untouched
    with pytest.raises(KeyError):
        defaults.replace(energy__no_such=1)


def test_an_assumption_names_the_default_and_its_source(defaults: Defaults) -> None:
    assumed = defaults.assumption("energy.pue")
    assert assumed.name == "pue"
    assert assumed.value == 1.2
    assert "Uptime Institute" in assumed.source


def test_the_packaged_file_is_plain_yaml() -> None:
    from importlib import resources

    text = resources.files("infracast.data").joinpath("estimate_defaults.yaml").read_text()
    assert defaults_from_mapping(yaml.safe_load(text)).entries == load_defaults().entries
