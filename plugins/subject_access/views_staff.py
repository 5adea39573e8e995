"""The disclosure team's pages, mounted at /<force>/staff/subject_access/: the queue by days remaining, the
overdue dashboard, postal and emailed requests, and a request from identity check to approval."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from frontcounter.accounts.auth import current_account, current_staff_member, has_role, staff_required
from frontcounter.accounts.queries import staff_choices
from frontcounter.calendar import uk_today
from frontcounter.cases import engine
from frontcounter.cases.models import Case
from frontcounter.documents.uploads import UploadRejected
from frontcounter.extensions import db
from frontcounter.refusals import Refused
from frontcounter.tenancy.services import service_settings
from frontcounter_subject_access import answers as questions
from frontcounter_subject_access import disclosure, reports, requests, review, rules, search
from frontcounter_subject_access.settings import exemptions, systems
from frontcounter_subject_access.workflow import CASEWORK, SERVICE_KEY, WORKFLOW
from werkzeug.wrappers import Response

staff = Blueprint("subject_access_staff", __name__, template_folder="templates")


@staff.before_request
@staff_required(*CASEWORK)
def _casework_only() -> None:
    return None


def _actor() -> str:
    account = current_account()
    return account.email if account else "staff"


def _found(reference: str) -> tuple[Case, Any]:
    return requests.find(reference) or abort(404)


# -- lists ----------------------------------------------------------------------------------------------------


@staff.get("/")
def queue() -> str:
    """Open requests, fewest days remaining first."""
    today = uk_today()
    me = current_staff_member()
    mine = request.args.get("mine") == "yes"
    state = request.args.get("state", "")
    state = state if state in {s.name for s in WORKFLOW.states} else ""
    page = db.paginate(reports.queue_query(today, me.id if (mine and me) else None, state),
                       page=max(1, request.args.get("page", 1, type=int) or 1), per_page=25, error_out=False)
    return render_template("subject_access/staff/queue.html", page=page, rows=reports.with_cases(list(page.items)),
                           today=today, mine=mine, state=state,
                           workflow=WORKFLOW, days_remaining=rules.days_remaining)


@staff.get("/dashboard")
def dashboard() -> str:
    """Open, due this week, overdue and over three months; monthly compliance as a chart and a table."""
    today = uk_today()
    months = reports.compliance(today)
    return render_template("subject_access/staff/dashboard.html", counts=reports.counts(today), months=months,
                           chart=reports.chart(months), today=today)


@staff.route("/new", methods=["GET", "POST"])
def new() -> Response | str | tuple[str, int]:
    """Enter a request that came by post or email, with the date it was received."""
    values: dict[str, Any] = {"for_whom": "self", "scope": "everything", "delivery": "post", "channel": "post",
                              "regime": rules.UK_GDPR}
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = request.form.to_dict()
        cleaned, errors = questions.check_all(request.form)
        received, problem = questions.read_date(request.form, "received_on")
        if problem or received is None:
            errors["received_on"] = _("Enter the date the request was received")
        elif received > uk_today():
            errors["received_on"] = _("The date received must be today or in the past")
        channel = request.form.get("channel", "")
        if channel not in ("post", "email"):
            errors["channel"] = _("Select how the request arrived")
        regime = request.form.get("regime", "")
        if regime not in rules.REGIMES:
            errors["regime"] = _("Select the law the request falls under")
        if not errors and received is not None:
            case, _sar = requests.open_request(cleaned, received_on=received, channel=channel, actor=_actor(),
                                              regime=regime)
            db.session.commit()
            flash(_("Request %(reference)s entered.", reference=case.reference), "success")
            return redirect(url_for(".case", reference=case.reference))
    return render_template("subject_access/staff/new.html", v=values, errors=errors, q=questions,
                           regimes=rules.REGIMES), (400 if errors else 200)


# -- one request ----------------------------------------------------------------------------------------------


def _page(case: Case, sar: Any, errors: dict[str, str] | None = None, status: int = 200) -> tuple[str, int]:
    settings = service_settings(SERVICE_KEY)
    today = uk_today()
    link = disclosure.current_link(case)
    return render_template(
        "subject_access/staff/request.html", case=case, sar=sar, errors=errors or {}, today=today,
        days=rules.days_remaining(sar.deadline, today), state=WORKFLOW.state(case.state),
        items=search.items(case), searches=search.system_searches(case), systems=systems(settings),
        exemptions=exemptions(settings, sar.regime), evidence=requests.documents(case, (requests.ID_EVIDENCE,
                                                                                          requests.AUTHORITY)),
        clarifications=requests.clarifications(case), problems=review.problems(case), link=link,
        link_problem=disclosure.link_problem(link) if link else None, staff=staff_choices(),
        regimes=rules.REGIMES, history=case.events, workflow=WORKFLOW, q=questions,
    ), status


@staff.get("/r/<reference>")
def case(reference: str) -> tuple[str, int]:
    """One request: the clock, identity, searches, items, approval and the download link."""
    return _page(*_found(reference))


def _act(reference: str, action: Any, done: str, field: str) -> Response | tuple[str, int]:
    """Run `action(case, sar)`; commit and go back to the request, or show the refusal in an error summary."""
    case, sar = _found(reference)
    try:
        action(case, sar)
        db.session.commit()
    except (Refused, engine.TransitionRefused, UploadRejected) as refused:
        db.session.rollback()
        case, sar = _found(reference)
        return _page(case, sar, {field: str(refused.message)}, 400)
    flash(done, "success")
    return redirect(url_for(".case", reference=reference) + f"#{field}")


@staff.post("/r/<reference>/identity")
def identity(reference: str) -> Response | tuple[str, int]:
    """Accept the proof of identity (the clock starts) or reject it with a reason."""
    accept = request.form.get("decision") == "accept"
    reason = request.form.get("reason", "").strip()

    def act(case: Case, sar: Any) -> None:
        if accept:
            requests.accept_identity(case, sar, _actor())
        elif not reason:
            raise Refused(_("Enter why the proof of identity cannot be accepted."), "reason_required")
        else:
            requests.reject_identity(case, sar, reason, _actor())

    return _act(reference, act, _("Proof of identity recorded."), "identity")


@staff.post("/r/<reference>/evidence")
def evidence(reference: str) -> Response | tuple[str, int]:
    """Add proof of identity that came by post or email, with the day it arrived (today if not given)."""
    def act(case: Case, sar: Any) -> None:
        if case.state not in ("awaiting_identity", "identity_check"):
            raise Refused(_("Proof of identity is only needed before the clock starts."), "wrong_state")
        arrived, problem = questions.read_date(request.form, "evidence_received_on")
        if problem == "missing":
            arrived = uk_today()
        elif problem or arrived is None or arrived > uk_today() or arrived < sar.received_on - timedelta(days=365):
            raise Refused(_("Enter the date the proof of identity arrived, today or in the past"), "bad_date")
        requests.upload_evidence(case, sar, request.files.get("evidence"), received_on=arrived)

    return _act(reference, act, _("Proof of identity added."), "identity")


@staff.post("/r/<reference>/regime")
def regime(reference: str) -> Response | tuple[str, int]:
    """Record the law the request falls under."""
    return _act(reference, lambda c, s: requests.set_regime(c, s, request.form.get("regime", ""), _actor()),
                _("Regime recorded."), "regime")


@staff.post("/r/<reference>/extend")
def extend(reference: str) -> Response | tuple[str, int]:
    """Extend a complex UK GDPR request within its first month (the requester is emailed)."""
    months = request.form.get("months", "")
    return _act(reference, lambda c, s: requests.extend(c, s, int(months) if months.isdigit() else 0,
                                                        request.form.get("reason", ""), _actor()),
                _("Extension recorded and the requester told."), "extend")


@staff.post("/r/<reference>/clarify")
def clarify(reference: str) -> Response | tuple[str, int]:
    """Record and send a clarification question (the deadline stands)."""
    return _act(reference, lambda c, s: requests.clarify(c, s, request.form.get("question", ""), _actor()),
                _("Clarification sent. The deadline has not changed."), "clarify")


@staff.post("/r/<reference>/search")
def run_search(reference: str) -> Response | tuple[str, int]:
    """Search every service the force runs for the requester's data."""
    def act(case: Case, sar: Any) -> None:
        if case.state != "searching":
            raise Refused(_("Search while the request is in the searching stage."), "wrong_state")
        search.run_search(case, sar, _actor())

    return _act(reference, act, _("Services searched."), "services")


