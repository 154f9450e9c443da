"""Configuration: defaults that run out of the box, overridden by environment variables."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

DEV_SECRET_KEY = "dev-only-secret-key-change-me"  # noqa: S105 - refused outside development  # nosec B105


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def default_database_url(instance_path: str) -> str:
    """The embedded SQLite database in the instance folder."""
    return f"sqlite:///{Path(instance_path) / 'vakbekwaam.sqlite3'}"


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for plain postgres:// URLs (as hosting platforms hand them out)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


MB = 1024 * 1024
# Room for the form's text fields beside the largest evidence file: an upload of exactly the
# allowed size must reach the form's own check (a clear message) rather than Flask's 413.
FORM_HEADROOM_BYTES = 1 * MB


def from_environment(instance_path: str) -> dict:
    """Read every setting the app knows from the environment, with working defaults."""
    env = os.environ.get("VAKBEKWAAM_ENV", "development")
    # MAX_UPLOAD_MB is the setting's earlier name, still honoured.
    evidence_max_bytes = _env_int("EVIDENCE_MAX_MB", _env_int("MAX_UPLOAD_MB", 10)) * MB
    return {
        "ENV_NAME": env,
        "SECRET_KEY": os.environ.get("SECRET_KEY", DEV_SECRET_KEY),
        "DATABASE_URL": normalise_database_url(
            os.environ.get("DATABASE_URL") or default_database_url(instance_path)
        ),
        "SQL_ECHO": _env_bool("SQL_ECHO", False),
        # Sessions and cookies (QUALITY.md, authentication).
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _env_bool("SESSION_COOKIE_SECURE", env != "development"),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": _env_bool("SESSION_COOKIE_SECURE", env != "development"),
        "SESSION_IDLE_TIMEOUT": timedelta(minutes=_env_int("SESSION_IDLE_MINUTES", 30)),
        "SESSION_ABSOLUTE_LIFETIME": timedelta(hours=_env_int("SESSION_MAX_HOURS", 12)),
        # Warn this long before the idle timeout, with a button to stay logged in (drafts.js).
        "SESSION_WARNING_SECONDS": _env_int("SESSION_WARNING_SECONDS", 120),
        # A form posted after its session ended is kept this long for its owner to log in.
        "KEPT_FORM_TTL": timedelta(hours=_env_int("KEPT_FORM_HOURS", 24)),
        # drafts.js saves what is typed this often (and when a field is left).
        "DRAFT_SAVE_SECONDS": _env_int("DRAFT_SAVE_SECONDS", 5),
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=_env_int("SESSION_MAX_HOURS", 12)),
        # Proxies of our own in front of the app (load balancer, reverse proxy): only their
        # X-Forwarded-For / X-Forwarded-Proto are believed. 0: the app faces clients directly.
        "TRUSTED_PROXIES": _env_int("TRUSTED_PROXIES", 0),
        # Log-in throttling: failures allowed per window, per account and per address.
        "LOGIN_MAX_FAILURES_PER_ACCOUNT": _env_int("LOGIN_MAX_FAILURES_PER_ACCOUNT", 5),
        "LOGIN_MAX_FAILURES_PER_ADDRESS": _env_int("LOGIN_MAX_FAILURES_PER_ADDRESS", 20),
        "LOGIN_THROTTLE_WINDOW": timedelta(minutes=_env_int("LOGIN_THROTTLE_MINUTES", 15)),
        "PASSWORD_RESET_TTL": timedelta(hours=_env_int("PASSWORD_RESET_HOURS", 2)),
        # Reset links asked per client address and per account address within the window.
        "PASSWORD_RESET_MAX_PER_ADDRESS": _env_int("PASSWORD_RESET_MAX_PER_ADDRESS", 10),
        "PASSWORD_RESET_MAX_PER_TARGET": _env_int("PASSWORD_RESET_MAX_PER_TARGET", 3),
        "PASSWORD_RESET_THROTTLE_WINDOW": timedelta(hours=1),
        # Feedback asked of outside people carries the worker's text to any address typed:
        # at most this many requests and reminders a day, and one reminder per request per N days.
        "FEEDBACK_OUTSIDE_PER_DAY": _env_int("FEEDBACK_OUTSIDE_PER_DAY", 10),
        "FEEDBACK_REMINDER_INTERVAL_DAYS": _env_int("FEEDBACK_REMINDER_INTERVAL_DAYS", 3),
        # Sign-in through an organisation's OpenID Connect provider (README, "Single sign-on").
        # The key that encrypts client and TOTP secrets; derived from SECRET_KEY when unset.
        "OIDC_SECRET_KEY": os.environ.get("OIDC_SECRET_KEY", ""),
        "OIDC_HTTP_TIMEOUT": _env_int("OIDC_HTTP_TIMEOUT", 5),
        "OIDC_CLOCK_SKEW": timedelta(seconds=_env_int("OIDC_CLOCK_SKEW_SECONDS", 120)),
        "OIDC_STATE_TTL": timedelta(minutes=_env_int("OIDC_STATE_MINUTES", 10)),
        # Who must use a second factor with a password, where the organisation chose nothing:
        # "none", "hr_admin" or "all".
        "SECOND_FACTOR_DEFAULT": os.environ.get("SECOND_FACTOR_DEFAULT", "hr_admin"),
        # Mail: "console" prints (development), "smtp" delivers.
        "MAIL_BACKEND": os.environ.get("MAIL_BACKEND", "console"),
        "MAIL_SENDER": os.environ.get("MAIL_SENDER", "Vakbekwaam <no-reply@vakbekwaam.local>"),
        "SMTP_HOST": os.environ.get("SMTP_HOST", "127.0.0.1"),
        "SMTP_PORT": _env_int("SMTP_PORT", 25),
        "SMTP_USERNAME": os.environ.get("SMTP_USERNAME", ""),
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": _env_bool("SMTP_STARTTLS", False),
        "SMTP_SSL": _env_bool("SMTP_SSL", False),
        "SMTP_TIMEOUT": _env_int("SMTP_TIMEOUT", 10),
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000"),
        # Internationalisation: Dutch by default, English available.
        "BABEL_DEFAULT_LOCALE": "nl",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Amsterdam",
        "LANGUAGES": ("nl", "en"),
        "WTF_CSRF_TIME_LIMIT": None,
        "PAGE_SIZE": _env_int("PAGE_SIZE", 25),
        # The people list and the audit log count their rows up to this many; beyond it they
        # say "page N" without the number of pages (counting 70,000 rows per visit is slow).
        "PAGE_COUNT_LIMIT": _env_int("PAGE_COUNT_LIMIT", 1000),
        # HR's PDF of the yearly evaluations draws a chart per worker (~40 ms each): refused above
        # this many workers (filter by team or status); CSV and XLSX have no limit.
        "EVALUATION_PDF_MAX_WORKERS": _env_int("EVALUATION_PDF_MAX_WORKERS", 500),
        # Rendered worker dashboards kept per process (0: none), and for how long at most.
        "DASHBOARD_CACHE_SIZE": _env_int("DASHBOARD_CACHE_SIZE", 256),
        "DASHBOARD_CACHE_SECONDS": _env_int("DASHBOARD_CACHE_SECONDS", 600),
        # Rendered pages go through Flask-Caching: per process by default, shared by every
        # worker and machine in Redis when this is set (redis://host:6379/0).
        "CACHE_REDIS_URL": os.environ.get("CACHE_REDIS_URL", ""),
        # HR's organisation overview (counts only) may be this many seconds old (0: always exact).
        "OVERVIEW_CACHE_SECONDS": _env_int("OVERVIEW_CACHE_SECONDS", 60),
        "CACHE_KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "vakbekwaam:"),
        # One log line per request ("text" key=value, or "json"); LOG_REQUESTS=0 silences it.
        "LOG_FORMAT": os.environ.get("LOG_FORMAT", "text"),
        "LOG_REQUESTS": _env_bool("LOG_REQUESTS", True),
        # The largest evidence file; a whole request may be that plus the form's fields.
        "EVIDENCE_MAX_BYTES": evidence_max_bytes,
        "MAX_CONTENT_LENGTH": evidence_max_bytes + FORM_HEADROOM_BYTES,
    }


class InsecureConfigError(RuntimeError):
    """Raised when the development secret key is used outside development."""


def check(config: dict) -> None:
    """Refuse to start with the development secret key outside development."""
    if config["ENV_NAME"] not in {"development", "test"} and (
        config["SECRET_KEY"] == DEV_SECRET_KEY or len(config["SECRET_KEY"]) < 32
    ):
        raise InsecureConfigError(
            "SECRET_KEY must be set to a random value of at least 32 characters "
            f"when VAKBEKWAAM_ENV={config['ENV_NAME']!r}"
        )
