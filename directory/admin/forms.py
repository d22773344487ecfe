from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, HiddenField, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import HiddenInput

from directory.admin.display import ROLE_LABELS
from directory.forms import Form, TranslatedLabel, WholeNumberField, _lt, choices
from directory.models import AuditEvent, ReviewStatus
from directory.models.types import column_length
from directory.services.core import audit
from directory.services.core.text import N_, gettext, megabytes
from directory.services.oversight.moderation import MAX_REASON
from directory.services.verification.decisions import MAX_TEXT, REJECTION_REASONS
from directory.services.verification.roster.mapping import FIELD_TITLES, FIELDS, REQUIRED_FIELDS
from directory.services.verification.roster.reading import MAX_BYTES as ROSTER_MAX_BYTES
from directory.vocabulary import CERTIFYING_BODIES

ANY_BODY = (("", N_("Any issuing body")),)


class QueueFilterForm(Form):
    """The verification queue's filters, sent with GET."""

    class Meta:
        csrf = False

    body = SelectField(_lt("Issuing body"), choices=choices(ANY_BODY + CERTIFYING_BODIES), default="")
    waiting = SelectField(
        _lt("Waiting for"),
        choices=choices(
            (("", N_("Anyone")), ("admin", N_("An admin's decision")), ("therapist", N_("The therapist's answer")))
        ),
        default="",
    )
    q = StringField(
        _lt("Name, email or credential id"),
        validators=[Optional(), Length(max=200, message=_l("Search for at most 200 characters."))],
    )
    evidence = SelectField(
        _lt("Evidence"),
        choices=choices((("", N_("With or without")), ("with", N_("Has evidence")), ("without", N_("No evidence")))),
        default="",
    )
    expired = SelectField(
        _lt("Expiry"),
        choices=choices((("", N_("Expired or not")), ("yes", N_("Expired")), ("no", N_("Not expired")))),
        default="",
    )
    order = SelectField(
        _lt("Order"),
        choices=choices((("newest", N_("Newest first")), ("oldest", N_("Oldest first")))),
        default="newest",
    )


class _Versioned(Form):
    # The version the admin saw: a decision on anything newer is refused, never merged.
    version = WholeNumberField(validators=[InputRequired(), NumberRange(min=1)], widget=HiddenInput())


class ApproveForm(_Versioned):
    """Approve a certification (prefix 'approve')."""


class RejectForm(_Versioned):
    """Reject a certification with a reason (prefix 'reject')."""

    reason = RadioField(
        _lt("Reason"), choices=choices(REJECTION_REASONS), validators=[DataRequired(message=_l("Choose a reason."))]
    )
    details = TextAreaField(
        _lt("Explanation for the therapist"),
        validators=[Optional(), Length(max=MAX_TEXT)],
        description=_lt("Required for 'Another reason'; added to the reason otherwise. The therapist reads this."),
    )

    def validate(self, extra_validators=None) -> bool:
        # Not an inline validator: Optional() ends the chain on an empty field before it would run.
        valid = super().validate(extra_validators)
        if self.reason.data == "other" and not (self.details.data or "").strip():
            self.details.errors = [*self.details.errors, gettext("Explain the reason for the rejection.")]
            return False
        return valid


class InfoRequestForm(_Versioned):
    """Ask the therapist for more information (prefix 'info')."""

    message = TextAreaField(
        _lt("What should the therapist send?"),
        validators=[DataRequired(message=_l("Write what the therapist should send.")), Length(max=MAX_TEXT)],
        description=_lt("The therapist reads this and answers by replacing the evidence document."),
    )


class RosterUploadForm(Form):
    """Upload a certifying body's roster."""

    roster = FileField(
        _lt("Roster file (CSV)"),
        validators=[FileRequired(message=_l("Choose the roster file."))],
        description=_lt(
            "A CSV export, up to %(size)s: commas, semicolons or tabs; UTF-8 or Windows encoding.",
            size=megabytes(ROSTER_MAX_BYTES),
        ),
        render_kw={"accept": ".csv,.txt,text/csv,text/plain"},
    )
    body = SelectField(
        _lt("Issuing body"),
        choices=choices((("", N_("Any issuing body (the roster lists several)")), *CERTIFYING_BODIES)),
        default="",
        description=_lt("Only pending certifications from this body are compared with the roster."),
    )


