"""The report package's errors: a message that says what was wrong and a hint."""

from __future__ import annotations

from infracast.errors import InfracastError


class ReportError(InfracastError, ValueError):
    """A report cannot be made as asked: a malformed month, a month or team without charges."""


class BrowserError(ReportError):
    """The PDF cannot be printed: no headless Chromium found, or it failed."""

    http_status = 500
