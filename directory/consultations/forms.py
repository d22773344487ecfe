from wtforms import BooleanField, DateTimeLocalField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from directory.forms import Form, MultiCheckboxField, choices
from directory.models import ConsultationStatus
from directory.services.community.consultations import MAX_MESSAGE


class RequestForm(Form):
    """A first-consultation request; the view fills the choices from the practitioner's profile."""

    mode = RadioField("How would you like the first consultation?", validators=[DataRequired(message="Choose one.")])
    preferred_times = MultiCheckboxField("Times that suit you", description="From the practitioner's weekly openings.")
    message = TextAreaField(
        "Message (optional)",
        validators=[Optional(), Length(max=MAX_MESSAGE)],
        description="A few words about your headaches and what you hope for. Please do not include anything urgent.",
    )
    share_answers = BooleanField("Share a summary of my questionnaire answers with this practitioner")


class AcceptForm(Form):
    proposed_time = DateTimeLocalField(
        "Proposed date and time",
        format="%Y-%m-%dT%H:%M",
        validators=[DataRequired("Propose a day and time for the first consultation.")],
        description="In your practice's local time; the patient sees it the same way.",
    )


class AnotherTimeForm(Form):
    """The patient asks for another time than the one proposed."""

    note = TextAreaField(
        "What would suit you better? (optional)",
        validators=[Optional(), Length(max=MAX_MESSAGE)],
        render_kw={"rows": 3},
    )


class DeclineForm(Form):
    reason = TextAreaField(
        "Reason for the patient",
        validators=[
            DataRequired(message="Tell the patient why, in a few words."),
            Length(max=MAX_MESSAGE, message=f"Use at most {MAX_MESSAGE:,} characters."),
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
