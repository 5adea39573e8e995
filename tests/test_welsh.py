"""Welsh: the force's own Welsh name and area on Welsh pages, and every email about a case in the language
the applicant used, whatever language the page that triggers it is in."""

from __future__ import annotations

import re

from frontcounter.cases.models import Case
from frontcounter.extensions import db
from frontcounter.tenancy import Tenant, tenant_context

from tests.conftest import mailbox, make_force
from tests.test_payments import apply_for_permit, pay


def welsh_force(app):
    with app.app_context():
        ref = make_force("gwent", "GWE", {"sample": True}, name="Gwent Police", area="Newport and Torfaen",
                         languages=["en", "cy"])
        tenant = db.session.get(Tenant, ref.id)
        tenant.name_cy, tenant.area_cy = "Heddlu Gwent", "Casnewydd a Thorfaen"
        db.session.commit()
        return tenant.snapshot()


def test_welsh_pages_show_the_forces_welsh_name_and_area(app, client):
    welsh_force(app)
    english = client.get("/gwent/").get_data(as_text=True)
    assert "Gwent Police online services" in english and "Newport and Torfaen" in english
    client.get("/language/cy?next=/gwent/")
    welsh = client.get("/gwent/").get_data(as_text=True)
    assert "Heddlu Gwent" in welsh and "Casnewydd a Thorfaen" in welsh
    assert "Gwent Police" not in re.sub(r"<style.*?</style>", "", welsh, flags=re.S)
    national = client.get("/").get_data(as_text=True)
    assert "Heddlu Gwent" in national and "Casnewydd a Thorfaen" in national
    assert "Heddlu Gwent" in client.get("/", query_string={"q": "heddlu"}).get_data(as_text=True)


def test_the_language_switch_is_outside_the_collapsible_menu(app, client):
    welsh_force(app)
    page = client.get("/gwent/").get_data(as_text=True)
    navigation = page.split('class="govuk-service-navigation"')[1].split("</section>")[0]
    assert "Cymraeg" not in navigation
    assert re.search(r'<nav class="fc-language-switch"[^>]*>.*?lang="cy">Cymraeg</a>', page,
                     re.S)


def test_the_force_name_is_one_link_in_the_header(app, client):
    welsh_force(app)
    page = client.get("/gwent/").get_data(as_text=True)
    header = page.split("</header>")[0]
    assert len(re.findall(r'<a [^>]*href="/gwent/"', header)) == 1


def test_emails_about_a_case_stay_in_the_language_it_was_made_in(app, client):
    gwent = welsh_force(app)
    client.get("/language/cy?next=/gwent/")
    reference = apply_for_permit(client, force="gwent", email="cymraeg@example.com")
    with app.app_context(), tenant_context(gwent):
        assert db.session.scalar(db.select(Case.language).filter_by(reference=reference)) == "cy"
    client.get("/language/en?next=/gwent/")  # the browser is in English when the payment is made
    pay(client, reference, force="gwent")
    receipts = [m for m in mailbox(app, "cymraeg@example.com") if "£" in m.subject]
    assert [m.subject for m in receipts] == [f"Taliad wedi dod i law: £25.00 ar gyfer {reference}"]
    assert "Heddlu Gwent" in receipts[0].text_body


def test_a_case_made_in_english_gets_english_emails(app, client):
    welsh_force(app)
    reference = apply_for_permit(client, force="gwent", email="english@example.com")
    client.get("/language/cy?next=/gwent/")
    pay(client, reference, force="gwent")
    receipts = [m for m in mailbox(app, "english@example.com") if "£" in m.subject]
    assert [m.subject for m in receipts] == [f"Payment received: £25.00 for {reference}"]


def test_welsh_hidden_error_prefix_and_password_button(app, client):
    welsh_force(app)
    client.get("/language/cy?next=/gwent/")
    page = client.get("/account/sign-up").get_data(as_text=True)
    assert ">Dangos<" in page or "Dangos" in page.split('govuk-password-input__toggle')[1][:300]
    from tests.conftest import csrf_token

    response = client.post("/gwent/track", data={"reference": "", "email": "", "csrf_token": csrf_token(page)})
    assert '<span class="govuk-visually-hidden">Gwall:</span>' in response.get_data(as_text=True)


def test_document_kinds_are_named_in_the_page_language_including_a_services_own(app):
    from frontcounter.documents.views import document_kind
    from frontcounter.web.i18n import in_language

    with app.test_request_context("/"):
        with in_language("cy"):
            assert document_kind("photo") == "Llun"
            # a kind a service declares (Service.document_kinds), in its own catalogue
            assert document_kind("gp-information") == "Gwybodaeth feddygol gan eich meddyg teulu"
        assert document_kind("gp-information") == "Medical information from your GP"
        assert document_kind("something-else") == "Something else"


def test_gov_uk_component_texts_are_welsh_on_welsh_pages(app):
    from flask import render_template_string
    from frontcounter.web.i18n import in_language

    source = (
        '{% from "govuk_frontend_jinja/components/warning-text/macro.html" import govukWarningText %}'
        '{% from "govuk_frontend_jinja/components/pagination/macro.html" import govukPagination %}'
        '{{ govukWarningText({"text": "x"}) }}'
        '{{ govukPagination({"previous": {"href": "/p1"}, "next": {"href": "/p3"},'
        ' "items": [{"number": 2, "href": "/p2"}]}) }}'
    )
    with app.test_request_context("/"), in_language("cy"):
        page = render_template_string(source)
    assert "Rhybudd" in page and "Blaenorol" in page and "Nesaf" in page and 'aria-label="Tudalen 2"' in page
