"""The second step of staff sign-in: enrol an authenticator app (QR code) or enter its code."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app, redirect, render_template, session, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from frontcounter.accounts import totp
from frontcounter.accounts.auth import sign_in
from frontcounter.accounts.forms import CodeForm
from frontcounter.accounts.models import Account
from frontcounter.extensions import db

PENDING_KEY = "pending_second_factor"


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
    if form.validate_on_submit():
        step = totp.verify(account.totp_secret or "", form.code.data, account.totp_last_step)
        if step is None:
            form.code.errors.append(_("The security code is wrong or has expired. Enter the current code."))
        else:
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
    )
