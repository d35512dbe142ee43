"""POST /api/v1/ingests: an uploaded file is ingested as `infracast ingest FILE` ingests it,
with the same answer, the same quarantine, once, all or nothing, and within the upload
limit; only editors and admins without a team scope may upload."""

from __future__ import annotations

import gzip
import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from infracast.control.users import add_user, new_token
from infracast.ledger.connection import Ledger
from infracast.server import create_app
from infracast.settings import load_settings
from tests.cli import small_company
from tests.cli.conftest import Ran

ERROR_KEYS = {"error", "message", "hint"}
SHARED_FOCUS = Path(__file__).resolve().parents[3] / "shared" / "data" / "focus"


@dataclass
class Desk:
    """An empty ledger with users of every kind, and the small company's bills beside it."""

    root: Path
    ledger: Path
    tokens: dict[str, str]

    def bill(self, month: str = "2026-01") -> Path:
        return self.root / "bills" / f"{month}.csv"

    def upload(
        self,
        name: str,
        data: bytes,
        who: str | None = "ed",
        query: str = "",
        *,
        max_mb: float | None = None,
    ) -> tuple[int, Any]:
        settings = load_settings(upload_max_mb=max_mb)
        headers = {} if who is None else {"Authorization": f"Bearer {self.tokens[who]}"}
        with TestClient(create_app(self.ledger, settings=settings)) as client:
            answer = client.post(
                f"/api/v1/ingests{query}", headers=headers, files={"file": (name, data)}
            )
        assert answer.headers["content-type"] == "application/json"
        return answer.status_code, answer.json()

    def get(self, path: str, who: str = "ed") -> Any:
        headers = {"Authorization": f"Bearer {self.tokens[who]}"}
        with TestClient(create_app(self.ledger)) as client:
            answer = client.get(path, headers=headers)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def count(self, table: str = "charges") -> int:
        with Ledger.open(self.ledger, read_only=True) as led:
            row = led.con.execute(f"SELECT count(*) FROM {table}").fetchone()
        assert row is not None
        return int(row[0])


def _desk(root: Path, ledger: str = "server.duckdb") -> Desk:
    small_company.write_files(root)
    with Ledger.open(root / ledger) as led:
        add_user(led, "ed", role="editor")
        add_user(led, "ada", role="admin")
        add_user(led, "vi", role="viewer")
        add_user(led, "sam", role="editor", team="data")
        tokens = {name: new_token(led, name) for name in ("ed", "ada", "vi", "sam")}
    return Desk(root, root / ledger, tokens)


@pytest.fixture
def desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Desk:
    # uploads land in their own temporary folder: a test can see that none is left behind
    uploads = tmp_path / "tmp"
    uploads.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(uploads))
    return _desk(tmp_path / "world")


def _leftovers(desk: Desk) -> list[Path]:
    return list(Path(tempfile.gettempdir()).iterdir())


def _cli_ingest(
    cli: Callable[..., Ran], monkeypatch: pytest.MonkeyPatch, file: Path, *options: str
) -> Ran:
    """`infracast ingest NAME --format json` run in the file's folder, on a fresh ledger."""
    ledger = file.parent.parent / "cli.duckdb"
    monkeypatch.chdir(file.parent)
    return cli("ingest", file.name, *options, "--ledger", str(ledger), "--format", "json")


def test_an_upload_answers_what_the_command_prints_for_the_same_file(
    desk: Desk, cli: Callable[..., Ran], monkeypatch: pytest.MonkeyPatch
) -> None:
    status, body = desk.upload("2026-01.csv", desk.bill().read_bytes())
    assert status == 200
    ran = _cli_ingest(cli, monkeypatch, desk.bill())
    assert ran.code == 0, ran.err
    assert body == json.loads(ran.out)
    # the small company's January: 6 rows, one of them (cost "oops") quarantined
    assert [(r["file"], r["status"], r["rows_read"], r["rows_ingested"], r["rows_quarantined"])
            for r in body] == [("2026-01.csv", "ingested", 6, 5, 1)]  # fmt: skip
    assert desk.count() == 5


