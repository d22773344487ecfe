"""The questionnaire's forms, one per step; every question but age, the warning signs and the place is optional."""

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from directory import vocabulary
from directory.forms import FiniteFloatField, Form, MultiCheckboxField, TranslatedLabel, WholeNumberField, _lt, choices
from directory.services.questionnaire import answers as schema
from directory.services.questionnaire import clinical
from directory.vocabulary import N_

YES_NO = (("yes", N_("Yes")), ("no", N_("No")))
YES_NO_UNSURE = (("yes", N_("Yes")), ("no", N_("No")), ("unsure", N_("Not sure")))
DISTANCE_UNITS = (("mi", N_("miles")), ("km", N_("km")))
MEDICINE_DAYS = (
    ("", N_("Choose…")),
    ("0", N_("Never")),
    ("1_4", N_("1 to 4 days a month")),
    ("5_9", N_("5 to 9 days a month")),
    ("10_14", N_("10 to 14 days a month")),
    ("15_plus", N_("15 or more days a month")),
)


def _yes_no(label: TranslatedLabel, description: TranslatedLabel | None = None) -> RadioField:
    return RadioField(label, choices=choices(YES_NO), validators=[Optional()], description=description)


def _one_of(label: TranslatedLabel, pairs, description: TranslatedLabel | None = None) -> RadioField:
    return RadioField(label, choices=choices(pairs), validators=[Optional()], description=description)


class AboutYouForm(Form):
    """Step 1: age and any headache type a doctor has diagnosed."""

    age = WholeNumberField(
        _lt("How old are you?"),
        validators=[
            InputRequired(_l("Please enter your age in years.")),
            NumberRange(0, schema.MAX_AGE, _l("Please enter your age in years, from 0 to 120.")),
        ],
        description=_lt("In whole years. This questionnaire is for adults."),
    )
    diagnosed_types = MultiCheckboxField(
        _lt("Has a doctor told you what kind of headache you have?"),
        choices=choices((*vocabulary.HEADACHE_TYPES, ("other", N_("Another kind of headache")))),
        description=_lt("Tick any that a doctor has told you. Leave them all empty if none or if you are not sure."),
    )
    # Asked first so that a stop at the warning signs can name the emergency number of the patient's country.
    location = StringField(
        _lt("Where are you? Your town, city or ZIP code (optional)"),
        validators=[
            Optional(),
            Length(
                max=schema.LOCATION_MAX_LENGTH,
                message=_l("Please use at most %(max)d characters.", max=schema.LOCATION_MAX_LENGTH),
            ),
        ],
        render_kw={"autocomplete": "postal-code", "placeholder": _lt("e.g. 80302 or Boulder, CO")},
        description=_lt(
            "So that we can give you the right emergency number, and look for practitioners near you later."
        ),
    )
    latitude = FiniteFloatField(validators=[Optional(), NumberRange(-90, 90)], widget=HiddenInput())
    longitude = FiniteFloatField(validators=[Optional(), NumberRange(-180, 180)], widget=HiddenInput())


class WarningSignsForm(Form):
    """Step 2: the red-flag questions; warning_signs_form adds one field per question asked."""


def warning_signs_form(flags: tuple[clinical.RedFlag, ...]) -> type[WarningSignsForm]:
    """A WarningSignsForm class with a yes / no / not sure question for each of these red flags.

    Questions that depend on another are optional here; the view requires them when their
    parent was answered yes or not sure.
    """
    fields = {
        flag.id: RadioField(
            TranslatedLabel(flag.question),
            choices=choices(YES_NO_UNSURE),
            validators=[Optional()] if flag.depends_on else [InputRequired(_l("Please choose yes, no or not sure."))],
        )
        for flag in flags
    }
    return type("AskedWarningSignsForm", (WarningSignsForm,), fields)


