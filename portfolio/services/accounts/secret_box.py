"""Secrets stored encrypted: the providers' client secrets and the TOTP secrets.

The key comes from the environment: OIDC_SECRET_KEY (one or more Fernet keys, comma-separated,
the first encrypts; older ones still decrypt, for rotating the key), or, when that is not set,
a key derived from SECRET_KEY. A database copy alone does not reveal the secrets.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cryptography.fernet import MultiFernet


class SecretUnreadable(RuntimeError):
    """The stored secret was encrypted with another key (OIDC_SECRET_KEY changed?)."""


def _box(config: Mapping) -> MultiFernet:
    from cryptography.fernet import Fernet, MultiFernet  # where used: a second step or SSO

    keys = [k.strip() for k in (config.get("OIDC_SECRET_KEY") or "").split(",") if k.strip()]
    if not keys:
        digest = hashlib.sha256(b"vakbekwaam secret box\0" + config["SECRET_KEY"].encode()).digest()
        keys = [base64.urlsafe_b64encode(digest).decode()]
    return MultiFernet([Fernet(key) for key in keys])


def encrypt(config: Mapping, secret: str) -> str:
    """The secret, encrypted and authenticated."""
    return _box(config).encrypt(secret.encode()).decode()


def decrypt(config: Mapping, token: str) -> str:
    """The secret back; raises SecretUnreadable when the key does not fit."""
    from cryptography.fernet import InvalidToken

    try:
        return _box(config).decrypt(token.encode()).decode()
    except (InvalidToken, ValueError) as error:
        raise SecretUnreadable("the secret cannot be decrypted with the configured key") from error
