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
                              without the column: worker for new people, unchanged for others
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

Importing: `parse` (in `employee_csv`, re-exported here) checks the text line by line;
`preview` compares the rows with the database (create, update, unchanged) and adds the errors
only the database can tell (unknown team, an address in use elsewhere, a role the importer may
not give); `apply` writes everything in one transaction, set-based, or nothing when any line has
an error. People are matched by e-mail address, so a second import updates instead of
duplicating; nobody is deleted. New active people get an invitation mail
(`people_admin.invite_many`); deactivating ends all their sessions at once.
There is no employee-number column: the data model has none.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import any_, bindparam, delete, literal, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from portfolio import access
from portfolio.models import AuditEvent, Organisation, PasswordResetToken, Role, Team, TeamLead
from portfolio.models import User as UserModel
from portfolio.services import accounts, audit, bulk, people_admin
from portfolio.services.employee_csv import (
    COLUMNS,
    MESSAGES,
    ImportRow,
    LineError,
    Parsed,
    decode,
    parse,
)

__all__ = ["COLUMNS", "MESSAGES", "ConcurrentChange", "ImportRow", "LineError", "Parsed", "apply",
           "decode", "parse", "preview"]  # fmt: skip

CHUNK = 5_000  # values per IN list (SQLite and PostgreSQL both stay far below their limits)


@dataclass(frozen=True)
class Change:
    """An existing person whose `fields` the file changes."""

    row: ImportRow
    user_id: int
    fields: tuple[str, ...]
    values: dict  # name, role, team_id, is_active, employment_started_on as they will be


@dataclass
class Preview:
    """What an import would do, or why it cannot."""

    errors: list[LineError]
    create: list[ImportRow] = field(default_factory=list)
    update: list[Change] = field(default_factory=list)
    unchanged: list[ImportRow] = field(default_factory=list)
    team_ids: dict[str, int | None] = field(default_factory=dict)  # by lower-case name

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
    return {row.email.lower(): row._asdict() for row in result}


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


def _check_actor(row: ImportRow, existing: dict | None, actor) -> LineError | None:
    """Errors that depend on who imports (None: the command line, which may do anything)."""
    if actor is None:
        return None
    allowed = {str(r) for r in access.assignable_roles(actor)}
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


def preview(db: Session, *, organisation_id: int, rows: list[ImportRow], actor=None) -> Preview:
    """What importing `rows` would change, with the errors only the database can tell.

    A constant number of queries: teams, the organisation's people, addresses used elsewhere.
    """
    result = Preview(errors=[], team_ids=_team_ids(db, organisation_id))
    existing = _existing(db, organisation_id)
    elsewhere = _taken_elsewhere(db, organisation_id, [r.email for r in rows if r.email
                                                       not in existing])  # fmt: skip
    for row in rows:
        person = existing.get(row.email)
        problems = [_check_actor(row, person, actor)]
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
    return result


def _target(result: Preview, row: ImportRow, person: dict | None) -> dict:
    """The person's values after the import (absent columns keep what is there)."""
    person = person or {"role": Role.WORKER.value, "team_id": None, "is_active": True,
                        "employment_started_on": None}  # fmt: skip
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
        result.update.append(Change(row, person["id"], changed, values))
    else:
        result.unchanged.append(row)


