"""API tokens: a force's systems authenticate to the back-office API with a bearer token (only its hash is kept)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import JSON, DateTime, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from frontcounter.accounts.models import Role
from frontcounter.extensions import db
from frontcounter.tenancy.context import platform_wide
from frontcounter.tenancy.models import Tenant, TenantOwned

TOKEN_PREFIX = "fct_"  # noqa: S105 - marks our tokens (e.g. for secret scanners); not a secret
# Roles a token may be granted: the case-working roles (force administration stays with people).
GRANTABLE_ROLES = (Role.CASEWORKER.value, Role.FIELD_OFFICER.value, Role.SUPERVISOR.value)
# How stale last_used_at may get before a request writes it again (one write a minute, not one per call).
LAST_USED_RESOLUTION = timedelta(minutes=1)


class ApiToken(TenantOwned, db.Model):
    """A bearer token for one force's systems, granting some staff roles; revoked, never deleted."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The services whose API the token may use; empty means every service the force runs.
    services: Mapped[list[str]] = mapped_column(JSON, default=list, server_default=text("'[]'"))
    created_by: Mapped[str] = mapped_column(String(320), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    @property
    def is_active(self) -> bool:
        """True until the token is revoked."""
        return self.revoked_at is None

    @property
    def actor(self) -> str:
        """How the token appears in case history and the audit log."""
        return f"api:{self.name}"


def hash_token(token: str) -> str:
    """Return the SHA-256 hex digest stored for `token`."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(
    name: str, roles: list[str], *, created_by: str, services: list[str] | None = None
) -> tuple[ApiToken, str]:
    """Create a token for the current force (for `services` only, when given); returns the row and the secret."""
    unknown = set(roles) - set(GRANTABLE_ROLES)
    if unknown:
        raise ValueError(f"An API token cannot be granted {sorted(unknown)}")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        name=name.strip(),
        token_hash=hash_token(secret),
        roles=sorted(set(roles)),
        services=sorted(set(services or ())),
        created_by=created_by,
        created_at=datetime.now(UTC),
    )
    db.session.add(row)
    return row, secret


def revoke_token(token: ApiToken) -> bool:
    """Revoke `token` (not committed); False when it was already revoked."""
    if token.revoked_at is not None:
        return False
    token.revoked_at = datetime.now(UTC)
    return True


def find_token(secret: str) -> tuple[ApiToken, Tenant] | None:
    """Find the token with this secret in any force, with its force (None when unknown); revoked ones included."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    digest = hash_token(secret)
    with platform_wide("API token lookup: the force is known only once the token is found"):
        token = db.session.scalar(db.select(ApiToken).filter_by(token_hash=digest))
    if token is None or not hmac.compare_digest(token.token_hash, digest):
        return None
    tenant = db.session.get(Tenant, token.tenant_id)
    return (token, tenant) if tenant is not None else None


def touch(token: ApiToken) -> bool:
    """Note that `token` was used now, at most once a minute; True when the row changed (commit it)."""
    now = datetime.now(UTC)
    last = token.last_used_at
    if last is not None and last.tzinfo is None:
        last = last.replace(tzinfo=UTC)  # SQLite hands back naive UTC
    if last is not None and now - last < LAST_USED_RESOLUTION:
        return False
    token.last_used_at = now
    return True
