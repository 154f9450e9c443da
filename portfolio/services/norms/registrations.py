"""A worker's registrations with a register: add, change, remove.

Each registration names a norm (competencies.all_norms) and the (re)registration date that
starts its period (NORMS.md: "period 5 years from the (re)registration date").
"""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

import competencies
from portfolio import access
from portfolio.errors import NotFound
from portfolio.models import Registration, User


class RegistrationError(ValueError):
    """Input the registration cannot take; `field` names the form field it belongs to."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class RegistrationNotFound(NotFound):
    """No such registration of this worker (another worker's does not exist for them)."""


def own_registration(db: Session, *, owner: User, registration_id: int) -> Registration:
    """The worker's own registration; raises RegistrationNotFound otherwise."""
    registration = db.get(Registration, registration_id)
    if registration is None or not access.may_change_registration(owner, registration):
        raise RegistrationNotFound(registration_id)
    return registration


def registrations_of(db: Session, *, owner_id: int) -> list[Registration]:
    """The owner's registrations, newest registration date first."""
    return list(
        db.scalars(
            select(Registration)
            .where(Registration.owner_id == owner_id)
            .order_by(Registration.registered_on.desc(), Registration.id.desc())
        )
    )


def current_registrations(registrations: list[Registration]) -> list[Registration]:
    """Per norm the latest registration (an older one of the same norm is history)."""
    latest: dict[str, Registration] = {}
    for registration in registrations:
        kept = latest.get(registration.norm_id)
        if kept is None or registration.registered_on > kept.registered_on:
            latest[registration.norm_id] = registration
    return sorted(latest.values(), key=lambda r: (r.norm_id, r.id or 0))


def field_errors(
    *, norm_id: str, registered_on: date | None, vog_issued_on: date | None, today: date
) -> dict[str, str]:
    """Problems with the values themselves: an unknown norm, a date in the future."""
    errors = {}
    if norm_id not in competencies.NORM_IDS:
        errors["norm_id"] = _l("Choose one of the registers in the list.")
    if registered_on is not None and registered_on > today:
        errors["registered_on"] = _l("The registration date cannot be in the future.")
    if vog_issued_on is not None and vog_issued_on > today:
        errors["vog_issued_on"] = _l("The VOG date cannot be in the future.")
    return errors


def _check(
    db: Session,
    *,
    owner_id: int,
    norm_id: str,
    registered_on: date,
    vog_issued_on: date | None,
    today: date,
    exclude_id: int | None = None,
) -> None:
    errors = field_errors(
        norm_id=norm_id, registered_on=registered_on, vog_issued_on=vog_issued_on, today=today
    )
    if errors:
        field, message = next(iter(errors.items()))
        raise RegistrationError(field, message)
    duplicate = select(Registration.id).where(
        Registration.owner_id == owner_id,
        Registration.norm_id == norm_id,
        Registration.registered_on == registered_on,
    )
    if exclude_id is not None:
        duplicate = duplicate.where(Registration.id != exclude_id)
    if db.scalar(duplicate.limit(1)) is not None:
        raise RegistrationError(
            "registered_on", _l("You already have this registration with this date.")
        )


def _save(db: Session, registration: Registration) -> Registration:
    db.add(registration)
    try:
        db.flush()
    except IntegrityError:  # a second request with the same data won the race
        db.rollback()
        raise RegistrationError(
            "registered_on", _l("You already have this registration with this date.")
        ) from None
    return registration


def add_registration(
    db: Session,
    *,
    owner: User,
    norm_id: str,
    registration_number: str,
    registered_on: date,
    vog_issued_on: date | None,
    today: date,
) -> Registration:
    """Record a registration; RegistrationError for an unknown norm, a future date or a twin."""
    _check(
        db,
        owner_id=owner.id,
        norm_id=norm_id,
        registered_on=registered_on,
        vog_issued_on=vog_issued_on,
        today=today,
    )
    registration = Registration(
        organisation_id=owner.organisation_id,
        owner_id=owner.id,
        norm_id=norm_id,
        registration_number=registration_number.strip(),
        registered_on=registered_on,
        vog_issued_on=vog_issued_on,
    )
    return _save(db, registration)


def update_registration(
    db: Session,
    *,
    registration: Registration,
    norm_id: str,
    registration_number: str,
    registered_on: date,
    vog_issued_on: date | None,
    today: date,
) -> Registration:
    """Change a registration, with the same checks as adding one."""
    _check(
        db,
        owner_id=registration.owner_id,
        norm_id=norm_id,
        registered_on=registered_on,
        vog_issued_on=vog_issued_on,
        today=today,
        exclude_id=registration.id,
    )
    registration.norm_id = norm_id
    registration.registration_number = registration_number.strip()
    registration.registered_on = registered_on
    registration.vog_issued_on = vog_issued_on
    return _save(db, registration)


def remove_registration(db: Session, *, registration: Registration) -> None:
    """Delete a registration (its entries stay: they belong to the worker, not the register)."""
    db.delete(registration)
    db.flush()
