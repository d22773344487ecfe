"""Reference vocabularies: the fixed lists profiles, search and forms draw on.

Pure data, imported by the models' seeding service and by the first migration.
"""

# Headache families a practitioner can say they treat; the questionnaire's probable
# types map onto these (chronic migraine and migraine with aura are migraine, ...).
HEADACHE_TYPES = (
    ("migraine", "Migraine"),
    ("tension_type", "Tension-type headache"),
    ("cervicogenic", "Cervicogenic headache (from the neck)"),
    ("cluster", "Cluster headache"),
    ("medication_overuse", "Medication-overuse headache"),
)

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


def label(vocabulary, code: str) -> str:
    """The display name of a code in one of the (code, name, ...) tuples above."""
    for entry in vocabulary:
        if entry[0] == code:
            return entry[1]
    return code
