"""Reading the package's data tables (``src/infracast/data/*.csv``, sources in its README)."""

from __future__ import annotations

import csv
from importlib import resources


def data_rows(name: str) -> list[dict[str, str]]:
    """The rows of the package data file ``name`` as dicts (header row as keys)."""
    text = resources.files("infracast.data").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))
