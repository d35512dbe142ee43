"""Each route answers its command's golden file: the contracts of tests/cli/contracts.py
whose command has a GET route run against the API on the contract's own world, and the
answer must equal tests/golden/<name>.json (the values of volatile keys blanked alike).

A command line becomes a query string by one rule: the command's words are the route
(``quarantine list`` → ``/quarantine``), each ``--option value`` a parameter named after
the option (dashes to underscores), a bare flag ``=true``; ``--ledger`` is the server's.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient

from infracast.server import create_app
from tests.cli.contracts import CONTRACTS, Contract, make_world, scrub
from tests.cli.small_company import LEDGER

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
# command words -> route (GET routes that mirror their command's options)
ROUTES: dict[tuple[str, ...], str] = {
    ("costs",): "costs",
    ("gpu",): "gpu",
    ("movers",): "movers",
    ("savings",): "savings",
    ("showback",): "showback",
    ("commitments",): "commitments",
    ("utilization",): "utilization",
    ("ingests",): "ingests",
    ("quarantine", "list"): "quarantine",
    ("budget", "list"): "budgets",
    ("budget", "status"): "budgets/status",
    ("budget", "alerts"): "budgets/alerts",
    ("project", "list"): "projects",
    ("project", "status"): "projects/{}/status",  # the command's argument: a path segment
    ("plan", "list"): "plans",
    ("plan", "compare"): "plans/compare?name",  # the argument: this query parameter
}
ALIASES = {"from": "from", "to": "to", "n": "top"}


def _routed(contract: Contract) -> tuple[str, list[tuple[str, str]]] | None:
    words = tuple(a for a in contract.args if not a.startswith("-"))[:2]
    for size in (2, 1):
        route = ROUTES.get(words[:size])
        if route is None:
            continue
        rest = contract.args[size:]
        if "{}" in route or "?" in route:  # the command takes one argument first
            argument, rest = rest[0], rest[1:]
            if "{}" in route:
                return route.format(argument), _query(rest)
            route, name = route.split("?")
            return route, [(name, argument), *_query(rest)]
        return route, _query(rest)
    return None


def _query(args: tuple[str, ...]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(args):
        name = args[i].lstrip("-")
        takes_value = i + 1 < len(args) and not args[i + 1].startswith("--")
        value = args[i + 1] if takes_value else "true"
        i += 2 if takes_value else 1
        if name == "ledger":
            continue
        out.append((ALIASES.get(name, name.replace("-", "_")), value))
    return out


# a contract that writes runs on a world of its own here too (make_world copies it)
ROUTED = [c for c in CONTRACTS if _routed(c) is not None and not c.env]


def test_the_routed_contracts_cover_every_route() -> None:
    routed = {ROUTES[w] for c in ROUTED for w in (_words(c, 2), _words(c, 1)) if w in ROUTES}
    assert routed == set(ROUTES.values())


def _words(contract: Contract, size: int) -> tuple[str, ...]:
    return tuple(a for a in contract.args if not a.startswith("-"))[:size]


@pytest.mark.golden
@pytest.mark.parametrize("contract", ROUTED, ids=[c.name for c in ROUTED])
def test_a_route_answers_its_commands_golden_file(contract: Contract, tmp_path: Path) -> None:
    make_world(contract.world, tmp_path)
    route, query = _routed(contract)  # type: ignore[misc]
    with TestClient(create_app(tmp_path / LEDGER, auth=False)) as client:
        answer = client.get(f"/api/v1/{route}?{urlencode(query)}")
    assert answer.status_code == 200, answer.text
    expected = (GOLDEN / f"{contract.name}.json").read_text(encoding="utf-8")
    assert scrub(answer.text, "json", contract.volatile) == expected
