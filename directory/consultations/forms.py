from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from directory.forms import Form, MultiCheckboxField, choices
from directory.models import ConsultationStatus


class RequestForm(Form):
    """A first-consultation request; the view fills the choices from the practitioner's profile."""

    mode = RadioField("How would you like the first consultation?", validators=[DataRequired(message="Choose one.")])
    preferred_times = MultiCheckboxField("Times that suit you", description="From the practitioner's weekly openings.")
    message = TextAreaField(
        "Message (optional)",
        validators=[Optional(), Length(max=2000)],
        description="A few words about your headaches and what you hope for. Please do not include anything urgent.",
    )
    share_answers = BooleanField("Share a summary of my questionnaire answers with this practitioner")


class AcceptForm(Form):
    proposed_time = StringField(
        "Proposed time",
        validators=[
            DataRequired(message="Propose a day and time for the first consultation."),
            Length(max=200, message="Use at most 200 characters."),
        ],
        description="For example: Tuesday, January 14, 5:30 pm.",
    )


class DeclineForm(Form):
    reason = TextAreaField(
        "Reason for the patient",
        validators=[
            DataRequired(message="Tell the patient why, in a few words."),
            Length(max=2000, message="Use at most 2,000 characters."),
        ],
    )


class InboxFilterForm(Form):
    class Meta:
        csrf = False

    status = SelectField(
        "Show",
        choices=choices((("", "All requests"), *((s.value, s.value.capitalize()) for s in ConsultationStatus))),
        default="",
    )
