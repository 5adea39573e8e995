"""The requester's pages, mounted at /<force>/subject_access/: the questions, check and send, identity
evidence (now or from the emailed link), and the secure download of the response.

Tracking is the core's page (/<force>/track/<reference>), with this plugin's panel for the deadline.
"""

from __future__ import annotations

import secrets
from datetime import date

from flask import Blueprint, abort, redirect, render_template, request, send_file, session, url_for
from flask_babel import format_date
from frontcounter.accounts.auth import current_account
from frontcounter.calendar import uk_today
from frontcounter.cases.models import Case
from frontcounter.cases.public_views import visible_case
from frontcounter.cases.tracking import tracking_token
from frontcounter.documents.storage import storage
from frontcounter.documents.uploads import UploadRejected
from frontcounter.extensions import db
from frontcounter.refusals import Refused
from frontcounter.tenancy import current_tenant
from frontcounter_subject_access import answers as questions
from frontcounter_subject_access import disclosure
from frontcounter_subject_access.models import SarDraft
from frontcounter_subject_access.requests import AUTHORITY, find, open_request, request_for, upload_evidence
from frontcounter_subject_access.rules import days_remaining
from frontcounter_subject_access.workflow import SERVICE_KEY
from werkzeug.wrappers import Response

bp = Blueprint("subject_access", __name__, template_folder="templates")
DRAFTS = "subject_access_drafts"  # session: force slug -> the draft's public id
DOWNLOADS = "subject_access_downloads"  # session: disclosure ids this browser proved with a code


@bp.app_template_global("subject_access_panel")
def _panel(case: Case) -> dict:
    """Template global: the request's deadline and identity state for the tracking page."""
    sar = request_for(case)
    return {"sar": sar, "days": days_remaining(sar.deadline, uk_today())}


@bp.app_template_filter("sar_date")
def _sar_date(value: date | str | None) -> str:
    """Template filter: a date (or ISO text) like 3 March 2026, in the page's language."""
    if not value:
        return ""
    return format_date(value if isinstance(value, date) else date.fromisoformat(str(value)), "d MMMM yyyy")


def _may_request() -> bool:
    return current_account() is not None or SERVICE_KEY in session.get("guest_services", [])


def _draft(create: bool = False) -> SarDraft | None:
    public_id = session.get(DRAFTS, {}).get(current_tenant().slug)
    draft = db.session.scalar(db.select(SarDraft).filter_by(public_id=public_id)) if public_id else None
    if draft is None and create:
        account = current_account()
        draft = SarDraft(public_id=secrets.token_urlsafe(24), data={"email": account.email} if account else {})
        db.session.add(draft)
        db.session.flush()
        session[DRAFTS] = {**session.get(DRAFTS, {}), current_tenant().slug: draft.public_id}
    return draft


def _journey() -> SarDraft:
    if not _may_request():
        abort(redirect(url_for("force.start", service_key=SERVICE_KEY)))
    draft = _draft(create=True)
    assert draft is not None
    return draft


@bp.get("/")
def start() -> Response | str:
    """What you need and what happens; then the first question."""
    if not _may_request():
        return redirect(url_for("force.start", service_key=SERVICE_KEY))
    return render_template("subject_access/public/start.html")


@bp.route("/ask/<page>", methods=["GET", "POST"])
def question(page: str) -> Response | str:
    """One page of questions; on to the next page, or back to the check page after a change."""
    if page not in questions.PAGES:
        abort(404)
    draft = _journey()
    values = dict(draft.data)
    errors: dict[str, str] = {}
    if request.method == "POST":
        cleaned, errors = questions.CHECKS[page](request.form)
        if not errors:
            draft.data = {**draft.data, **cleaned}
            db.session.commit()
            following = questions.PAGES.index(page) + 1
            if request.args.get("change") or following == len(questions.PAGES):
                return redirect(url_for("subject_access.check"))
            return redirect(url_for("subject_access.question", page=questions.PAGES[following]))
        values = {**values, **request.form.to_dict()}
    db.session.commit()
    index = questions.PAGES.index(page)
    back = url_for("subject_access.question", page=questions.PAGES[index - 1]) if index else url_for(
        "subject_access.start")
    return render_template(f"subject_access/public/{page}.html", page=page, title=questions.TITLES[page],
                           v=values, errors=errors, back=back, q=questions)


