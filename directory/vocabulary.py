"""Reference vocabularies: the fixed lists profiles, search and forms draw on.

Pure data (and the one reading of typed insurance), imported by the models' seeding service and
by the first migration.
"""

from typing import NamedTuple

from directory.services.core.text import N_, fold, gettext

__all__ = ["N_"]  # re-exported: the vocabularies' names are marked with it


class HeadacheFamily(NamedTuple):
    """A headache family: its code, its name in a list or form, and how a sentence says it."""

    code: str
    name: str
    in_words: str


# Headache families a practitioner can say they treat, a patient can say a doctor diagnosed, and
# search filters on; the questionnaire's clinical types each belong to one of them (chronic
# migraine and migraine with aura are migraine, ...). The one list of them: every other is made here.
HEADACHE_FAMILIES = (
    HeadacheFamily("migraine", N_("Migraine"), N_("migraine")),
    HeadacheFamily("tension_type", N_("Tension-type headache"), N_("tension-type headache")),
    HeadacheFamily("cervicogenic", N_("Headache from the neck (cervicogenic)"), N_("headache from the neck")),
    HeadacheFamily("cluster", N_("Cluster headache"), N_("cluster headache")),
    HeadacheFamily("medication_overuse", N_("Medication-overuse headache"), N_("medication-overuse headache")),
)
# (code, name) pairs, as the vocabulary tables hold them (the HeadacheType model, table headache_type).
HEADACHE_TYPES = tuple((family.code, family.name) for family in HEADACHE_FAMILIES)
FAMILY_WORDS = {family.code: family.in_words for family in HEADACHE_FAMILIES}

CONSULTATION_MODES = (
    ("in_person", N_("In person")),
    ("video", N_("Video first consultation")),
    ("home_visit", N_("Home visit")),
)

ACCESSIBILITY_FEATURES = (
    ("step_free", N_("Step-free access")),
    ("accessible_toilet", N_("Accessible restroom")),
    ("parking", N_("Accessible parking nearby")),
    ("hearing_loop", N_("Hearing loop")),
    ("dim_quiet_room", N_("Dim, quiet treatment room")),
)

# ISO 639-1 codes of the languages most spoken where the directory operates.
LANGUAGES = (
    ("ar", N_("Arabic")),
    ("bn", N_("Bengali")),
    ("ca", N_("Catalan")),
    ("cs", N_("Czech")),
    ("da", N_("Danish")),
    ("de", N_("German")),
    ("el", N_("Greek")),
    ("en", N_("English")),
    ("es", N_("Spanish")),
    ("eu", N_("Basque")),
    ("fa", N_("Persian")),
    ("fi", N_("Finnish")),
    ("fr", N_("French")),
    ("ga", N_("Irish")),
    ("gl", N_("Galician")),
    ("gu", N_("Gujarati")),
    ("he", N_("Hebrew")),
    ("hi", N_("Hindi")),
    ("hr", N_("Croatian")),
    ("hu", N_("Hungarian")),
    ("hy", N_("Armenian")),
    ("id", N_("Indonesian")),
    ("it", N_("Italian")),
    ("ja", N_("Japanese")),
    ("ko", N_("Korean")),
    ("ms", N_("Malay")),
    ("nl", N_("Dutch")),
    ("no", N_("Norwegian")),
    ("pa", N_("Punjabi")),
    ("pl", N_("Polish")),
    ("pt", N_("Portuguese")),
    ("ro", N_("Romanian")),
    ("ru", N_("Russian")),
    ("sk", N_("Slovak")),
    ("so", N_("Somali")),
    ("sq", N_("Albanian")),
    ("sr", N_("Serbian")),
    ("sv", N_("Swedish")),
    ("sw", N_("Swahili")),
    ("ta", N_("Tamil")),
    ("th", N_("Thai")),
    ("tl", N_("Tagalog")),
    ("tr", N_("Turkish")),
    ("uk", N_("Ukrainian")),
    ("ur", N_("Urdu")),
    ("vi", N_("Vietnamese")),
    ("cy", N_("Welsh")),
    ("yo", N_("Yoruba")),
    ("zh", N_("Chinese")),
)

