from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import HiddenInput

from directory.forms import Form, WholeNumberField, choices
from directory.models import AuditEvent, ReviewStatus, Role
from directory.models.types import column_length
from directory.services.core.text import megabytes
from directory.services.oversight.moderation import MAX_REASON
from directory.services.verification.decisions import MAX_TEXT, REJECTION_REASONS
from directory.services.verification.roster.mapping import FIELD_LABELS, FIELDS, REQUIRED_FIELDS
from directory.services.verification.roster.reading import MAX_BYTES as ROSTER_MAX_BYTES
from directory.vocabulary import CERTIFYING_BODIES

ANY_BODY = (("", "Any issuing body"),)


class QueueFilterForm(Form):
    """The verification queue's filters, sent with GET."""

    class Meta:
        csrf = False

    body = SelectField("Issuing body", choices=choices(ANY_BODY + CERTIFYING_BODIES), default="")
    waiting = SelectField(
        "Waiting for",
        choices=choices((("", "Anyone"), ("admin", "An admin's decision"), ("therapist", "The therapist's answer"))),
        default="",
    )
    q = StringField(
        "Name, email or credential id",
        validators=[Optional(), Length(max=200, message="Search for at most 200 characters.")],
    )
    evidence = SelectField(
        "Evidence",
        choices=choices((("", "With or without"), ("with", "Has evidence"), ("without", "No evidence"))),
        default="",
    )
    expired = SelectField(
        "Expiry", choices=choices((("", "Expired or not"), ("yes", "Expired"), ("no", "Not expired"))), default=""
    )
    order = SelectField(
        "Order", choices=choices((("newest", "Newest first"), ("oldest", "Oldest first"))), default="newest"
    )


class _Versioned(Form):
    # The version the admin saw: a decision on anything newer is refused, never merged.
    version = WholeNumberField(validators=[InputRequired(), NumberRange(min=1)], widget=HiddenInput())


class ApproveForm(_Versioned):
    """Approve a certification (prefix 'approve')."""


class RejectForm(_Versioned):
    """Reject a certification with a reason (prefix 'reject')."""

    reason = RadioField(
        "Reason", choices=choices(REJECTION_REASONS), validators=[DataRequired(message="Choose a reason.")]
    )
    details = TextAreaField(
        "Explanation for the therapist",
        validators=[Optional(), Length(max=MAX_TEXT)],
        description="Required for 'Another reason'; added to the reason otherwise. The therapist reads this.",
    )

    def validate(self, extra_validators=None) -> bool:
        # Not an inline validator: Optional() ends the chain on an empty field before it would run.
        valid = super().validate(extra_validators)
        if self.reason.data == "other" and not (self.details.data or "").strip():
            self.details.errors = [*self.details.errors, "Explain the reason for the rejection."]
            return False
        return valid


class InfoRequestForm(_Versioned):
    """Ask the therapist for more information (prefix 'info')."""

    message = TextAreaField(
        "What should the therapist send?",
        validators=[DataRequired(message="Write what the therapist should send."), Length(max=MAX_TEXT)],
        description="The therapist reads this and answers by replacing the evidence document.",
    )


class RosterUploadForm(Form):
    """Upload a certifying body's roster."""

    roster = FileField(
        "Roster file (CSV)",
        validators=[FileRequired(message="Choose the roster file.")],
        description=f"A CSV export, up to {megabytes(ROSTER_MAX_BYTES)}: commas, semicolons or tabs; "
        "UTF-8 or Windows encoding.",
        render_kw={"accept": ".csv,.txt,text/csv,text/plain"},
    )
    body = SelectField(
        "Issuing body",
        choices=choices((("", "Any issuing body (the roster lists several)"), *CERTIFYING_BODIES)),
        default="",
        description="Only pending certifications from this body are compared with the roster.",
    )


