"""Who may see a document: the force's staff, and the case's applicant for its public documents."""

from __future__ import annotations

from frontcounter.accounts.auth import current_account, current_staff_member
from frontcounter.cases.access import may_open_case
from frontcounter.cases.models import Case
from frontcounter.cases.public_views import may_see_case
from frontcounter.documents.models import Document
from frontcounter.extensions import db


def is_force_staff() -> bool:
    """True when the signed-in person is a member of staff of the force in scope."""
    return current_staff_member() is not None


def applicant_may_see(case: Case) -> bool:
    """True when the visitor owns the case: signed in as its applicant, or opened its tracking link."""
    return may_see_case(case)  # the session remembers cases opened by tracking link


def may_view(document: Document) -> bool:
    """True when the visitor may download `document` (the query is already scoped to the force)."""
    if is_force_staff():
        if document.case_id is None:
            return True
        case = db.session.scalar(db.select(Case).filter_by(id=document.case_id))
        return case is not None and may_open_case(case)
    if not document.public:
        return False
    if document.case_id is None:
        account = current_account()
        return account is not None and document.uploaded_by == account.id
    case = db.session.scalar(db.select(Case).filter_by(id=document.case_id))
    return case is not None and applicant_may_see(case)


def case_documents(case: Case) -> list[Document]:
    """The case's documents the visitor may see, oldest first: all for staff, public ones otherwise."""
    query = db.select(Document).filter_by(case_id=case.id).order_by(Document.id)
    if not is_force_staff():
        if not applicant_may_see(case):
            return []
        query = query.filter_by(public=True)
    return list(db.session.scalars(query))
