"""Sign-in in a real browser: through a real OpenID Connect provider (oidc-provider on
loopback) and with the second factor, codes computed in the test."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime

import pyotp
import pytest
from sqlalchemy import select

from portfolio.models import OrganisationSettings, Role, User
from tests.factories import PASSWORD, make_organisation, make_user
from tests.sso_helpers import configure

pytestmark = pytest.mark.browser

LOOPBACK_ONLY = re.compile(r"^https?://(?!127\.0\.0\.1[:/])")


@pytest.fixture
def tab(page):
    """The page, with every request off loopback refused (the provider's pages link fonts)."""
    page.context.route(LOOPBACK_ONLY, lambda route: route.abort())
    return page


@pytest.fixture
def sso_world(app, db, clock, live_server, oidc_provider_factory):
    """Organisations A and B with a provider each, registered for the live server."""
    clock.now = datetime.now(UTC)  # the provider signs with the real time
    app.config["PUBLIC_BASE_URL"] = live_server
    provider_a, provider_b = oidc_provider_factory(), oidc_provider_factory()
    provider_a.add_client("vakbekwaam-a", "secret-a-0123456789", live_server)
    provider_a.add_user("anna", email="anna@zorg-a.nl", name="Anna")
    provider_a.add_user("hanna", email="hanna@zorg-a.nl", name="Hanna", groups=["grp-hr"])
    provider_b.add_client("vakbekwaam-b", "secret-b-0123456789", live_server)
    provider_b.add_user("mallory", email="anna@zorg-a.nl", name="Not Anna")
    provider_a.start()
    provider_b.start()
    org_a, org_b = make_organisation(db, "Zorg A"), make_organisation(db, "Zorg B")
    admin_a = make_user(db, org_a, role=Role.ADMIN, email="admin@zorg-a.nl")
    admin_b = make_user(db, org_b, role=Role.ADMIN, email="admin@zorg-b.nl")
    anna = make_user(db, org_a, email="anna@zorg-a.nl", name="Anna Akkerman")
    hanna = make_user(db, org_a, email="hanna@zorg-a.nl", name="Hanna Hendriks")
    configure(
        db,
        app,
        admin=admin_a,
        provider=provider_a,
        client_id="vakbekwaam-a",
        secret="secret-a-0123456789",
        domains=["zorg-a.nl"],
        role_claim="groups",
        role_map={"hr": ["grp-hr"]},
    )
    configure(
        db,
        app,
        admin=admin_b,
        provider=provider_b,
        client_id="vakbekwaam-b",
        secret="secret-b-0123456789",
        domains=["zorg-b.nl"],
        name="Zorg B-account",
    )
    return {"org_a": org_a, "org_b": org_b, "anna": anna, "hanna": hanna}


def through_provider(tab) -> None:
    """The provider's development log-in (any password) and consent pages."""
    tab.locator("input[name=password]").fill("any password")
    tab.locator("button[type=submit]").click()
    tab.get_by_role("button", name="Continue").click()


def test_sign_in_through_the_provider_lands_on_the_start_page_with_the_role(
    tab, live_server, db, sso_world
):
    tab.goto(f"{live_server}/login")
    tab.get_by_role("link", name="Inloggen met het account van je organisatie").click()
    tab.locator("#email").fill("hanna@zorg-a.nl")
    tab.get_by_role("button", name="Verder").click()
    started = time.perf_counter()
    tab.get_by_role("link", name="Inloggen met Zorgaccount").click()
    assert tab.locator("input[name=login]").input_value() == "hanna@zorg-a.nl"  # login_hint
    tab.locator("input[name=login]").fill("hanna")  # the test provider's log-in name
    through_provider(tab)
    tab.wait_for_url(f"{live_server}/")
    print(f"\nsign-in round trip through the provider: {time.perf_counter() - started:.2f} s")
    assert "Hanna Hendriks" in tab.locator("header").inner_text()
    assert tab.get_by_role("link", name="Overzicht van de organisatie").is_visible()  # HR's menu
    db.expire_all()
    assert db.get(User, sso_world["hanna"].id).role == Role.HR.value

    tab.get_by_role("button", name="Uitloggen").click()
    tab.get_by_role("button", name="Yes, sign me out").click()  # the provider's own page
    tab.wait_for_url(f"{live_server}/login")
    # The provider's session ended too: signing in again asks for the log-in again.
    tab.goto(f"{live_server}/login/sso/{sso_world['org_a'].slug}")
    assert tab.locator("input[name=login]").is_visible()


def test_a_worker_lands_on_the_dashboard(tab, live_server, sso_world):
    tab.goto(f"{live_server}/login/sso/{sso_world['org_a'].slug}")
    tab.locator("input[name=login]").fill("anna")
    through_provider(tab)
    tab.wait_for_url(re.compile(re.escape(live_server) + r"/(?!login).+"))
    assert "Anna Akkerman" in tab.locator("header").inner_text()
    assert tab.url == f"{live_server}/portfolio/"


def test_a_second_organisations_provider_cannot_sign_into_the_first(
    tab, live_server, db, sso_world
):
    tab.goto(f"{live_server}/login/sso/{sso_world['org_b'].slug}")
    tab.locator("input[name=login]").fill("mallory")
    through_provider(tab)
    tab.wait_for_load_state()
    assert tab.get_by_role("heading", name="Inloggen is niet gelukt").is_visible()
    tab.goto(f"{live_server}/account")
    assert "/login" in tab.url
    db.expire_all()
    assert db.get(User, sso_world["anna"].id).oidc_subject is None


@pytest.fixture
def hr_with_policy(db):
    organisation = make_organisation(db)
    db.add(OrganisationSettings(organisation_id=organisation.id, second_factor="hr_admin"))
    db.commit()
    return make_user(db, organisation, role=Role.HR, name="Hilde HR")


def password_login(tab, base: str, email: str) -> None:
    tab.goto(f"{base}/login")
    tab.locator("#email").fill(email)
    tab.locator("#password").fill(PASSWORD)
    tab.locator("main form button[type=submit]").click()
    tab.wait_for_load_state()


def log_out(tab) -> None:
    tab.get_by_role("button", name="Uitloggen").click()
    tab.wait_for_load_state()


def enrol(tab, base: str, email: str, clock) -> tuple[str, list[str]]:
    password_login(tab, base, email)
    assert tab.get_by_role("heading", name="Stel je authenticator-app in").is_visible()
    assert tab.locator(".qr svg").is_visible()
    secret = tab.locator("#totp-secret").inner_text().replace(" ", "")
    tab.locator("#code").fill(pyotp.TOTP(secret).at(clock.now))
    tab.get_by_role("button", name="Bevestigen").click()
    codes = tab.locator("#recovery-codes code").all_inner_texts()
    tab.get_by_role("link", name="Ik heb ze bewaard, ga verder").click()
    tab.wait_for_load_state()
    return secret, codes


def test_totp_enrolment_and_sign_in_with_a_code(tab, live_server, clock, hr_with_policy):
    secret, codes = enrol(tab, live_server, hr_with_policy.email, clock)
    assert len(codes) == 10
    assert "Hilde HR" in tab.locator("header").inner_text()
    log_out(tab)
    password_login(tab, live_server, hr_with_policy.email)
    assert tab.get_by_role("heading", name="Code uit je authenticator-app").is_visible()
    clock.advance(seconds=30)  # the next code (the enrolment's code is used up)
    tab.locator("#code").fill(pyotp.TOTP(secret).at(clock.now))
    tab.get_by_role("button", name="Inloggen").click()
    tab.wait_for_load_state()
    assert "Hilde HR" in tab.locator("header").inner_text()


def test_a_recovery_code_works_once(tab, live_server, db, clock, hr_with_policy):
    _secret, codes = enrol(tab, live_server, hr_with_policy.email, clock)
    log_out(tab)
    password_login(tab, live_server, hr_with_policy.email)
    tab.locator("#code").fill(codes[0])
    tab.get_by_role("button", name="Inloggen").click()
    tab.wait_for_load_state()
    assert "Hilde HR" in tab.locator("header").inner_text()
    assert tab.get_by_text("herstelcode").first.is_visible()
    log_out(tab)
    password_login(tab, live_server, hr_with_policy.email)
    tab.locator("#code").fill(codes[0])
    tab.get_by_role("button", name="Inloggen").click()
    tab.wait_for_load_state()
    assert tab.get_by_text("Deze code klopt niet, of is al eerder gebruikt.").first.is_visible()
    assert "Hilde HR" not in tab.locator("header").inner_text()
    db.expire_all()
    assert db.scalars(select(User).where(User.id == hr_with_policy.id)).one().totp_enabled_at
