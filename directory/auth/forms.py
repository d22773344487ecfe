from flask import current_app
from wtforms import BooleanField, EmailField, Field, HiddenField, PasswordField, RadioField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from directory.forms import Form, choices
from directory.models import Role
from directory.services.core.passwords import password_problems


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
    name = StringField("Your name (optional)", validators=[Optional(), Length(max=120)])
    email = EmailField("Email address", validators=[DataRequired(), Length(max=254)])
    password = PasswordField(
        "Password",
        validators=[DataRequired(), Length(max=200)],
        description="At least 10 characters, not a common password.",
    )
    confirm = PasswordField(
        "Password again", validators=[DataRequired(), EqualTo("password", message="The two passwords differ.")]
    )

    def validate_password(self, field: Field) -> None:
        _all_password_problems(field, self.email.data or "")


class LoginForm(Form):
    email = EmailField("Email address", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])
    remember = BooleanField("Keep me logged in on this device")
    next = HiddenField()


class ForgotPasswordForm(Form):
    email = EmailField("Email address", validators=[DataRequired(), Length(max=254)])


class ResetPasswordForm(Form):
    password = PasswordField(
        "New password",
        validators=[DataRequired(), Length(max=200)],
        description="At least 10 characters, not a common password.",
    )
    confirm = PasswordField(
        "New password again", validators=[DataRequired(), EqualTo("password", message="The two passwords differ.")]
    )

    def validate_password(self, field: Field) -> None:
        _all_password_problems(field)


class EmptyForm(Form):
    """A form with only the CSRF token, for POST-only buttons."""
