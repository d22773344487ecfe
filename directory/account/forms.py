from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from directory.forms import Form
from directory.services.core.passwords import PASSWORD_MAX_LENGTH


class ChangePasswordForm(Form):
    current = PasswordField("Current password", validators=[DataRequired(), Length(max=PASSWORD_MAX_LENGTH)])
    password = PasswordField(
        "New password",
        validators=[DataRequired(), Length(max=PASSWORD_MAX_LENGTH)],
        description="At least 10 characters, not a common password.",
    )
    confirm = PasswordField(
        "New password again", validators=[DataRequired(), EqualTo("password", message="The two passwords differ.")]
    )


class DeleteAccountForm(Form):
    password = PasswordField("Your password, to confirm", validators=[DataRequired(), Length(max=PASSWORD_MAX_LENGTH)])
