"""`infracast users`: the users of the API, their roles and tokens (add, list, token, revoke).
Each command is one call of :mod:`infracast.control.users`."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from infracast.cli.common import FormatOption, LedgerOption, err, open_ledger, out
from infracast.cli.render import OutputFormat, render
from infracast.control.users import ROLES, add_user, list_users, new_token, revoke
from infracast.errors import ConfigError

app = typer.Typer(
    help="Users of the API: roles (viewer, editor, admin), team scopes and API tokens.",
    no_args_is_help=True,
)
_COLUMNS = ("name", "role", "team", "created_at", "revoked")
NameArgument = Annotated[str, typer.Argument(help="The user's name (one word).")]


def _stdin_password() -> str:
    """The password on standard input: its first line, without the line end."""
    lines = sys.stdin.read().splitlines()
    if not lines or not lines[0]:
        raise ConfigError(
            "--password-stdin was given but standard input holds no password.",
            hint="Pipe it in, e.g. printf '%s' \"$PASSWORD\" | infracast users add NAME "
            "--role viewer --password-stdin",
            field="--password-stdin",
        )
    return lines[0]


@app.command()
def add(
    name: NameArgument,
    role: Annotated[str, typer.Option("--role", "-r", help=f"One of: {', '.join(ROLES)}.")],
    team: Annotated[
        str | None,
        typer.Option("--team", "-t", help="See only this team's rows (default: every team)."),
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
    no_password: Annotated[
        bool,
        typer.Option("--no-password", help="No password: a service user that uses tokens only."),
    ] = False,
    ledger: LedgerOption = None,
) -> None:
    """Add a user with a role and an optional team scope. The password (at least 12
    characters) is asked twice, hidden, unless read from standard input; it is stored only
    as an argon2id hash.

    Roles: viewer reads; editor also writes (ingest, recommendations, budgets); admin also
    manages users.

    Examples:

      infracast users add alice --role admin

      printf '%s' "$PASSWORD" | infracast users add bob --role viewer --team research \\
        --password-stdin

      infracast users add ci-bot --role editor --no-password
    """
    if password_stdin and no_password:
        raise ConfigError(
            "--password-stdin and --no-password cannot be given together.",
            hint="Give one of them, or neither to be asked for the password.",
            field="--no-password",
        )
    password: str | None = None
    if password_stdin:
        password = _stdin_password()
    elif not no_password:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    with open_ledger(ledger) as led:
        user = add_user(led, name, role=role, team=team, password=password)
    scope = f", team {user.team}" if user.team else ", every team"
    err.print(f"Added user {user.name} ({user.role}{scope}).", highlight=False, markup=False)
    if password is None:
        err.print(f"Get its API token with: infracast users token {user.name}", highlight=False)


@app.command("list")
def list_(ledger: LedgerOption = None, fmt: FormatOption = OutputFormat.table) -> None:
    """The users, by name: role, team scope, when added, whether revoked. No secret is shown.

    Examples:

      infracast users list

      infracast users list --format json
    """
    with open_ledger(ledger, read_only=True, create=False) as led:
        rows = [u.to_dict() for u in list_users(led)]
    empty = "No users: add one with infracast users add NAME --role admin"
    render(rows, fmt, console=out, columns=list(_COLUMNS), title="Users", empty=empty)


@app.command()
def token(name: NameArgument, ledger: LedgerOption = None) -> None:
    """Make a new API token for a user and print it alone on the last line. It is shown this
    once: only its SHA-256 hash is stored. Send it as 'Authorization: Bearer TOKEN'.

    Examples:

      infracast users token alice

      TOKEN=$(infracast users token ci-bot | tail -n 1)
    """
    with open_ledger(ledger, create=False) as led:
        secret = new_token(led, name)
    err.print(
        f"A new API token for {name}. It is shown only this once: store it now.",
        highlight=False,
        markup=False,
    )
    out.print(secret, highlight=False, markup=False, soft_wrap=True)


@app.command("revoke")
def revoke_(name: NameArgument, ledger: LedgerOption = None) -> None:
    """Revoke a user and every API token of theirs: they can no longer sign in or call the
    API. The user stays listed, marked revoked.

    Examples:

      infracast users revoke bob
    """
    with open_ledger(ledger, create=False) as led:
        user = revoke(led, name)
    err.print(f"Revoked user {user.name} and all of their tokens.", highlight=False, markup=False)