def apply(
    db: Session, *, organisation: Organisation, rows: list[ImportRow], actor, now: datetime,
    base_url: str,
) -> Outcome:  # fmt: skip
    """Write the import in one transaction, set-based; ImportRejected and nothing written when
    any row has an error. `actor` is the importing user, or None for the command line. Commits.

    ConcurrentChange when the database refuses a row another transaction made invalid after the
    check (a unique address, a team's key): nothing is written, a fresh preview tells why.
    """
    try:
        checked = preview(db, organisation_id=organisation.id, rows=rows, actor=actor)
        if not checked.is_valid:
            raise ImportRejected(checked.errors)
        new_ids = _insert_people(db, organisation, checked, now)
        _update_people(db, checked, now)
        invitees = [
            people_admin.Invitee(new_ids[row.email], row.email, row.name, "nl")
            for row in checked.create
            if row.is_active is not False
        ]
        invited = people_admin.invite_many(
            db, people=invitees, organisation=organisation, now=now, base_url=base_url
        )
        _audit(db, organisation, checked, new_ids, actor, now)
        db.commit()
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
    columns = ("organisation_id", "team_id", "email", "name", "role", "password_hash",
               "session_token", "is_active", "locale", "created_at", "deactivated_at",
               "employment_started_on")  # fmt: skip
    rows = []
    for row in checked.create:
        values = _target(checked, row, None)
        rows.append((organisation.id, values["team_id"], row.email, row.name, values["role"],
                     password_hash, accounts.new_session_token(), values["is_active"], "nl", now,
                     None if values["is_active"] else now,
                     values["employment_started_on"]))  # fmt: skip
    table = UserModel.__table__
    bulk.insert_rows(db, table, columns, rows)
    emails = [row.email for row in checked.create]
    ids = {}
    for among in _chunks(db, table.c.email, emails):
        ids.update(db.execute(select(table.c.email, table.c.id).where(among)).all())
    return ids


def _update_people(db: Session, checked: Preview, now: datetime) -> None:
    """Changed names, roles, teams and start dates in one executemany; (de)activations
    set-based."""
    if not checked.update:
        return
    table = UserModel.__table__
    db.execute(
        update(table)
        .where(table.c.id == bindparam("person_id"))
        .values(name=bindparam("new_name"), role=bindparam("new_role"),
                team_id=bindparam("new_team_id"),
                employment_started_on=bindparam("new_started_on")),
        [{"person_id": c.user_id, "new_name": c.values["name"], "new_role": c.values["role"],
          "new_team_id": c.values["team_id"],
          "new_started_on": c.values["employment_started_on"]} for c in checked.update],
    )  # fmt: skip
    deactivated = [c.user_id for c in checked.update
                   if "is_active" in c.fields and not c.values["is_active"]]  # fmt: skip
    if deactivated:
        # A new session token per person ends all their sessions (accounts.load_session_user).
        db.execute(
            update(table)
            .where(table.c.id == bindparam("person_id"))
            .values(is_active=False, deactivated_at=now, session_token=bindparam("token")),
            [{"person_id": i, "token": secrets.token_hex(16)} for i in deactivated],
        )
    reactivated = [c.user_id for c in checked.update
                   if "is_active" in c.fields and c.values["is_active"]]  # fmt: skip
    demoted = [c.user_id for c in checked.update
               if "role" in c.fields and c.values["role"] != Role.SUPERVISOR.value]  # fmt: skip
    tokens = PasswordResetToken.__table__
    for among in _chunks(db, table.c.id, reactivated):
        db.execute(update(table).where(among).values(is_active=True, deactivated_at=None))
    for among in _chunks(db, tokens.c.user_id, deactivated):
        db.execute(update(tokens).where(among, tokens.c.used_at.is_(None)).values(used_at=now))
    leads = TeamLead.__table__
    for among in _chunks(db, leads.c.user_id, demoted):  # only supervisors lead teams
        db.execute(delete(leads).where(among))


def _audit(db: Session, organisation, checked: Preview, new_ids: dict, actor, now) -> None:
    """One event for the import (counts), one per person changed (ids and field names)."""
    summary = audit.record(
        db, actor=actor, action="people_imported", organisation_id=organisation.id,
        detail=f"created={len(checked.create)} updated={len(checked.update)} "
               f"unchanged={len(checked.unchanged)}",
    )  # fmt: skip
    summary.at = now
    actor_id = actor.id if actor else None
    events = [(organisation.id, actor_id, "person_created", new_ids[row.email], "user", None,
               summary.ip_address, now) for row in checked.create]  # fmt: skip
    events += [(organisation.id, actor_id, "person_updated", c.user_id, "user",
                "fields=" + ",".join(c.fields), summary.ip_address, now)
               for c in checked.update]  # fmt: skip
    bulk.insert_rows(
        db, AuditEvent.__table__,
        ("organisation_id", "actor_id", "action", "subject_user_id", "subject_type", "detail",
         "ip_address", "at"),
        events,
    )  # fmt: skip
