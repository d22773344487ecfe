from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from directory.forms import Form, MultiCheckboxField, choices
from directory.models import ConsultationRequest, ConsultationStatus
from directory.models.types import column_length
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
    proposed_time = StringField(
        "Proposed time",
        validators=[DataRequired(), Length(max=column_length(ConsultationRequest.proposed_time))],
        description="For example: Tuesday 14 January, 17:30.",
    )


class DeclineForm(Form):
    reason = TextAreaField("Reason for the patient", validators=[DataRequired(), Length(max=MAX_MESSAGE)])


class InboxFilterForm(Form):
    class Meta:
        csrf = False

    status = SelectField(
        "Show",
        choices=choices((("", "All requests"), *((s.value, s.value.capitalize()) for s in ConsultationStatus))),
        default="",
    )
