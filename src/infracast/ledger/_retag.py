"""Re-deriving team, project and cost category after the settings changed.

Ingest derives ``x_team`` and ``x_project`` from the tag keys the settings name
(``team_tags``, ``project_tags``) and ``x_cost_category`` from the category
rules (``category_rules``), once, when the file is taken in; re-ingesting the
same file is a no-op. :func:`retag` derives them again from what the ledger
stored (``Tags``, the custom columns kept in ``x_custom_columns``, the FOCUS
columns the rules read) and the *current* settings, with the same expression
builders ingest uses (:func:`owner_and_category_sql`), in one transaction.

Which rows:

- FOCUS charges (``x_source = 'focus'``): team, project and cost category.
- Asset charges (``'asset'``): team and project, the asset's own ``team`` /
  ``project`` (from the ``assets`` table) first, else its tags, as asset
  ingest does; their category (compute, energy) is fixed by what they are.
- Manual entries (``'manual'``) are left as they are: their category is
  written in the entry, and an explicit team cannot be told apart from one
  taken from tags once stored. Ingest the manual file again to re-derive them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from infracast.ledger import rollup
from infracast.ledger.connection import Ledger
from infracast.ledger.enrich import owner_and_category_sql, tag_lookup_sql
from infracast.settings import Settings

# column → the dimension name analytics and the report use for it
COLUMNS = {"x_team": "team", "x_project": "project", "x_cost_category": "cost_category"}


@dataclass
class Move:
    """Rows whose value of one column changes from ``before`` to ``after``."""

    column: str
    before: str | None
    after: str | None
    rows: int


@dataclass
class ValueCount:
    """Rows holding ``value`` in one column, before and after the re-derivation."""

    column: str
    value: str | None
    before: int
    after: int


@dataclass
class RetagResult:
    """What :func:`retag` changed (or, with ``dry_run``, would change)."""

    dry_run: bool
    rows_examined: int
    rows_changed: int
    changed: dict[str, int]  # dimension → rows whose value changes
    moves: list[Move] = field(default_factory=list)
    counts: list[ValueCount] = field(default_factory=list)  # values whose row count changes
    rows_kept: dict[str, int] = field(default_factory=dict)  # x_source → rows not re-derived
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The JSON object ``infracast ledger retag --format json`` prints."""
        return {
            "dry_run": self.dry_run,
            "rows_examined": self.rows_examined,
            "rows_changed": self.rows_changed,
            "changed": self.changed,
            "moves": [m.__dict__ for m in self.moves],
            "counts": [c.__dict__ for c in self.counts],
            "rows_kept": self.rows_kept,
            "notes": self.notes,
        }


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _pointer(key: str) -> str:
    """A JSON Pointer (RFC 6901) to the top-level ``key``, as a SQL literal."""
    return _lit("/" + key.replace("~", "~0").replace("/", "~1"))


def _custom_columns(ledger: Ledger, settings: Settings) -> dict[str, str]:
    """Lower-cased custom column name → SQL reading it from ``x_custom_columns``, for the
    names the tag lookup tries (the tag key and ``x_`` + key, as ingest does)."""
    wanted = {
        name
        for key in (*settings.team_tags, *settings.project_tags)
        for name in (key.lower(), f"x_{key.lower()}")
    }
    stored = ledger.con.execute(
        "SELECT DISTINCT unnest(json_keys(x_custom_columns)) FROM charges "
        "WHERE x_source = 'focus' AND x_custom_columns IS NOT NULL"
    ).fetchall()
    spellings: dict[str, list[str]] = {}
    for (key,) in sorted(stored):
        name = str(key).strip().lower()
        if name in wanted:
            spellings.setdefault(name, []).append(str(key))
    # A file has one spelling of a column; files with different spellings ("Team",
    # "team") are told apart by which key their rows hold.
    return {
        name: "coalesce(" + ", ".join(f"x_custom_columns->>{_pointer(k)}" for k in keys) + ")"
        for name, keys in spellings.items()
    }


