"""The core's applicant action page as firearms uses it: answer "more information needed" with a note and a file,
and withdraw, for a guest with the tracking link and for an account holder; nothing half-done on bad input."""

from __future__ import annotations

import io
import re

import pytest
from frontcounter.cases import engine
from frontcounter.cases.models import Case, CaseEvent
from frontcounter.cases.tracking import tracking_token
from frontcounter.documents.models import Document
from frontcounter.extensions import db
from frontcounter.tenancy import tenant_context
from frontcounter.testing import PASSWORD, csrf_token, mailbox, public_account, submit
from PIL import Image

from .support import fire, open_application, pay


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 10, 10)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def returned(app, firearms_forces):
    """A paid application the caseworker returned as incomplete, saying what is needed; (reference, link)."""
    with app.app_context(), tenant_context(firearms_forces[0]):
        case = open_application(email="guest@example.com")
        pay(case)
        fire(case, "pay")
        fire(case, "return_incomplete", roles=("caseworker",), note="Send a signed copy of page 4.")
        db.session.commit()
        return case.reference, f"/alpha/track/{case.reference}?token={tracking_token(case)}"


def _case(app, force, reference) -> tuple[str, list[str], list[str]]:
    with app.app_context(), tenant_context(force):
        case = engine.find_case(reference)
        notes = [e.note for e in db.session.scalars(db.select(CaseEvent).filter_by(case_id=case.id))]
        kinds = [d.kind for d in db.session.scalars(db.select(Document).filter_by(case_id=case.id))]
        return case.state, notes, kinds


def test_the_more_information_email_says_what_is_needed(app, returned):
    email = next(m for m in mailbox(app, "guest@example.com") if "More information needed" in m.subject)
    assert "What we need from you:" in email.text_body and "Send a signed copy of page 4." in email.text_body
    assert "Send a signed copy of page 4." in email.html_body


def test_a_guest_answers_with_a_note_and_a_file_from_the_tracking_link(app, firearms_forces, returned):
    reference, link = returned
    client = app.test_client()
    track = client.get(link).get_data(as_text=True)
    assert 'data-action="resubmit"' in track and 'data-action="withdraw"' in track
    assert 'data-action="change_referees"' not in track  # offered on the firearms pages, not here
    action = re.search(r'href="([^"]*/do/resubmit[^"]*)"', track).group(1).replace("&amp;", "&")
    page = client.get(action).get_data(as_text=True)
    assert "Send the application again" in page and 'name="upload"' in page and 'name="note"' in page

    # A file that is not what it says is refused by its content: nothing is kept, the case has not moved.
    bad = client.post(action, data={"csrf_token": csrf_token(page), "note": "Here it is",
                                    "upload": (io.BytesIO(b"MZ not a picture"), "page4.png")},
                      content_type="multipart/form-data")
    assert bad.status_code == 400
    text = bad.get_data(as_text=True)
    assert "There is a problem" in text and 'href="#upload"' in text and "Here it is" in text
    assert _case(app, firearms_forces[0], reference)[0] == "incomplete"
    assert _case(app, firearms_forces[0], reference)[2] == []

    done = client.post(action, data={"csrf_token": csrf_token(page), "note": "Signed page 4 attached.",
                                     "upload": (io.BytesIO(_png()), "page4.png")},
                       content_type="multipart/form-data", follow_redirects=True)
    assert "We have your reply" in done.get_data(as_text=True)
    state, notes, kinds = _case(app, firearms_forces[0], reference)
    assert state == "submitted" and "Signed page 4 attached." in notes and kinds == ["more_information"]


def test_a_stranger_cannot_reach_the_action_page(app, returned):
    reference, _link = returned
    stranger = app.test_client()
    assert stranger.get(f"/alpha/track/{reference}/do/withdraw").status_code == 404
    assert stranger.get(f"/alpha/track/{reference}/do/withdraw?token=forged").status_code == 404


def test_an_account_holder_withdraws_after_confirming(app, firearms_forces):
    account_id = public_account(app, "holder@example.com")
    with app.app_context(), tenant_context(firearms_forces[0]):
        case = open_application(email="holder@example.com")
        case.applicant_account_id = account_id
        db.session.commit()
        reference = case.reference
    client = app.test_client()
    submit(client, "/account/sign-in", {"email": "holder@example.com", "password": PASSWORD})
    track = client.get(f"/alpha/track/{reference}").get_data(as_text=True)
    assert 'data-action="withdraw"' in track
    page = client.get(f"/alpha/track/{reference}/do/withdraw").get_data(as_text=True)
    assert "cannot be undone" in page
    assert _case(app, firearms_forces[0], reference)[0] == "awaiting_payment"  # asking is not doing
    done = client.post(f"/alpha/track/{reference}/do/withdraw", data={"csrf_token": csrf_token(page), "note": ""},
                       follow_redirects=True)
    assert "Your application has been withdrawn." in done.get_data(as_text=True)
    assert _case(app, firearms_forces[0], reference)[0] == "withdrawn"
    # Once withdrawn there is nothing more to do, and a replayed form changes nothing.
    again = client.post(f"/alpha/track/{reference}/do/withdraw", data={"csrf_token": csrf_token(page)})
    assert again.status_code == 302
    with app.app_context(), tenant_context(firearms_forces[0]):
        assert db.session.scalar(
            db.select(db.func.count(CaseEvent.id)).join(Case).where(Case.reference == reference,
                                                                    CaseEvent.transition == "withdraw")) == 1
