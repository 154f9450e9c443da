"""The app factory: configuration, no queries at build time, no scheduler."""

from __future__ import annotations

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from portfolio import create_app
from portfolio.config import DEV_SECRET_KEY, InsecureConfigError
from tests.conftest import app_config


def test_building_the_app_opens_no_database_connection(database_url):
    connections = []

    def on_connect(*_args):
        connections.append(1)

    event.listen(Engine, "connect", on_connect)
    try:
        app = create_app(app_config(database_url))
    finally:
        event.remove(Engine, "connect", on_connect)
    assert connections == []
    app.extensions["db_engine"].dispose()


@pytest.mark.parametrize("env_name", ["production", "staging"])
def test_the_development_secret_key_is_refused_outside_development(database_url, env_name):
    with pytest.raises(InsecureConfigError):
        create_app(app_config(database_url, ENV_NAME=env_name, SECRET_KEY=DEV_SECRET_KEY))


def test_a_short_secret_key_is_refused_in_production(database_url):
    with pytest.raises(InsecureConfigError):
        create_app(app_config(database_url, ENV_NAME="production", SECRET_KEY="short"))


def test_environment_variables_configure_the_database(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgres://someone@db.example:5432/vakbekwaam")
    app = create_app({"ENV_NAME": "test"})
    assert app.config["DATABASE_URL"].startswith("postgresql+psycopg://someone@db.example")


def test_the_default_database_is_sqlite_in_the_instance_folder(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"ENV_NAME": "test"})
    assert app.config["DATABASE_URL"] == f"sqlite:///{app.instance_path}/vakbekwaam.sqlite3"


def test_creating_the_app_does_not_import_the_heavy_libraries(database_url):
    """Charts, spreadsheets, PDFs, calendars, sign-in through a provider, the second step,
    photos and the privacy check load where they are used, not in every worker
    (a fresh interpreter: this test process has imported them already)."""
    import subprocess
    import sys

    heavy = (
        *("matplotlib", "numpy", "openpyxl", "reportlab", "icalendar", "pygments", "alembic"),
        # sign-in through a provider, the second step, photos and the privacy check
        *("authlib", "joserfc", "requests", "cryptography", "pyotp", "segno", "PIL"),
        *("phonenumbers", "stdnum"),
    )
    script = (
        "import sys\n"
        "from portfolio import create_app\n"
        "create_app({'ENV_NAME': 'test', 'SECRET_KEY': 'x' * 40, "
        f"'DATABASE_URL': {database_url!r}}})\n"
        f"print(','.join(m for m in {heavy!r} if m in sys.modules))\n"
    )
    found = subprocess.run(
        [sys.executable, "-c", script], check=True, capture_output=True, text=True, timeout=60
    )
    assert found.stdout.strip() == ""
