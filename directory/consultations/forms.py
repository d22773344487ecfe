from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateTimeLocalField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from directory.forms import Form, MultiCheckboxField, _lt, choices
from directory.models import ConsultationStatus
from directory.services.community.consultations import MAX_MESSAGE


class RequestForm(Form):
    """A first-consultation request; the view fills the choices from the practitioner's profile."""

    mode = RadioField(
        _lt("How would you like the first consultation?"), validators=[DataRequired(message=_l("Choose one."))]
    )
    preferred_times = MultiCheckboxField(
        _lt("Times that suit you"), description=_lt("From the practitioner's weekly openings.")
    )
    message = TextAreaField(
        _lt("Message (optional)"),
        validators=[Optional(), Length(max=MAX_MESSAGE)],
        description=_lt(
            "A few words about your headaches and what you hope for. Please do not include anything urgent."
        ),
    )
    share_answers = BooleanField(_lt("Share a summary of my questionnaire answers with this practitioner"))


class AcceptForm(Form):
    proposed_time = DateTimeLocalField(
        _lt("Proposed date and time"),
        format="%Y-%m-%dT%H:%M",
        validators=[DataRequired(_l("Propose a day and time for the first consultation."))],
        description=_lt("In your practice's local time; the patient sees it the same way."),
    )


class AnotherTimeForm(Form):
    """The patient asks for another time than the one proposed."""

    note = TextAreaField(
        _lt("What would suit you better? (optional)"),
        validators=[Optional(), Length(max=MAX_MESSAGE)],
        render_kw={"rows": 3},
    )


class DeclineForm(Form):
    reason = TextAreaField(
        _lt("Reason for the patient"),
        validators=[
            DataRequired(message=_l("Tell the patient why, in a few words.")),
            Length(max=MAX_MESSAGE, message=_l("Use at most %(max)s characters.", max=f"{MAX_MESSAGE:,}")),
        ],
    )


class InboxFilterForm(Form):
    class Meta:
        csrf = False

    status = SelectField(
        _lt("Show"),
        choices=choices((("", "All requests"), *((s.value, s.value.capitalize()) for s in ConsultationStatus))),
        default="",
    )
