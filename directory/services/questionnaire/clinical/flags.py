"""The red-flag questions and the flags the other answers raise, each with its level and label.

Each flag's rule and source is written out in docs/clinical-rules.md, section "Red flags".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from directory.services.core.text import N_

EMERGENCY = "emergency"
TODAY = "today"
SOON = "soon"
NONE = "none"
LEVELS = (NONE, SOON, TODAY, EMERGENCY)  # weakest to strongest
STOP_LEVELS = frozenset({EMERGENCY, TODAY})

# Where a raised flag came from.
ANSWERED = "answered"
UNSURE = "unsure"
DERIVED = "derived"

PREGNANCY = "pregnancy"


@dataclass(frozen=True)
class RedFlag:
    """One yes / no / unsure warning-sign question, the level a yes raises, and its short label."""

    id: str
    question: str
    level: str
    over_50_only: bool = False
    depends_on: str | None = None
    # A few plain words that finish "You were not sure about ...".
    label: str = field(default="", kw_only=True)


RED_FLAGS: tuple[RedFlag, ...] = (
    RedFlag(
        "fever_meningism",
        N_("Do you have a fever together with a stiff neck, a new rash, or confusion?"),
        EMERGENCY,
        label=N_("a fever with a stiff neck, a rash or confusion"),
    ),
    RedFlag(
        "fever", N_("Have you had a fever or chills with this headache?"), TODAY, label=N_("a fever with this headache")
    ),
    RedFlag(
        "weight_loss",
        N_("Have you lost weight without trying, or had night sweats that soak your bedclothes?"),
        SOON,
        label=N_("weight loss or night sweats"),
    ),
    RedFlag("cancer_history", N_("Have you ever had cancer?"), SOON, label=N_("having had cancer")),
    RedFlag(
        "neuro_deficit",
        N_(
            "Have you had anything new such as weakness or numbness on one side of your "
            "body, a drooping face, trouble speaking, loss of sight, double vision, "
            "confusion, fainting or a seizure (not an aura a doctor has told you is part "
            "of your migraine)?"
        ),
        EMERGENCY,
        label=N_("new weakness, numbness, trouble speaking or loss of sight"),
    ),
    RedFlag(
        "thunderclap",
        N_("In the past month, have you had a headache that went from nothing to its worst within about a minute?"),
        EMERGENCY,
        label=N_("a headache that reached its worst within a minute"),
    ),
    RedFlag(
        "onset_after_50",
        N_("Did this kind of headache first start after you turned 50?"),
        SOON,
        over_50_only=True,
        label=N_("headaches that started after 50"),
    ),
    RedFlag(
        "giant_cell_arteritis",
        N_("Do you get pain in your jaw when you chew, or does your scalp or temple feel tender to touch?"),
        TODAY,
        over_50_only=True,
        label=N_("jaw pain on chewing or a tender scalp or temple"),
    ),
    RedFlag(
        "gca_vision",
        N_("Along with jaw pain or a tender scalp or temple, has your eyesight changed or have you lost any vision?"),
        EMERGENCY,
        over_50_only=True,
        depends_on="giant_cell_arteritis",
        label=N_("changes in your eyesight"),
    ),
    RedFlag(
        "new_or_changed",
        N_(
            "Did your headaches start less than 3 months ago, or have they clearly changed "
            "in how often they come, how strong they are or how they feel?"
        ),
        SOON,
        label=N_("headaches that are new or have changed"),
    ),
    RedFlag(
        "positional",
        N_(
            "Is your headache clearly worse when you sit or stand up and better when you lie down, or the other way round?"
        ),
        SOON,
        label=N_("a headache that changes with lying down or standing up"),
    ),
    RedFlag(
        "valsalva",
        N_("Is your headache brought on by coughing, sneezing, straining, exercise or sex?"),
        SOON,
        label=N_("a headache brought on by coughing, straining or exercise"),
    ),
    RedFlag(
        "papilledema_told",
        N_("Has an optician or eye doctor told you that the nerve at the back of your eye looks swollen?"),
        TODAY,
        label=N_("being told the nerve at the back of your eye looks swollen"),
    ),
    RedFlag(
        "papilledema_symptoms",
        N_(
            "Does your sight briefly go gray or dark, or do you hear a whooshing sound in "
            "your ears in time with your heartbeat?"
        ),
        SOON,
        label=N_("your sight going gray or a whooshing sound with your heartbeat"),
    ),
    RedFlag(
        "progressive",
        N_("Is your headache getting steadily worse week by week?"),
        SOON,
        label=N_("a headache getting worse week by week"),
    ),
    # The gateway raises nothing itself: it only decides whether the two questions after it
    # are asked. A pregnant patient also tells the practitioner through needling safety.
    RedFlag(
        PREGNANCY,
        N_("Are you pregnant, or did you give birth in the last 6 weeks?"),
        NONE,
        label=N_("being pregnant or having given birth recently"),
    ),
    RedFlag(
        "pregnancy_new",
        N_("During this pregnancy or since the birth, is this headache new or different from your usual ones?"),
        TODAY,
        depends_on=PREGNANCY,
        label=N_("a new or different headache in pregnancy or after the birth"),
    ),
    RedFlag(
        "pregnancy_severe",
        N_(
            "While pregnant or since giving birth, have you noticed changes in your "
            "vision, sudden swelling of your face, hands or feet, or been told your blood "
            "pressure is high?"
        ),
        EMERGENCY,
        depends_on=PREGNANCY,
        label=N_("vision changes, sudden swelling or high blood pressure in pregnancy"),
    ),
    RedFlag(
        "painful_red_eye",
        N_("Is one of your eyes red and painful, with blurred vision or colored rings (halos) around lights?"),
        EMERGENCY,
        label=N_("a red, painful eye"),
    ),
    RedFlag(
        "head_injury",
        N_("Did this headache start after a head injury, a fall or whiplash?"),
        SOON,
        label=N_("a headache that started after a head injury"),
    ),
    RedFlag(
        "head_injury_acute",
        N_(
            "Was that injury in the last 7 days and, since then, have you vomited "
            "(thrown up), felt unusually drowsy or confused? Or do you take blood thinners?"
        ),
        EMERGENCY,
        depends_on="head_injury",
        label=N_("a recent head injury with vomiting, drowsiness or blood thinners"),
    ),
    RedFlag(
        "immunosuppressed",
        N_(
            "Do you have HIV, or take medicines that weaken your immune system (for "
            "example after a transplant, for cancer, or steroid tablets for a long time)?"
        ),
        SOON,
        label=N_("a weakened immune system"),
    ),
    RedFlag(
        "immunosuppressed_fever",
        N_("With a weakened immune system, do you also have a fever?"),
        TODAY,
        depends_on="immunosuppressed",
        label=N_("a fever with a weakened immune system"),
    ),
    RedFlag(
        "medication_overuse",
        N_("Do you take painkillers or migraine medicines on 10 or more days a month?"),
        SOON,
        label=N_("taking headache medicines on 10 or more days a month"),
    ),
    RedFlag(
        "new_medicine",
        N_("Did your headache begin soon after you started a new medicine?"),
        SOON,
        label=N_("a headache that began after a new medicine"),
    ),
)


@dataclass(frozen=True)
class DerivedFlag:
    """A flag raised from other answers rather than asked, with the reason in plain words.

    ``level`` is the level it raises at least; the triage rule may raise it higher
    (``aura_atypical``: see docs/clinical-rules.md).
    """

    id: str
    reason: str
    level: str = SOON
    label: str = field(default="", kw_only=True)


AURA_UNCHECKED = "aura_unchecked"
AURA_ATYPICAL = "aura_atypical"
MEDICATION_OVERUSE_FLAG = "medication_overuse"

DERIVED_FLAGS: tuple[DerivedFlag, ...] = (
    DerivedFlag(
        AURA_UNCHECKED,
        "Your aura (the warning signs before a headache) has not been checked by a doctor. Please have it checked.",
        label=N_("an aura no doctor has checked"),
    ),
    DerivedFlag(
        AURA_ATYPICAL,
        "Weakness, dizziness, double vision or loss of sight in one eye during an aura should be checked by a doctor.",
        label=N_("weakness, dizziness or loss of sight in one eye during an aura"),
    ),
)

# Flags are reported in this order, whatever order the answers came in. The pregnancy
# gateway is never raised, so it is not among them.
FLAG_IDS: tuple[str, ...] = tuple(f.id for f in RED_FLAGS if f.level != NONE) + tuple(f.id for f in DERIVED_FLAGS)
# The level each flag raises when nothing else is known: fixed for the asked flags, the
# least for a derived one (whose level comes from the answers).
FLAG_LEVELS: Mapping[str, str] = MappingProxyType(
    {f.id: f.level for f in RED_FLAGS if f.level != NONE} | {f.id: f.level for f in DERIVED_FLAGS}
)
FLAG_LABELS: Mapping[str, str] = MappingProxyType(
    {f.id: f.label for f in RED_FLAGS} | {f.id: f.label for f in DERIVED_FLAGS}
)