@staff.post("/r/<reference>/items/<int:item_id>/include")
def include(reference: str, item_id: int) -> Response | tuple[str, int]:
    """Include a found item for review, or discard it."""
    def act(case: Case, sar: Any) -> None:
        found = search.item(case, item_id) or abort(404)
        if case.state not in ("searching", "review"):
            raise Refused(_("Items can only change while searching or reviewing."), "wrong_state")
        search.include(case, found, request.form.get("include") == "yes", _actor())

    return _act(reference, act, _("Item updated."), "services")


@staff.post("/r/<reference>/systems")
def system(reference: str) -> Response | tuple[str, int]:
    """Tick one of the force's systems as searched, with what was found and any material."""
    def act(case: Case, sar: Any) -> None:
        if case.state not in ("searching", "review"):
            raise Refused(_("Systems can only be recorded while searching or reviewing."), "wrong_state")
        search.record_system_search(case, request.form.get("system", ""), systems(service_settings(SERVICE_KEY)),
                                    request.form.get("found") == "yes", request.form.get("notes", ""), _actor(),
                                    request.files.get("material"))

    return _act(reference, act, _("System search recorded."), "systems")


@staff.post("/r/<reference>/transition")
def transition(reference: str) -> Response | tuple[str, int]:
    """Finish searching, record a posted response, or withdraw (other steps have their own forms)."""
    _found(reference)  # 404 before anything else for another force's reference
    name = request.form.get("transition", "")
    if name not in ("finish_search", "withdraw", "record_posted"):
        abort(400)
    return _act(reference, lambda c, s: engine.fire(c, name, actor=_actor(), note=request.form.get("note", "")),
                _("Request updated."), "actions")


