"""The public application for a firearm or shotgun certificate: question pages, uploads, check and send.

Mounted at /<force>/firearms/. The answers live in a Draft (drafts.py) until they are sent; the case
pages (paying, the home visit) are in public_case_views.py and the referees' pages in
public_referee_views.py, on this same blueprint.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from frontcounter.accounts.auth import current_account
from frontcounter.calendar import uk_today
from frontcounter.cases.tracking import tracking_token
from frontcounter.documents.records import delete_document
from frontcounter.documents.uploads import UploadRejected, store_upload
from frontcounter.extensions import db
from frontcounter.notifications import send_email
from frontcounter.tenancy import current_tenant
from frontcounter.web.i18n import page_language
from frontcounter.web.urls import external_url
from frontcounter_firearms.dates import long_date
from frontcounter_firearms.drafts import (
    RESUME_DAYS,
    Draft,
    draft_from_token,
    draft_of_account,
    find_draft,
    resume_token,
)
from frontcounter_firearms.public_forms import field_errors, form_values, posted_values, read_form
from frontcounter_firearms.public_pages import (
    CHOICES,
    LISTS,
    MAX_ITEMS,
    QUESTIONS,
    TITLES,
    UPLOADS,
    build_schema,
    clean,
    first_incomplete,
    needed_pages,
    next_page,
    previous_page,
)
from frontcounter_firearms.public_submit import NotReady, quote, submit_draft
from frontcounter_firearms.rules import referees_required
from marshmallow import ValidationError, validate
from werkzeug.wrappers import Response

bp = Blueprint("firearms", __name__, template_folder="templates")
SERVICE = "firearms"
GUEST_DRAFTS = "firearms_drafts"  # session: force slug -> a guest's draft public id


@bp.app_template_filter("firearms_long_date")
def firearms_long_date(value: date | str | None) -> str:
    """Template filter: a date (or ISO date text) like '3 March 2023'; empty for none."""
    if not value:
        return ""
    return long_date(value if isinstance(value, date) else date.fromisoformat(str(value)))


def expired_message(application: dict[str, Any]) -> str:
    """Why a renewal or variation became a grant: the certificate had already expired."""
    return _(
        "Your certificate expired on %(date)s. An expired certificate cannot be renewed or varied, so this is "
        "an application for a new certificate (a grant), at the grant fee.",
        date=firearms_long_date(application.get("current_certificate_expiry")),
    )


bp.add_app_template_global(expired_message, "firearms_expired_message")


def today() -> date:
    """Today's date, as the application's rules see it."""
    return uk_today()


# -- who is applying, and their draft -----------------------------------------------------------


def _may_apply() -> bool:
    return current_account() is not None or SERVICE in session.get("guest_services", [])


def _remember_guest_draft(draft: Draft) -> None:
    session[GUEST_DRAFTS] = {**session.get(GUEST_DRAFTS, {}), current_tenant().slug: draft.public_id}
    session["guest_services"] = sorted({*session.get("guest_services", []), SERVICE})


def _draft(*, create: bool = False) -> Draft | None:
    """The visitor's unsent draft in this force (made when `create`): their account's, or their session's."""
    account = current_account()
    if account is not None:
        draft = draft_of_account(account.id)
    else:
        draft = find_draft(session.get(GUEST_DRAFTS, {}).get(current_tenant().slug))
    if draft is None and create:
        draft = Draft(
            account_id=account.id if account else None,
            email=account.email if account else "",
            data={"language": page_language()},  # the case made from it, and its emails, keep this language
        )
        db.session.add(draft)
        db.session.flush()
        if account is None:
            _remember_guest_draft(draft)
    return draft


def _journey_draft() -> Draft:
    """The draft for a question page: the visitor must have chosen to sign in or continue as a guest."""
    if not _may_apply():
        abort(redirect(url_for("force.start", service_key=SERVICE)))
    draft = _draft(create=True)
    assert draft is not None
    return draft


def _page_url(page: str | None) -> str:
    """Where to go after a page: the next one, or back to check your answers after a change."""
    if page is None or request.args.get("change"):
        return url_for("firearms.check")
    return url_for("firearms.question", page=page)


# -- start and resume ---------------------------------------------------------------------------


@bp.get("/")
def start() -> Response | str:
    """What you need before you start; then the first question (or where you left off)."""
    if not _may_apply():
        return redirect(url_for("force.start", service_key=SERVICE))
    draft = _draft()
    return render_template("firearms/public/start.html", draft=draft)


@bp.get("/apply")
def apply() -> Response:
    """Go to the first page still to answer (the check page once every page is done)."""
    draft = _journey_draft()
    db.session.commit()
    page = first_incomplete(draft, today())
    return redirect(url_for("firearms.question", page=page) if page else url_for("firearms.check"))


