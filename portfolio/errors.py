"""One family of domain errors, and the one handler that answers them.

Services raise these; views let them pass. The handler turns them into the HTTP answer:
`NotFound` → 404 (also for what exists but is not the viewer's: no role learns that it exists),
`NotAllowed` → 403, `Conflict` → 409. Errors with their own page stay ordinary exceptions that
the view catches (a locked entry, a stale form).
"""

from __future__ import annotations

from flask import Flask, current_app
from werkzeug.exceptions import default_exceptions


class DomainError(Exception):
    """The base of the family; `status` is the HTTP answer when a view lets it pass."""

    status = 400


class NotFound(DomainError, LookupError):
    """It does not exist, or it is not the viewer's to see (answered alike: 404)."""

    status = 404


class NotAllowed(DomainError, PermissionError):
    """The viewer may see it but not do this (403)."""

    status = 403


class Conflict(DomainError):
    """Somebody else changed it first (409)."""

    status = 409


def init_app(app: Flask) -> None:
    """Answer every domain error a view let pass with its status and the error page."""

    def answer(error: DomainError):
        return current_app.handle_http_exception(default_exceptions[error.status]())

    app.register_error_handler(DomainError, answer)