PROFESSIONS = (
    ("pt", N_("Physical therapist / physiotherapist")),
    ("dpt", N_("Doctor of physical therapy")),
    ("chiropractor", N_("Chiropractor")),
    ("physician", N_("Physician")),
    ("osteopath", N_("Osteopath")),
    ("acupuncturist", N_("Acupuncturist")),
    ("athletic_trainer", N_("Athletic trainer")),
)

# Real dry-needling training programmes; "other" lets a therapist name another.
CERTIFYING_BODIES = (
    ("myopain", "Myopain Seminars"),
    ("kinetacore", "KinetaCore"),
    ("eim", "Evidence In Motion"),
    ("idn", "Integrative Dry Needling Institute"),
    ("aamt", "American Academy of Manipulative Therapy (Dry Needling Institute)"),
    ("sfe", "Structure & Function Education"),
    ("dgsa", "David G. Simons Academy"),
    ("aacp", "Acupuncture Association of Chartered Physiotherapists"),
    ("istop", "iSTOP Gunn IMS (Institute for the Study and Treatment of Pain)"),
    ("travell_simons", "Seminarios Travell & Simons"),
    ("other", N_("Other program")),
)

GENDERS = (
    ("woman", N_("Woman")),
    ("man", N_("Man")),
    ("nonbinary", N_("Non-binary")),
)

# Parts of the week a patient can ask for; minutes after midnight, local time.
AVAILABILITY_PERIODS = (
    ("weekday_morning", N_("Weekday mornings"), (0, 1, 2, 3, 4), 6 * 60, 12 * 60),
    ("weekday_afternoon", N_("Weekday afternoons"), (0, 1, 2, 3, 4), 12 * 60, 17 * 60),
    ("weekday_evening", N_("Weekday evenings"), (0, 1, 2, 3, 4), 17 * 60, 22 * 60),
    ("weekend", N_("Weekends"), (5, 6), 0, 24 * 60),
)

WEEKDAYS = (N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"), N_("Saturday"), N_("Sunday"))

CURRENCIES = (
    ("USD", N_("US dollar")),
    ("GBP", N_("Pound sterling")),
    ("EUR", N_("Euro")),
    ("CAD", N_("Canadian dollar")),
    ("AUD", N_("Australian dollar")),
)


# Insurance as a patient types it, on /search, in the API and in the questionnaire: an insurer's name,
# or one of these ways of saying they will pay for themselves (compared folded: "Self-Pay" is "self pay").
SELF_PAY = "self_pay"  # the questionnaire's stored answer, and the API's, for a patient paying themselves
SELF_PAY_SPELLINGS = frozenset({"self pay", "selfpay", "self paying", "self", "none"})
INSURANCE_QUERY_MAX_LENGTH = 80


def is_self_pay(text: str) -> bool:
    """Whether typed insurance means the patient pays for themselves: 'Self-Pay', 'self_pay', 'self paying', 'none'."""
    return " ".join(fold(text).replace("_", " ").split()) in SELF_PAY_SPELLINGS


# Each vocabulary's names by code, made on first use; the vocabulary is kept beside it, so that its id is not reused.
_NAMES: dict[int, tuple[object, dict[str, str]]] = {}


def label(vocabulary, code: str) -> str:
    """The display name of a code in one of the (code, name, ...) tuples above, in the page's language."""
    kept = _NAMES.get(id(vocabulary))
    if kept is None or kept[0] is not vocabulary:
        # Reversed, so that a code listed twice keeps its first name, as a search from the start would find.
        kept = _NAMES[id(vocabulary)] = (vocabulary, {entry[0]: entry[1] for entry in reversed(vocabulary)})
    name = kept[1].get(code)
    return code if name is None else gettext(name)
