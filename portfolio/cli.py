"""Command line: `flask --app portfolio <command>`."""

from __future__ import annotations

import json
import sys
import time
from datetime import date
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

import competencies
from portfolio import db
from portfolio.models import Role


def init_app(app: Flask) -> None:
    """Register the commands."""
    for command in (
        db_upgrade,
        demo_data,
        norm_status,
        create_user,
        scheduler,
        sweep,
        import_employees,
        read_certificate,
    ):
        app.cli.add_command(command)


@click.command("db-upgrade")
@with_appcontext
def db_upgrade() -> None:
    """Upgrade the database schema to the newest migration."""
    from portfolio import migrate  # alembic: for this command only

    migrate.upgrade(current_app.config["DATABASE_URL"])
    click.echo(f"Database upgraded: {db.engine().url.render_as_string(hide_password=True)}")


@click.command("demo-data")
@click.option("--workers", default=12, show_default=True, help="Synthetic workers to add.")
@click.option("--years", default=5, show_default=True, help="Years of history per worker.")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database has accounts.")
@with_appcontext
def demo_data(workers: int, years: int, if_empty: bool) -> None:
    """Create a demo organisation with one log-in per role and synthetic history."""
    from portfolio import demo

    with db.unit_of_work() as session:
        if if_empty and demo.has_accounts(session):
            click.echo("Demo data: the database already has accounts; nothing added.")
            demo.print_logins(click.echo)
            return
        started = time.perf_counter()
        total = workers + demo.DEMO_WORKER_COUNT
        with click.progressbar(length=total, label="Creating history", file=sys.stderr) as bar:
            demo.create(
                session, workers=workers, years=years, today=date.today(), progress=bar.update
            )
        elapsed = time.perf_counter() - started
    click.echo(f"Demo data created: {workers} synthetic workers in {elapsed:.1f} s.")
    demo.print_logins(click.echo)


def _read_json(path: Path, what: str) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise click.ClickException(f"cannot read {what} file {path}: {exc.strerror}") from exc
    except json.JSONDecodeError as exc:
        raise click.ClickException(
            f"{what} file {path} is not valid JSON: {exc.msg} at line {exc.lineno}, "
            f"column {exc.colno}"
        ) from exc


@click.command("norm-status")
@click.option(
    "--norm", "norm_id", required=True, help="Norm id, e.g. skj-jeugd-gezinsprofessional."
)
@click.option("--activities", "activities_file", required=True, type=click.Path(path_type=Path))
@click.option("--as-of", "as_of", required=True, help="YYYY-MM-DD")
@click.option("--thresholds", "thresholds_file", type=click.Path(path_type=Path), default=None)
@with_appcontext
def norm_status(
    norm_id: str, activities_file: Path, as_of: str, thresholds_file: Path | None
) -> None:
    """Print the status of a norm for a set of activities, as JSON."""
    try:
        as_of_date = date.fromisoformat(as_of)
    except ValueError as exc:
        raise click.BadParameter(
            f"{as_of!r} is not a date (YYYY-MM-DD)", param_hint="--as-of"
        ) from exc
    try:
        norm = competencies.load_norm(norm_id)
    except KeyError as exc:
        raise click.ClickException(str(exc.args[0] if exc.args else exc)) from exc
    if thresholds_file is not None:
        try:
            norm = norm.with_thresholds(_read_json(thresholds_file, "thresholds"))
        except ValueError as exc:
            raise click.ClickException(f"thresholds: {exc}") from exc
    try:
        parsed = competencies.parse_norm_input(_read_json(activities_file, "activities"))
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    status = competencies.norm_status(
        norm, parsed.registered_on, parsed.activities, as_of=as_of_date
    )
    click.echo(json.dumps(status.to_dict(), indent=2, ensure_ascii=False))


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.WORKER.value)
@click.option("--organisation", "organisation_slug", required=True, help="Organisation slug.")
@click.option("--team", "team_name", default=None, help="Team name within the organisation.")
@click.password_option(help="12–128 characters; asked for when not given.")
@with_appcontext
def create_user(
    email: str, name: str, role: str, organisation_slug: str, team_name: str | None, password: str
) -> None:
    """Create an account."""
    from portfolio.services.accounts import admin_cli

    with db.unit_of_work() as session:
        try:
            user = admin_cli.create_account(
                session,
                email=email,
                name=name,
                role=Role(role),
                organisation_slug=organisation_slug,
                team_name=team_name,
                password=password,
            )
        except ValueError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(f"Created {user.role} {user.email} (id {user.id}).")


@click.command("scheduler")
@with_appcontext
def scheduler() -> None:
    """Run the scheduler (reminders and mail delivery). Run exactly one, beside the web app."""
    from portfolio.scheduler import build_scheduler

    app = current_app._get_current_object()
    click.echo("Scheduler started (Europe/Amsterdam): reminder-sweep daily 07:00, outbox 1 min.")
    build_scheduler(app).start()


