"""Retention and disposal: only after the force's retention period, proposed by one member of staff and approved
by a second (a supervisor); proceeds and unclaimed cash go to the force's Police Property Act Fund ledger, which
exports as CSV."""

from __future__ import annotations

import csv
import io

import pytest
from frontcounter.cases.models import Case
from frontcounter.extensions import db
from frontcounter.tenancy import tenant_context
from frontcounter.testing import add_staff, staff_sign_in, submit
from frontcounter_lost_property import disposals
from frontcounter_lost_property.models import Disposal, FoundItem, FundEntry
from frontcounter_lost_property.staff_queries import item_by_reference

from .conftest import add_item


def _disposal_of(app, force, reference, method="sale", proceeds=4000, actor="proposer@alpha.police.uk"):
    with app.app_context(), tenant_context(force):
        item = item_by_reference(reference)
        disposal = disposals.propose(item, method, recipient="Auction house", proceeds_pence=proceeds, note="",
                                     actor=actor)
        db.session.commit()
        return disposal.id


def test_an_item_inside_its_retention_period_cannot_be_listed(app, forces):
    reference = add_item(app, forces[0], received_days_ago=89)  # the default period is 90 days
    with app.app_context(), tenant_context(forces[0]):
        item = item_by_reference(reference)
        with pytest.raises(disposals.DisposalRefused) as refused:
            disposals.propose(item, "sale", recipient="Auction", proceeds_pence=100, note="", actor="a@x")
        assert refused.value.code == "too_early"
        assert [i.id for i in db.session.scalars(disposals.due_query())] == []


def test_the_disposal_list_has_items_past_retention_in_store_only(app, forces):
    old = add_item(app, forces[0], received_days_ago=91)
    add_item(app, forces[0], received_days_ago=30)
    add_item(app, forces[1], received_days_ago=200)  # another force's
    with app.app_context(), tenant_context(forces[0]):
        assert [i.case.reference for i in db.session.scalars(disposals.due_query())] == [old]


def test_the_proposer_cannot_approve_their_own_disposal(app, forces):
    reference = add_item(app, forces[0], received_days_ago=100)
    disposal_id = _disposal_of(app, forces[0], reference)
    with app.app_context(), tenant_context(forces[0]):
        disposal = db.session.get(Disposal, disposal_id)
        with pytest.raises(disposals.DisposalRefused) as refused:
            disposals.approve(disposal, actor="proposer@alpha.police.uk")
        assert refused.value.code == "same_person"


def test_only_a_sale_has_proceeds_and_a_second_proposal_waits(app, forces):
    reference = add_item(app, forces[0], received_days_ago=100)
    with app.app_context(), tenant_context(forces[0]):
        item = item_by_reference(reference)
        with pytest.raises(disposals.DisposalRefused):
            disposals.propose(item, "destruction", recipient="", proceeds_pence=500, note="", actor="a@x")
    _disposal_of(app, forces[0], reference)
    with app.app_context(), tenant_context(forces[0]):
        with pytest.raises(disposals.DisposalRefused) as refused:
            disposals.propose(item_by_reference(reference), "sale", recipient="X", proceeds_pence=1, note="",
                              actor="b@x")
        assert refused.value.code == "duplicate"


def test_a_supervisor_approves_on_the_page_and_the_fund_ledger_records_the_sale(app, forces):
    alpha = forces[0]
    sold = add_item(app, alpha, received_days_ago=100, description="Silver watch")
    cash = add_item(app, alpha, "cash", received_days_ago=120, cash_pence=2550, description="Wallet with cash")
    sale = _disposal_of(app, alpha, sold, proceeds=4000)
    with app.app_context(), tenant_context(alpha):
        item = item_by_reference(cash)
        item.cash_checked_pence, item.cash_checked_by = 2550, "second@alpha.police.uk"
        db.session.commit()
    donation = _disposal_of(app, alpha, cash, method="donation", proceeds=0)

    client = app.test_client()
    add_staff(app, alpha, "sup@alpha.police.uk", ["supervisor"])
    staff_sign_in(client, app, "alpha", "sup@alpha.police.uk")
    page = "/alpha/staff/lost_property/disposals"
    assert "Auction house" in client.get(page).get_data(as_text=True)
    for disposal_id in (sale, donation):
        response = submit(client, f"{page}/{disposal_id}/decide", {"decision": "approve"}, page=page)
        assert response.status_code == 302

    with app.app_context(), tenant_context(alpha):
        assert {c.state for c in db.session.scalars(db.select(Case))} == {"disposed"}
        entries = db.session.scalars(db.select(FundEntry).order_by(FundEntry.id)).all()
        assert [(e.amount_pence, e.recorded_by, e.approved_by) for e in entries] == [
            (4000, "proposer@alpha.police.uk", "sup@alpha.police.uk"),
            (2550, "proposer@alpha.police.uk", "sup@alpha.police.uk"),  # unclaimed cash, whatever the method
        ]
    fund = client.get("/alpha/staff/lost_property/fund").get_data(as_text=True)
    assert "£65.50" in fund
    exported = client.get("/alpha/staff/lost_property/fund.csv")
    rows = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True))))
    assert exported.mimetype == "text/csv"
    assert [r["amount_gbp"] for r in rows] == ["40.00", "25.50"]
    assert rows[0]["property_reference"].startswith("ALP/P/")

    # Bravo's ledger is its own.
    with app.app_context(), tenant_context(forces[1]):
        assert db.session.scalars(db.select(FundEntry)).all() == []


