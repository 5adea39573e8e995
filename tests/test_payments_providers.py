"""Payment providers come from the register_payment_providers hook (the core's own too), and each force
chooses one in its tenant file; its secrets stay in the environment, per force."""

from __future__ import annotations

from typing import ClassVar

import pytest
from frontcounter.cli import cli
from frontcounter.extensions import db
from frontcounter.payments.models import Payment, PaymentState, RefundState
from frontcounter.payments.providers import PaymentProvider, ProviderError, RefundResult, Started, Truth
from frontcounter.payments.providers.registry import provider_for_new_payment
from frontcounter.payments.settings import force_secret
from frontcounter.plugins import hookimpl
from frontcounter.tenancy import Tenant, tenant_context

from tests.conftest import csrf_token
from tests.test_payments import apply_for_permit, come_back, press_pay, rows, the_case
from tests.test_payments_govuk_pay import choose_provider


class CounterTill(PaymentProvider):
    """A third-party provider: the force's own till, which takes the money at once (no outside page)."""

    name: ClassVar[str] = "counter_till"

    def __init__(self, key: str) -> None:
        self.key = key

    @classmethod
    def for_tenant(cls, tenant):
        key = force_secret("COUNTER_TILL_KEY", tenant)
        if not key:
            raise ProviderError("The till is not configured for this force.")
        return cls(key)

    def start(self, payment, return_url):
        return Started(f"till-{payment.public_id}", return_url)

    def fetch(self, payment):
        return Truth(payment.provider_ref, PaymentState.SUCCESS, payment.amount_pence)

    def refund(self, payment, refund):
        return RefundResult(f"till-refund-{refund.id}", RefundState.SUCCESS)


class TillPlugin:
    @hookimpl
    def register_payment_providers(self):
        return [CounterTill]


@pytest.fixture
def till(app):
    """The till plugin installed for this test only."""
    registry = app.extensions["frontcounter.plugins"]
    plugin = TillPlugin()
    registry.pm.register(plugin, name="till")
    registry._payment_providers = None
    yield registry
    registry.pm.unregister(plugin)
    registry._payment_providers = None


def test_the_core_registers_its_providers_through_the_hook_like_any_plugin(app):
    registry = app.extensions["frontcounter.plugins"]
    providers = registry.payment_providers()
    assert {"sandbox", "stripe", "govuk_pay"} <= set(providers)
    callers = {impl.plugin_name for impl in registry.pm.hook.register_payment_providers.get_hookimpls()}
    assert "frontcounter.payments" in callers
    assert "frontcounter.payments" not in {p["name"] for p in registry.plugins()}  # not a plugin to list


def test_a_plugins_provider_is_chosen_by_a_force_and_pays_with_its_own_secret(app, client, forces, till, monkeypatch):
    alpha = forces[0]
    choose_provider(app, "alpha", provider="counter_till")
    reference = apply_for_permit(client)
    page = client.get(f"/alpha/sample/case/{reference}/pay").get_data(as_text=True)
    refused = client.post(f"/alpha/sample/case/{reference}/pay", data={"csrf_token": csrf_token(page)})
    assert refused.status_code == 302  # no COUNTER_TILL_KEY yet: refused, nothing written
    assert rows(app, alpha, Payment) == []

    monkeypatch.setitem(app.config, "COUNTER_TILL_KEY_ALPHA", "till-secret")
    back = press_pay(client, reference)
    assert "Payment received" in come_back(client, back)
    [payment] = rows(app, alpha, Payment)
    assert (payment.provider, payment.state) == ("counter_till", "success")
    assert the_case(app, alpha, reference).state == "submitted"


def test_two_plugins_may_not_register_the_same_provider_name(app, till):
    class Impostor:
        @hookimpl
        def register_payment_providers(self):
            class Fake(CounterTill):
                pass

            return [Fake]

    impostor = Impostor()
    till.pm.register(impostor, name="impostor")
    till._payment_providers = None
    try:
        with pytest.raises(ValueError, match="counter_till"):
            till.payment_providers()
    finally:
        till.pm.unregister(impostor)


def test_without_a_choice_the_default_rules_apply_and_an_unknown_choice_is_refused(app, forces, monkeypatch):
    with app.app_context():
        with tenant_context(forces[0]):
            assert provider_for_new_payment().name == "sandbox"
            monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY_ALPHA", "sk_test_alpha")
            assert provider_for_new_payment().name == "stripe"
        alpha = db.session.scalar(db.select(Tenant).filter_by(slug="alpha"))
        alpha.payments = {"provider": "govuk_pay"}
        db.session.commit()
        with tenant_context(alpha), pytest.raises(ProviderError, match=r"GOV\.UK Pay is not configured"):
            provider_for_new_payment()
        alpha.payments = {"provider": "nobody"}
        with tenant_context(alpha), pytest.raises(ProviderError, match="Unknown payment provider"):
            provider_for_new_payment()
        monkeypatch.setitem(app.config, "PAYMENTS_SANDBOX", False)
        alpha.payments = {}
        monkeypatch.delitem(app.config, "STRIPE_SECRET_KEY_ALPHA")
        with tenant_context(alpha), pytest.raises(ProviderError, match="No payment provider"):
            provider_for_new_payment()
        db.session.rollback()


def test_the_tenant_file_chooses_the_provider_and_expiry_and_warns_about_an_unknown_one(app, tmp_path):
    (tmp_path / "november.toml").write_text(
        'slug = "november"\nname = "November Police"\ncode = "NOV"\n'
        '[payments]\nprovider = "govuk_pay"\nexpiry_minutes = 60\n'
    )
    result = app.test_cli_runner().invoke(cli, ["tenants", "apply", "--dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        tenant = db.session.scalar(db.select(Tenant).filter_by(slug="november"))
        assert tenant.snapshot().payments == {"provider": "govuk_pay", "expiry_minutes": 60}
    (tmp_path / "november.toml").write_text(
        'slug = "november"\nname = "November Police"\ncode = "NOV"\n[payments]\nprovider = "paypalish"\n'
    )
    result = app.test_cli_runner().invoke(cli, ["tenants", "apply", "--dir", str(tmp_path)])
    assert "payment provider 'paypalish' is not installed" in result.output
    (tmp_path / "november.toml").write_text(
        'slug = "november"\nname = "November Police"\ncode = "NOV"\n[payments]\nexpiry_minutes = 1\n'
    )
    result = app.test_cli_runner().invoke(cli, ["tenants", "apply", "--dir", str(tmp_path)])
    assert result.exit_code != 0 and "expiry_minutes" in result.output
