"""The plugin SDK's test helpers: forces, staff, sign-in, the mailbox, the sandbox and slots.

Installed with frontcounter as a pytest plugin (entry point `pytest11`), so a plugin's tests get the
fixtures `backend_urls`, `app`, `ctx` and `client` with nothing to import, and call these helpers:

    from frontcounter.testing import add_staff, make_force, mailbox, staff_sign_in, submit

`FRONTCOUNTER_TEST_BACKEND=postgres` runs the same tests on PostgreSQL and Redis (`TEST_DATABASE_URL`
and `TEST_REDIS_URL`, or throwaway servers started on 127.0.0.1 from the installed binaries).
"""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from frontcounter.tenancy.context import TenantRef

__all__ = [
    "PASSWORD",
    "add_staff",
    "api_token",
    "base_config",
    "csrf_token",
    "link_in",
    "mailbox",
    "make_force",
    "make_slots",
    "pay_in_sandbox",
    "public_account",
    "run_jobs",
    "staff_sign_in",
    "submit",
    "totp_code_for",
]

PASSWORD = "correct horse battery"
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def base_config(urls: dict[str, str]) -> dict[str, Any]:
    """The app configuration the test fixtures use for a database URL and a Redis URL ("" for in-process)."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": urls["database"],
        "REDIS_URL": urls["redis"],
        "SERVER_NAME": None,
        "MAILBOX_PAGE": True,
        "SIGN_IN_MAX_FAILURES": 5,
        # Rate limits are off in tests that drive many sign-ins from one address; tests of the limits
        # themselves build an app with RATELIMIT_ENABLED=True.
        "RATELIMIT_ENABLED": False,
    }


# -- forces and people ---------------------------------------------------------------------------


def make_force(slug: str, code: str, services: dict[str, bool] | None = None, **extra: Any) -> TenantRef:
    """Create a force with the given services switched on or off (call inside an app context)."""
    from frontcounter.extensions import db
    from frontcounter.tenancy import Tenant, TenantService, tenant_context

    tenant = Tenant(
        slug=slug,
        name=extra.pop("name", f"{slug.title()} Police"),
        code=code,
        area=extra.pop("area", f"{slug.title()}shire"),
        postcode_areas=extra.pop("postcode_areas", []),
        languages=extra.pop("languages", ["en"]),
        hostnames=extra.pop("hostnames", []),
        branding=extra.pop("branding", {"colour": "#123456", "logo_text": f"{slug.title()} Police"}),
        contact=extra.pop("contact", {"phone": "101"}),
        **extra,
    )
    db.session.add(tenant)
    db.session.flush()
    with tenant_context(tenant) as ref:
        for key, on in (services or {}).items():
            db.session.add(TenantService(service_key=key, enabled=on, settings={}))
    db.session.commit()
    return ref


def add_staff(app: Flask, force: TenantRef, email: str, roles: list[str]) -> int:
    """Add a staff member to `force` with `roles` and the password PASSWORD; return the account id."""
    from frontcounter.accounts.service import add_staff_member
    from frontcounter.extensions import db
    from frontcounter.tenancy import tenant_context

    with app.app_context(), tenant_context(force):
        member = add_staff_member(email, email.split("@")[0].title(), roles, password=PASSWORD)
        db.session.commit()
        return member.id


def api_token(
    app: Flask,
    force: TenantRef,
    roles: tuple[str, ...] = ("caseworker",),
    name: str = "Test system",
    services: tuple[str, ...] = (),
) -> str:
    """Issue an API token for `force` with `roles` (for `services` only, when given); return its secret."""
    from frontcounter.api.tokens import issue_token
    from frontcounter.extensions import db
    from frontcounter.tenancy import tenant_context

    with app.app_context(), tenant_context(force):
        _row, secret = issue_token(name, list(roles), created_by="tests@example.com", services=list(services))
        db.session.commit()
        return secret


def public_account(app: Flask, email: str = "pat@example.com", verified: bool = True) -> int:
    """Create a member of the public's account with the password PASSWORD; return its id."""
    from frontcounter.accounts.service import create_account
    from frontcounter.extensions import db

    with app.app_context():
        account = create_account(email, PASSWORD, "Pat Example", verified=verified)
        db.session.commit()
        return account.id


