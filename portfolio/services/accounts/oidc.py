"""Sign-in through an organisation's OpenID Connect provider (e.g. Microsoft Entra ID).

Authorization code flow with PKCE (S256), `state` and `nonce`. Authlib builds the authorization
request and exchanges the code; the ID token's signature is checked against the provider's JWKS
(fetched again once when a token names a key not yet known: key rotation), and `iss`, `aud`,
`azp`, `exp`, `iat` and `nonce` are checked against the app's clock with a small leeway.
The person is found inside the provider's organisation only: by the remembered `sub`, else by
the verified e-mail address (and then the `sub` is remembered).

Every failure raises `SignInRefused` with a reason code; the view turns it into a readable
message, audits it and shows the reason in the admin's view (`OidcProvider.last_error`).
Services add and flush; the request commits.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urlparse

from sqlalchemy import select, update
from sqlmodel import Session

from portfolio.models import OidcLoginState, OidcProvider, Organisation, Role, User
from portfolio.services.accounts import secret_box
from portfolio.services.privacy import audit

if TYPE_CHECKING:
    from authlib.integrations.requests_client import OAuth2Session
    from joserfc.jwk import KeySet

# authlib, joserfc and requests (with cryptography, some 300 modules) are imported where a
# sign-in through a provider uses them: most requests, and most gunicorn workers, never do.

SCOPES = "openid email profile"
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"]
DISCOVERY_TTL_SECONDS = 3600
# Roles a claim can give, strongest first (the strongest matching value wins).
MAPPABLE_ROLES = (Role.ADMIN, Role.HR, Role.SUPERVISOR, Role.WORKER)


class SignInRefused(Exception):
    """A sign-in through the provider did not go through; `reason` is a short code."""

    def __init__(self, reason: str, detail: str = "", *, user: User | None = None) -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail
        self.user = user


# Reasons that say the provider or its set-up is at fault (shown to the admin as such).
PROVIDER_FAULTS = frozenset(
    {"unreachable", "discovery", "client_auth", "token_exchange", "jwks", "secret_unreadable"}
)


# --- configuration -------------------------------------------------------------------------


# Where a provider publishes its metadata, below its issuer URL (OpenID Connect Discovery).
WELL_KNOWN = ".well-known/openid-configuration"


def normalise_issuer(url: str) -> str:
    """The issuer as entered, without surrounding spaces and a trailing '/.well-known/…'."""
    url = url.strip()
    marker = "/" + WELL_KNOWN
    if url.endswith(marker):
        url = url[: -len(marker)]
    return url


def parse_domains(text: str) -> list[str]:
    """'Zorg.nl, @team.zorg.nl' → ['zorg.nl', 'team.zorg.nl']; raises ValueError when empty."""
    parts = [p.strip().lower().lstrip("@") for p in text.replace(";", ",").split(",")]
    domains = list(dict.fromkeys(p for p in parts if p))
    if not domains:
        raise ValueError("no domain")
    for domain in domains:
        if "." not in domain or " " in domain or "@" in domain or "/" in domain:
            raise ValueError(domain)
    return domains


def parse_role_map(text: str) -> dict[str, list[str]]:
    """Lines 'hr = value1, value2' → {'hr': ['value1', 'value2']}; raises ValueError."""
    mapping: dict[str, list[str]] = {}
    roles = {str(r) for r in MAPPABLE_ROLES}
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        role, sep, values = line.partition("=")
        role = role.strip().lower()
        if not sep or role not in roles:
            raise ValueError(line)
        mapping[role] = [v.strip() for v in values.split(",") if v.strip()]
    return mapping


def format_role_map(mapping: dict | None) -> str:
    """The stored mapping as the admin typed it."""
    return "\n".join(f"{role} = {', '.join(values)}" for role, values in (mapping or {}).items())


def provider_for(db: Session, organisation_id: int) -> OidcProvider | None:
    """The organisation's provider, if one is set up."""
    return db.get(OidcProvider, organisation_id)


