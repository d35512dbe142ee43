"""Static files: Plotly.js from the installed plotly package, and the pages' CSS and JS.

Plotly.js (about 4.9 MB, 1.4 MB gzipped) is read from the plotly package once per process
and served under a versioned path with ``Cache-Control: immutable`` for a year, so a
browser downloads it once per plotly release; no CDN, works offline.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
from pathlib import Path

import plotly
from fastapi import APIRouter, Request
from fastapi.responses import Response

from infracast.errors import NotFoundError

STATIC = Path(__file__).parent / "static"
YEAR = "public, max-age=31536000, immutable"
TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}

router = APIRouter(include_in_schema=False)


@functools.cache
def _plotly() -> tuple[bytes, bytes, str]:
    from plotly.offline import get_plotlyjs

    body = get_plotlyjs().encode()
    return body, gzip.compress(body, 6), hashlib.sha256(body).hexdigest()[:16]


@functools.cache
def _file(name: str) -> tuple[bytes, bytes, str]:
    body = (STATIC / name).read_bytes()
    return body, gzip.compress(body, 6), hashlib.sha256(body).hexdigest()[:16]


def _send(request: Request, found: tuple[bytes, bytes, str], media: str, cache: str) -> Response:
    body, zipped, tag = found
    etag = f'"{tag}"'
    headers = {"Cache-Control": cache, "ETag": etag, "Vary": "Accept-Encoding"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        return Response(zipped, media_type=media, headers=headers)
    return Response(body, media_type=media, headers=headers)


@router.get(f"/static/plotly-{plotly.__version__}.min.js")
def plotly_js(request: Request) -> Response:
    """Plotly.js of the installed plotly package, cached for a year."""
    return _send(request, _plotly(), TYPES[".js"], YEAR)


@router.get("/static/{name}")
def static_file(request: Request, name: str) -> Response:
    """The pages' own CSS and JS (revalidated by ETag: they change with infracast)."""
    path = STATIC / name
    if "/" in name or path.suffix not in TYPES or not path.is_file():
        raise NotFoundError(f"no static file {name!r}", hint="the pages load app.css and app.js")
    return _send(request, _file(name), TYPES[path.suffix], "no-cache")
