"""Fixtures: throw-away ledgers with hand-written rows (see ``ledgers.py``).

``make_ledger(charges=[...], samples=[...])`` opens a ledger with
``Ledger.open(":memory:")`` and inserts the rows; ``company`` is the small
company of ``ledgers.COMPANY``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import pytest

from infracast.ledger.connection import Ledger

from .ledgers import COMPANY, add_charges, add_samples


@pytest.fixture
def make_ledger() -> Iterator[Callable[..., Ledger]]:
    opened: list[Ledger] = []

    def make(
        charges: Sequence[Mapping[str, Any]] = (), samples: Sequence[Mapping[str, Any]] = ()
    ) -> Ledger:
        ledger = Ledger.open(":memory:")
        opened.append(ledger)
        add_charges(ledger, charges)
        add_samples(ledger, samples)
        return ledger

    yield make
    for ledger in opened:
        ledger.close()


@pytest.fixture
def company(make_ledger: Callable[..., Ledger]) -> Ledger:
    """The small company of ``ledgers.COMPANY``."""
    return make_ledger(charges=COMPANY)


@pytest.fixture(scope="module")
def scratch() -> Iterator[Ledger]:
    """One ledger for a module's property tests; each example empties it first (ledgers.reset)."""
    ledger = Ledger.open(":memory:")
    yield ledger
    ledger.close()
