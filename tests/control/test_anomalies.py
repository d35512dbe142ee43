"""``infracast.control.anomalies``: scans of the ledger stored and alerted once, with
their drill-down; scans of files; clear errors. The world is ``spike_company`` of
``tests/forecast/anomaly_contracts.py`` (a forgotten instance adds 200 a day to
research's EC2 from 2026-03-02)."""

from __future__ import annotations

import contextlib
import json
import shutil
from pathlib import Path

import pytest

import tests.cli.contracts  # noqa: F401  the registry first: it imports anomaly_contracts
from infracast.control.anomalies import anomalies
from infracast.errors import ConfigError, InputFileError, QueryError
from infracast.ledger.connection import Ledger
from infracast.ledger.stores import forecasts as store
from tests.cli.small_company import LEDGER
from tests.forecast.anomaly_contracts import spike_company, write_spiky


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("spike-company")
    spike_company(root)
    write_spiky(root)
    return root


@pytest.fixture
def world(built: Path, tmp_path: Path) -> Path:
    """A fresh copy of the world for each test (the scans write to its ledger)."""
    shutil.copytree(built, tmp_path, dirs_exist_ok=True)
    return tmp_path


def test_the_forgotten_instance_is_flagged_on_its_first_day(world: Path) -> None:
    with Ledger.open(world / LEDGER) as led:
        found = anomalies(led).to_json()
    first = found[0]
    assert (first["unique_id"], first["ds"]) == ("research/atlas/Amazon EC2", "2026-03-02T00:00:00")
    assert first["y"] == pytest.approx(300.0)
    assert first["lo"] <= first["expected"] <= first["hi"] < first["y"]
    assert first["score"] > 1
    assert all(a["unique_id"] == "research/atlas/Amazon EC2" for a in found)


def test_each_anomaly_is_explained_by_what_moved(world: Path) -> None:
    with Ledger.open(world / LEDGER) as led:
        drivers = anomalies(led).to_json()[0]["drivers"]
    assert set(drivers[0]) == {"dimension", "value", "change", "share"}
    forgot = next(d for d in drivers if d["value"] == "i-forgot")
    # 200 a day on 2026-03-02 against no cost in the seven days before
    assert forgot["dimension"] == "resource"
    assert forgot["change"] == pytest.approx(200.0)
    assert 0.9 < forgot["share"] <= 1.0


def test_anomalies_are_stored_once_and_a_rerun_finds_them_known(world: Path) -> None:
    with Ledger.open(world / LEDGER) as led:
        first = anomalies(led)
        again = anomalies(led)
        stored = store.anomalies(led.con)
    assert first.new == len(first.found) > 0
    assert all(a["new"] for a in first.to_json())
    assert again.new == 0 and not any(a["new"] for a in again.to_json())
    assert len(stored) == len(first.found)
    assert stored[0]["drivers"] == first.found[0]["drivers"]


def test_anomalies_are_alerted_once(world: Path) -> None:
    with Ledger.open(world / LEDGER) as led:
        first = anomalies(led)
        again = anomalies(led)
        stored = store.anomalies(led.con)
    assert first.alerted == len(first.found)
    assert again.alerted == 0
    assert all(row["alerted_at"] is not None for row in stored)


