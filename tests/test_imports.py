"""The domain and the vocabulary load no database: importing them leaves duckdb and ibis out.

Each check runs in a fresh interpreter, so what this test process imported does not count.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

DATABASES = ("duckdb", "ibis")


def _loaded_after(statement: str) -> list[str]:
    """The database modules (top-level names in DATABASES) loaded by ``statement``."""
    probe = (
        f"import sys, json\n{statement}\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    ran = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False, timeout=120
    )
    assert ran.returncode == 0, ran.stderr
    loaded = set(json.loads(ran.stdout.splitlines()[-1]))
    return sorted(loaded & set(DATABASES))


@pytest.mark.parametrize(
    "statement",
    [
        "import infracast.estimate, infracast.finance",
        "import infracast.optimize",
        "import infracast.vocabulary, infracast.errors, infracast.amounts, "
        "infracast.validation, infracast.specfiles",
    ],
)
def test_importing_loads_no_database(statement: str) -> None:
    assert _loaded_after(statement) == []


def test_the_probe_sees_a_database_when_one_is_loaded() -> None:
    assert _loaded_after("import infracast.analytics") == ["duckdb", "ibis"]
