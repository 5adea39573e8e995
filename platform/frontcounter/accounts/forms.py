"""Account forms: sign up, sign in, password reset, second factor, staff management."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovPasswordInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import PasswordField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import EqualTo, InputRequired, Length, ValidationError

from frontcounter.accounts.models import Role
from frontcounter.accounts.password_policy import MIN_LENGTH as MIN_PASSWORD
from frontcounter.accounts.password_policy import password_problem
from frontcounter.email_input import email_field

ROLE_LABELS = {
    Role.CASEWORKER.value: _l("Caseworker"),
    Role.FIELD_OFFICER.value: _l("Field officer"),
    Role.SUPERVISOR.value: _l("Supervisor"),
    Role.FORCE_ADMIN.value: _l("Force administrator"),
}


def _new_password_field() -> PasswordField:
    return PasswordField(
        _l("Create a password"),
        widget=GovPasswordInput(),
        description=_l("Must be at least %(n)d characters. A few unrelated words work well.", n=MIN_PASSWORD),
        validators=[
            InputRequired(message=_l("Enter a password")),
            _meets_policy,
        ],
    )


def _meets_policy(form: FlaskForm, field: PasswordField) -> None:
    """The NCSC-style policy in accounts.password_policy: length and the common-password deny-list."""
    problem = password_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


class SignUpForm(FlaskForm):
    """Create a public account."""

    full_name = StringField(
        _l("Full name"),
        widget=GovTextInput(),
        validators=[InputRequired(message=_l("Enter your full name")), Length(max=200)],
    )
    email = email_field()
    password = _new_password_field()
    confirm = PasswordField(
        _l("Confirm password"),
        widget=GovPasswordInput(),
        validators=[
            InputRequired(message=_l("Confirm your password")),
            EqualTo("password", message=_l("Passwords must match")),
        ],
    )
    submit = SubmitField(_l("Create account"), widget=GovSubmitInput())


class SignInForm(FlaskForm):
    """Sign in with email and password."""

    email = email_field()
    password = PasswordField(
        _l("Password"), widget=GovPasswordInput(), validators=[InputRequired(message=_l("Enter your password"))]
    )
    submit = SubmitField(_l("Sign in"), widget=GovSubmitInput())


class ResetRequestForm(FlaskForm):
    """Ask for a password reset link."""

    email = email_field()
    submit = SubmitField(_l("Send reset link"), widget=GovSubmitInput())


class NewPasswordForm(FlaskForm):
    """Choose a new password from a reset link."""

    password = _new_password_field()
    confirm = PasswordField(
        _l("Confirm password"),
        widget=GovPasswordInput(),
        validators=[
            InputRequired(message=_l("Confirm your password")),
            EqualTo("password", message=_l("Passwords must match")),
        ],
    )
    submit = SubmitField(_l("Save password"), widget=GovSubmitInput())


class CodeForm(FlaskForm):
    """Enter a 6-digit code from an authenticator app."""

    code = StringField(
        _l("Security code"),
        widget=GovTextInput(),
        description=_l("The 6-digit code shown in your authenticator app"),
        validators=[InputRequired(message=_l("Enter the security code"))],
        filters=[lambda v: v.replace(" ", "") if isinstance(v, str) else v],
    )
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())

    def validate_code(self, field: StringField) -> None:
        """A code is six digits."""
        if not (field.data or "").isdigit() or len(field.data) != 6:
            raise ValidationError(_l("Enter the 6-digit security code"))


class StaffMemberForm(FlaskForm):
    """Add a staff member to the force or change their roles."""

    full_name = StringField(
        _l("Full name"),
        widget=GovTextInput(),
        validators=[InputRequired(message=_l("Enter their full name")), Length(max=200)],
    )
    email = email_field()
    roles = SelectMultipleField(
        _l("Roles"),
        widget=GovCheckboxesInput(),
        choices=list(ROLE_LABELS.items()),
        validators=[InputRequired(message=_l("Select at least one role"))],
    )
    submit = SubmitField(_l("Save"), widget=GovSubmitInput())
