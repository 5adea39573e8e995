"""Sign a delivery (HMAC-SHA256 over "timestamp.body"), check a signature, and keep secrets encrypted at rest.

The header is `Frontcounter-Signature: t=<unix seconds>,v1=<hex digest>`. Endpoint secrets are shown
once and stored encrypted with Fernet under WEBHOOK_SECRETS_KEY (comma-separated keys, the first
encrypts, all decrypt, for rotation), or a key derived from SECRET_KEY when that is not set.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app

HEADER = "Frontcounter-Signature"
SECRET_PREFIX = "whsec_"  # noqa: S105 - marks our secrets for scanners; not a secret
DEFAULT_TOLERANCE_SECONDS = 300


def new_secret() -> str:
    """A fresh endpoint signing secret."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256 of "timestamp.body" under `secret`."""
    message = str(timestamp).encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, body: bytes, timestamp: int | None = None) -> str:
    """The Frontcounter-Signature header value for `body`, signed now (or at `timestamp`)."""
    stamp = int(time.time()) if timestamp is None else timestamp
    return f"t={stamp},v1={signature(secret, stamp, body)}"


def verify(
    secret: str, header: str, body: bytes, tolerance: int = DEFAULT_TOLERANCE_SECONDS, now: int | None = None
) -> bool:
    """True when `header` signs `body` with `secret` within `tolerance` seconds of now (what a receiver does)."""
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        stamp = int(parts.get("t", ""))
    except ValueError:
        return False
    if abs((int(time.time()) if now is None else now) - stamp) > tolerance:
        return False
    return hmac.compare_digest(parts.get("v1", ""), signature(secret, stamp, body))


def _fernet() -> MultiFernet:
    configured = str(current_app.config.get("WEBHOOK_SECRETS_KEY") or "")
    keys = [key.strip() for key in configured.split(",") if key.strip()]
    if not keys:
        base = str(current_app.config["SECRET_KEY"]).encode("utf-8")
        digest = hashlib.sha256(b"frontcounter-webhook-secrets:" + base).digest()
        keys = [base64.urlsafe_b64encode(digest).decode("ascii")]
    return MultiFernet([Fernet(key.encode("ascii")) for key in keys])


def encrypt_secret(secret: str) -> str:
    """Encrypt an endpoint secret for storage."""
    return _fernet().encrypt(secret.encode("utf-8")).decode("ascii")


def decrypt_secret(stored: str) -> str:
    """Decrypt a stored endpoint secret; raises ValueError when no configured key opens it."""
    try:
        return _fernet().decrypt(stored.encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        raise ValueError("No WEBHOOK_SECRETS_KEY opens this endpoint's secret") from exc
