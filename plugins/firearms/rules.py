"""The firearms licensing rules as pure functions: fees, referees, history, certificate dates, appeals.

Figures are the statutory ones (Firearms Act 1968, fees from 5 February 2025); fees come from the
force's settings (settings.py) so a force can follow a future fees order before a code change.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from frontcounter_firearms.dates import add_years
from frontcounter_firearms.history import (
    ADDRESS_YEARS,
    GP_YEARS,
    address_history_problems,
    coverage_problems,
    gp_history_problems,
)
from frontcounter_firearms.settings import FirearmsSettings

__all__ = [
    "ADDRESS_YEARS",
    "APPEAL_DAYS",
    "CERTIFICATE_YEARS",
    "FAC",
    "GB_COUNTRIES",
    "GP_YEARS",
    "GRANT",
    "KINDS",
    "MEDICAL_CONDITIONS",
    "MIN_YEARS_KNOWN",
    "RENEWAL",
    "RENEWAL_REMINDER_WEEKS",
    "SECTION_28B_WEEKS",
    "SGC",
    "VARIATION",
    "FeeQuote",
    "address_history_problems",
    "appeal_deadline",
    "coverage_problems",
    "declared_conditions",
    "expiry_for",
    "fee_for",
    "gp_history_problems",
    "is_like_for_like",
    "referee_problems",
    "referees_needed",
    "referees_required",
    "reminder_date",
    "renewal_reminder_due",
    "section_28b_extension",
]

GRANT, RENEWAL, VARIATION = "grant", "renewal", "variation"
KINDS = (GRANT, RENEWAL, VARIATION)
FAC, SGC = "fac", "sgc"
CERTIFICATES = (FAC, SGC)

CERTIFICATE_YEARS = 5
RENEWAL_REMINDER_WEEKS = 14
SECTION_28B_WEEKS = 8
APPEAL_DAYS = 21
MIN_YEARS_KNOWN = 2
GB_COUNTRIES = ("england", "scotland", "wales")

# -- fees ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeeQuote:
    """The fee for an application: pence, what it is for, and the force setting it came from (None: free)."""

    pence: int
    label: LazyString
    setting: str | None


_FEES: dict[tuple[str, frozenset[str]], tuple[str, LazyString]] = {
    (GRANT, frozenset({FAC})): ("fac_grant_fee", _l("Firearm certificate grant")),
    (GRANT, frozenset({SGC})): ("sgc_grant_fee", _l("Shotgun certificate grant")),
    (GRANT, frozenset({FAC, SGC})): (
        "coterminous_grant_fee",
        _l("Coterminous grant of firearm and shotgun certificates"),
    ),
    (RENEWAL, frozenset({FAC})): ("fac_renewal_fee", _l("Firearm certificate renewal")),
    (RENEWAL, frozenset({SGC})): ("sgc_renewal_fee", _l("Shotgun certificate renewal")),
    (RENEWAL, frozenset({FAC, SGC})): (
        "coterminous_renewal_fee",
        _l("Coterminous renewal of firearm and shotgun certificates"),
    ),
    (VARIATION, frozenset({FAC})): ("variation_fee", _l("Firearm certificate variation")),
}
LIKE_FOR_LIKE = _l("Like-for-like firearm certificate variation (no fee)")


def _statutory_fees() -> dict[str, Any]:
    return FirearmsSettings().load({})


def fee_for(application: Mapping[str, Any], settings: Mapping[str, Any] | None = None) -> FeeQuote:
    """Return the fee for an application (kind, certificates, like_for_like) under the force's `settings`.

    Raises ValueError for a combination the law has no fee for (e.g. varying a shotgun certificate).
    """
    kind = application.get("kind")
    certificates = frozenset(application.get("certificates") or ())
    entry = _FEES.get((kind, certificates))
    if entry is None:
        raise ValueError(f"No fee for a {kind!r} of {sorted(certificates)}")
    if kind == VARIATION and application.get("like_for_like"):
        return FeeQuote(0, LIKE_FOR_LIKE, None)
    key, label = entry
    fees = settings if settings is not None and key in settings else _statutory_fees()
    return FeeQuote(int(fees[key]), label, key)


# -- referees ------------------------------------------------------------------------------------


LIKE_FOR_LIKE_PAGES = ("application", "personal", "firearms", "security")


def is_like_for_like(application: Mapping[str, Any]) -> bool:
    """True for a like-for-like variation: a firearm swapped for one of the same type and calibre (no fee, and
    no referees, medical or GP questions, photo or home visit history to give again)."""
    return application.get("kind") == VARIATION and bool(application.get("like_for_like"))


def referees_needed(application: Mapping[str, Any]) -> int:
    """How many referees the application needs: none for a like-for-like variation, else by certificate."""
    if is_like_for_like(application):
        return 0
    return referees_required(application.get("certificates") or ())


def referees_required(certificates: Collection[str]) -> int:
    """Return how many referees an application needs: two with a firearm certificate, else one."""
    chosen = set(certificates)
    if not chosen or not chosen <= set(CERTIFICATES):
        raise ValueError(f"Unknown certificates {sorted(chosen)}")
    return 2 if FAC in chosen else 1


def _same_person(referee: Mapping[str, Any], applicant: Mapping[str, Any]) -> bool:
    def name(person: Mapping[str, Any]) -> str:
        return " ".join(str(person.get("name") or "").casefold().split())

    def email(person: Mapping[str, Any]) -> str:
        return str(person.get("email") or "").strip().casefold()

    same_email = bool(email(referee)) and email(referee) == email(applicant)
    return same_email or (bool(name(referee)) and name(referee) == name(applicant))


def referee_problems(referee: Mapping[str, Any], applicant: Mapping[str, Any]) -> list[str]:
    """Return why `referee` (name, email, years_known, country, relationship, firearms_dealer, police) may not act."""
    if _same_person(referee, applicant):
        return [_("Your referee cannot be you: give the details of someone else")]
    name = referee.get("name") or _("Your referee")
    problems = []
    if int(referee.get("years_known") or 0) < MIN_YEARS_KNOWN:
        problems.append(_("%(name)s must have known you for at least 2 years", name=name))
    if referee.get("country") not in GB_COUNTRIES:
        problems.append(_("%(name)s must live in Great Britain (England, Scotland or Wales)", name=name))
    if referee.get("relationship") == "family":
        problems.append(_("%(name)s cannot be a member of your family", name=name))
    if referee.get("firearms_dealer"):
        problems.append(_("%(name)s cannot be a registered firearms dealer", name=name))
    if referee.get("police"):
        problems.append(_("%(name)s cannot be a police officer or a member of police staff", name=name))
    return problems


# -- certificate dates ---------------------------------------------------------------------------


def expiry_for(issue_date: date) -> date:
    """Return when a certificate issued on `issue_date` expires: 5 years on (29 February: 28 February)."""
    return add_years(issue_date, CERTIFICATE_YEARS)


def reminder_date(expiry: date, weeks: int = RENEWAL_REMINDER_WEEKS) -> date:
    """Return the day the renewal reminder for a certificate expiring on `expiry` is due."""
    return expiry - timedelta(weeks=weeks)


def renewal_reminder_due(expiry: date, today: date, weeks: int = RENEWAL_REMINDER_WEEKS) -> bool:
    """True from `weeks` before `expiry` up to and including the expiry date itself."""
    return reminder_date(expiry, weeks) <= today <= expiry


def section_28b_extension(expiry: date, received_on: date) -> date | None:
    """Return the date a certificate stays in force to under s.28B (renewal received at least 8 weeks
    before expiry: 8 weeks past expiry, while it is processed), or None when it was received too late."""
    if received_on <= expiry - timedelta(weeks=SECTION_28B_WEEKS):
        return expiry + timedelta(weeks=SECTION_28B_WEEKS)
    return None


def appeal_deadline(refused_on: date) -> date:
    """Return the last day to appeal to the Crown Court against a refusal or revocation made on `refused_on`."""
    return refused_on + timedelta(days=APPEAL_DAYS)


# -- medical declaration -------------------------------------------------------------------------

MEDICAL_CONDITIONS: tuple[tuple[str, LazyString], ...] = (
    ("acute_stress", _l("Acute stress reaction or post-traumatic stress disorder (PTSD)")),
    ("suicidal_thoughts", _l("Suicidal thoughts or self-harm")),
    ("depression_anxiety", _l("Depression or anxiety")),
    ("dementia", _l("Dementia")),
    ("mania_psychosis", _l("Mania, bipolar disorder or a psychotic illness")),
    ("personality_disorder", _l("A personality disorder")),
    ("neurological", _l("A neurological condition, for example epilepsy")),
    ("substance_misuse", _l("Alcohol or drug misuse")),
    ("other", _l("Any other mental or physical condition that could affect your safe possession of firearms")),
)


def declared_conditions(answers: Mapping[str, Any]) -> list[str]:
    """Return the keys of the medical conditions answered yes, in the declaration's order."""
    return [key for key, _label in MEDICAL_CONDITIONS if answers.get(key) is True]
