"""Page weight: static files under content-hashed names, cached for a year; text compressed.

`asset_url("css/app.css")` gives /assets/css/app.<hash>.css, where <hash> is the first 12 hex
digits of the file's SHA-256: a changed file gets a new name, so browsers and proxies may keep
each name forever (`public, max-age=31536000, immutable`). An old name after a deploy answers 404
rather than new content. /static/… keeps working, cached briefly. Flask-Compress compresses text
responses (HTML, CSS, JS, JSON, SVG, plain text) with zstd, Brotli or gzip, as the browser
accepts; streamed exports are sent as they are (a reverse proxy may compress those).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from flask import Blueprint, Flask, abort, current_app, g, send_from_directory
from flask_compress import Compress

from portfolio import access
from portfolio.web.links import fixed_url

bp = Blueprint("assets", __name__)
YEAR_SECONDS = 365 * 24 * 3600
_HASHED = re.compile(r"^(?P<stem>.+)\.(?P<digest>[0-9a-f]{12})(?P<suffix>\.[A-Za-z0-9]+)$")
compress = Compress()


def _digests(folder: Path) -> dict[str, str]:
    """{relative path: digest} of every file under the static folder."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def asset_url(filename: str) -> str:
    """The content-hashed URL of a static file (the plain /static URL for an unknown one)."""
    digest = current_app.extensions["asset_digests"].get(filename)
    if digest is None:
        return fixed_url("static", filename=filename)
    stem, dot, suffix = filename.rpartition(".")
    return fixed_url("assets.asset", name=f"{stem}.{digest}.{suffix}" if dot else filename)


@bp.route("/assets/<path:name>")
@access.public
def asset(name: str):
    """A static file by its hashed name, cached for a year."""
    found = _HASHED.match(name)
    if not found:
        abort(404)
    filename = found["stem"] + found["suffix"]
    if current_app.extensions["asset_digests"].get(filename) != found["digest"]:
        abort(404)
    response = send_from_directory(current_app.static_folder, filename, max_age=YEAR_SECONDS)
    response.cache_control.public = True
    response.cache_control.immutable = True
    g.long_lived_response = True  # security.set_security_headers keeps this Cache-Control
    return response


def init_app(app: Flask) -> None:
    """Hash the static files, register the route and the template helper, compress text."""
    app.extensions["asset_digests"] = _digests(Path(app.static_folder))
    app.config.setdefault("SEND_FILE_MAX_AGE_DEFAULT", 3600)
    app.config.setdefault(
        "COMPRESS_MIMETYPES",
        [
            "text/html",
            "text/css",
            "text/plain",
            "text/javascript",
            "application/javascript",
            "application/json",
            "image/svg+xml",
        ],
    )
    app.config.setdefault("COMPRESS_STREAMS", False)
    app.config.setdefault("COMPRESS_BR_LEVEL", 4)
    app.config.setdefault("COMPRESS_LEVEL", 6)
    compress.init_app(app)
    app.register_blueprint(bp)
    app.jinja_env.globals["asset_url"] = asset_url
