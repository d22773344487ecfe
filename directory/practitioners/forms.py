from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from config import Config
from directory import vocabulary
from directory.forms import FiniteFloatField, Form, MultiCheckboxField, WholeNumberField, choices
from directory.models.practitioner import FEE_MAX
from directory.services.geo.geocoding import MAX_QUERY_LENGTH

SORT_CHOICES = (("distance", "Nearest first"), ("rating", "Best rated"), ("experience", "Most experienced"))


class SearchForm(Form):
    """The search page's form: sent with GET so that the URL holds the whole query."""

    class Meta:
        csrf = False

    q = StringField(
        "Town, city or ZIP code",
        validators=[Optional(), Length(max=MAX_QUERY_LENGTH)],
        render_kw={"placeholder": "e.g. 10001 or Boulder, CO"},
    )
    lat = FiniteFloatField(validators=[Optional(), NumberRange(-90, 90)], widget=HiddenInput())
    lon = FiniteFloatField(validators=[Optional(), NumberRange(-180, 180)], widget=HiddenInput())
    radius = WholeNumberField(
        "Distance",
        default=Config.SEARCH_DEFAULT_RADIUS_KM,
        validators=[
            Optional(),
            NumberRange(1, Config.SEARCH_MAX_RADIUS_KM, f"Choose a distance from 1 to {Config.SEARCH_MAX_RADIUS_KM}."),
        ],
    )
    unit = SelectField("Unit", choices=choices((("km", "km"), ("mi", "miles"))), default="km")
    show = SelectField(
        "Certification",
        choices=choices((("verified", "Verified certification only"), ("all", "All practitioners"))),
        default="verified",
    )
    headache = MultiCheckboxField("Treats", choices=choices(vocabulary.HEADACHE_TYPES))
    mode = MultiCheckboxField("First consultation", choices=choices(vocabulary.CONSULTATION_MODES))
    language = SelectField("Speaks", choices=choices((("", "Any language"), *vocabulary.LANGUAGES)), default="")
    availability = MultiCheckboxField(
        "Available", choices=choices((code, name) for code, name, *_ in vocabulary.AVAILABILITY_PERIODS)
    )
    accepting = BooleanField("Accepting new patients")
    max_fee = WholeNumberField("Highest fee per session", validators=[Optional(), NumberRange(0, FEE_MAX)])
    insurance = StringField(
        "Insurance",
        validators=[Optional(), Length(max=vocabulary.INSURANCE_QUERY_MAX_LENGTH)],
        description='Your insurer, or "self-pay".',
    )
    access = MultiCheckboxField("Accessibility", choices=choices(vocabulary.ACCESSIBILITY_FEATURES))
    gender = SelectField("Practitioner", choices=choices((("", "No preference"), *vocabulary.GENDERS)), default="")
    sort = SelectField(
        "Sort by",
        choices=choices(SORT_CHOICES),
        default="distance",
        description="Best rated weighs each average by its number of reviews, so one 5-star review does not come first.",
    )
    page = WholeNumberField(
        default=1, validators=[Optional(), NumberRange(1, Config.SEARCH_MAX_PAGE)], widget=HiddenInput()
    )

    FILTER_FIELDS = (
        "headache",
        "mode",
        "language",
        "availability",
        "accepting",
        "max_fee",
        "insurance",
        "access",
        "gender",
    )

    # Drawn in the search page's "Filters" panel with the filters: opened when one of them has an error.
    PANEL_FIELDS = ("radius", "unit", "show", *FILTER_FIELDS)

    def filter_count(self) -> int:
        """How many filter choices are active, for "Filters (n)": each ticked option, each other field set."""
        count = 0
        for name in self.FILTER_FIELDS:
            data = getattr(self, name).data
            if isinstance(data, list | tuple):
                count += len(data)
            elif isinstance(data, str):
                count += bool(data.strip())
            elif data is not None and data is not False:
                count += 1
        return count

    def panel_has_errors(self) -> bool:
        """Whether a field of the "Filters" panel has an error (the panel then opens to show it)."""
        return any(getattr(self, name).errors for name in self.PANEL_FIELDS)
