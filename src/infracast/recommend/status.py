"""A recommendation's status: ``open`` → ``accepted`` → ``done``, or ``dismissed``.

Accepting records when the change took effect (``effective``, default the end of the
ledger's data) and the scope's monthly run rate before it, the baseline its realized
savings are measured against (:mod:`infracast.recommend.realized`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from infracast.analytics.scope_cost import charged_until
from infracast.errors import did_you_mean
from infracast.ledger.stores import recommendations as store
from infracast.recommend.exceptions import RecommendError, UnknownRecommendationError
from infracast.recommend.realized import run_rate_before
from infracast.recommend.record import money_or_none

if TYPE_CHECKING:
    from infracast.ledger.connection import Ledger

# status -> the statuses it may move to
MOVES: dict[str, tuple[str, ...]] = {
    "open": ("accepted", "dismissed"),
    "accepted": ("done", "dismissed"),
    "dismissed": ("open", "accepted"),
    "done": (),
}


@dataclass(frozen=True)
class StatusChange:
    """A recommendation's status after a change, and what acceptance measures it by."""

    id: str
    kind: str
    status: str
    note: str | None
    effective_from: date | None
    baseline_run_rate: Decimal | None  # per month, before the change

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "status": self.status,
            "note": self.note,
            "effective_from": None
            if self.effective_from is None
            else self.effective_from.isoformat(),
            "baseline_run_rate": money_or_none(self.baseline_run_rate),
        }


def _change(row: dict[str, Any]) -> StatusChange:
    return StatusChange(row["id"], row["kind"], row["status"], row["status_note"],
                        row["effective_from"], row["baseline_run_rate"])  # fmt: skip


def stored(ledger: Ledger, rec_id: str) -> dict[str, Any]:
    """The stored row of ``rec_id``; :class:`UnknownRecommendationError` naming the close ids."""
    rows = store.select(ledger.con, [rec_id])
    if rows:
        return rows[0]
    known = [r["id"] for r in store.select(ledger.con)]
    raise UnknownRecommendationError(
        f"no recommendation has the id {rec_id!r}.{did_you_mean(rec_id, known)}",
        hint="run `infracast recommend` to list the ids (the first column)",
    )


def accept(
    ledger: Ledger, rec_id: str, *, effective: date | None = None, note: str | None = None
) -> StatusChange:
    """Mark ``rec_id`` accepted, the change taking effect on ``effective``; keep the scope's
    run rate before it."""
    row = stored(ledger, rec_id)
    _check_move(row, "accepted")
    if effective is None:
        end = charged_until(ledger)
        effective = (end or datetime.now(UTC)).date()
    before = run_rate_before(ledger, row, effective)
    with ledger.transaction() as con:
        store.set_status(con, rec_id, "accepted", at=_now(), note=note, effective_from=effective,
                         baseline_run_rate=before)  # fmt: skip
    return _change(stored(ledger, rec_id))


def dismiss(ledger: Ledger, rec_id: str, *, note: str | None = None) -> StatusChange:
    """Mark ``rec_id`` dismissed: later runs keep it dismissed."""
    return _move(ledger, rec_id, "dismissed", note)


def done(ledger: Ledger, rec_id: str, *, note: str | None = None) -> StatusChange:
    """Mark an accepted ``rec_id`` done (the change is complete; its savings stay tracked)."""
    return _move(ledger, rec_id, "done", note)


def reopen(ledger: Ledger, rec_id: str, *, note: str | None = None) -> StatusChange:
    """Open a dismissed ``rec_id`` again."""
    return _move(ledger, rec_id, "open", note)


def _move(ledger: Ledger, rec_id: str, status: str, note: str | None) -> StatusChange:
    row = stored(ledger, rec_id)
    _check_move(row, status)
    keep = status == "done"  # done keeps what acceptance measured
    with ledger.transaction() as con:
        store.set_status(
            con, rec_id, status, at=_now(), note=note,
            effective_from=row["effective_from"] if keep else None,
            baseline_run_rate=row["baseline_run_rate"] if keep else None,
        )  # fmt: skip
    return _change(stored(ledger, rec_id))


def _check_move(row: dict[str, Any], status: str) -> None:
    current = row["status"]
    if status not in MOVES[current]:
        allowed = ", ".join(MOVES[current]) or "nothing (it is final)"
        raise RecommendError(
            f"recommendation {row['id']} is {current}; it cannot become {status}",
            hint=f"from {current} it can become: {allowed}",
        )


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
