"""What the services need to know of a request, handed to them without the request object."""

from __future__ import annotations

from flask import Flask, g, request

from portfolio.services.privacy import audit


def init_app(app: Flask) -> None:
    """Give the audit log the client's address for the duration of every request."""

    @app.before_request
    def remember_client_address() -> None:
        g.client_address_token = audit.client_address.set(request.remote_addr)

    @app.teardown_request
    def forget_client_address(_error: BaseException | None) -> None:
        token = g.pop("client_address_token", None)
        if token is not None:
            audit.client_address.reset(token)