@staff.route("/r/<reference>/items/<int:item_id>", methods=["GET", "POST"])
def item(reference: str, item_id: int) -> Response | str | tuple[str, int]:
    """Decide on one item: disclose, withhold or disclose with redactions, with the exemption and a note."""
    case, sar = _found(reference)
    found = search.item(case, item_id) or abort(404)
    allowed = exemptions(service_settings(SERVICE_KEY), sar.regime)
    errors: dict[str, str] = {}
    values = {"decision": found.decision, "exemption": found.exemption, "note": found.note,
              "terms": "\n".join(found.redact_terms or []), "boxes": review.boxes_text(found.redact_boxes or [])}
    if request.method == "POST":
        values = request.form.to_dict()
        try:
            if case.state != "review":
                raise Refused(_("Decide on items in the review stage."), "wrong_state")
            review.decide(case, found, values.get("decision", ""), values.get("exemption", ""),
                          values.get("note", ""), allowed, _actor(),
                          terms=values.get("terms", "").splitlines(), boxes=review.parse_boxes(values.get("boxes", "")))
            db.session.commit()
        except Refused as refused:
            db.session.rollback()
            errors = {"decision": str(refused.message)}
            case, sar = _found(reference)
            found = search.item(case, item_id) or abort(404)
        else:
            flash(_("Decision recorded."), "success")
            return redirect(url_for(".item", reference=reference, item_id=item_id))
    return render_template("subject_access/staff/item.html", case=case, sar=sar, item=found, exemptions=allowed,
                           v=values, errors=errors), (400 if errors else 200)


@staff.post("/r/<reference>/submit")
def submit(reference: str) -> Response | tuple[str, int]:
    """Send the response for a second person's approval: a disclosure, or neither confirm nor deny."""
    outcome = request.form.get("outcome", "")

    def act(case: Case, sar: Any) -> None:
        if outcome == review.NCND:
            allowed = exemptions(service_settings(SERVICE_KEY), sar.regime)
            if request.form.get("exemption", "") not in allowed:
                raise Refused(_("Choose the exemption that applies."), "exemption_required")
            if not request.form.get("note", "").strip():
                raise Refused(_("Enter a note to say why the exemption applies."), "note_required")
            sar.outcome_exemption = request.form["exemption"]
            sar.outcome_note = request.form["note"].strip()
        review.send_for_approval(case, sar, outcome, _actor())

    return _act(reference, act, _("Sent for approval."), "approval")


@staff.post("/r/<reference>/approve")
@staff_required("supervisor")
def approve(reference: str) -> Response | tuple[str, int]:
    """A supervisor other than the sender approves: the response is built and the link emailed."""
    days = int(service_settings(SERVICE_KEY)["download_days"])
    return _act(reference, lambda c, s: disclosure.approve(c, s, _actor(), days),
                _("Response approved. The requester has been told how it reaches them."), "approval")


@staff.post("/r/<reference>/send-back")
@staff_required("supervisor")
def send_back(reference: str) -> Response | tuple[str, int]:
    """The approver sends the response back with a note."""
    return _act(reference, lambda c, s: disclosure.send_back(c, request.form.get("note", ""), _actor()),
                _("Sent back for changes."), "approval")


@staff.post("/r/<reference>/revoke")
def revoke(reference: str) -> Response | tuple[str, int]:
    """Stop the download link working."""
    def act(case: Case, sar: Any) -> None:
        link = disclosure.current_link(case)
        if link is None:
            raise Refused(_("There is no download link."), "no_link")
        disclosure.revoke(link, case, _actor())

    return _act(reference, act, _("The download link no longer works."), "download")


@staff.app_template_global("subject_access_may_approve")
def _may_approve() -> bool:
    """Template global: whether the signed-in person holds the approver's role."""
    return has_role("supervisor")