class RosterMappingForm(Form):
    """Which column holds each field, and which body's certifications to compare (GET, on the preview page)."""

    class Meta:
        csrf = False

    name = SelectField(FIELD_LABELS["name"].capitalize())
    credential_id = SelectField(FIELD_LABELS["credential_id"].capitalize())
    issuing_body = SelectField(FIELD_LABELS["issuing_body"].capitalize())
    obtained_on = SelectField(FIELD_LABELS["obtained_on"].capitalize())
    expires_on = SelectField(FIELD_LABELS["expires_on"].capitalize())
    body = SelectField(
        "Compare with pending certifications of", choices=choices(ANY_BODY + CERTIFYING_BODIES), default=""
    )

    def set_columns(self, headers: list[str]) -> None:
        """Offer the file's columns in each field's select."""
        columns = [(str(position), header) for position, header in enumerate(headers)]
        for field in FIELDS:
            empty = ("", "Choose a column") if field in REQUIRED_FIELDS else ("", "Not in this file")
            getattr(self, field).choices = choices([empty, *columns])

    def mapping(self) -> dict[str, int | None]:
        """The chosen column of each field."""
        return {field: int(getattr(self, field).data) if getattr(self, field).data else None for field in FIELDS}


class RosterApplyForm(Form):
    """Apply a previewed roster: the preview's choices travel back in hidden fields."""

    name = HiddenField()
    credential_id = HiddenField()
    issuing_body = HiddenField()
    obtained_on = HiddenField()
    expires_on = HiddenField()
    body = HiddenField()
    token = HiddenField(validators=[DataRequired(), Length(max=64)])

    def mapping(self) -> dict[str, int | None]:
        """The column of each field; raises ValueError for a value that is not a column number."""
        return {field: int(getattr(self, field).data) if getattr(self, field).data else None for field in FIELDS}


class ModerationForm(Form):
    """Hide or restore a review with a reason."""

    seen_status = HiddenField(validators=[DataRequired()])
    reason = TextAreaField(
        "Reason",
        validators=[DataRequired(message="Give a reason."), Length(max=MAX_REASON)],
        description="Kept in the audit log and sent to the review's author and the therapist.",
    )


class ReviewFilterForm(Form):
    """Which reviews the moderation queue lists (GET)."""

    class Meta:
        csrf = False

    status = SelectField(
        "Show",
        choices=choices(
            ((ReviewStatus.FLAGGED.value, "Flagged reviews"), (ReviewStatus.REMOVED.value, "Hidden reviews"))
        ),
        default=ReviewStatus.FLAGGED.value,
    )


class UserSearchForm(Form):
    """Find users by email, name or role (GET)."""

    class Meta:
        csrf = False

    q = StringField("Email or name", validators=[Optional(), Length(max=200)])
    role = SelectField(
        "Role",
        choices=choices(
            (
                ("", "Any role"),
                (Role.PATIENT.value, "Patient"),
                (Role.THERAPIST.value, "Therapist"),
                (Role.ADMIN.value, "Admin"),
            )
        ),
        default="",
    )
    status = SelectField(
        "Status", choices=choices((("", "Any status"), ("active", "Active"), ("suspended", "Suspended"))), default=""
    )


class SuspensionForm(Form):
    """Suspend or reactivate an account with a reason."""

    reason = TextAreaField(
        "Reason",
        validators=[DataRequired(message="Give a reason."), Length(max=MAX_REASON)],
        description="Kept in the audit log and sent to the account's owner.",
    )


class AuditFilterForm(Form):
    """The audit log's filters (GET); the CSV export takes the same ones."""

    class Meta:
        csrf = False

    actor = StringField(
        'Actor (email, or "system")', validators=[Optional(), Length(max=column_length(AuditEvent.actor_email))]
    )
    action = SelectField("Action", default="")
    target_type = SelectField("Target type", default="")
    target_id = WholeNumberField("Target id", validators=[Optional(), NumberRange(min=1)])
    since = DateField("From", validators=[Optional()])
    until = DateField("To", validators=[Optional()])

    def validate_until(self, field):
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError("The end date is before the start date.")

    def set_choices(self, actions: list[str], target_types: list[str]) -> None:
        """Offer the actions and target types the log holds (keeping a value already asked for)."""
        for field, values in ((self.action, actions), (self.target_type, target_types)):
            if field.data and field.data not in values:
                values = [*values, field.data]
            field.choices = choices([("", "Any")] + [(value, value) for value in values])
