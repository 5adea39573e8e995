"""The public pages: report an item you found (stopping for anything dangerous), report one you lost, follow
either, claim a matched item and book a time to collect it."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from frontcounter.accounts.auth import current_account
from frontcounter.bookings import BookingRefused, Slot, available_slots
from frontcounter.bookings.forms import in_order
from frontcounter.cases import engine
from frontcounter.documents.uploads import IMAGES, IMAGES_AND_PDF, UploadRejected, store_upload
from frontcounter.extensions import db
from frontcounter_lost_property import claims as claims_service
from frontcounter_lost_property import items as items_service
from frontcounter_lost_property import lost as lost_service
from frontcounter_lost_property.booking_rules import COLLECTION, HAND_IN, RULES, booking_of
from frontcounter_lost_property.categories import BY_KEY, DANGEROUS, accepted, category
from frontcounter_lost_property.models import LostReport
from frontcounter_lost_property.public_forms import FOUND_ORDER, read_found, read_lost
from frontcounter_lost_property.workflow import SERVICE_KEY
from werkzeug.wrappers import Response

bp = Blueprint("lost_property", __name__, template_folder="templates")

DRAFT = "lost_property_found"
MAX_PHOTOS = 3
MAX_PHOTO_BYTES = 5 * 1024 * 1024
GATED = ("lost_property.found_what", "lost_property.found_details", "lost_property.found_when",
         "lost_property.lost_new")


@bp.before_request
def _account_or_guest() -> Response | None:
    """Reporting needs an account or the guest choice on the force's start page; followed links do not."""
    if request.endpoint in GATED and current_account() is None and SERVICE_KEY not in session.get(
            "guest_services", []):
        return redirect(url_for("force.start", service_key=SERVICE_KEY))
    return None


def _accepted() -> tuple:
    return accepted(items_service.settings()["accepted_categories"])


def _actor(email: str) -> str:
    account = current_account()
    return account.email if account is not None else f"guest:{email}"


@bp.get("/")
def start() -> str:
    """Found something, or lost something?"""
    return render_template("lost_property/public/start.html", categories=_accepted())


# -- found an item ------------------------------------------------------------------------------


@bp.route("/found", methods=["GET", "POST"])
def found_what() -> Response | str:
    """What did you find? Weapons, drugs and dangerous things stop here."""
    error = None
    choices = _accepted()
    if request.method == "POST":
        chosen = request.form.get("category", "")
        if chosen == DANGEROUS:
            session.pop(DRAFT, None)
            return redirect(url_for(".found_stop"))
        if chosen in {c.key for c in choices}:
            session[DRAFT] = {"category": chosen}
            if chosen == "bank_cards":
                return redirect(url_for(".found_bank_card"))
            return redirect(url_for(".found_details"))
        error = _("Select what you found")
    return render_template("lost_property/public/found_what.html", categories=choices, error=error,
                           chosen=(session.get(DRAFT) or {}).get("category"))


@bp.get("/found/dangerous")
def found_stop() -> str:
    """Weapons, drugs or anything dangerous: call 999 or 101. Nothing is recorded."""
    return render_template("lost_property/public/found_stop.html")


@bp.get("/found/bank-card")
def found_bank_card() -> str:
    """Bank cards: cut it and send it to the issuer, or hand it in."""
    return render_template("lost_property/public/found_bank_card.html")


def _draft() -> dict[str, Any] | None:
    draft = session.get(DRAFT)
    if not draft or draft.get("category") not in {c.key for c in _accepted()}:
        return None
    return draft


@bp.route("/found/details", methods=["GET", "POST"])
def found_details() -> Response | str:
    """Where and when, what it looks like, photos, whether you want it if unclaimed, and your details."""
    draft = _draft()
    if draft is None:
        return redirect(url_for(".found_what"))
    found = category(draft["category"])
    if request.method == "GET":
        return render_template("lost_property/public/found_details.html", category=found, values=draft, errors={},
                               finder_days=items_service.settings()["finder_claim_days"])
    values, errors = read_found(request.form, found.key)
    photos = [f for f in request.files.getlist("photos") if f and f.filename]
    photo_ids: list[int] = []
    if len(photos) > MAX_PHOTOS:
        errors["photos"] = _("Select up to %(num)d photos", num=MAX_PHOTOS)
    elif photos and not errors:
        try:
            for photo in photos:
                photo_ids.append(store_upload(photo, None, items_service.FINDER_PHOTO, allowed=IMAGES,
                                              max_bytes=MAX_PHOTO_BYTES).id)
            db.session.commit()
        except UploadRejected as rejected:
            db.session.rollback()
            photo_ids = []
            errors["photos"] = rejected.message
    if errors:
        errors = in_order(errors, FOUND_ORDER)
        return render_template("lost_property/public/found_details.html", category=found,
                               values={**draft, **values, **_date_parts(request.form, "found_on")}, errors=errors,
                               finder_days=items_service.settings()["finder_claim_days"])
    session[DRAFT] = {**draft, **values, "photo_ids": photo_ids or draft.get("photo_ids", [])}
    return redirect(url_for(".found_when"))