@bp.route("/check", methods=["GET", "POST"])
def check() -> Response | str:
    """Check your answers, then send the request."""
    draft = _journey()
    missing = questions.first_unanswered(draft.data)
    if missing:
        db.session.commit()
        return redirect(url_for("subject_access.question", page=missing))
    if request.method == "POST":
        account = current_account()
        case, _sar = open_request(draft.data, received_on=uk_today(), channel="online",
                                  actor=account.email if account else f"requester:{draft.data['email']}",
                                  account_id=account.id if account else None)
        db.session.delete(draft)
        db.session.commit()
        session[DRAFTS] = {k: v for k, v in session.get(DRAFTS, {}).items() if k != current_tenant().slug}
        session["tracked_cases"] = [*session.get("tracked_cases", []), case.id][-20:]  # this browser may follow it
        return redirect(url_for("subject_access.identity", reference=case.reference, token=tracking_token(case)))
    db.session.commit()
    return render_template("subject_access/public/check.html", rows=questions.summary(draft.data))


def _own_request(reference: str) -> tuple:
    found = find(reference) or abort(404)
    visible_case(reference, request.args.get("token"))  # 404 unless the visitor owns it
    return found


@bp.route("/request/<reference>/identity", methods=["GET", "POST"])
def identity(reference: str) -> Response | str:
    """Upload proof of identity (and a signed authority when asking for someone else), now or later."""
    case, sar = _own_request(reference)
    other = (sar.answers or {}).get("for_whom") == "other"
    error, field = None, "evidence"
    if request.method == "POST":
        if case.state not in ("awaiting_identity", "identity_check"):
            return redirect(url_for("cases_public.track", reference=reference))
        try:
            if other:
                field = "authority"
                upload_evidence(case, sar, request.files.get("authority"), AUTHORITY)
            field = "evidence"
            upload_evidence(case, sar, request.files.get("evidence"))
            db.session.commit()
        except (UploadRejected, Refused) as refused:
            db.session.rollback()
            error = refused
        else:
            return redirect(url_for("subject_access.sent", reference=reference))
    return render_template("subject_access/public/identity.html", case=case, sar=sar, other=other, error=error,
                           field=field), (400 if error else 200)


@bp.get("/request/<reference>/sent")
def sent(reference: str) -> str:
    """Confirmation: the reference and what happens next."""
    case, sar = _own_request(reference)
    return render_template("subject_access/public/sent.html", case=case, sar=sar)


# -- the secure download -------------------------------------------------------------------------------------


def _link(token: str) -> tuple:
    link = disclosure.by_token(token) or abort(404)
    case = db.session.get(Case, link.case_id) or abort(404)
    return link, case, request_for(case)


def _proved(link, case: Case) -> bool:  # type: ignore[no-untyped-def]
    account = current_account()
    if account is not None and case.applicant_account_id == account.id:
        return True
    return link.id in session.get(DOWNLOADS, [])


@bp.route("/download/<token>", methods=["GET", "POST"])
def download(token: str) -> Response | str | tuple[str, int]:
    """The download page: ask for a one-time code, enter it, then download (or signed in to the account)."""
    link, case, sar = _link(token)
    problem = disclosure.link_problem(link)
    if problem:
        return render_template("subject_access/public/link_closed.html", problem=problem, case=case), 410
    error, sent_code = None, False
    if request.method == "POST":
        try:
            if request.form.get("action") == "send":
                disclosure.send_code(link, case, sar, token)
                sent_code = True
            else:
                disclosure.check_code(link, request.form.get("code", ""))
                session[DOWNLOADS] = [*session.get(DOWNLOADS, []), link.id][-20:]
            db.session.commit()
        except Refused as refused:
            db.session.commit()  # a wrong code still counts against the limit
            error = refused
    status = 400 if error else 200
    return render_template("subject_access/public/download.html", token=token, link=link, case=case,
                           proved=_proved(link, case), error=error, sent_code=sent_code), status


@bp.get("/download/<token>/file")
def download_file(token: str) -> Response:
    """The response PDF itself, for the requester who proved who they are; counted and audited."""
    link, case, sar = _link(token)
    if not _proved(link, case):
        return redirect(url_for("subject_access.download", token=token))
    try:
        document = disclosure.record_download(link, case, f"requester:{sar.email}")
    except Refused:
        db.session.rollback()
        return redirect(url_for("subject_access.download", token=token))
    db.session.commit()
    response = send_file(storage().open(document.storage_key), mimetype="application/pdf", as_attachment=True,
                         download_name=document.filename, conditional=False, etag=False, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response
