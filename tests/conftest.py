"""Test set-up: the backend under test (embedded SQLite + in-process jobs, or real PostgreSQL + Redis),
the schema built by the real migrations, two forces, and helpers that drive pages as a person would."""

from __future__ import annotations

import os
import re
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
# The sample plugin is "installed" by putting its dist-info on sys.path: found by entry point, as pip would.
sys.path.insert(0, str(ROOT / "tests" / "sample_plugins"))

BACKEND = os.environ.get("FRONTCOUNTER_TEST_BACKEND", "embedded")
_tmp = Path(tempfile.mkdtemp(prefix="frontcounter-tests-"))
os.environ.setdefault("FRONTCOUNTER_INSTANCE", str(_tmp / "instance"))


def pytest_report_header(config: pytest.Config) -> str:
    return f"frontcounter backend: {BACKEND}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if BACKEND == "postgres":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: runs in the postgres pass of `make test`")
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def backend_urls() -> Iterator[dict[str, str]]:
    """Database and Redis URLs for this run (throwaway servers when none are given)."""
    if BACKEND == "embedded":
        yield {"database": f"sqlite:///{_tmp / 'test.db'}", "redis": ""}
        return
    from tests.support.servers import start_postgres, start_redis

    started = []
    database = os.environ.get("TEST_DATABASE_URL")
    redis_url = os.environ.get("TEST_REDIS_URL")
    if not database:
        started.append(start_postgres(_tmp))
        database = started[-1].url
    if not redis_url:
        started.append(start_redis(_tmp))
        redis_url = started[-1].url
    if database.startswith("postgresql://"):
        database = "postgresql+psycopg://" + database.removeprefix("postgresql://")
    try:
        yield {"database": database, "redis": redis_url}
    finally:
        for server in started:
            server.stop()


def base_config(urls: dict[str, str]) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": urls["database"],
        "REDIS_URL": urls["redis"],
        "SERVER_NAME": None,
        "MAILBOX_PAGE": True,
        "SIGN_IN_MAX_FAILURES": 5,
    }


@pytest.fixture(scope="session")
def _schema(backend_urls: dict[str, str]) -> None:
    """Build the schema once with the real migrations (core and plugin branches)."""
    engine = create_engine(backend_urls["database"])
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    if engine.dialect.name == "sqlite":
        Path(backend_urls["database"].removeprefix("sqlite:///")).unlink(missing_ok=True)
    from frontcounter import create_app
    from frontcounter.migrations_runner import upgrade

    app = create_app(base_config(backend_urls))
    with app.app_context():
        if os.environ.get("FRONTCOUNTER_TEST_SCHEMA") == "create_all":
            # Only while writing new models, before their migration exists (test_migrations then fails).
            from frontcounter.extensions import db

            db.create_all()
        else:
            upgrade()


@pytest.fixture(scope="session")
def app(backend_urls: dict[str, str], _schema: None):
    """The app under test (shared; each test gets clean tables); every HTML page it serves is checked for
    template markup shown as text."""
    from frontcounter import create_app

    from tests.support import markup

    app = create_app(base_config(backend_urls))
    markup.install(app)
    return app


