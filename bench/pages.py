"""Benchmark: how long the dashboard's Overview takes until every chart is drawn.

For each ledger (the default demo, and the demo at 10,000,000 FOCUS rows), ``infracast
serve`` runs on a free loopback port, a user signs in from headless chromium (Debian's,
driven by Playwright), and the Overview is loaded ``--loads`` times in the same browser
tab: the time from navigation until ``app.js`` marks every chart drawn
(``body[data-charts-rendered]``). The first load is cold (Plotly.js downloaded, the
forecast fitted and stored, budget forecasts fitted); the rest are warm (Plotly.js from the
browser's cache, forecasts reused). Targets: under 1 s on the default demo and under 2 s
at 10M rows, warm p95.

Baseline, measured in the same run: the page's HTML alone (the server's work: every
library call of the Overview, rendering the template), fetched with the session cookie
and no browser, as many times. The ratio says what the browser adds (Plotly.js parsed,
charts drawn) on top of the server.

    python -m bench.pages                         # the default demo and 10M rows
    python -m bench.pages --rows 200000 --loads 5
    python -m bench.pages --work /tmp/bench-serve # where ledgers are (shared with bench.serve)
"""

from __future__ import annotations

import argparse
import http.client
import inspect
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.serve import Server, build, token_for
from infracast.demo.run import run_demo

FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run"]  # fmt: skip
PASSWORD = "bench-pages-password"
USER = """
import sys
from infracast.control.users import add_user, list_users
from infracast.ledger.connection import Ledger
with Ledger.open(sys.argv[1]) as ledger:
    if "bench-pages" not in {u.name for u in list_users(ledger)}:
        add_user(ledger, "bench-pages", role="viewer", password=sys.argv[2])
"""
DEFAULT_ROWS = int(inspect.signature(run_demo).parameters["rows"].default)  # make demo's size


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def html_times(port: int, cookie: str, loads: int) -> list[float]:
    """The Overview's HTML alone, ``loads`` times (the server's part)."""
    times = []
    for _ in range(loads):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        start = time.perf_counter()
        conn.request("GET", "/", headers={"Cookie": cookie})
        response = conn.getresponse()
        response.read()
        times.append(time.perf_counter() - start)
        if response.status != 200:
            raise SystemExit(f"GET / answered {response.status}")
        conn.close()
    return times


def browser_times(port: int, loads: int) -> tuple[list[float], str]:
    """Sign in, then load the Overview ``loads`` times until its charts are drawn."""
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("no chromium: apt-get install chromium")
    url = f"http://127.0.0.1:{port}"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=FLAGS)
        page = browser.new_page(viewport={"width": 1360, "height": 900})
        page.goto(f"{url}/login")
        page.fill("input[name=name]", "bench-pages")
        page.fill("input[name=password]", PASSWORD)
        start = time.perf_counter()
        page.click("button[type=submit]")  # signs in and lands on the Overview: cold
        page.wait_for_selector("body[data-charts-rendered=true]", timeout=600_000)
        times = [time.perf_counter() - start]
        for _ in range(loads - 1):
            start = time.perf_counter()
            page.goto(f"{url}/")
            page.wait_for_selector("body[data-charts-rendered=true]", timeout=600_000)
            times.append(time.perf_counter() - start)
        charts = page.locator(".chart[data-rendered=true]").count()
        cookie = next(c for c in page.context.cookies() if c["name"] == "infracast_session")
        browser.close()
    return times, f"infracast_session={cookie['value']}; ({charts} charts)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[DEFAULT_ROWS, 10_000_000])
    parser.add_argument("--loads", type=int, default=10, help="page loads per ledger")
    parser.add_argument(
        "--work", type=Path, default=Path(tempfile.gettempdir()) / "infracast-bench-serve"
    )
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    for rows in args.rows:
        ledger = build(args.work, rows)
        subprocess.run([sys.executable, "-c", USER, str(ledger), PASSWORD], check=True)
        token = token_for(ledger)
        server = Server(ledger)
        try:
            server.wait(token)
            shown, info = browser_times(server.port, args.loads)
            cookie, charts = info.split("; ")
            html = html_times(server.port, cookie, args.loads)
        finally:
            server.stop()
        warm = shown[1:] or shown
        print(f"\n{rows:,} FOCUS rows ({ledger}), {charts.strip('()')}, {args.loads} loads")
        p50, p95 = statistics.median(warm), quantile(warm, 0.95)
        print(f"  browser, charts drawn: cold {1000 * shown[0]:8.1f} ms | warm p50 "
              f"{1000 * p50:7.1f} ms  p95 {1000 * p95:7.1f} ms")  # fmt: skip
        print(f"  HTML alone (baseline): p50 {1000 * statistics.median(html):7.1f} ms  p95 "
              f"{1000 * quantile(html, 0.95):7.1f} ms | browser / HTML at p50: "
              f"{statistics.median(warm) / statistics.median(html):4.1f}x")  # fmt: skip
        target = 1.0 if rows <= DEFAULT_ROWS else 2.0
        verdict = "met" if quantile(warm, 0.95) < target else "NOT met"
        print(f"  target warm p95 < {target:.0f} s: {verdict}")
        if not re.fullmatch(r"\d+ charts", charts.strip("()")):
            raise SystemExit(f"unexpected chart count: {charts}")


if __name__ == "__main__":
    main()