def domain_owner(db: Session, domain: str) -> OidcProvider | None:
    """The enabled provider that serves this e-mail domain, if any."""
    domain = domain.strip().lower()
    for provider in db.scalars(select(OidcProvider).where(OidcProvider.enabled)):
        if domain in (provider.email_domains or []):
            return provider
    return None


def provider_for_email(db: Session, email: str) -> OidcProvider | None:
    """The enabled provider serving the domain of this address."""
    _, _, domain = email.strip().lower().rpartition("@")
    return domain_owner(db, domain) if domain else None


def domains_taken_elsewhere(db: Session, *, organisation_id: int, domains: list[str]) -> list[str]:
    """The domains another organisation's provider already serves."""
    others = db.scalars(select(OidcProvider).where(OidcProvider.organisation_id != organisation_id))
    taken = {d for provider in others for d in (provider.email_domains or [])}
    return [d for d in domains if d in taken]


@dataclass(frozen=True)
class ProviderSettings:
    """What the admin entered; `client_secret` None keeps the stored one."""

    display_name: str
    issuer: str
    client_id: str
    client_secret: str | None
    email_domains: list[str]
    role_claim: str | None
    role_map: dict[str, list[str]] | None
    enabled: bool
    create_accounts: bool
    password_login: bool


def save_provider(
    db: Session, *, admin: User, values: ProviderSettings, config: Mapping, now: datetime
) -> OidcProvider:
    """Create or change the organisation's provider; audited with the fields that changed
    (never the secret itself). Raises ValueError('secret') when a new provider has no secret."""
    provider = db.get(OidcProvider, admin.organisation_id)
    changed: list[str] = []
    if provider is None:
        if not values.client_secret:
            raise ValueError("secret")
        provider = OidcProvider(
            organisation_id=admin.organisation_id,
            display_name=values.display_name,
            issuer=values.issuer,
            client_id=values.client_id,
            client_secret_encrypted="",  # none yet, set below when given  # nosec B106
        )
        changed.append("created")
    for name in (
        "display_name",
        "issuer",
        "client_id",
        "email_domains",
        "role_claim",
        "role_map",
        "enabled",
        "create_accounts",
        "password_login",
    ):
        value = getattr(values, name)
        if getattr(provider, name) != value:
            setattr(provider, name, value)
            changed.append(name)
    if values.client_secret:
        provider.client_secret_encrypted = secret_box.encrypt(config, values.client_secret)
        changed.append("client_secret")
    provider.updated_at = now
    provider.updated_by_id = admin.id
    if {"issuer", "client_id", "client_secret"} & set(changed):
        provider.last_error = provider.last_error_at = None
        forget_provider_cache(provider.issuer)
    db.add(provider)
    audit.record(
        db,
        actor=admin,
        action="sso_config_changed",
        subject_type="oidc_provider",
        subject_id=admin.organisation_id,
        detail="fields: " + ", ".join(changed or ["none"]),
    )
    db.flush()
    return provider


def record_provider_error(db: Session, provider: OidcProvider, reason: str, now: datetime) -> None:
    """Keep the latest failure for the admin's view."""
    provider.last_error = reason[:500]
    provider.last_error_at = now
    db.add(provider)


def password_login_allowed(db: Session, user: User) -> bool:
    """False when the person's organisation signs in through its provider only; an admin keeps
    the local log-in (break glass, when the provider is down or misconfigured)."""
    provider = db.get(OidcProvider, user.organisation_id)
    if provider is None or not provider.enabled or provider.password_login:
        return True
    return user.has_role(Role.ADMIN)


# --- the provider's metadata and keys (cached per process) --------------------------------

_cache_lock = threading.Lock()
_discovery: dict[str, tuple[float, dict]] = {}
_keys: dict[str, KeySet] = {}


def forget_provider_cache(issuer: str) -> None:
    """Drop what is cached about a provider (after its configuration changed)."""
    with _cache_lock:
        entry = _discovery.pop(issuer, None)
        if entry:
            _keys.pop(entry[1].get("jwks_uri", ""), None)


