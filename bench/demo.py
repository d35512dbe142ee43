"""Benchmark: wall time of `infracast demo run` at the default size, after the install step.

Runs the installed command in a fresh temporary folder (new ledger, new files).
Target: under 2 minutes on 2 cores.

    python bench/demo.py
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    exe = Path(sys.executable).with_name("infracast")
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        subprocess.run([str(exe), "demo", "run"], cwd=tmp, check=True, capture_output=True)
        first = time.perf_counter() - start
        start = time.perf_counter()
        subprocess.run([str(exe), "demo", "run"], cwd=tmp, check=True, capture_output=True)
        again = time.perf_counter() - start
        size = sum(p.stat().st_size for p in Path(tmp).rglob("*") if p.is_file())
    print(
        f"infracast demo run (default size): {first:5.1f} s (target < 120 s); "
        f"run again (everything already ingested): {again:4.1f} s; "
        f"{size / 1e6:,.0f} MB written"
    )
    shutil.rmtree(Path(tempfile.gettempdir()) / "infracast-bench", ignore_errors=True)


if __name__ == "__main__":
    main()
