"""Charges and statements: the ledger, prices from their day, the joining fee once, credits, immutability,
tenant scoping, CSV and PDF, the statements API and the sweeper."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from frontcounter.appendonly import AppendOnlyError
from frontcounter.billing import statements
from frontcounter.billing.ledger import record_transaction
from frontcounter.billing.models import PlatformCharge, Price, Statement, StatementLine
from frontcounter.billing.onboarding import OnboardingRefused, record_dates
from frontcounter.billing.prices import PriceRefused, price_on, set_price, vat_on
from frontcounter.extensions import db
from frontcounter.tenancy import Tenant, tenant_context

MARCH = date(2026, 3, 1)  # British Summer Time starts on 29 March 2026: the month ends at 23:00 UTC
JOINING_FEE = 500_000
ROOT = "root@platform.example.com"


def _tenant(force) -> Tenant:
    return db.session.get(Tenant, force.id)


def _charge(force, when: datetime, n: int, kind: str = "paid_application") -> None:
    with tenant_context(force):
        record_transaction(kind, "sample", f"test:{n}", when=when)


def _march_of_transactions(app, alpha) -> None:
    """11 transactions at the default 99p before the new 1.50 price starts on 15 March, 5 after, one refund,
    and transactions just outside the month on both sides (a London midnight, in GMT and in BST)."""
    with app.app_context():
        db.session.add(Price(service_key="sample", net_pence=150, vat_basis_points=2000,
                             effective_from=date(2026, 3, 15), set_by="root@platform.example.com"))
        db.session.commit()
        for n in range(10):
            _charge(alpha, datetime(2026, 3, 1 + n, 10, 0, tzinfo=UTC), n)
        _charge(alpha, datetime(2026, 3, 14, 23, 30, tzinfo=UTC), 10)  # 14 March in London: old price
        for n in range(4):
            _charge(alpha, datetime(2026, 3, 15, 0, 10 + n, tzinfo=UTC), 11 + n)
        _charge(alpha, datetime(2026, 3, 31, 22, 30, tzinfo=UTC), 15)  # 23:30 BST on 31 March
        _charge(alpha, datetime(2026, 2, 28, 23, 59, tzinfo=UTC), 16)  # February
        _charge(alpha, datetime(2026, 3, 31, 23, 30, tzinfo=UTC), 17)  # 00:30 BST on 1 April
        with tenant_context(alpha):
            db.session.add(PlatformCharge(service_key="sample", kind="refund", source="payment:999",
                                          amount_pence=-99, vat_pence=-20, vat_basis_points=2000,
                                          occurred_at=datetime(2026, 3, 20, 12, tzinfo=UTC)))
        db.session.commit()


def test_a_month_of_transactions_adds_up(app, forces, monkeypatch):
    alpha, _bravo = forces
    monkeypatch.setitem(app.config, "JOINING_FEE_PENCE", JOINING_FEE)
    _march_of_transactions(app, alpha)
    with app.app_context():
        record_dates(_tenant(alpha), {"letter_of_intent_on": date(2026, 1, 5), "agreement_signed_on": date(2026, 2, 2),
                                      "acceptance_signed_off_on": date(2026, 3, 10)}, actor="root@platform.example.com")
        credit = statements.add_credit(_tenant(alpha), 1000, "Ten transactions charged twice in February",
                                       actor="root@platform.example.com")
        credit.created_at = datetime(2026, 3, 5, tzinfo=UTC)  # made in March: on March's statement
        db.session.commit()
        statement = statements.issue(_tenant(alpha), MARCH, actor="root@platform.example.com")
        db.session.commit()
        with tenant_context(alpha):
            lines = [(x.kind, x.quantity, x.unit_pence, x.net_pence, x.vat_pence, x.total_pence)
                     for x in db.session.get(Statement, statement.id).lines]
    assert lines == [
        ("transaction", 5, 150, 750, 150, 900),      # from 15 March, to 23:30 BST on the 31st
        ("transaction", 11, 99, 1089, 218, 1307),    # 217.8p of VAT rounds once per line
        ("refund", 1, -99, -99, -20, -119),          # a paid application refunded in full
        ("joining_fee", 1, JOINING_FEE, JOINING_FEE, 100_000, 600_000),
        ("credit", 1, -1000, -1000, -200, -1200),
    ]
    assert statement.net_pence == sum(line[3] for line in lines) == 750 + 1089 - 99 + JOINING_FEE - 1000
    assert statement.vat_pence == sum(line[4] for line in lines) == 150 + 218 - 20 + 100_000 - 200
    assert statement.total_pence == statement.net_pence + statement.vat_pence
    assert statement.transactions == 16 and statement.number == "ALP-202603"


def test_vat_rounds_halves_away_from_zero():
    assert [vat_on(n, 2000) for n in (99, 198, 1089, 2, 3, -99, -3)] == [20, 40, 218, 0, 1, -20, -1]
    assert vat_on(1000, 500) == 50 and vat_on(15, 1750) == 3


def test_issuing_twice_gives_the_same_statement_which_never_changes(app, forces, monkeypatch):
    alpha, _bravo = forces
    monkeypatch.setitem(app.config, "JOINING_FEE_PENCE", JOINING_FEE)
    _march_of_transactions(app, alpha)
    with app.app_context():
        first = statements.issue(_tenant(alpha), MARCH, actor="system: sweeper")
        first_id, first_total = first.id, first.total_pence
        db.session.commit()
        _charge(alpha, datetime(2026, 3, 12, tzinfo=UTC), 50)  # a late row: never recomputed into March
        credit = statements.add_credit(_tenant(alpha), 500, "Correction", actor="root@platform.example.com")
        credit.created_at = datetime(2026, 4, 10, tzinfo=UTC)
        record_dates(_tenant(alpha), {"acceptance_signed_off_on": date(2026, 3, 2)}, actor="root@platform.example.com")
        db.session.commit()
        again = statements.issue(_tenant(alpha), MARCH, actor="root@platform.example.com")
        assert (again.id, again.total_pence) == (first_id, first_total)
        db.session.commit()
        with tenant_context(alpha):
            assert db.session.scalar(db.select(db.func.count(Statement.id))) == 1
            line = db.session.scalars(db.select(StatementLine)).first()
            line.net_pence = 1
            with pytest.raises(AppendOnlyError):
                db.session.flush()
            db.session.rollback()
            with pytest.raises(AppendOnlyError):
                db.session.execute(db.delete(StatementLine))
            db.session.rollback()
        # The correction is a credit on the next statement, and so is the joining fee: the acceptance test's
        # sign-off in March was recorded after March's statement was issued.
        april = statements.issue(_tenant(alpha), date(2026, 4, 1), actor="system: sweeper")
        db.session.commit()
        with tenant_context(alpha):
            kinds = [(x.kind, x.net_pence) for x in april.lines]
    assert ("credit", -500) in kinds and ("joining_fee", JOINING_FEE) in kinds
    assert ("transaction", 150) in kinds  # the 00:30 BST transaction on 1 April


def test_the_joining_fee_waits_for_the_acceptance_test_and_is_charged_once(app, forces, monkeypatch):
    alpha, _bravo = forces
    monkeypatch.setitem(app.config, "JOINING_FEE_PENCE", JOINING_FEE)

    def fees(first: date) -> list[int]:
        statement = statements.issue(_tenant(alpha), first, actor="system: sweeper")
        db.session.commit()
        with tenant_context(alpha):
            return [x.net_pence for x in statement.lines if x.kind == "joining_fee"]

    with app.app_context():
        record_dates(_tenant(alpha), {"letter_of_intent_on": date(2026, 1, 5), "agreement_signed_on": date(2026, 2, 2)},
                     actor="root@platform.example.com")
        db.session.commit()
        assert fees(date(2026, 2, 1)) == []  # agreement signed, acceptance test not yet signed off
        # Signed off in February, but recorded after February's statement was issued: charged in March, once.
        record_dates(_tenant(alpha), {"letter_of_intent_on": date(2026, 1, 5), "agreement_signed_on": date(2026, 2, 2),
                                      "acceptance_signed_off_on": date(2026, 2, 20)}, actor="root@platform.example.com")
        db.session.commit()
        assert fees(date(2026, 3, 1)) == [JOINING_FEE]
        assert fees(date(2026, 4, 1)) == []


def test_onboarding_dates_are_in_order_and_not_in_the_future(app, forces):
    alpha, _bravo = forces
    with app.app_context():
        with pytest.raises(OnboardingRefused) as refused:
            record_dates(_tenant(alpha), {"letter_of_intent_on": date(2026, 3, 1),
                                          "agreement_signed_on": date(2026, 2, 1),
                                          "live_on": date(2999, 1, 1)}, actor="root@platform.example.com")
        assert set(refused.value.errors) == {"agreement_signed_on", "live_on"}
        record_dates(_tenant(alpha), {"letter_of_intent_on": date(2026, 3, 1)}, actor="root@platform.example.com")
        db.session.commit()
        from frontcounter.audit.models import AuditEvent

        with tenant_context(alpha):
            [event] = db.session.scalars(db.select(AuditEvent).filter_by(action="billing.onboarding")).all()
        assert event.after["letter_of_intent_on"] == "2026-03-01" and event.actor == "root@platform.example.com"


def test_a_price_applies_from_its_day_keeps_history_and_is_audited_in_every_force(app, forces):
    from frontcounter.audit.models import AuditEvent
    from frontcounter.calendar import uk_today

    alpha, bravo = forces
    with app.app_context():
        today = uk_today()
        with pytest.raises(PriceRefused) as past:
            set_price("sample", 120, 2000, date(2020, 1, 1), actor="root@platform.example.com")
        assert past.value.field == "effective_from"
        assert price_on("sample", today).net_pence == 99  # the service's default until a price is set
        set_price("sample", 120, 2000, today, actor="root@platform.example.com")
        set_price("sample", 80, 2000, date(today.year + 1, 1, 1), actor="root@platform.example.com")
        db.session.commit()
        with pytest.raises(PriceRefused):
            set_price("sample", 70, 2000, today, actor="root@platform.example.com")
        assert price_on("sample", today).net_pence == 120
        assert price_on("sample", date(today.year + 1, 1, 1)).net_pence == 80
        assert price_on("sample", date(2020, 1, 1)).net_pence == 99
        for force in (alpha, bravo):
            with tenant_context(force):
                events = db.session.scalars(db.select(AuditEvent).filter_by(action="billing.price_set")
                                            .order_by(AuditEvent.id)).all()
                assert [(e.before["net_pence"], e.after["net_pence"]) for e in events] == [(99, 120), (120, 80)]


def test_each_service_declares_what_it_bills(app, forces, monkeypatch):
    from frontcounter.bookings import SlotSpec, book, create_slots
    from frontcounter.cases.engine import open_case

    alpha, _bravo = forces
    service = app.extensions["frontcounter.plugins"].services["sample"]
    with app.app_context(), tenant_context(alpha):
        open_case("sample", applicant_email="a@example.com")  # bills paid applications, not requests
        monkeypatch.setattr(service, "billable", "request")
        case = open_case("sample", applicant_email="b@example.com")
        monkeypatch.setattr(service, "billable", "booking")
        start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
        [slot] = create_slots("sample", [SlotSpec("visit", start, start + timedelta(hours=1), 3, "Here")])
        booking = book(slot, case, email="b@example.com", actor="test")
        monkeypatch.setattr(service, "billable", None)
        book(slot, None, email="c@example.com", actor="test")
        db.session.commit()
        rows = [(r.kind, r.source) for r in db.session.scalars(db.select(PlatformCharge).order_by(PlatformCharge.id))]
        assert rows == [("request", f"case:{case.id}"), ("booking", f"booking:{booking.id}")]


def test_a_full_refund_reverses_the_charge_and_a_partial_one_does_not(app, forces):
    from frontcounter.cases.engine import open_case
    from frontcounter.payments.service import pay_in_sandbox, refund

    alpha, _bravo = forces
    with app.app_context(), tenant_context(alpha):
        paid = [pay_in_sandbox(open_case("sample", applicant_email=f"p{n}@example.com"), 2500, "Permit", receipt=False)
                for n in range(2)]
        db.session.commit()
        refund(paid[0], 1000, "Part", actor="staff@alpha.example.com")
        refund(paid[1], 2500, "All", actor="staff@alpha.example.com")
        rows = [(r.kind, r.amount_pence, r.vat_pence) for r in
                db.session.scalars(db.select(PlatformCharge).order_by(PlatformCharge.id))]
    assert rows == [("paid_application", 99, 20), ("paid_application", 99, 20), ("refund", -99, -20)]


def test_a_running_month_cannot_be_issued_and_forces_see_only_their_own(app, forces):
    from frontcounter.billing.months import month_key
    from frontcounter.calendar import uk_today

    alpha, bravo = forces
    _march_of_transactions(app, alpha)
    with app.app_context():
        with pytest.raises(statements.StatementRefused) as refused:
            statements.issue(_tenant(alpha), uk_today().replace(day=1), actor="root@platform.example.com")
        assert refused.value.code == "not_ended"
        statements.issue(_tenant(alpha), MARCH, actor="root@platform.example.com")
        statements.issue(_tenant(bravo), MARCH, actor="root@platform.example.com")
        db.session.commit()
        with tenant_context(bravo):
            [mine] = statements.statements()
            assert mine.number == "BRV-202603" and mine.total_pence == 0 and mine.lines == []
        national = statements.national_month(MARCH)
        assert national.total_pence == sum(s.total_pence for _t, s in national.rows if s) > 0
        assert month_key(MARCH) == "2026-03"


def test_the_sweeper_issues_last_month_once_for_every_force(app, forces):
    alpha, bravo = forces
    with app.app_context():
        record_dates(_tenant(bravo), {"live_on": date(2025, 6, 1), "left_on": date(2026, 1, 31)}, actor=ROOT)
        db.session.commit()
        assert statements.issue_due() == 1  # Bravo left the platform before last month
        assert statements.issue_due() == 0
        from frontcounter.billing.months import month_key, previous_month

        with tenant_context(alpha):
            assert [s.month for s in statements.statements()] == [month_key(previous_month())]
        from frontcounter.jobs.schedule import core_tasks

        assert "billing-statements" in [task.name for task in core_tasks()]


def test_csv_and_pdf_carry_the_lines_and_totals(app, forces, monkeypatch):
    from frontcounter.billing.documents import statement_csv, statement_pdf
    from pypdf import PdfReader

    alpha, _bravo = forces
    monkeypatch.setitem(app.config, "JOINING_FEE_PENCE", JOINING_FEE)
    _march_of_transactions(app, alpha)
    with app.app_context():
        record_dates(_tenant(alpha), {"acceptance_signed_off_on": date(2026, 3, 10)}, actor="root@platform.example.com")
        credit = statements.add_credit(_tenant(alpha), 1000, "=HYPERLINK(\"x\")", actor="root@platform.example.com")
        credit.created_at = datetime(2026, 3, 5, tzinfo=UTC)
        statement = statements.issue(_tenant(alpha), MARCH, actor="root@platform.example.com")
        db.session.commit()
        with app.test_request_context(), tenant_context(alpha):
            text = statement_csv(statement, "Alpha Police")
            hostile = statement_csv(statement, "=SUM(A1)")
            pdf = statement_pdf(statement)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:4] == ["Statement", "Force", "Month", "Line"]
    assert rows[1][:5] == ["ALP-202603", "Alpha Police", "2026-03", "Parking permits: transactions", "5"]
    assert rows[1][5:] == ["1.50", "7.50", "20%", "1.50", "9.00"]
    assert rows[5][3] == "Credit: =HYPERLINK(\"x\")"
    assert list(csv.reader(io.StringIO(hostile)))[1][1] == "'=SUM(A1)"  # never a formula in a spreadsheet
    assert rows[-1][3] == "Total" and rows[-1][6] == f"{statement.net_pence / 100:.2f}"
    assert rows[-1][9] == f"{statement.total_pence / 100:.2f}"
    page_text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Statement for March 2026" in page_text and "ALP-202603" in page_text
    assert "Joining fee" in page_text and "£5,000.00" in page_text
    assert f"£{statement.total_pence / 100:,.2f}" in page_text


def _token(app, force, roles=("caseworker",)) -> str:
    from frontcounter.api.tokens import issue_token

    with app.app_context(), tenant_context(force):
        _row, secret = issue_token("Finance system", list(roles), created_by="admin@example.com")
        db.session.commit()
    return secret


def test_the_statements_api_shows_the_tokens_force_only(app, client, forces):
    alpha, bravo = forces
    _march_of_transactions(app, alpha)
    with app.app_context():
        statements.issue(_tenant(alpha), MARCH, actor="root@platform.example.com")
        db.session.commit()
    alpha_auth = {"Authorization": f"Bearer {_token(app, alpha)}"}
    bravo_auth = {"Authorization": f"Bearer {_token(app, bravo)}"}
    listed = client.get("/api/v1/statements", headers=alpha_auth)
    assert listed.status_code == 200 and [s["month"] for s in listed.json] == ["2026-03"]
    one = client.get("/api/v1/statements/2026-03", headers=alpha_auth).json
    assert one["number"] == "ALP-202603" and one["total_pence"] == sum(x["total_pence"] for x in one["lines"])
    assert one["lines"][0] == {"kind": "transaction", "service": "sample",
                               "description": "Parking permits: transactions", "quantity": 5, "unit_pence": 150,
                               "net_pence": 750, "vat_rate_percent": 20.0, "vat_pence": 150, "total_pence": 900}
    assert client.get("/api/v1/statements", headers=bravo_auth).json == []
    hidden = client.get("/api/v1/statements/2026-03", headers=bravo_auth)
    assert hidden.status_code == 404 and hidden.json["reason"] == "not_found"
    bad = client.get("/api/v1/statements/March", headers=alpha_auth)
    assert bad.status_code == 404 and bad.json["reason"] == "bad_month"
    anonymous = client.get("/api/v1/statements")
    assert anonymous.status_code == 401 and anonymous.json["reason"] == "token_missing"
    spec = client.get("/api/openapi.json").json
    assert "/api/v1/statements" in spec["paths"] and "/api/v1/statements/{month}" in spec["paths"]


def test_demo_data_gives_last_month_a_statement_issued_from_the_command_line(app, forces, monkeypatch):
    from frontcounter.billing.demo import seed_demo_forces
    from frontcounter.billing.months import month_key, previous_month
    from frontcounter.cli import cli

    monkeypatch.setitem(app.config, "JOINING_FEE_PENCE", JOINING_FEE)
    with app.app_context():
        [line] = seed_demo_forces({"alpha"})
        assert "40 demo transactions" in line
        assert seed_demo_forces({"alpha"}) == [line]  # idempotent: nothing added, the same line printed
    runner = app.test_cli_runner()
    bad = runner.invoke(cli, ["billing", "issue", "--month", "2026-13"])
    assert bad.exit_code != 0 and "YYYY-MM" in bad.output
    done = runner.invoke(cli, ["billing", "issue", "--force", "alpha"])
    # 40 x 99p = 39.60 + 7.92 VAT, and the joining fee (acceptance test signed off last month) 5,000 + 1,000 VAT
    assert done.exit_code == 0 and done.output.strip() == f"alpha: ALP-{previous_month():%Y%m} total 6047.52"
    with app.app_context(), tenant_context(alpha := forces[0]):
        [statement] = statements.statements()
        assert statement.month == month_key(previous_month()) and alpha.slug == "alpha"
    running = runner.invoke(cli, ["billing", "issue", "--month", datetime.now(UTC).strftime("%Y-%m")])
    assert running.exit_code != 0 and "not ended" in running.output
