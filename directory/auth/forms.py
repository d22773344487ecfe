from flask import current_app
from wtforms import BooleanField, EmailField, Field, HiddenField, PasswordField, RadioField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from directory.forms import Form, choices
from directory.models import Role, User
from directory.models.types import column_length
from directory.services.core.passwords import PASSWORD_MAX_LENGTH, password_problems


def _all_password_problems(field: Field, email: str = "") -> None:
    """Add every way the password breaks the policy to its errors at once, beside the other fields' errors."""
    if field.data:
        field.errors.extend(password_problems(field.data, current_app.config["PASSWORD_MIN_LENGTH"], email))


class SignupForm(Form):
    role = RadioField(
        "I am",
        choices=choices(
            [
                (Role.PATIENT, "Looking for help with my headaches"),
                (Role.THERAPIST, "A practitioner offering dry needling"),
            ]
        ),
        default=Role.PATIENT.value,
        validators=[DataRequired(message="Choose one.")],
    )
    name = StringField("Your name (optional)", validators=[Optional(), Length(max=column_length(User.name))])
    email = EmailField("Email address", validators=[DataRequired(), Length(max=column_length(User.email))])
    password = PasswordField(
        "Password",
        validators=[DataRequired(), Length(max=PASSWORD_MAX_LENGTH)],
        description="At least 10 characters, not a common password.",
    )
    confirm = PasswordField(
        "Password again", validators=[DataRequired(), EqualTo("password", message="The two passwords differ.")]
    )

    def validate_password(self, field: Field) -> None:
        _all_password_problems(field, self.email.data or "")


class LoginForm(Form):
    email = EmailField("Email address", validators=[DataRequired(), Length(max=column_length(User.email))])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=PASSWORD_MAX_LENGTH)])
    remember = BooleanField("Keep me logged in on this device")
    next = HiddenField()


class ForgotPasswordForm(Form):
    email = EmailField("Email address", validators=[DataRequired(), Length(max=column_length(User.email))])


class ResetPasswordForm(Form):
    password = PasswordField(
        "New password",
        validators=[DataRequired(), Length(max=PASSWORD_MAX_LENGTH)],
        description="At least 10 characters, not a common password.",
    )
    confirm = PasswordField(
        "New password again", validators=[DataRequired(), EqualTo("password", message="The two passwords differ.")]
    )

    def validate_password(self, field: Field) -> None:
        _all_password_problems(field)
