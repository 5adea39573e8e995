"""The GOV.UK email address question, one for every form (accounts, tracking links, services)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovTextInput
from wtforms import StringField
from wtforms.validators import Email, InputRequired, Length


def email_field() -> StringField:
    """An email address field: required, checked for shape (not deliverability), lower-cased and trimmed."""
    return StringField(
        _l("Email address"),
        widget=GovTextInput(),
        validators=[
            InputRequired(message=_l("Enter your email address")),
            Email(
                message=_l("Enter an email address in the correct format, like name@example.com"),
                check_deliverability=False,
            ),
            Length(max=320),
        ],
        filters=[lambda v: v.strip().lower() if isinstance(v, str) else v],
    )
