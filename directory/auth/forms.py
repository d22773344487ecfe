from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, Field, HiddenField, PasswordField, RadioField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from directory.forms import Form, _lt, choices
from directory.models import Role, User
from directory.models.types import column_length
from directory.services.core.passwords import PASSWORD_MAX_LENGTH, password_problems
from directory.vocabulary import N_


def _all_password_problems(field: Field, email: str = "") -> None:
    """Add every way the password breaks the policy to its errors at once, beside the other fields' errors."""
    if field.data:
        field.errors.extend(password_problems(field.data, current_app.config["PASSWORD_MIN_LENGTH"], email))


class SignupForm(Form):
    role = RadioField(
        _lt("I am"),
        choices=choices(
            [
                (Role.PATIENT, N_("Looking for help with my headaches")),
                (Role.THERAPIST, N_("A practitioner offering dry needling")),
            ]
        ),
        default=Role.PATIENT.value,
        validators=[DataRequired(message=_l("Choose one."))],
    )
    name = StringField(_lt("Your name (optional)"), validators=[Optional(), Length(max=column_length(User.name))])
    email = EmailField(_lt("Email address"), validators=[DataRequired(), Length(max=column_length(User.email))])
    password = PasswordField(
        _lt("Password"),
        validators=[DataRequired(), Length(max=PASSWORD_MAX_LENGTH)],
        description=_lt("At least 10 characters, not a common password."),
    )
    confirm = PasswordField(
        _lt("Password again"), validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))]
    )

    def validate_password(self, field: Field) -> None:
        _all_password_problems(field, self.email.data or "")


class LoginForm(Form):
    email = EmailField(_lt("Email address"), validators=[DataRequired(), Length(max=column_length(User.email))])
    password = PasswordField(_lt("Password"), validators=[DataRequired(), Length(max=PASSWORD_MAX_LENGTH)])
    remember = BooleanField(_lt("Keep me logged in on this device"))
    next = HiddenField()


class ForgotPasswordForm(Form):
    email = EmailField(_lt("Email address"), validators=[DataRequired(), Length(max=column_length(User.email))])


class ResetPasswordForm(Form):
    password = PasswordField(
        _lt("New password"),
        validators=[DataRequired(), Length(max=PASSWORD_MAX_LENGTH)],
        description=_lt("At least 10 characters, not a common password."),
    )
    confirm = PasswordField(
        _lt("New password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
    )

    def validate_password(self, field: Field) -> None:
        _all_password_problems(field)