# -- pages ---------------------------------------------------------------------------------------


def csrf_token(html: str) -> str:
    """The CSRF token of the (first) form in `html`."""
    match = _CSRF.search(html)
    assert match, "page has no CSRF token"
    return match.group(1) or match.group(2)


def submit(client: FlaskClient, url: str, data: dict[str, Any], *, follow: bool = False, page: str | None = None):
    """GET the form page (for its CSRF token), then POST `data` to `url`, as a browser would."""
    html = client.get(page or url).get_data(as_text=True)
    return client.post(url, data={**data, "csrf_token": csrf_token(html)}, follow_redirects=follow)


def totp_code_for(app: Flask, email: str) -> str:
    """The code an authenticator would show for this account's secret (the next unused step)."""
    import pyotp

    from frontcounter.accounts.service import find_account

    with app.app_context():
        account = find_account(email)
        totp = pyotp.TOTP(account.totp_secret)
        step = int(time.time()) // 30
        if account.totp_last_step is not None and account.totp_last_step >= step:
            step = account.totp_last_step + 1
        return totp.generate_otp(step)


def staff_sign_in(client: FlaskClient, app: Flask, force_slug: str, email: str):
    """Sign in through the real pages: password, then the authenticator code (enrolling the first time)."""
    response = submit(client, f"/{force_slug}/staff/sign-in", {"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    page = client.get(f"/{force_slug}/staff/two-factor").get_data(as_text=True)
    response = client.post(
        f"/{force_slug}/staff/two-factor", data={"code": totp_code_for(app, email), "csrf_token": csrf_token(page)}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return response


def pay_in_sandbox(client: FlaskClient, sandbox_url: str, outcome: str = "success") -> str:
    """On the local sandbox payment page choose `outcome` (success, decline, cancel); follow the payer back.

    `sandbox_url` is where your service's Pay button sent the payer. Returns the URL of the page the payer
    lands on afterwards (your service's page for the result).
    """
    page = client.get(sandbox_url).get_data(as_text=True)
    response = client.post(sandbox_url, data={"outcome": outcome, "csrf_token": csrf_token(page)})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    back = client.get(response.headers["Location"])
    assert back.status_code == 302, back.get_data(as_text=True)[:500]
    return back.headers["Location"]


# -- jobs and email ------------------------------------------------------------------------------


def run_jobs(app: Flask) -> None:
    """Work off the Redis queue as an rq worker would (on the embedded backend jobs ran at commit)."""
    if not app.config["REDIS_URL"]:
        return
    from rq import SimpleWorker

    from frontcounter.jobs import get_queue

    with app.app_context():
        queue = get_queue()
        SimpleWorker([queue], connection=queue.connection).work(burst=True)


def mailbox(app: Flask, to: str) -> list:
    """Every email sent to `to`, oldest first (runs queued jobs first)."""
    run_jobs(app)
    from frontcounter.extensions import db
    from frontcounter.notifications.models import EmailMessage

    with app.app_context():
        rows = db.session.scalars(db.select(EmailMessage).filter_by(to=to).order_by(EmailMessage.id)).all()
        db.session.expunge_all()
        return rows


def link_in(email: Any, prefix: str) -> str:
    """The path of the first link in an email's text that starts with `prefix`."""
    match = re.search(r"http://[^\s]+(" + re.escape(prefix) + r"[^\s\"<]+)", email.text_body)
    assert match, f"no link to {prefix} in {email.text_body!r}"
    return match.group(1)


# -- bookings ------------------------------------------------------------------------------------


def make_slots(
    app: Flask,
    force: TenantRef,
    service_key: str,
    *starts: datetime,
    minutes: int = 60,
    capacity: int = 3,
    kind: str = "visit",
    location: str = "",
) -> list[int]:
    """Create bookable slots for `service_key` starting at `starts` (aware datetimes); return their ids."""
    from frontcounter.bookings import SlotSpec, create_slots
    from frontcounter.extensions import db
    from frontcounter.tenancy import tenant_context

    with app.app_context(), tenant_context(force):
        specs = [SlotSpec(kind, s, s + timedelta(minutes=minutes), capacity, location) for s in starts]
        ids = [s.id for s in create_slots(service_key, specs, actor="test")]
        db.session.commit()
        return ids
