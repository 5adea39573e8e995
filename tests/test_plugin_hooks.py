"""Each hook does what docs/plugin-hooks.md says, shown through the sample third-party plugin."""

from __future__ import annotations

from frontcounter.checks import CheckStatus
from frontcounter.cli import command_line
from frontcounter.extensions import db
from frontcounter.tenancy import TenantService, tenant_context
from frontcounter.tenancy.services import tenant_hooks
from frontcounter.testing import add_staff, api_token, make_force, run_jobs, staff_sign_in, submit
from frontcounter_sample import hooks as sample_hooks


def test_register_commands_adds_the_plugins_command_to_the_cli(app, client, forces):
    submit(client, "/alpha/sample/apply", {"holder": "Ann", "email": "ann@example.com"}, page="/alpha/sample/")
    runner = app.test_cli_runner()
    result = runner.invoke(command_line(), ["sample", "permits", "alpha"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "1"
    assert runner.invoke(command_line(), ["sample", "permits", "bravo"]).output.strip() == "0"
    assert "No force 'nowhere'" in runner.invoke(command_line(), ["sample", "permits", "nowhere"]).output


def test_register_api_documents_the_plugins_endpoint_behind_a_force_token(app, client, forces):
    spec = client.get("/api/openapi.json").get_json()
    assert spec["paths"]["/api/v1/sample/permits"]["get"]["security"] == [{"ForceToken": []}]
    assert client.get("/api/v1/sample/permits").status_code == 401
    submit(client, "/alpha/sample/apply", {"holder": "Ann", "email": "ann@example.com"}, page="/alpha/sample/")
    alpha = {"Authorization": f"Bearer {api_token(app, forces[0])}"}
    bravo = {"Authorization": f"Bearer {api_token(app, forces[1])}"}
    assert client.get("/api/v1/sample/permits", headers=alpha).get_json() == {"permits": 1}
    assert client.get("/api/v1/sample/permits", headers=bravo).get_json() == {"permits": 0}


def test_tenant_settings_changed_is_called_when_a_force_admin_saves_settings(app, client, forces):
    add_staff(app, forces[0], "admin@alpha.police.uk", ["force_admin"])
    staff_sign_in(client, app, "alpha", "admin@alpha.police.uk")
    sample_hooks.CALLS.clear()
    response = submit(client, "/alpha/staff/admin/services/sample", {"enabled": "y", "permit_fee_pence": "30.00",
                                                                     "max_permits": "3"})
    assert response.status_code == 302, response.get_data(as_text=True)[:1000]
    assert ("tenant_settings_changed", "alpha:sample") in sample_hooks.CALLS


def test_person_checks_offers_adapters_only_where_the_plugin_is_switched_on(app, forces):
    with app.app_context():
        charlie = make_force("charlie", "CHA", {"sample": False})
    with app.app_context(), tenant_context(forces[0]) as alpha:
        adapters = [a for group in tenant_hooks().person_checks(tenant=alpha) for a in group or []]
        names = [a.name for a in adapters]
        assert "sample-register" in names
        sample = adapters[names.index("sample-register")]
        assert sample.check({"surname": "Flagged"}).status == CheckStatus.FLAGGED
        assert sample.check({"surname": "Smith"}).status == CheckStatus.CLEAR
    with app.app_context(), tenant_context(charlie) as ref:
        assert db.session.scalar(db.select(TenantService.enabled).filter_by(service_key="sample")) is False
        groups = tenant_hooks().person_checks(tenant=ref)
        assert "sample-register" not in [a.name for group in groups for a in group or []]


def test_webhook_event_types_are_offered_only_where_the_plugin_is_switched_on(app, forces):
    from frontcounter.integrations.webhooks.events import event_types

    with app.app_context():
        charlie = make_force("charlie", "CHA", {"sample": False})
    with app.app_context(), tenant_context(forces[0]):
        types = event_types()
        assert types["sample.permit_printed"].label == "Parking permit printed"
        assert {"case.created", "case.transitioned", "payment.succeeded", "payment.refunded",
                "booking.changed"} <= set(types)
    with app.app_context(), tenant_context(charlie):
        assert "sample.permit_printed" not in event_types() and "case.created" in event_types()


def test_register_records_adapters_adds_an_adapter_a_force_can_choose(app, forces):
    from frontcounter.cases import engine
    from frontcounter.integrations.records.adapter import records_adapters
    from frontcounter.integrations.records.models import RecordsSetting

    with app.app_context():
        assert {"file_drop", "sample_memory"} <= set(records_adapters())
    sample_hooks.PUSHED.clear()
    with app.app_context(), tenant_context(forces[0]):
        db.session.add(RecordsSetting(adapter="sample_memory", options={"system": "test"}))
        db.session.commit()
        case = engine.open_case("sample", applicant_email="ann@example.com", actor="test", language="en")
        db.session.commit()
        reference = case.reference
    run_jobs(app)
    (pushed,) = sample_hooks.PUSHED
    assert pushed["pushed_for"] == "alpha" == pushed["force"]["slug"] and pushed["options"] == {"system": "test"}
    assert pushed["case"]["reference"] == reference and pushed["history"][0]["transition"] == "opened"
