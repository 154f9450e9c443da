"""The WSGI app P8 serves through gunicorn: the product app as the README starts it
(`portfolio:create_app()`, configured from the environment), plus the bare floor route, so both
are measured on the same server."""

from __future__ import annotations

from bench.first_page import add_bare_routes
from portfolio import create_app

app = create_app()
add_bare_routes(app)
