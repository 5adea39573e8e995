"""Every template name docs/plugin-hooks.md says a plugin may provide or override is really looked up by the core:
each is given as a test template (through a loader put in front of the app's) and must show on the page or email."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from flask import render_template
from frontcounter.bookings import SlotSpec, book, create_slots
from frontcounter.cases import engine
from frontcounter.cases.notify import notify_reminder
from frontcounter.cases.tracking import tracking_token
from frontcounter.extensions import db
from frontcounter.notifications.models import EmailMessage
from frontcounter.tenancy import tenant_context
from jinja2 import ChoiceLoader, DictLoader

from tests.conftest import add_staff, make_force, staff_sign_in

ROOT = Path(__file__).resolve().parents[1]


def documented_names() -> list[str]:
    """The first column of the table under "Templates a plugin may provide or override"."""
    text = (ROOT / "docs" / "plugin-hooks.md").read_text()
    section = text.split("## Templates a plugin may provide or override", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `([^`]+)` \|", section, re.M)


@pytest.fixture
def override(app):
    """Put test templates in front of every other loader, for one test."""
    original = app.jinja_env.loader
    templates: dict[str, str] = {}
    app.jinja_env.loader = ChoiceLoader([DictLoader(templates), original])
    app.jinja_env.cache.clear()
    yield templates
    app.jinja_env.loader = original
    app.jinja_env.cache.clear()


@pytest.fixture
def sample_case(app):
    with app.app_context():
        force = make_force("alpha", "ALP", {"sample": True})
    with app.app_context(), tenant_context(force):
        case = engine.open_case("sample", applicant_email="ann@example.com", applicant_name="Ann Applicant")
        db.session.commit()
        return force, case.reference, tracking_token(case)


def _emails(app, to: str) -> list[str]:
    with app.app_context():
        return [m.text_body + m.html_body for m in db.session.scalars(db.select(EmailMessage).filter_by(to=to))]


def check_track_actions(app, client, override, sample_case):
    _force, reference, token = sample_case
    override["sample/public/track_actions.html"] = '<p id="x">track actions for {{ case.reference }}</p>'
    assert f"track actions for {reference}" in client.get(f"/alpha/track/{reference}?token={token}").get_data(True)


def check_applicant_action(app, client, override, sample_case):
    _force, reference, token = sample_case
    override["sample/public/applicant_action.html"] = (
        '{% extends "cases/applicant_action.html" %}{% block action_intro %}<p>Own words: {{ transition.label }}</p>'
        "{% endblock %}")
    page = client.get(f"/alpha/track/{reference}/do/withdraw?token={token}").get_data(True)
    assert "Own words: Withdraw" in page and 'id="confirm-action"' in page


def check_staff_case(app, client, override, sample_case):
    force, reference, _token = sample_case
    override["sample/staff/case.html"] = (
        '{% extends "cases/case.html" %}{% block case_details %}<p id="own">{{ sample_holder }}</p>{% endblock %}')
    add_staff(app, force, "worker@example.com", ["caseworker"])
    staff_sign_in(client, app, "alpha", "worker@example.com")
    page = client.get(f"/alpha/staff/work/case/{reference}").get_data(True)
    assert "Permit holder: Ann Applicant" in page  # the sample's case_page_context reached its own template


def check_state_email(app, client, override, sample_case):
    force, reference, _token = sample_case
    override["email/case/sample/withdrawn.txt"] = "Own withdrawn email for {{ case.reference }}"
    override["email/case/sample/withdrawn.html"] = "<p>Own withdrawn email</p>"
    with app.app_context(), tenant_context(force):
        case = engine.find_case(reference)
        withdrawn = engine.workflow_for("sample").state("withdrawn")
        from frontcounter.cases.notify import notify_state

        notify_state(case, withdrawn)
        db.session.commit()
    assert any(f"Own withdrawn email for {reference}" in body for body in _emails(app, "ann@example.com"))


def check_reminder_email(app, client, override, sample_case):
    force, reference, _token = sample_case
    override["email/case/sample/still_checking.txt"] = "Own reminder: {{ reminder }}"
    override["email/case/sample/still_checking.html"] = "<p>Own reminder</p>"
    with app.app_context(), tenant_context(force):
        notify_reminder(engine.find_case(reference), "still_checking")
        db.session.commit()
    assert any("Own reminder: still_checking" in body for body in _emails(app, "ann@example.com"))


def check_booking_email(app, client, override, sample_case):
    force, reference, _token = sample_case
    override["email/bookings/sample/confirmed.txt"] = "Own booking email: {{ kind }}"
    override["email/bookings/sample/confirmed.html"] = "<p>Own booking email</p>"
    start = datetime.combine((datetime.now(UTC) + timedelta(days=5)).date(), time(10), tzinfo=UTC)
    with app.app_context(), tenant_context(force):
        (slot,) = create_slots("sample", [SlotSpec("visit", start, start + timedelta(hours=1), 2)], actor="test")
        book(slot, engine.find_case(reference), actor="test")
        db.session.commit()
    assert any("Own booking email: Inspection visit" in body for body in _emails(app, "ann@example.com"))


def check_slot_picker(app, client, override, sample_case):
    force, _reference, _token = sample_case
    words = {name: f"[{name}]" for name in ("heading", "caption", "intro", "button", "back_href", "error")}
    override["sample/choose.html"] = '{% extends "bookings/choose_slot.html" %}{% block after_form %}<p>own</p>'\
        "{% endblock %}"
    from frontcounter.bookings import available_slots
    from frontcounter_sample.views_bookings import RULES

    start = datetime.combine((datetime.now(UTC) + timedelta(days=5)).date(), time(10), tzinfo=UTC)
    with app.test_request_context("/alpha/sample/"), tenant_context(force):
        create_slots("sample", [SlotSpec("visit", start, start + timedelta(hours=1), 2)], actor="test")
        slots = available_slots("sample", kind="visit", rules=RULES)
        page = render_template("sample/choose.html", slots=slots, rules=RULES, action="/alpha/sample/[action]",
                               current=None, **words)
    missing = [name for name, word in {**words, "action": "[action]"}.items() if word not in page]
    assert not missing and "<p>own</p>" in page and 'name="slot_id"' in page


CHECKS = {
    "<service>/public/track_actions.html": check_track_actions,
    "<service>/public/applicant_action.html": check_applicant_action,
    "<service>/staff/case.html": check_staff_case,
    "email/case/<service>/<state>.txt": check_state_email,
    "email/case/<service>/<reminder>.txt": check_reminder_email,
    "email/bookings/<service>/<event>.txt": check_booking_email,
    "bookings/choose_slot.html": check_slot_picker,
}


def test_the_documented_names_are_the_ones_checked_here():
    assert documented_names() == list(CHECKS)


@pytest.mark.parametrize("name", list(CHECKS))
def test_a_documented_template_is_used(app, client, override, sample_case, name):
    CHECKS[name](app, client, override, sample_case)
