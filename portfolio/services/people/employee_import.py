"""Employee import from a CSV file, as HR information systems export it.

The file
  - UTF-8 text, with or without a byte-order mark (Excel's "CSV UTF-8" and most HRIS exports);
  - `;` or `,` between the values (whichever the first line uses most); quotes as in RFC 4180;
  - the first line names the columns, in any order, in any case; empty lines are skipped.

Columns (Dutch names in brackets are accepted too)
  email   (e-mail)  required  the person's e-mail address: the log-in name, and how a person is
                              recognised when the file is imported again
  name    (naam)    required  the full name
  role    (rol)     optional  worker, supervisor, hr or admin (only an admin gives admin);
                              empty or without the column: worker for new people,
                              unchanged for others
  team    (team)    optional  the name of an existing team the person belongs to; empty: no team;
                              without the column: no team for new people, unchanged for others.
                              Who leads a team is set on the team's page, not in the file.
  active  (actief)  optional  yes/no, ja/nee, true/false, 1/0; empty: yes; without the column:
                              active for new people, unchanged for others
  start_date          optional  the employment start date (User.employment_started_on),
    (in_dienst)                 YYYY-MM-DD or DD-MM-YYYY (also D-M-YYYY, as Dutch HR systems
                              and Excel write it); empty: no date; without the column:
                              unchanged. An impossible date (31-02-2024) is an error of its
                              line that says why

Importing: `parse` (in `employee_csv`, re-exported here) checks the text line by line; `preview`
compares the rows with the database (create, update, unchanged) and adds the errors only the
database can tell (unknown team, an address in use elsewhere, a role the importer may not give);
given the whole `Parsed` file it keeps the file's own errors too. `apply` writes everything in
one transaction, set-based, or nothing when any line has an error (a preview with errors, the
file's or the database's, is refused before anything else). `apply` takes the preview the caller
made in the same transaction (the command line prints it, the web's confirmation checks the
signed text again) and checks anything older once more; the writes themselves refuse what
changed after the check (ConcurrentChange). People are matched by e-mail address, so a second
import updates instead of duplicating; nobody is deleted. New active people get an invitation
mail (`people_admin.invite_many`); deactivating ends all their sessions at once.
There is no employee-number column: the data model has none.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Column, Integer, any_, case, delete, func, literal, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from portfolio import access
from portfolio.infra import bulk
from portfolio.models import AuditEvent, Organisation, PasswordResetToken, Role, Team, TeamLead
from portfolio.models import User as UserModel
from portfolio.services.accounts import accounts
from portfolio.services.people import people_admin
from portfolio.services.people.employee_csv import (
    COLUMNS,
    MESSAGES,
    ImportRow,
    LineError,
    Parsed,
    decode,
    parse,
)
from portfolio.services.privacy import audit

__all__ = [
    "COLUMNS",
    "MESSAGES",
    "ConcurrentChange",
    "ImportRow",
    "LineError",
    "Parsed",
    "apply",
    "decode",
    "parse",
    "preview",
]

CHUNK = 5_000  # values per IN list (SQLite and PostgreSQL both stay far below their limits)
FIELDS = ("name", "role", "team_id", "is_active", "employment_started_on")  # what a file sets


@dataclass(frozen=True)
class Change:
    """An existing person whose `fields` the file changes."""

    row: ImportRow
    user_id: int
    fields: tuple[str, ...]
    values: dict  # FIELDS as they will be
    before: dict  # FIELDS as the preview read them: the write checks they are still so


@dataclass
class Preview:
    """What an import would do, or why it cannot."""

    errors: list[LineError]
    create: list[ImportRow] = field(default_factory=list)
    update: list[Change] = field(default_factory=list)
    unchanged: list[ImportRow] = field(default_factory=list)
    team_ids: dict[str, int | None] = field(default_factory=dict)  # by lower-case name
    rows: list[ImportRow] = field(default_factory=list, repr=False)  # what was checked
    # The file's own errors (`parse`'s), kept when `apply` checks the rows again.
    file_errors: list[LineError] = field(default_factory=list, repr=False)
    # (session transaction, organisation id, actor id) it was made in: see `apply`.
    basis: tuple = field(default=(), repr=False, compare=False)

    @property
    def is_valid(self) -> bool:
        """True when the import can be applied."""
        return not self.errors


@dataclass(frozen=True)
class Outcome:
    """What an applied import did."""

    created: int
    updated: int
    unchanged: int
    invited: int


class ConcurrentChange(RuntimeError):
    """Someone else wrote between the check and the write (an address taken, a team deleted):
    the database refused the import; nothing was written."""


class ImportRejected(ValueError):
    """The file has errors; nothing was written."""

    def __init__(self, errors: list[LineError]) -> None:
        super().__init__(f"{len(errors)} error(s)")
        self.errors = errors


def _chunks(db: Session, column, values: Sequence) -> Iterator:
    """`column IN values` as conditions of at most CHUNK values each.

    PostgreSQL gets one array parameter (`= ANY`): thousands of separate parameters cost more to
    plan than to run.
    """
    postgres = db.get_bind().dialect.name == "postgresql"
    for start in range(0, len(values), CHUNK):
        chunk = list(values[start : start + CHUNK])
        yield column == any_(literal(chunk, ARRAY(column.type))) if postgres else column.in_(chunk)


def _existing(db: Session, organisation_id: int) -> dict[str, dict]:
    """The organisation's people by e-mail address, as plain rows (one query)."""
    table = UserModel.__table__
    columns = ("id", "email", "name", "role", "team_id", "is_active", "employment_started_on")
    result = db.execute(
        select(*(table.c[c] for c in columns)).where(table.c.organisation_id == organisation_id)
    )
    return {row[1].lower(): dict(zip(columns, row, strict=True)) for row in result.tuples()}


