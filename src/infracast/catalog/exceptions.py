"""The catalog's errors: names it does not know, as NotFoundErrors that stay CatalogErrors.

An unknown accelerator, server, provider or region is something the user named
that does not exist (:class:`~infracast.errors.NotFoundError`, HTTP 404); it is
also a :class:`~infracast.errors.CatalogError`, so ``except CatalogError`` keeps
catching it. Each message has the closest names and the command that lists them.
"""

from __future__ import annotations

from infracast.errors import CatalogError, NotFoundError


class UnknownAcceleratorError(CatalogError, NotFoundError):
    """An accelerator name that is neither a catalog name nor an alias."""

    http_status = 404


class UnknownServerError(CatalogError, NotFoundError):
    """A server name that matches no owned-server price in the catalog."""

    http_status = 404


class UnknownProviderError(CatalogError, NotFoundError):
    """A provider the price book has no price from."""

    http_status = 404


class UnknownRegionError(CatalogError, NotFoundError):
    """A region the price book has no price in."""

    http_status = 404
