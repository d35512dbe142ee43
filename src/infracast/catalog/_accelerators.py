"""Accelerator specs: the package's ``data/accelerators.csv``, read once, looked up by name.

Names resolve case-insensitively, with spaces and underscores read as hyphens,
and through each row's ``aliases`` (``H100`` is the H100-SXM, ``v5e`` the
TPU-v5e). An unknown name raises an :class:`UnknownAcceleratorError` (a
CatalogError and a NotFoundError) naming the closest catalog names and the
command that lists them all. :func:`gpus` is ``infracast catalog gpus``.
"""

from __future__ import annotations

import csv
import difflib
import fnmatch
from functools import cache
from importlib import resources

from infracast.catalog.exceptions import UnknownAcceleratorError
from infracast.catalog.models import PRECISIONS, Accelerator
from infracast.errors import CatalogError

COLUMNS: tuple[str, ...] = (
    "name",
    "vendor",
    "family",
    "memory_gib",
    "memory_bandwidth_gbs",
    "tdp_w",
    "interconnect_gbs",
    *(p for p in PRECISIONS),
    "aliases",
    "source",
    "notes",
)
LIST_COMMAND = "infracast catalog gpus"
# The file ships with infracast: a problem in it comes from an edit of the file (or a broken
# install), never from the user's input.
PACKAGED_HINT = (
    "If you edited src/infracast/data/accelerators.csv, fix that row (docs/catalog.md "
    "lists the columns and units); otherwise reinstall infracast."
)


def name_key(name: str) -> str:
    """The form names are compared in: lower case, spaces and underscores as hyphens."""
    return "-".join(name.strip().lower().replace("_", " ").split())


@cache
def accelerators() -> dict[str, Accelerator]:
    """Every accelerator in the catalog, by catalog name (read once, then cached)."""
    text = resources.files("infracast.data").joinpath("accelerators.csv").read_text("utf-8")
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise CatalogError(
            f"data/accelerators.csv lacks the columns {', '.join(missing)}.", hint=PACKAGED_HINT
        )
    out: dict[str, Accelerator] = {}
    for line, row in enumerate(reader, start=2):
        acc = _accelerator(row, line)
        out[acc.name] = acc
    return out


def _number(row: dict[str, str], column: str, line: int) -> float | None:
    text = (row.get(column) or "").strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise CatalogError(
            f'data/accelerators.csv line {line}: {column} "{text}" is not a number.',
            hint=PACKAGED_HINT,
            row=line,
        ) from None


def _accelerator(row: dict[str, str], line: int) -> Accelerator:
    memory = _number(row, "memory_gib", line)
    bandwidth = _number(row, "memory_bandwidth_gbs", line)
    if memory is None or bandwidth is None:
        raise CatalogError(
            f"data/accelerators.csv line {line}: {row['name']} needs memory_gib and "
            "memory_bandwidth_gbs.",
            hint=PACKAGED_HINT,
            row=line,
        )
    peaks = {p: v for p in PRECISIONS if (v := _number(row, p, line)) is not None}
    return Accelerator(
        name=row["name"].strip(),
        vendor=row["vendor"].strip(),
        family=row["family"].strip(),
        memory_gib=memory,
        memory_bandwidth_gbs=bandwidth,
        tdp_w=_number(row, "tdp_w", line),
        peak_tflops=peaks,
        source=row["source"].strip(),
        interconnect_gbs=_number(row, "interconnect_gbs", line),
        aliases=tuple(row["aliases"].split()),
    )


@cache
def _index() -> dict[str, str]:
    """Name key -> catalog name, for names and aliases alike."""
    index: dict[str, str] = {}
    for acc in accelerators().values():
        for spelling in (acc.name, *acc.aliases):
            key = name_key(spelling)
            if key in index and index[key] != acc.name:
                raise CatalogError(
                    f'data/accelerators.csv: "{spelling}" names both {index[key]} and {acc.name}.',
                    hint=PACKAGED_HINT,
                )
            index[key] = acc.name
    return index


def find_accelerator(name: str) -> Accelerator | None:
    """The accelerator ``name`` (catalog name or alias, any case), or None if unknown."""
    catalog_name = _index().get(name_key(name))
    return accelerators()[catalog_name] if catalog_name else None


def accelerator(name: str) -> Accelerator:
    """The accelerator ``name`` (catalog name or alias, any case); an
    :class:`UnknownAcceleratorError` if unknown."""
    found = find_accelerator(name)
    if found is not None:
        return found
    raise UnknownAcceleratorError(
        f'unknown accelerator "{name}".{_suggest(name)}',
        hint=f"List the catalog's accelerators and their aliases with `{LIST_COMMAND}`.",
        field="accelerator",
    )


def gpus(vendor: str | None = None, name: str | None = None) -> list[Accelerator]:
    """The catalog's accelerators in file order (``infracast catalog gpus``).

    ``vendor`` keeps one vendor's (any case); ``name`` keeps those whose name or an
    alias contains the text (any case), or matches it as a glob (``H1*``).
    """
    found = list(accelerators().values())
    if vendor:
        found = [a for a in found if a.vendor.lower() == vendor.strip().lower()]
    if name:
        found = [a for a in found if _matches(a, name)]
    return found


def _matches(acc: Accelerator, pattern: str) -> bool:
    names = [acc.name, *acc.aliases]
    if any(ch in pattern for ch in "*?["):
        return any(fnmatch.fnmatch(n.lower(), pattern.lower()) for n in names)
    return any(pattern.lower() in n.lower() for n in names)


def _suggest(name: str) -> str:
    """' Did you mean "A" or "B"?' over catalog names and aliases, or an empty string."""
    index = _index()
    keys = difflib.get_close_matches(name_key(name), list(index), n=6, cutoff=0.5)
    names = list(dict.fromkeys(index[k] for k in keys))[:3]
    if not names:
        return ""
    quoted = [f'"{n}"' for n in names]
    return f" Did you mean {' or '.join(quoted)}?"
