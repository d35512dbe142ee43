"""Users, roles and API tokens (infracast.control.users): hashing, checks, revocation."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import datetime

import pytest
from argon2 import PasswordHasher, Type

from infracast.control import users
from infracast.control.exceptions import UnknownNameError
from infracast.control.users import (
    ROLES,
    AuthError,
    ForbiddenError,
    LoginLimiter,
    User,
    add_user,
    authenticate,
    check_password,
    list_users,
    login,
    new_token,
    revoke,
)
from infracast.errors import ControlError
from infracast.ledger.connection import Ledger

PASSWORD = "correct horse battery"  # 21 characters
REAL_HASHER = users._HASHER


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    """A fresh login limiter per test, on a hand-moved clock."""
    fake = Clock()
    monkeypatch.setattr(users, "LIMITER", LoginLimiter(clock=fake))
    yield fake


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """argon2id at its cheapest, so a test takes milliseconds (the real parameters: below)."""
    monkeypatch.setattr(users, "_HASHER", cheap_hasher())
    users._dummy_hash.cache_clear()
    yield
    users._dummy_hash.cache_clear()


def cheap_hasher() -> PasswordHasher:
    return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def test_passwords_are_hashed_with_argon2id_at_the_recommended_cost() -> None:
    recommended = PasswordHasher()  # argon2-cffi's defaults (RFC 9106's low-memory choice)
    assert REAL_HASHER.type is Type.ID
    assert (REAL_HASHER.time_cost, REAL_HASHER.memory_cost) == (
        recommended.time_cost,
        recommended.memory_cost,
    )


def stored(ledger: Ledger) -> str:
    """Every value of every column of both tables, as one text."""
    rows = ledger.con.execute("SELECT * FROM users").fetchall()
    rows += ledger.con.execute("SELECT * FROM api_tokens").fetchall()
    return repr(rows)


def test_add_user_stores_role_team_and_an_argon2id_hash(ledger: Ledger) -> None:
    user = add_user(ledger, "bob", role="viewer", team="research", password=PASSWORD)
    assert (user.name, user.role, user.team, user.revoked) == ("bob", "viewer", "research", False)
    (hashed,) = ledger.con.execute("SELECT password_hash FROM users").fetchone() or ()
    assert hashed.startswith("$argon2id$") and PASSWORD not in stored(ledger)
    assert list_users(ledger) == [user]


def test_to_dict_holds_no_secret(ledger: Ledger) -> None:
    user = add_user(ledger, "bob", role="viewer", password=PASSWORD)
    assert set(user.to_dict()) == {"name", "role", "team", "created_at", "revoked"}


def test_users_are_listed_by_name(ledger: Ledger) -> None:
    add_user(ledger, "zoe", role="admin")
    add_user(ledger, "ann", role="editor")
    assert [u.name for u in list_users(ledger)] == ["ann", "zoe"]


def test_a_taken_name_is_refused(ledger: Ledger) -> None:
    add_user(ledger, "bob", role="viewer")
    with pytest.raises(ControlError, match='a user named "bob" already exists'):
        add_user(ledger, "bob", role="admin")
    assert [u.role for u in list_users(ledger)] == ["viewer"]


def test_an_unknown_role_offers_the_closest(ledger: Ledger) -> None:
    with pytest.raises(ControlError) as caught:
        add_user(ledger, "bob", role="editr")
    assert caught.value.message == 'unknown role "editr". Did you mean "editor"?'
    assert caught.value.hint == "A role is one of: viewer, editor, admin."
    assert caught.value.field == "role"


@pytest.mark.parametrize("name", ["", "bob smith", "bob\x00", "tab\tbed"])
def test_an_empty_or_spaced_name_is_refused(ledger: Ledger, name: str) -> None:
    with pytest.raises(ControlError, match="invalid user name"):
        add_user(ledger, name, role="viewer")


def test_a_short_password_is_refused(ledger: Ledger) -> None:
    # "elevenchars" is 11 characters, one short of 12
    with pytest.raises(ControlError, match="11 characters long; it needs at least 12"):
        add_user(ledger, "bob", role="viewer", password="elevenchars")
    assert list_users(ledger) == []


def test_the_right_password_signs_in(ledger: Ledger) -> None:
    added = add_user(ledger, "bob", role="editor", password=PASSWORD)
    assert check_password(ledger, "bob", PASSWORD) == added


@pytest.mark.parametrize(
    ("name", "password"),
    [("bob", "wrong horse battery"), ("nobody", PASSWORD), ("svc", PASSWORD)],
    ids=["wrong-password", "unknown-name", "no-password"],
)
def test_a_failed_sign_in_says_the_same_for_every_cause(
    ledger: Ledger, name: str, password: str
) -> None:
    add_user(ledger, "bob", role="editor", password=PASSWORD)
    add_user(ledger, "svc", role="editor")
    with pytest.raises(AuthError) as caught:
        check_password(ledger, name, password)
    assert caught.value.message == "wrong user name or password."
    assert caught.value.http_status == 401


def test_five_failures_make_the_name_wait_out_the_window(ledger: Ledger, clock: Clock) -> None:
    add_user(ledger, "bob", role="editor", password=PASSWORD)
    for _ in range(5):
        with pytest.raises(AuthError, match="wrong user name or password"):
            check_password(ledger, "bob", "wrong horse battery")
        clock.now += 10
    # failures at 1000, 1010, ..., 1040; now 1050: the first leaves the window at 1060
    with pytest.raises(AuthError, match="too many failed sign-ins") as caught:
        check_password(ledger, "bob", PASSWORD)
    assert caught.value.hint == "Wait 10 seconds, then try again."
    assert caught.value.http_status == 429  # TooManySignInsError: a 401 would say "wrong"
    assert caught.value.to_dict()["retry_after"] == 10
    clock.now = 1060.0  # 1060 - 1000 = 60: the first failure is out, four remain
    assert check_password(ledger, "bob", PASSWORD).name == "bob"


def test_a_success_clears_the_failures(ledger: Ledger) -> None:
    add_user(ledger, "bob", role="editor", password=PASSWORD)
    for _ in range(4):
        with pytest.raises(AuthError):
            check_password(ledger, "bob", "wrong horse battery")
    check_password(ledger, "bob", PASSWORD)
    for _ in range(4):  # four more: 4 < 5, still allowed because the count restarted
        with pytest.raises(AuthError, match="wrong user name"):
            check_password(ledger, "bob", "wrong horse battery")
    assert check_password(ledger, "bob", PASSWORD).name == "bob"


def test_a_token_round_trips_to_its_user(ledger: Ledger) -> None:
    added = add_user(ledger, "bot", role="editor", team="data")
    token = new_token(ledger, "bot")
    prefix, token_id, secret = token.split("_", 2)
    assert prefix == "ifc" and len(token_id) == 8 and int(token_id, 16) >= 0
    assert len(secret) == 43  # token_urlsafe(32): 32 bytes in base64 without padding
    assert authenticate(ledger, token) == added
    (used,) = ledger.con.execute("SELECT last_used_at FROM api_tokens").fetchone() or ()
    assert used is not None


def test_a_token_s_last_use_is_recorded_to_the_minute(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_user(ledger, "bot", role="viewer")
    token = new_token(ledger, "bot")
    clock = [datetime(2026, 12, 7, 12, 0, 0)]
    monkeypatch.setattr(users, "_now", lambda: clock[0])

    def used() -> datetime:
        return (ledger.con.execute("SELECT last_used_at FROM api_tokens").fetchone() or ())[0]

    authenticate(ledger, token)
    assert used() == datetime(2026, 12, 7, 12, 0, 0)
    clock[0] = datetime(2026, 12, 7, 12, 0, 59)  # within the minute: not written again
    authenticate(ledger, token)
    assert used() == datetime(2026, 12, 7, 12, 0, 0)
    clock[0] = datetime(2026, 12, 7, 12, 1, 0)
    authenticate(ledger, token)
    assert used() == datetime(2026, 12, 7, 12, 1, 0)


def test_only_the_hash_of_a_token_is_stored(ledger: Ledger) -> None:
    add_user(ledger, "bot", role="editor")
    token = new_token(ledger, "bot")
    token_id = token.split("_")[1]
    row = ledger.con.execute("SELECT token_id, token_hash FROM api_tokens").fetchone()
    assert row == (token_id, hashlib.sha256(token.encode()).hexdigest())
    assert token not in stored(ledger) and token.split("_", 2)[2] not in stored(ledger)


def test_each_token_is_new(ledger: Ledger) -> None:
    add_user(ledger, "bot", role="editor")
    first, second = new_token(ledger, "bot"), new_token(ledger, "bot")
    assert first != second
    assert authenticate(ledger, first).name == authenticate(ledger, second).name == "bot"


@pytest.mark.parametrize(
    "bad",
    [None, "", "Bearer x", "ifc_zzzzzzzz_" + "a" * 43, "ifc_00000000_" + "a" * 43],
    ids=["none", "empty", "malformed", "bad-id", "unknown"],
)
def test_a_missing_malformed_or_unknown_token_is_refused(ledger: Ledger, bad: str | None) -> None:
    add_user(ledger, "bot", role="editor")
    new_token(ledger, "bot")
    with pytest.raises(AuthError):
        authenticate(ledger, bad)


def test_a_token_with_a_changed_secret_is_refused(ledger: Ledger) -> None:
    add_user(ledger, "bot", role="editor")
    token = new_token(ledger, "bot")
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")  # same id, another secret
    with pytest.raises(AuthError, match="not valid"):
        authenticate(ledger, forged)


def test_revoke_refuses_the_user_and_every_token(ledger: Ledger) -> None:
    add_user(ledger, "bot", role="editor", password=PASSWORD)
    tokens = [new_token(ledger, "bot"), new_token(ledger, "bot")]
    user = revoke(ledger, "bot")
    assert user.revoked and list_users(ledger)[0].revoked
    for token in tokens:
        with pytest.raises(AuthError, match="revoked"):
            authenticate(ledger, token)
    with pytest.raises(AuthError, match="revoked"):
        check_password(ledger, "bot", PASSWORD)
    with pytest.raises(AuthError, match="revoked"):
        new_token(ledger, "bot")


def test_a_revoked_user_is_refused_even_with_a_live_token(ledger: Ledger) -> None:
    add_user(ledger, "bot", role="editor")
    token = new_token(ledger, "bot")
    ledger.con.execute("UPDATE users SET revoked_at = now() WHERE name = 'bot'")  # token live
    with pytest.raises(AuthError, match="revoked"):
        authenticate(ledger, token)


def test_an_unknown_user_offers_the_closest(ledger: Ledger) -> None:
    add_user(ledger, "alice", role="admin")
    with pytest.raises(UnknownNameError) as caught:
        new_token(ledger, "alise")
    assert caught.value.message == 'no user named "alise". Did you mean "alice"?'
    with pytest.raises(UnknownNameError):
        revoke(ledger, "bob")


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("viewer", {"read"}), ("editor", {"read", "write"}), ("admin", {"read", "write", "admin"})],
)
def test_each_role_can_its_actions(role: str, allowed: set[str]) -> None:
    user = User("u", role, None, users._now(), revoked=False)
    assert {a for a in ("read", "write", "admin") if user.can(a)} == allowed
    gone = User("u", role, None, users._now(), revoked=True)
    assert not any(gone.can(a) for a in ("read", "write", "admin"))


def test_require_raises_forbidden_with_the_roles_allowed() -> None:
    viewer = User("val", "viewer", "research", users._now(), revoked=False)
    viewer.require("read")
    with pytest.raises(ForbiddenError) as caught:
        viewer.require("write")
    assert caught.value.http_status == 403
    assert caught.value.message == 'user "val" (role viewer) may not write.'


def test_an_unknown_action_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown action"):
        User("u", "admin", None, users._now(), revoked=False).can("delete")


def test_roles_are_ordered_least_to_most() -> None:
    assert ROLES == ("viewer", "editor", "admin")


def test_login_checks_the_password_then_issues_a_working_token(ledger: Ledger) -> None:
    add_user(ledger, "bob", role="viewer", team="research", password=PASSWORD)
    signed_in = login(ledger, "bob", PASSWORD)
    assert signed_in.user.name == "bob"
    assert authenticate(ledger, signed_in.token).team == "research"
    assert signed_in.to_dict()["token"] == signed_in.token
    assert login(ledger, "bob", PASSWORD).token != signed_in.token  # a new one each time
    assert authenticate(ledger, signed_in.token).name == "bob"  # the first still works
    with pytest.raises(AuthError, match="wrong user name or password"):
        login(ledger, "bob", "wrong horse battery")