def test_a_webhook_gets_each_anomaly_until_it_is_delivered(
    world: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bodies: list[dict[str, object]] = []
    answers = iter([500, 200])

    def send(request: object, timeout: float) -> int:
        answer = next(answers)
        if answer == 200:
            bodies.append(json.loads(request.data))  # type: ignore[attr-defined]
            return 200
        raise OSError("refused")

    monkeypatch.setattr("infracast.control.anomalies.post_json", _posting(send))
    with Ledger.open(world / LEDGER) as led:
        failed = anomalies(led, webhook="https://hooks.example.com/x")
        delivered = anomalies(led, webhook="https://hooks.example.com/x")
        later = anomalies(led, webhook="https://hooks.example.com/x")
    assert failed.alerted == 0 and any("webhook" in n for n in failed.notes)
    assert delivered.alerted == len(failed.found) and later.alerted == 0
    assert len(bodies) == 1 and bodies[0]["event"] == "cost.anomaly"


def _posting(send: object) -> object:
    """post_json with ``send`` in place of the network, tried once."""
    from infracast.control.budgets.webhook import RetryPolicy, post_json

    def post(url: str, body: bytes, **kwargs: object) -> object:
        kwargs["policy"] = RetryPolicy(attempts=1, backoff=0)
        return post_json(url, body, send=send, **kwargs)  # type: ignore[arg-type]

    return post


def test_without_storing_nothing_is_written(world: Path) -> None:
    with Ledger.open(world / LEDGER) as led:
        scan = anomalies(led, store_it=False)
        assert store.anomalies(led.con) == []
    assert scan.found and "new" not in scan.to_json()[0]


def test_csv_rows_summarise_the_drivers_in_one_column(world: Path) -> None:
    with Ledger.open(world / LEDGER) as led:
        row = anomalies(led).to_rows()[0]
    assert isinstance(row["drivers"], str)
    assert "resource i-forgot +200.00 (95%)" in row["drivers"]


def test_a_file_is_scanned_without_a_ledger(world: Path) -> None:
    with contextlib.chdir(world):
        scan = anomalies(
            input="spiky.csv", id_col="series", time_col="timestamp", target_col="value"
        )
    [spike] = scan.to_json()
    assert (spike["unique_id"], spike["ds"], spike["y"]) == ("cpu", "2026-01-03T12:00:00", 95.0)
    assert "drivers" not in spike and scan.scope_key is None


def test_a_file_without_the_time_column_names_the_flag(world: Path) -> None:
    with contextlib.chdir(world), pytest.raises(InputFileError, match='no column "ds"') as info:
        anomalies(input="spiky.csv", target_col="value")
    assert "--time-col" in (info.value.hint or "")


def test_a_file_with_text_values_is_refused_with_the_row(tmp_path: Path) -> None:
    (tmp_path / "bad.csv").write_text("ds,y\n2026-01-01,1\n2026-01-02,lots\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="row 2") as info:
        anomalies(input=tmp_path / "bad.csv")
    assert "numbers" in (info.value.hint or "")


def test_ledger_flags_with_a_file_are_refused(world: Path) -> None:
    with pytest.raises(ConfigError, match="--from"):
        anomalies(input=world / "spiky.csv", start="2026-01-01")


def test_no_ledger_and_no_file_is_refused() -> None:
    with pytest.raises(ConfigError, match="nothing to scan"):
        anomalies()


def test_an_empty_scope_is_refused(world: Path) -> None:
    with Ledger.open(world / LEDGER) as led, pytest.raises(QueryError, match="no charges"):
        anomalies(led, filters=["team=nobody"])


def test_min_share_out_of_range_is_refused(world: Path) -> None:
    with Ledger.open(world / LEDGER) as led, pytest.raises(ConfigError, match="min-share"):
        anomalies(led, min_share=2.0)


def test_a_drop_is_kept_only_when_asked_for(tmp_path: Path) -> None:
    # 30 days of 10 ± 1, then a day of 0: the point is below the interval
    lines = ["ds,y", *(f"2026-01-{d:02d},{10 + d % 3 - 1}" for d in range(1, 31)), "2026-01-31,0"]
    (tmp_path / "drop.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    both = anomalies(input=tmp_path / "drop.csv")
    up = anomalies(input=tmp_path / "drop.csv", direction="up")
    assert [a["ds"][:10] for a in both.to_json()] == ["2026-01-31"]
    assert both.to_json()[0]["score"] < -1
    assert up.found == []


def test_an_unknown_direction_is_refused_with_the_choices() -> None:
    with pytest.raises(ConfigError, match='unknown direction "upward"') as info:
        anomalies(input="x.csv", direction="upward")
    assert "up" in (info.value.hint or "")
