"""Who is signed in: session handling and the staff and sign-in guards for views."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from flask import abort, current_app, g, redirect, request, session, url_for
from werkzeug.wrappers import Response

from frontcounter.accounts.models import Account, Role, StaffMember
from frontcounter.extensions import db
from frontcounter.tenancy.context import current_tenant_or_none


def _session_fingerprint(account: Account) -> str:
    # Changes when the password changes, which signs the account out everywhere.
    return account.password_hash[-16:]


def sign_in(account: Account, *, second_factor: bool = False) -> None:
    """Start a fresh session for `account` (staff must pass second_factor=True)."""
    lang = session.get("lang")
    session.clear()
    session.permanent = True
    session["account_id"] = account.id
    session["fp"] = _session_fingerprint(account)
    session["mfa"] = bool(second_factor)
    session["sv"] = account.session_version or 0
    session["seen"] = int(time.time())
    if lang:
        session["lang"] = lang
    g.pop("_fc_account", None)


def end_sessions(account: Account) -> None:
    """End every session of `account` at once, on every device (not committed)."""
    account.session_version = (account.session_version or 0) + 1


def sign_out() -> None:
    """End the session server-side (the old cookie stops working), keeping only the language choice."""
    account = current_account()
    if account is not None:
        end_sessions(account)
        db.session.commit()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    g.pop("_fc_account", None)


def current_account() -> Account | None:
    """Return the signed-in account, or None."""
    if "_fc_account" in g:
        return g._fc_account
    account = None
    account_id = session.get("account_id")
    if account_id is not None:
        account = db.session.get(Account, account_id)
        if account is None or not account.is_active or session.get("fp") != _session_fingerprint(account):
            account = None
        elif session.get("sv") != (account.session_version or 0):
            account = None
        elif (account.is_staff or account.is_platform_admin) and not (session.get("mfa") and _still_active()):
            account = None
    g._fc_account = account
    return account


def _still_active() -> bool:
    """Staff sessions end after STAFF_IDLE_TIMEOUT_SECONDS without a request; each request renews them."""
    now = int(time.time())
    seen = session.get("seen")
    if not isinstance(seen, int) or now - seen > current_app.config["STAFF_IDLE_TIMEOUT_SECONDS"]:
        return False
    if now - seen >= 30:
        session["seen"] = now
    return True


def current_staff_member() -> StaffMember | None:
    """Return the signed-in staff member of the current force, or None."""
    account = current_account()
    if account is None or not account.is_staff or current_tenant_or_none() is None:
        return None
    return db.session.scalar(db.select(StaffMember).filter_by(account_id=account.id))


def has_role(*roles: str | Role) -> bool:
    """True when the signed-in person may act with any of `roles` in the current force."""
    account = current_account()
    if account is not None and account.is_platform_admin:
        return True
    member = current_staff_member()
    return member is not None and (not roles or member.has_role(*roles))


def safe_next(target: str | None, default: str) -> str:
    """Return `target` when it is a same-site path, else `default` (no open redirects)."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def require_staff(*roles: str | Role) -> Response | None:
    """Redirect to the force's staff sign-in, or 403, unless signed-in staff hold a role."""
    account = current_account()
    if account is None or not (account.is_staff or account.is_platform_admin):
        return redirect(url_for("staff.sign_in", next=request.full_path.rstrip("?")))
    if not has_role(*roles):
        abort(403)
    return None


def staff_required(*roles: str | Role) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate a view so only this force's staff (with any of `roles`) may use it."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            refused = require_staff(*roles)
            return refused if refused is not None else view(*args, **kwargs)

        return wrapper

    return decorator


def platform_admin_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate a view so only platform admins may use it."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        account = current_account()
        if account is None or not account.is_platform_admin:
            return redirect(url_for("platform.sign_in", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapper


def login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate a view so a signed-in member of the public (or staff) is needed."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if current_account() is None:
            return redirect(url_for("account.sign_in", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapper
