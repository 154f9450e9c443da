"""Demo data: an organisation with one log-in per role, plus synthetic workers in bulk.

Bulk rows go in with set-based inserts (executemany in chunks; COPY on PostgreSQL where the
volume is large), never one ORM object per row.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import date

from sqlalchemy import func, insert, select
from sqlmodel import Session

from portfolio.demo import development as demo_development
from portfolio.demo.history import create_history
from portfolio.infra.bulk import analyze
from portfolio.models import (
    Organisation,
    OrganisationSettings,
    Role,
    Team,
    TeamLead,
    ThresholdOverride,
    User,
    utcnow,
)
from portfolio.services.accounts.passwords import hash_password

DEMO_PASSWORD = "demo-wachtwoord-2026"  # noqa: S105 - published demo log-in  # nosec B105
DEMO_ORGANISATION = ("Stichting Welzijn Voorbeeldstad", "demo")
DEMO_TEAMS = ("Wijkteam Noord", "Wijkteam Zuid", "Jeugd en gezin")
DEMO_LOGINS = (
    ("werker@demo.vakbekwaam.nl", "Sanne de Vries", Role.WORKER, "Wijkteam Noord"),
    ("collega@demo.vakbekwaam.nl", "Mehmet Yilmaz", Role.WORKER, "Wijkteam Noord"),
    ("begeleider@demo.vakbekwaam.nl", "Ingrid Bakker", Role.SUPERVISOR, "Wijkteam Noord"),
    ("hr@demo.vakbekwaam.nl", "Joost Jansen", Role.HR, None),
    ("beheer@demo.vakbekwaam.nl", "Fatima el Amrani", Role.ADMIN, None),
)
# Registerplein publishes no numbers (NORMS.md: every threshold unconfirmed), so a Registerplein
# worker would see no forecast. The demo organisation sets example numbers of its own, marked
# as the organisation's everywhere (never as the register's), so that `make run` shows one.
REGISTERPLEIN_EXAMPLE = (
    "registerplein-sociaal-werker",
    {
        "geaccrediteerd": {"min": 40},
        "reflectie": {"min": 30},
        "overig": {"max": 30},
        "total": {"min": 100},
        "work_hours": {"min": 3000},
    },
    "Voorbeeldgetallen van de demo-organisatie, niet van Registerplein: Registerplein "
    "publiceert deze aantallen niet (te verifiëren).",
)
CHUNK = 1000
TEAM_SIZE = 15  # synthetic workers per synthetic team
DEMO_WORKER_COUNT = sum(1 for login in DEMO_LOGINS if login[2] is Role.WORKER)


def has_accounts(db: Session) -> bool:
    """True when any account exists."""
    return bool(db.scalar(select(func.count()).select_from(User)))


def print_logins(echo: Callable[[str], None]) -> None:
    """Print the demo log-ins, one per role."""
    echo(f"Demo log-ins (password for all: {DEMO_PASSWORD}):")
    for email, name, role, _team in DEMO_LOGINS:
        echo(f"  {role.value:<10} {email:<34} {name}")


def create(
    db: Session,
    *,
    workers: int,
    years: int,
    today: date,
    progress: Callable[[int], None] = lambda n: None,
) -> Organisation:
    """Create (or extend) the demo organisation with `years` of history per worker.

    Commits before `analyze` (the planner's statistics must see the rows), so the command's
    unit of work ends here in two steps.
    """
    organisation = _organisation(db)
    teams = _teams(db, organisation)
    new_ids = _demo_logins(db, organisation, teams)
    new_ids += _synthetic_workers(db, organisation, list(teams.values()), workers)
    if years > 0:
        create_history(
            db,
            organisation_id=organisation.id,
            worker_ids=new_ids,
            years=years,
            today=today,
            progress=progress,
        )
        _enrich_demo_worker(db, new_ids, today)
    db.commit()
    analyze(db)
    db.commit()
    return organisation


def _enrich_demo_worker(db: Session, new_ids: list[int], today: date) -> None:
    """Give the first demo worker, when just created, content in every area."""
    email, supervisor_email = DEMO_LOGINS[0][0], DEMO_LOGINS[2][0]
    worker = db.scalars(select(User).where(User.email == email)).first()
    supervisor = db.scalars(select(User).where(User.email == supervisor_email)).first()
    if worker is not None and supervisor is not None and worker.id in new_ids:
        demo_development.enrich(db, worker=worker, supervisor=supervisor, today=today)


def _organisation(db: Session) -> Organisation:
    name, slug = DEMO_ORGANISATION
    organisation = db.scalars(select(Organisation).where(Organisation.slug == slug)).first()
    if organisation is None:
        organisation = Organisation(name=name, slug=slug)
        db.add(organisation)
        db.flush()
        # The demo lets a newcomer try every role at once: no authenticator app needed. A real
        # organisation gets SECOND_FACTOR_DEFAULT (HR and admins) until its admin chooses.
        db.add(OrganisationSettings(organisation_id=organisation.id, second_factor="none"))
        db.add(
            ThresholdOverride(
                organisation_id=organisation.id,
                norm_id=REGISTERPLEIN_EXAMPLE[0],
                thresholds=REGISTERPLEIN_EXAMPLE[1],
                note=REGISTERPLEIN_EXAMPLE[2],
                changed_at=utcnow(),
            )
        )
    return organisation


def _teams(db: Session, organisation: Organisation) -> dict[str, Team]:
    existing = {
        t.name: t for t in db.scalars(select(Team).where(Team.organisation_id == organisation.id))
    }
    for name in DEMO_TEAMS:
        if name not in existing:
            existing[name] = Team(organisation_id=organisation.id, name=name)
            db.add(existing[name])
    db.flush()
    return existing


def _demo_logins(db: Session, organisation: Organisation, teams: dict[str, Team]) -> list[int]:
    """Create the missing demo log-ins; returns the ids of new workers."""
    password_hash = hash_password(DEMO_PASSWORD)
    new_workers = []
    for email, name, role, team_name in DEMO_LOGINS:
        if db.scalars(select(User).where(User.email == email)).first():
            continue
        is_lead = role is Role.SUPERVISOR
        user = User(
            organisation_id=organisation.id,
            team_id=None if is_lead or team_name is None else teams[team_name].id,
            email=email,
            name=name,
            role=role.value,
            password_hash=password_hash,
            session_token=secrets.token_hex(16),
        )
        db.add(user)
        db.flush()
        if is_lead and team_name:
            db.add(TeamLead(team_id=teams[team_name].id, user_id=user.id))
        if role is Role.WORKER:
            new_workers.append(user.id)
    db.flush()
    return new_workers


def _synthetic_teams(db: Session, organisation: Organisation, count: int, now) -> list[int]:
    """Teams of about TEAM_SIZE synthetic workers, each with a synthetic supervisor."""
    first = db.scalar(select(func.count()).select_from(Team)) or 0
    names = [f"Synthetisch team {first + i:04d}" for i in range(-(-count // TEAM_SIZE))]
    db.execute(
        insert(Team),
        [{"organisation_id": organisation.id, "name": name, "created_at": now} for name in names],
    )
    return list(
        db.scalars(
            select(Team.id).where(Team.organisation_id == organisation.id, Team.name.in_(names))
        )
    )


def _account_row(
    organisation: Organisation, email: str, name: str, role: Role, team_id, password_hash, now
) -> dict:
    return {
        "organisation_id": organisation.id,
        "team_id": team_id,
        "email": email,
        "name": name,
        "role": role.value,
        "password_hash": password_hash,
        "session_token": secrets.token_hex(16),
        "is_active": True,
        "locale": "nl",
        "created_at": now,
    }


def _synthetic_workers(
    db: Session, organisation: Organisation, _teams: list[Team], count: int
) -> list[int]:
    """Insert `count` synthetic workers in synthetic teams, set-based; returns their ids."""
    if count <= 0:
        return []
    now = utcnow()
    start = db.scalar(select(func.count()).select_from(User)) or 0
    team_ids = _synthetic_teams(db, organisation, count, now)
    # One hash for every synthetic account: they share a password, hashing 5,000 times is waste.
    password_hash = hash_password(DEMO_PASSWORD)
    leads = [
        _account_row(
            organisation,
            f"leiding{start + n:06d}@synthetisch.vakbekwaam.nl",
            f"Leidinggevende {start + n:06d}",
            Role.SUPERVISOR,
            None,
            password_hash,
            now,
        )
        for n in range(len(team_ids))
    ]
    db.execute(insert(User), leads)
    lead_ids = db.scalars(
        select(User.id).where(User.email.in_([lead["email"] for lead in leads])).order_by(User.id)
    ).all()
    db.execute(
        insert(TeamLead),
        [{"team_id": t, "user_id": u} for t, u in zip(team_ids, lead_ids, strict=True)],
    )
    emails = []
    for offset in range(0, count, CHUNK):
        rows = [
            _account_row(
                organisation,
                f"werker{start + i:06d}@synthetisch.vakbekwaam.nl",
                f"Werker {start + i:06d}",
                Role.WORKER,
                team_ids[i // TEAM_SIZE],
                password_hash,
                now,
            )
            for i in range(offset, min(offset + CHUNK, count))
        ]
        emails += [row["email"] for row in rows]
        db.execute(insert(User), rows)
    return list(
        db.scalars(
            select(User.id)
            .where(User.organisation_id == organisation.id, User.role == Role.WORKER.value)
            .where(User.email.like("werker%@synthetisch.vakbekwaam.nl"))
            .order_by(User.id)
        )
    )[-count:]
