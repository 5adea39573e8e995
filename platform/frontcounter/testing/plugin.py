"""The pytest plugin installed with frontcounter (entry point `pytest11`): the app on the backend under test.

Fixtures: `backend_urls` (session), `app` (session; the schema built once by the real migrations of
the core and every installed plugin), `ctx` (an app context), `client` (a Flask test client). Every
table is emptied after each test that used `app`. Markers: `browser`, `postgres_only` (skipped on the
embedded SQLite run).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

BACKEND = os.environ.get("FRONTCOUNTER_TEST_BACKEND", "embedded")
_tmp = Path(tempfile.mkdtemp(prefix="frontcounter-tests-"))


def pytest_configure(config: pytest.Config) -> None:
    """Register the markers and give the run its own instance folder."""
    os.environ.setdefault("FRONTCOUNTER_INSTANCE", str(_tmp / "instance"))
    config.addinivalue_line("markers", "browser: drives headless Chromium through playwright")
    config.addinivalue_line("markers", "postgres_only: needs PostgreSQL; skipped on the embedded SQLite run")
    config.addinivalue_line(
        "markers", "allows_escaped_markup: the test shows escaped tags on purpose (its own input, proved escaped)"
    )


def pytest_report_header(config: pytest.Config) -> str:
    """Say which backend the run uses."""
    return f"frontcounter backend: {BACKEND}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip `postgres_only` tests on the embedded backend (they run in the PostgreSQL pass)."""
    if BACKEND == "postgres":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: runs with FRONTCOUNTER_TEST_BACKEND=postgres")
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def backend_urls() -> Iterator[dict[str, str]]:
    """Database and Redis URLs for this run (throwaway servers when none are given)."""
    if BACKEND == "embedded":
        yield {"database": f"sqlite:///{_tmp / 'test.db'}", "redis": ""}
        return
    from frontcounter.testing.servers import start_postgres, start_redis

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


@pytest.fixture(scope="session")
def _schema(backend_urls: dict[str, str]) -> None:
    """Build the schema once with the real migrations (core and plugin branches)."""
    from sqlalchemy import create_engine, text

    from frontcounter import create_app
    from frontcounter.migrations_runner import upgrade
    from frontcounter.testing import base_config

    engine = create_engine(backend_urls["database"])
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    if engine.dialect.name == "sqlite":
        Path(backend_urls["database"].removeprefix("sqlite:///")).unlink(missing_ok=True)
    app = create_app(base_config(backend_urls))
    with app.app_context():
        if os.environ.get("FRONTCOUNTER_TEST_SCHEMA") == "create_all":
            # Only while writing new models, before their migration exists (test_migrations then fails).
            from frontcounter.extensions import db

            db.create_all()
        else:
            upgrade()


@pytest.fixture(scope="session")
def app(backend_urls: dict[str, str], _schema: None) -> Any:
    """The app under test (shared; each test gets clean tables); every HTML page it serves is checked for
    template markup shown as text."""
    from frontcounter import create_app
    from frontcounter.testing import base_config, markup

    app = create_app(base_config(backend_urls))
    markup.install(app)
    return app


@pytest.fixture(autouse=True)
def _no_escaped_markup(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail a test when any page it reached shows template markup as text (`&lt;span id=...`)."""
    from frontcounter.testing import markup

    markup.FOUND.clear()
    yield
    if markup.FOUND and "allows_escaped_markup" not in request.keywords:
        found, markup.FOUND[:] = list(markup.FOUND), []
        pytest.fail("Escaped markup reached the page:\n" + "\n".join(found[:5]), pytrace=False)


@pytest.fixture(autouse=True)
def _clean_tables(request: pytest.FixtureRequest) -> Iterator[None]:
    """Empty every table (and the Redis queue) after each test that used the app."""
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    from sqlalchemy import text

    from frontcounter.extensions import db
    from frontcounter.web.hosts import LazyHostMiddleware

    with app.app_context():
        db.session.remove()
        tables = list(reversed(db.metadata.sorted_tables))
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
    if isinstance(app.wsgi_app, LazyHostMiddleware):
        app.wsgi_app.reload()


@pytest.fixture
def ctx(app: Any) -> Iterator[Any]:
    """An app context for direct model work."""
    with app.app_context():
        yield app


@pytest.fixture
def client(app: Any) -> Any:
    """A Flask test client (cookies kept between requests, as a browser would)."""
    return app.test_client()


@pytest.fixture
def live_url(app: Any) -> Iterator[str]:
    """The app served on a real port on 127.0.0.1 (for the browser and for outside callers such as webhooks)."""
    from frontcounter.testing.browser import live_server

    with live_server(app) as url:
        yield url


@pytest.fixture
def page(live_url: str) -> Iterator[Any]:
    """A phone-sized (390px) headless Chromium page (Debian's chromium via playwright) on the live server."""
    from frontcounter.testing.browser import chromium_page

    with chromium_page(live_url) as browser_page:
        yield browser_page
