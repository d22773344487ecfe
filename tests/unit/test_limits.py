"""Limits come from one source: forms follow the columns and services they feed, help text follows the caps."""

import importlib
import inspect
import pkgutil

import pytest
from wtforms.fields.core import UnboundField
from wtforms.validators import Length

import directory
from config import Config
from directory.admin.forms import RosterUploadForm
from directory.api.search_schemas import PractitionerQuery
from directory.forms import Form
from directory.models import AuditEvent, Certification, TherapistProfile, User
from directory.models.practitioner import FEE_MAX
from directory.models.types import column_length
from directory.practitioners.forms import SearchForm
from directory.services.community import consultations, reviews
from directory.services.core.passwords import PASSWORD_MAX_LENGTH
from directory.services.core.text import megabytes
from directory.services.diary import entries as diary_entries
from directory.services.diary import sessions as diary_sessions
from directory.services.geo.geocoding import MAX_QUERY_LENGTH
from directory.services.oversight.moderation import MAX_REASON
from directory.services.practice.photos import PHOTO_MAX_BYTES
from directory.services.questionnaire import answers
from directory.services.verification.certifications import EVIDENCE_MAX_BYTES
from directory.services.verification.roster.reading import MAX_BYTES as ROSTER_MAX_BYTES
from directory.therapist.forms import CertificationForm, EvidenceForm, NewCertificationForm, PhotoForm
from directory.vocabulary import INSURANCE_QUERY_MAX_LENGTH


def _form_classes() -> list[type]:
    """Every form class of every blueprint's forms module."""
    found = {}
    for module_info in pkgutil.walk_packages(directory.__path__, "directory."):
        if module_info.name.endswith(".forms"):
            module = importlib.import_module(module_info.name)
            for _, value in inspect.getmembers(module, inspect.isclass):
                if issubclass(value, Form) and value is not Form and value.__module__ == module.__name__:
                    found[value.__qualname__] = value
    return list(found.values())


def _length_validators() -> dict[tuple[str, str], Length]:
    """(form, field) -> its Length validator, over every form."""
    lengths = {}
    for form_class in _form_classes():
        for name, field in inspect.getmembers(form_class, lambda value: isinstance(value, UnboundField)):
            validators = field.kwargs.get("validators") or ()
            for validator in validators:
                if isinstance(validator, Length):
                    lengths[(form_class.__name__, name)] = validator
    return lengths


# Fields that end up in (or are compared with) a String column: the form allows what the column stores.
COLUMN_BACKED = {
    ("SignupForm", "name"): User.name,
    ("SignupForm", "email"): User.email,
    ("LoginForm", "email"): User.email,
    ("ForgotPasswordForm", "email"): User.email,
    ("AuditFilterForm", "actor"): AuditEvent.actor_email,
    **{
        ("ProfileForm", name): getattr(TherapistProfile, name)
        for name in (
            "display_name",
            "licence_number",
            "licence_jurisdiction",
            "clinic_name",
            "street",
            "city",
            "region",
            "postal_code",
            "phone",
            "website",
            "insurance_accepted",
        )
    },
    **{
        (form, name): getattr(Certification, name)
        for form in ("CertificationForm", "NewCertificationForm")
        for name in ("issuing_body_other", "programme", "credential_id")
    },
}
# Fields whose bound a service (or the geocoder) owns and checks again.
SERVICE_BACKED = {
    **{(form, "password"): PASSWORD_MAX_LENGTH for form in ("SignupForm", "LoginForm", "ResetPasswordForm")},
    **{(form, name): PASSWORD_MAX_LENGTH for form in ("ChangePasswordForm",) for name in ("current", "password")},
    ("DeleteAccountForm", "password"): PASSWORD_MAX_LENGTH,
    ("RequestForm", "message"): consultations.MAX_MESSAGE,
    ("DeclineForm", "reason"): consultations.MAX_MESSAGE,
    ("AnotherTimeForm", "note"): consultations.MAX_MESSAGE,
    ("DayForm", "notes"): diary_entries.MAX_NOTES,
    ("SessionForm", "note"): diary_sessions.MAX_NOTE,
    ("ReviewForm", "text"): reviews.MAX_TEXT,
    ("ReplyForm", "text"): reviews.MAX_TEXT,
    ("FlagForm", "reason"): reviews.MAX_TEXT,
    ("ModerationForm", "reason"): MAX_REASON,
    ("SuspensionForm", "reason"): MAX_REASON,
    ("SearchForm", "q"): MAX_QUERY_LENGTH,
    ("SearchForm", "insurance"): INSURANCE_QUERY_MAX_LENGTH,
    ("AboutYouForm", "location"): MAX_QUERY_LENGTH,
    ("PreferencesForm", "location"): MAX_QUERY_LENGTH,
    ("PreferencesForm", "insurance"): INSURANCE_QUERY_MAX_LENGTH,
}
# Bounds of their own, and why.
OWN_BOUNDS = {
    ("ProfileForm", "bio"): "a Text column; BIO_MAX_LENGTH in the profile service",
    ("ProfileForm", "bio_es"): "a Text column; BIO_MAX_LENGTH in the profile service, as for bio",
    ("ProfileForm", "npi"): "typed with spaces or dashes, stored as the 10 digits npi_number leaves",
    ("RejectForm", "details"): "a Text column; MAX_TEXT in the decisions service",
    ("InfoRequestForm", "message"): "a Text column; MAX_TEXT in the decisions service",
    ("RosterApplyForm", "token"): "the preview's token, a SHA-256 hex digest",
    ("UserSearchForm", "q"): "a search, compared with LIKE, never stored",
    ("QueueFilterForm", "q"): "a search, compared with LIKE, never stored",
    ("ReminderForm", "time"): "a time of day typed as HH:MM, read by the form's own check",
}


