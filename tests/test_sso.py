"""Single sign-on through an organisation's OpenID Connect provider, against a real provider
(oidc-provider on loopback, tests/oidc_provider.py): the round trip, and every refusal."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from authlib.integrations.requests_client import OAuth2Session
from sqlalchemy import select

from portfolio.models import AuditEvent, OidcProvider, Role, User
from portfolio.services.accounts import oidc
from tests.conftest import login, post_form
from tests.factories import PASSWORD, make_organisation, make_user
from tests.sso_helpers import APP_BASE, at_provider, configure, role_of, sign_in

CLIENT_A, SECRET_A = "vakbekwaam-a", "secret-a-0123456789"
CLIENT_B, SECRET_B = "vakbekwaam-b", "secret-b-0123456789"
OTHER_APP, OTHER_SECRET = "another-app", "another-secret-0123456789"


@pytest.fixture(scope="module")
def providers(module_oidc_provider_factory):
    """Provider A (organisation A's) and provider B (organisation B's), each with test users."""
    a = module_oidc_provider_factory()
    a.add_client(CLIENT_A, SECRET_A, APP_BASE)
    a.add_client(OTHER_APP, OTHER_SECRET, APP_BASE)
    a.add_user("anna", email="anna@zorg-a.nl", name="Anna Akkerman")
    a.add_user("hanna", email="hanna@zorg-a.nl", name="Hanna HR", groups=["grp-hr"])
    a.add_user("nora", email="nora@zorg-a.nl", name="Nora Nieuw", groups=["grp-staff"])
    a.add_user("uma", email="uma@zorg-a.nl", name="Uma", email_verified=False)
    a.add_user("olga", email="olga@elders.nl", name="Olga")
    a.start()
    b = module_oidc_provider_factory()
    b.add_client(CLIENT_B, SECRET_B, APP_BASE)
    # B's provider vouches for an address of organisation A: it must not get in there.
    b.add_user("mallory", email="anna@zorg-a.nl", name="Not Anna")
    b.add_user("bob", email="bob@zorg-b.nl", name="Bob")
    b.start()
    return a, b


@pytest.fixture
def world(app, db, clock, providers):
    """Organisations A and B, each with its provider; the app's clock at the real time (the
    provider signs tokens with it)."""
    provider_a, provider_b = providers
    oidc._discovery.clear()
    oidc._keys.clear()
    clock.now = datetime.now(UTC)
    app.config["PUBLIC_BASE_URL"] = APP_BASE
    org_a, org_b = make_organisation(db), make_organisation(db)
    admin_a = make_user(db, org_a, role=Role.ADMIN, email="admin@zorg-a.nl")
    admin_b = make_user(db, org_b, role=Role.ADMIN, email="admin@zorg-b.nl")
    anna = make_user(db, org_a, email="anna@zorg-a.nl")
    hanna = make_user(db, org_a, email="hanna@zorg-a.nl")
    bob = make_user(db, org_b, email="bob@zorg-b.nl")
    configure(
        db,
        app,
        admin=admin_a,
        provider=provider_a,
        client_id=CLIENT_A,
        secret=SECRET_A,
        domains=["zorg-a.nl"],
        role_claim="groups",
        role_map={"hr": ["grp-hr"]},
    )
    configure(
        db,
        app,
        admin=admin_b,
        provider=provider_b,
        client_id=CLIENT_B,
        secret=SECRET_B,
        domains=["zorg-b.nl"],
        name="Zorg B",
    )
    return {
        "org_a": org_a,
        "org_b": org_b,
        "admin_a": admin_a,
        "anna": anna,
        "hanna": hanna,
        "bob": bob,
        "provider_a": provider_a,
        "provider_b": provider_b,
    }


def audit_actions(db, action: str) -> list[AuditEvent]:
    db.expire_all()
    return list(db.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def refusal_reason(db) -> str:
    events = audit_actions(db, "sso_login_failed")
    assert events, "the refusal was not audited"
    return events[-1].detail.split(":")[0]


def test_sign_in_matches_the_verified_email_and_remembers_the_subject(client, db, world):
    response, _ = sign_in(client, world["org_a"].slug, "anna")
    assert response.status_code == 302
    assert client.get("/", follow_redirects=True).status_code == 200  # logged in
    db.expire_all()
    assert db.get(User, world["anna"].id).oidc_subject == "anna"
    [event] = audit_actions(db, "sso_login")
    assert event.actor_id == world["anna"].id
    assert event.organisation_id == world["org_a"].id


def test_a_later_sign_in_finds_the_person_by_subject(client, db, world):
    sign_in(client, world["org_a"].slug, "anna")
    anna = db.get(User, world["anna"].id)
    anna.email = "anna.akkerman@zorg-a.nl"  # HR changed the address meanwhile
    db.add(anna)
    db.commit()
    other = client.application.test_client()
    response, _ = sign_in(other, world["org_a"].slug, "anna")
    assert response.status_code == 302
    assert len(audit_actions(db, "sso_login")) == 2


def test_the_group_claim_gives_the_mapped_role(client, db, world):
    response, _ = sign_in(client, world["org_a"].slug, "hanna")
    assert response.status_code == 302
    assert role_of(db, world["hanna"]) is Role.HR
    assert client.get("/hr/people").status_code == 200
    [event] = audit_actions(db, "sso_login")
    assert "role worker → hr" in event.detail


def test_no_account_is_refused_unless_the_admin_allows_creating_them(client, app, db, world):
    response, _ = sign_in(client, world["org_a"].slug, "nora")
    assert response.status_code == 403
    assert "HR" in response.get_data(as_text=True)
    assert refusal_reason(db) == "no_account"
    assert db.scalars(select(User).where(User.email == "nora@zorg-a.nl")).first() is None

    provider = db.get(OidcProvider, world["org_a"].id)
    provider.create_accounts = True
    db.add(provider)
    db.commit()
    response, _ = sign_in(app.test_client(), world["org_a"].slug, "nora")
    assert response.status_code == 302
    db.expire_all()
    nora = db.scalars(select(User).where(User.email == "nora@zorg-a.nl")).one()
    assert (nora.organisation_id, nora.role, nora.oidc_subject) == (
        world["org_a"].id,
        "worker",
        "nora",
    )


def test_another_organisations_provider_cannot_sign_into_the_first(client, db, world):
    response, _ = sign_in(client, world["org_b"].slug, "mallory")
    assert response.status_code == 403
    assert refusal_reason(db) == "other_organisation"
    db.expire_all()
    assert db.get(User, world["anna"].id).oidc_subject is None
    assert client.get("/account").status_code == 302  # not logged in


def test_a_domain_the_provider_does_not_serve_is_refused(client, db, world):
    response, _ = sign_in(client, world["org_a"].slug, "olga")
    assert response.status_code == 403
    assert refusal_reason(db) == "domain"


def test_an_unverified_email_is_refused(client, db, world):
    response, _ = sign_in(client, world["org_a"].slug, "uma")
    assert response.status_code == 403
    assert refusal_reason(db) == "email_unverified"


def test_a_replayed_answer_is_refused(client, db, world):
    response, callback = sign_in(client, world["org_a"].slug, "anna")
    assert response.status_code == 302
    state = parse_qs(urlsplit(callback).query)["state"][0]
    thief = client.application.test_client()
    with thief.session_transaction() as session:
        session["sso_state"] = state  # even with the state in its session
    replay = thief.get(callback)
    assert replay.status_code == 403
    assert refusal_reason(db) == "state_replayed"


def test_an_answer_meant_for_another_browser_is_refused(client, app, db, world):
    started = client.get(f"/login/sso/{world['org_a'].slug}")
    callback = at_provider(started.headers["Location"], "anna")
    other_browser = app.test_client()
    response = other_browser.get(callback)
    assert response.status_code == 403
    assert refusal_reason(db) == "state"


def test_an_expired_state_is_refused(client, db, clock, world):
    started = client.get(f"/login/sso/{world['org_a'].slug}")
    callback = at_provider(started.headers["Location"], "anna")
    clock.advance(minutes=11)  # OIDC_STATE_TTL is 10 minutes
    response = client.get(callback)
    assert response.status_code == 403
    assert refusal_reason(db) == "state_expired"


def test_a_clock_out_of_step_is_explained_and_shown_to_the_admin(client, app, db, clock, world):
    started = client.get(f"/login/sso/{world['org_a'].slug}")
    callback = at_provider(started.headers["Location"], "anna")
    clock.advance(hours=-1)  # this server's clock runs an hour behind the provider's
    response = client.get(callback)
    assert response.status_code == 403
    assert "klok" in response.get_data(as_text=True)  # Dutch: "... de klok van deze server"
    assert refusal_reason(db) == "clock_skew"
    admin = app.test_client()
    clock.advance(hours=1)
    assert login(admin, "admin@zorg-a.nl", PASSWORD).status_code == 302
    page = admin.get("/admin/sign-in").get_data(as_text=True)
    assert "clock_skew" in page


def _real_token_for(provider, client_id: str, secret: str, nonce: str, who: str = "anna") -> str:
    """An ID token the real provider issued to `client_id` (not through the app)."""
    metadata = oidc.discover(provider.issuer, timeout=5)
    verifier = secrets.token_urlsafe(48)
    with OAuth2Session(
        client_id,
        secret,
        scope="openid email",
        redirect_uri=f"{APP_BASE}/login/sso/callback",
        code_challenge_method="S256",
    ) as session:
        url, _state = session.create_authorization_url(
            metadata["authorization_endpoint"], code_verifier=verifier, nonce=nonce
        )
        callback = at_provider(url, who)
        code = parse_qs(urlsplit(callback).query)["code"][0]
        token = session.fetch_token(metadata["token_endpoint"], code=code, code_verifier=verifier)
    return token["id_token"]


def test_a_token_for_another_audience_is_refused(app, db, world):
    token = _real_token_for(world["provider_a"], OTHER_APP, OTHER_SECRET, nonce="n-1")
    provider = db.get(OidcProvider, world["org_a"].id)
    with pytest.raises(oidc.SignInRefused) as refused:
        oidc.verify_id_token(
            provider, id_token=token, nonce="n-1", config=app.config, now=datetime.now(UTC)
        )
    assert refused.value.reason == "audience"


def test_a_token_with_another_nonce_is_refused(app, db, world):
    token = _real_token_for(world["provider_a"], CLIENT_A, SECRET_A, nonce="n-2")
    provider = db.get(OidcProvider, world["org_a"].id)
    with pytest.raises(oidc.SignInRefused) as refused:
        oidc.verify_id_token(
            provider, id_token=token, nonce="another", config=app.config, now=datetime.now(UTC)
        )
    assert refused.value.reason == "nonce"
    # The same token with its own nonce passes: the refusal above was for the nonce alone.
    claims = oidc.verify_id_token(
        provider, id_token=token, nonce="n-2", config=app.config, now=datetime.now(UTC)
    )
    assert claims["sub"] == "anna"


def test_a_token_from_another_issuer_is_refused(app, db, world):
    token = _real_token_for(world["provider_b"], CLIENT_B, SECRET_B, nonce="n-3", who="bob")
    provider = db.get(OidcProvider, world["org_a"].id)
    with pytest.raises(oidc.SignInRefused) as refused:
        oidc.verify_id_token(
            provider, id_token=token, nonce="n-3", config=app.config, now=datetime.now(UTC)
        )
    assert refused.value.reason in {"signature", "issuer"}  # B's key is unknown to A


def test_a_tampered_token_is_refused(app, db, world):
    token = _real_token_for(world["provider_a"], CLIENT_A, SECRET_A, nonce="n-4")
    header, payload, signature = token.split(".")
    tampered = f"{header}.{payload}.{signature[:-4]}AAAA"
    provider = db.get(OidcProvider, world["org_a"].id)
    with pytest.raises(oidc.SignInRefused) as refused:
        oidc.verify_id_token(
            provider, id_token=tampered, nonce="n-4", config=app.config, now=datetime.now(UTC)
        )
    assert refused.value.reason == "signature"


def test_a_wrong_client_secret_is_a_readable_error(client, db, world):
    provider = db.get(OidcProvider, world["org_a"].id)
    from portfolio.services.accounts import secret_box

    provider.client_secret_encrypted = secret_box.encrypt(client.application.config, "wrong")
    db.add(provider)
    db.commit()
    response, _ = sign_in(client, world["org_a"].slug, "anna")
    assert response.status_code == 502
    assert "beheerder" in response.get_data(as_text=True)  # "your administrator can see why"
    assert refusal_reason(db) == "client_auth"
    db.expire_all()
    assert db.get(OidcProvider, world["org_a"].id).last_error.startswith("client_auth")


def test_a_provider_that_is_down_is_a_readable_error(client, db, world):
    provider = db.get(OidcProvider, world["org_a"].id)
    with socketless_port() as port:
        provider.issuer = f"http://127.0.0.1:{port}"
        db.add(provider)
        db.commit()
        response = client.get(f"/login/sso/{world['org_a'].slug}")
    assert response.status_code == 502
    assert "niet bereikbaar" in response.get_data(as_text=True)
    assert refusal_reason(db) == "unreachable"


def test_a_misconfigured_issuer_is_a_readable_error(client, db, world):
    provider = db.get(OidcProvider, world["org_a"].id)
    provider.issuer = world["provider_a"].issuer + "/"  # the provider calls itself without '/'
    db.add(provider)
    db.commit()
    response = client.get(f"/login/sso/{world['org_a'].slug}")
    assert response.status_code == 502
    assert refusal_reason(db) == "discovery"


def test_the_provider_refusing_is_audited(client, db, world):
    started = client.get(f"/login/sso/{world['org_a'].slug}")
    state = parse_qs(urlsplit(started.headers["Location"]).query)["state"][0]
    response = client.get(f"/login/sso/callback?error=access_denied&state={state}")
    assert response.status_code == 403
    assert refusal_reason(db) == "provider_error"


def test_a_deactivated_person_is_refused(client, db, world):
    anna = db.get(User, world["anna"].id)
    anna.is_active = False
    db.add(anna)
    db.commit()
    response, _ = sign_in(client, world["org_a"].slug, "anna")
    assert response.status_code == 403
    assert refusal_reason(db) == "inactive"


def test_signing_keys_are_fetched_again_when_the_provider_rotates_them(
    app, db, clock, oidc_provider_factory
):
    clock.now = datetime.now(UTC)
    app.config["PUBLIC_BASE_URL"] = APP_BASE
    provider = oidc_provider_factory()
    provider.add_client("rotating", "rotating-secret-0123", APP_BASE)
    provider.add_user("rita", email="rita@roteer.nl")
    provider.start()
    org = make_organisation(db)
    admin = make_user(db, org, role=Role.ADMIN)
    make_user(db, org, email="rita@roteer.nl")
    configure(
        db,
        app,
        admin=admin,
        provider=provider,
        client_id="rotating",
        secret="rotating-secret-0123",
        domains=["roteer.nl"],
    )
    first, _ = sign_in(app.test_client(), org.slug, "rita")
    assert first.status_code == 302
    provider.restart(new_key=True)  # a new key with a new kid; the old one is gone
    second, _ = sign_in(app.test_client(), org.slug, "rita")
    assert second.status_code == 302, second.get_data(as_text=True)


def test_the_login_page_offers_the_provider_by_the_email_domain(client, world):
    page = client.get("/login/sso?email=iemand@ZORG-A.nl").get_data(as_text=True)
    assert "Inloggen met Zorgaccount" in page
    assert f"/login/sso/{world['org_a'].slug}?login_hint=iemand@ZORG-A.nl" in page
    elsewhere = client.get("/login/sso?email=iemand@elders.nl").get_data(as_text=True)
    assert "Inloggen met Zorg" not in elsewhere
    assert "geen organisatie" in elsewhere


def test_password_login_off_refuses_people_but_not_the_admin(client, app, db, world):
    provider = db.get(OidcProvider, world["org_a"].id)
    provider.password_login = False
    db.add(provider)
    db.commit()
    refused = login(client, "anna@zorg-a.nl", PASSWORD)
    assert refused.status_code == 403
    assert "Inloggen met Zorgaccount" in refused.get_data(as_text=True)
    assert client.get("/account").status_code == 302
    assert audit_actions(db, "login_refused")
    admin = app.test_client()
    assert login(admin, "admin@zorg-a.nl", PASSWORD).status_code == 302  # break glass
    assert admin.get("/account").status_code == 200


def test_log_out_also_ends_the_provider_session(client, world):
    sign_in(client, world["org_a"].slug, "anna")
    page = post_form(client, "/logout", {}, token_from="/account")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'content="0;url={world["provider_a"].issuer}/session/end?' in html
    assert "id_token_hint=" in html
    assert "post_logout_redirect_uri=http%3A%2F%2F127.0.0.1%3A5999%2Flogin" in html
    assert client.get("/account").status_code == 302


def test_the_admin_sets_up_the_provider_and_the_secret_is_never_shown(client, app, db, world):
    org = make_organisation(db)
    make_user(db, org, role=Role.ADMIN, email="admin@zorg-c.nl")
    assert login(client, "admin@zorg-c.nl", PASSWORD).status_code == 302
    form = {
        "display_name": "Zorg C",
        "issuer": world["provider_a"].issuer + "/.well-known/openid-configuration",
        "client_id": CLIENT_A,
        "client_secret": "the-very-secret-value",
        "email_domains": "zorg-c.nl",
        "role_claim": "",
        "role_map": "",
        "enabled": "y",
        "password_login": "y",
    }
    taken = post_form(client, "/admin/sign-in", {**form, "email_domains": "zorg-a.nl"})
    assert taken.status_code == 400
    saved = post_form(client, "/admin/sign-in", form)
    assert saved.status_code == 302
    db.expire_all()
    row = db.get(OidcProvider, org.id)
    assert row.issuer == world["provider_a"].issuer
    assert "the-very-secret-value" not in row.client_secret_encrypted
    assert not row.create_accounts
    page = client.get("/admin/sign-in").get_data(as_text=True)
    assert "the-very-secret-value" not in page
    assert f"/login/sso/{org.slug}" in page
    event = audit_actions(db, "sso_config_changed")[-1]
    assert "client_secret" in event.detail and "the-very-secret-value" not in event.detail
    checked = post_form(client, "/admin/sign-in/check", {}, token_from="/admin/sign-in")
    assert checked.status_code == 302
    assert "kunnen worden gelezen" in client.get("/admin/sign-in").get_data(as_text=True)


class socketless_port:
    """A loopback port where nothing listens (bound, never listening, while in use)."""

    def __enter__(self) -> int:
        import socket

        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        return self.socket.getsockname()[1]

    def __exit__(self, *exc) -> None:
        self.socket.close()