class RosterMappingForm(Form):
    """Which column holds each field, and which body's certifications to compare (GET, on the preview page)."""

    class Meta:
        csrf = False

    name = SelectField(_lt(FIELD_TITLES["name"]))
    credential_id = SelectField(_lt(FIELD_TITLES["credential_id"]))
    issuing_body = SelectField(_lt(FIELD_TITLES["issuing_body"]))
    obtained_on = SelectField(_lt(FIELD_TITLES["obtained_on"]))
    expires_on = SelectField(_lt(FIELD_TITLES["expires_on"]))
    body = SelectField(
        _lt("Compare with pending certifications of"), choices=choices(ANY_BODY + CERTIFYING_BODIES), default=""
    )

    def set_columns(self, headers: list[str]) -> None:
        """Offer the file's columns in each field's select (the file's own header names, never translated)."""
        columns = [SelectChoice(str(position), header) for position, header in enumerate(headers)]
        for field in FIELDS:
            empty = N_("Choose a column") if field in REQUIRED_FIELDS else N_("Not in this file")
            getattr(self, field).choices = [SelectChoice("", TranslatedLabel(empty)), *columns]

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
        _lt("Reason"),
        validators=[DataRequired(message=_l("Give a reason.")), Length(max=MAX_REASON)],
        description=_lt("Kept in the audit log and sent to the review's author and the therapist."),
    )


class ReviewFilterForm(Form):
    """Which reviews the moderation queue lists (GET)."""

    class Meta:
        csrf = False

    status = SelectField(
        _lt("Show"),
        choices=choices(
            ((ReviewStatus.FLAGGED.value, N_("Flagged reviews")), (ReviewStatus.REMOVED.value, N_("Hidden reviews")))
        ),
        default=ReviewStatus.FLAGGED.value,
    )


class UserSearchForm(Form):
    """Find users by email, name or role (GET)."""

    class Meta:
        csrf = False

    q = StringField(_lt("Email or name"), validators=[Optional(), Length(max=200)])
    role = SelectField(_lt("Role"), choices=choices((("", N_("Any role")), *ROLE_LABELS)), default="")
    status = SelectField(
        _lt("Status"),
        choices=choices((("", N_("Any status")), ("active", N_("Active")), ("suspended", N_("Suspended")))),
        default="",
    )


class SuspensionForm(Form):
    """Suspend or reactivate an account with a reason."""

    reason = TextAreaField(
        _lt("Reason"),
        validators=[DataRequired(message=_l("Give a reason.")), Length(max=MAX_REASON)],
        description=_lt("Kept in the audit log and sent to the account's owner."),
    )


class AuditFilterForm(Form):
    """The audit log's filters (GET); the CSV export takes the same ones."""

    class Meta:
        csrf = False

    actor = StringField(
        _lt('Actor (email, or "system")'), validators=[Optional(), Length(max=column_length(AuditEvent.actor_email))]
    )
    action = SelectField(_lt("Action"), default="")
    target_type = SelectField(_lt("Target type"), default="")
    target_id = WholeNumberField(_lt("Target id"), validators=[Optional(), NumberRange(min=1)])
    since = DateField(_lt("From"), validators=[Optional()])
    until = DateField(_lt("To"), validators=[Optional()])

    def validate_until(self, field):
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(gettext("The end date is before the start date."))

    def set_choices(self, actions: list[str], target_types: list[str]) -> None:
        """Offer the actions and target types the log holds (keeping a value already asked for), by their labels."""
        for field, values, label in (
            (self.action, actions, audit.action_label),
            (self.target_type, target_types, audit.target_label),
        ):
            if field.data and field.data not in values:
                values = [*values, field.data]
            field.choices = [SelectChoice("", TranslatedLabel(N_("Any")))] + [
                SelectChoice(value, label(value)) for value in values
            ]
