"""The JSON API over the library (FastAPI): :func:`create_app`."""

from infracast.server.app import create_app

__all__ = ["create_app"]
