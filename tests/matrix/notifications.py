"""Matrix rows: notifications, preferences and the calendar feed."""

from tests.access_matrix import everyone

GET = {
    "notifications.notification_list": everyone(200),
    "notifications.mark_read": everyone(405, anonymous=405),
    "notifications.preferences": everyone(200),
    "notifications.renew_calendar": everyone(405, anonymous=405),
    "notifications.revoke_calendar": everyone(405, anonymous=405),
    # The token is the credential: a wrong one is 404 for everybody.
    "notifications.calendar": everyone(404, anonymous=404),
}
POST = {
    "notifications.notification_list": everyone(405, anonymous=405),
    "notifications.mark_read": everyone(302),
    "notifications.preferences": everyone(302),
    "notifications.renew_calendar": everyone(302),
    "notifications.revoke_calendar": everyone(302),
    "notifications.calendar": everyone(405, anonymous=405),
}
