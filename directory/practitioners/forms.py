from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from config import Config
from directory import vocabulary
from directory.forms import FiniteFloatField, Form, MultiCheckboxField, WholeNumberField, _lt, choices
from directory.models.practitioner import FEE_MAX
from directory.services.geo.geocoding import MAX_QUERY_LENGTH
from directory.vocabulary import N_

SORT_CHOICES = (("distance", N_("Nearest first")), ("rating", N_("Best rated")), ("experience", N_("Most experienced")))


class SearchForm(Form):
    """The search page's form: sent with GET so that the URL holds the whole query."""

    class Meta:
        csrf = False

    q = StringField(
        _lt("Town, city or ZIP code"),
        validators=[Optional(), Length(max=MAX_QUERY_LENGTH)],
        render_kw={"placeholder": _lt("e.g. 10001 or Boulder, CO")},
    )
    lat = FiniteFloatField(validators=[Optional(), NumberRange(-90, 90)], widget=HiddenInput())
    lon = FiniteFloatField(validators=[Optional(), NumberRange(-180, 180)], widget=HiddenInput())
    radius = WholeNumberField(
        _lt("Distance"),
        default=Config.SEARCH_DEFAULT_RADIUS_KM,
        validators=[
            Optional(),
            NumberRange(
                1,
                Config.SEARCH_MAX_RADIUS_KM,
                _l("Choose a distance from 1 to %(max)d.", max=Config.SEARCH_MAX_RADIUS_KM),
            ),
        ],
    )
    unit = SelectField(_lt("Unit"), choices=choices((("km", "km"), ("mi", N_("miles")))), default="km")
    show = SelectField(
        _lt("Certification"),
        choices=choices((("verified", N_("Verified certification only")), ("all", N_("All practitioners")))),
        default="verified",
    )
    headache = MultiCheckboxField(_lt("Treats"), choices=choices(vocabulary.HEADACHE_TYPES))
    mode = MultiCheckboxField(_lt("First consultation"), choices=choices(vocabulary.CONSULTATION_MODES))
    language = SelectField(
        _lt("Speaks"), choices=choices((("", N_("Any language")), *vocabulary.LANGUAGES)), default=""
    )
    availability = MultiCheckboxField(
        _lt("Available"), choices=choices((code, name) for code, name, *_ in vocabulary.AVAILABILITY_PERIODS)
    )
    accepting = BooleanField(_lt("Accepting new patients"))
    max_fee = WholeNumberField(_lt("Highest fee per session"), validators=[Optional(), NumberRange(0, FEE_MAX)])
    insurance = StringField(
        _lt("Insurance"),
        validators=[Optional(), Length(max=vocabulary.INSURANCE_QUERY_MAX_LENGTH)],
        description=_lt('Your insurer, or "self-pay".'),
    )
    access = MultiCheckboxField(_lt("Accessibility"), choices=choices(vocabulary.ACCESSIBILITY_FEATURES))
    gender = SelectField(
        _lt("Practitioner"), choices=choices((("", N_("No preference")), *vocabulary.GENDERS)), default=""
    )
    sort = SelectField(
        _lt("Sort by"),
        choices=choices(SORT_CHOICES),
        default="distance",
        description=_lt(
            "Best rated weighs each average by its number of reviews, so one 5-star review does not come first."
        ),
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