class HeadacheForm(Form):
    """Step 3: how often the headaches come, how long they last and how they feel."""

    days_per_month = WholeNumberField(
        _lt("On how many days a month do you have a headache?"),
        validators=[Optional(), NumberRange(0, 31, _l("Please enter a number of days from 0 to 31."))],
        description=_lt("Your best guess, from 0 to 31."),
    )
    frequent_for = _one_of(
        _lt("How long have your headaches come this often?"),
        (("lt_3m", N_("Less than 3 months")), ("3_12m", N_("3 to 12 months")), ("gt_1y", N_("More than a year"))),
    )
    lifetime_attacks = _one_of(
        _lt("How many headaches like this have you had so far in your life?"),
        (("1", N_("Just this one")), ("2_4", N_("2 to 4")), ("5_9", N_("5 to 9")), ("10_plus", N_("10 or more"))),
    )
    duration = _one_of(
        _lt("If you take nothing for it, how long does one headache usually last?"),
        (
            ("lt_15m", N_("Less than 15 minutes")),
            ("15_30m", N_("15 to 30 minutes")),
            ("30m_3h", N_("30 minutes to 3 hours")),
            ("3h_4h", N_("3 to 4 hours")),
            ("4h_3d", N_("4 hours to 3 days")),
            ("3d_7d", N_("3 to 7 days")),
            ("constant", N_("It never really stops")),
        ),
    )
    attack_frequency = _one_of(
        _lt("When your headaches are at their most frequent, how often do they come?"),
        (
            ("lt_every_other_day", N_("Less than every other day")),
            ("every_other_day_to_8_daily", N_("From every other day up to 8 times a day")),
            ("gt_8_daily", N_("More than 8 times a day")),
        ),
    )
    side = _one_of(
        _lt("Where is the pain?"),
        (("one", N_("On one side of my head")), ("both", N_("On both sides")), ("varies", N_("It changes"))),
    )
    around_eye_or_temple = _yes_no(_lt("Is the pain around one eye or temple?"))
    quality = MultiCheckboxField(
        _lt("What does the pain feel like?"),
        choices=choices(
            (
                ("throbbing", N_("Throbbing or pulsing")),
                ("pressing", N_("Pressing or tight, like a band")),
                ("stabbing", N_("Stabbing")),
                ("other", N_("Something else")),
            )
        ),
        description=_lt("Tick all that fit."),
    )
    severity = _one_of(
        _lt("How strong is the pain?"),
        (
            ("mild", N_("Mild: I can carry on")),
            ("moderate", N_("Moderate: it gets in the way")),
            ("severe", N_("Severe: I have to stop")),
            ("extreme", N_("The worst I can imagine")),
        ),
    )
    worse_with_activity = _yes_no(
        _lt(
            "Does everyday activity, like walking or climbing stairs, make it worse "
            "(or do you avoid it because of the pain)?"
        )
    )
    nausea = _one_of(
        _lt("Do you feel nauseated (sick to your stomach) with your headaches?"),
        (("none", N_("No")), ("mild", N_("A little")), ("moderate", N_("Quite a lot"))),
    )
    vomiting = _yes_no(_lt("Do you vomit (throw up) with your headaches?"))
    light_sensitive = _yes_no(_lt("Does light bother you during a headache?"))
    sound_sensitive = _yes_no(_lt("Does noise bother you during a headache?"))
    restless = _yes_no(_lt("During a headache, do you feel restless or agitated, unable to keep still?"))
    autonomic_signs = MultiCheckboxField(
        _lt("On the same side as the pain, do you notice any of these?"),
        choices=choices(
            (
                ("red_watery_eye", N_("A red or watery eye")),
                ("nasal", N_("A blocked or runny nose")),
                ("eyelid_swelling", N_("A swollen eyelid")),
                ("facial_sweating", N_("Sweating on the forehead or face")),
                ("ptosis_miosis", N_("A drooping eyelid or a small pupil")),
            )
        ),
        description=_lt("Tick any you notice; leave them empty if none."),
    )


