"""Benchmark: the dashboard overview over the JSON API, under a bounded load on loopback.

For each ledger size, ``infracast serve`` runs on 127.0.0.1 (a free port, with an API
token) over the demo company's ledger at that many FOCUS rows, and 1 then 8 concurrent
clients each send a fixed number of the overview's requests (every route in turn, each
client starting at another one; stopped early at a time cap), on one keep-alive connection
per client. It prints p50 and p99 latency per level.

Baseline, measured in the same run: the same server and requests over a copy of the same
ledger whose daily rollup (``charges_daily``) is emptied, so every query reads the charges
(the rollup is not in step, analytics fall back: docs/analytics.md, "The daily rollup").
Both servers must answer every request with the same bytes (checked). Target: p99 under
300 ms at 10M rows with 8 clients, with the rollup.

    python -m bench.serve                                  # 200,000 and 10,000,000 rows
    python -m bench.serve --rows 200000 --requests 8       # small and quick
    python -m bench.serve --work /tmp/bench-serve          # where ledgers are built (kept)

Ledgers and demo files go under ``--work`` (default: the system's temporary folder), never
into the repository; a ledger already there is reused (``make`` it once: 10M rows take
minutes to generate and ingest).
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

OVERVIEW: tuple[str, ...] = (
    "/api/v1/costs?by=month",
    "/api/v1/costs?by=team,month",
    "/api/v1/costs?by=provider",
    "/api/v1/costs?by=cost_category",
    "/api/v1/movers",
    "/api/v1/showback",
    "/api/v1/gpu",
    "/api/v1/budgets/status",
)
# The routes the daily rollup serves (costs and movers); --routes rollup runs only these.
ROLLUP_ROUTES: tuple[str, ...] = OVERVIEW[:5]
TARGET_P99_S = 0.300

BUILD = """
import sys
from pathlib import Path
from infracast.control.users import add_user
from infracast.demo.run import run_demo
from infracast.ledger.connection import Ledger
with Ledger.open(sys.argv[1]) as ledger:
    run_demo(ledger, Path(sys.argv[2]), rows=int(sys.argv[3]), summary=None,
             stage=lambda s: print("  " + s, flush=True))
"""
TOKEN = """
import sys
from infracast.control.users import add_user, list_users, new_token
from infracast.ledger.connection import Ledger
with Ledger.open(sys.argv[1]) as ledger:
    if "bench" not in {u.name for u in list_users(ledger)}:
        add_user(ledger, "bench", role="viewer")
    print(new_token(ledger, "bench"))
"""


@dataclass
class Level:
    clients: int
    latencies: list[float] = field(default_factory=list)
    routes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    capped: bool = False

    def quantile(self, q: float, route: str | None = None) -> float:
        """The ``q`` quantile of the latencies (of ``route``'s requests only, if given):
        the nearest rank, so p99 of fewer than 100 requests is their slowest but one."""
        values = [t for t, r in zip(self.latencies, self.routes, strict=True) if route in (None, r)]
        ordered = sorted(values)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def build(work: Path, rows: int) -> Path:
    """The demo company's ledger at ``rows`` FOCUS rows under ``work`` (built once)."""
    ledger = work / f"ledger-{rows}.duckdb"
    if not ledger.exists():
        print(f"building the demo ledger at {rows:,} rows in {ledger} …", flush=True)
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", BUILD, str(ledger), str(work / f"demo-{rows}"), str(rows)],
            check=True,
        )
        print(f"  built in {time.perf_counter() - start:.0f} s", flush=True)
    return ledger


def without_rollup(ledger: Path) -> Path:
    """A copy of ``ledger`` whose daily rollup is empty: every query reads the charges."""
    copy = ledger.with_name(ledger.stem + "-charges-only.duckdb")
    shutil.copyfile(ledger, copy)
    con = duckdb.connect(str(copy))
    con.execute("DELETE FROM charges_daily")
    con.execute("CHECKPOINT")
    con.close()
    return copy


def token_for(ledger: Path) -> str:
    out = subprocess.run(
        [sys.executable, "-c", TOKEN, str(ledger)], check=True, capture_output=True, text=True
    )
    return out.stdout.strip().splitlines()[-1]


