"""Re-deriving team, project and cost category (src/infracast/ledger/retag.py).

The oracle is ingest itself: a ledger ingested under settings S1 and re-tagged
under S2 must hold what a ledger ingested under S2 from scratch holds.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infracast.ledger import ingest_focus, rollup
from infracast.ledger._retag import Move, ValueCount, retag
from infracast.ledger.assets import ingest_assets
from infracast.ledger.connection import Ledger
from infracast.ledger.manual import ingest_manual
from infracast.settings import Settings
from tests.ledger.focus_rows import BASE, write_focus_csv

COLUMNS = [*BASE, "Owner", "cost-center"]
ROWS: list[dict[str, Any]] = [
    # 1: team and project tags under the default keys, an owner tag besides
    {"Tags": '{"team": "research", "project": "atlas", "owner": "vision"}'},
    # 2: the owner in a tag spelled Owner; the cost centre only as a custom column
    {"Tags": '{"Owner": "payments"}', "cost-center": "cc1"},
    # 3: no tags at all; owner and cost centre as custom columns
    {"Tags": "", "Owner": "search", "cost-center": "cc2"},
    # 4: a database service, a category the user's rules move; lower-case enum values
    {"ServiceCategory": "databases", "ChargeCategory": "usage", "Tags": '{"team": "data"}'},
    # 5: a blank owner tag falls through to the team tag
    {"Tags": '{"owner": " ", "team": "infra"}', "ServiceName": "Amazon S3"},
]


def s2(tmp_path: Path) -> Settings:
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "rules:\n"
        "  - service_category: Databases\n    cost_category: compute\n"
        "  - service_name: Amazon S3\n    cost_category: other\n"
    )
    return Settings(
        team_tags=("owner", "team"), project_tags=("cost-center",), category_rules=rules
    )


def derived(ledger: Ledger) -> list[tuple[Any, ...]]:
    return ledger.con.execute(
        "SELECT x_source, x_source_key, x_source_row, ChargePeriodStart, x_cost_category, "
        "x_team, x_project FROM charges ORDER BY ALL"
    ).fetchall()


def ingested(path: Path, settings: Settings) -> Ledger:
    ledger = Ledger.open(":memory:", settings=settings)
    ingest_focus(ledger, [path])
    return ledger


def test_retag_gives_what_ingesting_with_the_new_settings_gives(tmp_path: Path) -> None:
    bill = write_focus_csv(tmp_path / "bill.csv", ROWS, columns=COLUMNS)
    with ingested(bill, Settings()) as old, ingested(bill, s2(tmp_path)) as fresh:
        assert derived(old) != derived(fresh)  # the settings matter for this bill
        retag(old, settings=s2(tmp_path))
        assert derived(old) == derived(fresh)
        # the daily rollup moved with the charges: as summed again, and as the fresh ingest's
        assert rollup.drift(old.con) == 0
        daily = "SELECT * EXCLUDE (x_ingest_id) FROM charges_daily ORDER BY ALL"
        assert old.con.execute(daily).fetchall() == fresh.con.execute(daily).fetchall()
        # by hand: rows 1-5 under S2
        assert [r[4:] for r in derived(fresh)] == [
            ("compute", "vision", None),
            ("compute", "payments", "cc1"),
            ("compute", "search", "cc2"),
            ("compute", "data", None),
            ("other", "infra", None),
        ]


def test_retag_with_unchanged_settings_changes_nothing(tmp_path: Path) -> None:
    bill = write_focus_csv(tmp_path / "bill.csv", ROWS, columns=COLUMNS)
    with ingested(bill, s2(tmp_path)) as ledger:
        before = derived(ledger)
        result = retag(ledger)
        assert (result.rows_examined, result.rows_changed) == (5, 0)
        assert result.changed == {"team": 0, "project": 0, "cost_category": 0}
        assert (result.moves, result.counts) == ([], [])
        assert derived(ledger) == before


def test_the_result_lists_each_move_and_the_counts_before_and_after(tmp_path: Path) -> None:
    bill = write_focus_csv(
        tmp_path / "bill.csv",
        [
            {"Tags": '{"team": "a", "owner": "x"}'},
            {"Tags": '{"team": "a", "owner": "x"}'},
            {"Tags": '{"team": "a"}'},
            {"Tags": '{"team": "b", "owner": "x"}'},
        ],
    )
    with ingested(bill, Settings()) as ledger:
        result = retag(ledger, settings=Settings(team_tags=("owner",)))
    # teams a, a, a, b become x, x, (none), x: rows 1, 2, 3 and 4 all change
    assert (result.rows_examined, result.rows_changed) == (4, 4)
    assert result.changed == {"team": 4, "project": 0, "cost_category": 0}
    assert result.moves == [
        Move("team", "a", None, 1),
        Move("team", "a", "x", 2),
        Move("team", "b", "x", 1),
    ]
    assert result.counts == [
        ValueCount("team", None, 0, 1),
        ValueCount("team", "a", 3, 0),
        ValueCount("team", "b", 1, 0),
        ValueCount("team", "x", 0, 3),
    ]


def test_a_dry_run_reports_the_same_and_writes_nothing(tmp_path: Path) -> None:
    bill = write_focus_csv(tmp_path / "bill.csv", ROWS, columns=COLUMNS)
    with ingested(bill, Settings()) as ledger:
        before = derived(ledger)
        dry = retag(ledger, settings=s2(tmp_path), dry_run=True)
        assert derived(ledger) == before
        real = retag(ledger, settings=s2(tmp_path))
    assert dry.dry_run and not real.dry_run
    assert (dry.rows_changed, dry.changed, dry.moves) == (
        real.rows_changed,
        real.changed,
        real.moves,
    )
    assert dry.rows_changed == 5


def test_a_failure_midway_leaves_every_row_as_it_was(tmp_path: Path) -> None:
    bill = write_focus_csv(tmp_path / "bill.csv", ROWS, columns=COLUMNS)

    class FailingOnAssetUpdate:
        """The connection, failing the second UPDATE (after the FOCUS rows were updated)."""

        def __init__(self, con: Any) -> None:
            self.con = con

        def execute(self, sql: str, *args: Any) -> Any:
            if sql.startswith("UPDATE") and "'asset'" in sql:
                raise RuntimeError("disk full")
            return self.con.execute(sql, *args)

    with ingested(bill, Settings()) as ledger:
        before = derived(ledger)
        real = ledger.con
        ledger.con = FailingOnAssetUpdate(real)  # type: ignore[assignment]
        with pytest.raises(RuntimeError, match="disk full"):
            retag(ledger, settings=s2(tmp_path))
        ledger.con = real
        assert derived(ledger) == before


ASSETS = """
defaults: {currency: USD, useful_life_years: 4, salvage_pct: 10}
assets:
  - {id: dgx-01, purchase_date: 2025-03-15, purchase_price: 310000, gpu_type: H100-SXM,
     gpu_count: 8, team: research, tags: {owner: vision, project: atlas}}
  - {id: dgx-02, purchase_date: 2025-03-15, purchase_price: 310000, gpu_type: H100-SXM,
     gpu_count: 8, tags: {owner: vision, team: platform, cost-center: cc9}}
