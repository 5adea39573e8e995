"""Staff see everything the applicant gave: every field of every question page (walked from the form's
schemas, so a new field is covered) on the staff case page and the officer's visit view, as markup."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from html import escape

import pytest
from frontcounter.cases.models import Case
from frontcounter.extensions import db
from frontcounter.tenancy import tenant_context
from frontcounter_firearms import staff_answers
from frontcounter_firearms.public_pages import QUESTIONS
from marshmallow import fields

from plugins.firearms.tests import test_public_journey as journey
from plugins.firearms.tests.test_referee_replacement import signed_in


@pytest.fixture
def client(app):
    """A browser without an account (its own cookies)."""
    return app.test_client()


def every_field(schema, prefix: str = ""):
    """Each field of a schema and the schemas it nests, as 'name' or 'outer.inner'."""
    for name, field in staff_answers.declared(schema).items():
        yield prefix + name
        inner = field.inner if isinstance(field, fields.List) else field
        if isinstance(inner, fields.Nested) and staff_answers.nested_schema(inner) is not staff_answers.AddressSchema:
            yield from every_field(staff_answers.nested_schema(inner), f"{prefix}{name}.")


def test_every_question_on_the_form_has_a_label_for_staff():
    missing = [
        f"{page}.{path}"
        for page in QUESTIONS
        for path in every_field(staff_answers.schema_of(page))
        if path.rsplit(".", 1)[-1] not in staff_answers.LABELS
    ]
    assert missing == []


def expected_rows(schema, answers, path):
    """(data-answer path, text shown) for every answer the applicant gave on a page, from the schema."""
    for name, field in staff_answers.declared(schema).items():
        value = answers.get(name)
        inner = field.inner if isinstance(field, fields.List) else field
        nested = (
            isinstance(inner, fields.Nested) and staff_answers.nested_schema(inner) is not staff_answers.AddressSchema
        )
        if nested and isinstance(field, fields.List):
            for i, item in enumerate(value or []):
                yield from expected_rows(staff_answers.nested_schema(field), item, f"{path}.{name}.{i}")
        elif nested:
            yield from expected_rows(staff_answers.nested_schema(field), value or {}, f"{path}.{name}")
        else:
            yield f"{path}.{name}", staff_answers.show(name, field, value)


def full_application(app, client, alpha, monkeypatch) -> Case:
    monkeypatch.setitem(journey.PERSONAL, "previous_names", "Alex Bowman")
    monkeypatch.setitem(journey.PERSONAL, "work_address", "Home Farm, Alphaton")
    monkeypatch.setitem(journey.FIREARMS, "firearms-0-reason", "deer_stalking")
    monkeypatch.setitem(journey.FIREARMS, "firearms-0-land_details", "Low Wood estate, by written permission")
    return journey.apply_for_a_grant(app, client, alpha)


def test_the_staff_case_page_shows_every_answer_the_applicant_gave(app, client, firearms_forces, monkeypatch):
    alpha = firearms_forces[0]
    case = full_application(app, client, alpha, monkeypatch)
    html = signed_in(app, alpha).get(f"/{journey.FORCE}/staff/firearms/cases/{case.reference}").get_data(as_text=True)
    with app.test_request_context():
        rows = [
            row
            for page in QUESTIONS
            if page in case.data
            for row in expected_rows(staff_answers.schema_of(page), case.data[page], page)
        ]
    assert len(rows) > 60
    missing = [(path, text) for path, text in rows if f'data-answer="{path}">{escape(text)}<' not in html]
    assert missing == []
    for given in (
        "180",
        "British",
        "Alex Bowman",
        "Alphaton Surgery",
        "3 Surgery Lane",
        "01632 960 002",
        "Low Wood estate, by written permission",
        "500",
        "200",
        "1 January 1980",
    ):
        assert given in html, given
    assert 'data-answer="gp.consent_to_contact_gp">Yes<' in html
    assert 'data-answer="security.alarm">Yes<' in html
    assert 'data-answer="security.ammunition_stored_separately">Yes<' in html
    assert '<strong id="case-state">' in html and "&lt;strong" not in html  # markup, not text


def test_the_officer_s_visit_view_shows_the_answers_and_a_real_phone_link(app, client, firearms_forces, monkeypatch):
    from frontcounter_firearms import visits

    alpha = firearms_forces[0]
    case = full_application(app, client, alpha, monkeypatch)
    with app.app_context(), tenant_context(alpha):
        found = db.session.scalars(db.select(Case).filter_by(id=case.id)).one()
        found.state = "visit_to_arrange"  # referees, GP and checks are covered elsewhere
        visits.arrange_visit(found, datetime.now(UTC) + timedelta(days=2), None, actor="test", as_system=True)
        db.session.commit()
    officer = signed_in(app, alpha, "fo@alpha.example", ("field_officer",))
    html = officer.get(f"/{journey.FORCE}/staff/firearms/visits/{case.reference}").get_data(as_text=True)
    assert '<a class="govuk-link" href="tel:01632960001">01632 960 001</a>' in html
    assert "&lt;a " not in html
    assert 'data-answer="personal.height_cm">180<' in html
    assert 'data-answer="firearms.firearms.0.land_details">Low Wood estate' in html


@pytest.mark.parametrize(
    ("kind", "english", "welsh"),
    [
        ("gp-information", "Medical information from your GP", "Gwybodaeth feddygol gan eich meddyg teulu"),
        ("refusal-letter", "Refusal letter", "Llythyr gwrthod"),
        ("visit-photo", "Home visit photo", "Llun o'r ymweliad cartref"),
    ],
)
def test_firearms_document_types_are_named_in_the_page_s_language(app, kind, english, welsh):
    from flask_babel import force_locale
    from frontcounter.documents.views import document_kind

    with app.test_request_context():
        assert document_kind(kind) == english
        with force_locale("cy"):
            assert document_kind(kind) == welsh
