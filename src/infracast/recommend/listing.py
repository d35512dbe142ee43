"""``recommend()``: run the rules over the ledger, keep what they found, list it ranked.

Each run asks every rule (idle and rightsizing of GPUs, unused commitments, storage
tiers) for its findings, scales each kind's savings by how well the earlier accepted
recommendations of that kind delivered (:func:`infracast.recommend.realized.track_record`),
stores them (a finding keeps its id, and so its status, from one run to the next) and
lists them, highest expected monthly savings first. Listed by default: what this run
found that is open or accepted, and every accepted recommendation still being measured.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from infracast.errors import did_you_mean
from infracast.ledger.stores import recommendations as store
from infracast.recommend.exceptions import RecommendError
from infracast.recommend.realized import measure, track_record
from infracast.recommend.record import KINDS, STATUSES, Recommendation, money, ranked

if TYPE_CHECKING:
    from infracast.ledger.connection import Ledger

Rule = Callable[["Ledger"], "list[Recommendation] | tuple[list[Recommendation], list[str]]"]
"""A rule returns its findings, or its findings and notes (what it could not price or read)."""
SHOWN: dict[str, tuple[str, ...]] = {
    "active": ("open", "accepted"),
    "all": STATUSES,
    **{s: (s,) for s in STATUSES},
}


def default_rules() -> list[Rule]:
    """The rules a run asks: one rule over the company's GPUs, commitments and storage."""
    return [company_rules]


def company_rules(ledger: Ledger) -> tuple[list[Recommendation], list[str]]:
    """Every rule in turn, with the thresholds and windows of the ledger's settings. The
    commitment rule leaves out the GPUs the idle rule stops, so
    their usage is not also offered as what would fill an unused commitment (the same
    money counted twice)."""
    from infracast.optimize.rightsizing import RightsizingSettings
    from infracast.recommend.commitments import commitment_recommendations
    from infracast.recommend.gpu import gpu_recommendations
    from infracast.recommend.storage import storage_review

    cfg = ledger.settings  # the thresholds and windows (infracast.toml, INFRACAST_*)
    gpu_cfg = RightsizingSettings(idle_threshold=cfg.idle_threshold, sustained_days=cfg.idle_days,
                                  window_days=cfg.usage_window_days)  # fmt: skip
    gpus = gpu_recommendations(ledger, settings=gpu_cfg)
    stopped = [r for rec in gpus if rec.kind == "idle_gpu" for r in rec.resource_ids]
    storage, notes = storage_review(ledger, horizon_months=cfg.storage_horizon_months)
    commitments = commitment_recommendations(
        ledger, threshold=cfg.commitment_threshold, exclude_resources=stopped
    )
    return [*gpus, *commitments, *storage], notes


def recommend(
    ledger: Ledger,
    *,
    kind: str | None = None,
    team: str | None = None,
    min_savings: Decimal | float | None = None,
    status: str = "active",
    refresh: bool = True,
    rules: Sequence[Rule] | None = None,
    notes: list[str] | None = None,
) -> list[Recommendation]:
    """The recommendations, ranked (the module docstring). ``kind``, ``team``: keep those;
    ``min_savings``: keep those saving at least this much a month; ``status``: ``active``
    (open and accepted), ``all`` or one status; ``refresh=False`` lists what is stored
    without running the rules; ``notes``: a list the rules' notes are appended to (what
    they could not price or read, so nothing is left out unsaid)."""
    _check(kind, status, min_savings)
    fresh: set[str] | None = None
    if refresh:
        fresh = _run(ledger, default_rules() if rules is None else rules, notes)
    out = []
    for row in store.select(ledger.con):
        tracked = row["status"] in ("accepted", "done")
        if fresh is not None and row["id"] not in fresh and not tracked:
            continue  # no longer found: the change was made some other way, or data moved
        rec = from_row(row)
        if rec.status not in SHOWN[status] or (kind and rec.kind != kind):
            continue
        if team and rec.team != team:
            continue
        if min_savings is not None and rec.expected_monthly_savings < Decimal(str(min_savings)):
            continue
        out.append(rec)
    return ranked(out)


