"""manual.yaml: licences, people, support and colocation in the format of docs/sources.md."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import yaml

from infracast.demo import DemoManifest
from infracast.vocabulary.cost_categories import COST_CATEGORIES

FREQUENCIES = {"monthly", "quarterly", "yearly", "one-time"}


def _entries(out: Path) -> list[dict[str, Any]]:
    doc = yaml.safe_load((out / "manual.yaml").read_text())
    assert set(doc) == {"entries"}
    return list(doc["entries"])


def test_every_entry_has_the_required_keys(demo: tuple[Path, DemoManifest]) -> None:
    out, _ = demo
    entries = _entries(out)
    assert len({e["id"] for e in entries}) == len(entries)
    for e in entries:
        assert e["category"] in COST_CATEGORIES
        assert e["frequency"] in FREQUENCIES
        assert ("amount" in e) != ("fte" in e and "monthly_rate" in e)
        assert isinstance(e["start"], date) and isinstance(e["end"], date)
        assert e["start"] < e["end"]


def test_the_company_pays_for_people_licences_support_and_colocation(
    demo: tuple[Path, DemoManifest],
) -> None:
    out, _ = demo
    by_category: dict[str, list[dict[str, Any]]] = {}
    for e in _entries(out):
        by_category.setdefault(e["category"], []).append(e)
    assert {"people", "software", "support", "facilities"} <= set(by_category)
    teams = {e["team"] for e in by_category["people"]}
    assert teams == {"research", "applied-ml", "inference-platform", "data-eng", "platform"}


def test_entries_stay_inside_a_short_period(tmp_path: Path) -> None:
    from infracast.demo import generate

    generate(tmp_path, rows=5_000, months=2)
    for e in _entries(tmp_path):
        assert date(2025, 11, 1) <= e["start"] < e["end"] <= date(2026, 1, 1)