@click.command("sweep")
@click.option(
    "--now", "now_text", default=None, help="ISO date-time to sweep at (tests, catch-up)."
)
@with_appcontext
def sweep(now_text: str | None) -> None:
    """Run the reminder sweep and the mail delivery once, now."""
    from datetime import datetime

    from portfolio.scheduler import run_outbox_delivery, run_reminder_sweep

    now = None
    if now_text:
        try:
            now = datetime.fromisoformat(now_text)
        except ValueError as exc:
            raise click.BadParameter(f"{now_text!r} is not an ISO date-time") from exc
        if now.tzinfo is None:
            raise click.BadParameter("give a time zone, e.g. 2026-11-23T07:00+01:00")
    app = current_app._get_current_object()
    result = run_reminder_sweep(app, now)
    delivered = run_outbox_delivery(app, now)
    click.echo(
        f"Reminders sent: {result.sent}, superseded: {result.superseded}, "
        f"obsolete: {result.obsolete}, failed: {result.failed}; mails delivered: {delivered}."
    )


@click.command("import-employees")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--organisation", "organisation_id", required=True, type=int, help="Organisation id.")
@click.option("--dry-run", is_flag=True, help="Check and count the changes; write nothing.")
@with_appcontext
def import_employees(file: Path, organisation_id: int, dry_run: bool) -> None:
    """Import employees from a CSV file (columns: README, "Employee import (CSV)").

    Prints every problem with its line number and exits with status 1 without writing anything;
    otherwise writes everything in one transaction and prints the counts.
    """
    from flask_babel import force_locale

    from portfolio import clock
    from portfolio.models import Organisation
    from portfolio.services.people import employee_import as importer

    with db.unit_of_work() as session, force_locale("en"):
        organisation = session.get(Organisation, organisation_id)
        if organisation is None:
            raise click.ClickException(f"no organisation with id {organisation_id}")
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise click.ClickException(f"cannot read {file}: {exc.strerror}") from exc
        try:
            parsed = importer.parse(importer.decode(data))
        except ValueError:
            parsed = importer.Parsed([], [importer.LineError(1, "not_text")])
        checked = importer.preview(session, organisation_id=organisation.id, rows=parsed.rows)
        errors = sorted(parsed.errors + checked.errors, key=lambda e: e.line)
        if errors:
            for error in errors:
                click.echo(f"{file.name}, line {error.line}: {error.message}", err=True)
            click.echo(f"{len(errors)} problem(s); nothing was imported.", err=True)
            raise click.exceptions.Exit(1)
        if dry_run:
            session.rollback()
            click.echo(
                f"Dry run, nothing written: {len(checked.create)} to add, "
                f"{len(checked.update)} to change, {len(checked.unchanged)} unchanged."
            )
            return
        try:
            outcome = importer.apply(  # the preview above, made in this transaction
                session,
                organisation=organisation,
                checked=checked,
                actor=None,
                now=clock.now(),
                base_url=current_app.config["PUBLIC_BASE_URL"],
            )
        except importer.ImportRejected as rejected:  # the data changed since the check above
            for error in rejected.errors:
                click.echo(f"{file.name}, line {error.line}: {error.message}", err=True)
            raise click.ClickException("nothing was imported") from rejected
        except importer.ConcurrentChange as exc:
            raise click.ClickException(
                "someone changed people or teams while importing; nothing was imported. "
                "Run the import again."
            ) from exc
    click.echo(
        f"Imported: {outcome.created} added ({outcome.invited} invited by e-mail), "
        f"{outcome.updated} changed, {outcome.unchanged} unchanged."
    )


READ_FAILURES = {  # nosec B105
    "pdf_password": "the PDF is protected with a password; save it without one and try again",
    "pdf_broken": "the PDF is damaged and cannot be opened",
    "pdf_too_large": "the PDF is too large to read",
    "truncated": "the picture is incomplete (truncated); take or send it again",
    "too_many_pixels": "the picture has too many pixels to read safely",
    "not_an_image": "the file is not a picture that can be opened",
    "no_text": "no certificate text found (a blank page, or not a certificate)",
    "ocr_missing": "Tesseract OCR is not installed (make ocr installs it)",
    "wrong_type": "not a PDF, JPEG, PNG or HEIC file",
}


@click.command("read-certificate")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def read_certificate(file: Path) -> None:
    """Read a certificate (PDF or photo) on this machine and print what it says as JSON."""
    from portfolio.services.entries import certificate_reading

    try:
        reading = certificate_reading.read(file.read_bytes())
    except certificate_reading.Unreadable as error:
        click.echo(
            f"{file}: cannot read: {READ_FAILURES.get(error.reason, error.reason)}", err=True
        )
        sys.exit(2)
    click.echo(json.dumps(reading.as_json(), ensure_ascii=False, indent=2))
