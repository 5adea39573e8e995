"""Account operations shared by views, the CLI and tests."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app, request
from flask_babel import gettext as _

from frontcounter.accounts import passwords, ratelimit
from frontcounter.accounts.models import Account, AccountKind, StaffMember
from frontcounter.accounts.tokens import make_token, read_token
from frontcounter.extensions import db
from frontcounter.notifications import send_email

VERIFY_MAX_AGE = 3 * 24 * 3600
RESET_MAX_AGE = 3600


class SignInRefused(Exception):
    """Sign-in failed; `message` is safe to show the person."""

    def __init__(self, message: str, *, locked: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.locked = locked


def find_account(email: str) -> Account | None:
    """Return the account with this email address, or None."""
    return db.session.scalar(db.select(Account).filter_by(email=email.strip().lower()))


def create_account(
    email: str, password: str, full_name: str = "", kind: AccountKind = AccountKind.PUBLIC, verified: bool = False,
    *, password_hash: str | None = None,
) -> Account:
    """Create an account (not committed); `password_hash` when the caller hashed `password` already."""
    account = Account(
        email=email.strip().lower(),
        full_name=full_name,
        kind=kind.value,
        password_hash=password_hash or passwords.hash_password(password),
        email_verified_at=datetime.now(UTC) if verified else None,
    )
    db.session.add(account)
    db.session.flush()
    return account


def authenticate(email: str, password: str) -> Account:
    """Check credentials with rate limiting; return the account or raise SignInRefused."""
    ip = request.remote_addr or "unknown"
    if ratelimit.is_locked(email, ip):
        minutes = max(1, current_app.config["SIGN_IN_WINDOW_SECONDS"] // 60)
        raise SignInRefused(_("Too many failed attempts. Wait %(n)d minutes and try again.", n=minutes), locked=True)
    account = find_account(email)
    ok = passwords.verify_password(account.password_hash if account else passwords.DUMMY_HASH, password)
    if not ok or account is None or not account.is_active:
        ratelimit.record(email, ip, succeeded=False)
        raise SignInRefused(_("Enter a correct email address and password"))
    if passwords.needs_rehash(account.password_hash):
        account.password_hash = passwords.hash_password(password)
    ratelimit.record(email, ip, succeeded=True)
    return account


def send_verification(account: Account, next_url: str = "") -> None:
    """Email a link that confirms the account's email address."""
    token = make_token("verify-email", {"id": account.id, "email": account.email, "next": next_url})
    from frontcounter.web.urls import external_url  # at call time: web imports accounts

    link = external_url("account.verify", token=token)
    send_email(account.email, _("Confirm your email address"), "email/verify", link=link, account=account)
    db.session.commit()


def verify_email(token: str) -> Account | None:
    """Mark the email address in a valid token as confirmed; return the account."""
    data = read_token("verify-email", token, VERIFY_MAX_AGE)
    if not data:
        return None
    account = db.session.get(Account, data["id"])
    if account is None or account.email != data["email"]:
        return None
    if account.email_verified_at is None:
        account.email_verified_at = datetime.now(UTC)
        db.session.commit()
    return account


def _locale() -> str:
    from flask_babel import get_locale

    return str(get_locale() or "en")


def sign_up(email: str, password: str, full_name: str, next_url: str = "") -> None:
    """Create the account when the email is new; the same work either way (no timing tells who has one).

    The password is hashed and a job is queued whether or not the address has an account; the job
    sends the confirmation link when the account still needs one.
    """
    from sqlalchemy.exc import IntegrityError

    from frontcounter.jobs.outbox import defer

    password_hash = passwords.hash_password(password)
    if find_account(email) is None:
        try:
            with db.session.begin_nested():
                create_account(email, password, full_name, password_hash=password_hash)
        except IntegrityError:
            pass  # the same address signed up a moment ago: same answer
    defer(send_sign_up_email, email.strip().lower(), next_url, _locale())
    db.session.commit()


def send_sign_up_email(email: str, next_url: str, lang: str) -> str:
    """Job: send the confirmation link when the account is still unconfirmed."""
    from flask_babel import force_locale

    account = find_account(email)
    if account is None or account.email_verified_at is not None:
        return "nothing to send"
    with force_locale(lang):
        send_verification(account, next_url)
    return "sent"


def send_password_reset(email: str) -> None:
    """Queue the reset email job (the same work whether or not the account exists; not committed)."""
    from frontcounter.jobs.outbox import defer

    defer(send_password_reset_now, email.strip().lower(), _locale())


def send_password_reset_now(email: str, lang: str = "en") -> str:
    """Job: email a reset link if the account exists and is active."""
    from flask_babel import force_locale

    account = find_account(email)
    if account is None or not account.is_active:
        return "no account"
    with force_locale(lang):
        _send_reset(account)
    return "sent"


def _send_reset(account: Account) -> None:
    token = make_token("reset-password", {"id": account.id, "fp": account.password_hash[-16:]})
    from frontcounter.web.urls import external_url  # at call time: web imports accounts

    link = external_url("account.reset_password", token=token)
    send_email(account.email, _("Reset your password"), "email/reset", link=link, account=account)
    db.session.commit()


def account_for_reset(token: str) -> Account | None:
    """Return the account a reset token is for, if valid and not yet used."""
    data = read_token("reset-password", token, RESET_MAX_AGE)
    if not data:
        return None
    account = db.session.get(Account, data["id"])
    if account is None or account.password_hash[-16:] != data["fp"]:
        return None
    return account


def set_password(account: Account, password: str) -> None:
    """Change the password (which signs the account out of every session)."""
    from frontcounter.accounts.auth import end_sessions

    account.password_hash = passwords.hash_password(password)
    end_sessions(account)
    db.session.commit()


def add_staff_member(email: str, full_name: str, roles: list[str], password: str | None = None) -> StaffMember:
    """Create (or attach) a staff account in the current force with `roles` (not committed)."""
    account = find_account(email)
    if account is None:
        import secrets

        account = create_account(
            email, password or secrets.token_urlsafe(24), full_name, AccountKind.STAFF, verified=True
        )
    elif account.kind != AccountKind.STAFF.value:
        raise ValueError(_("That email address belongs to an account that is not a staff account."))
    member = StaffMember(account_id=account.id, roles=sorted(set(roles)))
    db.session.add(member)
    db.session.flush()
    return member
