"""The access policy: who may use which route and see whose data. Deny by default.

Every view declares its rule with one of the decorators below. A request to a view without a
rule is refused (403) and `tests/test_access_matrix.py` fails for any such route.
Object-level decisions (may this viewer see this person?) live here too, so that every page and
export asks the same question the same way.

Yearly evaluation (decided with the issue "HR and the yearly evaluation"): the worker's
self-evaluation is their preparation for the conversation, so the worker and the supervisor who
leads their team read it, HR does not; the same holds for the supervisor's written evaluation.
HR sees what Kwaliteitslabel Organisatie 3.10 asks the organisation to record: status, dates,
who signed, the facts (numbers only) and the agreements. See the yearly-evaluation section.

E-mail address of an account (decided with the issue "Hardening"): the address is the log-in
name and where reset links go, so whoever changes it could take the account over and read the
private reflections no other role may see. Therefore:
- an account that has been used (a password chosen or a log-in made) has its address changed by
  its owner only: with their current password, confirmed by a link mailed to the new address,
  and with a notice to the old address when it is asked and when it is done;
- HR and administrators may correct the address of an account never used (a typo in an
  invitation); that voids the invitation sent to the old address and invites the new one;
- any change ends every session of the account and voids its open reset links and calendar
  feed; the audit log records who changed it and how, never the addresses;
- a refusal because an address is taken never says by whom, nor in which organisation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user

from portfolio.models import Role, User

PUBLIC = "public"
AUTHENTICATED = "authenticated"


@dataclass(frozen=True)
class Rule:
    """Who may call a route: everybody, any logged-in user, or the listed roles."""

    kind: str
    roles: frozenset[str] = frozenset()

    def describe(self) -> str:
        """A short text for the access matrix and error logs."""
        return self.kind if not self.roles else "roles:" + ",".join(sorted(self.roles))


def _mark(rule: Rule) -> Callable:
    def decorate(view: Callable) -> Callable:
        view.access_rule = rule
        return view

    return decorate


def public(view: Callable) -> Callable:
    """Anyone, logged in or not (log-in page, password reset, static files)."""
    return _mark(Rule(PUBLIC))(view)


def authenticated(view: Callable) -> Callable:
    """Any logged-in user of any role."""
    return _mark(Rule(AUTHENTICATED))(view)


def roles(*allowed: Role) -> Callable:
    """Only logged-in users with one of these roles."""
    return _mark(Rule("roles", frozenset(str(r) for r in allowed)))


def rule_for(endpoint: str | None) -> Rule | None:
    """The declared rule of an endpoint, or None when it has none."""
    if endpoint is None:
        return None
    if endpoint == "static":
        return Rule(PUBLIC)
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "access_rule", None)


def enforce_route_rule():
    """before_request hook: apply the route's rule, deny when there is none."""
    if request.endpoint is None:  # 404/405 are answered by routing itself
        return None
    rule = rule_for(request.endpoint)
    if rule is None:
        current_app.logger.error("route %s has no access rule; denied", request.endpoint)
        abort(403)
    if rule.kind == PUBLIC:
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    if rule.roles and current_user.role not in rule.roles:
        abort(403)
    return None


# --- object-level policy -------------------------------------------------------------------


def same_organisation(viewer: User, subject: User) -> bool:
    """Nobody ever sees anything of another organisation."""
    return viewer.organisation_id == subject.organisation_id


def may_view_person_record(viewer: User, subject: User, *, led_team_ids: set[int]) -> bool:
    """Name, role, team and status of a person (never portfolio content).

    The person themselves; HR and admins of the organisation; a supervisor for members of a
    team they lead.
    """
    if not same_organisation(viewer, subject):
        return False
    if viewer.id == subject.id or viewer.has_role(Role.HR, Role.ADMIN):
        return True
    return viewer.has_role(Role.SUPERVISOR) and subject.team_id in led_team_ids


def may_manage_people(viewer: User) -> bool:
    """Create, edit and deactivate accounts: HR and admins."""
    return viewer.has_role(Role.HR, Role.ADMIN)


def assignable_roles(viewer: User | None) -> tuple[Role, ...]:
    """The roles a viewer may give: an admin (or the command line, None) any; HR all but admin."""
    if viewer is None or viewer.has_role(Role.ADMIN):
        return tuple(Role)
    if viewer.has_role(Role.HR):
        return (Role.WORKER, Role.SUPERVISOR, Role.HR)
    return ()


def may_change_person(viewer: User, subject: User) -> bool:
    """Edit, deactivate or reactivate an account of the same organisation (HR and admins).

    An administrator's account is changed by administrators only, so HR cannot take over or lock
    out the people who configure the organisation.
    """
    if not (same_organisation(viewer, subject) and may_manage_people(viewer)):
        return False
    return subject.role in {str(role) for role in assignable_roles(viewer)}


