"""The journeys through the real pages (test client): a finder reports an item and books a hand-in; weapons stop
the journey with nothing kept; staff receive it; an owner's lost report is matched; staff confirm; the owner
claims with proof; staff accept; the owner books collection; staff hand it over with ID checked. Also the
finder's own claim after the finder period, and isolation between forces."""

from __future__ import annotations

import io
from datetime import timedelta

from frontcounter.calendar import uk_today
from frontcounter.cases.models import Case
from frontcounter.extensions import db
from frontcounter.tenancy import tenant_context
from frontcounter.testing import add_staff, link_in, mailbox, staff_sign_in, submit
from frontcounter_lost_property.models import Claim, FoundItem, LostReport, Match
from PIL import Image

from .conftest import STATION, add_item, add_slot

FINDER = "fay@example.com"
OWNER = "olly@example.com"
TODAY = uk_today()


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def as_guest(client, force="alpha"):
    submit(client, f"/{force}/start/lost_property", {"how": "guest"})


def date_fields(prefix: str, day) -> dict[str, str]:
    return {f"{prefix}-day": str(day.day), f"{prefix}-month": str(day.month), f"{prefix}-year": str(day.year)}


def report_found(client, slot_id: int, category: str = "jewellery", **extra) -> str:
    as_guest(client)
    assert submit(client, "/alpha/lost_property/found", {"category": category}).status_code == 302
    details = {"description": "Gold ring engraved J and M", "found_where": "Bench on the High Street",
               "postcode": "BH1 1AA", "name": "Fay Finder", "email": FINDER, "wants_item": "yes",
               **date_fields("found_on", TODAY - timedelta(days=1)), **extra}
    html = client.get("/alpha/lost_property/found/details").get_data(as_text=True)
    from frontcounter.testing import csrf_token

    response = client.post("/alpha/lost_property/found/details",
                           data={**details, "csrf_token": csrf_token(html), "photos": (io.BytesIO(png()), "ring.png")},
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    response = submit(client, "/alpha/lost_property/found/when", {"slot_id": str(slot_id)})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"].split("/items/")[1].split("?")[0]


def test_a_finder_reports_an_item_books_a_hand_in_and_gets_the_reference(app, forces, client):
    alpha, bravo = forces
    slot = add_slot(app, alpha, "hand_in")
    reference = report_found(client, slot)
    page = client.get(f"/alpha/lost_property/items/{reference}?done=1").get_data(as_text=True)
    assert "Hand-in booked" in page and reference in page and STATION in page
    with app.app_context(), tenant_context(alpha):
        item = db.session.scalar(db.select(FoundItem))
        assert item.case.state == "reported" and item.station == STATION and item.found_district == "BH1"
        assert item.finder_wants_item is True
        from frontcounter.documents.models import Document

        photo = db.session.scalar(db.select(Document).filter_by(case_id=item.case_id))
        assert photo.kind == "finder-photo" and photo.content_type == "image/png"
    with app.app_context(), tenant_context(bravo):
        assert db.session.scalars(db.select(FoundItem)).all() == []
    [email] = mailbox(app, FINDER)
    assert reference in email.subject and STATION in email.text_body
    assert f"/alpha/lost_property/items/{reference}" in link_in(email, "/alpha/lost_property/items/")


def test_weapons_drugs_and_dangerous_things_stop_with_999_and_101_and_nothing_is_kept(app, forces, client):
    as_guest(client)
    response = submit(client, "/alpha/lost_property/found", {"category": "dangerous"}, follow=True)
    page = response.get_data(as_text=True)
    assert "call 999" in page and "call 101" in page and "not recorded anything" in page
    assert client.get("/alpha/lost_property/found/details").status_code == 302  # no draft left to continue
    with app.app_context(), tenant_context(forces[0]):
        assert db.session.scalar(db.select(db.func.count(Case.id))) == 0


def test_bank_cards_are_told_to_cut_and_return_to_the_issuer(app, forces, client):
    as_guest(client)
    response = submit(client, "/alpha/lost_property/found", {"category": "bank_cards"}, follow=True)
    page = response.get_data(as_text=True)
    assert "cut it in half through the chip" in page and "bank or company named on it" in page


def test_phones_do_not_offer_the_finder_the_item(app, forces, client):
    as_guest(client)
    submit(client, "/alpha/lost_property/found", {"category": "phone"})
    page = client.get("/alpha/lost_property/found/details").get_data(as_text=True)
    assert "would you like it" not in page and "IMEI" in page


def _staff(app, client, force, who="casey", roles=("caseworker",)) -> str:
    email = f"{who}@alpha.police.uk"
    add_staff(app, force, email, list(roles))
    staff_sign_in(client, app, force.slug, email)
    return email


def report_ring_lost(app):  # type: ignore[no-untyped-def]
    """A guest reports the gold ring lost in Alpha; returns their client and the report's reference."""
    owner = app.test_client()
    as_guest(owner)
    response = submit(owner, "/alpha/lost_property/lost", {
        "category": "jewellery", "description": "gold ring with J and M engraved inside",
        "lost_where": "High Street", "postcode": "BH1", "name": "Olly Owner", "email": OWNER,
        **date_fields("lost_from", TODAY - timedelta(days=3)), **date_fields("lost_to", TODAY - timedelta(days=1))})
    assert response.status_code == 302
    return owner, response.headers["Location"].split("/lost/")[1].split("?")[0]


def test_the_whole_way_from_hand_in_to_the_owner_collecting_it(app, forces, client):
    alpha = forces[0]
    hand_in = add_slot(app, alpha, "hand_in")
    collection = add_slot(app, alpha, "collection", days_ahead=5)
    reference = report_found(client, hand_in)

    # The owner reports the ring lost.
    owner, lost_ref = report_ring_lost(app)
    assert "Report sent" in owner.get(f"/alpha/lost_property/lost/{lost_ref}?done=1").get_data(as_text=True)

    # Staff receive the item: the lost report is proposed as a match.
    staff = app.test_client()
    _staff(app, staff, alpha)
    item_url = f"/alpha/staff/lost_property/items/{reference}"
    response = submit(staff, f"{item_url}/receive", {"storage_location": "Shelf B2", "condition": "Good",
                                                     "station": STATION}, page=item_url)
    assert response.status_code == 302
    with app.app_context(), tenant_context(alpha):
        match = db.session.scalar(db.select(Match))
        assert match.report.reference == lost_ref and match.status == "proposed"
        assert db.session.scalar(db.select(FoundItem)).property_reference.startswith("ALP/P/")
        match_id = match.id
    assert "Handed in and kept safe" in mailbox(app, FINDER)[-1].text_body

    # Staff confirm with a question; the owner is invited.
    response = submit(staff, f"/alpha/staff/lost_property/matches/{match_id}/confirm",
                      {"questions": "What is engraved inside the ring?"}, page=item_url)
    assert response.status_code == 302
    invite = mailbox(app, OWNER)[-1]
    assert "may be yours" in invite.subject
    owner_link = link_in(invite, "/alpha/lost_property/lost/")

    # The owner claims with an answer and a photo as proof.
    fresh_owner = app.test_client()
    assert "Claim the item" in fresh_owner.get(owner_link).get_data(as_text=True)
    claim_url = f"/alpha/lost_property/lost/{lost_ref}/claim"
    from frontcounter.testing import csrf_token

    html = fresh_owner.get(claim_url).get_data(as_text=True)
    response = fresh_owner.post(claim_url, data={"csrf_token": csrf_token(html), "answer-1": "J and M",
                                                 "proof": (io.BytesIO(png()), "me-with-ring.png")},
                                content_type="multipart/form-data")
    assert response.status_code == 302
    with app.app_context(), tenant_context(alpha):
        claim = db.session.scalar(db.select(Claim))
        assert claim.status == "submitted" and claim.answers == ["J and M"] and len(claim.proof_document_ids) == 1
        claim_id = claim.id

    # The finder cannot see the owner's proof.
    with app.app_context(), tenant_context(alpha):
        proof_id = db.session.scalar(db.select(Claim)).proof_document_ids[0]
    assert client.get(f"/alpha/documents/{proof_id}").status_code == 404

    # Staff accept the claim; the owner books a collection time.
    response = submit(staff, f"/alpha/staff/lost_property/claims/{claim_id}/decide", {"decision": "approve"},
                      page=item_url)
    assert response.status_code == 302
    assert "accepted" in mailbox(app, OWNER)[-1].subject
    response = submit(fresh_owner, f"/alpha/lost_property/lost/{lost_ref}/collect", {"slot_id": str(collection)})
    assert response.status_code == 302
    assert "Your collection time" in fresh_owner.get(f"/alpha/lost_property/lost/{lost_ref}").get_data(as_text=True)

    # At the counter: photo ID checked and recorded, the item returned.
    response = submit(staff, f"/alpha/staff/lost_property/claims/{claim_id}/hand-over",
                      {"id_checked": "UK passport ending 4321"}, page=item_url)
    assert response.status_code == 302
    with app.app_context(), tenant_context(alpha):
        claim = db.session.get(Claim, claim_id)
        assert claim.status == "returned" and claim.id_checked == "UK passport ending 4321"
        assert claim.returned_by == "casey@alpha.police.uk"
        assert db.session.scalar(db.select(Case)).state == "returned"
        assert db.session.scalar(db.select(LostReport)).status == "claimed"
    assert "Item returned to you" in fresh_owner.get(f"/alpha/lost_property/lost/{lost_ref}").get_data(as_text=True)


def test_the_finder_may_claim_after_the_finder_period_and_collect(app, forces, client):
    alpha = forces[0]
    reference = add_item(app, alpha, "cash", received_days_ago=29, cash_pence=2000, email=FINDER)
    add_slot(app, alpha, "collection")
    from frontcounter_lost_property.jobs import tell_finders

    with app.app_context():
        assert tell_finders() == 1
        assert tell_finders() == 0  # told once
    link = link_in(mailbox(app, FINDER)[-1], "/alpha/lost_property/items/")
    page = client.get(link).get_data(as_text=True)
    assert "You can claim this item" in page
    assert submit(client, f"/alpha/lost_property/items/{reference}/claim", {},
                  page=f"/alpha/lost_property/items/{reference}").status_code == 302
    with app.app_context(), tenant_context(alpha):
        claim = db.session.scalar(db.select(Claim))
        assert claim.kind == "finder" and claim.status == "submitted"


def test_no_finder_claim_before_the_period_or_for_a_phone(app, forces, client):
    alpha = forces[0]
    early = add_item(app, alpha, "cash", received_days_ago=10, email=FINDER)
    phone = add_item(app, alpha, "phone", received_days_ago=60, email=FINDER, description="Black phone")
    from frontcounter_lost_property.jobs import tell_finders

    with app.app_context():
        assert tell_finders() == 0
    as_guest(client)
    for reference in (early, phone):
        with app.app_context(), tenant_context(alpha):
            case_id = db.session.scalar(db.select(Case.id).filter_by(reference=reference))
        with client.session_transaction() as session:
            session["tracked_cases"] = [case_id]
        page = client.get(f"/alpha/lost_property/items/{reference}").get_data(as_text=True)
        assert "You can claim this item" not in page
        response = submit(client, f"/alpha/lost_property/items/{reference}/claim", {},
                          page="/alpha/lost_property/found")
        assert response.status_code == 302
    with app.app_context(), tenant_context(alpha):
        assert db.session.scalars(db.select(Claim)).all() == []


def test_a_serial_on_the_national_register_makes_the_item_a_crime_matter(app, forces):
    alpha = forces[0]
    reference = add_item(app, alpha, "phone", serial="356938035643809", description="Grey phone")
    with app.app_context(), tenant_context(alpha):
        item = db.session.scalar(db.select(FoundItem))
        assert item.case.reference == reference and item.case.state == "crime_matter"
        assert item.register_result == "stolen" and "burglary" in item.register_note


def test_an_expired_lost_report_is_closed_with_an_email(app, forces):
    from frontcounter_lost_property.jobs import expire_reports

    with app.app_context(), tenant_context(forces[0]):
        from datetime import UTC, datetime

        db.session.add(LostReport(reference="ALP-LR-26-000001", category="cash", description="Purse", serial="",
                                  lost_from=TODAY - timedelta(days=70), lost_to=TODAY - timedelta(days=70),
                                  lost_where="Park", name="Olly", email=OWNER, status="open",
                                  expires_on=TODAY - timedelta(days=1), created_at=datetime.now(UTC)))
        db.session.commit()
    with app.app_context():
        assert expire_reports() == 1
    with app.app_context(), tenant_context(forces[0]):
        assert db.session.scalar(db.select(LostReport)).status == "expired"
    assert "has closed" in mailbox(app, OWNER)[-1].subject


def test_a_lost_report_page_needs_its_link(app, forces, client):
    with app.app_context(), tenant_context(forces[0]):
        from datetime import UTC, datetime

        db.session.add(LostReport(reference="ALP-LR-26-000009", category="cash", description="Purse", serial="",
                                  lost_from=TODAY, lost_to=TODAY, lost_where="Park", name="Olly", email=OWNER,
                                  status="open", expires_on=TODAY, created_at=datetime.now(UTC)))
        db.session.commit()
    assert client.get("/alpha/lost_property/lost/ALP-LR-26-000009").status_code == 404
    assert client.get("/alpha/lost_property/lost/ALP-LR-26-000009?token=forged").status_code == 404
    assert client.get("/bravo/lost_property/lost/ALP-LR-26-000009").status_code == 404


def test_staff_pages_need_staff_of_the_force(app, forces, client):
    response = client.get("/alpha/staff/lost_property/register")
    assert response.status_code == 302 and "/alpha/staff/sign-in" in response.headers["Location"]


def test_the_core_case_page_cannot_skip_the_records_and_a_lapsed_claim_follows(app, forces):
    from frontcounter.cases import engine
    from frontcounter_lost_property.claims import approved_claim, decide

    alpha = forces[0]
    reference = add_item(app, alpha, "cash", received_days_ago=40, cash_pence=100)
    with app.app_context(), app.test_request_context(), tenant_context(alpha):
        case = engine.find_case(reference)
        workflow = engine.workflow_for("lost_property")
        roles = ["caseworker", "supervisor"]
        staff_may = {t.name for t in workflow.transitions if engine.may_fire(case, t, roles=roles)}
        assert staff_may == {"claim_lapsed", "flag_crime", "cancel_report"}
        from datetime import UTC, datetime

        item = db.session.scalar(db.select(FoundItem))
        claim = Claim(item_id=item.id, kind="finder", name="Fay", email=FINDER, status="submitted",
                      created_at=datetime.now(UTC))
        db.session.add(claim)
        db.session.flush()
        decide(claim, True, "", actor="casey@alpha.police.uk")
        engine.fire(case, "claim_lapsed", actor="casey@alpha.police.uk", note="Not collected in 14 days",
                    roles=["caseworker"])
        db.session.commit()
        assert case.state == "received" and claim.status == "lapsed" and approved_claim(case) is None
