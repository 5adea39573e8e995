"""Public account pages: sign up, confirm email, sign in and out, password reset."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from frontcounter.accounts import service
from frontcounter.accounts.auth import current_account, login_required, safe_next, sign_in, sign_out
from frontcounter.accounts.forms import NewPasswordForm, ResetRequestForm, SignInForm, SignUpForm
from frontcounter.extensions import db

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.route("/sign-up", methods=["GET", "POST"])
def sign_up() -> Response | str:
    """Create an account; we email a link to confirm the address."""
    form = SignUpForm()
    next_url = safe_next(request.args.get("next"), "")
    if form.validate_on_submit():
        service.sign_up(form.email.data, form.password.data, form.full_name.data, next_url)
        # Same page, and the same work, either way, so sign-up does not reveal who has an account.
        return render_template("account/check_email.html", email=form.email.data)
    return render_template("account/sign_up.html", form=form, next_url=next_url)


@bp.get("/verify/<token>")
def verify(token: str) -> Response | str:
    """Confirm an email address from the emailed link."""
    account = service.verify_email(token)
    if account is None:
        return render_template("account/link_expired.html"), 400  # type: ignore[return-value]
    flash(_("Your email address is confirmed. You can now sign in."), "success")
    return redirect(url_for("account.sign_in"))


@bp.route("/sign-in", methods=["GET", "POST"], endpoint="sign_in")
def sign_in_view() -> Response | str:
    """Sign in as a member of the public."""
    form = SignInForm()
    next_url = safe_next(request.args.get("next"), url_for("account.home"))
    status = 200
    if form.validate_on_submit():
        try:
            account = service.authenticate(form.email.data, form.password.data)
        except service.SignInRefused as refused:
            form.email.errors.append(refused.message)
            status = 429 if refused.locked else 200
        else:
            if account.is_staff or account.is_platform_admin:
                form.email.errors.append(_("Staff must sign in through their force's staff sign-in page"))
            elif account.email_verified_at is None:
                service.send_verification(account, next_url)
                form.email.errors.append(_("Confirm your email address first. We have sent you a new link."))
            else:
                db.session.commit()
                sign_in(account)
                return redirect(next_url)
    return render_template("account/sign_in.html", form=form, next_url=next_url), status  # type: ignore[return-value]


@bp.post("/sign-out", endpoint="sign_out")
def sign_out_view() -> Response:
    """Sign out and go to the national home page."""
    sign_out()
    flash(_("You have signed out."), "success")
    return redirect(url_for("national.landing"))


@bp.route("/password-reset", methods=["GET", "POST"])
def request_reset() -> Response | str:
    """Ask for a password reset email."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        service.send_password_reset(form.email.data)
        db.session.commit()
        return render_template("account/check_email.html", email=form.email.data, reset=True)
    return render_template("account/reset_request.html", form=form)


@bp.route("/password-reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> Response | str:
    """Choose a new password from a reset link (each link works once, for an hour)."""
    account = service.account_for_reset(token)
    if account is None:
        return render_template("account/link_expired.html"), 400  # type: ignore[return-value]
    form = NewPasswordForm()
    if form.validate_on_submit():
        service.set_password(account, form.password.data)
        sign_out()
        flash(_("Your password has been changed. Sign in with your new password."), "success")
        if account.is_staff or account.is_platform_admin:
            return redirect(url_for("national.landing"))
        return redirect(url_for("account.sign_in"))
    return render_template("account/reset_password.html", form=form)


@bp.get("/")
@login_required
def home() -> str:
    """Your account: who you are signed in as, and your cases, bookings and unfinished applications."""
    from frontcounter.accounts.overview import account_overview

    account = current_account()
    return render_template("account/home.html", account=account, overview=account_overview(account.id))