@pytest.fixture(autouse=True)
def _no_escaped_markup(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail a test when any page it reached shows template markup as text (`&lt;span id=...`)."""
    from tests.support import markup

    markup.FOUND.clear()
    yield
    if markup.FOUND and "allows_escaped_markup" not in request.keywords:
        found, markup.FOUND[:] = list(markup.FOUND), []
        pytest.fail("Escaped markup reached the page:\n" + "\n".join(found[:5]), pytrace=False)


@pytest.fixture(autouse=True)
def _clean_tables(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    from frontcounter.extensions import db

    with app.app_context():
        db.session.remove()
        tables = [t for t in reversed(db.metadata.sorted_tables)]
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                names = ", ".join(f'"{t.name}"' for t in tables)
                conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    conn.execute(table.delete())
    if app.config["REDIS_URL"]:
        import redis

        redis.Redis.from_url(app.config["REDIS_URL"]).flushdb()  # jobs point at ids the next test reuses
    from frontcounter.web.hosts import LazyHostMiddleware

    if isinstance(app.wsgi_app, LazyHostMiddleware):
        app.wsgi_app.reload()


@pytest.fixture
def ctx(app):
    """An app context for direct model work."""
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


# -- forces -------------------------------------------------------------------------------------


def make_force(slug: str, code: str, services: dict[str, bool] | None = None, **extra):
    """Create a force with the given services switched on/off; returns its TenantRef."""
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
        contact={"phone": "101"},
    )
    db.session.add(tenant)
    db.session.flush()
    with tenant_context(tenant) as ref:
        for key, on in (services or {}).items():
            db.session.add(TenantService(service_key=key, enabled=on, settings={}))
    db.session.commit()
    return ref


@pytest.fixture
def forces(app):
    """Two forces, Alpha and Bravo, each with the sample service switched on."""
    with app.app_context():
        alpha = make_force("alpha", "ALP", {"sample": True}, postcode_areas=["AL"])
        bravo = make_force("bravo", "BRV", {"sample": True}, postcode_areas=["BR"])
    return alpha, bravo


# -- people -------------------------------------------------------------------------------------

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
PASSWORD = "correct horse battery"


def csrf_token(html: str) -> str:
    match = CSRF.search(html)
    assert match, "page has no CSRF token"
    return match.group(1) or match.group(2)


def submit(client, url: str, data: dict, *, follow: bool = False, page: str | None = None):
    """GET the form page (for its CSRF token), then POST `data` to `url`, as a browser would."""
    html = client.get(page or url).get_data(as_text=True)
    return client.post(url, data={**data, "csrf_token": csrf_token(html)}, follow_redirects=follow)


def add_staff(app, force, email: str, roles: list[str]):
    from frontcounter.accounts.service import add_staff_member
    from frontcounter.extensions import db
    from frontcounter.tenancy import tenant_context

    with app.app_context(), tenant_context(force):
        member = add_staff_member(email, email.split("@")[0].title(), roles, password=PASSWORD)
        db.session.commit()
        return member.id


def totp_code_for(app, email: str) -> str:
    """The code an authenticator would show for this account's secret (next unused step)."""
    import time

    import pyotp
    from frontcounter.accounts.service import find_account

    with app.app_context():
        account = find_account(email)
        totp = pyotp.TOTP(account.totp_secret)
        step = int(time.time()) // 30
        if account.totp_last_step is not None and account.totp_last_step >= step:
            step = account.totp_last_step + 1
        return totp.generate_otp(step)


def staff_sign_in(client, app, force_slug: str, email: str):
    """Sign in through the real pages: password, then the TOTP code (enrolling the first time)."""
    response = submit(client, f"/{force_slug}/staff/sign-in", {"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    page = client.get(f"/{force_slug}/staff/two-factor").get_data(as_text=True)
    response = client.post(
        f"/{force_slug}/staff/two-factor", data={"code": totp_code_for(app, email), "csrf_token": csrf_token(page)}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return response


def public_account(app, email: str = "pat@example.com", verified: bool = True):
    from frontcounter.accounts.service import create_account
    from frontcounter.extensions import db

    with app.app_context():
        account = create_account(email, PASSWORD, "Pat Example", verified=verified)
        db.session.commit()
        return account.id


def run_jobs(app) -> None:
    """Work off the Redis queue as an rq worker would (on the embedded backend jobs ran at commit)."""
    if not app.config["REDIS_URL"]:
        return
    from frontcounter.jobs import get_queue
    from rq import SimpleWorker

    with app.app_context():
        queue = get_queue()
        SimpleWorker([queue], connection=queue.connection).work(burst=True)


def mailbox(app, to: str) -> list:
    run_jobs(app)
    from frontcounter.extensions import db
    from frontcounter.notifications.models import EmailMessage

    with app.app_context():
        rows = db.session.scalars(db.select(EmailMessage).filter_by(to=to).order_by(EmailMessage.id)).all()
        db.session.expunge_all()
        return rows


def link_in(email, prefix: str) -> str:
    match = re.search(r"http://[^\s]+(" + re.escape(prefix) + r"[^\s\"<]+)", email.text_body)
    assert match, f"no link to {prefix} in {email.text_body!r}"
    return match.group(1)


@pytest.fixture
def live_url(app):
    """The app served on a real port (for the browser and for outside callers such as webhooks)."""
    from tests.support.browser import live_server

    with live_server(app) as url:
        yield url


@pytest.fixture
def page(live_url):
    """A phone-sized headless Chromium page (Debian's chromium via playwright) on the live server."""
    from tests.support.browser import chromium_page

    with chromium_page(live_url) as browser_page:
        yield browser_page