@bp.get("/resume/<token>")
def resume(token: str) -> Response | tuple[str, int]:
    """A guest's emailed 'come back later' link: take the draft up again where they left off."""
    draft = draft_from_token(token)
    if draft is None or draft.account_id is not None:
        return render_template("firearms/public/link_expired.html", days=RESUME_DAYS), 410
    _remember_guest_draft(draft)
    return redirect(url_for("firearms.apply"))


# -- question pages -----------------------------------------------------------------------------


def _list_counts(page: str, values: dict[str, Any], answers: dict[str, Any]) -> dict[str, int]:
    if page == "referees":
        certificates = (answers.get("application") or {}).get("certificates") or ["fac"]
        return {"referees": referees_required(certificates)}
    if page not in LISTS:
        return {}
    name, minimum = LISTS[page]
    indexes = [int(key.split("-")[1]) for key in values if key.startswith(f"{name}-") and key.split("-")[1].isdecimal()]
    return {name: max([minimum, *(i + 1 for i in indexes)])}


def _shift_items(values: dict[str, Any], name: str, removed: int) -> dict[str, Any]:
    """Return `values` without item `removed` of list `name`, later items moved up one."""
    kept: dict[str, Any] = {}
    for key, value in values.items():
        parts = key.split("-", 2)
        if len(parts) == 3 and parts[0] == name and parts[1].isdecimal():
            index = int(parts[1])
            if index == removed:
                continue
            if index > removed:
                key = f"{name}-{index - 1}-{parts[2]}"
        kept[key] = value
    return kept


def _render_question(page: str, draft: Draft, values: dict[str, Any], errors: list[tuple[str, str, str]]) -> str:
    answers = draft.answers
    counts = _list_counts(page, values, answers)
    if page in LISTS:
        counts[LISTS[page][0]] = max(counts[LISTS[page][0]], values.pop("_extra_items", 0))
    previous = previous_page(page, answers)
    return render_template(
        f"firearms/public/{page}.html",
        page=page,
        title=TITLES[page],
        v=values,
        e={name: message for name, _href, message in reversed(errors)},
        error_list=[{"text": message, "href": f"#{href}"} for _name, href, message in errors],
        counts=counts,
        max_items=MAX_ITEMS,
        choices=CHOICES,
        answers=answers,
        back_href=url_for("firearms.question", page=previous) if previous else url_for("firearms.start"),
        change=bool(request.args.get("change")),
    )


def _edit_list(page: str, values: dict[str, Any], action: str) -> dict[str, Any] | None:
    """Apply an 'add another' or 'remove' button to the posted values; None when `action` is neither."""
    if page not in LISTS:
        return None
    name, _minimum = LISTS[page]
    if action == f"add-{name}":
        count = _list_counts(page, values, {})[name]
        return {**values, "_extra_items": min(count + 1, MAX_ITEMS)}
    prefix = f"remove-{name}-"
    if action.startswith(prefix) and action[len(prefix) :].isdecimal():
        return _shift_items(values, name, int(action[len(prefix) :]))
    return None


@bp.route("/apply/<page>", methods=["GET", "POST"])
def question(page: str) -> Response | str:
    """One page of the application: show it with the answers so far, check and keep what is sent."""
    if page in UPLOADS:
        return upload(page)
    if page not in QUESTIONS:
        abort(404)
    draft = _journey_draft()
    answers = draft.answers
    if page not in needed_pages(answers):
        return redirect(url_for("firearms.apply"))
    schema = build_schema(page, answers, today())
    unsaved = (draft.data or {}).get("unsaved") or {}
    if request.method == "GET":
        db.session.commit()
        values = unsaved.get(page) or form_values(schema, answers.get(page) or {})
        return _render_question(page, draft, dict(values), [])
    action = request.form.get("action", "continue")
    values = posted_values(request.form)
    edited = _edit_list(page, values, action)
    if edited is not None:
        db.session.commit()
        return _render_question(page, draft, edited, [])
    try:
        cleaned = clean(page, read_form(schema, request.form), answers, today())
    except ValidationError as invalid:
        if action == "save":
            draft.data = {**(draft.data or {}), "unsaved": {**unsaved, page: values}}
            db.session.commit()
            return redirect(url_for("firearms.save"))
        db.session.commit()
        return _render_question(page, draft, values, field_errors(schema, invalid.messages))
    draft.save_answers(page, cleaned)
    draft.data = {**draft.data, "unsaved": {k: v for k, v in unsaved.items() if k != page}}
    if page == "personal" and not draft.email:
        draft.email = cleaned["email"]
    db.session.commit()
    if page == "application" and cleaned.get("converted_from"):
        flash(expired_message(cleaned), "important")
    if action == "save":
        return redirect(url_for("firearms.save"))
    return redirect(_page_url(next_page(page, draft.answers)))