def test_a_caseworker_cannot_approve_and_a_rejected_disposal_keeps_the_item(app, forces):
    alpha = forces[0]
    reference = add_item(app, alpha, received_days_ago=100)
    disposal_id = _disposal_of(app, alpha, reference)
    worker = app.test_client()
    add_staff(app, alpha, "cw@alpha.police.uk", ["caseworker"])
    staff_sign_in(worker, app, "alpha", "cw@alpha.police.uk")
    page = "/alpha/staff/lost_property/disposals"
    assert submit(worker, f"{page}/{disposal_id}/decide", {"decision": "approve"}, page=page).status_code == 403
    sup = app.test_client()
    add_staff(app, alpha, "sup@alpha.police.uk", ["supervisor"])
    staff_sign_in(sup, app, "alpha", "sup@alpha.police.uk")
    response = submit(sup, f"{page}/{disposal_id}/decide", {"decision": ""}, page=page)
    assert response.status_code == 400 and "Select whether to approve" in response.get_data(as_text=True)
    assert submit(sup, f"{page}/{disposal_id}/decide", {"decision": "reject", "note": "Owner phoned"},
                  page=page).status_code == 302
    with app.app_context(), tenant_context(alpha):
        assert db.session.scalar(db.select(FoundItem)).case.state == "received"
        assert db.session.get(Disposal, disposal_id).status == "rejected"
        assert db.session.scalars(db.select(FundEntry)).all() == []


def test_ledger_csv_defuses_spreadsheet_formulas(app, forces):
    from datetime import date

    with app.app_context(), tenant_context(forces[0]):
        db.session.add(FundEntry(entered_on=date(2026, 1, 2), description="=HYPERLINK(1)", amount_pence=1,
                                 recorded_by="a", approved_by="b"))
        db.session.commit()
        assert "'=HYPERLINK(1)" in disposals.ledger_csv()


def test_passports_and_bank_cards_are_sent_on_not_disposed_of(app, forces):
    alpha = forces[0]
    passport = add_item(app, alpha, "id_documents", received_days_ago=100, description="UK passport")
    with app.app_context(), tenant_context(alpha):
        assert list(db.session.scalars(disposals.due_query())) == []
        with pytest.raises(disposals.DisposalRefused) as refused:
            disposals.propose(item_by_reference(passport), "destruction", recipient="", proceeds_pence=0, note="",
                              actor="a@x")
        assert refused.value.code == "send_on"
    client = app.test_client()
    add_staff(app, alpha, "cw@alpha.police.uk", ["caseworker"])
    staff_sign_in(client, app, "alpha", "cw@alpha.police.uk")
    url = f"/alpha/staff/lost_property/items/{passport}"
    assert submit(client, f"{url}/send-on", {}, page=url).status_code == 302
    with app.app_context(), tenant_context(alpha):
        item = item_by_reference(passport)
        assert item.case.state == "sent_on" and item.sent_to == "HM Passport Office or the issuing authority"


def test_a_waiting_disposal_takes_the_item_off_the_due_list(app, forces):
    reference = add_item(app, forces[0], received_days_ago=100)
    _disposal_of(app, forces[0], reference)
    with app.app_context(), tenant_context(forces[0]):
        assert list(db.session.scalars(disposals.due_query())) == []
