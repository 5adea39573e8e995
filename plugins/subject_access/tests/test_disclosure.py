"""Review, second-person approval, the bundle, and the secure download link (code, expiry, revocation, counts)."""

from __future__ import annotations

import re
from datetime import timedelta
from io import BytesIO

from frontcounter.audit.models import AuditEvent
from frontcounter.calendar import uk_today
from frontcounter.cases.models import Case
from frontcounter.extensions import db
from frontcounter.tenancy import tenant_context
from frontcounter.testing import csrf_token
from frontcounter_subject_access.models import SarDisclosure, SarItem, SarRequest
from pypdf import PdfReader

from .support import act, case_url, last_email, make_request, pdf_with, post, staff, upload_id
from .test_search import third_party  # noqa: F401 - the fixture

GDPR_CRIME = "DPA 2018 Sch 2 para 2: crime and taxation"
THIRD_PARTY = "DPA 2018 Sch 2 para 16: protection of the rights of others"


def _item_id(app, force, **where) -> int:
    with app.app_context(), tenant_context(force):
        return db.session.scalar(db.select(SarItem.id).filter_by(**where))


def _ready_for_review(app, client, force, **changes):
    """A request searched: the third-party record and a custody PDF naming a third person."""
    reference = make_request(client, **changes)
    upload_id(client, reference)
    worker = staff(app, force, "case@alpha.police.uk", ["caseworker"])
    act(worker, reference, "identity", {"decision": "accept"})
    act(worker, reference, "search", {})
    act(worker, reference, "systems", {"system": "Custody system", "found": "yes", "notes": "Custody record",
                                       "material": (BytesIO(pdf_with("Custody record of Alex Archer",
                                                                     "Witness: Jordan Smith, 4 Elm Road")),
                                                    "custody.pdf")}, content_type="multipart/form-data")
    dog = _item_id(app, force, reference="DOG-0042")
    act(worker, reference, f"items/{dog}/include", {"include": "yes"})
    act(worker, reference, "transition", {"transition": "finish_search"})
    return reference, worker, dog, _item_id(app, force, source="system")


def _decide(worker, reference, item_id, **form):
    url = f"{case_url(reference)}/items/{item_id}"
    return post(worker, url, form, page=url)


def _approved(app, client, force):
    reference, worker, dog, custody = _ready_for_review(app, client, force)
    assert _decide(worker, reference, dog, decision="redact", exemption=THIRD_PARTY, note="Neighbour's name",
                   terms="Jordan Smith").status_code == 302
    assert _decide(worker, reference, custody, decision="redact", exemption=THIRD_PARTY, note="Witness",
                   terms="Jordan Smith\n4 Elm Road").status_code == 302
    act(worker, reference, "submit", {"outcome": "disclosure"})
    supervisor = staff(app, force, "boss@alpha.police.uk", ["supervisor"])
    assert act(supervisor, reference, "approve", {}).status_code == 302
    return reference, worker, supervisor


def test_each_item_needs_a_decision_with_an_exemption_and_a_note(app, client, sar_forces, third_party):  # noqa: F811
    alpha = sar_forces[0]
    reference, worker, dog, custody = _ready_for_review(app, client, alpha)
    refused = act(worker, reference, "submit", {"outcome": "disclosure"})
    assert refused.status_code == 400 and "Decide whether to disclose" in refused.get_data(as_text=True)
    no_exemption = _decide(worker, reference, dog, decision="withhold", exemption="", note="x")
    assert no_exemption.status_code == 400 and "Choose the exemption" in no_exemption.get_data(as_text=True)
    not_on_list = _decide(worker, reference, dog, decision="withhold", exemption="Made up", note="x")
    assert not_on_list.status_code == 400
    no_words = _decide(worker, reference, custody, decision="redact", exemption=THIRD_PARTY, note="Witness")
    assert no_words.status_code == 400 and "words to redact" in no_words.get_data(as_text=True)
    assert _decide(worker, reference, dog, decision="withhold", exemption=GDPR_CRIME,
                   note="Live investigation").status_code == 302