def _get_json(url: str, *, timeout: int, what: str) -> dict:
    import requests

    try:
        response = requests.get(url, timeout=timeout, headers={"Accept": "application/json"})
    except requests.Timeout as error:
        raise SignInRefused(
            "unreachable", f"{what}: no answer from {url} in {timeout} s"
        ) from error
    except requests.RequestException as error:
        raise SignInRefused("unreachable", f"{what}: {url} could not be reached") from error
    if response.status_code != 200:
        raise SignInRefused(what, f"{url} answered HTTP {response.status_code}")
    try:
        body = response.json()
    except ValueError as error:
        raise SignInRefused(what, f"{url} did not answer with JSON") from error
    if not isinstance(body, dict):
        raise SignInRefused(what, f"{url} did not answer with a JSON object")
    return body


def discover(issuer: str, *, timeout: int) -> dict:
    """The provider's metadata from /.well-known/openid-configuration (cached for an hour)."""
    with _cache_lock:
        cached = _discovery.get(issuer)
    if cached and time.monotonic() - cached[0] < DISCOVERY_TTL_SECONDS:
        return cached[1]
    url = issuer.rstrip("/") + "/" + WELL_KNOWN
    metadata = _get_json(url, timeout=timeout, what="discovery")
    if metadata.get("issuer") != issuer:
        raise SignInRefused(
            "discovery",
            f"the provider calls itself {metadata.get('issuer')!r}, not {issuer!r} as entered",
        )
    for field in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not isinstance(metadata.get(field), str):
            raise SignInRefused("discovery", f"the provider's metadata has no {field}")
    if "S256" not in metadata.get("code_challenge_methods_supported", ["S256"]):
        raise SignInRefused("discovery", "the provider does not support PKCE with S256")
    with _cache_lock:
        _discovery[issuer] = (time.monotonic(), metadata)
    return metadata


def _key_set(jwks_uri: str, *, timeout: int, refresh: bool = False) -> KeySet:
    with _cache_lock:
        cached = None if refresh else _keys.get(jwks_uri)
    if cached is not None:
        return cached
    from joserfc.errors import JoseError
    from joserfc.jwk import KeySet

    body = _get_json(jwks_uri, timeout=timeout, what="jwks")
    try:
        key_set = KeySet.import_key_set(body)
    except (JoseError, ValueError, KeyError, TypeError) as error:
        raise SignInRefused("jwks", f"the keys at {jwks_uri} cannot be read") from error
    with _cache_lock:
        _keys[jwks_uri] = key_set
    return key_set


def check_provider(provider: OidcProvider, *, config: Mapping) -> dict:
    """Discovery now (for the admin's 'test' button); raises SignInRefused."""
    forget_provider_cache(provider.issuer)
    metadata = discover(provider.issuer, timeout=config["OIDC_HTTP_TIMEOUT"])
    _key_set(metadata["jwks_uri"], timeout=config["OIDC_HTTP_TIMEOUT"], refresh=True)
    return metadata


# --- the flow ---------------------------------------------------------------------------------


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _client(provider: OidcProvider, *, config: Mapping, redirect_uri: str) -> OAuth2Session:
    from authlib.integrations.requests_client import OAuth2Session

    try:
        secret = secret_box.decrypt(config, provider.client_secret_encrypted)
    except secret_box.SecretUnreadable as error:
        raise SignInRefused(
            "secret_unreadable",
            "the stored client secret cannot be decrypted (OIDC_SECRET_KEY or SECRET_KEY changed);"
            " enter the secret again",
        ) from error
    return OAuth2Session(
        client_id=provider.client_id,
        client_secret=secret,
        scope=SCOPES,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_basic",  # noqa: S106 - a method name  # nosec B106
    )