# -- uploads ------------------------------------------------------------------------------------


def upload(page: str) -> Response | str:
    """An upload page: the photo, or the GP's medical information form (stored without a case until sent)."""
    draft = _journey_draft()
    spec = UPLOADS[page]
    error = None
    if request.method == "POST":
        current = draft.document(spec.kind)
        action = request.form.get("action", "upload")
        if not request.files.get(page) and (action == "save" or (action == "continue" and current is not None)):
            db.session.commit()
            return redirect(url_for("firearms.save") if action == "save" else _page_url(next_page(page, draft.answers)))
        try:
            document = store_upload(
                request.files.get(page), None, spec.kind, allowed=spec.allowed, max_bytes=spec.max_bytes
            )
        except UploadRejected as rejected:
            db.session.rollback()
            draft = _journey_draft()
            error = rejected
        else:
            replaced = draft.attach(spec.kind, document)
            if replaced is not None and replaced.case_id is None:
                delete_document(replaced)
            db.session.commit()
            flash(_("%(name)s has been uploaded.", name=document.filename), "success")
            return redirect(url_for("firearms.save") if action == "save" else _page_url(next_page(page, draft.answers)))
    previous = previous_page(page, draft.answers)
    db.session.commit()
    return render_template(
        "firearms/public/upload.html",
        page=page,
        spec=spec,
        title=TITLES[page],
        error=error,
        current=draft.document(spec.kind),
        back_href=url_for("firearms.question", page=previous) if previous else url_for("firearms.start"),
    )


# -- check your answers, declaration, send --------------------------------------------------------


@bp.route("/apply/check", methods=["GET", "POST"])
def check() -> Response | str:
    """Check your answers, then declare and send: the case opens and the fee is taken (or not owed)."""
    draft = _journey_draft()
    page = first_incomplete(draft, today())
    if page is not None:  # a change made another page need answering again: back here after it
        db.session.commit()
        return redirect(url_for("firearms.question", page=page, change=1))
    answers = draft.answers
    fee = quote(answers)
    error = None
    if request.method == "POST":
        if request.form.get("declaration") != "yes":
            error = _("Confirm that the information you have given is true and complete")
        else:
            return _send(draft)
    db.session.commit()
    return render_template(
        "firearms/public/check.html",
        answers=answers,
        pages=needed_pages(answers),
        titles=TITLES,
        choices=CHOICES,
        uploads={name: draft.document(spec.kind) for name, spec in UPLOADS.items()},
        fee=fee,
        error=error,
        day=firearms_long_date,
    )


def _send(draft: Draft) -> Response:
    account = current_account()
    try:
        case = submit_draft(draft, account_id=account.id if account else None, today=today())
    except NotReady as not_ready:
        db.session.rollback()
        return redirect(url_for("firearms.question", page=not_ready.page))
    db.session.commit()
    token = tracking_token(case)
    if case.state != "awaiting_payment":
        flash(
            _("Your application has been sent. Your reference is %(reference)s.", reference=case.reference), "success"
        )
        return redirect(url_for("firearms.case", reference=case.reference, token=token))
    return redirect(url_for("firearms.pay", reference=case.reference, token=token))


# -- save and come back later -------------------------------------------------------------------


@bp.route("/apply/save", methods=["GET", "POST"])
def save() -> Response | str:
    """Saved: an account holder just signs in again; a guest gets a link by email to come back."""
    draft = _journey_draft()
    account = current_account()
    if account is not None:
        db.session.commit()
        return render_template("firearms/public/saved.html", draft=draft, account=account)
    email = request.form.get("email", draft.email or "").strip()
    error = None
    if request.method == "POST":
        try:
            validate.Email()(email)
        except ValidationError:
            error = _("Enter an email address in the correct format, like name@example.com")
        if error is None and not draft.may_email_link(datetime.now(UTC)):
            error = _("We have already sent you several links today. Use one of them, or try again tomorrow.")
        if error is None:
            draft.note_link_emailed(datetime.now(UTC))
            draft.email = email.lower()
            send_email(
                draft.email,
                _("Your firearms application: continue where you left off"),
                "email/firearms/draft_saved",
                link=external_url("firearms.resume", token=resume_token(draft)),
                days=RESUME_DAYS,
            )
            db.session.commit()
            return render_template("firearms/public/saved.html", draft=draft, account=None, emailed=True)
    db.session.commit()
    return render_template("firearms/public/save.html", email=email, error=error)


@bp.app_template_filter("firearms_choice")
def firearms_choice(value: object) -> str:
    """Template filter: a stored firearms choice (e.g. 'section1_shotgun') in the page's language."""
    from frontcounter_firearms.staff_case import label

    return label(value)
