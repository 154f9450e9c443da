"""Vakbekwaam: the Flask application."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from portfolio import config as settings

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    """Build the app: config → database → extensions → blueprints → CLI. Runs no queries."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
    )
    app.config.from_mapping(settings.from_environment(app.instance_path))
    if config:
        app.config.from_mapping(config)
    settings.check(app.config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from portfolio import cli, db, errors, extensions, security, templating
    from portfolio.web import links, requests

    db.init_app(app)
    requests.init_app(app)
    links.init_app(app)
    extensions.init_app(app)
    security.init_app(app)
    templating.init_app(app)
    errors.init_app(app)
    _register_blueprints(app)
    cli.init_app(app)
    return app


def _register_blueprints(app: Flask) -> None:
    from portfolio.admin import bp as admin_bp
    from portfolio.auth import bp as auth_bp
    from portfolio.feedback import bp as feedback_bp
    from portfolio.hr import bp as hr_bp
    from portfolio.main import bp as main_bp
    from portfolio.notifications import bp as notifications_bp
    from portfolio.sessions import bp as sessions_bp
    from portfolio.supervisor import bp as supervisor_bp
    from portfolio.worker import bp as worker_bp

    for blueprint in (
        main_bp,
        auth_bp,
        notifications_bp,
        worker_bp,
        feedback_bp,
        sessions_bp,
        supervisor_bp,
        hr_bp,
        admin_bp,
    ):
        app.register_blueprint(blueprint)
