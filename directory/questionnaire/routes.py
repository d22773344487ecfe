"""The questionnaire's pages: six short steps, the stop page, the results, and the answers' privacy controls.

The answers live on the server (services.questionnaire) under a token kept in the session,
never in a URL; they are never logged. Every page is sent with Cache-Control: no-store
(directory.NO_STORE_BLUEPRINTS).
"""

import dataclasses

from flask import abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user

from directory.access import role_required
from directory.forms import EmptyForm, choices, contains_nul
from directory.models import Role
from directory.questionnaire import bp, forms, steps
from directory.services.core.text import gettext
from directory.services.geo import places
from directory.services.geo.points import UNIT_SESSION_KEY
from directory.services.questionnaire import clinical, matching, responses
from directory.services.questionnaire.answers import NEEDLING_SAFETY
from directory.services.questionnaire.clinical import emergency
from directory.services.questionnaire.responses import TOKEN_KEY
from directory.vocabulary import N_

UNIT_KEY = UNIT_SESSION_KEY
CONFIDENCE_WORDS = {clinical.LIKELY: N_("likely"), clinical.POSSIBLE: N_("possible")}
STOP_HEADINGS = {clinical.EMERGENCY: N_("Please get help now"), clinical.TODAY: N_("Please see a doctor today")}
PLACE_NOT_FOUND = N_(
    "We could not find the place you typed, so we show the emergency numbers of several countries. "
    "You can change the place at the last step."
)


class _Current:
    """The answers of this session (empty when there are none) and their assessment."""

    def __init__(self, response=None, assessed: responses.AssessedAnswers | None = None):
        self.response = response
        self.answers = dict(response.answers) if response is not None else {}
        self.assessed = assessed

    @property
    def triage(self) -> clinical.TriageResult | None:
        return self.assessed.assessment.triage if self.assessed else None


def _current() -> _Current:
    user_id = current_user.id if current_user.is_authenticated else None
    response = responses.find_response(session.get(TOKEN_KEY), user_id)
    if response is not None:
        try:
            return _Current(response, responses.assess(response.answers))
        except responses.AnswerError:
            pass  # answers from an older format: start afresh rather than fail
    session.pop(TOKEN_KEY, None)
    return _Current()


def _resume_url(current: _Current) -> str:
    """Where a patient with these answers carries on."""
    triage = current.triage
    if triage is None:
        return url_for("questionnaire.answer_step", number=1)
    first = steps.first_unanswered(current.answers)
    # An emergency answer stops at once, so a stopped patient may have left warning signs blank.
    if triage.under_18 or (triage.stop and (first is None or first >= steps.WARNING_SIGNS)):
        return url_for("questionnaire.show_stop")
    if first is not None:
        return url_for("questionnaire.answer_step", number=first)
    return url_for("questionnaire.show_results")


def _redirect_for_step(number: int, current: _Current) -> str | None:
    """Where to send a patient who may not open this step yet (earlier steps first; stops stay stopped)."""
    if number == 1:
        return None
    triage = current.triage
    if triage is None:
        return url_for("questionnaire.answer_step", number=1)
    if triage.under_18 or (number > steps.WARNING_SIGNS and triage.stop):
        return url_for("questionnaire.show_stop")
    first = steps.first_unanswered(current.answers)
    if first is not None and number > first:
        return url_for("questionnaire.answer_step", number=first)
    return None


@bp.context_processor
def _questionnaire_globals():
    return {"disclaimer": clinical.DISCLAIMER, "step_count": steps.STEP_COUNT}


@bp.app_template_global("emergency_contact")
def _emergency_contact(country: str | None) -> emergency.EmergencyContact:
    # The footer of every page names the number; questionnaire pages set g.emergency_country.
    return emergency.emergency_contact(country)


def _place_country(answers) -> tuple[str | None, bool]:
    """The country of the place in the answers (None when unknown), and whether a place was given but not found."""
    preferences = answers.get("preferences") or {}
    location, latitude, longitude = (
        preferences.get("location"),
        preferences.get("latitude"),
        preferences.get("longitude"),
    )
    # A typed place wins over coordinates here (the answers hold one or the other).
    if location:
        key, latitude, longitude = location, None, None
    elif latitude is not None and longitude is not None:
        key = f"{latitude}, {longitude}"
    else:
        return None, False
    # A page asks twice (the emergency number, the distance unit): look the place up once per request.
    looked_up = g.setdefault("place_countries", {})
    if key not in looked_up:
        looked_up[key] = _look_up_country(places.resolve_place(location, latitude, longitude))
    return looked_up[key]


def _look_up_country(place: places.ResolvedPlace) -> tuple[str | None, bool]:
    """The country of a resolved place, and whether the place was not found."""
    if place.found:
        return place.country, False
    # Several places of that name in one country still give that country's number.
    return place.candidates_country, not place.candidates


def _emergency_contact_for(answers) -> emergency.EmergencyContact:
    """The emergency number of the patient's country, also named by this page's footer."""
    g.emergency_country, _ = _place_country(answers)
    return emergency.emergency_contact(g.emergency_country)


