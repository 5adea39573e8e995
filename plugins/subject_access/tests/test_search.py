"""Searching: every service (a third-party plugin's too) answers through the person_data hook; force systems
are ticked with who, when and what was found."""

from __future__ import annotations

from io import BytesIO

import pytest
from frontcounter.extensions import db
from frontcounter.plugins.manager import registry
from frontcounter.tenancy import tenant_context
from frontcounter_subject_access.models import SarItem, SarSystemSearch

from . import third_party_plugin
from .support import act, case_url, make_request, pdf_with, staff, upload_id


@pytest.fixture
def third_party(app):
    """The test plugin registered with the app's plugin manager, as an installed plugin would be."""
    with app.app_context():
        pm = registry().pm
        pm.register(third_party_plugin, name="dog_licences_test")
    yield
    with app.app_context():
        registry().pm.unregister(name="dog_licences_test")


def _searching(app, client, force):
    reference = make_request(client)
    upload_id(client, reference)
    worker = staff(app, force, "case@alpha.police.uk", ["caseworker"])
    act(worker, reference, "identity", {"decision": "accept"})
    return reference, worker


def test_a_third_party_plugins_data_appears_in_the_search(app, client, sar_forces, third_party):
    alpha = sar_forces[0]
    reference, worker = _searching(app, client, alpha)
    assert act(worker, reference, "search", {}).status_code == 302
    page = worker.get(case_url(reference)).get_data(as_text=True)
    assert "DOG-0042" in page and "Lost dog report in Alpha Police" in page and "dog_licences" in page
    with app.app_context(), tenant_context(alpha):
        found = db.session.scalar(db.select(SarItem).filter_by(reference="DOG-0042"))
        assert found.included is None and found.data["dog"] == "Biscuit"  # staff decide: include or discard
        item_id = found.id
    act(worker, reference, "search", {})  # searching again adds nothing twice
    act(worker, reference, f"items/{item_id}/include", {"include": "no"})
    with app.app_context(), tenant_context(alpha):
        assert db.session.scalar(db.select(db.func.count(SarItem.id)).filter_by(reference="DOG-0042")) == 1
        assert db.session.get(SarItem, item_id).included is False


def test_a_request_the_person_made_before_is_found_and_the_current_one_is_not(app, client, sar_forces):
    alpha = sar_forces[0]
    earlier = make_request(app.test_client())
    reference, worker = _searching(app, client, alpha)
    act(worker, reference, "search", {})
    with app.app_context(), tenant_context(alpha):
        refs = set(db.session.scalars(db.select(SarItem.reference)))
    assert earlier in refs and reference not in refs


def test_force_systems_are_ticked_with_who_when_what_and_uploads(app, client, sar_forces):
    alpha = sar_forces[0]
    reference, worker = _searching(app, client, alpha)
    missing = act(worker, reference, "systems", {"system": "Custody system", "found": "yes", "notes": ""})
    assert missing.status_code == 400 and "Say what was found" in missing.get_data(as_text=True)
    unknown = act(worker, reference, "systems", {"system": "Nonsense", "found": "no"})
    assert unknown.status_code == 400
    response = act(worker, reference, "systems",
                   {"system": "Custody system", "found": "yes", "notes": "Custody record 2019",
                    "material": (BytesIO(pdf_with("Custody record for Alex Archer")), "custody.pdf")},
                   content_type="multipart/form-data")
    assert response.status_code == 302
    with app.app_context(), tenant_context(alpha):
        row = db.session.scalar(db.select(SarSystemSearch))
        assert (row.system, row.found, row.searched_by) == ("Custody system", True, "case@alpha.police.uk")
        material = db.session.scalar(db.select(SarItem).filter_by(source="system"))
        assert material.origin == "Custody system" and material.included and material.document_id
    page = worker.get(case_url(reference)).get_data(as_text=True)
    assert "Searched by case@alpha.police.uk" in page and "Custody record 2019" in page
