"""Receiving an uploaded file: a ``multipart/form-data`` body streamed to a file on disk.

The body is parsed as it arrives (python-multipart's push parser) and the one file part is
written to a private folder under the client's (cleaned) file name, never held in memory.
The upload is refused (413) as soon as the bytes received cross the limit, which
Starlette's own form parsing cannot do: it spools a file of any size before a route sees it.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, TYPE_CHECKING

import anyio
from fastapi import Request
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import ClientDisconnect

from infracast.errors import InfracastError, IngestError, InterruptError
from infracast.ledger import sources
from infracast.ledger.files import file_format_of

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks

FIELD = "file"
"""The multipart field that carries the uploaded file."""
MB = 1 << 20
_SLACK = 64 * 1024  # the multipart boundaries and part headers around the file's bytes
_FLUSH = 1 << 20  # write the received bytes to disk in pieces of about this size
_NAME_BYTES = 200  # a longer file name is refused (file systems stop at 255 bytes)
_CURL = 'curl -H "Authorization: Bearer $TOKEN" -F "file=@bill.csv" …/api/v1/ingests'


class UploadError(InfracastError):
    """A request to ``POST /api/v1/ingests`` that does not carry one file to ingest: not
    multipart, no file, a file without a name, or fields besides the file (HTTP 400)."""

    http_status = 400


class PayloadTooLarge(UploadError):
    """An upload larger than the server's ``upload_max_mb`` setting (HTTP 413); nothing of
    it was kept."""

    http_status = 413


def _safe_name(raw: str) -> str:
    """The last part of the client's file name, without what a path or glob would read."""
    name = raw.replace("\\", "/").rsplit("/", 1)[-1].strip()
    name = "".join("_" if ch in "*?[]" or ord(ch) < 32 or ch == "\x7f" else ch for ch in name)
    if name in ("", ".", ".."):
        raise UploadError(
            f"the upload's file has no name ({raw!r}).",
            hint=f"Send the file under its own name, e.g. {_CURL}",
            field=FIELD,
        )
    if len(name.encode()) > _NAME_BYTES:
        raise UploadError(
            f"the file name is longer than {_NAME_BYTES} bytes.",
            hint="Rename the file, keeping its extension (.csv, .csv.gz, .parquet).",
            field=FIELD,
        )
    return name


def _check_format(name: str, kind: str) -> None:
    """The rule of the ingest of ``kind`` for telling a file's format from its name."""
    if kind in ("focus", "usage"):
        file_format_of(Path(name), "FOCUS exports" if kind == "focus" else "Usage samples")
    elif not name.lower().endswith(sources.SPEC_SUFFIXES):
        raise IngestError(
            f"{name}: cannot tell the file format from its name.",
            hint=f"An {kind} file is {', '.join(sources.SPEC_SUFFIXES)}; rename the file.",
        )


def too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(
        f"the upload is larger than {limit / MB:g} MB, the server's limit; nothing of it was kept.",
        hint="Split the export into smaller files (e.g. one per billing period) or "
        "compress it (.csv.gz, .parquet); the server's operator can raise upload_max_mb "
        "(INFRACAST_UPLOAD_MAX_MB).",
    )


