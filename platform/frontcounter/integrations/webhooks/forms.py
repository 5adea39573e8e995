"""The forms a force admin fills in to add a webhook endpoint and to choose its events."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovSubmitInput, GovTextInput
from wtforms import SelectMultipleField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, ValidationError

from frontcounter.integrations.webhooks.addresses import UnsafeAddress, check_url


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


def _safe_url(form: FlaskForm, field: StringField) -> None:
    try:
        check_url(field.data or "")
    except UnsafeAddress as exc:
        raise ValidationError(str(exc)) from exc


class EventsForm(FlaskForm):
    """Choose the events an endpoint receives (choices are the force's event types)."""

    description = StringField(
        _l("Description (optional)"),
        widget=GovTextInput(),
        description=_l("For example, Niche records management system"),
        validators=[Length(max=200, message=_l("Description must be 200 characters or fewer"))],
        filters=[_strip],
    )
    events = SelectMultipleField(
        _l("Events"),
        widget=GovCheckboxesInput(),
        choices=[],
        validators=[InputRequired(message=_l("Select at least one event"))],
    )
    submit = SubmitField(_l("Save events"), widget=GovSubmitInput())


class EndpointForm(EventsForm):
    """Add an endpoint: where to send, a description and its events."""

    url = StringField(
        _l("Address (URL)"),
        widget=GovTextInput(),
        description=_l("The address of your system that receives the events. It must start with https://"),
        validators=[InputRequired(message=_l("Enter the address")), _safe_url],
        filters=[_strip],
    )
    submit = SubmitField(_l("Add webhook"), widget=GovSubmitInput())
