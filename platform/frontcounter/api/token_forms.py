"""The form a force admin fills in to create an API token."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovSubmitInput, GovTextInput
from wtforms import SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length

from frontcounter.accounts.forms import ROLE_LABELS
from frontcounter.api.tokens import GRANTABLE_ROLES


class ApiTokenForm(FlaskForm):
    """Name a new token and choose the staff roles it acts with."""

    name = StringField(
        _l("Name"),
        widget=GovTextInput(),
        description=_l("Say which system will use it, for example Records management system"),
        validators=[
            DataRequired(message=_l("Enter a name for the token")),
            Length(max=100, message=_l("Name must be 100 characters or fewer")),
        ],
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
    )
    roles = SelectMultipleField(
        _l("Roles"),
        widget=GovCheckboxesInput(),
        choices=[(role, ROLE_LABELS[role]) for role in GRANTABLE_ROLES],
        validators=[InputRequired(message=_l("Select at least one role"))],
    )
    services = SelectMultipleField(_l("Services"), widget=GovCheckboxesInput(), choices=[], validate_choice=True)
    submit = SubmitField(_l("Create token"), widget=GovSubmitInput())
