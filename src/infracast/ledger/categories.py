"""Cost categories: which ``x_cost_category`` a cloud charge belongs to.

Rules come from ``data/cost_categories.csv`` (documented in
``docs/cost-categories.md``); a user's rules file (the ``category_rules``
setting, YAML or CSV with the same columns) is tried first. The first rule
whose every non-empty condition matches wins; a charge no rule matches is
``other``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from infracast.errors import ConfigError, did_you_mean
from infracast.specfiles import read_csv_rows, read_yaml
from infracast.vocabulary.cost_categories import COST_CATEGORIES

_FIELDS = ("charge_category", "service_category", "service_name", "sku", "cost_category")


@dataclass(frozen=True)
class CategoryRule:
    """One rule: conditions (empty = any) and the category it assigns.

    ``charge_category`` and ``service_category`` match exactly (any case);
    ``service_name`` and ``sku`` are SQL ILIKE patterns (``%`` = anything);
    ``sku`` is matched against SkuId, SkuMeter and ChargeDescription.
    """

    cost_category: str
    charge_category: str = ""
    service_category: str = ""
    service_name: str = ""
    sku: str = ""
    source: str = "default"


def _rule(row: dict[str, object], where: str) -> CategoryRule:
    unknown = set(row) - {*_FIELDS, "priority", "note"}
    if unknown:
        raise ConfigError(
            f"{where}: unknown field(s) {', '.join(sorted(unknown))}.",
            hint=f"A category rule has the fields {', '.join(_FIELDS)} (and optional note).",
        )
    category = str(row.get("cost_category") or "").strip().lower()
    if category not in COST_CATEGORIES:
        raise ConfigError(
            f"{where}: cost_category {category!r} is not one of {', '.join(COST_CATEGORIES)}."
            + did_you_mean(category, COST_CATEGORIES),
            hint="Use one of the listed categories.",
        )
    return CategoryRule(
        cost_category=category,
        **{f: str(row.get(f) or "").strip() for f in _FIELDS if f != "cost_category"},
        source=where,
    )


def default_rules() -> list[CategoryRule]:
    """The shipped rules, in priority order."""
    text = resources.files("infracast.data").joinpath("cost_categories.csv").read_text("utf-8")
    rows = sorted(csv.DictReader(text.splitlines()), key=lambda r: int(r["priority"]))
    return [_rule(dict(r), f"cost_categories.csv rule {r['priority']}") for r in rows]


def load_rules(path: Path | None) -> list[CategoryRule]:
    """The user's rules (if any) followed by the defaults."""
    if path is None:
        return default_rules()
    if not path.is_file():
        raise ConfigError(
            f"the category rules file {path} does not exist.",
            hint="Fix the category_rules setting (INFRACAST_CATEGORY_RULES or infracast.toml).",
        )
    rows: list[dict[str, object]]
    what = "the category rules file (category_rules setting)"
    if path.suffix.lower() in (".yaml", ".yml"):
        data = read_yaml(path, what=what, expect="any", error=ConfigError) or {}
        rows = data.get("rules", data) if isinstance(data, dict) else data
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise ConfigError(
                f"{path}: expected a list of rules (or a mapping with a 'rules' list).",
                hint="See docs/cost-categories.md for the format.",
                file=path,
            )
    else:
        rows = [dict(r) for _, r in read_csv_rows(path, what=what, error=ConfigError)[1]]
    user = [_rule(r, f"{path} rule {i}") for i, r in enumerate(rows, start=1)]
    return user + default_rules()


def _esc(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def category_sql(
    rules: list[CategoryRule],
    *,
    charge_category: str,
    service_category: str,
    service_name: str,
    sku_columns: list[str],
) -> str:
    """A CASE expression assigning the category, given the column expressions.

    Each column is matched on its own (no concatenation), so DuckDB can evaluate
    the patterns once per distinct value of a dictionary-encoded column.
    """
    whens = []
    for rule in rules:
        conds = []
        if rule.charge_category:
            conds.append(f"lower({charge_category}) = {_esc(rule.charge_category.lower())}")
        if rule.service_category:
            conds.append(f"lower({service_category}) = {_esc(rule.service_category.lower())}")
        if rule.service_name:
            conds.append(f"{service_name} ILIKE {_esc(rule.service_name)}")
        if rule.sku:
            any_sku = " OR ".join(f"{c} ILIKE {_esc(rule.sku)}" for c in sku_columns)
            conds.append(f"({any_sku})")
        cond = " AND ".join(conds) if conds else "true"
        whens.append(f"WHEN {cond} THEN {_esc(rule.cost_category)}")
    return "CASE " + " ".join(whens) + " ELSE 'other' END"
