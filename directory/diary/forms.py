import zoneinfo
from functools import cache

from flask_wtf.file import FileField
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from directory.forms import Form, MultiCheckboxField, choices
from directory.models.diary import MEDICINE_CLASSES
from directory.services.diary import terms
from directory.services.diary.entries import MAX_NOTES, DayAnswers
from directory.services.diary.sessions import MAX_NOTE

NOT_TAKEN = ""
RELIEF_CHOICES = choices(
    ((NOT_TAKEN, "Not taken"), *((code, f"Taken: {label.lower()}") for code, label in terms.RELIEF_LABELS.items()))
)


class DayForm(Form):
    """One diary day: a headache day's answers, or no headache."""

    headache = RadioField(
        "Did you have a headache this day?",
        choices=choices((("yes", "Yes"), ("no", "No headache"))),
        default="yes",
        validators=[InputRequired(message="Choose yes or no.")],
    )
    pain = RadioField(
        "Worst pain (0 none, 10 worst imaginable)",
        choices=choices((str(n), str(n)) for n in range(11)),
        validators=[Optional()],
    )
    duration = RadioField("How long in total?", choices=choices(terms.DURATION_LABELS.items()), validators=[Optional()])
    features = MultiCheckboxField("What was it like?", choices=choices(terms.FEATURES))
    med_simple = SelectField(terms.MEDICINE_LABELS["simple"], choices=RELIEF_CHOICES, default=NOT_TAKEN)
    med_combination = SelectField(terms.MEDICINE_LABELS["combination"], choices=RELIEF_CHOICES, default=NOT_TAKEN)
    med_triptan = SelectField(terms.MEDICINE_LABELS["triptan"], choices=RELIEF_CHOICES, default=NOT_TAKEN)
    med_ergot = SelectField(terms.MEDICINE_LABELS["ergot"], choices=RELIEF_CHOICES, default=NOT_TAKEN)
    med_opioid = SelectField(terms.MEDICINE_LABELS["opioid"], choices=RELIEF_CHOICES, default=NOT_TAKEN)
    med_other = SelectField(terms.MEDICINE_LABELS["other"], choices=RELIEF_CHOICES, default=NOT_TAKEN)
    function_level = RadioField(
        "How much did it limit your day?",
        choices=choices((str(level), f"{level}: {label}") for level, label in terms.FUNCTION_LABELS.items()),
        validators=[Optional()],
    )
    triggers = MultiCheckboxField("Possible triggers (optional)", choices=choices(terms.TRIGGERS.items()))
    notes = TextAreaField(
        "Private notes (optional)",
        validators=[Optional(), Length(max=MAX_NOTES)],
        description="Only you see these, and a practitioner you share your diary with.",
    )
    until = DateField(
        "It went on until (optional)",
        validators=[Optional()],
        description="For a headache over several days: the same answers are saved for each day up to this one.",
    )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # Optional() ends the pain field's own checks when it is empty: a headache day needs it all the same.
        if self.headache.data == "yes" and self.pain.data in (None, "", "None") and not self.pain.errors:
            self.pain.errors = ["Choose the worst pain, from 0 to 10."]
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
    day = DateField("Day of the session", validators=[DataRequired(message="Give the day, as YYYY-MM-DD.")])
    note = StringField("Note (optional)", validators=[Optional(), Length(max=MAX_NOTE)])


class ImportForm(Form):
    file = FileField("CSV file", description="The diary's CSV format (see below), UTF-8, up to 2 MB.")


@cache
def _timezones() -> list[str]:
    return sorted(zoneinfo.available_timezones())


class ReminderForm(Form):
    enabled = RadioField(
        "Daily reminder by mail",
        choices=choices((("on", "On"), ("off", "Off"))),
        default="off",
        validators=[InputRequired()],
    )
    time = StringField("At (your local time, HH:MM)", default="20:00", validators=[DataRequired(), Length(max=5)])
    timezone = SelectField("Your time zone", default="UTC")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = choices((zone, zone.replace("_", " ")) for zone in _timezones())

    def validate_time(self, field) -> None:
        hours, _, minutes = (field.data or "").partition(":")
        if not (hours.isdigit() and minutes.isdigit() and int(hours) < 24 and int(minutes) < 60 and len(minutes) == 2):
            raise ValidationError("Give the time as HH:MM, for example 20:30.")

    def minute_of_day(self) -> int:
        hours, _, minutes = self.time.data.partition(":")
        return int(hours) * 60 + int(minutes)
