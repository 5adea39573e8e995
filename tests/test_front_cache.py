"""Kept public pages are answered in front of Flask (web/frontcache.py) while the settings listener is live,
and each answer still carries this request's own nonce, form token, session cookie, request id, security
headers, metrics and access line, exactly as Flask's own answer would."""

from __future__ import annotations

import logging
import re
import time

import pytest
from frontcounter import create_app
from frontcounter.extensions import db
from frontcounter.observability.logs import ContextFilter
from frontcounter.observability.metrics import REQUESTS
from frontcounter.testing import base_config, csrf_token, make_force

from tests.support.settings import heard, set_sample_fee

pytestmark = pytest.mark.postgres_only

_NONCE = re.compile(r'nonce="([^"]+)"')


@pytest.fixture
def front(backend_urls, forces):
    """An app process with its settings listener live (so the front cache is in place) and access lines on."""
    app = create_app({**base_config(backend_urls), "SETTINGS_NOTIFY": True, "ACCESS_LOG": True})
    watch = app.extensions["frontcounter.settings_watch"]
    app.test_client().get("/healthz")  # the first request starts the listener
    assert watch.wait_live(), "the settings listener did not start"
    yield app, app.extensions["frontcounter.front_cache"], watch
    watch.stop()
    with app.app_context():
        db.engine.dispose()


def _visitor(app):
    return app.test_client(use_cookies=False)


def test_a_kept_page_is_answered_in_front_of_flask_with_its_own_nonce_and_headers(front):
    app, cache, _ = front
    first = _visitor(app).get("/alpha/")
    before = cache.hits
    again = _visitor(app).get("/alpha/", headers={"X-Request-ID": "req-front-cache-01"})
    assert again.status_code == 200 and cache.hits == before + 1
    nonce = _NONCE.search(again.get_data(as_text=True)).group(1)
    assert nonce != _NONCE.search(first.get_data(as_text=True)).group(1)
    assert f"'nonce-{nonce}'" in again.headers["Content-Security-Policy"]
    assert again.get_data(as_text=True).replace(nonce, "N") == first.get_data(as_text=True).replace(
        _NONCE.search(first.get_data(as_text=True)).group(1), "N")
    assert again.headers["X-Request-ID"] == "req-front-cache-01"
    assert int(again.headers["Content-Length"]) == len(again.data)
    same = ("X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy", "Content-Type", "Vary")
    assert {h: again.headers.get(h) for h in same} == {h: first.headers.get(h) for h in same}
    assert again.headers["X-Frame-Options"] == "DENY"


def test_a_form_token_given_in_front_of_flask_is_accepted_when_the_form_is_sent(front):
    app, cache, _ = front
    made = _visitor(app).get("/alpha/start/sample")  # made by Flask, and kept
    before = cache.hits
    browser = app.test_client()
    page = browser.get("/alpha/start/sample")
    assert cache.hits == before + 1
    assert page.headers["Set-Cookie"].startswith("session=")  # a new visitor's token lives in their new session
    attributes = [c.split(";", 1)[1] for c in (made.headers["Set-Cookie"], page.headers["Set-Cookie"])]
    assert attributes[0] == attributes[1]  # HttpOnly, SameSite, Path (and Secure in production) as Flask sets them
    sent = browser.post("/alpha/start/sample", data={"csrf_token": csrf_token(page.get_data(as_text=True)),
                                                     "how": "guest"})
    assert sent.status_code == 302, sent.get_data(as_text=True)[:300]
    assert browser.post("/alpha/start/sample", data={"csrf_token": "forged", "how": "guest"}).status_code == 400


def test_a_visitor_with_something_of_their_own_is_served_by_flask(front):
    app, cache, _ = front
    _visitor(app).get("/alpha/start/sample")
    browser = app.test_client()
    with browser.session_transaction() as session:
        session["_flashes"] = [("success", "Your report was sent")]
    before = cache.hits
    assert "Your report was sent" in browser.get("/alpha/start/sample").get_data(as_text=True)
    assert "Your report was sent" not in browser.get("/alpha/start/sample").get_data(as_text=True)  # shown once
    assert cache.hits == before + 1  # the message's page was Flask's; the next view, with none, is kept


def test_each_language_is_kept_apart(app, front):
    welsh_app, cache, watch = front
    before = watch.serial
    with app.app_context():
        make_force("cymru", "CYM", {"sample": True}, languages=["en", "cy"])
    assert heard(watch, before), "the new force was never announced"
    english, welsh = welsh_app.test_client(), welsh_app.test_client()
    welsh.get("/language/cy")
    for _ in range(2):
        assert 'lang="en"' in english.get("/cymru/").get_data(as_text=True)
        assert 'lang="cy"' in welsh.get("/cymru/").get_data(as_text=True)
    assert cache.hits >= 2


