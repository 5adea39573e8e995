"""Sending a finished draft: the case with every answer, its referees and uploads, the fee and s.28B."""

from __future__ import annotations

from datetime import date
from typing import Any

from frontcounter.cases import engine
from frontcounter.cases.models import Case
from frontcounter.extensions import db
from frontcounter.tenancy.services import service_settings
from frontcounter_firearms.decisions import mark_section_28b
from frontcounter_firearms.drafts import Draft
from frontcounter_firearms.models import Referee
from frontcounter_firearms.public_pages import QUESTIONS, UPLOADS, clean, needed_pages
from frontcounter_firearms.rules import GB_COUNTRIES, FeeQuote, fee_for
from frontcounter_firearms.schemas import applicant_of
from marshmallow import ValidationError

SYSTEM_ACTOR = "system: firearms application"


class NotReady(Exception):
    """The draft has a page that is missing or no longer valid: `page` says which."""

    def __init__(self, page: str) -> None:
        super().__init__(page)
        self.page = page


def final_answers(draft: Draft, today: date) -> dict[str, Any]:
    """Return the answers of every page the application needs, checked again; raise NotReady otherwise."""
    answers = draft.answers
    final: dict[str, Any] = {}
    for page in needed_pages(answers):
        if page in UPLOADS:
            if draft.document(UPLOADS[page].kind) is None:
                raise NotReady(page)
            continue
        try:
            final[page] = clean(page, answers.get(page) or {}, answers, today)
        except ValidationError:
            raise NotReady(page) from None
    return final


def quote(answers: dict[str, Any]) -> FeeQuote:
    """Return the fee that applies to the application under the force's settings."""
    return fee_for(answers.get("application") or {}, service_settings("firearms"))


def submit_draft(draft: Draft, *, account_id: int | None, today: date) -> Case:
    """Open the case for a finished draft (not committed): answers, fee, referees, uploads, s.28B.

    A free like-for-like variation goes straight on to 'submitted'; every other application waits
    for its fee. Raises NotReady when a page needs answering first.
    """
    answers = final_answers(draft, today)
    fee = quote(answers)
    data: dict[str, Any] = {
        **{page: answers[page] for page in QUESTIONS if page in answers},
        "fee_pence": fee.pence,
        "fee_setting": fee.setting,
        "received_on": today.isoformat(),
    }
    applicant = applicant_of(answers)
    case = engine.open_case(
        "firearms",
        applicant_email=applicant["email"],
        applicant_name=applicant["name"],
        account_id=account_id,
        data=data,
        actor=applicant["email"],
        language=(draft.data or {}).get("language"),
    )
    for upload in UPLOADS.values():
        document = draft.document(upload.kind)
        if document is not None:
            document.case_id = case.id
    for referee in (answers.get("referees") or {}).get("referees") or []:
        db.session.add(
            Referee(
                case_id=case.id,
                name=referee["name"],
                email=referee["email"].strip().lower(),
                relationship=referee["relationship"],
                years_known=referee["years_known"],
                lives_in_gb=referee["country"] in GB_COUNTRIES,
            )
        )
    draft.case_id = case.id
    db.session.flush()
    mark_section_28b(case, today)
    if fee.pence == 0:
        engine.fire(case, "pay", actor=SYSTEM_ACTOR, as_system=True)
    return case
