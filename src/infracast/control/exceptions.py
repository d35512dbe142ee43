"""The errors of control beyond :class:`~infracast.errors.ControlError`."""

from __future__ import annotations

from infracast.errors import ControlError, NotFoundError


class UnknownNameError(ControlError, NotFoundError):
    """A budget, project, task or plan named by the user is not in the ledger.

    Both a :class:`ControlError` (as every error of control) and a
    :class:`NotFoundError` (HTTP 404): the message offers the closest name and
    the hint the command that lists the names there are.
    """

    http_status = 404