def may_erase_departed(viewer: User, subject: User) -> bool:
    """Erase a departed person's portfolio (AVG art. 17): HR and administrators who may change
    the account. Only once it is deactivated (services.privacy.erasure checks that, with its
    own message); HR never sees the content while doing it, only counts."""
    return viewer.id != subject.id and may_change_person(viewer, subject)


def may_erase_own_portfolio(viewer: User) -> bool:
    """A worker erases their own portfolio; supervisors, HR and admins ask HR (they lead or
    manage others, whose records point at them)."""
    return viewer.has_role(Role.WORKER) and viewer.erased_at is None


def may_correct_email(viewer: User, subject: User, *, used: bool) -> bool:
    """Change another account's e-mail address: HR and administrators who may change the person,
    and only while the account has never been used (see the policy above)."""
    return not used and may_change_person(viewer, subject)


# --- portfolio entries ---------------------------------------------------------------------
# Reflections and case descriptions are the worker's (PRODUCT.md, privacy). A supervisor sees an
# entry only when the worker shared it, submitted it for sign-off, or it is signed; HR sees no
# entry content at all, only counts, hours, points and statuses through aggregate services.
# A returned entry is the worker's work in progress again: hidden unless the worker shares it.

VISIBLE_TO_SUPERVISOR_STATUSES = frozenset({"submitted", "signed"})


def is_owner(viewer: User, owner_id: int) -> bool:
    """True when the viewer owns the object."""
    return viewer.id == owner_id


def may_view_entry(viewer: User, entry, *, owner: User, led_team_ids: set[int]) -> bool:
    """Read one entry with its free text."""
    if viewer.organisation_id != entry.organisation_id:
        return False
    if is_owner(viewer, entry.owner_id):
        return True
    return (
        viewer.has_role(Role.SUPERVISOR)
        and owner.team_id in led_team_ids
        and (entry.is_shared or entry.status in VISIBLE_TO_SUPERVISOR_STATUSES)
    )


def may_view_member_portfolio(viewer: User, member: User, *, led_team_ids: set[int]) -> bool:
    """The supervisor's drill-down: members of a team they lead (only shared/submitted parts)."""
    return (
        viewer.has_role(Role.SUPERVISOR)
        and same_organisation(viewer, member)
        and member.team_id in led_team_ids
    )


def may_change_entry(viewer: User, entry) -> bool:
    """Edit or delete: the owner only, and only a draft or returned entry (a submitted one waits
    for its supervisor, a signed one is changed by a correction)."""
    return is_owner(viewer, entry.owner_id) and entry.is_editable


def may_download_evidence(viewer: User, evidence, *, entry, owner: User, led_team_ids) -> bool:
    """An evidence file goes to whoever may view its entry (or its owner when unattached)."""
    if entry is None:
        return is_owner(viewer, evidence.owner_id)
    return may_view_entry(viewer, entry, owner=owner, led_team_ids=led_team_ids)


# --- registrations -------------------------------------------------------------------------


def may_change_registration(viewer: User, registration) -> bool:
    """See, edit or remove a registration with a register: its owner only."""
    return viewer.organisation_id == registration.organisation_id and is_owner(
        viewer, registration.owner_id
    )


# --- yearly evaluation ---------------------------------------------------------------------
# Worker: their own. Supervisor: members of a team they lead, never themselves. HR: status,
# dates, signatures, facts and agreements of the organisation's workers, never the texts.


def may_lead_evaluation(viewer: User, worker: User, *, led_team_ids: set[int]) -> bool:
    """Complete, sign as supervisor and correct: the supervisor of the worker's team."""
    return viewer.id != worker.id and may_view_member_portfolio(
        viewer, worker, led_team_ids=led_team_ids
    )


def may_prepare_evaluation(viewer: User, evaluation) -> bool:
    """Write the self-evaluation and sign as the worker: the worker only."""
    return viewer.organisation_id == evaluation.organisation_id and is_owner(
        viewer, evaluation.worker_id
    )


def may_read_evaluation_texts(viewer: User, worker: User, *, led_team_ids: set[int]) -> bool:
    """The self-evaluation and the supervisor's evaluation: the worker and their supervisor."""
    return (same_organisation(viewer, worker) and is_owner(viewer, worker.id)) or (
        may_lead_evaluation(viewer, worker, led_team_ids=led_team_ids)
    )


# --- drafts and kept forms -----------------------------------------------------------------
# What someone typed and has not saved is as private as the entry it becomes: its owner only,
# whatever their role (a supervisor never sees a worker's draft, HR never, an admin never).


def may_read_draft(viewer: User, draft) -> bool:
    """Read, restore or replace a draft: its owner only."""
    return is_owner(viewer, draft.owner_id)


def may_restore_kept_form(viewer: User, kept) -> bool:
    """See and save a form kept over a log-in: only the person whose session posted it."""
    return is_owner(viewer, kept.user_id)
