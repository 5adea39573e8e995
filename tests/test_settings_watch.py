"""Every app process hears a force's settings change by PostgreSQL NOTIFY, so its cached public pages
need no query at all, and it falls back to checking by query whenever it might have missed one."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from frontcounter import create_app
from frontcounter.extensions import db
from frontcounter.tenancy import Tenant
from frontcounter.tenancy.watch import APPLICATION_NAME
from frontcounter.testing import base_config
from sqlalchemy import event, text

from tests.support.settings import heard, set_sample_fee

pytestmark = pytest.mark.postgres_only


@pytest.fixture
def other_process(backend_urls, forces):
    """A second app on the same database, as another gunicorn worker would be, with its listener live
    (started after the forces are made, so it hears only what the test changes)."""
    other = create_app({**base_config(backend_urls), "SETTINGS_NOTIFY": True})
    watch = other.extensions["frontcounter.settings_watch"]
    client = other.test_client()
    client.get("/healthz")  # the first request starts the listener in this process
    assert watch.wait_live(), "the settings listener did not start"
    yield other, watch, client
    watch.stop()
    with other.app_context():
        db.engine.dispose()


@contextmanager
def statements(app) -> Iterator[list[str]]:
    """The SQL statements `app` sends while the block runs."""
    seen: list[str] = []
    with app.app_context():
        engine = db.engine

    def record(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)




def test_a_cached_page_costs_no_query_while_the_listener_is_live(other_process, forces):
    other, _, client = other_process
    for path in ("/", "/alpha/", "/alpha/sample/"):
        assert client.get(path).status_code == 200  # made once, and kept
        with statements(other) as seen:
            assert client.get(path).status_code == 200
        assert seen == [], f"{path} queried the database: {seen}"


def test_a_change_made_by_another_process_shows_as_soon_as_it_isheard(app, other_process, forces):
    _, watch, client = other_process
    for _ in range(2):
        assert "£25.00" in client.get("/alpha/sample/").get_data(as_text=True)
    before = watch.serial
    set_sample_fee(app, "alpha", 4000)  # committed by the shared test app: "another process"
    assert heard(watch, before), "the notification never arrived"
    assert "£40.00" in client.get("/alpha/sample/").get_data(as_text=True)
    assert "£25.00" in client.get("/bravo/sample/").get_data(as_text=True)


def test_a_new_force_shows_on_the_national_page_of_another_process(app, other_process, forces):
    _, watch, client = other_process
    assert "Charlie Police" not in client.get("/").get_data(as_text=True)
    before = watch.serial
    from frontcounter.testing import make_force

    with app.app_context():
        make_force("charlie", "CHA", {"sample": True})
    assert heard(watch, before)
    assert "Charlie Police" in client.get("/").get_data(as_text=True)


def test_a_rolled_back_change_is_never_announced(app, other_process, forces):
    _, watch, client = other_process
    client.get("/alpha/")
    before = watch.serial
    with app.app_context():
        tenant = db.session.scalar(db.select(Tenant).filter_by(slug="alpha"))
        tenant.name = "Never Saved Constabulary"
        db.session.flush()
        db.session.rollback()
    assert not heard(watch, before, timeout=0.5)
    assert "Never Saved" not in client.get("/alpha/").get_data(as_text=True)


def test_a_lost_listener_falls_back_to_queries_and_misses_nothing(app, other_process, forces):
    other, watch, client = other_process
    client.get("/alpha/sample/")
    with app.app_context():  # PostgreSQL drops the listening connection (a restart, a failover)
        db.session.execute(text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = :name"
        ), {"name": APPLICATION_NAME})
        db.session.commit()
    deadline = time.monotonic() + 20
    while watch.live and time.monotonic() < deadline:
        time.sleep(0.01)
        client.get("/healthz")
    # Whether or not it is back yet, a change made now shows on the next request: while not live the
    # page is checked by query, and going live again drops everything cached before.
    set_sample_fee(app, "alpha", 5500)
    assert "£55.00" in client.get("/alpha/sample/").get_data(as_text=True)
    assert watch.wait_live(timeout=30), "the listener did not come back"
    before = watch.serial
    set_sample_fee(app, "alpha", 6600)
    assert heard(watch, before)
    with statements(other) as seen:
        page = client.get("/alpha/sample/").get_data(as_text=True)
    assert "£66.00" in page and seen  # the page was made again, not served from before


def test_switched_off_it_checks_the_settings_version_on_every_request(backend_urls, forces):
    plain = create_app({**base_config(backend_urls), "SETTINGS_NOTIFY": False})
    assert "frontcounter.settings_watch" not in plain.extensions
    client = plain.test_client()
    client.get("/alpha/")
    with statements(plain) as seen:
        client.get("/alpha/")
    assert any("settings_version" in statement for statement in seen)
    with plain.app_context():
        db.engine.dispose()
