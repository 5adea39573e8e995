"""The second step of staff sign-in: enrol an authenticator app (QR code) or enter its code."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from flask import current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from frontcounter.accounts import ratelimit, totp
from frontcounter.accounts.auth import sign_in
from frontcounter.accounts.forms import CodeForm
from frontcounter.accounts.models import Account
from frontcounter.extensions import db

PENDING_KEY = "pending_second_factor"
log = logging.getLogger(__name__)


def start(account: Account, realm: str, next_url: str) -> None:
    """Remember that `account` passed its password and now owes a second factor."""
    session[PENDING_KEY] = {"id": account.id, "fp": account.password_hash[-16:], "realm": realm, "next": next_url}


def pending_account(realm: str) -> Account | None:
    """Return the account part-way through signing in to `realm`, or None."""
    pending = session.get(PENDING_KEY)
    if not pending or pending.get("realm") != realm:
        return None
    account = db.session.get(Account, pending["id"])
    if account is None or account.password_hash[-16:] != pending["fp"]:
        return None
    return account


def handle(realm: str, sign_in_endpoint: str, **url_values: str) -> Response | str:
    """Show and check the code page (with QR enrolment the first time); sign in on success."""
    account = pending_account(realm)
    if account is None:
        return redirect(url_for(sign_in_endpoint, **url_values))
    enrolling = account.totp_confirmed_at is None
    if enrolling and not account.totp_secret:
        account.totp_secret = totp.new_secret()
        db.session.commit()
    form = CodeForm()
    status = 200
    key = ratelimit.second_factor_key(account.id)
    ip = request.remote_addr or "unknown"
    if form.validate_on_submit():
        step = None
        if ratelimit.is_locked(key, ip):
            form.code.errors.append(_locked_message())
            status = 429
        else:
            step = totp.verify(account.totp_secret or "", form.code.data, account.totp_last_step)
            if step is None:
                ratelimit.record(key, ip, succeeded=False)
                if ratelimit.is_locked(key, ip):
                    _audit_lockout(account)
                    form.code.errors.append(_locked_message())
                    status = 429
                else:
                    form.code.errors.append(_("The security code is wrong or has expired. Enter the current code."))
        if step is not None:
            ratelimit.record(key, ip, succeeded=True)
            account.totp_last_step = step
            if enrolling:
                account.totp_confirmed_at = datetime.now(UTC)
            db.session.commit()
            next_url = session[PENDING_KEY]["next"]
            session.pop(PENDING_KEY, None)
            sign_in(account, second_factor=True)
            return redirect(next_url)
    uri = totp.provisioning_uri(account.totp_secret or "", account.email)
    demo_code = totp.current_code(account.totp_secret or "") if current_app.config.get("DEMO_MODE") else None
    return render_template(
        "staff/two_factor.html",
        form=form,
        enrolling=enrolling,
        qr=totp.qr_svg(uri) if enrolling else None,
        secret=account.totp_secret if enrolling else None,
        demo_code=demo_code,
    ), status  # type: ignore[return-value]


def _locked_message() -> str:
    minutes = max(1, current_app.config["SIGN_IN_WINDOW_SECONDS"] // 60)
    return _("Too many wrong security codes. Wait %(n)d minutes and try again, or ask your force "
             "administrator to unlock your account.", n=minutes)


def _audit_lockout(account: Account) -> None:
    """Record that guessing locked the second factor: in the force's audit log, and in the server log."""
    from frontcounter.audit import record as audit
    from frontcounter.tenancy.context import current_tenant_or_none

    log.warning("Second factor locked after repeated wrong codes for account %s", account.id)
    if current_tenant_or_none() is not None:
        audit("staff.second_factor_locked", target=f"account:{account.id}", actor=account.email,
              after={"ip": request.remote_addr or ""})
        db.session.commit()
