"""Matrix rows: notifications, preferences, attendance from a notification, the calendar feed."""

from datetime import date
from decimal import Decimal

from portfolio.models import Entry, EntryParticipant, Notification
from tests.access_matrix import ANON, OTHER_WORKER, WORKER, everyone

GET = {
    "notifications.notification_list": everyone(200),
    "notifications.mark_read": everyone(405, anonymous=405),
    "notifications.preferences": everyone(200),
    "notifications.renew_calendar": everyone(405, anonymous=405),
    "notifications.revoke_calendar": everyone(405, anonymous=405),
    "notifications.confirm_attendance": everyone(405, anonymous=405),
    "notifications.mark_one_read": everyone(405, anonymous=405),
    # The token is the credential: a wrong one is 404 for everybody.
    "notifications.calendar": everyone(404, anonymous=404),
}
POST = {
    "notifications.notification_list": everyone(405, anonymous=405),
    "notifications.mark_read": everyone(302),
    "notifications.preferences": everyone(302),
    # The new link is shown on the answer itself (never kept in the session): 200.
    "notifications.renew_calendar": everyone(200),
    "notifications.revoke_calendar": everyone(302),
    # other_worker's notification: everybody else's attempt finds no such notification.
    "notifications.confirm_attendance": {**everyone(404), ANON: 302, OTHER_WORKER: 302},
    "notifications.mark_one_read": {**everyone(404), ANON: 302, OTHER_WORKER: 302},
    "notifications.calendar": everyone(405, anonymous=405),
}


def arrange(db, users) -> dict:
    """A session of the worker; other_worker is asked to confirm their attendance."""
    worker, colleague = users[WORKER], users[OTHER_WORKER]
    entry = Entry(
        organisation_id=worker.organisation_id,
        owner_id=worker.id,
        kind="peer_review",
        title="Intervisie",
        occurred_on=date(2026, 10, 3),
        hours=Decimal(2),
        form="intervisie",
        catalogue_version="test",
    )
    db.add(entry)
    db.flush()
    db.add(EntryParticipant(entry_id=entry.id, user_id=colleague.id))
    notification = Notification(
        organisation_id=colleague.organisation_id,
        user_id=colleague.id,
        kind="attendance",
        title="Was je erbij?",
        body="Bevestig.",
        link=f"/sessions/{entry.id}",
        subject_id=entry.id,
    )
    db.add(notification)
    db.commit()
    return {"notification_id": notification.id}