"""


def test_asset_charges_keep_their_own_team_and_re_derive_the_rest(tmp_path: Path) -> None:
    register = tmp_path / "assets.yaml"
    register.write_text(ASSETS)
    new = Settings(team_tags=("owner",), project_tags=("cost-center",))
    with Ledger.open(":memory:", settings=Settings()) as old:
        ingest_assets(old, register, through=date(2025, 4, 30))
        with Ledger.open(":memory:", settings=new) as fresh:
            ingest_assets(fresh, register, through=date(2025, 4, 30))
            assert derived(old) != derived(fresh)
            result = retag(old, settings=new)
            assert derived(old) == derived(fresh)
            # dgx-01 keeps its own team "research"; dgx-02 takes the owner tag
            assert {(r[1], r[5], r[6]) for r in derived(fresh)} == {
                ("dgx-01", "research", None),
                ("dgx-02", "vision", "cc9"),
            }
    assert result.changed["cost_category"] == 0


def test_manual_charges_are_kept_and_said_so(tmp_path: Path) -> None:
    manual = tmp_path / "manual.yaml"
    manual.write_text(
        "defaults: {currency: USD}\nentries:\n"
        "  - {id: wandb, category: software, amount: 100, frequency: monthly,"
        " start: 2026-01-01, end: 2026-03-01, tags: {owner: ml}}\n"
    )
    with Ledger.open(":memory:", settings=Settings()) as ledger:
        ingest_manual(ledger, manual, through=date(2026, 12, 31))
        before = derived(ledger)
        result = retag(ledger, settings=Settings(team_tags=("owner",)))
        assert derived(ledger) == before
    assert result.rows_kept == {"manual": 2}
    assert result.rows_examined == 0
    assert "2 manual-entry charge(s) kept" in result.notes[0]


KEYS = st.sampled_from(["team", "Team", "owner", "OWNER", "cost-center", "x"])
VALUES = st.sampled_from(["a", "b", " ", ""])
TAGS = st.dictionaries(KEYS, VALUES, max_size=3)
KEY_LISTS = st.lists(
    st.sampled_from(["team", "owner", "cost-center", "Owner"]), min_size=1, max_size=2
)


@pytest.mark.slow  # two ingests per example, ~1.5 s
@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    tags=st.lists(TAGS, min_size=1, max_size=4),
    owner=st.lists(st.sampled_from(["", "z", "a"]), min_size=4, max_size=4),
    first=st.tuples(KEY_LISTS, KEY_LISTS),
    second=st.tuples(KEY_LISTS, KEY_LISTS),
)
def test_retag_and_ingest_agree_for_any_tags_and_keys(
    tmp_path: Path,
    tags: list[dict[str, str]],
    owner: list[str],
    first: tuple[list[str], list[str]],
    second: tuple[list[str], list[str]],
) -> None:
    import json

    rows = [
        {"Tags": json.dumps(t), "Owner": owner[i], "BilledCost": str(i)} for i, t in enumerate(tags)
    ]
    bill = write_focus_csv(tmp_path / "bill.csv", rows, columns=[*BASE, "Owner"])
    s1 = Settings(team_tags=tuple(first[0]), project_tags=tuple(first[1]))
    s2 = Settings(team_tags=tuple(second[0]), project_tags=tuple(second[1]))
    with ingested(bill, s1) as old, ingested(bill, s2) as fresh:
        retag(old, settings=s2)
        assert derived(old) == derived(fresh)
