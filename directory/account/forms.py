from flask_babel import lazy_gettext as _l
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from directory.forms import Form, _lt
from directory.services.core.passwords import PASSWORD_MAX_LENGTH


class ChangePasswordForm(Form):
    current = PasswordField(_lt("Current password"), validators=[DataRequired(), Length(max=PASSWORD_MAX_LENGTH)])
    password = PasswordField(
        _lt("New password"),
        validators=[DataRequired(), Length(max=PASSWORD_MAX_LENGTH)],
        description=_lt("At least 10 characters, not a common password."),
    )
    confirm = PasswordField(
        _lt("New password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
    )


class DeleteAccountForm(Form):
    password = PasswordField(
        _lt("Your password, to confirm"), validators=[DataRequired(), Length(max=PASSWORD_MAX_LENGTH)]
    )
