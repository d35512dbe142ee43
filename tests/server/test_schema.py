"""Schemathesis fuzzes every operation of the served OpenAPI document.

Each operation gets a bounded, derandomized run (the same cases on every machine): the
examples and boundary values the document implies, then ``EXAMPLES`` generated cases,
valid and invalid, with every check on: no answer is a server error, and every answer
(status code, content type, headers, body) is one the document declares. A second run
sends no token, and there every operation that takes one answers 401 in the one error
shape. Requests reach the app in-process (ASGI) and write to a throwaway copy of the
small company's ledger.

The operations come from the document, so a route added later is fuzzed without a change
here. The document is read from an app that never starts (its ledger is never opened),
and a test checks it is the one the running app serves.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from schemathesis import Case, CheckContext, Response
from schemathesis.filters import HasAPIOperation

from infracast.server import create_app
from tests.cli import small_company

EXAMPLES = 10  # generated cases per operation, after the document's examples and boundaries
SEED = 20261207
DOCUMENT = create_app(auth=True).openapi()  # what /api/v1/openapi.json serves


def _schema(**generation: object) -> schemathesis.specs.openapi.schemas.OpenApiSchema:
    config = schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "generation": {"max-examples": EXAMPLES, "deterministic": True, **generation},
            "phases": {"stateful": {"enabled": False}},
            # a well-typed value the library refuses (an unknown dimension, a date it cannot
            # read, a model that does not fit) is a 400 or 422 with a reason: the document
            # cannot list every dimension; `valid_data_passes_the_validator` keeps 422 honest
            "checks": {
                "positive_data_acceptance": {
                    "expected-statuses": ["2xx", "400", "401", "403", "404", "409", "422", "429"]
                }
            },
        }
    )
    return schemathesis.openapi.from_dict(DOCUMENT, config=config)


def _takes_a_token(ctx: HasAPIOperation) -> bool:
    """An operation that declares the Authorization header (all but signing in)."""
    operation = DOCUMENT["paths"][ctx.operation.path][ctx.operation.method.lower()]
    return any(
        p["in"] == "header" and p["name"].lower() == "authorization"
        for p in operation.get("parameters", [])
    )


fuzzed = _schema()
# valid parameters only: an invalid one is a 422 before the token is looked at
unauthenticated = _schema(mode="positive").include(_takes_a_token)


@schemathesis.check
def valid_data_passes_the_validator(ctx: CheckContext, response: Response, case: Case) -> None:
    """A field the document calls valid is never refused by the app's own validator: a 422
    ``ValidationError`` naming a field (not a library error, not a rule across fields such
    as "exactly one of requests_per_second and tokens_per_day") means the document and the
    app disagree about that field."""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return
    body = response.json() if response.status_code == 422 else {}
    if body.get("error") == "ValidationError" and body.get("field"):
        raise AssertionError(f"valid data refused: {body['message']}")


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The small company's ledger, with an admin and its token."""
    from infracast.control.users import add_user, new_token
    from infracast.ledger.connection import Ledger

    root = tmp_path_factory.mktemp("fuzz")
    small_company.build(root)
    with Ledger.open(root / small_company.LEDGER) as led:
        add_user(led, "fuzzer", role="admin")
        return root / small_company.LEDGER, new_token(led, "fuzzer")


@pytest.fixture(scope="module")
def app(company: tuple[Path, str], tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    """The API over a throwaway copy of the ledger: the writes fuzzed change only it."""
    copy = tmp_path_factory.mktemp("fuzz-copy") / small_company.LEDGER
    shutil.copy(company[0], copy)
    return create_app(copy, auth=True)


@pytest.fixture(scope="module")
def admin(company: tuple[Path, str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {company[1]}"}


def test_the_document_fuzzed_is_the_one_served(app: FastAPI) -> None:
    with TestClient(app) as client:
        assert client.get("/api/v1/openapi.json").json() == DOCUMENT


def test_a_method_a_path_does_not_take_is_405_naming_every_method_it_takes(app: FastAPI) -> None:
    shared = next((p for p, ops in DOCUMENT["paths"].items() if len(ops) > 1), "/api/v1/health")
    with TestClient(app) as client:
        for path in ("/api/v1/health", shared):
            answer = client.request("PATCH", path)
            declared = ", ".join(m.upper() for m in DOCUMENT["paths"][path])
            assert answer.status_code == 405 and answer.json()["error"] == "MethodNotAllowed"
            assert sorted(answer.headers["Allow"].split(", ")) == sorted(declared.split(", "))
            assert answer.json()["message"].endswith(
                f"does not take PATCH; it takes {answer.headers['Allow']}"
            )


def test_every_status_a_library_error_names_is_declared_by_every_operation() -> None:
    from infracast.errors import error_classes

    statuses = {str(cls.http_status) for cls in error_classes()}  # the app imported them all
    for path, operations in DOCUMENT["paths"].items():
        for method, operation in operations.items():
            assert statuses <= set(operation["responses"]), f"{method.upper()} {path}"


# Failures found and reported to the routes' owners, by operation: each turns that
# operation's failure into an xfail (not strict: once fixed, it passes). Remove the entry
# with the fix.
# operations with a known failure: "METHOD PATH" -> why (an xfail until it is fixed)
KNOWN: dict[str, str] = {}


@fuzzed.parametrize()
def test_every_answer_is_one_the_document_declares(
    case: Case, app: FastAPI, admin: dict[str, str], request: pytest.FixtureRequest
) -> None:
    if case.operation.label in KNOWN:
        request.node.add_marker(pytest.mark.xfail(reason=KNOWN[case.operation.label]))
    case.call_and_validate(app=app, headers=admin)


@unauthenticated.parametrize()
def test_without_a_token_every_operation_answers_401_in_the_one_shape(
    case: Case, app: FastAPI
) -> None:
    answer = case.call(app=app)
    assert answer.status_code == 401, answer.text
    body = answer.json()
    assert body["error"] == "AuthError" and {"message", "hint"} <= set(body), body
