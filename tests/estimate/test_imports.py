"""Importing the estimators and the catalog loads no database (checked in a fresh interpreter)."""

from __future__ import annotations

import json
import subprocess
import sys

DATABASES = {"duckdb", "ibis"}


def _top_level_modules_after(statement: str) -> set[str]:
    probe = f"import sys, json\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    ran = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False, timeout=120
    )
    assert ran.returncode == 0, ran.stderr
    return {name.split(".")[0] for name in json.loads(ran.stdout.splitlines()[-1])}


def test_estimate_and_catalog_load_no_database() -> None:
    loaded = _top_level_modules_after("import infracast.estimate, infracast.catalog")
    assert "infracast" in loaded
    assert not loaded & DATABASES


def test_the_probe_sees_a_database_when_one_is_loaded() -> None:
    assert _top_level_modules_after("import infracast.analytics.observed_prices") >= DATABASES