def test_a_settings_change_is_shown_on_the_next_request(app, front):
    served, cache, watch = front
    for _ in range(2):
        assert "£25.00" in _visitor(served).get("/alpha/sample/").get_data(as_text=True)
    assert cache.hits >= 1
    before = watch.serial
    set_sample_fee(app, "alpha", 4000)  # committed by another app, as another process would
    assert heard(watch, before), "the notification never arrived"
    assert "£40.00" in _visitor(served).get("/alpha/sample/").get_data(as_text=True)


def test_answers_in_front_of_flask_are_counted_and_logged(front):
    app, cache, _ = front
    _visitor(app).get("/alpha/")
    lines: list[logging.LogRecord] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(record)

    handler = Collect()
    handler.addFilter(ContextFilter())
    access = logging.getLogger("frontcounter.access")
    level = access.level
    access.setLevel(logging.INFO)
    access.addHandler(handler)
    counted = REQUESTS.labels(endpoint="force.home", status="200", force="alpha")
    before, hits = counted._value.get(), cache.hits
    try:
        assert _visitor(app).get("/alpha/", headers={"X-Request-ID": "req-front-cache-02"}).status_code == 200
    finally:
        access.removeHandler(handler)
        access.setLevel(level)
    assert cache.hits == hits + 1
    assert counted._value.get() == before + 1
    (line,) = lines
    assert (line.request_id, line.force, line.route, line.status) == ("req-front-cache-02", "alpha", "/<force>/", 200)
    assert line.getMessage() == "GET /alpha/ 200"


def _open_case(app, slug: str = "alpha") -> tuple[int, str, str]:
    from frontcounter.cases.engine import open_case
    from frontcounter.cases.tracking import tracking_token
    from frontcounter.tenancy import Tenant, tenant_context

    with app.app_context():
        tenant = db.session.scalar(db.select(Tenant).filter_by(slug=slug))
        with tenant_context(tenant):
            case = open_case("sample", applicant_email="ann@example.com", applicant_name="Ann Applicant")
            db.session.commit()
            return case.id, case.reference, f"/{slug}/track/{case.reference}?token={tracking_token(case)}"


def _fire_and_hear(app, watch, case_id: int, name: str, slug: str = "alpha") -> None:
    """Fire `name` on the case through `app` (another process) and wait until `watch` has heard of it."""
    from frontcounter.cases.engine import fire
    from frontcounter.cases.models import Case
    from frontcounter.tenancy import Tenant, tenant_context

    mark = watch.case_mark(case_id)
    with app.app_context():
        tenant = db.session.scalar(db.select(Tenant).filter_by(slug=slug))
        with tenant_context(tenant):
            fire(db.session.get(Case, case_id), name, actor="system: test", as_system=True)
            db.session.commit()
    deadline = time.monotonic() + 5
    while watch.case_mark(case_id) == mark and time.monotonic() < deadline:
        time.sleep(0.005)
    assert watch.case_mark(case_id) != mark, "the case change was never heard"


def test_a_tracking_page_is_kept_for_its_link_until_its_case_changes(app, front):
    served, cache, watch = front
    case_id, _reference, link = _open_case(app)
    first = _visitor(served).get(link)
    assert "Waiting for payment" in first.get_data(as_text=True)
    before = cache.hits
    again = _visitor(served).get(link)
    assert cache.hits == before + 1 and "Waiting for payment" in again.get_data(as_text=True)
    assert again.headers["Set-Cookie"].startswith("session=")  # this browser may see the case again without the link
    browser = served.test_client()
    browser.get(link)
    case_page = f"/alpha/track/{_reference}"
    assert browser.get(case_page).status_code == 200  # no link now: the session remembered the case
    assert _visitor(served).get(case_page).status_code == 404  # and a stranger's browser did not

    _fire_and_hear(app, watch, case_id, "withdraw")  # committed by another app, as a caseworker's server would
    assert "You withdrew your application" in _visitor(served).get(link).get_data(as_text=True)


def test_another_cases_change_leaves_a_kept_tracking_page_in_place(app, front):
    served, cache, watch = front
    _case_id, _reference, link = _open_case(app)
    other_id, _other, _link = _open_case(app)
    _visitor(served).get(link)
    _fire_and_hear(app, watch, other_id, "withdraw")
    before = cache.hits
    assert "Waiting for payment" in _visitor(served).get(link).get_data(as_text=True)
    assert cache.hits == before + 1


def test_a_signed_in_applicant_and_a_bad_link_go_through_flask(front):
    served, cache, _ = front
    _case_id, reference, link = _open_case(served)
    _visitor(served).get(link)
    before = cache.hits
    assert _visitor(served).get(link[:-3] + "abc").status_code == 404  # a forged token is never served from a kept page
    assert _visitor(served).get(f"/alpha/track/{reference}").status_code == 404
    assert cache.hits == before