def start(
    db: Session,
    *,
    provider: OidcProvider,
    redirect_uri: str,
    next_path: str | None,
    login_hint: str | None,
    config: Mapping,
    now: datetime,
) -> tuple[str, str]:
    """Begin a sign-in: (URL at the provider, state). The state goes in the browser's session
    too; it is stored hashed here with the nonce and the PKCE verifier, valid for minutes."""
    metadata = discover(provider.issuer, timeout=config["OIDC_HTTP_TIMEOUT"])
    state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    verifier = secrets.token_urlsafe(64)
    extra = {"nonce": nonce}
    if login_hint:
        extra["login_hint"] = login_hint
    with _client(provider, config=config, redirect_uri=redirect_uri) as client:
        url, _ = client.create_authorization_url(
            metadata["authorization_endpoint"], state=state, code_verifier=verifier, **extra
        )
    db.add(
        OidcLoginState(
            state_hash=_hash(state),
            organisation_id=provider.organisation_id,
            nonce=nonce,
            code_verifier=verifier,
            next_path=next_path,
            created_at=now,
            expires_at=now + config["OIDC_STATE_TTL"],
        )
    )
    db.flush()
    return url, state


def claim_state(db: Session, *, state: str, expected: str | None, now: datetime) -> OidcLoginState:
    """Use a state once: it must be the one this browser started, known, unused and unexpired."""
    if not state or not expected or not secrets.compare_digest(state, expected):
        raise SignInRefused("state", "the answer does not belong to a sign-in this browser began")
    row = db.get(OidcLoginState, _hash(state))
    if row is None:
        raise SignInRefused("state", "unknown state")
    if row.used_at is not None:
        raise SignInRefused("state_replayed", "this sign-in answer was used before")
    if row.expires_at <= now:
        raise SignInRefused("state_expired", "the sign-in took too long")
    claimed = db.execute(
        update(OidcLoginState)
        .where(OidcLoginState.state_hash == row.state_hash, OidcLoginState.used_at.is_(None))
        .values(used_at=now)
    ).rowcount
    if not claimed:
        raise SignInRefused("state_replayed", "this sign-in answer was used before")
    return row


@dataclass(frozen=True)
class SignIn:
    """A finished sign-in: the person, the ID token (for log-out), what happened."""

    user: User
    id_token: str
    created: bool = False
    role_changed_from: str | None = None


def exchange_code(
    provider: OidcProvider,
    *,
    code: str,
    login: OidcLoginState,
    redirect_uri: str,
    config: Mapping,
) -> str:
    """The ID token for this authorization code (token endpoint, client secret, PKCE)."""
    import requests
    from authlib.integrations.base_client.errors import OAuthError

    metadata = discover(provider.issuer, timeout=config["OIDC_HTTP_TIMEOUT"])
    try:
        with _client(provider, config=config, redirect_uri=redirect_uri) as client:
            token = client.fetch_token(
                metadata["token_endpoint"],
                code=code,
                code_verifier=login.code_verifier,
                timeout=config["OIDC_HTTP_TIMEOUT"],
            )
    except OAuthError as error:
        if error.error == "invalid_client":
            raise SignInRefused(
                "client_auth", "the provider refused the client id or secret (invalid_client)"
            ) from error
        raise SignInRefused(
            "token_exchange", f"the token endpoint answered {error.error}: {error.description}"
        ) from error
    except requests.RequestException as error:
        raise SignInRefused("unreachable", "the token endpoint could not be reached") from error
    except ValueError as error:  # not JSON
        raise SignInRefused("token_exchange", "the token endpoint did not answer JSON") from error
    id_token = token.get("id_token")
    if not id_token:
        raise SignInRefused("token_exchange", "the provider gave no ID token")
    return id_token


def verify_id_token(
    provider: OidcProvider, *, id_token: str, nonce: str, config: Mapping, now: datetime
) -> dict:
    """The ID token's claims after the signature and every required claim were checked."""
    timeout = config["OIDC_HTTP_TIMEOUT"]
    from joserfc import jws, jwt
    from joserfc.errors import JoseError

    metadata = discover(provider.issuer, timeout=timeout)
    try:
        header = jws.extract_compact(id_token.encode()).headers()
    except (JoseError, ValueError) as error:
        raise SignInRefused("invalid_token", "the ID token is not a signed JWT") from error
    algorithm = header.get("alg")
    if algorithm not in ALGORITHMS:
        raise SignInRefused("invalid_token", f"the ID token is signed with {algorithm!r}")
    keys = _key_set(metadata["jwks_uri"], timeout=timeout)
    kid = header.get("kid")
    if kid and not any(key.kid == kid for key in keys.keys):
        keys = _key_set(metadata["jwks_uri"], timeout=timeout, refresh=True)  # key rotation
        if not any(key.kid == kid for key in keys.keys):
            raise SignInRefused("signature", f"the provider has no key {kid!r}")
    try:
        claims = jwt.decode(id_token, keys, algorithms=[algorithm]).claims
    except JoseError as error:
        raise SignInRefused("signature", "the ID token's signature does not check out") from error
    _check_claims(provider, claims, nonce=nonce, config=config, now=now)
    return claims


