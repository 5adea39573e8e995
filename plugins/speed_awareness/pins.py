"""Offer PINs: argon2id hashes, tuned for the many PINs an import hashes at once.

A PIN has 4 to 8 digits, so no hash can make guessing it offline hard on its own: what protects an
offer is that the reference, the PIN and the driver's licence number are all needed, and that the
booking pages limit attempts. The hash keeps PINs out of the database in the clear. It uses the
OWASP minimum argon2id parameters (19 MiB, 2 passes, 1 lane) rather than the staff password
parameters, so a file of 1,000 offers hashes in tens of seconds, not minutes.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)

# Verified against when no offer has the reference, so the time taken does not reveal references.
DUMMY_PIN_HASH = _hasher.hash("00000000")


def hash_pin(pin: str) -> str:
    """Return an argon2id hash of `pin`."""
    return _hasher.hash(pin)


def verify_pin(pin_hash: str, pin: str) -> bool:
    """True when `pin` matches `pin_hash`."""
    try:
        return _hasher.verify(pin_hash, pin)
    except (VerificationError, InvalidHashError):
        return False