def _taken_elsewhere(db: Session, organisation_id: int, emails: list[str]) -> set[str]:
    """Addresses among `emails` that accounts of other organisations use (unique instance-wide)."""
    table = UserModel.__table__
    taken: set[str] = set()
    for among in _chunks(db, table.c.email, emails):
        taken.update(
            db.scalars(
                select(table.c.email).where(among, table.c.organisation_id != organisation_id)
            )
        )
    return {email.lower() for email in taken}


def _team_ids(db: Session, organisation_id: int) -> dict[str, int]:
    teams = db.execute(select(Team.id, Team.name).where(Team.organisation_id == organisation_id))
    by_name: dict[str, int] = {}
    for team_id, name in sorted(teams, key=lambda t: t.id):
        by_name.setdefault(name.lower(), team_id)
    return by_name


def _check_actor(
    row: ImportRow, existing: dict | None, actor, allowed: frozenset[str]
) -> LineError | None:
    """Errors that depend on who imports (None: the command line, which may do anything)."""
    if actor is None:
        return None
    if existing is not None and existing["role"] not in allowed:
        return LineError(row.line, "person_not_allowed", {"value": row.email})
    if row.role is not None and row.role not in allowed:
        return LineError(row.line, "role_not_allowed", {"value": row.role})
    if (
        existing is not None
        and existing["id"] == actor.id
        and (row.is_active is False or (row.role is not None and row.role != existing["role"]))
    ):
        return LineError(row.line, "own_account")
    return None


def preview(
    db: Session, *, organisation_id: int, rows: list[ImportRow] | Parsed, actor=None
) -> Preview:
    """What importing `rows` would change, with the errors only the database can tell; given
    a `Parsed` file, its rows, with the file's own errors among the preview's.

    A constant number of queries: teams, the organisation's people, addresses used elsewhere.
    """
    file_errors = list(rows.errors) if isinstance(rows, Parsed) else []
    rows = rows.rows if isinstance(rows, Parsed) else rows
    result = Preview(
        errors=list(file_errors),
        team_ids=_team_ids(db, organisation_id),
        rows=rows,
        file_errors=file_errors,
    )
    existing = _existing(db, organisation_id)
    elsewhere = _taken_elsewhere(
        db, organisation_id, [r.email for r in rows if r.email not in existing]
    )
    allowed = frozenset(str(r) for r in access.assignable_roles(actor)) if actor else frozenset()
    for row in rows:
        person = existing.get(row.email)
        problems = [_check_actor(row, person, actor, allowed)]
        if person is None and row.email in elsewhere:
            problems.append(LineError(row.line, "email_taken", {"value": row.email}))
        if row.team and row.team.lower() not in result.team_ids:
            problems.append(LineError(row.line, "team_unknown", {"value": row.team}))
        problems = [p for p in problems if p is not None]
        if problems:
            result.errors += problems
        elif person is None:
            result.create.append(row)
        else:
            _compare(result, row, person)
    result.errors.sort(key=lambda e: e.line)
    result.basis = _basis(db, organisation_id, actor)
    return result


