import zoneinfo
from functools import cache

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from directory.forms import Form, MultiCheckboxField, TranslatedLabel, _lt, choices
from directory.models.diary import MEDICINE_CLASSES
from directory.services.core.text import N_, gettext, megabytes
from directory.services.diary import terms
from directory.services.diary.csv_io import MAX_BYTES
from directory.services.diary.entries import MAX_NOTES, DayAnswers
from directory.services.diary.sessions import MAX_NOTE

NOT_TAKEN = ""
RELIEF_CHOICES = choices(((NOT_TAKEN, N_("Not taken")), *terms.RELIEF_LABELS.items()))


class NumberedLabel(TranslatedLabel):
    """A choice's label after its number, "3: Could not do my usual activities", the words in the page's language."""

    __slots__ = ()

    def __str__(self) -> str:
        return f"{self.values['number']}: {gettext(self.text)}"


class DayForm(Form):
    """One diary day: a headache day's answers, or no headache."""

    headache = RadioField(
        _lt("Did you have a headache this day?"),
        choices=choices((("yes", N_("Yes")), ("no", N_("No headache")))),
        default="yes",
        validators=[InputRequired(message=_l("Choose yes or no."))],
    )
    pain = RadioField(
        _lt("Worst pain (0 none, 10 worst imaginable)"),
        choices=choices((str(n), str(n)) for n in range(11)),
        validators=[Optional()],
    )
    duration = RadioField(
        _lt("How long in total?"), choices=choices(terms.DURATION_LABELS.items()), validators=[Optional()]
    )
    features = MultiCheckboxField(_lt("What was it like?"), choices=choices(terms.FEATURES))
    med_simple = SelectField(_lt(terms.MEDICINE_LABELS["simple"]), choices=RELIEF_CHOICES, default=NOT_TAKEN)
    med_combination = SelectField(_lt(terms.MEDICINE_LABELS["combination"]), choices=RELIEF_CHOICES, default=NOT_TAKEN)
    med_triptan = SelectField(_lt(terms.MEDICINE_LABELS["triptan"]), choices=RELIEF_CHOICES, default=NOT_TAKEN)
    med_ergot = SelectField(_lt(terms.MEDICINE_LABELS["ergot"]), choices=RELIEF_CHOICES, default=NOT_TAKEN)
    med_opioid = SelectField(_lt(terms.MEDICINE_LABELS["opioid"]), choices=RELIEF_CHOICES, default=NOT_TAKEN)
    med_other = SelectField(_lt(terms.MEDICINE_LABELS["other"]), choices=RELIEF_CHOICES, default=NOT_TAKEN)
    function_level = RadioField(
        _lt("How much did it limit your day?"),
        choices=choices(
            (str(level), NumberedLabel(label, number=level)) for level, label in terms.FUNCTION_LABELS.items()
        ),
        validators=[Optional()],
    )
    triggers = MultiCheckboxField(_lt("Possible triggers (optional)"), choices=choices(terms.TRIGGERS.items()))
    notes = TextAreaField(
        _lt("Private notes (optional)"),
        validators=[Optional(), Length(max=MAX_NOTES)],
        description=_lt("Only you see these, and a practitioner you share your diary with."),
    )
    until = DateField(
        _lt("It went on until (optional)"),
        validators=[Optional()],
        description=_lt("For a headache over several days: the same answers are saved for each day up to this one."),
    )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # Optional() ends the pain field's own checks when it is empty: a headache day needs it all the same.
        if self.headache.data == "yes" and self.pain.data in (None, "", "None") and not self.pain.errors:
            self.pain.errors = [gettext("Choose the worst pain, from 0 to 10.")]
            valid = False
        return valid

    def medicine_fields(self):
        return [getattr(self, f"med_{code}") for code in MEDICINE_CLASSES]

    def answers(self) -> DayAnswers:
        """The answers as the diary service takes them."""
        headache = self.headache.data == "yes"
        ticked = set(self.features.data or [])
        return DayAnswers(
            headache=headache,
            pain=int(self.pain.data) if headache and self.pain.data not in (None, "", "None") else None,
            duration=(self.duration.data or None) if headache else None,
            # The patient saw every feature: one not ticked is a no.
            features={code: code in ticked for code in terms.FEATURE_CODES} if headache else {},
            medicines=[
                (code, getattr(self, f"med_{code}").data)
                for code in MEDICINE_CLASSES
                if getattr(self, f"med_{code}").data
            ],
            function_level=int(self.function_level.data)
            if self.function_level.data not in (None, "", "None")
            else None,
            triggers=list(self.triggers.data or []),
            notes=self.notes.data,
        )

    def fill_from(self, entry) -> None:
        """Show a saved entry (on GET)."""
        self.headache.data = "yes" if entry.headache else "no"
        self.pain.data = None if entry.pain is None else str(entry.pain)
        self.duration.data = entry.duration
        self.features.data = [code for code in terms.FEATURE_CODES if getattr(entry, code)]
        for medicine in entry.medicines:
            getattr(self, f"med_{medicine.medicine_class}").data = medicine.relief or "some"
        self.function_level.data = None if entry.function_level is None else str(entry.function_level)
        self.triggers.data = list(entry.triggers or [])
        self.notes.data = entry.notes


class SessionForm(Form):
    day = DateField(_lt("Day of the session"), validators=[DataRequired(message=_l("Give the day, as YYYY-MM-DD."))])
    note = StringField(_lt("Note (optional)"), validators=[Optional(), Length(max=MAX_NOTE)])


class ImportForm(Form):
    file = FileField(
        _lt("CSV file"),
        description=_lt("The diary's CSV format (see below), UTF-8, up to %(size)s.", size=megabytes(MAX_BYTES)),
    )


@cache
def _timezones() -> list[str]:
    return sorted(zoneinfo.available_timezones())


class ReminderForm(Form):
    enabled = RadioField(
        _lt("Daily reminder by mail"),
        choices=choices((("on", N_("On")), ("off", N_("Off")))),
        default="off",
        validators=[InputRequired()],
    )
    time = StringField(_lt("At (your local time, HH:MM)"), default="20:00", validators=[DataRequired(), Length(max=5)])
    timezone = SelectField(_lt("Your time zone"), default="UTC")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = choices((zone, zone.replace("_", " ")) for zone in _timezones())

    def validate_time(self, field) -> None:
        hours, _, minutes = (field.data or "").partition(":")
        if not (hours.isdigit() and minutes.isdigit() and int(hours) < 24 and int(minutes) < 60 and len(minutes) == 2):
            raise ValidationError(gettext("Give the time as HH:MM, for example 20:30."))

    def minute_of_day(self) -> int:
        hours, _, minutes = self.time.data.partition(":")
        return int(hours) * 60 + int(minutes)
