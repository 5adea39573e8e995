"""The public firearms application in the test client: every page, errors on the way, save and return,
renewals (s.28B), free variations, referees confirming by their emailed link, and the home visit."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from html import unescape
from io import BytesIO

import pytest
from frontcounter.bookings import SlotSpec, create_slots
from frontcounter.cases import engine
from frontcounter.cases.models import Case
from frontcounter.documents.models import Document
from frontcounter.extensions import db
from frontcounter.payments.models import Payment
from frontcounter.tenancy import tenant_context
from frontcounter.testing import csrf_token, link_in, mailbox, public_account, submit
from frontcounter_firearms.drafts import Draft
from frontcounter_firearms.models import Referee
from frontcounter_firearms.rules import MEDICAL_CONDITIONS
from PIL import Image

from .support import scanned_pdf

FORCE = "alpha"
APPLY = f"/{FORCE}/firearms/apply"
YEARS_AGO = date.today().year - 12


@pytest.fixture
def client(app):
    """A browser without an account (its own cookies)."""
    return app.test_client()


def jpeg() -> bytes:
    """A small photo, as a phone would take it."""
    out = BytesIO()
    Image.new("RGB", (60, 80), "teal").save(out, "JPEG")
    return out.getvalue()


PDF = scanned_pdf()


def dated(prefix: str, day: date | None) -> dict[str, str]:
    """A GOV.UK date input's three fields."""
    if day is None:
        return {f"{prefix}-day": "", f"{prefix}-month": "", f"{prefix}-year": ""}
    return {f"{prefix}-day": str(day.day), f"{prefix}-month": str(day.month), f"{prefix}-year": str(day.year)}


def address(prefix: str, line1: str = "1 High Street", postcode: str = "AL1 1AA") -> dict[str, str]:
    return {f"{prefix}line1": line1, f"{prefix}line2": "", f"{prefix}town": "Alphaton", f"{prefix}postcode": postcode}


def referee(i: int, name: str, email: str, **change: str) -> dict[str, str]:
    fields = {
        "name": name,
        "email": email,
        "phone": "01632 960 002",
        "country": "england",
        "relationship": "friend",
        "years_known": "5",
        "firearms_dealer": "no",
        "police": "no",
        **change,
    }
    return {**{f"referees-{i}-{k}": v for k, v in fields.items()}, **address(f"referees-{i}-address-", "2 Low Road")}


PERSONAL = {
    "title": "Mr",
    "forenames": "Alex",
    "surname": "Archer",
    "previous_names": "",
    **dated("date_of_birth", date(1980, 1, 1)),
    "place_of_birth": "Alphaton, England",
    "height_cm": "180",
    "nationality": "British",
    "occupation": "Farmer",
    **address("address-"),
    "phone": "01632 960 001",
    "email": "alex@example.com",
    "work_address": "",
}
ADDRESSES = {**address("addresses-0-"), **dated("addresses-0-from_date", date(YEARS_AGO, 1, 1))}
MEDICAL = {key: "no" for key, _label in MEDICAL_CONDITIONS}
GP = {
    "practices-0-name": "Alphaton Surgery",
    **address("practices-0-", "3 Surgery Lane"),
    **dated("practices-0-from_date", date(YEARS_AGO - 1, 1, 1)),
    "consent_to_contact_gp": "yes",
}
FIREARMS = {
    "firearms-0-type": "rifle",
    "firearms-0-calibre": ".22",
    "firearms-0-quantity": "1",
    "firearms-0-ammunition_to_hold": "500",
    "firearms-0-ammunition_to_acquire": "200",
    "firearms-0-reason": "target_shooting",
    "firearms-0-club_name": "Alphaton Rifle Club",
}
SECURITY = {
    "storage": "gun_cabinet",
    "storage_location": "Utility room",
    "alarm": "yes",
    "ammunition_stored_separately": "yes",
}
REFEREES = {**referee(0, "Robin Reed", "robin@example.com"), **referee(1, "Sam Smith", "sam@example.com")}


