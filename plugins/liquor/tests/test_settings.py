"""The force's settings: the authority list comes from tenants/ and survives the settings form; the objection
window follows the setting; fee collection through the core payments when a force switches it on."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from frontcounter.extensions import db
from frontcounter.tenancy import tenant_context
from frontcounter.tenancy.loader import read_tenant_files
from frontcounter.tenancy.services import service_settings
from frontcounter.testing import add_staff, staff_sign_in, submit
from frontcounter_liquor.authorities import authority_for

from plugins.liquor.tests.conftest import ALPHA_AUTHORITIES, set_settings
from plugins.liquor.tests.support import give

ROOT = Path(__file__).resolve().parents[3]


def test_dorset_and_hampshire_list_their_licensing_authorities(app):
    files = {f["slug"]: f for f in read_tenant_files(ROOT / "tenants")}
    service = app.extensions["frontcounter.plugins"].services["liquor"]
    expected = {"dorset": ("BH23 1AA", "Bournemouth, Christchurch and Poole Council"),
                "hampshire": ("PO30 1UD", "Isle of Wight Council")}
    for slug, (postcode, name) in expected.items():
        settings = service.validate_settings(files[slug]["services"]["liquor"]["settings"])
        assert authority_for(postcode, settings).name == name
        assert settings["licensing_team_email"].endswith(".police.uk")


def test_the_longest_postcode_match_wins(ctx, forces):
    settings = {"authorities": [*ALPHA_AUTHORITIES, {"key": "x", "name": "Bay", "email": "b@x.example",
                                                     "postcodes": ["DT4"]}]}
    assert authority_for("DT4 7AA", settings).name == "Bay"
    assert authority_for("DT1 1XJ", settings).name == "County Council"
    assert authority_for("SO14 7LY", settings) is None


def test_saving_the_settings_form_keeps_the_authorities(app, forces):
    add_staff(app, forces[0], "admin@alpha.police.example", ["force_admin"])
    client = app.test_client()
    staff_sign_in(client, app, "alpha", "admin@alpha.police.example")
    page = client.get("/alpha/staff/admin/services/liquor").get_data(as_text=True)
    assert 'name="authorities"' not in page
    response = submit(client, "/alpha/staff/admin/services/liquor", {
        "enabled": "yes", "ten_objection_working_days": "4", "premises_representation_days": "28",
        "personal_licence_objection_days": "14", "licensing_team_email": "", "fee_pence": "2100"})
    assert response.status_code == 302
    with app.app_context(), tenant_context(forces[0]):
        settings = service_settings("liquor")
        assert settings["ten_objection_working_days"] == 4 and len(settings["authorities"]) == 2


def test_the_window_follows_the_force_setting(ctx, forces):
    set_settings(forces[0], ten_objection_working_days=5)
    reference = give(forces[0], date(2026, 11, 2), date(2026, 11, 27))
    from frontcounter.cases.models import Case
    from frontcounter_liquor.models import EventNotice

    with tenant_context(forces[0]):
        notice = db.session.scalar(db.select(EventNotice).join(Case, Case.id == EventNotice.case_id)
                                   .where(Case.reference == reference))
        assert notice.objection_due == date(2026, 11, 9)


def test_a_force_that_collects_the_fee_offers_to_take_it(app, forces):
    from frontcounter.calendar import uk_today
    from frontcounter.testing import csrf_token

    from plugins.liquor.tests.support import CAL, form_values

    with app.app_context():
        set_settings(forces[0], collect_fee=True)
    client = app.test_client()
    submit(client, "/alpha/start/liquor", {"how": "guest"})
    submit(client, "/alpha/liquor/notice", form_values(CAL.add_working_days(uk_today(), 20)))
    page = client.get("/alpha/liquor/notice/check").get_data(as_text=True)
    sent = client.post("/alpha/liquor/notice/check", data={"csrf_token": csrf_token(page)}, follow_redirects=True)
    html = sent.get_data(as_text=True)
    assert "Pay the fee now" in html
    reference = sent.request.path.rsplit("/", 1)[1]
    response = client.post(f"/alpha/liquor/cases/{reference}/pay", data={"csrf_token": csrf_token(html)})
    assert response.status_code == 302 and "/payments/" in response.headers["Location"]
