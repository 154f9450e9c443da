"""`make screenshots`: every main page of every role on the demo data, at 1280 and 360 px wide,
in Dutch and in English, as PNG files (full page) — to look at after a change to a template or
a chart.

    .venv/bin/python -m tests.browser.screenshots [OUT_DIR]   # default: screenshots/

A fresh SQLite database in a temporary folder gets the demo data; a server on 127.0.0.1 (a free
port) serves it for the run and stops with it. Files: OUT_DIR/<lang>/<width>/<role>-<page>.png.
"""

from __future__ import annotations

import sys
import tempfile
import threading
from datetime import date
from pathlib import Path

from sqlalchemy import select, update
from werkzeug.serving import make_server

from portfolio import create_app, migrate
from portfolio.db import standalone_session
from portfolio.models import User
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.browser.pages import PUBLIC_PAGES, ROLE_EMAILS, demo_world, log_in, main_pages

WIDTHS = {1280: 900, 360: 740}
LANGUAGES = ("nl", "en")


def _quiet() -> None:
    import logging

    logging.getLogger("werkzeug").setLevel(logging.WARNING)


def _serve(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _set_locale(engine, lang: str) -> None:
    with standalone_session(engine) as db:
        db.execute(update(User).where(User.email.in_(ROLE_EMAILS.values())).values(locale=lang))
        db.commit()


def run(out: Path) -> int:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/screens.sqlite3"
        migrate.upgrade(url)
        app = create_app(
            {
                "DATABASE_URL": url,
                "SECRET_KEY": "screenshots-" + "x" * 40,
                "MAIL_BACKEND": "console",
            }
        )
        engine = app.extensions["db_engine"]
        with standalone_session(engine) as db:
            demo_world(db, date.today())
            pages = main_pages(db, date.today().year)
            assert db.scalars(select(User)).first() is not None
        _quiet()
        server = _serve(app)
        base = f"http://127.0.0.1:{server.server_port}"
        count = 0
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                for lang in LANGUAGES:
                    _set_locale(engine, lang)
                    for width, height in WIDTHS.items():
                        folder_out = out / lang / str(width)
                        folder_out.mkdir(parents=True, exist_ok=True)
                        context = browser.new_context(
                            locale="nl-NL" if lang == "nl" else "en-GB",
                            viewport={"width": width, "height": height},
                        )
                        tab = context.new_page()
                        if lang == "en":  # anonymous pages follow the session's choice
                            tab.goto(f"{base}/login")
                            tab.locator(".lang-switch button").click()
                        for name, path in PUBLIC_PAGES:
                            tab.goto(base + path)
                            tab.screenshot(path=folder_out / f"public-{name}.png", full_page=True)
                            count += 1
                        context.close()
                        for role, items in pages.items():
                            context = browser.new_context(
                                locale="nl-NL", viewport={"width": width, "height": height}
                            )
                            tab = context.new_page()
                            log_in(tab, base, role)
                            for name, path in items:
                                tab.goto(base + path)
                                tab.screenshot(
                                    path=folder_out / f"{role}-{name}.png", full_page=True
                                )
                                count += 1
                            context.close()
                browser.close()
        finally:
            server.shutdown()
            engine.dispose()
    print(f"{count} screenshots in {out}/")
    return 0


if __name__ == "__main__":
    sys.exit(run(Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots")))
