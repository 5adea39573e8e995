"""The public application's pages in order: which are needed, their schemas, words and choices.

Question pages are the schemas of schemas.py (the application page adds the current certificate's
expiry, which renewals and variations give); upload pages take the photo and the GP's form.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from frontcounter.calendar import uk_today
from frontcounter.documents.uploads import IMAGES, IMAGES_AND_PDF, MB
from frontcounter_firearms.drafts import Draft
from frontcounter_firearms.form_fields import refuse, when
from frontcounter_firearms.guards import GP_INFORMATION, PHOTO
from frontcounter_firearms.rules import FAC, GRANT, LIKE_FOR_LIKE_PAGES, MEDICAL_CONDITIONS, is_like_for_like
from frontcounter_firearms.schemas import ApplicationSchema, page_schema
from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema


class ApplicationPage(ApplicationSchema):
    """What is applied for, plus the current certificate's expiry for a renewal or a variation."""

    current_certificate_expiry = when(_l("Enter the date your current certificate expires"), optional=True)
    converted_from = fields.String(load_default="", validate=validate.OneOf(("", "renewal", "variation")))

    @validates_schema
    def _expiry_when_held(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data["kind"] != GRANT and data.get("current_certificate_expiry") is None:
            raise refuse(_l("Enter the date your current certificate expires"), "current_certificate_expiry")

    @post_load
    def _expired_becomes_grant(self, data: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
        """A certificate that has already expired cannot be renewed or varied: the application is a grant."""
        return expired_into_grant(data, uk_today())


def expired_into_grant(application: dict[str, Any], today: date) -> dict[str, Any]:
    """The application as it must be made: a renewal or variation of an expired certificate is a grant (at the
    grant fee), with converted_from saying what was asked for; anything else unchanged."""
    expiry = application.get("current_certificate_expiry")
    expired = expiry is not None and (expiry if isinstance(expiry, date) else date.fromisoformat(str(expiry))) < today
    if not expired:
        return {**application, "converted_from": ""}
    if application.get("kind") == GRANT:  # converted before (or a grant by choice): keep what was asked for
        return application
    return {**application, "kind": GRANT, "like_for_like": False, "converted_from": application["kind"]}


@dataclass(frozen=True)
class Upload:
    """An upload page: the document kind it stores, the types and size it takes, and its words."""

    kind: str
    allowed: tuple[str, ...]
    max_bytes: int
    accept: str
    hint: LazyString


QUESTIONS = ("application", "personal", "addresses", "medical", "gp", "convictions", "firearms", "security", "referees")
UPLOADS = {
    "photo": Upload(
        PHOTO,
        IMAGES,
        5 * MB,
        ".jpg,.jpeg,.png",
        _l("A recent passport-style photo: a JPG or PNG file, smaller than 5MB."),
    ),
    "gp-information": Upload(
        GP_INFORMATION,
        IMAGES_AND_PDF,
        10 * MB,
        ".pdf,.jpg,.jpeg,.png",
        _l("The medical information form your GP completed: a PDF, JPG or PNG file, smaller than 10MB."),
    ),
}
PAGES = (*QUESTIONS, *UPLOADS)

TITLES: dict[str, LazyString] = {
    "application": _l("What are you applying for?"),
    "personal": _l("Your personal details"),
    "addresses": _l("Your addresses in the last 5 years"),
    "medical": _l("Medical declaration"),
    "gp": _l("Your GP"),
    "convictions": _l("Convictions and cautions"),
    "firearms": _l("Your firearms and why you need them"),
    "security": _l("Security at your home"),
    "referees": _l("Your referees"),
    "photo": _l("Upload a photo of yourself"),
    "gp-information": _l("Upload your GP's medical information"),
}

# The repeating lists on question pages, and how many items to show when there are none yet.
LISTS: dict[str, tuple[str, int]] = {
    "addresses": ("addresses", 1),
    "gp": ("practices", 1),
    "convictions": ("convictions", 0),
    "firearms": ("firearms", 1),
}
MAX_ITEMS = 20

CHOICES: dict[str, dict[str, LazyString]] = {
    "kind": {
        "grant": _l("A new certificate (grant)"),
        "renewal": _l("A renewal of my certificate"),
        "variation": _l("A variation of my firearm certificate"),
    },
    "certificates": {"fac": _l("Firearm certificate"), "sgc": _l("Shotgun certificate")},
    "type": {
        "rifle": _l("Rifle"),
        "section1_shotgun": _l("Section 1 shotgun"),
        "muzzle_loader": _l("Muzzle-loading firearm"),
        "sound_moderator": _l("Sound moderator"),
        "other": _l("Other"),
    },
    "reason": {
        "target_shooting": _l("Target shooting at a club"),
        "deer_stalking": _l("Deer stalking"),
        "vermin_control": _l("Vermin or pest control"),
        "collecting": _l("Collecting"),
        "other": _l("Another reason"),
    },
    "storage": {"gun_cabinet": _l("A gun cabinet"), "gun_room": _l("A gun room"), "other": _l("Another way")},
    "country": {
        "england": _l("England"),
        "scotland": _l("Scotland"),
        "wales": _l("Wales"),
        "northern_ireland": _l("Northern Ireland"),
        "elsewhere": _l("Somewhere else"),
    },
    "relationship": {
        "friend": _l("Friend"),
        "colleague": _l("Work colleague"),
        "employer": _l("Employer"),
        "neighbour": _l("Neighbour"),
        "club_member": _l("Fellow club member"),
        "professional": _l("Professional person, for example a doctor or solicitor"),
        "family": _l("Family member"),
        "other": _l("Other"),
    },
    "medical": dict(MEDICAL_CONDITIONS),
}


def needed_pages(answers: Mapping[str, Any]) -> list[str]:
    """Return the pages this application needs, in order (the firearms page only with a firearm certificate)."""
    application = answers.get("application") or {}
    if is_like_for_like(application):  # only what a like-for-like variation needs
        return list(LIKE_FOR_LIKE_PAGES)
    certificates = application.get("certificates") or []
    return [page for page in PAGES if page != "firearms" or FAC in certificates]


def build_schema(page: str, answers: Mapping[str, Any], today: date | None = None) -> Schema:
    """Return the schema of question `page`, built from the answers so far."""
    if page == "application":
        return ApplicationPage()
    return page_schema(page, answers, today)


def clean(page: str, raw: Mapping[str, Any], answers: Mapping[str, Any], today: date | None = None) -> dict[str, Any]:
    """Validate one question page's raw answers; return them ready to keep (raises ValidationError)."""
    schema = build_schema(page, answers, today)
    return schema.dump(schema.load(raw))


def is_complete(draft: Draft, page: str, today: date | None = None) -> bool:
    """True when `page` has answers that are still valid given every other answer (or its upload)."""
    if page in UPLOADS:
        return draft.document(UPLOADS[page].kind) is not None
    answers = draft.answers
    if page not in answers:
        return False
    try:
        clean(page, answers[page], answers, today)
    except ValidationError:
        return False
    return True


def first_incomplete(draft: Draft, today: date | None = None) -> str | None:
    """Return the first needed page that is not complete, or None when the application is ready to check."""
    return next((p for p in needed_pages(draft.answers) if not is_complete(draft, p, today)), None)


def next_page(page: str, answers: Mapping[str, Any]) -> str | None:
    """Return the needed page after `page`, or None after the last one."""
    pages = needed_pages(answers)
    later = pages[pages.index(page) + 1 :] if page in pages else pages
    return later[0] if later else None


def previous_page(page: str, answers: Mapping[str, Any]) -> str | None:
    """Return the needed page before `page`, or None before the first one."""
    pages = needed_pages(answers)
    earlier = pages[: pages.index(page)] if page in pages else []
    return earlier[-1] if earlier else None