def page(client, name: str) -> str:
    return client.get(f"{APPLY}/{name}").get_data(as_text=True)


def answer(client, name: str, data: dict, action: str = "continue"):
    """Post one question page as the browser would; return the response."""
    return submit(client, f"{APPLY}/{name}", {**data, "action": action})


def goes_to(response, name: str) -> None:
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    assert response.headers["Location"].endswith(f"{APPLY}/{name}"), response.headers["Location"]


def error_summary(response) -> list[str]:
    html = response.get_data(as_text=True)
    summary = re.search(r'govuk-error-summary__list">(.*?)</ul>', html, re.S)
    assert summary, "no error summary on the page"
    return [unescape(re.sub(r"\s+", " ", m).strip()) for m in re.findall(r"<a [^>]*>(.*?)</a>", summary.group(1), re.S)]


def upload(client, name: str, data: bytes, filename: str):
    html = page(client, name)
    return client.post(
        f"{APPLY}/{name}",
        data={"csrf_token": csrf_token(html), "action": "continue", name: (BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def as_guest(client) -> None:
    """Choose 'continue without an account' on the core start page."""
    response = submit(client, f"/{FORCE}/start/firearms", {"how": "guest"})
    assert response.headers["Location"].endswith(f"/{FORCE}/firearms/")


def fill_in(client, *, application: dict, firearms: bool = True, referees: dict = REFEREES) -> None:
    """Answer every page correctly, from the application page to the uploads."""
    goes_to(answer(client, "application", application), "personal")
    goes_to(answer(client, "personal", PERSONAL), "addresses")
    goes_to(answer(client, "addresses", ADDRESSES), "medical")
    goes_to(answer(client, "medical", MEDICAL), "gp")
    goes_to(answer(client, "gp", GP), "convictions")
    goes_to(answer(client, "convictions", {"has_convictions": "no"}), "firearms" if firearms else "security")
    if firearms:
        goes_to(answer(client, "firearms", FIREARMS), "security")
    goes_to(answer(client, "security", SECURITY), "referees")
    goes_to(answer(client, "referees", referees), "photo")
    goes_to(upload(client, "photo", jpeg(), "me.jpg"), "gp-information")
    response = upload(client, "gp-information", PDF, "gp-form.pdf")
    assert response.headers["Location"].endswith(f"{APPLY}/check")


def send(client):
    """Tick the declaration on the check page and send the application."""
    return submit(client, f"{APPLY}/check", {"declaration": "yes"})


def the_case(app, force, **filters) -> Case:
    with app.app_context(), tenant_context(force):
        case = db.session.scalars(db.select(Case).filter_by(service_key="firearms", **filters)).one()
        db.session.expunge(case)
        return case


def pay_in_sandbox(client, pay_page: str) -> str:
    """Press Pay, choose success in the sandbox, come back; return the page the applicant lands on."""
    html = client.get(pay_page).get_data(as_text=True)
    sandbox = client.post(pay_page, data={"csrf_token": csrf_token(html)}).headers["Location"]
    html = client.get(sandbox).get_data(as_text=True)
    back = client.post(sandbox, data={"outcome": "success", "csrf_token": csrf_token(html)}).headers["Location"]
    landing = client.get(back).headers["Location"]
    return client.get(landing).get_data(as_text=True)


def staff_fire(app, force, reference: str, *names: str) -> None:
    with app.app_context(), tenant_context(force):
        case = db.session.scalars(db.select(Case).filter_by(reference=reference)).one()
        for name in names:
            engine.fire(case, name, actor="test: staff", as_system=True)
        db.session.commit()


# -- the whole grant -----------------------------------------------------------------------------


def test_a_grant_through_every_page_with_errors_on_the_way_then_paid(app, client, firearms_forces):
    alpha = firearms_forces[0]
    assert client.get(f"/{FORCE}/firearms/").headers["Location"].endswith(f"/{FORCE}/start/firearms")
    as_guest(client)
    assert "Start now" in client.get(f"/{FORCE}/firearms/").get_data(as_text=True)
    goes_to(client.get(APPLY), "application")

    assert error_summary(answer(client, "application", {})) == [
        "Select whether you are applying for a grant, a renewal or a variation",
        "Select at least one certificate",
    ]
    goes_to(answer(client, "application", {"kind": "grant", "certificates": "fac"}), "personal")

    bad = answer(client, "personal", {**PERSONAL, **dated("date_of_birth", None), "address-postcode": "ALPHA"})
    assert bad.status_code == 200
    assert "Enter your date of birth" in error_summary(bad) and "Enter a real postcode, like SW1A 2AA" in error_summary(
        bad
    )
    html = bad.get_data(as_text=True)
    assert 'value="Archer"' in html and 'href="#date_of_birth-day"' in html  # answers kept, errors linked
    goes_to(answer(client, "personal", PERSONAL), "addresses")

    gap = {
        **address("addresses-0-"),
        **dated("addresses-0-from_date", date(2023, 6, 1)),
        **address("addresses-1-", "9 Old Road"),
        **dated("addresses-1-from_date", date(YEARS_AGO, 1, 1)),
        **dated("addresses-1-to_date", date(2023, 3, 3)),
    }
    assert error_summary(answer(client, "addresses", gap)) == ["There is a gap between 3 March 2023 and 1 June 2023"]
    added = answer(client, "addresses", ADDRESSES, action="add-addresses").get_data(as_text=True)
    assert 'name="addresses-1-line1"' in added and "Address 2" in added
    removed = answer(client, "addresses", gap, action="remove-addresses-0").get_data(as_text=True)
    assert 'value="9 Old Road"' in removed and 'name="addresses-1-line1"' not in removed
    goes_to(answer(client, "addresses", ADDRESSES), "medical")

    assert error_summary(answer(client, "medical", {**MEDICAL, "depression_anxiety": "yes"})) == [
        "Give details of each condition you answered yes to"
    ]
    goes_to(answer(client, "medical", MEDICAL), "gp")
    short_gp = {**GP, **dated("practices-0-from_date", date(date.today().year - 2, 1, 1))}
    assert error_summary(answer(client, "gp", short_gp))[0].startswith("Your GP practices must cover the last 10 years")
    goes_to(answer(client, "gp", GP), "convictions")
    assert error_summary(answer(client, "convictions", {"has_convictions": "yes"})) == [
        "Add each conviction or caution"
    ]
    goes_to(answer(client, "convictions", {"has_convictions": "no"}), "firearms")
    assert error_summary(answer(client, "firearms", {**FIREARMS, "firearms-0-club_name": ""})) == [
        "Enter the name of the club you shoot with"
    ]
    goes_to(answer(client, "firearms", FIREARMS), "security")
    goes_to(answer(client, "security", SECURITY), "referees")
    goes_to(answer(client, "referees", REFEREES), "photo")

    refused = upload(client, "photo", PDF, "me.pdf")
    assert refused.status_code == 200 and "The selected file must be a JPG or PNG" in refused.get_data(as_text=True)
    goes_to(upload(client, "photo", jpeg(), "me.jpg"), "gp-information")
    assert upload(client, "gp-information", PDF, "gp-form.pdf").headers["Location"].endswith(f"{APPLY}/check")

    check = client.get(f"{APPLY}/check").get_data(as_text=True)
    for shown in ("Alex Archer", "Alphaton Rifle Club", "Robin Reed", "me.jpg", "gp-form.pdf", "£198.00"):
        assert shown in check, shown
    assert f'href="{APPLY}/referees?change=1"' in check
    assert error_summary(submit(client, f"{APPLY}/check", {})) == [
        "Confirm that the information you have given is true and complete"
    ]
    sent = send(client)
    assert "/firearms/cases/" in sent.headers["Location"] and sent.headers["Location"].split("?")[0].endswith("/pay")

    case = the_case(app, alpha)
    assert case.state == "awaiting_payment" and case.data["fee_pence"] == 19800
    assert case.applicant_email == "alex@example.com" and case.applicant_name == "Alex Archer"
    assert case.data["firearms"]["firearms"][0]["calibre"] == ".22"
    landing = pay_in_sandbox(client, sent.headers["Location"])
    assert "Received" in landing
    case = the_case(app, alpha)
    assert case.state == "submitted"
    with app.app_context(), tenant_context(alpha):
        kinds = sorted(d.kind for d in db.session.scalars(db.select(Document).filter_by(case_id=case.id)))
        referees = db.session.scalars(db.select(Referee).filter_by(case_id=case.id).order_by(Referee.id)).all()
        assert [(r.name, r.lives_in_gb) for r in referees] == [("Robin Reed", True), ("Sam Smith", True)]
        assert db.session.scalars(db.select(Payment)).one().amount_pence == 19800
        assert db.session.scalars(db.select(Draft)).one().case_id == case.id
    assert kinds == ["gp-information", "photo"]
    assert any("Received" in m.subject for m in mailbox(app, "alex@example.com"))
    goes_to(client.get(APPLY), "application")  # a new application starts afresh


def apply_for_a_grant(app, client, alpha) -> Case:
    """A guest's grant of a firearm certificate, sent and paid; returns the case."""
    as_guest(client)
    fill_in(client, application={"kind": "grant", "certificates": "fac"})
    pay_in_sandbox(client, send(client).headers["Location"])
    return the_case(app, alpha)


# -- save and return ----------------------------------------------------------------------------


def test_a_guest_saves_and_comes_back_by_the_emailed_link(app, client, firearms_forces):
    as_guest(client)
    goes_to(answer(client, "application", {"kind": "grant", "certificates": "sgc"}), "personal")
    half_done = {**PERSONAL, "surname": ""}
    saved = answer(client, "personal", half_done, action="save")
    assert saved.headers["Location"].endswith(f"{APPLY}/save")
    assert error_summary(submit(client, f"{APPLY}/save", {"email": "not an email"})) == [
        "Enter an email address in the correct format, like name@example.com"
    ]
    done = submit(client, f"{APPLY}/save", {"email": "Alex@Example.com"}).get_data(as_text=True)
    assert "We have emailed a link to alex@example.com" in done

    (email,) = mailbox(app, "alex@example.com")
    link = link_in(email, f"/{FORCE}/firearms/resume/")
    other_device = app.test_client()
    assert other_device.get(link).headers["Location"].endswith(f"/{FORCE}/firearms/apply")
    goes_to(other_device.get(APPLY), "personal")  # the application page is done; personal is next
    html = page(other_device, "personal")
    assert 'value="Alex"' in html and 'value="alex@example.com"' in html  # the unsaved answers are kept too
    goes_to(answer(other_device, "personal", PERSONAL), "addresses")

    assert other_device.get(f"/{FORCE}/firearms/resume/forged-token").status_code == 410
    assert app.test_client().get(f"/bravo/firearms/resume/{link.rsplit('/', 1)[1]}").status_code == 410


def test_an_account_holder_finds_their_draft_when_they_come_back(app, client, firearms_forces):
    from frontcounter.testing import PASSWORD

    public_account(app, "pat@example.com")
    submit(client, "/account/sign-in", {"email": "pat@example.com", "password": PASSWORD})
    goes_to(answer(client, "application", {"kind": "grant", "certificates": "fac"}), "personal")
    saved = answer(client, "personal", {**PERSONAL, "surname": ""}, action="save")
    assert "sign in to your account" in client.get(saved.headers["Location"]).get_data(as_text=True)
    later = app.test_client()
    submit(later, "/account/sign-in", {"email": "pat@example.com", "password": PASSWORD})
    assert "Continue your application" in later.get(f"/{FORCE}/firearms/").get_data(as_text=True)
    goes_to(later.get(APPLY), "personal")
    assert app.test_client().get(APPLY).headers["Location"].endswith(f"/{FORCE}/start/firearms")


# -- renewals and variations --------------------------------------------------------------------


def test_a_renewal_received_eight_weeks_before_expiry_is_marked_as_extended_under_section_28b(
    app, client, firearms_forces
):
    alpha = firearms_forces[0]
    as_guest(client)
    expiry = date.today() + timedelta(weeks=10)
    renewal = {"kind": "renewal", "certificates": "fac"}
    assert error_summary(answer(client, "application", renewal)) == [
        "Enter the number of your current certificate",
        "Enter the date your current certificate expires",
    ]
    fill_in(
        client,
        application={
            **renewal,
            "current_certificate_number": "ALP/FAC/2021/00042",
            **dated("current_certificate_expiry", expiry),
        },
    )
    assert "£131.00" in client.get(f"{APPLY}/check").get_data(as_text=True)
    pay_page = send(client).headers["Location"]
    case = the_case(app, alpha)
    assert case.data["fee_pence"] == 13100
    assert case.data["s28b_extended_to"] == (expiry + timedelta(weeks=8)).isoformat()
    assert "stays in force until" in pay_in_sandbox(client, pay_page)


def test_a_late_renewal_is_not_extended(app, client, firearms_forces):
    as_guest(client)
    expiry = date.today() + timedelta(weeks=7)
    fill_in(
        client,
        application={
            "kind": "renewal",
            "certificates": "sgc",
            "current_certificate_number": "ALP/SGC/2021/00007",
            **dated("current_certificate_expiry", expiry),
        },
        firearms=False,
        referees=referee(0, "Robin Reed", "robin@example.com"),
    )
    send(client)
    case = the_case(app, firearms_forces[0])
    assert case.data["s28b_extended_to"] is None and case.data["fee_pence"] == 12600


def test_a_free_like_for_like_variation_asks_only_what_a_variation_needs_and_skips_payment(
    app, client, firearms_forces
):
    as_guest(client)
    variation = {
        "kind": "variation",
        "certificates": "fac",
        "like_for_like": "yes",
        "current_certificate_number": "ALP/FAC/2024/00001",
        **dated("current_certificate_expiry", date.today() + timedelta(days=900)),
    }
    goes_to(answer(client, "application", variation), "personal")
    goes_to(answer(client, "personal", PERSONAL), "firearms")  # no addresses, medical, GP or convictions
    goes_to(answer(client, "firearms", FIREARMS), "security")
    assert answer(client, "security", SECURITY).headers["Location"].endswith(f"{APPLY}/check")  # no referees
    check = client.get(f"{APPLY}/check").get_data(as_text=True)
    assert "There is no fee for a like-for-like variation." in check and "Accept and send" in check
    assert "(no fee): no fee" not in check and "Your referees" not in check
    sent = send(client)
    assert "/pay" not in sent.headers["Location"]
    landing = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "Received" in landing and "Pay the fee" not in landing and "and fee." not in landing
    case = the_case(app, firearms_forces[0])
    assert (case.state, case.data["fee_pence"]) == ("submitted", 0)
    with app.app_context(), tenant_context(firearms_forces[0]):
        assert db.session.scalars(db.select(Payment)).all() == []


def test_only_a_firearm_certificate_can_be_varied(client, firearms_forces):
    as_guest(client)
    bad = answer(client, "application", {"kind": "variation", "certificates": "sgc", "like_for_like": "yes"})
    assert "Only a firearm certificate can be varied" in error_summary(bad)


# -- referees -----------------------------------------------------------------------------------


def test_referee_eligibility_problems_are_shown_on_the_referees_page(client, firearms_forces):
    as_guest(client)
    goes_to(answer(client, "application", {"kind": "grant", "certificates": "fac"}), "personal")
    goes_to(answer(client, "personal", PERSONAL), "addresses")
    html = page(client, "referees")
    assert "Referee 2" in html and "Referee 3" not in html  # two for a firearm certificate
    bad = {
        **referee(0, "Robin Reed", "robin@example.com", relationship="family", years_known="1"),
        **referee(1, "Sam Smith", "alex@example.com"),
    }
    assert error_summary(answer(client, "referees", bad)) == [
        "Robin Reed must have known you for at least 2 years",
        "Robin Reed cannot be a member of your family",
        "Your referee cannot be you: give the details of someone else",
    ]
    missing = answer(client, "referees", {**REFEREES, "referees-1-email": "", "referees-1-country": ""})
    assert error_summary(missing) == ["Enter the referee's email address", "Select where the referee lives"]
    assert 'href="#referees-1-email"' in missing.get_data(as_text=True)
    goes_to(answer(client, "referees", REFEREES), "photo")
    goes_to(answer(client, "application", {"kind": "grant", "certificates": "sgc"}), "personal")
    assert "Referee 2" not in page(client, "referees")  # one for a shotgun certificate


def test_a_referee_confirms_from_the_emailed_link_once(app, client, firearms_forces):
    alpha = firearms_forces[0]
    case = apply_for_a_grant(app, client, alpha)
    assert mailbox(app, "robin@example.com") == []  # asked only once the case waits for referees
    staff_fire(app, alpha, case.reference, "accept")
    (email,) = mailbox(app, "robin@example.com")
    assert "Alex Archer" in email.subject
    link = link_in(email, f"/{FORCE}/firearms/referee/")

    referee_browser = app.test_client()
    html = referee_browser.get(link).get_data(as_text=True)
    assert "Alex Archer" in html and 'src="data:image/jpeg;base64,' in html and "1 January 1980" in html
    token = csrf_token(html)
    bad = referee_browser.post(link, data={"csrf_token": token, "action": "confirm", "years_known": "many"})
    assert error_summary(bad) == [
        "Enter a number of years from 0 to 120",
        "Select yes if the photo is a true likeness of the applicant",
        "Confirm the declaration to act as a referee",
    ]
    done = referee_browser.post(
        link,
        data={
            "csrf_token": token,
            "action": "confirm",
            "years_known": "12",
            "photo_likeness": "yes",
            "declaration": "yes",
        },
    )
    assert "Thank you for confirming" in done.get_data(as_text=True)
    with app.app_context(), tenant_context(alpha):
        robin = db.session.scalars(db.select(Referee).filter_by(email="robin@example.com")).one()
        assert robin.has_confirmed and robin.referee_years_known == 12
        assert robin.years_known == 5 and robin.years_conflict  # the applicant's answer is kept beside theirs
    again = referee_browser.get(link)
    assert again.status_code == 410 and "This link no longer works" in again.get_data(as_text=True)
    assert referee_browser.post(link, data={"csrf_token": token, "action": "decline"}).status_code == 410

    sam_link = link_in(mailbox(app, "sam@example.com")[0], f"/{FORCE}/firearms/referee/")
    html = app.test_client().get(sam_link).get_data(as_text=True)
    declined = app.test_client()
    declined.get(sam_link)
    asked = submit(declined, sam_link, {"action": "decline"}).get_data(as_text=True)
    assert "Are you sure you cannot act as a referee?" in asked  # one click declines nothing
    with app.app_context(), tenant_context(alpha):
        assert db.session.scalars(db.select(Referee).filter_by(email="sam@example.com")).one().declined_at is None
    done = submit(declined, sam_link, {"action": "decline-confirmed"}).get_data(as_text=True)
    assert "You have declined" in done
    with app.app_context(), tenant_context(alpha):
        sam = db.session.scalars(db.select(Referee).filter_by(email="sam@example.com")).one()
        assert sam.declined_at is not None and not sam.has_confirmed
    assert app.test_client().get(link.replace(f"/{FORCE}/", "/bravo/")).status_code == 410  # another force's


# -- after submission: the home visit -----------------------------------------------------------


def test_the_applicant_chooses_a_home_visit_time_when_the_case_reaches_that_stage(app, client, firearms_forces):
    alpha = firearms_forces[0]
    case = apply_for_a_grant(app, client, alpha)
    visit_page = f"/{FORCE}/firearms/cases/{case.reference}/visit"
    assert client.get(visit_page).headers["Location"].endswith(f"/firearms/cases/{case.reference}")
    with app.app_context(), tenant_context(alpha):
        found = db.session.scalars(db.select(Case).filter_by(id=case.id)).one()
        found.state = "visit_to_arrange"  # as if referees, GP and checks were done (tested in test_case_flow)
        starts = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=3)
        (slot,) = create_slots("firearms", [SlotSpec("visit", starts, starts + timedelta(hours=2), 1)])
        slot_id = slot.id
        from frontcounter_firearms.public_visits import ask_to_choose_visit

        ask_to_choose_visit(found)
        db.session.commit()
    email = [m for m in mailbox(app, "alex@example.com") if "choose a home visit time" in m.subject][-1]
    link = link_in(email, f"/{FORCE}/firearms/cases/")
    phone = app.test_client()  # the applicant opens the emailed link on another device
    assert "Choose a time for your home visit" in phone.get(link).get_data(as_text=True)
    assert error_summary(submit(phone, visit_page, {})) == ["Select a time"]
    held = submit(phone, visit_page, {"slot_id": str(slot_id)})
    assert held.headers["Location"].endswith("/visit/confirm")
    booked = submit(phone, f"{visit_page}/confirm", {}, follow=True).get_data(as_text=True)
    assert "Your home visit is booked" in booked and "Home visit booked" in booked
    assert the_case(app, alpha).state == "visit_booked"


def test_a_change_from_check_your_answers_comes_back_there_by_way_of_any_page_it_affects(app, client, firearms_forces):
    as_guest(client)
    fill_in(client, application={"kind": "grant", "certificates": "fac"})
    changed = submit(client, f"{APPLY}/application?change=1", {"kind": "grant", "certificates": "sgc"})
    assert changed.headers["Location"].endswith(f"{APPLY}/check")
    again = client.get(f"{APPLY}/check")  # a shotgun certificate alone needs one referee, not two
    assert again.headers["Location"].endswith(f"{APPLY}/referees?change=1")
    one = referee(0, "Robin Reed", "robin@example.com")
    assert submit(client, f"{APPLY}/referees?change=1", one).headers["Location"].endswith(f"{APPLY}/check")
    check = client.get(f"{APPLY}/check").get_data(as_text=True)
    assert "£194.00" in check and "Alphaton Rifle Club" not in check and "Sam Smith" not in check
    send(client)
    case = the_case(app, firearms_forces[0])
    assert "firearms" not in case.data and case.data["application"]["certificates"] == ["sgc"]


def test_a_guest_cannot_have_endless_links_emailed(app, client, firearms_forces):
    as_guest(client)
    goes_to(answer(client, "application", {"kind": "grant", "certificates": "sgc"}), "personal")
    for _attempt in range(5):
        assert "We have emailed a link" in submit(client, f"{APPLY}/save", {"email": "x@example.com"}).get_data(
            as_text=True
        )
    refused = submit(client, f"{APPLY}/save", {"email": "x@example.com"})
    assert error_summary(refused) == [
        "We have already sent you several links today. Use one of them, or try again tomorrow."
    ]
    assert len(mailbox(app, "x@example.com")) == 5