def test_an_upload_answers_the_exact_text_the_command_prints(
    desk: Desk, cli: Callable[..., Ran], monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = load_settings()
    with TestClient(create_app(desk.ledger, settings=settings)) as client:
        answer = client.post(
            "/api/v1/ingests?day_first=true",
            headers={"Authorization": f"Bearer {desk.tokens['ed']}"},
            files={"file": ("2026-02.csv", desk.bill("2026-02").read_bytes())},
        )
    ran = _cli_ingest(cli, monkeypatch, desk.bill("2026-02"), "--day-first")
    assert answer.status_code == 200 and ran.code == 0
    assert answer.text == ran.out


@pytest.mark.skipif(not SHARED_FOCUS.is_dir(), reason="../shared/data is not here")
@pytest.mark.parametrize(
    "name", ["aws-1.2-synthetic-rows100.csv", "azure-1.2-synthetic-credits-rows25.csv"]
)
def test_a_real_export_uploaded_is_what_the_command_ingests(
    desk: Desk, cli: Callable[..., Ran], monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    source = SHARED_FOCUS / name
    if not source.is_file():
        pytest.skip(f"{name} is not in ../shared/data/focus")
    copy = desk.root / "real" / name
    copy.parent.mkdir()
    copy.write_bytes(source.read_bytes())
    status, body = desk.upload(name, copy.read_bytes())
    ran = _cli_ingest(cli, monkeypatch, copy)
    assert status == 200 and ran.code == 0, ran.err
    assert body == json.loads(ran.out)
    assert body[0]["rows_read"] == body[0]["rows_ingested"] + body[0]["rows_quarantined"]


def test_a_gzipped_export_is_ingested_like_the_plain_one(desk: Desk) -> None:
    status, body = desk.upload("2026-01.csv.gz", gzip.compress(desk.bill().read_bytes()))
    assert status == 200
    assert (body[0]["file"], body[0]["status"], body[0]["rows_ingested"]) == (
        "2026-01.csv.gz",
        "ingested",
        5,
    )


def test_quarantined_rows_of_an_upload_are_in_the_quarantine(desk: Desk) -> None:
    status, body = desk.upload("2026-01.csv", desk.bill().read_bytes())
    assert status == 200
    ingest_id = body[0]["ingest_id"]
    rows = desk.get(f"/api/v1/quarantine?ingest={ingest_id}&rows=true")
    assert len(rows) == 1
    assert rows[0]["ingest_id"] == ingest_id and rows[0]["reason"] == "invalid_cost"
    assert Path(rows[0]["source"]).name == "2026-01.csv"  # the name the client gave
    log = desk.get("/api/v1/ingests")
    assert [(Path(r["source"]).name, r["status"]) for r in log] == [("2026-01.csv", "ingested")]


def test_uploading_the_same_file_again_is_a_noop(desk: Desk) -> None:
    data = desk.bill().read_bytes()
    _, first = desk.upload("2026-01.csv", data)
    status, again = desk.upload("2026-01.csv", data)
    assert status == 200
    assert again[0]["status"] == "already_ingested"
    assert again[0]["ingest_id"] == first[0]["ingest_id"]
    assert (again[0]["rows_ingested"], again[0]["rows_quarantined"]) == (0, 0)
    # the content decides, not the name
    status, renamed = desk.upload("january.csv", data)
    assert status == 200 and renamed[0]["status"] == "already_ingested"
    assert desk.count() == 5 and desk.count("quarantine") == 1


def test_options_are_the_commands_query_parameters(desk: Desk) -> None:
    data = desk.bill().read_bytes()
    status, body = desk.upload("2026-01.csv", data, query="?dry_run=true")
    assert status == 200 and body[0]["dry_run"] is True and body[0]["ingest_id"] is None
    assert desk.count() == 0 and desk.count("ingests") == 0
    desk.upload("2026-01.csv", data)
    # the same bill restated (one cost changed): refused without --replace, swapped with it
    restated = data.replace(b"2.25", b"2.75")
    assert restated != data
    status, refused = desk.upload("2026-01b.csv", restated)
    assert status == 422 and refused["results"][0]["status"] == "rejected"
    status, swapped = desk.upload("2026-01b.csv", restated, query="?replace=true")
    assert status == 200 and swapped[0]["status"] == "replaced"
    assert desk.count() == 5


def test_two_replace_widths_are_refused_in_the_one_shape(desk: Desk) -> None:
    status, body = desk.upload(
        "2026-01.csv", desk.bill().read_bytes(), query="?replace=true&replace_period=true"
    )
    assert status == 400 and set(body) >= ERROR_KEYS and body["error"] == "ConfigError"
    assert "--replace and --replace-period" in body["message"]
    assert desk.count("ingests") == 0


def test_a_failing_upload_leaves_the_charges_as_they_were(desk: Desk) -> None:
    desk.upload("2026-01.csv", desk.bill().read_bytes())
    before = desk.count()
    # the same scope (AWS, January) with other charges: ingesting it would count it twice
    other = desk.bill().read_bytes().replace(b"2.25", b"3.25")
    status, body = desk.upload("other.csv", other)
    assert status == 422
    assert set(body) >= ERROR_KEYS and body["error"] == "IngestError"
    assert body["file"] == "other.csv" and body["message"].startswith("other.csv: ")
    assert [r["status"] for r in body["results"]] == ["rejected"]
    assert desk.count() == before
    assert not _leftovers(desk)


@pytest.mark.parametrize("size", ["just over", "far over"])
def test_an_upload_over_the_limit_is_413_and_leaves_nothing(desk: Desk, size: str) -> None:
    data = desk.bill().read_bytes()
    # 1 KiB of limit: the bill (~1.6 KiB) is just over it (refused while it arrives); a
    # 200 KiB file is refused from its Content-Length, before it arrives
    assert 1024 < len(data) < 4096
    if size == "far over":
        data = data + b"\n" * 200 * 1024
    status, body = desk.upload("2026-01.csv", data, max_mb=1 / 1024)
    assert status == 413
    assert set(body) == ERROR_KEYS and body["error"] == "PayloadTooLarge"
    assert "larger than 0.000976562 MB" in body["message"]
    assert "INFRACAST_UPLOAD_MAX_MB" in body["hint"]
    assert desk.count() == 0 and desk.count("ingests") == 0
    assert not _leftovers(desk)


def test_an_upload_within_the_limit_is_taken(desk: Desk) -> None:
    status, _ = desk.upload("2026-01.csv", desk.bill().read_bytes(), max_mb=4 / 1024)
    assert status == 200 and desk.count() == 5
    assert not _leftovers(desk)


def test_a_viewer_may_not_upload(desk: Desk) -> None:
    status, body = desk.upload("2026-01.csv", desk.bill().read_bytes(), who="vi")
    assert status == 403 and body["error"] == "ForbiddenError" and "viewer" in body["message"]
    assert desk.count("ingests") == 0


def test_a_user_scoped_to_a_team_may_not_upload_every_teams_rows(desk: Desk) -> None:
    status, body = desk.upload("2026-01.csv", desk.bill().read_bytes(), who="sam")
    assert status == 403 and body["error"] == "ForbiddenError"
    assert "data's rows" in body["message"] and "every team's rows" in body["message"]
    assert desk.count("ingests") == 0
    status, _ = desk.upload("2026-01.csv", desk.bill().read_bytes(), who="ada")
    assert status == 200


def test_without_a_token_an_upload_is_401(desk: Desk) -> None:
    status, body = desk.upload("2026-01.csv", desk.bill().read_bytes(), who=None)
    assert status == 401 and set(body) >= ERROR_KEYS and body["error"] == "AuthError"
    assert desk.count("ingests") == 0


def _post(desk: Desk, **request: Any) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {desk.tokens['ed']}", **request.pop("headers", {})}
    with TestClient(create_app(desk.ledger)) as client:
        answer = client.post("/api/v1/ingests", headers=headers, **request)
    return answer.status_code, answer.json()


def test_a_request_without_a_file_is_400_in_the_one_shape(desk: Desk) -> None:
    for request in (
        {},  # no body at all
        {"content": b"BilledCost\n1\n", "headers": {"Content-Type": "text/csv"}},
        {"data": {"note": "x"}, "files": {"other": ("a.csv", b"x")}},
        {"files": {"file": ("", b"")}},  # a form whose file was not chosen
        {"files": {"attachment": ("2026-01.csv", b"x")}},
    ):
        status, body = _post(desk, **request)
        assert status == 400, request
        assert set(body) >= ERROR_KEYS and body["error"] == "UploadError", body
    assert desk.count("ingests") == 0


def test_a_truncated_form_is_400(desk: Desk) -> None:
    boundary = "b0undary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n'
        "\r\nBilledCost\n1\n"
    ).encode()  # no closing boundary
    status, answer = _post(
        desk,
        content=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert status == 400 and answer["error"] == "UploadError"
    assert "closing multipart boundary" in answer["message"]
    assert desk.count("ingests") == 0


def test_a_file_of_no_known_format_is_422_before_it_is_read(desk: Desk) -> None:
    status, body = desk.upload("bill.xlsx", b"PK\x03\x04 not a bill")
    assert status == 422 and body["error"] == "IngestError"
    assert "cannot tell the file format" in body["message"] and ".parquet" in body["hint"]
    assert desk.count("ingests") == 0


def test_an_empty_file_is_422_saying_it_is_empty(desk: Desk) -> None:
    status, body = desk.upload("empty.csv", b"")
    assert status == 422 and body["error"] == "IngestError"
    assert "the file is empty" in body["message"]
    assert desk.count() == 0


def test_a_file_that_is_not_a_focus_export_is_rejected_naming_what_it_lacks(desk: Desk) -> None:
    status, body = desk.upload("notes.csv", b"name,amount\nalice,3\n")
    assert status == 422 and body["error"] == "IngestError"
    assert "BilledCost" in body["message"]
    assert body["results"][0]["status"] == "rejected" and desk.count() == 0


def test_a_path_in_the_file_name_is_not_followed(desk: Desk) -> None:
    status, body = desk.upload("../../etc/2026-01.csv", desk.bill().read_bytes())
    assert status == 200 and body[0]["file"] == "2026-01.csv"
    status, body = desk.upload("bill[1]*.csv", desk.bill("2026-02").read_bytes())
    assert status == 200 and body[0]["file"] == "bill_1__.csv"
    assert not _leftovers(desk)