def _basis(db: Session, organisation_id: int, actor) -> tuple:
    """What a preview is only valid with: this transaction (a commit or rollback ends it), the
    organisation, the importer."""
    return (db.get_transaction(), organisation_id, actor.id if actor is not None else None)


def _target(result: Preview, row: ImportRow, person: dict | None) -> dict:
    """The person's values after the import (absent columns keep what is there)."""
    person = person or {
        "role": Role.WORKER.value,
        "team_id": None,
        "is_active": True,
        "employment_started_on": None,
    }
    return {
        "name": row.name,
        "role": row.role if row.role is not None else person["role"],
        "team_id": (result.team_ids.get(row.team.lower()) if row.team else None)
        if row.team is not None
        else person["team_id"],
        "is_active": row.is_active if row.is_active is not None else person["is_active"],
        "employment_started_on": row.start_date
        if row.has_start_date
        else person["employment_started_on"],
    }


def _compare(result: Preview, row: ImportRow, person: dict) -> None:
    values = _target(result, row, person)
    changed = tuple(name for name, value in values.items() if person[name] != value)
    if changed:
        before = {name: person[name] for name in FIELDS}
        result.update.append(Change(row, person["id"], changed, values, before))
    else:
        result.unchanged.append(row)


def apply(
    db: Session,
    *,
    organisation: Organisation,
    actor,
    now: datetime,
    base_url: str,
    rows: list[ImportRow] | Parsed | None = None,
    checked: Preview | None = None,
) -> Outcome:
    """Write the import of `rows`, or of the rows of the preview `checked`, in one transaction,
    set-based; ImportRejected and nothing written when any row has an error, and at once for a
    preview with errors (of the file too: lines `parse` could not read are not in its rows).
    `actor` is the importing user, or None for the command line.

    `checked` is used as it is only when `preview` made it in this session's current
    transaction, for the same organisation and actor; otherwise its rows are checked again
    (a preview shown in an earlier request proves nothing about the database now).

    ConcurrentChange when another transaction changed what was checked (an address taken, a
    team's key, a person to be updated changed since the check): the database or the write
    refuses it, nothing is written, a fresh preview tells why.
    """
    if (rows is None) == (checked is None):
        raise TypeError("apply needs either rows or a preview of them")
    if checked is not None and not checked.is_valid:
        raise ImportRejected(sorted(checked.errors, key=lambda e: e.line))
    try:
        if checked is None or checked.basis != _basis(db, organisation.id, actor):
            if checked is not None:  # checked again, the file's errors with it
                rows = Parsed(checked.rows, checked.file_errors)
            checked = preview(db, organisation_id=organisation.id, rows=rows, actor=actor)
        if not checked.is_valid:
            raise ImportRejected(checked.errors)
        new_ids = _insert_people(db, organisation, checked, now)
        _update_people(db, organisation, checked, now)
        invitees = [
            people_admin.Invitee(new_ids[row.email], row.email, row.name, "nl")
            for row in checked.create
            if row.is_active is not False
        ]
        invited = people_admin.invite_many(
            db, people=invitees, organisation=organisation, now=now, base_url=base_url
        )
        _audit(db, organisation, checked, new_ids, actor, now)
        db.flush()
    except BaseException as error:
        db.rollback()
        # COPY (PostgreSQL) raises the driver's error, executemany SQLAlchemy's wrapper of it.
        driver_error = db.get_bind().dialect.loaded_dbapi.IntegrityError
        if isinstance(error, IntegrityError | driver_error):
            raise ConcurrentChange(str(error)) from error
        raise
    return Outcome(len(checked.create), len(checked.update), len(checked.unchanged), invited)


def _insert_people(db: Session, organisation: Organisation, checked: Preview, now) -> dict:
    """Insert the new people (COPY on PostgreSQL); returns their ids by e-mail address."""
    if not checked.create:
        return {}
    password_hash = people_admin.unusable_password_hash()  # one hash for all: nobody knows it
    columns = (
        "organisation_id",
        "team_id",
        "email",
        "name",
        "role",
        "password_hash",
        "session_token",
        "is_active",
        "locale",
        "created_at",
        "deactivated_at",
        "employment_started_on",
    )
    rows = []
    for row in checked.create:
        values = _target(checked, row, None)
        rows.append(
            (
                organisation.id,
                values["team_id"],
                row.email,
                row.name,
                values["role"],
                password_hash,
                accounts.new_session_token(),
                values["is_active"],
                "nl",
                now,
                None if values["is_active"] else now,
                values["employment_started_on"],
            )
        )
    return bulk.insert_rows_returning_ids(
        db, UserModel.__table__, columns, rows, key="email", binary=True
    )


