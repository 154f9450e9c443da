"""Alembic, driven from code so the CLI, Makefile and tests share one configuration."""

from __future__ import annotations

from typing import TYPE_CHECKING

from portfolio import ROOT

if TYPE_CHECKING:  # alembic (with mako and pygments) is imported only to migrate
    from alembic.config import Config


def alembic_config(database_url: str) -> Config:
    """An Alembic config for `database_url` using the migrations folder."""
    from alembic.config import Config

    config = Config(str(ROOT / "migrations" / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    config.attributes["skip_logging"] = True  # keep the caller's logging as it is
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Upgrade the database to `revision`."""
    from alembic import command

    command.upgrade(alembic_config(database_url), revision)


def check(database_url: str) -> None:
    """Fail when the models and the migrations differ (alembic check)."""
    from alembic import command

    command.check(alembic_config(database_url))
