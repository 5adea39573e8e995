"""The firearms plugin's own webhook event: a grant publishes the certificates it issued, to subscribed endpoints."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from frontcounter.extensions import db
from frontcounter.integrations.webhooks.events import event_types
from frontcounter.integrations.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from frontcounter.tenancy import tenant_context
from frontcounter_firearms.decisions import CERTIFICATES_ISSUED, certificates_of
from frontcounter_firearms.workflow import WORKFLOW

from .support import fire, open_application, to_decision


def test_a_grant_publishes_the_certificates_issued(app, firearms_forces, monkeypatch):
    monkeypatch.setattr(app.extensions["frontcounter.plugins"].services["firearms"], "workflow", WORKFLOW)
    with app.app_context(), tenant_context(firearms_forces[0]):
        assert str(event_types()[CERTIFICATES_ISSUED].label) == "Firearms certificates issued"
        db.session.add(WebhookEndpoint(url="https://records.example.police.uk/hooks", events=[CERTIFICATES_ISSUED],
                                       secret_encrypted="x", created_at=datetime.now(UTC),
                                       disabled_at=datetime.now(UTC)))  # held: nothing leaves the test
        db.session.commit()
        case = open_application()
        to_decision(case)
        fire(case, "grant", roles=("supervisor",))
        (event,) = db.session.scalars(db.select(WebhookEvent).filter_by(type=CERTIFICATES_ISSUED)).all()
        data = json.loads(event.body)["data"]
        assert data["case"]["reference"] == case.reference
        assert [c["number"] for c in data["certificates"]] == [c.number for c in certificates_of(case)]
        assert db.session.scalar(db.select(WebhookDelivery.status)) == "held"
        db.session.rollback()
