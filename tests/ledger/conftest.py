"""Every ledger test that uses the ``ledger`` fixture ends with the daily rollup in step.

Whatever a test wrote (ingest, ``--replace``, a rejected or dry-run file, assets, manual
entries, quarantine fixes, retag), the rollup must then be exactly what the charges add up
to, row for row (:func:`infracast.ledger.rollup.drift`): each write path refreshes it in its
own transaction. A test that writes charges around the library on purpose is marked
``rollup_drift``.
"""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import pytest

from infracast.ledger import rollup


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "rollup_drift: the test writes charges around the library (no rollup check)"
    )


@pytest.fixture(autouse=True)
def _rollup_in_step(request: pytest.FixtureRequest) -> Iterator[None]:
    if "ledger" not in request.fixturenames or request.node.get_closest_marker("rollup_drift"):
        yield
        return
    ledger = request.getfixturevalue("ledger")
    yield
    try:
        drift = rollup.drift(ledger.con)
    except duckdb.ConnectionException:  # the test closed its ledger
        return
    assert drift == 0, f"the daily rollup differs from the charges in {drift} row(s)"