class _FileReceiver:
    """The callbacks of python-multipart's parser: the one file part's bytes go to a file
    in ``folder`` under the client's name, counted against ``limit``."""

    def __init__(self, folder: Path, kind: str, limit: int) -> None:
        self.folder, self.kind, self.limit = folder, kind, limit
        self.path: Path | None = None
        self.out: IO[bytes] | None = None
        self.size = 0
        self.pending: list[bytes] = []
        self.pending_size = 0
        self._in_file = False
        self.ended = False
        self._header_name = b""
        self._header_value = b""
        self._disposition = b""

    def callbacks(self) -> MultipartCallbacks:
        return {
            "on_part_begin": self._part_begin,
            "on_part_data": self._part_data,
            "on_part_end": self._part_end,
            "on_header_field": self._header_field,
            "on_header_value": self._header_value_part,
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_end": self._end,
        }

    def _end(self) -> None:
        self.ended = True

    def _part_begin(self) -> None:
        self._disposition = b""
        self._in_file = False

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def _header_value_part(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def _header_end(self) -> None:
        if self._header_name.lower() == b"content-disposition":
            self._disposition = self._header_value
        self._header_name = self._header_value = b""

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self._disposition)
        field = _text(options.get(b"name", b""))
        if b"filename" not in options:
            raise UploadError(
                f"the upload has a field {field!r} besides the file.",
                hint=f"Send only the file, in the field {FIELD!r}; the options of infracast "
                f"ingest go in the query string (?replace=true&day_first=true): {_CURL}",
                field=field or None,
            )
        if field != FIELD:
            raise UploadError(
                f"the file is in the field {field!r}; the upload takes it in {FIELD!r}.",
                hint=_CURL,
                field=field or None,
            )
        if self.path is not None:
            raise UploadError(
                "the upload holds more than one file.",
                hint="Upload one file per request; each is ingested in its own transaction.",
                field=FIELD,
            )
        raw = _text(options[b"filename"])
        if not raw.strip():
            raise UploadError(
                "the request holds no file (its file field is empty).",
                hint=f"Choose the file to upload: {_CURL}",
                field=FIELD,
            )
        name = _safe_name(raw)
        _check_format(name, self.kind)
        self.path = self.folder / name
        self.out = self.path.open("wb")
        self._in_file = True

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if not self._in_file:
            return
        self.size += end - start
        if self.size > self.limit:
            raise too_large(self.limit)
        self.pending.append(data[start:end])
        self.pending_size += end - start

    def _part_end(self) -> None:
        self._in_file = False

    async def flush(self, force: bool = False) -> None:
        """Write what has arrived to the file (in a thread: the event loop never waits on
        the disk)."""
        if self.out is None or not self.pending or (self.pending_size < _FLUSH and not force):
            return
        data, self.pending, self.pending_size = b"".join(self.pending), [], 0
        await anyio.to_thread.run_sync(self.out.write, data)

    def close(self) -> None:
        if self.out is not None:
            self.out.close()


def _text(value: bytes) -> str:
    try:
        return value.decode()
    except UnicodeDecodeError:
        return value.decode("latin-1")


async def receive(request: Request, folder: Path, kind: str, limit: int) -> Path:
    """Stream the request's one file to ``folder``; its path (under the client's name)."""
    content_type, params = parse_options_header(request.headers.get("content-type"))
    if content_type != b"multipart/form-data" or not params.get(b"boundary"):
        raise UploadError(
            "the upload is not multipart/form-data with a boundary "
            f"(Content-Type: {request.headers.get('content-type') or 'none'}).",
            hint=f"Send the file as a form upload in the field {FIELD!r}: {_CURL}",
        )
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + _SLACK:
        raise too_large(limit)
    receiver = _FileReceiver(folder, kind, limit)
    parser = MultipartParser(params[b"boundary"], receiver.callbacks())
    received = 0
    try:
        async for chunk in request.stream():
            received += len(chunk)
            if received > limit + _SLACK:
                raise too_large(limit)
            parser.write(chunk)
            await receiver.flush()
        parser.finalize()
        await receiver.flush(force=True)
    except ClientDisconnect as exc:
        raise InterruptError(
            "the upload was cut off before the whole file arrived; nothing was ingested.",
            hint="Upload the file again.",
        ) from exc
    except FormParserError as exc:
        raise UploadError(
            f"the upload is not valid multipart/form-data ({exc}).",
            hint=f"Send the file as a form upload: {_CURL}",
        ) from exc
    finally:
        receiver.close()
    if not receiver.ended:
        raise UploadError(
            "the upload ended before its closing multipart boundary; nothing was ingested.",
            hint=f"Send the whole form: {_CURL}",
        )
    if receiver.path is None:
        raise UploadError(
            f"the request holds no file: send it in the field {FIELD!r}.",
            hint=_CURL,
            field=FIELD,
        )
    return receiver.path