def _date_parts(form: Any, prefix: str) -> dict[str, str]:
    return {f"{prefix}-{p}": form.get(f"{prefix}-{p}", "") for p in ("day", "month", "year")}


def _slot(kind: str) -> Slot | None:
    slot_id = request.form.get("slot_id", "")
    if not slot_id.isdecimal() or len(slot_id) > 9:
        return None
    return db.session.scalar(db.select(Slot).filter_by(id=int(slot_id), service_key=SERVICE_KEY, kind=kind))


def _choose(kind: str, heading: str, action: str, back: str, error: str | None = None, intro: str = "") -> str:
    return render_template(
        "bookings/choose_slot.html",
        slots=available_slots(SERVICE_KEY, kind=kind, rules=RULES, page=request.args.get("page", 1, type=int)),
        rules=RULES, error=error, heading=heading, action=action, back_href=back, intro=intro,
        caption=_("Lost and found property"), button=_("Book this time"),
    )


@bp.route("/found/when", methods=["GET", "POST"])
def found_when() -> Response | str:
    """Choose a station and a time to hand the item in; this records the report."""
    draft = _draft()
    if draft is None or not draft.get("found_on"):
        return redirect(url_for(".found_what"))
    heading = _("Choose a police station and a time to hand it in")
    action, back = url_for(".found_when"), url_for(".found_details")
    if request.method == "GET":
        return _choose(HAND_IN, heading, action, back)
    slot = _slot(HAND_IN)
    if slot is None:
        return _choose(HAND_IN, heading, action, back, _("Select a time"))
    report = items_service.FoundReport(
        category=draft["category"], description=draft["description"], found_on=date.fromisoformat(draft["found_on"]),
        found_where=draft["found_where"], postcode=draft.get("postcode", ""), serial=draft.get("serial", ""),
        wants_item=bool(draft.get("wants_item")), name=draft["name"], email=draft["email"],
        phone=draft.get("phone", ""), photo_ids=list(draft.get("photo_ids", [])),
    )
    account = current_account()
    try:
        case = items_service.report_found(report, slot, actor=_actor(report.email),
                                          account_id=account.id if account else None)
        db.session.commit()
    except BookingRefused as refused:
        db.session.rollback()
        return _choose(HAND_IN, heading, action, back, refused.message)
    session.pop(DRAFT, None)
    session["tracked_cases"] = [*session.get("tracked_cases", []), case.id][-20:]
    return redirect(url_for(".item", reference=case.reference, done=1))


# -- the finder's page --------------------------------------------------------------------------


def _finder_case(reference: str):  # type: ignore[no-untyped-def]
    from frontcounter.cases.public_views import visible_case

    case = visible_case(reference, request.args.get("token"))
    if case.service_key != SERVICE_KEY:
        abort(404)
    return case


@bp.get("/items/<reference>")
def item(reference: str) -> str:
    """The finder's page: where the item is, the hand-in time, and the finder's claim when it opens."""
    case = _finder_case(reference)
    found = items_service.item_of(case)
    workflow = engine.workflow_for(SERVICE_KEY)
    finder_claims = [c for c in claims_service.claims_of_item(found) if c.kind == "finder"]
    return render_template(
        "lost_property/public/item.html", case=case, item=found, state=workflow.state(case.state),
        hand_in=booking_of(case, HAND_IN), claim=finder_claims[-1] if finder_claims else None,
        may_claim=claims_service.finder_may_claim_now(found), claim_opens=items_service.finder_claim_opens(found),
        collection=booking_of(case, COLLECTION), done=request.args.get("done") == "1", rules=RULES,
        category=BY_KEY.get(found.category),
    )


@bp.post("/items/<reference>/claim")
def finder_claim(reference: str) -> Response:
    """The finder claims the unclaimed item."""
    case = _finder_case(reference)
    try:
        claims_service.finder_claim(case, actor=_actor(case.applicant_email))
        db.session.commit()
    except claims_service.ClaimRefused:
        db.session.rollback()
    return redirect(url_for(".item", reference=case.reference))


@bp.route("/items/<reference>/collect", methods=["GET", "POST"])
def finder_collect(reference: str) -> Response | str:
    """The finder whose claim was accepted chooses a time to collect the item."""
    case = _finder_case(reference)
    found = items_service.item_of(case)
    claim = next((c for c in claims_service.claims_of_item(found) if c.kind == "finder" and c.status == "approved"),
                 None)
    if claim is None or booking_of(case, COLLECTION) is not None:
        return redirect(url_for(".item", reference=case.reference))
    return _collect(claim, url_for(".finder_collect", reference=reference), url_for(".item", reference=reference))


