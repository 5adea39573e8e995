"""The form on an expired link's page: the applicant's email address, to send a new link."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField

from frontcounter.email_input import email_field


class NewLinkForm(FlaskForm):
    """Ask for a new tracking link by email."""

    email = email_field()
    submit = SubmitField(_l("Send me a new link"), widget=GovSubmitInput())