def _update_people(db: Session, organisation: Organisation, checked: Preview, now) -> None:
    """Write the changed people set-based: their values into a temporary table (COPY on
    PostgreSQL), then one UPDATE … FROM it, only where a row still holds what the preview read.
    Anyone changed since (by HR, another import): ConcurrentChange."""
    if not checked.update:
        return
    users = UserModel.__table__
    rows, deactivating, demoting = [], False, False
    for change in checked.update:
        new, old = change.values, change.before
        # A new session token ends all sessions of a deactivated person.
        token = accounts.new_session_token() if old["is_active"] and not new["is_active"] else None
        deactivating |= token is not None
        demoting |= new["role"] != old["role"] and new["role"] != Role.SUPERVISOR.value
        rows.append(
            (
                change.user_id,
                *(new[f] for f in FIELDS),
                token,
                now if token else None,
                *(old[f] for f in FIELDS),
            )
        )
    with bulk.scratch_table(
        db,
        "import_change",
        Column("id", Integer, primary_key=True),
        *(Column(f, users.c[f].type) for f in (*FIELDS, "session_token", "deactivated_at")),
        *(Column(f"was_{f}", users.c[f].type) for f in FIELDS),
    ) as changes:
        bulk.insert_rows(db, changes, [c.name for c in changes.columns], rows, binary=True)
        new, was = changes.c, {f: changes.c[f"was_{f}"] for f in FIELDS}
        updated = db.execute(
            update(users)
            .where(
                users.c.id == new.id,
                users.c.organisation_id == organisation.id,
                *(users.c[f].is_not_distinct_from(was[f]) for f in FIELDS),
            )
            .values(
                {
                    **{f: new[f] for f in FIELDS},
                    "session_token": func.coalesce(new.session_token, users.c.session_token),
                    "deactivated_at": case(
                        (new.is_active == was["is_active"], users.c.deactivated_at),
                        else_=new.deactivated_at,
                    ),
                }
            )
        ).rowcount
        if updated != len(rows):
            raise ConcurrentChange(f"{len(rows) - updated} people changed since the check")
        if deactivating:  # their open invitation and reset links die with their sessions
            tokens = PasswordResetToken.__table__
            db.execute(
                update(tokens)
                .where(
                    tokens.c.user_id.in_(select(new.id).where(new.session_token.is_not(None))),
                    tokens.c.used_at.is_(None),
                )
                .values(used_at=now)
            )
        if demoting:  # only supervisors lead teams
            leads = TeamLead.__table__
            db.execute(
                delete(leads).where(
                    leads.c.user_id.in_(
                        select(new.id).where(
                            new.role != was["role"], new.role != Role.SUPERVISOR.value
                        )
                    )
                )
            )


def _audit(db: Session, organisation, checked: Preview, new_ids: dict, actor, now) -> None:
    """One event for the import (counts), one per person changed (ids and field names)."""
    summary = audit.record(
        db,
        actor=actor,
        action="people_imported",
        organisation_id=organisation.id,
        detail=f"created={len(checked.create)} updated={len(checked.update)} "
        f"unchanged={len(checked.unchanged)}",
    )
    summary.at = now
    actor_id = actor.id if actor else None
    events = [
        (
            organisation.id,
            actor_id,
            "person_created",
            new_ids[row.email],
            "user",
            None,
            summary.ip_address,
            now,
        )
        for row in checked.create
    ]
    events += [
        (
            organisation.id,
            actor_id,
            "person_updated",
            c.user_id,
            "user",
            "fields=" + ",".join(c.fields),
            summary.ip_address,
            now,
        )
        for c in checked.update
    ]
    bulk.insert_rows(
        db,
        AuditEvent.__table__,
        (
            "organisation_id",
            "actor_id",
            "action",
            "subject_user_id",
            "subject_type",
            "detail",
            "ip_address",
            "at",
        ),
        events,
        binary=True,
    )
