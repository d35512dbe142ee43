"""Reports: self-contained HTML (print-ready) pages with charts."""

from infracast.report.summary import write_summary

__all__ = ["write_summary"]
