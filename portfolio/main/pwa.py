"""The installable web app: manifest, service worker and the Dutch offline page (issue 15).

Progressive enhancement only: without JavaScript or service workers every page works as before.
The service worker is served from the site's root so that its scope is the whole site; it caches
the app shell (the offline page and the static files below) and never a page of a person.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

from flask import Response, current_app, render_template, url_for
from flask_babel import force_locale

from portfolio import access
from portfolio.main import bp

THEME_COLOUR = "#0b5c7a"
# The app shell: what the offline page and a page without connection need.
SHELL_FILES = (
    "css/app.css",
    "js/app.js",
    "js/offline.js",
    "icons/icon-192.png",
    "icons/icon-512.png",
)


@bp.route("/manifest.webmanifest")
@access.public
def manifest():
    """The web app manifest: Dutch name, icons, theme colour, start on the worker's dashboard."""
    data = {
        "name": "Vakbekwaam — je portfolio",
        "short_name": "Vakbekwaam",
        "description": "Je professionele ontwikkeling als sociaal werker, vastgelegd waar het werk "
        "gebeurt.",
        "lang": "nl-NL",
        "dir": "ltr",
        "id": "/portfolio/",
        "start_url": url_for("worker.dashboard"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOUR,
        "icons": [
            {
                "src": url_for("static", filename=f"icons/icon-{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": "any",
            }
            for size in (192, 512)
        ]
        + [
            {
                "src": url_for("static", filename="icons/icon-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            }
        ],
    }
    response = Response(json.dumps(data, ensure_ascii=False), mimetype="application/manifest+json")
    response.headers["Cache-Control"] = "no-cache"
    return response


@cache
def _worker_script(static_folder: str) -> str:
    """sw.js with its version (a hash of the shell files, so that a change installs anew) and
    its list of files filled in."""
    root = Path(static_folder)
    digest = hashlib.sha256()
    for name in (*SHELL_FILES, "pwa/sw.js"):
        digest.update((root / name).read_bytes())
    files = [f"/static/{name}" for name in SHELL_FILES]
    return (
        (root / "pwa/sw.js")
        .read_text(encoding="utf-8")
        .replace("__VERSION__", digest.hexdigest()[:12])
        .replace("__STATIC_FILES__", json.dumps(files))
    )


@bp.route("/sw.js")
@access.public
def service_worker():
    """The service worker, from the root so that it may serve every page of the site."""
    script = _worker_script(current_app.static_folder)
    if current_app.debug:
        _worker_script.cache_clear()
    response = Response(script, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.route("/offline")
@access.public
def offline():
    """The page the service worker shows when a page cannot be fetched: in Dutch, with nothing
    of any person on it (it is cached), and the entries kept on this device."""
    with force_locale("nl"):
        html = render_template("main/offline.html")
    response = Response(html, mimetype="text/html")
    response.headers["Cache-Control"] = "no-cache"
    return response
