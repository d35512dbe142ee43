"""Cost-category rules: the user's file first, read through the one spec-file reader."""

from __future__ import annotations

from pathlib import Path

import pytest

from infracast.errors import ConfigError
from infracast.ledger.categories import default_rules, load_rules


def test_user_rules_come_before_the_defaults(tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules:\n  - service_name: '%Bedrock%'\n    cost_category: software\n")
    loaded = load_rules(rules)
    assert loaded[0].cost_category == "software"
    assert loaded[0].source == f"{rules} rule 1"
    assert loaded[1:] == default_rules()


def test_a_csv_rules_file_is_read_by_its_header(tmp_path: Path) -> None:
    rules = tmp_path / "rules.csv"
    rules.write_text("service_name,cost_category\n%Bedrock%,software\n")
    assert load_rules(rules)[0].service_name == "%Bedrock%"


def test_invalid_yaml_names_the_line_and_the_setting(tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules:\n  - service_name: [unclosed\n")
    with pytest.raises(ConfigError) as caught:
        load_rules(rules)
    assert "category_rules setting" in caught.value.message
    assert caught.value.row is not None and caught.value.file == str(rules)
    assert caught.value.hint is not None and "indentation" in caught.value.hint


def test_a_missing_rules_file_points_at_the_setting(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_rules(tmp_path / "none.yaml")
    assert caught.value.hint is not None and "INFRACAST_CATEGORY_RULES" in caught.value.hint
