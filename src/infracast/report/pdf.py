"""A report's HTML printed to PDF by headless Chromium, run as a subprocess.

No Python dependency: the browser is found on ``PATH`` (``chromium``,
``chromium-browser``, ``google-chrome``) or named by ``INFRACAST_CHROMIUM``. Plotly
draws the charts when the page loads; ``--virtual-time-budget`` gives it the time to
do so before the page is printed, so the PDF holds the charts as drawn.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from infracast.report.exceptions import BrowserError

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
ENV_VAR = "INFRACAST_CHROMIUM"
TIMEOUT_SECONDS = 120
_INSTALL = f"Install it (apt-get install chromium) or set {ENV_VAR} to the browser's path."


def find_browser() -> str:
    """The path of headless Chromium: ``INFRACAST_CHROMIUM`` if set, else the first of
    :data:`BROWSERS` on ``PATH``; a :class:`BrowserError` saying how to get one."""
    named = os.environ.get(ENV_VAR)
    if named:
        found = shutil.which(named)
        if found is None:
            raise BrowserError(
                f"{ENV_VAR} names {named!r}, which is not an executable browser.",
                hint=f"Point {ENV_VAR} at Chromium's executable (e.g. /usr/bin/chromium), "
                "or unset it to search PATH.",
            )
        return found
    for name in BROWSERS:
        found = shutil.which(name)
        if found is not None:
            return found
    raise BrowserError(
        "cannot print the PDF: no Chromium browser found "
        f"(looked for {', '.join(BROWSERS)} on PATH).",
        hint=_INSTALL,
    )


def chromium_command(browser: str, html_path: Path, pdf_path: Path) -> list[str]:
    """The command line that prints ``html_path`` to ``pdf_path``."""
    return [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--no-pdf-header-footer",
        "--virtual-time-budget=15000",
        f"--print-to-pdf={pdf_path}",
        html_path.resolve().as_uri(),
    ]


def html_to_pdf(html_path: str | Path, pdf_path: str | Path) -> Path:
    """Print the HTML file ``html_path`` to ``pdf_path`` (A4, as its print CSS says) with
    headless Chromium; return the PDF's path."""
    source, target = Path(html_path), Path(pdf_path).resolve()
    browser = find_browser()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    try:
        ran = subprocess.run(
            chromium_command(browser, source, target),
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise BrowserError(
            f"{browser} did not print {source} within {TIMEOUT_SECONDS} s.",
            hint="Open the HTML report in a browser and print it to PDF by hand.",
        ) from None
    except OSError as exc:
        raise BrowserError(f"cannot run {browser}: {exc.strerror}.", hint=_INSTALL) from None
    if ran.returncode != 0 or not target.is_file() or target.stat().st_size == 0:
        detail = (ran.stderr or ran.stdout).strip().splitlines()[-1:] or ["no output"]
        raise BrowserError(
            f"{browser} could not print {source} to PDF (exit {ran.returncode}: {detail[0]}).",
            hint="Run it by hand to see why: "
            + " ".join(chromium_command(browser, source, target)),
        )
    return target
