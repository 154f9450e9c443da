"""Known devices: a browser an account has logged in from, remembered in a signed cookie.

The cookie holds a random device id and keyed hashes of the accounts that logged in with it
(never an address, never a secret that opens anything): it only lets the log-in throttle count
that browser's failures apart from everyone else's (`accounts.authenticate`).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE = "vb_device"
SALT = "known-device"
LIFETIME = timedelta(days=365)
ACCOUNTS_KEPT = 5


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=SALT)


def _account(email: str) -> str:
    key = current_app.secret_key.encode()
    return hmac.new(key, email.strip().lower().encode(), hashlib.sha256).hexdigest()[:24]


def _read() -> dict | None:
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    try:
        data = _serializer().loads(raw, max_age=int(LIFETIME.total_seconds()))
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("a"), list):
        return None
    return data


def device_for(email: str) -> str | None:
    """This browser's device id when `email`'s account logged in from it before, else None."""
    data = _read()
    if data and _account(email) in data["a"]:
        return str(data.get("d") or "") or None
    return None


def remember(response, email: str):
    """Mark this browser as known for `email`'s account (after a successful log-in)."""
    data = _read() or {"d": secrets.token_urlsafe(16), "a": []}
    account = _account(email)
    others = [a for a in data["a"] if a != account][-(ACCOUNTS_KEPT - 1) :]
    accounts = [*others, account]
    response.set_cookie(
        COOKIE,
        _serializer().dumps({"d": data["d"], "a": accounts}),
        max_age=int(LIFETIME.total_seconds()),
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
    return response
