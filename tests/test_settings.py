"""Settings (src/infracast/settings.py): the lock_timeout setting, errors in the settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from infracast.errors import ConfigError
from infracast.settings import DEFAULT_LOCK_TIMEOUT, load_settings


def test_lock_timeout_defaults_to_a_minute() -> None:
    assert load_settings().lock_timeout == DEFAULT_LOCK_TIMEOUT == 60


def test_lock_timeout_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INFRACAST_LOCK_TIMEOUT", "2.5")
    assert load_settings().lock_timeout == 2.5


def test_lock_timeout_comes_from_the_config_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = tmp_path / "infracast.toml"
    config.write_text("lock_timeout = 0\n")
    monkeypatch.setenv("INFRACAST_CONFIG", str(config))
    assert load_settings().lock_timeout == 0


@pytest.mark.parametrize("value", ["-1", "soon", "inf", "nan"])
def test_a_lock_timeout_that_is_not_a_number_of_seconds_is_refused(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("INFRACAST_LOCK_TIMEOUT", value)
    with pytest.raises(ConfigError, match="lock_timeout"):
        load_settings()


def test_a_misspelt_setting_in_the_config_file_gets_a_did_you_mean(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = tmp_path / "infracast.toml"
    config.write_text('ledgr = "books.duckdb"\n')
    monkeypatch.setenv("INFRACAST_CONFIG", str(config))
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert caught.value.message == (
        "invalid settings (ledgr: unknown key 'ledgr'. Did you mean \"ledger\"?)."
    )
    assert caught.value.hint is not None and "INFRACAST_LEDGER" in caught.value.hint
