"""The conditions the firearms workflow's transitions need, read from the case, its documents and its rows.

Case.data holds the answers: data["application"] = {"kind", "certificates", "like_for_like"} and
data["fee_pence"], the fee quoted when the application was sent (0 for a like-for-like variation).
Documents of kind PHOTO and GP_INFORMATION are the applicant's photograph and the GP's medical
information (uploaded by the applicant, the GP's reply scanned in by staff, or sent by a GP portal).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from frontcounter.cases import Guard
from frontcounter.documents.models import Document
from frontcounter.extensions import db
from frontcounter.payments import is_paid
from frontcounter_firearms.checks import latest_checks
from frontcounter_firearms.models import CheckStatus, Referee
from frontcounter_firearms.rules import RENEWAL, is_like_for_like, referees_needed

if TYPE_CHECKING:
    from frontcounter.cases.models import Case

PHOTO = "photo"
GP_INFORMATION = "gp-information"


def application_of(case: Case) -> Mapping[str, Any]:
    """Return the application's kind, certificates and like_for_like flag from the case's answers."""
    return (case.data or {}).get("application") or {}


def _fee_settled(case: Case) -> str | None:
    if (case.data or {}).get("fee_pence") == 0 or is_paid(case):
        return None
    return _("The fee has not been paid.")


def _has_document(case: Case, kind: str) -> bool:
    found = db.session.scalar(db.select(Document.id).where(Document.case_id == case.id, Document.kind == kind).limit(1))
    return found is not None


def _photo(case: Case) -> str | None:
    if is_like_for_like(application_of(case)) or _has_document(case, PHOTO):
        return None
    return _("The applicant's photo has not been uploaded.")


def _gp_information(case: Case) -> str | None:
    if is_like_for_like(application_of(case)) or _has_document(case, GP_INFORMATION):
        return None
    return _("The GP's medical information has not been received.")


def confirmed_referees(case: Case) -> int:
    """Return how many of the case's referees have confirmed (and not declined)."""
    rows = db.session.scalars(db.select(Referee).where(Referee.case_id == case.id))
    return sum(1 for referee in rows if referee.has_confirmed)


def _needed_referees(case: Case) -> int | None:
    try:
        return referees_needed(application_of(case))
    except ValueError:
        return None


def _referees_confirmed(case: Case) -> str | None:
    needed = _needed_referees(case)
    if needed is None:
        return _("The application does not say which certificates it is for.")
    confirmed = confirmed_referees(case)
    if confirmed < needed:
        return _("%(confirmed)s of the %(needed)s referees needed have confirmed.", confirmed=confirmed, needed=needed)
    return None


def _referees_outstanding(case: Case) -> str | None:
    needed = _needed_referees(case)
    if needed is not None and confirmed_referees(case) >= needed:
        return _("Every referee needed has confirmed.")
    return None


def _checks_complete(case: Case) -> str | None:
    checks = latest_checks(case)
    if not checks:
        return _("Run the background checks first.")
    failed = sorted(name for name, row in checks.items() if row.status == CheckStatus.ERROR)
    if failed:
        return _("Run these background checks again: %(systems)s.", systems=", ".join(failed))
    return None


def _renewal_only(case: Case) -> str | None:
    if application_of(case).get("kind") == RENEWAL or is_like_for_like(application_of(case)):
        return None
    return _("Only a renewal can be enquired into by phone: arrange a home visit.")


FEE_SETTLED = Guard("fee_settled", _fee_settled)
PHOTO_PRESENT = Guard("photo", _photo)
GP_INFORMATION_PRESENT = Guard("gp_information", _gp_information)
REFEREES_CONFIRMED = Guard("referees_confirmed", _referees_confirmed)
REFEREES_OUTSTANDING = Guard("referees_outstanding", _referees_outstanding)
CHECKS_COMPLETE = Guard("checks_complete", _checks_complete)
RENEWAL_ONLY = Guard("renewal_only", _renewal_only)
