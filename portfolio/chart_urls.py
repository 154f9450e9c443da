"""Charts as their own URLs: content-hashed, privately cached, authorised as their page is.

A page names a chart by a digest of its input (the plain values the chart is drawn from, texts
already in the viewer's language), so a changed chart gets a new URL and the browser may keep
each one for a year (`private`: never in a shared cache). The chart's route is guarded like the
page it belongs to and computes the input again from the database (no state between the two
requests: any gunicorn worker or machine can answer); when the digest no longer matches (the
data changed in between) it answers the current chart, not cached. matplotlib is imported by
the chart routes only.
"""

from __future__ import annotations

import hashlib
import json

from flask import Response, g


def chart_digest(kind: str, data: object) -> str:
    """20 hex digits of the chart's input: the same input, the same URL."""
    encoded = json.dumps([kind, data], sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.blake2b(encoded.encode(), digest_size=10).hexdigest()


def svg_response(svg: str, *, kind: str, data: object, digest: str) -> Response:
    """The chart as image/svg+xml: cached for a year by this browser when `digest` is current."""
    response = Response(svg, mimetype="image/svg+xml")
    if chart_digest(kind, data) == digest:
        response.headers["Cache-Control"] = "private, max-age=31536000, immutable"
    else:
        response.headers["Cache-Control"] = "private, no-cache"
    g.long_lived_response = True  # security.set_security_headers keeps this Cache-Control
    return response
