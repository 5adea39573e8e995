"""Signed, expiring tokens for email links: verification, password reset, tracking."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"frontcounter:{purpose}")


def make_token(purpose: str, payload: Any) -> str:
    """Sign `payload` for one `purpose` (a token for one purpose is useless for another)."""
    return _serializer(purpose).dumps(payload)


def read_expired_token(purpose: str, token: str) -> Any | None:
    """Return the payload of a genuine token whatever its age (to offer a new link), or None when forged."""
    try:
        return _serializer(purpose).loads(token)
    except BadSignature:
        return None


def read_token(purpose: str, token: str, max_age: int | None) -> Any | None:
    """Return the payload of a valid token, or None when it is forged, for another purpose or expired."""
    try:
        return _serializer(purpose).loads(token, max_age=max_age)
    except (BadSignature, SignatureExpired):
        return None


def read_token_and_age(purpose: str, token: str) -> tuple[Any, float] | None:
    """Return the payload of a genuine token and its age in seconds, or None when it is forged."""
    try:
        payload, signed_at = _serializer(purpose).loads(token, return_timestamp=True)
    except BadSignature:
        return None
    return payload, max(0.0, (datetime.now(UTC) - signed_at).total_seconds())