def _distance_unit(answers) -> str:
    """The unit the patient chose before, else the usual one in the country of their place."""
    chosen = session.get(UNIT_KEY)
    if chosen in steps.UNIT_WORDS:
        return chosen
    return steps.distance_unit_for(_place_country(answers)[0])


@bp.route("/")
def show_introduction():
    """What the questionnaire is and is not; start, carry on, or open saved answers."""
    current = _current()
    has_saved = (
        current.response is None
        and current_user.is_authenticated
        and current_user.is_patient
        and responses.saved_response(current_user.id) is not None
    )
    return render_template(
        "questionnaire/show_introduction.html",
        resume_url=_resume_url(current) if current.response is not None else None,
        has_saved=has_saved,
        searched_place=request.args.get("q"),
        ttl_days=current_app.config["QUESTIONNAIRE_TTL_DAYS"],
    )


def _render_step(step: steps.Step, form, current: _Current, status: int = 200):
    contact = _emergency_contact_for(current.answers)
    warning_signs = step.number == steps.WARNING_SIGNS
    return render_template(
        "questionnaire/answer_step.html",
        step=step,
        form=form,
        flags={flag.id: flag for flag in clinical.RED_FLAGS},
        stop_levels=clinical.STOP_LEVELS,
        is_open=steps.group_is_open,
        found_location=current.answers.get("preferences", {}).get("latitude") is not None,
        contact=contact,
        advice_level=steps.advice_level(form, current.answers.get("age")) if warning_signs else None,
        level_messages=clinical.LEVEL_MESSAGES,
        stop_headings=STOP_HEADINGS,
    ), status


@bp.route("/step/<int:number>", methods=["GET", "POST"])
def answer_step(number: int):
    """One step of the questionnaire: show the saved answers, or save the form and go on (or back)."""
    step = steps.get_step(number)
    if step is None:
        abort(404)
    current = _current()
    if target := _redirect_for_step(number, current):
        return redirect(target)
    age = current.answers.get("age")
    form_class = step.form_class or forms.warning_signs_form(steps.shown_flags(age))
    action = request.form.get("action")
    going_back = action == "back"
    if request.method == "GET":
        data = steps.form_data(step, current.answers, _distance_unit(current.answers))
        if number == 1 and not current.answers.get("preferences") and request.args.get("q"):
            data["location"] = request.args["q"]  # the place searched before, from the search page's link
        return _render_step(step, form_class(data=data), current)
    if number == steps.WARNING_SIGNS and action == "none_apply":
        form = form_class(formdata=steps.none_apply(request.form, age))
    else:
        form = form_class()
    form.validate()
    steps.check(step, form, current.answers)
    stopping = (
        number == steps.WARNING_SIGNS
        and not going_back
        and steps.advice_level(form, age) is not None
        and _only_answers_missing(form)
    )
    if not going_back and not stopping and any(field.errors for field in form):
        return _render_step(step, form, current, 400)
    try:
        response = responses.record_answers(current.response, steps.merge(step, form, current.answers))
    except responses.AnswerError:
        # The forms keep to the schema, so this means a mismatch between them: never echo the values.
        if going_back:
            return redirect(_previous_url(number))
        form.form_errors.append("Some answers could not be saved. Please check them and try again.")
        return _render_step(step, form, current, 400)
    session[TOKEN_KEY] = response.token
    if "distance_unit" in form and not form.distance_unit.errors:
        session[UNIT_KEY] = form.distance_unit.data
    if number == 1 and not going_back and _place_country(response.answers)[1]:
        flash(gettext(PLACE_NOT_FOUND), "info")
    if going_back:
        return redirect(_previous_url(number))
    return redirect(_next_url(number, _current()))


def _only_answers_missing(form) -> bool:
    """Whether the warning-sign form may go to the stop page with the answers it has.

    An emergency answer goes straight to the stop page whatever is still blank or wrong among
    the questions; a bad CSRF token or a NUL character still comes back as a 400.
    """
    questions = {flag.id for flag in clinical.RED_FLAGS}
    return not contains_nul(form.data) and not any(field.errors for field in form if field.name not in questions)


def _previous_url(number: int) -> str:
    if number == 1:
        return url_for("questionnaire.show_introduction")
    return url_for("questionnaire.answer_step", number=number - 1)


def _next_url(number: int, current: _Current) -> str:
    triage = current.triage
    if triage is not None and (triage.under_18 or (number >= steps.WARNING_SIGNS and triage.stop)):
        return url_for("questionnaire.show_stop")
    if number < steps.STEP_COUNT:
        return url_for("questionnaire.answer_step", number=number + 1)
    return url_for("questionnaire.show_results")


@bp.route("/stop")
def show_stop():
    """The calm stop page: the answers point to a doctor first, so no practitioners are shown."""
    current = _current()
    triage = current.triage
    if triage is None:
        return redirect(url_for("questionnaire.show_introduction"))
    if not triage.stop:
        return redirect(_resume_url(current))
    return render_template(
        "questionnaire/show_stop.html",
        contact=_emergency_contact_for(current.answers),
        triage=triage,
        urgent=triage.level in clinical.STOP_LEVELS,
        summaries=[steps.FLAG_SUMMARIES[flag] for flag in triage.flags],
        change_step=1 if triage.under_18 and triage.level not in clinical.STOP_LEVELS else steps.WARNING_SIGNS,
        hide_search_link=True,
    )