def _check_claims(
    provider: OidcProvider, claims: dict, *, nonce: str, config: Mapping, now: datetime
) -> None:
    if claims.get("iss") != provider.issuer:
        raise SignInRefused("issuer", f"the token comes from {claims.get('iss')!r}")
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if provider.client_id not in audiences:
        raise SignInRefused("audience", "the token was issued for another application")
    if len(audiences) > 1 and claims.get("azp") != provider.client_id:
        raise SignInRefused("audience", "the token's authorised party is another application")
    if not secrets.compare_digest(str(claims.get("nonce", "")), nonce):
        raise SignInRefused("nonce", "the token's nonce does not match this sign-in")
    leeway = config["OIDC_CLOCK_SKEW"].total_seconds()
    moment = now.timestamp()
    expires, issued = claims.get("exp"), claims.get("iat")
    if not isinstance(expires, int | float) or not isinstance(issued, int | float):
        raise SignInRefused("invalid_token", "the token has no exp or iat")
    if expires + leeway < moment:
        raise SignInRefused(
            "expired" if issued <= moment + leeway else "clock_skew",
            f"the token expired {int(moment - expires)} s ago by this server's clock",
        )
    if issued - leeway > moment:
        raise SignInRefused(
            "clock_skew",
            f"the token was issued {int(issued - moment)} s in the future by this server's clock",
        )
    not_before = claims.get("nbf")  # Entra ID sets it; optional in OpenID Connect
    if isinstance(not_before, int | float) and not_before - leeway > moment:
        raise SignInRefused(
            "clock_skew",
            f"the token is valid only {int(not_before - moment)} s from now by this server's clock",
        )
    if not claims.get("sub"):
        raise SignInRefused("invalid_token", "the token has no sub")


def _verified_email(claims: dict) -> str:
    email = claims.get("email")
    if not isinstance(email, str) or "@" not in email:
        raise SignInRefused("no_email", "the token carries no e-mail address")
    # Entra ID states domain-verified addresses with the optional claim xms_edov.
    verified = claims.get("email_verified") is True or claims.get("xms_edov") in (True, "1", 1)
    if not verified:
        raise SignInRefused("email_unverified", f"the address {email} is not verified")
    return email.strip().lower()


def mapped_role(provider: OidcProvider, claims: dict) -> Role | None:
    """The strongest role whose values appear in the configured claim, if any."""
    if not provider.role_claim or not provider.role_map:
        return None
    values = claims.get(provider.role_claim)
    present = {str(v) for v in (values if isinstance(values, list) else [values]) if v is not None}
    for role in MAPPABLE_ROLES:
        if present & set(provider.role_map.get(str(role), [])):
            return role
    return None


def match_user(
    db: Session, *, provider: OidcProvider, claims: dict, id_token: str, now: datetime
) -> SignIn:
    """The person inside the provider's organisation: by `sub`, else by verified e-mail
    (remembering the `sub`), else a new account when the admin allowed that."""
    subject = str(claims["sub"])
    user = db.scalars(
        select(User).where(
            User.organisation_id == provider.organisation_id, User.oidc_subject == subject
        )
    ).first()
    if user is None:
        email = _verified_email(claims)
        domain = email.rpartition("@")[2]
        if domain not in (provider.email_domains or []):
            owner = domain_owner(db, domain)
            if owner is not None and owner.organisation_id != provider.organisation_id:
                raise SignInRefused(
                    "other_organisation", f"{domain} belongs to another organisation"
                )
            raise SignInRefused("domain", f"{domain} is not among this provider's domains")
        user = db.scalars(select(User).where(User.email == email)).first()
        if user is not None and user.organisation_id != provider.organisation_id:
            raise SignInRefused(
                "other_organisation", f"{email} is an account of another organisation"
            )
        if user is not None and user.oidc_subject and user.oidc_subject != subject:
            raise SignInRefused("subject", f"{email} is linked to another identity", user=user)
        if user is None:
            return _create_account(
                db, provider=provider, claims=claims, email=email, token=id_token
            )
        user.oidc_subject = subject
    if not user.is_active:
        raise SignInRefused("inactive", "the account is deactivated", user=user)
    previous = user.role
    role = mapped_role(provider, claims)
    if role is not None and user.role != str(role):
        user.role = str(role)
    db.add(user)
    db.flush()
    return SignIn(user, id_token, role_changed_from=previous if previous != user.role else None)


