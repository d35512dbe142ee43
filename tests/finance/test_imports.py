"""Finance is pure: importing it loads no database (checked in a fresh interpreter)."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = (
    "import sys, json\n"
    "import infracast.finance\n"
    "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
)


def test_importing_finance_loads_no_database() -> None:
    ran = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=False, timeout=120
    )
    assert ran.returncode == 0, ran.stderr
    loaded = set(json.loads(ran.stdout.splitlines()[-1]))
    assert loaded & {"duckdb", "ibis"} == set()