def test_every_length_limited_field_says_where_its_limit_comes_from():
    lengths = _length_validators()
    # A new length-limited field must be added to one of the tables above, so that it is checked.
    assert set(lengths) == set(COLUMN_BACKED) | set(SERVICE_BACKED) | set(OWN_BOUNDS)


@pytest.mark.parametrize("key", sorted(COLUMN_BACKED))
def test_form_length_is_the_column_length(key):
    assert _length_validators()[key].max == column_length(COLUMN_BACKED[key])


@pytest.mark.parametrize("key", sorted(SERVICE_BACKED))
def test_form_length_is_the_service_limit(key):
    assert _length_validators()[key].max == SERVICE_BACKED[key]


def test_review_and_flag_minimums_are_the_services():
    lengths = _length_validators()
    assert lengths[("ReviewForm", "text")].min == reviews.MIN_TEXT
    assert lengths[("FlagForm", "reason")].min == reviews.MIN_FLAG_REASON


@pytest.mark.parametrize(
    ("form", "field", "size"),
    [
        (PhotoForm, "photo", PHOTO_MAX_BYTES),
        (EvidenceForm, "evidence", EVIDENCE_MAX_BYTES),
        (CertificationForm, "evidence", EVIDENCE_MAX_BYTES),
        (NewCertificationForm, "evidence", EVIDENCE_MAX_BYTES),
        (RosterUploadForm, "roster", ROSTER_MAX_BYTES),
    ],
)
def test_upload_help_text_gives_the_size_the_service_takes(form, field, size):
    assert f"up to {megabytes(size)}" in str(getattr(form, field).kwargs["description"])


def test_megabytes_reads_as_people_say_it():
    assert (megabytes(2 * 1024 * 1024), megabytes(5 * 1024 * 1024), megabytes(1536 * 1024)) == (
        "2 MB",
        "5 MB",
        "1.5 MB",
    )


def _bound(model, name: str, kind: str):
    return next(getattr(item, kind) for item in model.model_fields[name].metadata if hasattr(item, kind))


def test_api_search_bounds_are_the_config_keys():
    assert PractitionerQuery.model_fields["per_page"].default == Config.SEARCH_PAGE_SIZE
    assert _bound(PractitionerQuery, "per_page", "le") == Config.API_MAX_PAGE_SIZE
    assert PractitionerQuery.model_fields["radius_km"].default == Config.SEARCH_DEFAULT_RADIUS_KM
    assert _bound(PractitionerQuery, "radius_km", "le") == Config.SEARCH_MAX_RADIUS_KM
    assert _bound(PractitionerQuery, "page", "le") == Config.SEARCH_MAX_PAGE
    assert _bound(PractitionerQuery, "max_fee", "le") == FEE_MAX
    assert _bound(PractitionerQuery, "location", "max_length") == MAX_QUERY_LENGTH
    assert _bound(PractitionerQuery, "insurance", "max_length") == INSURANCE_QUERY_MAX_LENGTH


def _number_range(field):
    return next(v for v in field.kwargs["validators"] if hasattr(v, "max") and not isinstance(v, Length))


def test_search_form_bounds_are_the_api_bounds():
    assert SearchForm.radius.kwargs["default"] == Config.SEARCH_DEFAULT_RADIUS_KM
    assert _number_range(SearchForm.radius).max == Config.SEARCH_MAX_RADIUS_KM
    assert _number_range(SearchForm.page).max == Config.SEARCH_MAX_PAGE
    assert _number_range(SearchForm.max_fee).max == FEE_MAX


def test_questionnaire_asks_within_the_search_bounds():
    assert answers.MAX_DISTANCE_KM == Config.SEARCH_MAX_RADIUS_KM
    assert answers.MAX_FEE == FEE_MAX
    assert answers.LOCATION_MAX_LENGTH == MAX_QUERY_LENGTH
    assert answers.INSURANCE_MAX_LENGTH == INSURANCE_QUERY_MAX_LENGTH
