"""The diary's fixed lists: codes (as the database and the CSV format hold them) and their words.

The words are the catalog's English (N_), translated where they are shown.
"""

from directory.models.diary import DURATIONS, MEDICINE_CLASSES, RELIEF_LEVELS
from directory.services.core.text import N_

DURATION_LABELS: dict[str, str] = {
    "lt_30m": N_("Under 30 minutes"),
    "30m_4h": N_("30 minutes to 4 hours"),
    "4h_24h": N_("4 to 24 hours"),
    "all_day": N_("All day"),
}
# The features that tell a migraine day, in the CSV's column order.
FEATURES: tuple[tuple[str, str], ...] = (
    ("one_side", N_("On one side")),
    ("throbbing", N_("Throbbing or pulsing")),
    ("worse_with_activity", N_("Worse with routine activity (walking, stairs)")),
    ("nausea_or_vomiting", N_("Nausea or vomiting")),
    ("light_and_sound", N_("Bothered by light and sound")),
    ("aura_5_60_min", N_("Aura lasting 5 to 60 minutes")),
)
FEATURE_CODES = tuple(code for code, _ in FEATURES)
MEDICINE_LABELS: dict[str, str] = {
    "simple": N_("Simple painkiller (paracetamol, ibuprofen, aspirin)"),
    "combination": N_("Combination painkiller (with caffeine or codeine)"),
    "triptan": N_("Triptan"),
    "ergot": N_("Ergot (ergotamine)"),
    "opioid": N_("Opioid"),
    "other": N_("Other"),
}
MEDICINE_SHORT: dict[str, str] = {
    "simple": N_("simple painkiller"),
    "combination": N_("combination painkiller"),
    "triptan": N_("triptan"),
    "ergot": N_("ergot"),
    "opioid": N_("opioid"),
    "other": N_("other medicine"),
}
# How well a medicine taken helped, as the day's medicine choices say it (each sentence whole, for translation).
RELIEF_LABELS: dict[str, str] = {
    "none": N_("Taken: did not help"),
    "some": N_("Taken: helped a little"),
    "good": N_("Taken: helped a lot"),
    "complete": N_("Taken: pain went away"),
}
FUNCTION_LABELS: dict[int, str] = {
    0: N_("Not at all"),
    1: N_("A little"),
    2: N_("A lot"),
    3: N_("Could not do my usual activities"),
    4: N_("In bed"),
}
TRIGGERS: dict[str, str] = {
    "stress": N_("Stress"),
    "sleep": N_("Too little or too much sleep"),
    "skipped_meal": N_("Skipped meal"),
    "alcohol": N_("Alcohol"),
    "menstruation": N_("Period"),
    "weather": N_("Weather"),
    "screen": N_("Long screen time"),
    "posture": N_("Neck strain or posture"),
    "exercise": N_("Exercise"),
}
TRIGGER_CODES = tuple(TRIGGERS)

assert tuple(DURATION_LABELS) == DURATIONS
assert tuple(MEDICINE_LABELS) == MEDICINE_CLASSES
assert tuple(RELIEF_LABELS) == RELIEF_LEVELS
