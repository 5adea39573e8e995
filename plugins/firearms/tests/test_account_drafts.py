"""A signed-in applicant's unsent firearms applications appear on their account page (the account_drafts hook),
and a draft keeps the language it was started in for the case made from it."""

from __future__ import annotations

from frontcounter.extensions import db
from frontcounter.tenancy import tenant_context
from frontcounter.testing import PASSWORD, public_account, submit
from frontcounter_firearms.drafts import Draft


def test_the_account_page_lists_unsent_applications_in_every_force(app, firearms_forces):
    alpha, bravo = firearms_forces
    client = app.test_client()
    account_id = public_account(app, "dana@example.com")
    other_id = public_account(app, "other@example.com")
    for force, owner in ((alpha, account_id), (bravo, account_id), (alpha, other_id)):
        with app.app_context(), tenant_context(force):
            db.session.add(Draft(account_id=owner, email="x@example.com", data={}))
            db.session.commit()
    submit(client, "/account/sign-in", {"email": "dana@example.com", "password": PASSWORD})
    page = client.get("/account/").get_data(as_text=True)
    drafts = page.split('id="account-drafts"')[1].split("</ul>")[0]
    assert drafts.count("Continue your application: Firearm and shotgun certificates") == 2
    assert 'href="/alpha/firearms/apply"' in drafts and 'href="/bravo/firearms/apply"' in drafts


def test_a_draft_started_in_welsh_remembers_it(app, firearms_forces):
    client = app.test_client()
    client.get("/language/cy?next=/")
    with app.app_context():
        from frontcounter.tenancy import Tenant

        db.session.get(Tenant, firearms_forces[0].id).languages = ["en", "cy"]
        db.session.commit()
    client.post("/alpha/start/firearms", data={"how": "guest", "csrf_token": _token(client)})
    client.get("/alpha/firearms/apply")
    with app.app_context(), tenant_context(firearms_forces[0]):
        assert [d.data.get("language") for d in db.session.scalars(db.select(Draft))] == ["cy"]


def _token(client) -> str:
    from frontcounter.testing import csrf_token

    return csrf_token(client.get("/alpha/start/firearms").get_data(as_text=True))