def _collect(claim, action: str, back: str) -> Response | str:  # type: ignore[no-untyped-def]
    heading = _("Choose a time to collect the item")
    if request.method == "GET":
        return _choose(COLLECTION, heading, action, back)
    slot = _slot(COLLECTION)
    if slot is None:
        return _choose(COLLECTION, heading, action, back, _("Select a time"))
    try:
        claims_service.book_collection(claim, slot, actor=_actor(claim.email))
        db.session.commit()
    except (BookingRefused, claims_service.ClaimRefused) as refused:
        db.session.rollback()
        return _choose(COLLECTION, heading, action, back, refused.message)
    return redirect(back)


# -- lost an item -------------------------------------------------------------------------------


@bp.route("/lost", methods=["GET", "POST"])
def lost_new() -> Response | str:
    """Report an item you lost."""
    choices = _accepted()
    if request.method == "GET":
        return render_template("lost_property/public/lost.html", categories=choices, values={}, errors={})
    values, errors = read_lost(request.form, tuple(c.key for c in choices))
    if errors:
        shown = {**values, **_date_parts(request.form, "lost_from"), **_date_parts(request.form, "lost_to")}
        return render_template("lost_property/public/lost.html", categories=choices, values=shown, errors=errors)
    report = lost_service.file_report(lost_service.LostDetails(**values))
    report_id, reference = report.id, report.reference  # read now: after the commit they would be loaded again
    db.session.commit()
    _remember(report_id)
    return redirect(url_for(".lost_report", reference=reference, done=1))


def _remember(report_id: int) -> None:
    session["lost_reports"] = [*session.get("lost_reports", []), report_id][-20:]


def _report(reference: str) -> LostReport:
    report = lost_service.report_from_token(reference, request.args.get("token"))
    if report is not None:
        _remember(report.id)
        return report
    found = db.session.scalar(db.select(LostReport).filter_by(reference=reference))
    if found is None or found.id not in session.get("lost_reports", []):
        abort(404)
    return found


@bp.get("/lost/<reference>")
def lost_report(reference: str) -> str:
    """The owner's page: the report, and any claim to an item that may be theirs."""
    report = _report(reference)
    claim = claims_service.claim_of_report(report)
    collection = claims_service.collection_of(claim) if claim is not None and claim.status in (
        "approved", "returned") else None
    return render_template("lost_property/public/lost_report.html", report=report, claim=claim,
                           collection=collection, done=request.args.get("done") == "1", rules=RULES,
                           category=BY_KEY.get(report.category))


@bp.route("/lost/<reference>/claim", methods=["GET", "POST"])
def owner_claim(reference: str) -> Response | str:
    """Answer the questions staff set and send proof that the item is yours."""
    report = _report(reference)
    claim = claims_service.claim_of_report(report)
    if claim is None or claim.status != "invited":
        return redirect(url_for(".lost_report", reference=reference))
    if request.method == "GET":
        return render_template("lost_property/public/claim.html", report=report, claim=claim, values={}, errors={})
    errors: dict[str, str] = {}
    answers = []
    for number, _question in enumerate(claim.questions, start=1):
        answer = (request.form.get(f"answer-{number}") or "").strip()
        if not answer:
            errors[f"answer-{number}"] = _("Answer question %(num)d", num=number)
        elif len(answer) > 1000:
            errors[f"answer-{number}"] = _("Must be %(num)d characters or fewer", num=1000)
        answers.append(answer)
    proofs = [f for f in request.files.getlist("proof") if f and f.filename]
    if not proofs:
        errors["proof"] = _("Select a receipt, photo or other proof that the item is yours")
    elif len(proofs) > MAX_PHOTOS:
        errors["proof"] = _("Select up to %(num)d files", num=MAX_PHOTOS)
    if not errors:
        try:
            ids = [store_upload(p, claim.item.case, "ownership-proof", allowed=IMAGES_AND_PDF, public=False).id
                   for p in proofs]
            claims_service.submit_claim(claim, answers, ids, actor=f"guest:{report.email}")
            db.session.commit()
            return redirect(url_for(".lost_report", reference=reference))
        except UploadRejected as rejected:
            db.session.rollback()
            errors["proof"] = rejected.message
    values = {f"answer-{n}": a for n, a in enumerate(answers, start=1)}
    return render_template("lost_property/public/claim.html", report=report, claim=claim, values=values,
                           errors=errors)


@bp.route("/lost/<reference>/collect", methods=["GET", "POST"])
def owner_collect(reference: str) -> Response | str:
    """The owner whose claim was accepted chooses a time to collect the item."""
    report = _report(reference)
    claim = claims_service.claim_of_report(report)
    if claim is None or claim.status != "approved" or claims_service.collection_of(claim) is not None:
        return redirect(url_for(".lost_report", reference=reference))
    return _collect(claim, url_for(".owner_collect", reference=reference),
                    url_for(".lost_report", reference=reference))