def _derived(ledger: Ledger, settings: Settings) -> dict[str, dict[str, str]]:
    """x_source → column → SQL of its re-derived value, over ``charges AS c``."""
    focus = owner_and_category_sql(
        settings,
        tags='"Tags"',
        custom=_custom_columns(ledger, settings),
        charge_category='"ChargeCategory"',
        service_category='"ServiceCategory"',
        service_name='"ServiceName"',
        sku_columns=['"SkuId"', '"SkuMeter"', '"ChargeDescription"'],
    )

    # Asset ingest: the asset's own team/project when given, else its tags (owner_and_tags).
    def explicit_or_tags(field: str, keys: Sequence[str]) -> str:
        own = f"(SELECT max(a.{field}) FROM assets a WHERE a.asset_id = c.x_source_key)"
        lookup = tag_lookup_sql('"Tags"', keys, {})
        return f"CASE WHEN coalesce({own}, '') <> '' THEN {own} ELSE {lookup} END"

    asset = {
        "x_team": explicit_or_tags("team", settings.team_tags),
        "x_project": explicit_or_tags("project", settings.project_tags),
        "x_cost_category": "c.x_cost_category",
    }
    return {"focus": focus, "asset": asset}


def retag(
    ledger: Ledger, *, settings: Settings | None = None, dry_run: bool = False
) -> RetagResult:
    """Re-derive ``x_team``, ``x_project`` and ``x_cost_category`` of stored charges from
    their tags and ``settings`` (default: the settings the ledger was opened with).

    In one transaction; with ``dry_run`` nothing is written and the result says what
    would change. Running it twice with the same settings changes nothing the second time.
    """
    settings = settings or ledger.settings
    with ledger.transaction() as con:
        derived = _derived(ledger, settings)
        selects = []
        for source, exprs in derived.items():
            new = ", ".join(f"{exprs[c]} AS new_{c}" for c in COLUMNS)
            selects.append(
                f"SELECT {', '.join(f'c.{c} AS old_{c}' for c in COLUMNS)}, {new} "
                f"FROM charges AS c WHERE c.x_source = {_lit(source)}"
            )
        groups = con.execute(
            "SELECT *, count(*) FROM (" + " UNION ALL ".join(selects) + ") GROUP BY ALL"
        ).fetchall()
        kept = dict(
            (str(s), int(n))
            for s, n in con.execute(
                "SELECT x_source, count(*) FROM charges "
                f"WHERE x_source NOT IN ({', '.join(map(_lit, derived))}) GROUP BY 1 ORDER BY 1"
            ).fetchall()
        )
        result = _summarize(groups, dry_run=dry_run, kept=kept)
        if result.rows_changed and not dry_run:
            for source, exprs in derived.items():
                sets = ", ".join(f"{c} = {exprs[c]}" for c in COLUMNS)
                differs = " OR ".join(f"c.{c} IS DISTINCT FROM {exprs[c]}" for c in COLUMNS)
                con.execute(
                    f"UPDATE charges AS c SET {sets} "
                    f"WHERE c.x_source = {_lit(source)} AND ({differs})"
                )
            rollup.refresh(con)  # any charge may have moved: sum the rollup again
    return result


def _summarize(
    groups: list[tuple[Any, ...]], *, dry_run: bool, kept: dict[str, int]
) -> RetagResult:
    """The result from (old…, new…, rows) groups."""
    n = len(COLUMNS)
    moves: Counter[tuple[str, str | None, str | None]] = Counter()
    before: Counter[tuple[str, str | None]] = Counter()
    after: Counter[tuple[str, str | None]] = Counter()
    examined = changed_rows = 0
    for row in groups:
        old, new, rows = row[:n], row[n : 2 * n], int(row[2 * n])
        examined += rows
        changed_rows += rows if old != new else 0
        for dim, was, now in zip(COLUMNS.values(), old, new, strict=True):
            before[(dim, was)] += rows
            after[(dim, now)] += rows
            if was != now:
                moves[(dim, was, now)] += rows
    dims = list(COLUMNS.values())

    def order(key: tuple[Any, ...]) -> tuple[Any, ...]:
        return (dims.index(key[0]), *((0, "") if v is None else (1, v) for v in key[1:]))

    counts = [
        ValueCount(dim, value, before[(dim, value)], after[(dim, value)])
        for dim, value in sorted(set(before) | set(after), key=order)
        if before[(dim, value)] != after[(dim, value)]
    ]
    notes = []
    if kept.get("manual"):
        notes.append(
            f"{kept['manual']} manual-entry charge(s) kept as they are: their team and project "
            "come from the entry; ingest the manual file again to re-derive them."
        )
    return RetagResult(
        dry_run=dry_run,
        rows_examined=examined,
        rows_changed=changed_rows,
        changed={dim: sum(r for (d, _, _), r in moves.items() if d == dim) for dim in dims},
        moves=[
            Move(d, b, a, r) for (d, b, a), r in sorted(moves.items(), key=lambda m: order(m[0]))
        ],
        counts=counts,
        rows_kept=kept,
        notes=notes,
    )
