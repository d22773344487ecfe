"""The diary's fixed lists: codes (as the database and the CSV format hold them) and their words."""

from directory.models.diary import DURATIONS, MEDICINE_CLASSES, RELIEF_LEVELS

DURATION_LABELS: dict[str, str] = {
    "lt_30m": "Under 30 minutes",
    "30m_4h": "30 minutes to 4 hours",
    "4h_24h": "4 to 24 hours",
    "all_day": "All day",
}
# The features that tell a migraine day, in the CSV's column order.
FEATURES: tuple[tuple[str, str], ...] = (
    ("one_side", "On one side"),
    ("throbbing", "Throbbing or pulsing"),
    ("worse_with_activity", "Worse with routine activity (walking, stairs)"),
    ("nausea_or_vomiting", "Nausea or vomiting"),
    ("light_and_sound", "Bothered by light and sound"),
    ("aura_5_60_min", "Aura lasting 5 to 60 minutes"),
)
FEATURE_CODES = tuple(code for code, _ in FEATURES)
MEDICINE_LABELS: dict[str, str] = {
    "simple": "Simple painkiller (paracetamol, ibuprofen, aspirin)",
    "combination": "Combination painkiller (with caffeine or codeine)",
    "triptan": "Triptan",
    "ergot": "Ergot (ergotamine)",
    "opioid": "Opioid",
    "other": "Other",
}
MEDICINE_SHORT: dict[str, str] = {
    "simple": "simple painkiller",
    "combination": "combination painkiller",
    "triptan": "triptan",
    "ergot": "ergot",
    "opioid": "opioid",
    "other": "other medicine",
}
RELIEF_LABELS: dict[str, str] = {
    "none": "Did not help",
    "some": "Helped a little",
    "good": "Helped a lot",
    "complete": "Pain went away",
}
FUNCTION_LABELS: dict[int, str] = {
    0: "Not at all",
    1: "A little",
    2: "A lot",
    3: "Could not do my usual activities",
    4: "In bed",
}
TRIGGERS: dict[str, str] = {
    "stress": "Stress",
    "sleep": "Too little or too much sleep",
    "skipped_meal": "Skipped meal",
    "alcohol": "Alcohol",
    "menstruation": "Period",
    "weather": "Weather",
    "screen": "Long screen time",
    "posture": "Neck strain or posture",
    "exercise": "Exercise",
}
TRIGGER_CODES = tuple(TRIGGERS)

assert tuple(DURATION_LABELS) == DURATIONS
assert tuple(MEDICINE_LABELS) == MEDICINE_CLASSES
assert tuple(RELIEF_LABELS) == RELIEF_LEVELS
