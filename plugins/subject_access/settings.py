"""Subject access settings per force: identity wait, reminders, the download link, systems and exemptions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

DEFAULT_SYSTEMS = (
    "Records management system; Custody system; Intelligence system; Body-worn video; Control room and command"
    " and control logs; Police National Computer; Emails and correspondence"
)
DEFAULT_GDPR_EXEMPTIONS = (
    "DPA 2018 Sch 2 para 2: crime and taxation; DPA 2018 Sch 2 para 5: disclosure required by law or legal"
    " proceedings; DPA 2018 Sch 2 para 16: protection of the rights of others; DPA 2018 Sch 2 para 19: legal"
    " professional privilege; DPA 2018 Sch 3 Part 2: health data (serious harm); DPA 2018 s.26: national security"
)
DEFAULT_PART3_EXEMPTIONS = (
    "s.45(4)(a): avoid obstructing an official or legal inquiry, investigation or procedure; s.45(4)(b): avoid"
    " prejudicing the prevention, detection, investigation or prosecution of criminal offences; s.45(4)(c): protect"
    " public security; s.45(4)(d): protect national security; s.45(4)(e): protect the rights and freedoms of others"
)


def _list(text: str) -> list[str]:
    return [item.strip() for item in text.split(";") if item.strip()]


class SubjectAccessSettings(Schema):
    """How long to wait for identity evidence, when to remind, the download link, systems and exemptions."""

    identity_wait_days = fields.Integer(
        load_default=28,
        strict=True,
        validate=validate.Range(min=7, max=90),
        metadata={"label": _l("Days to wait for identity evidence before closing")},
    )
    identity_reminder_days = fields.Integer(
        load_default=7,
        strict=True,
        validate=validate.Range(min=1, max=60),
        metadata={
            "label": _l("Days between reminders to send identity evidence"),
            "hint": _l("A reminder is emailed each time this many days pass without evidence"),
        },
    )
    download_days = fields.Integer(
        load_default=28,
        strict=True,
        validate=validate.Range(min=1, max=90),
        metadata={"label": _l("Days the secure download link works")},
    )
    search_systems = fields.String(
        load_default=DEFAULT_SYSTEMS,
        validate=validate.Length(min=1, max=2000),
        metadata={
            "label": _l("The force's own systems to search"),
            "hint": _l("Separate the systems with semicolons"),
        },
    )
    exemptions_uk_gdpr = fields.String(
        load_default=DEFAULT_GDPR_EXEMPTIONS,
        validate=validate.Length(min=1, max=4000),
        metadata={
            "label": _l("Exemptions for UK GDPR requests"),
            "hint": _l("The DPA 2018 exemptions staff may choose, separated by semicolons"),
        },
    )
    exemptions_part3 = fields.String(
        load_default=DEFAULT_PART3_EXEMPTIONS,
        validate=validate.Length(min=1, max=4000),
        metadata={
            "label": _l("Restrictions for DPA 2018 Part 3 requests"),
            "hint": _l("The section 45(4) restrictions staff may choose, separated by semicolons"),
        },
    )


def systems(settings: dict) -> list[str]:
    """The force's own systems to search, from its settings."""
    return _list(settings["search_systems"])


def exemptions(settings: dict, regime: str) -> list[str]:
    """The exemptions (UK GDPR) or restrictions (Part 3) staff may choose for a request under `regime`."""
    return _list(settings["exemptions_part3" if regime == "part3" else "exemptions_uk_gdpr"])