class Server:
    """``infracast serve`` on a free loopback port, until :meth:`stop`."""

    def __init__(self, ledger: Path) -> None:
        self.port = free_port()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "infracast", "serve", "--port", str(self.port),
             "--ledger", str(ledger)],
            stderr=subprocess.DEVNULL,
        )  # fmt: skip

    def wait(self, token: str, timeout: float = 300.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"the server stopped (exit {self.proc.returncode})")
            try:
                status, _ = get(self.connect(), "/api/v1/health", token)
                if status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise SystemExit("the server did not answer in time")

    def connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def agree(a: object, b: object) -> bool:
    """Whether two JSON answers are the same up to 1e-9 relative in their numbers (numbers
    in text too: money is a JSON string)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(agree(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(agree(x, y) for x, y in zip(a, b, strict=True))
    try:
        x, y = float(a), float(b)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return a == b
    return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9)


def get(conn: http.client.HTTPConnection, path: str, token: str) -> tuple[int, bytes]:
    conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
    response = conn.getresponse()
    return response.status, response.read()


def load(
    server: Server, token: str, routes: tuple[str, ...], clients: int, requests: int, cap: float
) -> Level:
    """``clients`` threads, each sending ``requests`` overview requests in turn."""
    level = Level(clients)
    lock = threading.Lock()
    deadline = time.monotonic() + cap
    go = threading.Barrier(clients)

    def client(index: int) -> None:
        conn = server.connect()
        go.wait()
        for i in range(requests):
            if time.monotonic() > deadline:
                level.capped = True
                break
            path = routes[(index + i) % len(routes)]
            start = time.perf_counter()
            status, body = get(conn, path, token)
            elapsed = time.perf_counter() - start
            with lock:
                level.latencies.append(elapsed)
                level.routes.append(path)
                if status != 200:
                    level.errors.append(f"{path}: {status} {body[:200]!r}")
        conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return level


def answers(server: Server, token: str, routes: tuple[str, ...]) -> dict[str, bytes]:
    """One pass over the routes (a warm-up): every answer, which must be a 200; prints the
    time of each (one request alone)."""
    conn = server.connect()
    out: dict[str, bytes] = {}
    for path in routes:
        start = time.perf_counter()
        status, body = get(conn, path, token)
        print(f"    alone: {path:34s} {1000 * (time.perf_counter() - start):9.1f} ms", flush=True)
        if status != 200:
            raise SystemExit(f"{path}: HTTP {status}: {body[:300]!r}")
        out[path] = body
    conn.close()
    return out


def run_variant(
    ledger: Path,
    token: str,
    routes: tuple[str, ...],
    levels: list[int],
    requests: int,
    cap: float,
) -> tuple[dict[str, bytes], list[Level]]:
    print(f"  serving {ledger.name}", flush=True)
    server = Server(ledger)
    try:
        server.wait(token)
        bodies = answers(server, token, routes)
        measured = [load(server, token, routes, n, requests, cap) for n in levels]
    finally:
        server.stop()
    return bodies, measured


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[200_000, 10_000_000])
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 8])
    parser.add_argument("--requests", type=int, default=24, help="per client and level")
    parser.add_argument("--cap", type=float, default=120.0, help="seconds per level, at most")
    parser.add_argument(
        "--routes",
        choices=["overview", "rollup"],
        default="overview",
        help="every overview route, or only those the rollup serves (costs and movers)",
    )
    parser.add_argument(
        "--work", type=Path, default=Path(tempfile.gettempdir()) / "infracast-bench-serve"
    )
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    routes = OVERVIEW if args.routes == "overview" else ROLLUP_ROUTES
    print(
        f"duckdb {duckdb.__version__}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs; {len(routes)} routes, {args.requests} requests "
        f"per client and level (cap {args.cap:.0f} s)"
    )
    for rows in args.rows:
        ledger = build(args.work, rows)
        token = token_for(ledger)
        baseline = without_rollup(ledger)
        level_args = (routes, args.clients, args.requests, args.cap)
        base_bodies, base = run_variant(baseline, token, *level_args)
        bodies, ours = run_variant(ledger, token, *level_args)
        close = [p for p in routes if bodies[p] != base_bodies[p]]
        differ = [p for p in close if not agree(json.loads(bodies[p]), json.loads(base_bodies[p]))]
        print(f"\n{rows:,} FOCUS rows ({ledger}); answers with and without the rollup: "
              f"{len(routes) - len(close)} identical, {len(close) - len(differ)} equal to 1e-9 "
              f"relative (float sums in another order: {', '.join(close) or 'none'}), "
              f"{len(differ)} different{': ' + ', '.join(differ) if differ else ''}")  # fmt: skip
        for b, o in zip(base, ours, strict=True):
            for level in (b, o):
                for e in level.errors[:3]:
                    print(f"  error at {level.clients} clients: {e}")
            verdict = "met" if o.quantile(0.99) < TARGET_P99_S else "NOT met"
            for path in routes:
                print(
                    f"    {o.clients} client(s) {path:34s} p99 rollup "
                    f"{1000 * o.quantile(0.99, path):8.1f} ms, charges only "
                    f"{1000 * b.quantile(0.99, path):8.1f} ms"
                )
            print(
                f"  {o.clients} client(s): rollup p50 {1000 * o.quantile(0.5):7.1f} ms  "
                f"p99 {1000 * o.quantile(0.99):7.1f} ms | charges only p50 "
                f"{1000 * b.quantile(0.5):7.1f} ms  p99 {1000 * b.quantile(0.99):7.1f} ms | "
                f"p99 ratio {b.quantile(0.99) / o.quantile(0.99):5.1f}x  "
                f"[{len(o.latencies)}/{len(b.latencies)} requests"
                f"{', capped' if o.capped or b.capped else ''}; mean "
                f"{1000 * statistics.fmean(o.latencies):.0f}/"
                f"{1000 * statistics.fmean(b.latencies):.0f} ms] "
                f"target p99 < {1000 * TARGET_P99_S:.0f} ms: {verdict}"
            )
        baseline.unlink(missing_ok=True)
        Path(str(baseline) + ".wal").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