class AuraForm(Form):
    """Step 4: whether an aura comes, and its details when it does."""

    present = _one_of(
        _lt(
            "Before or during your headaches, do you get an aura: changes such as flashing "
            "lights, zigzag lines, pins and needles or trouble finding words, that then pass?"
        ),
        YES_NO_UNSURE,
    )
    symptoms = MultiCheckboxField(
        _lt("What happens during your aura?"),
        choices=choices(
            (
                ("visual", N_("Changes in my sight, such as flashing lights, zigzags or a blind spot")),
                ("sensory", N_("Pins and needles or numbness")),
                ("speech", N_("Trouble speaking or finding words")),
                ("motor", N_("Weakness in an arm or leg")),
                ("brainstem", N_("Dizziness, double vision, slurred speech or ringing in the ears")),
                ("one_eye", N_("Loss of sight or flashing in one eye only")),
            )
        ),
        description=_lt("Tick all that happen."),
    )
    spreads_gradually = _yes_no(_lt("Does at least one of these spread slowly, over 5 minutes or more?"))
    succession = _yes_no(_lt("Do two or more of them come one after another?"))
    lasts_5_60_min = _yes_no(_lt("Does each one last between 5 minutes and an hour?"))
    one_sided = _yes_no(_lt("Is at least one of them on one side only?"))
    positive = _yes_no(
        _lt(
            "Is at least one of them something extra, like flashing lights or tingling (rather than something missing)?"
        )
    )
    headache_within_60_min = _yes_no(_lt("Does the headache start during the aura or within an hour of it?"))
    episodes = _one_of(
        _lt("How many times have you had an aura?"), (("once", N_("Once")), ("2_plus", N_("2 times or more")))
    )
    doctor_checked = _yes_no(_lt("Has a doctor checked your aura?"))


class NeckAndMedicinesForm(Form):
    """Step 5: signs that the headache comes from the neck, and the medicines taken for it."""

    pain_with_headache = _yes_no(_lt("Do you have neck pain with your headaches?"))
    began_with_neck_problem = _yes_no(_lt("Did your headaches begin with a neck problem or a neck injury?"))
    provoked_by_movement_or_posture = _yes_no(
        _lt("Can moving your neck, or holding your head in one position for a long time, bring on a headache?")
    )
    provoked_by_pressure = _yes_no(_lt("Can pressing on your neck bring on a headache?"))
    improved_with_neck = _one_of(
        _lt("When your neck gets better, do your headaches get better too?"),
        (("yes", N_("Yes")), ("no", N_("No")), ("not_applicable", N_("My neck has not been better, or I don't know"))),
    )
    clinician_found_disorder = _one_of(
        _lt("Has a doctor or therapist found a problem in your neck, on examination or on a scan?"), YES_NO_UNSURE
    )
    simple_analgesics = SelectField(
        _lt("Simple painkillers, such as paracetamol (acetaminophen), ibuprofen or aspirin"),
        choices=choices(MEDICINE_DAYS),
        validators=[Optional()],
    )
    triptans = SelectField(
        _lt("Triptans, such as sumatriptan or rizatriptan"), choices=choices(MEDICINE_DAYS), validators=[Optional()]
    )
    combination = SelectField(
        _lt("Combination painkillers, such as tablets with codeine or caffeine added"),
        choices=choices(MEDICINE_DAYS),
        validators=[Optional()],
    )
    opioids = SelectField(
        _lt("Opioids, such as codeine, tramadol or morphine"), choices=choices(MEDICINE_DAYS), validators=[Optional()]
    )
    ergots = SelectField(_lt("Ergotamine medicines"), choices=choices(MEDICINE_DAYS), validators=[Optional()])
    for_3_months_or_more = _yes_no(_lt("Have you taken your headache medicines this often for 3 months or more?"))
    triptan_relieves = _one_of(
        _lt("Does a triptan help your headache?"),
        (("yes", N_("Yes")), ("no", N_("No")), ("never_tried", N_("I have not tried one"))),
    )
    migraine_like_days = _one_of(
        _lt(
            "On how many days a month is the headache strong and throbbing, or with "
            "feeling nauseated or light and noise bothering you?"
        ),
        (
            ("0_7", N_("0 to 7 days")),
            ("8_14", N_("8 to 14 days")),
            ("15_plus", N_("15 days or more")),
            ("unsure", N_("I'm not sure")),
        ),
    )


