"""Firearms licensing settings per force, with the statutory fees from 5 February 2025 as defaults."""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from frontcounter.plugins.fields import Money
from marshmallow import Schema, fields, validate


def _fee(default: int, label: LazyString) -> Money:
    return Money(load_default=default, max_pence=100_000, metadata={"label": label})


class FirearmsSettings(Schema):
    """Fees (pence), referee deadline and renewal reminder lead time."""

    fac_grant_fee = _fee(19800, _l("Firearm certificate grant fee"))
    sgc_grant_fee = _fee(19400, _l("Shotgun certificate grant fee"))
    fac_renewal_fee = _fee(13100, _l("Firearm certificate renewal fee"))
    sgc_renewal_fee = _fee(12600, _l("Shotgun certificate renewal fee"))
    coterminous_grant_fee = _fee(20200, _l("Coterminous grant fee"))
    coterminous_renewal_fee = _fee(15500, _l("Coterminous renewal fee"))
    variation_fee = _fee(4700, _l("Variation fee"))
    referee_days = fields.Integer(
        load_default=7,
        strict=True,
        validate=validate.Range(min=1, max=60),
        metadata={"label": _l("Days referees have to respond")},
    )
    renewal_reminder_weeks = fields.Integer(
        load_default=14,
        strict=True,
        validate=validate.Range(min=1, max=52),
        metadata={"label": _l("Weeks before expiry to send renewal reminders")},
    )
