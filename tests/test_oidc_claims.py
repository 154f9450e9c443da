"""The ID token's claim checks on their own (the provider-backed tests in test_sso.py cover the
signature, the audience and the nonce of real tokens; these cover claims the test provider does
not send, such as Entra ID's `nbf`, and tokens it would not issue)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from portfolio.models import OidcProvider
from portfolio.services.accounts import oidc

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
CONFIG = {"OIDC_CLOCK_SKEW": timedelta(seconds=120)}
PROVIDER = OidcProvider(
    organisation_id=1,
    display_name="Entra",
    issuer="https://login.microsoftonline.com/tenant/v2.0",
    client_id="our-app",
    client_secret_encrypted="",
)


def claims(**changes) -> dict:
    moment = int(NOW.timestamp())
    base = {
        "iss": PROVIDER.issuer,
        "aud": "our-app",
        "sub": "abc",
        "nonce": "n",
        "iat": moment - 5,
        "exp": moment + 3600,
    }
    base.update(changes)
    return {key: value for key, value in base.items() if value is not None}


def reason(**changes) -> str | None:
    try:
        oidc._check_claims(PROVIDER, claims(**changes), nonce="n", config=CONFIG, now=NOW)
    except oidc.SignInRefused as refused:
        return refused.reason
    return None


def test_a_good_token_passes():
    assert reason() is None


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"iss": "https://elders.example/v2.0"}, "issuer"),
        ({"aud": "another-app"}, "audience"),
        ({"aud": ["our-app", "another-app"]}, "audience"),  # several audiences need azp
        ({"aud": ["our-app", "another-app"], "azp": "another-app"}, "audience"),
        ({"nonce": "other"}, "nonce"),
        ({"nonce": None}, "nonce"),
        ({"exp": None}, "invalid_token"),
        ({"iat": None}, "invalid_token"),
        ({"sub": None}, "invalid_token"),
        ({"exp": int(NOW.timestamp()) - 300}, "expired"),
        ({"iat": int(NOW.timestamp()) + 600, "exp": int(NOW.timestamp()) + 4200}, "clock_skew"),
        ({"nbf": int(NOW.timestamp()) + 600}, "clock_skew"),
    ],
)
def test_each_bad_claim_is_refused_with_its_reason(changes, expected):
    assert reason(**changes) == expected


def test_a_small_clock_difference_is_tolerated():
    moment = int(NOW.timestamp())
    assert reason(iat=moment + 60, nbf=moment + 60) is None
    assert reason(exp=moment - 60) is None
    assert reason(aud=["our-app", "another-app"], azp="our-app") is None