class PreferencesForm(Form):
    """Step 6: needling safety, and what the patient wants from a practitioner."""

    needling_safety = MultiCheckboxField(
        _lt("Is any of this true for you?"),
        choices=choices(schema.NEEDLING_SAFETY),
        description=_lt("Your practitioner needs to know, to keep needling safe. It will not stop you finding one."),
    )
    location = StringField(
        _lt("Where should we look? Your town, city or ZIP code"),
        validators=[
            Optional(),
            Length(
                max=schema.LOCATION_MAX_LENGTH,
                message=_l("Please use at most %(max)d characters.", max=schema.LOCATION_MAX_LENGTH),
            ),
        ],
        render_kw={"autocomplete": "postal-code", "placeholder": _lt("e.g. 80302 or Boulder, CO")},
        description=_lt("Needed for a video consultation too: the treatment itself is in person."),
    )
    latitude = FiniteFloatField(validators=[Optional(), NumberRange(-90, 90)], widget=HiddenInput())
    longitude = FiniteFloatField(validators=[Optional(), NumberRange(-180, 180)], widget=HiddenInput())
    # The range depends on the unit, so steps.check tests it; the answers keep kilometres.
    max_distance = WholeNumberField(_lt("How far can you travel?"), validators=[Optional()])
    distance_unit = SelectField(_lt("Unit"), choices=choices(DISTANCE_UNITS), default="mi")
    first_consultation = RadioField(
        _lt("How would you like your first consultation?"),
        default="either",
        choices=choices((("in_person", N_("In person")), ("video", N_("By video")), ("either", N_("Either is fine")))),
        validators=[Optional()],
    )
    languages = MultiCheckboxField(
        _lt("Tick the languages you would like to speak with your practitioner"),
        choices=choices(sorted(vocabulary.LANGUAGES, key=lambda pair: pair[1])),
        description=_lt("Leave them all empty if any language is fine."),
    )
    practitioner_gender = RadioField(
        _lt("Would you prefer your practitioner to be"),
        default="no_preference",
        choices=choices((("no_preference", N_("No preference")), *vocabulary.GENDERS)),
        validators=[Optional()],
    )
    availability = MultiCheckboxField(
        _lt("When suits you?"), choices=choices((code, name) for code, name, *_ in vocabulary.AVAILABILITY_PERIODS)
    )
    max_fee = WholeNumberField(
        _lt("Most you would pay for a session"),
        validators=[
            Optional(),
            NumberRange(0, schema.MAX_FEE, _l("Please enter an amount from 0 to %(max)s.", max=f"{schema.MAX_FEE:,}")),
        ],
        description=_lt("In your local currency. Leave empty if it does not matter."),
    )
    insurance = StringField(
        _lt("Your health insurer"),
        validators=[
            Optional(),
            Length(
                max=schema.INSURANCE_MAX_LENGTH,
                message=_l("Please use at most %(max)d characters.", max=schema.INSURANCE_MAX_LENGTH),
            ),
        ],
        description=_lt('Or type "self-pay" if you will pay yourself.'),
    )
    accessibility = MultiCheckboxField(
        _lt("Do you need any of these?"), choices=choices(vocabulary.ACCESSIBILITY_FEATURES)
    )


class ChoosePlaceForm(Form):
    """Which of several places with the same name the patient meant; the view sets the choices."""

    place = RadioField(
        _lt("Which place did you mean?"), choices=[], validators=[InputRequired(_l("Please choose one of the places."))]
    )
