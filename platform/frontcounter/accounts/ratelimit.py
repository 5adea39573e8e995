"""Sign-in rate limiting: too many failures for an email or from an address locks sign-in for a while."""

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
