"""Schemas of the practitioner search API.

The bounds are the search form's: config keys from the Config class (the OpenAPI document is built
from these schemas once, at import), and the constants the services own.
"""

from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from config import Config
from directory import vocabulary
from directory.models.practitioner import FEE_MAX
from directory.services.geo.geocoding import MAX_QUERY_LENGTH

if TYPE_CHECKING:
    # A Literal built from the vocabulary at run time is beyond a static checker (PEP 586):
    # mypy checks these codes as str; pydantic, at run time, holds them to the vocabulary.
    HeadacheCode = str
    ModeCode = str
    LanguageCode = str
    PeriodCode = str
    AccessCode = str
    GenderCode = str
else:
    HeadacheCode = Literal[tuple(code for code, _ in vocabulary.HEADACHE_TYPES)]
    ModeCode = Literal[tuple(code for code, _ in vocabulary.CONSULTATION_MODES)]
    LanguageCode = Literal[tuple(code for code, _ in vocabulary.LANGUAGES)]
    PeriodCode = Literal[tuple(code for code, *_ in vocabulary.AVAILABILITY_PERIODS)]
    AccessCode = Literal[tuple(code for code, _ in vocabulary.ACCESSIBILITY_FEATURES)]
    GenderCode = Literal[tuple(code for code, _ in vocabulary.GENDERS)]


ONE_PLACE_MESSAGE = "Give exactly one of 'near' or 'location'."


class PractitionerQuery(BaseModel):
    """Where to search (`near` or `location`), what to filter on, and which page."""

    model_config = ConfigDict(extra="forbid")

    near: str | None = Field(
        None,
        max_length=100,
        description="FHIR R4 `near`: LATITUDE|LONGITUDE|DISTANCE|UNIT, unit km or mi, e.g. 40.75|-73.98|10|km.",
    )
    location: str | None = Field(
        None,
        min_length=1,
        max_length=MAX_QUERY_LENGTH,
        description="A US ZIP code, 'City, ST', 'City, Country' or 'lat, lon'.",
    )
    radius_km: float = Field(
        Config.SEARCH_DEFAULT_RADIUS_KM,
        gt=0,
        le=Config.SEARCH_MAX_RADIUS_KM,
        description="Search radius with `location`, in kilometres.",
    )
    headache_type: list[HeadacheCode] = Field(
        [], max_length=len(vocabulary.HEADACHE_TYPES), description="Treats every one of these headache types."
    )
    verified_only: bool = Field(True, description="Only practitioners holding a verified, unexpired certification.")
    mode: list[ModeCode] = Field(
        [], max_length=len(vocabulary.CONSULTATION_MODES), description="Offers any of these first-consultation modes."
    )
    language: list[LanguageCode] = Field([], max_length=10, description="Speaks any of these languages (ISO 639-1).")
    accepting_new_patients: bool = Field(False, description="Only practitioners taking new patients.")
    availability: list[PeriodCode] = Field(
        [], max_length=len(vocabulary.AVAILABILITY_PERIODS), description="Sees patients in any of these periods."
    )
    max_fee: int | None = Field(
        None,
        ge=0,
        le=FEE_MAX,
        description=(
            "No session costs more than this (the highest fee of the range, or the one fee, in the"
            " practitioner's currency); practitioners who give no fee are left out."
        ),
    )
    insurance: str | None = Field(
        None,
        min_length=1,
        max_length=vocabulary.INSURANCE_QUERY_MAX_LENGTH,
        description="An insurer's name, or 'self-pay' (or another way of saying it, such as 'self paying').",
    )
    accessibility: list[AccessCode] = Field(
        [],
        max_length=len(vocabulary.ACCESSIBILITY_FEATURES),
        description="Has every one of these accessibility features.",
    )
    gender: GenderCode | None = Field(None, description="The practitioner's gender, for patients who ask.")
    sort: Literal["distance", "rating", "experience"] = Field(
        "distance", description="Nearest, best rated (Bayesian average) or most experienced first."
    )
    page: int = Field(1, ge=1, le=Config.SEARCH_MAX_PAGE)
    per_page: int = Field(Config.SEARCH_PAGE_SIZE, ge=1, le=Config.API_MAX_PAGE_SIZE)

    @model_validator(mode="after")
    def one_place(self):
        if (self.near is None) == (self.location is None):
            raise ValueError(ONE_PLACE_MESSAGE)
        return self


class Place(BaseModel):
    label: str
    latitude: float
    longitude: float


class PractitionerSummary(BaseModel):
    id: int
    name: str
    profile_url: str
    profession: str | None
    verified: bool = Field(description="Holds a verified, unexpired dry-needling certification.")
    distance_km: float | None = Field(None, description="Great-circle distance from the searched place.")
    latitude: float
    longitude: float
    city: str | None
    country: str | None
    headache_types: list[str]
    consultation_modes: list[str]
    languages: list[str]
    accepting_new_patients: bool
    fee_min: int | None
    fee_max: int | None
    currency: str
    rating: float | None = Field(
        description="Bayesian average of the published reviews, which sort=rating ranks by; null without reviews."
    )
    average_rating: float | None = Field(
        description="Plain average of the published reviews, as the site shows it; null without reviews."
    )
    review_count: int


class PractitionerPage(BaseModel):
    items: list[PractitionerSummary]
    total: int = Field(description="How many match; when total_is_capped, at least this many.")
    total_is_capped: bool = Field(
        description=f"Counting stopped at the cap ({Config.SEARCH_COUNT_CAP:,}): more match than total says."
    )
    page: int
    per_page: int
    pages: int
    place: Place


class Certification(BaseModel):
    issuing_body: str
    programme: str | None
    status: Literal["verified", "pending", "rejected", "expired"]
    obtained_on: str | None
    expires_on: str | None


class Outcomes(BaseModel):
    """Outcome figures from consenting patients' diaries (docs/outcomes.md); there is no control group."""

    evaluable: int = Field(description="Patients with complete baseline and follow-up windows (25 or more).")
    started: int | None = Field(
        description="Consenting patients who started treatment; null when showing it would reveal a count from 1 to "
        "10 (started minus evaluable)."
    )
    median_change_monthly_headache_days: float = Field(
        description="Median change from baseline (days -28 to -1) to follow-up (days 57-84) in monthly headache "
        "days, negative is fewer; shrunk toward the expected value."
    )
    median_change_ci: list[float] = Field(
        description="95 % distribution-free (order-statistic) interval of the median, shrunk the same way.",
        min_length=2,
        max_length=2,
    )
    responder_50_share: float = Field(
        description="Share (0-1) with at least 50 % fewer monthly headache days; shrunk toward the expected value."
    )
    responder_50_ci: list[float] = Field(
        description="95 % Wilson score interval of the share, shrunk the same way.", min_length=2, max_length=2
    )
    label: Literal["better_than_expected", "as_expected", "worse_than_expected"] = Field(
        description="Better or worse only when an interval excludes the value expected for this mix of patients."
    )
    refreshed_at: str = Field(description="When the figures were last computed (ISO 8601, UTC).")


class PractitionerDetail(PractitionerSummary):
    bio: str | None
    clinic_name: str | None
    street: str | None
    region: str | None
    postal_code: str | None
    phone: str | None
    website: str | None
    practising_since: int | None
    session_minutes: int | None
    insurance_accepted: str | None
    accepts_self_pay: bool
    accessibility: list[str]
    gender: str | None
    availability: list[str]
    certifications: list[Certification]
    rating_distribution: dict[str, int]
    outcomes: Outcomes | None = Field(
        description="Outcome figures from patients' diaries; null unless 25 or more consenting patients are evaluable."
    )