def _place_choice_form(result: matching.MatchResult) -> forms.ChoosePlaceForm:
    form = forms.ChoosePlaceForm()
    form.place.choices = choices((candidate.label, candidate.label) for candidate in result.candidates)
    return form


@bp.route("/results")
def show_results():
    """The triage banner, the probable headache types and the ranked practitioners, with reasons and a map."""
    current = _current()
    if current.assessed is None:  # no answers yet (then there is no triage either)
        return redirect(url_for("questionnaire.show_introduction"))
    if current.assessed.assessment.triage.stop or steps.first_unanswered(current.answers) is not None:
        return redirect(_resume_url(current))
    assessment = current.assessed.assessment
    result = matching.match(current.assessed.answers, assessment, limit=current_app.config["MATCH_RESULTS"])
    unit = _distance_unit(current.answers)
    _emergency_contact_for(current.answers)
    return render_template(
        "questionnaire/show_results.html",
        unit=unit,
        assessment=assessment,
        triage=assessment.triage,
        summaries=[steps.FLAG_SUMMARIES[flag] for flag in assessment.triage.flags],
        overuse_advice=clinical.MEDICATION_OVERUSE_ADVICE if "medication_overuse" in assessment.triage.flags else None,
        types=[(probable, clinical.CLINICAL_TYPES[probable.type]) for probable in assessment.probable_types],
        confidence_words=CONFIDENCE_WORDS,
        safety=[label for code, label in NEEDLING_SAFETY if code in assessment.needling_safety],
        result=dataclasses.replace(result, matches=[_in_unit(match, unit) for match in result.matches]),
        place_form=_place_choice_form(result) if result.candidates else None,
        saved=current.response.user_id is not None,
        can_save=current_user.is_authenticated and current_user.is_patient,
        steps=steps.STEPS,
        ttl_days=current_app.config["QUESTIONNAIRE_TTL_DAYS"],
    )


def _in_unit(match: matching.Match, unit: str) -> matching.Match:
    """The match with its distance reason said in this unit (matching words it in km)."""
    if match.distance_km is None or unit == steps.KILOMETRES:
        return match
    # The two distance reasons matching writes, in the page's language, said again in this unit.
    said = {
        matching.distance_reason(match.distance_km, unit="km", far=far): matching.distance_reason(
            match.distance_km, unit=unit, far=far
        )
        for far in (False, True)
    }
    reasons = tuple(said.get(reason, reason) for reason in match.reasons)
    return dataclasses.replace(match, reasons=reasons)


@bp.route("/results/place", methods=["POST"])
def choose_place():
    """Use one of the places a name could mean, then show the results again."""
    current = _current()
    assessed = current.assessed
    if assessed is None or assessed.assessment.triage.stop or steps.first_unanswered(current.answers) is not None:
        return redirect(_resume_url(current))
    result = matching.match(assessed.answers, assessed.assessment, limit=1)
    form = _place_choice_form(result)
    if not result.candidates or not form.validate_on_submit():
        flash(gettext("Please choose one of the places listed."), "error")
        return redirect(url_for("questionnaire.show_results"))
    chosen = next(c for c in result.candidates if c.label == form.place.data)
    answers = steps.with_place(current.answers, chosen.point.latitude, chosen.point.longitude)
    responses.record_answers(current.response, answers)
    return redirect(url_for("questionnaire.show_results"))


@bp.route("/save", methods=["POST"])
@role_required(Role.PATIENT)
def save_answers():
    """Keep this session's answers in the patient's account until they delete them."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    current = _current()
    if current.response is None:
        flash(gettext("There are no answers to save. You can start the questionnaire below."), "info")
        return redirect(url_for("questionnaire.show_introduction"))
    responses.save_to_account(current.response, current_user._get_current_object())
    flash(gettext("Your answers are saved to your account. You can delete them at any time."), "success")
    return redirect(url_for("questionnaire.show_results"))


@bp.route("/saved", methods=["POST"])
@role_required(Role.PATIENT)
def open_saved_answers():
    """Bring back the answers this patient saved to their account."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    response = responses.saved_response(current_user.id)
    if response is None:
        flash(gettext("You have no saved answers."), "info")
        return redirect(url_for("questionnaire.show_introduction"))
    session[TOKEN_KEY] = response.token
    return redirect(url_for("questionnaire.show_results"))


@bp.route("/delete", methods=["POST"])
def delete_answers():
    """Delete this session's answers at once, saved or not."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    current = _current()
    session.pop(TOKEN_KEY, None)
    if current.response is None:
        flash(gettext("There were no answers to delete."), "info")
    else:
        responses.delete_response(current.response)
        flash(gettext("Your answers are deleted."), "success")
    return redirect(url_for("questionnaire.show_introduction"))
