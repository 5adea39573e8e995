"""Bad input on every form gets a GOV.UK error summary (never a 500) and leaves nothing half made."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from frontcounter.calendar import uk_today
from frontcounter.cases.models import Case
from frontcounter.extensions import db
from frontcounter.tenancy import tenant_context
from frontcounter.testing import add_staff, csrf_token, staff_sign_in, submit
from frontcounter_lost_property.models import Claim, Disposal, FoundItem, LostReport, Match

from .conftest import add_item, add_slot
from .test_journeys import as_guest, date_fields

TODAY = uk_today()
PROBLEM = "There is a problem"


def _count(app, force, model) -> int:
    with app.app_context(), tenant_context(force):
        return db.session.scalar(db.select(db.func.count(model.id)))


def test_found_what_needs_a_choice(app, forces, client):
    as_guest(client)
    response = submit(client, "/alpha/lost_property/found", {"category": "rocket"})
    assert response.status_code == 200 and PROBLEM in response.get_data(as_text=True)
    assert "Select what you found" in response.get_data(as_text=True)


GOOD = {"description": "Gold ring", "found_where": "Park", "postcode": "BH1", "name": "Fay",
        "email": "fay@example.com", "wants_item": "yes"}


@pytest.mark.parametrize(("change", "message"), [
    ({"description": ""}, "Describe the item"),
    ({"found_where": ""}, "Enter where you found it"),
    ({"name": ""}, "Enter your full name"),
    ({"email": "not-an-email"}, "Enter an email address in the correct format"),
    ({"postcode": "QQQ"}, "Enter a real postcode"),
    ({"phone": "call me"}, "Enter a telephone number"),
    ({"wants_item": ""}, "Select yes if you would like the item"),
    ({"found_on-day": "31", "found_on-month": "2"}, "must be a real date"),
    ({"found_on-year": str(TODAY.year + 1)}, "must be today or in the past"),
    ({"description": "x" * 1001}, "1000 characters or fewer"),
])
def test_found_details_errors(app, forces, client, change, message):
    as_guest(client)
    submit(client, "/alpha/lost_property/found", {"category": "jewellery"})
    response = submit(client, "/alpha/lost_property/found/details",
                      {**GOOD, **date_fields("found_on", TODAY - timedelta(days=1)), **change})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and PROBLEM in page and message in page
    assert client.get("/alpha/lost_property/found/when").status_code == 302  # cannot skip ahead


def test_a_photo_that_is_not_an_image_is_refused_by_its_content(app, forces, client):
    as_guest(client)
    submit(client, "/alpha/lost_property/found", {"category": "jewellery"})
    html = client.get("/alpha/lost_property/found/details").get_data(as_text=True)
    data = {**GOOD, **date_fields("found_on", TODAY), "csrf_token": csrf_token(html),
            "photos": (io.BytesIO(b"MZ\x90\x00 not a picture"), "ring.jpg")}
    response = client.post("/alpha/lost_property/found/details", data=data, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "must be a JPG or PNG" in page
    from frontcounter.documents.models import Document

    assert _count(app, forces[0], Document) == 0


def test_found_when_needs_a_real_time_and_a_full_slot_keeps_nothing(app, forces, client):
    as_guest(client)
    submit(client, "/alpha/lost_property/found", {"category": "jewellery"})
    submit(client, "/alpha/lost_property/found/details", {**GOOD, **date_fields("found_on", TODAY)})
    add_slot(app, forces[0], "hand_in", days_ahead=6)
    for slot_id in ("", "abc", "99999999999", "12345"):
        response = submit(client, "/alpha/lost_property/found/when", {"slot_id": slot_id})
        assert response.status_code == 200 and "Select a time" in response.get_data(as_text=True)
    full = add_slot(app, forces[0], "hand_in", hour=15)
    with app.app_context(), tenant_context(forces[0]):
        from frontcounter.bookings import Slot

        db.session.get(Slot, full).taken = 4
        db.session.commit()
    response = submit(client, "/alpha/lost_property/found/when", {"slot_id": str(full)})
    assert response.status_code == 200 and PROBLEM in response.get_data(as_text=True)
    assert _count(app, forces[0], Case) == 0 and _count(app, forces[0], FoundItem) == 0


LOST = {"category": "jewellery", "description": "Ring", "lost_where": "Park", "name": "Olly",
        "email": "olly@example.com"}


@pytest.mark.parametrize(("change", "message"), [
    ({"category": ""}, "Select what you lost"),
    ({"category": "dangerous"}, "Select what you lost"),
    ({"description": ""}, "Describe the item"),
    ({"serial": "<script>"}, "Serial number or IMEI must be"),
    ({"lost_to-day": str((TODAY - timedelta(days=9)).day), "lost_to-month": str((TODAY - timedelta(days=9)).month),
      "lost_to-year": str((TODAY - timedelta(days=9)).year)}, "same as or after the first day"),
    ({"lost_from-day": ""}, "Day"),
    ({"lost_from-year": "1999"}, "must be a real date"),
])
def test_lost_report_errors(app, forces, client, change, message):
    as_guest(client)
    data = {**LOST, **date_fields("lost_from", TODAY - timedelta(days=3)), **date_fields("lost_to", TODAY), **change}
    response = submit(client, "/alpha/lost_property/lost", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and PROBLEM in page and message in page
    assert _count(app, forces[0], LostReport) == 0


def _staff(app, force, roles=("caseworker",), who="casey"):
    client = app.test_client()
    add_staff(app, force, f"{who}@alpha.police.uk", list(roles))
    staff_sign_in(client, app, force.slug, f"{who}@alpha.police.uk")
    return client


def test_staff_receive_form_errors_keep_the_item_waiting(app, forces):
    reference = add_item(app, forces[0], "cash", received_days_ago=None)
    staff = _staff(app, forces[0])
    url = f"/alpha/staff/lost_property/items/{reference}"
    response = submit(staff, f"{url}/receive", {"storage_location": "", "condition": "", "station": "",
                                                "cash": "lots", "property_reference": "<b>"}, page=url)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and PROBLEM in page
    for message in ("Enter where the item is stored", "Describe the item&#39;s condition",
                    "Enter the amount counted", "Property reference must be"):
        assert message in page
    with app.app_context(), tenant_context(forces[0]):
        assert db.session.scalar(db.select(Case)).state == "reported"


def test_staff_counter_form_errors_create_nothing(app, forces):
    staff = _staff(app, forces[0])
    url = "/alpha/staff/lost_property/new"
    response = submit(staff, url, {"category": "nope", "email": "x"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and PROBLEM in page and "Select what was handed in" in page
    assert _count(app, forces[0], Case) == 0


def test_second_cash_count_must_be_someone_else_and_agree(app, forces):
    reference = add_item(app, forces[0], "cash", cash_pence=2000)
    url = f"/alpha/staff/lost_property/items/{reference}"
    with app.app_context(), tenant_context(forces[0]):
        db.session.scalar(db.select(FoundItem)).cash_counted_by = "casey@alpha.police.uk"
        db.session.commit()
    casey = _staff(app, forces[0])
    response = submit(casey, f"{url}/cash", {"cash_check": "20.00"}, page=url)
    assert response.status_code == 400 and "different member of staff" in response.get_data(as_text=True)
    other = _staff(app, forces[0], who="sam")
    response = submit(other, f"{url}/cash", {"cash_check": "19.50"}, page=url)
    assert response.status_code == 400 and "do not agree" in response.get_data(as_text=True)
    response = submit(other, f"{url}/cash", {"cash_check": "twenty"}, page=url)
    assert response.status_code == 400 and "Enter the amount you counted" in response.get_data(as_text=True)
    assert submit(other, f"{url}/cash", {"cash_check": "£20"}, page=url).status_code == 302
    with app.app_context(), tenant_context(forces[0]):
        item = db.session.scalar(db.select(FoundItem))
        assert (item.cash_counted_by, item.cash_checked_by, item.cash_checked_pence) == (
            "casey@alpha.police.uk", "sam@alpha.police.uk", 2000)


def test_staff_photo_match_claim_handover_and_disposal_forms(app, forces):
    alpha = forces[0]
    reference = add_item(app, alpha, received_days_ago=100)
    url = f"/alpha/staff/lost_property/items/{reference}"
    staff = _staff(app, alpha)
    html = staff.get(url).get_data(as_text=True)
    response = staff.post(f"{url}/photo", data={"csrf_token": csrf_token(html),
                                                "photo": (io.BytesIO(b"%PDF-1.4 nope"), "x.png")},
                          content_type="multipart/form-data")
    assert response.status_code == 400 and PROBLEM in response.get_data(as_text=True)

    response = submit(staff, f"{url}/dispose", {"method": "sale", "proceeds": "a lot", "recipient": ""}, page=url)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Enter the sale proceeds" in page and "Enter who receives" in page
    response = submit(staff, f"{url}/dispose", {"method": "burn"}, page=url)
    assert response.status_code == 400 and "Select how the item is to be disposed of" in response.get_data(as_text=True)
    assert _count(app, alpha, Disposal) == 0

    with app.app_context(), tenant_context(alpha):
        from datetime import UTC, datetime

        item = db.session.scalar(db.select(FoundItem))
        report = LostReport(reference="ALP-LR-26-000001", category="jewellery", description="Ring", serial="",
                            lost_from=TODAY, lost_to=TODAY, lost_where="Park", name="O", email="o@example.com",
                            status="open", expires_on=TODAY, created_at=datetime.now(UTC))
        db.session.add(report)
        db.session.flush()
        match = Match(item_id=item.id, report_id=report.id, score=60, reasons={}, status="proposed",
                      created_at=datetime.now(UTC))
        claim = Claim(item_id=item.id, kind="finder", name="Fay", email="f@example.com", status="submitted",
                      created_at=datetime.now(UTC))
        db.session.add_all([match, claim])
        db.session.commit()
        match_id, claim_id = match.id, claim.id
    response = submit(staff, f"/alpha/staff/lost_property/matches/{match_id}/confirm", {"questions": "  \n "},
                      page=url)
    assert response.status_code == 400 and "Enter at least one question" in response.get_data(as_text=True)
    response = submit(staff, f"/alpha/staff/lost_property/claims/{claim_id}/decide", {"decision": "maybe"}, page=url)
    assert response.status_code == 400 and "Select whether to accept" in response.get_data(as_text=True)
    response = submit(staff, f"/alpha/staff/lost_property/claims/{claim_id}/decide", {"decision": "refuse"}, page=url)
    assert response.status_code == 409 and "Enter the reason" in response.get_data(as_text=True)
    response = submit(staff, f"/alpha/staff/lost_property/claims/{claim_id}/hand-over", {"id_checked": "Passport"},
                      page=url)
    assert response.status_code == 400 and "Only an accepted claim" in response.get_data(as_text=True)
    assert staff.get("/alpha/staff/lost_property/matches/99999999999/confirm").status_code in (404, 405)
    with app.app_context(), tenant_context(alpha):
        assert db.session.get(Match, match_id).status == "proposed"
        assert db.session.get(Claim, claim_id).status == "submitted"


def test_owner_claim_form_needs_answers_and_proof(app, forces, client):
    alpha = forces[0]
    add_item(app, alpha)
    from datetime import UTC, datetime

    from frontcounter_lost_property.lost import report_token

    with app.app_context(), tenant_context(alpha):
        item = db.session.scalar(db.select(FoundItem))
        report = LostReport(reference="ALP-LR-26-000001", category="jewellery", description="Ring", serial="",
                            lost_from=TODAY, lost_to=TODAY, lost_where="Park", name="O", email="o@example.com",
                            status="open", expires_on=TODAY, created_at=datetime.now(UTC))
        db.session.add(report)
        db.session.flush()
        db.session.add(Claim(item_id=item.id, report_id=report.id, kind="owner", name="O", email="o@example.com",
                             questions=["What is engraved?"], status="invited", created_at=datetime.now(UTC)))
        db.session.commit()
        with app.test_request_context():
            token = report_token(report)
    client.get(f"/alpha/lost_property/lost/ALP-LR-26-000001?token={token}")
    response = submit(client, "/alpha/lost_property/lost/ALP-LR-26-000001/claim", {"answer-1": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Answer question 1" in page and "Select a receipt, photo" in page
    with app.app_context(), tenant_context(alpha):
        assert db.session.scalar(db.select(Claim)).status == "invited"
