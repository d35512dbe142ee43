"""The command contracts of ``infracast users`` (registered in tests/cli/contracts.py).

The world: a ledger holding three users without passwords (argon2 is not what this pins):
``alice`` (admin, every team), ``bob`` (viewer of research) and ``ci-bot`` (editor,
revoked). Only ``users list`` prints JSON; ``created_at`` is the time of the run.
"""

from __future__ import annotations

from pathlib import Path

from infracast.control.users import add_user, list_users, revoke
from infracast.ledger.connection import Ledger
from tests.cli.contracts import LEDGER_ARGS, Contract, on_ledger
from tests.cli.small_company import LEDGER


def with_users(root: Path) -> None:
    with Ledger.open(root / LEDGER) as led:
        add_user(led, "alice", role="admin")
        add_user(led, "bob", role="viewer", team="research")
        add_user(led, "ci-bot", role="editor")
        revoke(led, "ci-bot")


USERS_CONTRACTS: list[Contract] = [
    Contract(
        "users-list",
        ("users", "list", *LEDGER_ARGS),
        on_ledger(lambda led: [u.to_dict() for u in list_users(led)]),
        world=with_users,
        volatile=("created_at",),
    ),
]