def test_a_second_person_must_approve(app, client, sar_forces, third_party):  # noqa: F811
    alpha = sar_forces[0]
    reference, worker, dog, custody = _ready_for_review(app, client, alpha)
    for item in (dog, custody):
        _decide(worker, reference, item, decision="disclose")
    both = staff(app, alpha, "both@alpha.police.uk", ["caseworker", "supervisor"])
    act(both, reference, "submit", {"outcome": "disclosure"})
    assert act(worker, reference, "approve", {}).status_code == 403  # a caseworker cannot approve
    same = act(both, reference, "approve", {})
    assert same.status_code == 400 and "A second person must approve" in same.get_data(as_text=True)
    supervisor = staff(app, alpha, "boss@alpha.police.uk", ["supervisor"])
    assert act(supervisor, reference, "send-back", {"note": ""}).status_code == 400  # a note is needed
    assert act(supervisor, reference, "send-back", {"note": "Check the custody record again"}).status_code == 302
    with app.app_context(), tenant_context(alpha):
        assert db.session.scalar(db.select(Case)).state == "review"
    act(both, reference, "submit", {"outcome": "disclosure"})
    assert act(supervisor, reference, "approve", {}).status_code == 302
    with app.app_context(), tenant_context(alpha):
        sar = db.session.scalar(db.select(SarRequest))
        assert (sar.approved_by, sar.submitted_by, sar.responded_on) == (
            "boss@alpha.police.uk", "both@alpha.police.uk", uk_today())


def test_the_disclosed_bundle_has_no_redacted_text_and_tells_of_the_ico(app, client, sar_forces, third_party):  # noqa: F811
    alpha = sar_forces[0]
    _reference, _worker, _supervisor = _approved(app, client, alpha)
    with app.app_context(), tenant_context(alpha):
        from frontcounter.documents.models import Document
        from frontcounter_subject_access.review import stored_bytes

        link = db.session.scalar(db.select(SarDisclosure))
        bundle = stored_bytes(db.session.get(Document, link.document_id))
    reader = PdfReader(BytesIO(bundle))
    text = " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())
    assert "Information Commissioner" in text and "Index" in text and "DOG-0042" in text
    assert "Biscuit" in text and "[redacted]" in text  # the record is disclosed, the neighbour's name is not
    assert "Jordan" not in text and "Elm Road" not in text
    assert len(reader.pages) >= 2  # letter and index, then the custody record as a page image


def test_download_needs_a_one_time_code_counts_audits_and_expires(app, client, sar_forces, third_party):  # noqa: F811
    alpha = sar_forces[0]
    _reference, _worker, _supervisor = _approved(app, client, alpha)
    email = last_email(app, "alex@example.com", "Your response is ready")
    url = re.search(r"http://[^\s]+(/alpha/subject_access/download/[^\s]+)", email.text_body).group(1)
    requester = app.test_client()
    assert requester.get(f"{url}/file").status_code == 302  # no code yet: back to the page
    page = requester.get(url).get_data(as_text=True)
    assert "Email me a code" in page
    requester.post(url, data={"csrf_token": csrf_token(page), "action": "send"})
    code = re.search(r"is (\d{6})\.", last_email(app, "alex@example.com", "one-time code").text_body).group(1)
    wrong = requester.post(url, data={"csrf_token": csrf_token(page), "action": "verify",
                                      "code": "000000" if code != "000000" else "111111"})
    assert wrong.status_code == 400 and "The code is not right" in wrong.get_data(as_text=True)
    assert requester.post(url, data={"csrf_token": csrf_token(page), "action": "verify", "code": code}
                          ).status_code == 200
    first = requester.get(f"{url}/file")
    assert first.status_code == 200 and first.mimetype == "application/pdf" and first.data.startswith(b"%PDF")
    assert requester.get(f"{url}/file").status_code == 200
    # The code was used up: another browser cannot reuse it.
    other = app.test_client()
    again = other.post(url, data={"csrf_token": csrf_token(other.get(url).get_data(as_text=True)),
                                  "action": "verify", "code": code})
    assert again.status_code == 400
    with app.app_context(), tenant_context(alpha):
        link = db.session.scalar(db.select(SarDisclosure))
        assert link.downloads == 2
        audited = db.session.scalars(db.select(AuditEvent).filter_by(action="subject_access.downloaded")).all()
        assert len(audited) == 2 and audited[0].actor == "requester:alex@example.com"
        assert db.session.scalar(db.select(Case)).state == "closed"
        link.expires_on = uk_today() - timedelta(days=1)
        db.session.commit()
    assert requester.get(url).status_code == 410
    assert requester.get(f"{url}/file").status_code == 302


