"""Reference vocabularies: the fixed lists profiles, search and forms draw on.

Pure data (and the one reading of typed insurance), imported by the models' seeding service and
by the first migration.
"""

from typing import NamedTuple

from directory.services.core.text import fold


class HeadacheFamily(NamedTuple):
    """A headache family: its code, its name in a list or form, and how a sentence says it."""

    code: str
    name: str
    in_words: str


# Headache families a practitioner can say they treat, a patient can say a doctor diagnosed, and
# search filters on; the questionnaire's clinical types each belong to one of them (chronic
# migraine and migraine with aura are migraine, ...). The one list of them: every other is made here.
HEADACHE_FAMILIES = (
    HeadacheFamily("migraine", "Migraine", "migraine"),
    HeadacheFamily("tension_type", "Tension-type headache", "tension-type headache"),
    HeadacheFamily("cervicogenic", "Headache from the neck (cervicogenic)", "headache from the neck"),
    HeadacheFamily("cluster", "Cluster headache", "cluster headache"),
    HeadacheFamily("medication_overuse", "Medication-overuse headache", "medication-overuse headache"),
)
# (code, name) pairs, as the vocabulary tables hold them (the HeadacheType model, table headache_type).
HEADACHE_TYPES = tuple((family.code, family.name) for family in HEADACHE_FAMILIES)
FAMILY_WORDS = {family.code: family.in_words for family in HEADACHE_FAMILIES}

CONSULTATION_MODES = (
    ("in_person", "In person"),
    ("video", "Video first consultation"),
    ("home_visit", "Home visit"),
)

ACCESSIBILITY_FEATURES = (
    ("step_free", "Step-free access"),
    ("accessible_toilet", "Accessible restroom"),
    ("parking", "Accessible parking nearby"),
    ("hearing_loop", "Hearing loop"),
    ("dim_quiet_room", "Dim, quiet treatment room"),
)

# ISO 639-1 codes of the languages most spoken where the directory operates.
LANGUAGES = (
    ("ar", "Arabic"),
    ("bn", "Bengali"),
    ("ca", "Catalan"),
    ("cs", "Czech"),
    ("da", "Danish"),
    ("de", "German"),
    ("el", "Greek"),
    ("en", "English"),
    ("es", "Spanish"),
    ("eu", "Basque"),
    ("fa", "Persian"),
    ("fi", "Finnish"),
    ("fr", "French"),
    ("ga", "Irish"),
    ("gl", "Galician"),
    ("gu", "Gujarati"),
    ("he", "Hebrew"),
    ("hi", "Hindi"),
    ("hr", "Croatian"),
    ("hu", "Hungarian"),
    ("hy", "Armenian"),
    ("id", "Indonesian"),
    ("it", "Italian"),
    ("ja", "Japanese"),
    ("ko", "Korean"),
    ("ms", "Malay"),
    ("nl", "Dutch"),
    ("no", "Norwegian"),
    ("pa", "Punjabi"),
    ("pl", "Polish"),
    ("pt", "Portuguese"),
    ("ro", "Romanian"),
    ("ru", "Russian"),
    ("sk", "Slovak"),
    ("so", "Somali"),
    ("sq", "Albanian"),
    ("sr", "Serbian"),
    ("sv", "Swedish"),
    ("sw", "Swahili"),
    ("ta", "Tamil"),
    ("th", "Thai"),
    ("tl", "Tagalog"),
    ("tr", "Turkish"),
    ("uk", "Ukrainian"),
    ("ur", "Urdu"),
    ("vi", "Vietnamese"),
    ("cy", "Welsh"),
    ("yo", "Yoruba"),
    ("zh", "Chinese"),
)

PROFESSIONS = (
    ("pt", "Physical therapist / physiotherapist"),
    ("dpt", "Doctor of physical therapy"),
    ("chiropractor", "Chiropractor"),
    ("physician", "Physician"),
    ("osteopath", "Osteopath"),
    ("acupuncturist", "Acupuncturist"),
    ("athletic_trainer", "Athletic trainer"),
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
    ("other", "Other program"),
)

GENDERS = (
    ("woman", "Woman"),
    ("man", "Man"),
    ("nonbinary", "Non-binary"),
)

# Parts of the week a patient can ask for; minutes after midnight, local time.
AVAILABILITY_PERIODS = (
    ("weekday_morning", "Weekday mornings", (0, 1, 2, 3, 4), 6 * 60, 12 * 60),
    ("weekday_afternoon", "Weekday afternoons", (0, 1, 2, 3, 4), 12 * 60, 17 * 60),
    ("weekday_evening", "Weekday evenings", (0, 1, 2, 3, 4), 17 * 60, 22 * 60),
    ("weekend", "Weekends", (5, 6), 0, 24 * 60),
)

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

CURRENCIES = (
    ("USD", "US dollar"),
    ("GBP", "Pound sterling"),
    ("EUR", "Euro"),
    ("CAD", "Canadian dollar"),
    ("AUD", "Australian dollar"),
)


# Insurance as a patient types it, on /search, in the API and in the questionnaire: an insurer's name,
# or one of these ways of saying they will pay for themselves (compared folded: "Self-Pay" is "self pay").
SELF_PAY = "self_pay"  # the questionnaire's stored answer, and the API's, for a patient paying themselves
SELF_PAY_SPELLINGS = frozenset({"self pay", "selfpay", "self paying", "self", "none"})
INSURANCE_QUERY_MAX_LENGTH = 80


def is_self_pay(text: str) -> bool:
    """Whether typed insurance means the patient pays for themselves: 'Self-Pay', 'self_pay', 'self paying', 'none'."""
    return " ".join(fold(text).replace("_", " ").split()) in SELF_PAY_SPELLINGS


def label(vocabulary, code: str) -> str:
    """The display name of a code in one of the (code, name, ...) tuples above."""
    for entry in vocabulary:
        if entry[0] == code:
            return entry[1]
    return code