def _create_account(
    db: Session, *, provider: OidcProvider, claims: dict, email: str, token: str
) -> SignIn:
    if not provider.create_accounts:
        raise SignInRefused("no_account", f"no account for {email} in this organisation")
    from portfolio.services.accounts import accounts
    from portfolio.services.accounts.passwords import hash_password

    name = claims.get("name") if isinstance(claims.get("name"), str) else email.partition("@")[0]
    user = User(
        organisation_id=provider.organisation_id,
        email=email,
        name=name.strip()[:200] or email,
        role=str(mapped_role(provider, claims) or Role.WORKER),
        # Nobody knows this password: the account signs in through the provider.
        password_hash=hash_password(secrets.token_urlsafe(32)),
        session_token=accounts.new_session_token(),
        oidc_subject=str(claims["sub"]),
    )
    db.add(user)
    db.flush()
    return SignIn(user, token, created=True)


def complete(
    db: Session,
    *,
    state: str,
    expected_state: str | None,
    code: str | None,
    error: str | None,
    redirect_uri: str,
    config: Mapping,
    now: datetime,
) -> tuple[SignIn, OidcLoginState]:
    """The callback: state, then the provider's error or the code, the token, the person."""
    login = claim_state(db, state=state, expected=expected_state, now=now)
    provider = db.get(OidcProvider, login.organisation_id)
    if provider is None or not provider.enabled:
        raise SignInRefused("disabled", "single sign-on is switched off for this organisation")
    if error:
        raise SignInRefused("provider_error", f"the provider answered {error[:100]}")
    if not code:
        raise SignInRefused("provider_error", "the provider's answer has no code")
    id_token = exchange_code(
        provider, code=code, login=login, redirect_uri=redirect_uri, config=config
    )
    claims = verify_id_token(provider, id_token=id_token, nonce=login.nonce, config=config, now=now)
    return match_user(db, provider=provider, claims=claims, id_token=id_token, now=now), login


def logout_url(
    provider: OidcProvider | None, *, id_token: str | None, after: str, config: Mapping
) -> str | None:
    """The provider's end-session URL (RP-initiated log-out), when it offers one."""
    if provider is None or not provider.enabled:
        return None
    try:
        metadata = discover(provider.issuer, timeout=config["OIDC_HTTP_TIMEOUT"])
    except SignInRefused:
        return None
    endpoint = metadata.get("end_session_endpoint")
    if not isinstance(endpoint, str):
        return None
    query = {"post_logout_redirect_uri": after, "client_id": provider.client_id}
    if id_token:
        query["id_token_hint"] = id_token
    return endpoint + ("&" if "?" in endpoint else "?") + urlencode(query)


def origin(url: str) -> str:
    """scheme://host[:port] of a URL (for the log-out page's CSP)."""
    parts = urlparse(url)
    return f"{parts.scheme}://{parts.netloc}"


def organisation_of(db: Session, slug: str) -> tuple[Organisation, OidcProvider] | None:
    """The organisation with this slug and its enabled provider."""
    organisation = db.scalars(select(Organisation).where(Organisation.slug == slug)).first()
    if organisation is None:
        return None
    provider = db.get(OidcProvider, organisation.id)
    if provider is None or not provider.enabled:
        return None
    return organisation, provider
