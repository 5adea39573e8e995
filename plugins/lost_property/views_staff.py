"""The staff pages at /<force>/staff/lost_property/ (the core requires signed-in staff of the force): the
register of items in store, an item's page (receive, count cash, send on, matches, claims, hand over, photos,
disposal), items handed in at the counter, the match and claim queues, disposals and the Fund ledger."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from frontcounter.accounts.auth import current_account, staff_required
from frontcounter.calendar import uk_today
from frontcounter.cases import engine
from frontcounter.documents.uploads import IMAGES, UploadRejected, store_upload
from frontcounter.extensions import db
from frontcounter_lost_property import claims as claims_service
from frontcounter_lost_property import disposals, items, matching, staff_queries
from frontcounter_lost_property.booking_rules import COLLECTION, HAND_IN, RULES, booking_of
from frontcounter_lost_property.categories import BY_KEY, CATEGORIES, status_label
from frontcounter_lost_property.categories import label as category_label
from frontcounter_lost_property.models import Claim, Disposal, Match
from frontcounter_lost_property.staff_forms import read_counter_item, read_disposal, read_money, read_receipt
from frontcounter_lost_property.workflow import SERVICE_KEY
from werkzeug.wrappers import Response as BaseResponse

STAFF = ("caseworker", "supervisor")
ID = "int(max=2147483647)"

staff = Blueprint("lost_property_staff", __name__, template_folder="templates")


@staff.before_request
@staff_required(*STAFF)
def _staff_only() -> None:
    """Caseworkers and supervisors (and admins) work lost property."""
    return None


def _actor() -> str:
    account = current_account()
    return account.email if account is not None else "staff"


def _page() -> int:
    return request.args.get("page", 1, type=int)


@staff.get("/")
def dashboard() -> str:
    """Counts by stage and the queues."""
    return render_template("lost_property/staff/dashboard.html", counts=staff_queries.counts())


@staff.get("/register")
def register() -> str:
    """Items in store, filterable by station, category, age and stage, paginated."""
    f = staff_queries.RegisterFilter(
        station=request.args.get("station", ""), category=request.args.get("category", ""),
        age=request.args.get("age", ""), state=request.args.get("state", "in_store"))
    return render_template("lost_property/staff/register.html", page=staff_queries.register(f, _page()), f=f,
                           stations=staff_queries.stations(), categories=CATEGORIES, ages=staff_queries.AGES,
                           workflow=engine.workflow_for(SERVICE_KEY))


def _item(reference: str):  # type: ignore[no-untyped-def]
    found = staff_queries.item_by_reference(reference)
    if found is None:
        abort(404)
    return found


def _item_page(item, errors: dict[str, str] | None = None, values: dict[str, Any] | None = None,  # type: ignore[no-untyped-def]
               status: int = 200):
    case = item.case
    body = render_template(
        "lost_property/staff/item.html", item=item, case=case, category=BY_KEY.get(item.category),
        state=engine.workflow_for(SERVICE_KEY).state(case.state), matches=matching.matches_of_item(item),
        claims=claims_service.claims_of_item(item), hand_in=booking_of(case, HAND_IN),
        collection=booking_of(case, COLLECTION), rules=RULES, errors=errors or {}, values=values or {},
        stations=staff_queries.stations(), finder_claim_opens=items.finder_claim_opens(item),
        retention_ends=items.retention_ends(item), methods=disposals.METHODS, today=uk_today(),
        photos=staff_queries.documents_of(case, (items.FINDER_PHOTO, items.STAFF_PHOTO)),
        proofs=staff_queries.documents_of(case, ("ownership-proof",)),
        disposals_list=list(db.session.scalars(db.select(Disposal).filter_by(item_id=item.id).order_by(Disposal.id))),
        me=_actor(), workflow=engine.workflow_for(SERVICE_KEY),
    )
    return body, status


@staff.get("/items/<reference>")
def item(reference: str) -> Any:
    """One item: what it is, where it is, its matches, claims and history."""
    return _item_page(_item(reference))


def _done(item, message: str) -> BaseResponse:  # type: ignore[no-untyped-def]
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(".item", reference=item.case.reference))


@staff.post("/items/<reference>/receive")
def receive(reference: str) -> Any:
    """Take a reported item into store."""
    found = _item(reference)
    receipt, errors = read_receipt(request.form, found.category)
    if receipt is None:
        return _item_page(found, errors, request.form.to_dict(), 400)
    try:
        items.receive(found.case, receipt, actor=_actor())
    except engine.TransitionRefused as refused:
        db.session.rollback()
        return _item_page(found, {"receive": refused.message}, request.form.to_dict(), 409)
    return _done(found, _("Item received into store."))


@staff.post("/items/<reference>/cash")
def cash_check(reference: str) -> Any:
    """The second count of cash, by someone else."""
    found = _item(reference)
    errors: dict[str, str] = {}
    amount = read_money(request.form, "cash_check", errors, _("Enter the amount you counted, like 25.50"))
    if not errors:
        try:
            items.check_cash(found, amount, actor=_actor())
        except items.CashRefused as refused:
            errors["cash_check"] = refused.message
    if errors:
        db.session.rollback()
        return _item_page(found, errors, request.form.to_dict(), 400)
    return _done(found, _("Second count recorded."))


@staff.post("/items/<reference>/send-on")
def send_on(reference: str) -> Any:
    """Send a passport or bank card on to its issuer."""
    found = _item(reference)
    try:
        items.send_on(found.case, actor=_actor())
    except engine.TransitionRefused as refused:
        db.session.rollback()
        return _item_page(found, {"send-on": refused.message}, status=409)
    return _done(found, _("Recorded as sent on."))


@staff.post("/items/<reference>/photo")
def photo(reference: str) -> Any:
    """Add a staff-only photo of the item."""
    found = _item(reference)
    try:
        store_upload(request.files.get("photo"), found.case, items.STAFF_PHOTO, allowed=IMAGES, public=False)
    except UploadRejected as rejected:
        db.session.rollback()
        return _item_page(found, {"photo": rejected.message}, status=400)
    return _done(found, _("Photo added."))


def _match(match_id: int) -> Match:
    return db.session.scalar(db.select(Match).filter_by(id=match_id)) or abort(404)


@staff.post(f"/matches/<{ID}:match_id>/confirm")
def match_confirm(match_id: int) -> Any:
    """Staff think it is the reported item: invite the owner, with the questions they set."""
    match = _match(match_id)
    questions = [q for q in (request.form.get("questions") or "").splitlines() if q.strip()]
    if not questions:
        return _item_page(match.item, {f"questions-{match.id}": _("Enter at least one question for the owner")},
                          request.form.to_dict(), 400)
    if any(len(q) > 300 for q in questions):
        return _item_page(match.item, {f"questions-{match.id}": _("Each question must be 300 characters or fewer")},
                          request.form.to_dict(), 400)
    try:
        matching.confirm(match, questions, actor=_actor())
    except matching.MatchRefused as refused:
        db.session.rollback()
        return _item_page(match.item, {f"questions-{match.id}": refused.message}, status=409)
    return _done(match.item, _("Match confirmed. We have asked the owner to claim the item."))


@staff.post(f"/matches/<{ID}:match_id>/dismiss")
def match_dismiss(match_id: int) -> Any:
    """Staff say it is not the reported item."""
    match = _match(match_id)
    try:
        matching.dismiss(match, actor=_actor())
    except matching.MatchRefused as refused:
        db.session.rollback()
        flash(refused.message, "error")
        return redirect(url_for(".item", reference=match.item.case.reference))
    return _done(match.item, _("Match dismissed."))


def _claim(claim_id: int) -> Claim:
    return db.session.scalar(db.select(Claim).filter_by(id=claim_id)) or abort(404)


@staff.post(f"/claims/<{ID}:claim_id>/decide")
def claim_decide(claim_id: int) -> Any:
    """Accept or refuse a claim."""
    claim = _claim(claim_id)
    decision = request.form.get("decision", "")
    if decision not in ("approve", "refuse"):
        return _item_page(claim.item, {f"decision-{claim.id}": _("Select whether to accept the claim")},
                          request.form.to_dict(), 400)
    try:
        claims_service.decide(claim, decision == "approve", request.form.get("note", "")[:1000], actor=_actor())
    except (claims_service.ClaimRefused, engine.TransitionRefused) as refused:
        db.session.rollback()
        return _item_page(claim.item, {f"decision-{claim.id}": refused.message}, request.form.to_dict(), 409)
    return _done(claim.item, _("Decision recorded."))


@staff.post(f"/claims/<{ID}:claim_id>/hand-over")
def hand_over(claim_id: int) -> Any:
    """The person collected the item: record the photo ID seen."""
    claim = _claim(claim_id)
    try:
        claims_service.hand_over(claim, request.form.get("id_checked", ""), actor=_actor())
    except (claims_service.ClaimRefused, engine.TransitionRefused) as refused:
        db.session.rollback()
        return _item_page(claim.item, {f"id_checked-{claim.id}": refused.message}, request.form.to_dict(), 400)
    return _done(claim.item, _("Item handed over."))


@staff.post("/items/<reference>/dispose")
def propose_disposal(reference: str) -> Any:
    """List an item for disposal (a second person approves)."""
    found = _item(reference)
    values, errors = read_disposal(request.form)
    if not errors:
        try:
            disposals.propose(found, values["method"], recipient=values["recipient"],
                              proceeds_pence=values["proceeds_pence"], note=values["note"], actor=_actor())
        except disposals.DisposalRefused as refused:
            errors["method"] = refused.message
    if errors:
        db.session.rollback()
        return _item_page(found, errors, request.form.to_dict(), 400)
    return _done(found, _("Disposal proposed. A second person must approve it."))


# -- items handed in at the counter ----------------------------------------------------------------


@staff.route("/new", methods=["GET", "POST"])
def counter_item() -> Any:
    """Record an item someone handed in at the counter, and receive it."""
    context = {"categories": CATEGORIES, "stations": staff_queries.stations()}
    if request.method == "GET":
        return render_template("lost_property/staff/new.html", values={}, errors={}, **context)
    values, errors = read_counter_item(request.form)
    receipt, receipt_errors = read_receipt(request.form, values.get("category", ""))
    errors.update(receipt_errors)
    if errors:
        return render_template("lost_property/staff/new.html", values=request.form.to_dict(), errors=errors,
                               **context), 400
    report = items.FoundReport(
        category=values["category"], description=values["description"], found_on=values["found_on"],
        found_where=values["found_where"], postcode=values["postcode"], serial=values["serial"],
        wants_item=values["wants_item"], name=values["name"], email=values["email"], phone=values["phone"])
    case = items.hand_in_at_counter(report, receipt, actor=_actor())
    db.session.commit()
    flash(_("Item recorded and received."), "success")
    return redirect(url_for(".item", reference=case.reference))


# -- queues, disposals and the Fund ---------------------------------------------------------------


@staff.get("/matches")
def matches() -> str:
    """Matches waiting for a decision, serial matches first, then by score."""
    return render_template("lost_property/staff/matches.html", page=matching.proposed(_page()))


@staff.get("/claims")
def claims() -> str:
    """Claims waiting for a decision."""
    return render_template("lost_property/staff/claims.html", page=staff_queries.claims_waiting(_page()))


@staff.get("/disposals")
def disposal_list() -> str:
    """Items whose retention period is over, and disposals waiting for a second person."""
    return render_template("lost_property/staff/disposals.html", due=disposals.due(_page()),
                           waiting=disposals.waiting_approval(), me=_actor(), errors={})


def _disposal(disposal_id: int) -> Disposal:
    return db.session.scalar(db.select(Disposal).filter_by(id=disposal_id)) or abort(404)


@staff.post(f"/disposals/<{ID}:disposal_id>/decide")
@staff_required("supervisor")
def disposal_decide(disposal_id: int) -> Any:
    """A supervisor other than the proposer approves or rejects a disposal."""
    disposal = _disposal(disposal_id)
    decision = request.form.get("decision", "")
    error = None
    try:
        if decision == "approve":
            disposals.approve(disposal, actor=_actor())
        elif decision == "reject":
            disposals.reject(disposal, request.form.get("note", "")[:1000], actor=_actor())
        else:
            error = _("Select whether to approve the disposal")
    except (disposals.DisposalRefused, engine.TransitionRefused) as refused:
        error = refused.message
    if error:
        db.session.rollback()
        return render_template("lost_property/staff/disposals.html", due=disposals.due(1),
                               waiting=disposals.waiting_approval(), me=_actor(),
                               errors={f"decision-{disposal.id}": error}), 400
    db.session.commit()
    flash(_("Disposal decided."), "success")
    return redirect(url_for(".disposal_list"))


@staff.get("/fund")
def fund() -> str:
    """The force's Police Property Act Fund ledger."""
    return render_template("lost_property/staff/fund.html", page=disposals.ledger(_page()),
                           total=disposals.ledger_total())


@staff.get("/fund.csv")
def fund_csv() -> Response:
    """The ledger as CSV."""
    return Response(disposals.ledger_csv(), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=police-property-act-fund.csv"})


staff.add_app_template_global(category_label, "lost_property_category")
staff.add_app_template_global(disposals.method_label, "lost_property_method")
staff.add_app_template_global(status_label, "lost_property_status")