def test_staff_can_revoke_the_link(app, client, sar_forces, third_party):  # noqa: F811
    alpha = sar_forces[0]
    reference, worker, _supervisor = _approved(app, client, alpha)
    email = last_email(app, "alex@example.com", "Your response is ready")
    url = re.search(r"http://[^\s]+(/alpha/subject_access/download/[^\s]+)", email.text_body).group(1)
    assert app.test_client().get(url).status_code == 200
    assert act(worker, reference, "revoke", {}).status_code == 302
    closed = app.test_client().get(url)
    assert closed.status_code == 410 and "withdrawn" in closed.get_data(as_text=True)
    assert "Revoked by case@alpha.police.uk" in worker.get(case_url(reference)).get_data(as_text=True)


def test_neither_confirm_nor_deny_is_an_outcome_with_its_own_letter(app, client, sar_forces, third_party):  # noqa: F811
    alpha = sar_forces[0]
    reference, worker, _dog, _custody = _ready_for_review(app, client, alpha)
    missing = act(worker, reference, "submit", {"outcome": "ncnd", "exemption": GDPR_CRIME, "note": ""})
    assert missing.status_code == 400
    act(worker, reference, "submit", {"outcome": "ncnd", "exemption": GDPR_CRIME, "note": "Covert operation"})
    supervisor = staff(app, alpha, "boss@alpha.police.uk", ["supervisor"])
    assert act(supervisor, reference, "approve", {}).status_code == 302
    with app.app_context(), tenant_context(alpha):
        from frontcounter.documents.models import Document
        from frontcounter_subject_access.review import stored_bytes

        link = db.session.scalar(db.select(SarDisclosure))
        text = "\n".join(p.extract_text() for p in PdfReader(BytesIO(
            stored_bytes(db.session.get(Document, link.document_id)))).pages)
        text = " ".join(text.split())
        assert db.session.scalar(db.select(SarRequest)).outcome == "ncnd"
    assert "neither confirm nor deny" in text and "crime and taxation" in text
    assert "Information Commissioner" in text and "DOG-0042" not in text


def test_a_requester_who_asked_for_paper_gets_no_link_and_staff_record_the_posting(app, client, sar_forces,
                                                                                   third_party):  # noqa: F811
    alpha = sar_forces[0]
    reference, worker, dog, custody = _ready_for_review(app, client, alpha, receive={"delivery": "post"})
    for item in (dog, custody):
        _decide(worker, reference, item, decision="disclose")
    act(worker, reference, "submit", {"outcome": "disclosure"})
    supervisor = staff(app, alpha, "boss@alpha.police.uk", ["supervisor"])
    assert act(supervisor, reference, "approve", {}).status_code == 302
    assert "posting our response" in last_email(app, "alex@example.com", "Your response is ready").text_body
    page = worker.get(case_url(reference)).get_data(as_text=True)
    assert "The response to print (PDF)" in page and 'id="download"' not in page
    assert act(worker, reference, "transition", {"transition": "record_posted"}).status_code == 302
    with app.app_context(), tenant_context(alpha):
        assert db.session.scalar(db.select(SarDisclosure.id)) is None
        assert db.session.scalar(db.select(Case)).state == "closed"
        assert db.session.scalar(db.select(SarRequest)).response_document_id is not None