def _run(ledger: Ledger, rules: Sequence[Rule], notes: list[str] | None) -> set[str]:
    """Run the rules, weigh by track record, store; the ids found."""
    found: dict[str, Recommendation] = {}
    for rule in rules:
        result = rule(ledger)
        recs, said = result if isinstance(result, tuple) else (result, [])
        if notes is not None:
            notes.extend(said)
        for rec in recs:
            if (
                rec.id not in found
                or rec.expected_monthly_savings > found[rec.id].expected_monthly_savings
            ):
                found[rec.id] = rec
    tracked = [
        measure(ledger, row)
        for row in store.select(ledger.con)
        if row["status"] in ("accepted", "done") and row["effective_from"] is not None
    ]
    record = track_record(tracked)
    weighted = [weigh(rec, record.get(rec.kind)) for rec in found.values()]
    with ledger.transaction() as con:
        store.upsert(con, [to_row(rec) for rec in weighted], datetime.now(UTC).replace(tzinfo=None))
    return set(found)


def weigh(rec: Recommendation, record: dict[str, Any] | None) -> Recommendation:
    """``rec`` with its savings scaled by its kind's track record (unchanged without one)."""
    if not record:
        return rec
    w = Decimal(str(record["weight"]))
    evidence = {
        **rec.evidence,
        "track_record": {
            "accepted_measured": record["measured"],
            "expected_monthly_savings": money(record["expected"]),
            "realized_monthly_savings": money(record["realized"]),
            "weight": record["weight"],
            "unweighted_expected_monthly_savings": money(rec.expected_monthly_savings),
        },
    }
    return replace(
        rec,
        expected_monthly_savings=rec.expected_monthly_savings * w,
        savings_low=rec.savings_low * w,
        savings_high=rec.savings_high * w,
        evidence=evidence,
    )


def to_row(rec: Recommendation) -> dict[str, Any]:
    """The stored columns ``id`` .. ``reproduce`` of a finding (its attributes of the same
    names)."""
    return {column: getattr(rec, column) for column in store.FOUND}


def from_row(row: dict[str, Any]) -> Recommendation:
    """A stored row as a :class:`Recommendation` (with ``effective_from`` once accepted)."""
    extra = {}
    if row["effective_from"] is not None:
        extra["effective_from"] = row["effective_from"].isoformat()
    return Recommendation(
        kind=row["kind"],
        scope=row["scope"],
        resource_ids=tuple(row["resource_ids"]),
        title=row["title"],
        baseline_monthly_cost=Decimal(row["baseline_monthly_cost"]),
        expected_monthly_savings=Decimal(row["expected_monthly_savings"]),
        savings_low=Decimal(row["savings_low"]),
        savings_high=Decimal(row["savings_high"]),
        currency=row["currency"],
        confidence=float(row["confidence"]),
        risk=row["risk"],
        evidence=row["evidence"],
        reproduce=row["reproduce"],
        team=row["team"],
        project=row["project"],
        status=row["status"],
        extra=extra,
    )


def _check(kind: str | None, status: str, min_savings: Decimal | float | None) -> None:
    if kind is not None and kind not in KINDS:
        raise RecommendError(
            f"unknown recommendation kind {kind!r}.{did_you_mean(kind, KINDS)}",
            hint=f"use one of: {', '.join(KINDS)}",
        )
    if status not in SHOWN:
        raise RecommendError(
            f"unknown status {status!r}.{did_you_mean(status, SHOWN)}",
            hint=f"use one of: {', '.join(SHOWN)}",
        )
    if min_savings is not None and Decimal(str(min_savings)) < 0:
        raise RecommendError(
            f"--min-savings must not be negative (got {min_savings})",
            hint="give a monthly amount such as 100",
        )
