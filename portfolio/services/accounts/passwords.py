"""Password hashing with argon2id at the OWASP minimum parameters."""

from __future__ import annotations

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

# OWASP Password Storage Cheat Sheet, argon2id minimum: m=19 MiB, t=2, p=1.
OWASP_MEMORY_KIB = 19 * 1024
OWASP_TIME_COST = 2
OWASP_PARALLELISM = 1
MIN_LENGTH = 12
MAX_LENGTH = 128

_hasher = PasswordHasher(
    time_cost=OWASP_TIME_COST,
    memory_cost=OWASP_MEMORY_KIB,
    parallelism=OWASP_PARALLELISM,
    type=Type.ID,
)


def hash_password(password: str) -> str:
    """Hash a password (argon2id, random salt)."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when the password matches the hash; never raises for a bad hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(password_hash)


# A hash to verify against when the account does not exist, so timing does not tell.
DUMMY_HASH = hash_password("not-a-real-password-for-timing")
