"""Sign-in rate limiting: too many failures for an email (or second-factor key) or from an address
locks sign-in for a while; a force admin can clear a lock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import func, or_

from frontcounter.accounts.models import SignInAttempt
from frontcounter.extensions import db


def _window_start() -> datetime:
    return datetime.now(UTC) - timedelta(seconds=current_app.config["SIGN_IN_WINDOW_SECONDS"])


def is_locked(email: str, ip: str) -> bool:
    """True when recent failures for this email, or from this address, reached the limit."""
    limit = current_app.config["SIGN_IN_MAX_FAILURES"]
    since = _window_start()
    by_email = db.session.scalar(
        db.select(func.count())
        .select_from(SignInAttempt)
        .where(SignInAttempt.email == email.lower(), SignInAttempt.at >= since, SignInAttempt.succeeded.is_(False))
    )
    by_ip = db.session.scalar(
        db.select(func.count())
        .select_from(SignInAttempt)
        .where(SignInAttempt.ip == ip, SignInAttempt.at >= since, SignInAttempt.succeeded.is_(False))
    )
    return by_email >= limit or by_ip >= limit * 4


def record(email: str, ip: str, succeeded: bool) -> None:
    """Record an attempt; a success clears that email's failures; old rows are pruned."""
    now = datetime.now(UTC)
    if succeeded:
        db.session.execute(db.delete(SignInAttempt).where(SignInAttempt.email == email.lower()))
    db.session.add(SignInAttempt(email=email.lower(), ip=ip, succeeded=succeeded, at=now))
    db.session.execute(
        db.delete(SignInAttempt).where(
            or_(SignInAttempt.at < now - timedelta(days=1), SignInAttempt.succeeded.is_(True))
            & (SignInAttempt.email != email.lower())
        )
    )
    db.session.commit()


def second_factor_key(account_id: int) -> str:
    """The key second-factor (authenticator code) failures are counted under for an account."""
    return f"totp:{account_id}"


def is_locked_out(key: str) -> bool:
    """True when recent failures for `key` alone (an email or a second-factor key) reached the limit."""
    limit = current_app.config["SIGN_IN_MAX_FAILURES"]
    failures = db.session.scalar(
        db.select(func.count())
        .select_from(SignInAttempt)
        .where(SignInAttempt.email == key.lower(), SignInAttempt.at >= _window_start(),
               SignInAttempt.succeeded.is_(False))
    )
    return failures >= limit


def clear(*keys: str) -> None:
    """Forget the failures recorded for `keys` (a force admin unlocking someone; not committed)."""
    db.session.execute(db.delete(SignInAttempt).where(SignInAttempt.email.in_([k.lower() for k in keys])))
