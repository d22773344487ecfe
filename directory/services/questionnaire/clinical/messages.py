"""What the questionnaire tells a patient: the disclaimer and the message of each triage level."""

from types import MappingProxyType

from directory.services.core.text import N_
from directory.services.questionnaire.clinical.flags import EMERGENCY, NONE, SOON, TODAY

DISCLAIMER = N_(
    "This questionnaire helps you find a practitioner. It cannot diagnose your headache; "
    "only a doctor can. If you are worried, contact a doctor; in an emergency call your "
    "local emergency number."
)

UNDER_18_MESSAGE = N_(
    "This questionnaire is for adults aged 18 and over. If you are under 18, please talk "
    "to a doctor about your headaches: they can help you find the right care."
)

LEVEL_MESSAGES = MappingProxyType(
    {
        EMERGENCY: (
            N_(
                "Please call your local emergency number now, or go to the nearest emergency "
                "department. Do not drive yourself. Your answers include a sign that needs a "
                "doctor straight away."
            )
        ),
        TODAY: (
            N_(
                "Please get medical help today: an urgent care center, your own doctor or an "
                "out-of-hours service. Your answers include a sign a doctor should check first. "
                "Come back here once you have been checked."
            )
        ),
        SOON: (
            N_(
                "Please see a doctor within the next week or two, before you start dry needling. "
                "Your answers include a sign a doctor should look at. You can still look for a "
                "practitioner now."
            )
        ),
        NONE: (
            N_(
                "Your answers do not show any warning signs. If your headache changes or you are worried, contact a doctor."
            )
        ),
    }
)

MEDICATION_OVERUSE_ADVICE = N_("Do not stop your medicines suddenly without advice from a doctor or pharmacist.")
