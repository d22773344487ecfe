"""The questionnaire through the test client: steps, triage stops, results, and the privacy of the answers."""

import logging
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from directory.extensions import db
from directory.models import Place, QuestionnaireResponse, Role, User, utcnow
from directory.services.questionnaire import clinical
from directory.services.questionnaire.answers import parse_answers
from directory.services.questionnaire.responses import TOKEN_KEY
from tests import factories
from tests.conftest import AuthActions

STEP = "/questionnaire/step/{}"
RESULTS = "/questionnaire/results"
STOP = "/questionnaire/stop"

NO_FLAGS = {flag.id: "no" for flag in clinical.RED_FLAGS if not flag.over_50_only}
OVER_50_NO_FLAGS = {flag.id: "no" for flag in clinical.RED_FLAGS}
MIGRAINE = {
    "days_per_month": "6",
    "frequent_for": "gt_1y",
    "lifetime_attacks": "10_plus",
    "duration": "4h_3d",
    "side": "one",
    "quality": ["throbbing"],
    "severity": "severe",
    "worse_with_activity": "yes",
    "nausea": "moderate",
    "vomiting": "no",
    "light_sensitive": "yes",
    "sound_sensitive": "yes",
}
PREFERENCES = {
    "location": "Boulder, CO",
    "max_distance": "25",
    "distance_unit": "km",
    "first_consultation": "either",
    "languages": ["es"],
}
# Distinctive answers, to look for where they must never be (logs, URLs).
SECRET_INSURER = "Quokkaline Mutual Ω"
SECRET_PLACE = "Boulder, CO"


def checked(value):
    """A pattern for a ticked checkbox or radio button with this value."""
    return re.compile(rf'<input checked [^>]*value="{re.escape(value)}"')


def selected(value):
    return re.compile(rf'<option selected value="{re.escape(value)}"')


def shows(page, kept) -> bool:
    return bool(kept.search(page)) if isinstance(kept, re.Pattern) else kept in page


def post(client, number, data=None, action="continue"):
    return client.post(STEP.format(number), data={**(data or {}), "action": action})


def answer_all(client, age="34", flags=None, headache=None, aura=None, neck=None, preferences=None, safety=()):
    """Answer every step (each one must be accepted); returns the last response."""
    steps = (
        {"age": age, "diagnosed_types": []},
        flags if flags is not None else (OVER_50_NO_FLAGS if int(age) >= 50 else NO_FLAGS),
        headache if headache is not None else MIGRAINE,
        aura if aura is not None else {"present": "no"},
        neck if neck is not None else {"pain_with_headache": "no", "simple_analgesics": "1_4"},
        {**(preferences if preferences is not None else PREFERENCES), "needling_safety": list(safety)},
    )
    for number, data in enumerate(steps, start=1):
        response = post(client, number, data)
        assert response.status_code == 302, (number, response.get_data(as_text=True)[:2000])
    return response


def stored(app):
    """Every stored response's answers, oldest first."""
    with app.app_context():
        return [r.answers for r in db.session.scalars(select(QuestionnaireResponse).order_by(QuestionnaireResponse.id))]


def session_token(client):
    with client.session_transaction() as session:
        return session.get(TOKEN_KEY)


@pytest.fixture
def places(app):
    with app.app_context():
        for name, region, lat, lon, population in (
            ("Boulder", "CO", 40.01499, -105.27055, 108_000),
            ("Springfield", "IL", 39.8017, -89.6437, 114_000),
            ("Springfield", "MA", 42.1015, -72.5898, 154_000),
        ):
            db.session.add(
                Place(
                    kind="city",
                    name=name,
                    search_key=name.lower(),
                    region=region,
                    country="US",
                    latitude=lat,
                    longitude=lon,
                    population=population,
                )
            )
        db.session.commit()


@pytest.fixture
def practitioners(app, places):
    with app.app_context():
        factories.make_profile(
            display_name="Lucia Migraña",
            slug="lucia",
            latitude=40.0176,
            longitude=-105.2797,
            headache_types=("migraine",),
            languages=("en", "es"),
            verified=True,
        )
        factories.make_profile(
            display_name="Tom Neck",
            slug="tom-neck",
            latitude=40.03,
            longitude=-105.25,
            headache_types=("cervicogenic",),
            languages=("en",),
            verified=True,
        )
        factories.make_profile(
            display_name="Nora Springfield",
            slug="nora",
            latitude=39.80,
            longitude=-89.64,
            headache_types=("migraine",),
            verified=True,
        )


# -- the steps ---------------------------------------------------------------------------


def test_every_step_shows_progress_the_disclaimer_and_back(client):
    page = client.get("/questionnaire/").get_data(as_text=True)
    assert clinical.DISCLAIMER in page
    answer_all(client)
    for number in range(1, 7):
        response = client.get(STEP.format(number))
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        assert f"Step {number} of 6" in page and clinical.DISCLAIMER in page
        assert 'value="back"' in page and 'value="continue"' in page


def test_a_step_cannot_be_skipped(client):
    assert client.get(STEP.format(4)).headers["Location"].endswith(STEP.format(1))
    post(client, 1, {"age": "40"})
    assert client.get(STEP.format(5)).headers["Location"].endswith(STEP.format(2))
    assert client.get(RESULTS).headers["Location"].endswith(STEP.format(2))
    assert client.get(STEP.format(7)).status_code == 404


def test_pages_with_answers_are_not_cached(client):
    post(client, 1, {"age": "40"})
    assert client.get(STEP.format(1)).headers["Cache-Control"] == "no-store"


HOSTILE = [
    # step, data, a message shown, text that must come back in the page
    (1, {"age": "thirty"}, "Not a valid integer value.", 'value="thirty"'),
    (1, {"age": "-1"}, "from 0 to 120", 'value="-1"'),
    (1, {"age": "121", "diagnosed_types": ["migraine"]}, "from 0 to 120", checked("migraine")),
    (1, {"age": "", "diagnosed_types": ["migraine", "werewolf"]}, "Please enter your age", checked("migraine")),
    (1, {"age": "9" * 400}, "from 0 to 120", 'value="' + "9" * 400),
    (2, {**NO_FLAGS, "thunderclap": "maybe"}, "Not a valid choice.", checked("no")),
    (2, {**NO_FLAGS, "fever": ""}, "Please choose yes, no or not sure.", checked("no")),
    (
        2,
        {**NO_FLAGS, "head_injury": "yes", "head_injury_acute": ""},
        "Please answer this question too.",
        checked("yes"),
    ),
    (3, {**MIGRAINE, "days_per_month": "32"}, "from 0 to 31", 'value="32"'),
    (3, {**MIGRAINE, "days_per_month": "ten ✓"}, "Not a valid integer value.", 'value="ten ✓"'),
    (3, {**MIGRAINE, "duration": "forever"}, "Not a valid choice.", checked("severe")),
    (3, {**MIGRAINE, "quality": ["throbbing", "sparkly"]}, "not a valid choice", checked("gt_1y")),
    (4, {"present": "perhaps", "symptoms": ["visual"]}, "Not a valid choice.", checked("visual")),
    (4, {"present": "yes", "episodes": ["many"]}, "Not a valid choice.", checked("yes")),
    (5, {"simple_analgesics": "99", "pain_with_headache": "yes"}, "Not a valid choice.", checked("yes")),
    (5, {"triptan_relieves": "sometimes", "opioids": "5_9"}, "Not a valid choice.", selected("5_9")),
    (6, {**PREFERENCES, "location": "Ω" * 10_000}, "at most 200 characters", "Ω" * 10_000),
    (6, {**PREFERENCES, "insurance": SECRET_INSURER * 10}, "at most 80 characters", SECRET_INSURER),
    (6, {**PREFERENCES, "max_distance": "0"}, "Please choose from 1 to 500 km.", 'value="0"'),
    (
        6,
        {**PREFERENCES, "max_distance": "400", "distance_unit": "mi"},
        "Please choose from 1 to 310 miles.",
        'value="400"',
    ),
    (6, {**PREFERENCES, "max_distance": "1e9"}, "Not a valid integer value.", 'value="1e9"'),
    (6, {**PREFERENCES, "distance_unit": "furlongs"}, "Not a valid choice.", 'value="Boulder, CO"'),
    (1, {"age": "40", "location": "Ω" * 300}, "at most 200 characters", "Ω" * 300),
    (
        1,
        {"age": "40", "location": "", "latitude": "nan", "longitude": "2"},
        "could not use your location",
        'value="40"',
    ),
    (6, {**PREFERENCES, "max_fee": "-5"}, "from 0 to 100,000", 'value="-5"'),
    (6, {**PREFERENCES, "languages": ["es", "klingon"]}, "not a valid choice", 'value="Boulder, CO"'),
    (6, {**PREFERENCES, "practitioner_gender": "robot"}, "Not a valid choice.", 'value="Boulder, CO"'),
    (
        6,
        {**PREFERENCES, "location": "", "latitude": "nan", "longitude": "2"},
        "could not use your location",
        'value="25"',
    ),
    (6, {**PREFERENCES, "location": "   "}, "Please type a town, city or ZIP code", 'value="25"'),
    (6, {**PREFERENCES, "location": "", "first_consultation": "video"}, "Please type a town", checked("video")),
]


@pytest.mark.parametrize(("number", "data", "message", "kept"), HOSTILE)
def test_hostile_input_comes_back_with_a_message_keeping_what_was_typed(app, client, number, data, message, kept):
    if number > 1:
        answer_all(client)
    before = stored(app)
    response = post(client, number, data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message.lower() in page.lower()
    assert shows(page, kept)
    assert "Everything else you entered is kept." in page
    assert stored(app) == before  # nothing half-saved


def test_unicode_answers_are_kept(app, client, places):
    answer_all(client, preferences={**PREFERENCES, "insurance": "Zürich Versicherung 東京 🦷"})
    assert stored(app)[0]["preferences"]["insurance"] == "Zürich Versicherung 東京 🦷"


def test_self_pay_is_stored_as_the_schema_code(app, client, places):
    answer_all(client, preferences={**PREFERENCES, "insurance": " Self-Pay "})
    assert stored(app)[0]["preferences"]["insurance"] == "self_pay"


def test_the_finished_answers_fit_the_shared_schema(app, client, places):
    answer_all(
        client,
        age="62",
        aura={"present": "yes", "symptoms": ["visual"], "episodes": "2_plus", "doctor_checked": "yes"},
        neck={
            "pain_with_headache": "yes",
            "improved_with_neck": "not_applicable",
            "triptans": "10_14",
            "triptan_relieves": "yes",
            "migraine_like_days": "8_14",
            "for_3_months_or_more": "yes",
        },
        safety=("needle_fear", "epilepsy"),
        preferences={
            **PREFERENCES,
            "availability": ["weekend"],
            "accessibility": ["step_free"],
            "practitioner_gender": "woman",
            "max_fee": "120",
        },
    )
    answers = stored(app)[0]
    parse_answers(answers)  # raises if the form built anything the API would refuse
    assert answers["aura"]["symptoms"] == ["visual"] and answers["medication"]["triptans"] == "10_14"
    assert answers["needling_safety"] == ["needle_fear", "epilepsy"]
    assert answers["preferences"]["max_fee"] == 120


# -- triage ------------------------------------------------------------------------------


def test_thunderclap_stops_at_the_emergency_page_without_practitioners(client, practitioners):
    post(client, 1, {"age": "34"})
    response = post(client, 2, {**NO_FLAGS, "thunderclap": "yes"})
    assert response.headers["Location"].endswith(STOP)
    page = client.get(STOP).get_data(as_text=True)
    assert clinical.LEVEL_MESSAGES[clinical.EMERGENCY] in page
    assert "Do not drive yourself" in page and "911" in page
    assert "a headache that reached its worst within about a minute" in page
    assert clinical.DISCLAIMER in page
    assert "Lucia" not in page and "practitioner-card" not in page
    assert "/search" not in page and "/practitioners/" not in page
    # The way on stays closed.
    for path in (STEP.format(3), RESULTS):
        assert client.get(path).headers["Location"].endswith(STOP)


def test_fever_unsure_stops_for_a_doctor_today(client):
    post(client, 1, {"age": "34"})
    response = post(client, 2, {**NO_FLAGS, "fever": "unsure"})
    assert response.headers["Location"].endswith(STOP)
    page = client.get(STOP).get_data(as_text=True)
    assert clinical.LEVEL_MESSAGES[clinical.TODAY] in page
    assert "Please see a doctor today" in page
    assert clinical.LEVEL_MESSAGES[clinical.EMERGENCY] not in page


def test_under_18_stops_after_the_first_step(client):
    response = post(client, 1, {"age": "16"})
    assert response.headers["Location"].endswith(STOP)
    page = client.get(STOP).get_data(as_text=True)
    assert clinical.UNDER_18_MESSAGE in page
    assert client.get(STEP.format(2)).headers["Location"].endswith(STOP)
    # A typing mistake can be corrected.
    assert client.get(STEP.format(1)).status_code == 200
    assert post(client, 1, {"age": "61"}).headers["Location"].endswith(STEP.format(2))


def test_soon_flags_go_on_and_show_a_banner_with_the_medicine_advice(client, practitioners):
    response = answer_all(client, flags={**NO_FLAGS, "cancer_history": "yes", "medication_overuse": "yes"})
    assert response.headers["Location"].endswith(RESULTS)
    page = client.get(RESULTS).get_data(as_text=True)
    assert "Please see a doctor in the next week or two" in page
    assert "that you have had cancer" in page
    assert clinical.MEDICATION_OVERUSE_ADVICE in page
    assert "Lucia Migraña" in page


def test_no_banner_without_flags(client, practitioners):
    answer_all(client)
    page = client.get(RESULTS).get_data(as_text=True)
    assert "Please see a doctor in the next week or two" not in page


def test_over_50_questions_are_only_asked_from_50(app, client):
    post(client, 1, {"age": "49"})
    page = client.get(STEP.format(2)).get_data(as_text=True)
    assert 'name="giant_cell_arteritis"' not in page and 'name="onset_after_50"' not in page
    assert 'name="thunderclap"' in page
    post(client, 1, {"age": "50"})
    page = client.get(STEP.format(2)).get_data(as_text=True)
    assert 'name="giant_cell_arteritis"' in page and 'name="gca_vision"' in page
    # Over 50 they must be answered.
    assert post(client, 2, NO_FLAGS).status_code == 400
    assert post(client, 2, OVER_50_NO_FLAGS).status_code == 302
    # Back to 40: the over-50 answers are forgotten.
    post(client, 1, {"age": "40"})
    assert "giant_cell_arteritis" not in stored(app)[0]["red_flags"]


def test_dependent_questions_are_shown_without_javascript_and_marked_for_it(client):
    post(client, 1, {"age": "34"})
    page = client.get(STEP.format(2)).get_data(as_text=True)
    assert re.search(r'data-depends-on="head_injury" data-when="yes unsure"[^>]*>\s*<fieldset', page)
    assert 'name="head_injury_acute"' in page


def test_a_dependent_yes_counts_even_without_its_parent(client):
    post(client, 1, {"age": "34"})
    response = post(client, 2, {**NO_FLAGS, "head_injury": "no", "head_injury_acute": "yes"})
    assert response.headers["Location"].endswith(STOP)


def test_aura_details_are_not_kept_without_an_aura(app, client):
    answer_all(client)
    details = {"symptoms": ["visual"], "spreads_gradually": "yes", "episodes": "2_plus", "doctor_checked": "no"}
    post(client, 4, {"present": "no", **details})
    assert stored(app)[0]["aura"] == {"present": False}
    post(client, 4, {"present": "unsure", **details})
    assert stored(app)[0]["aura"] == {}
    assert shows(client.get(STEP.format(4)).get_data(as_text=True), checked("unsure"))
    post(client, 4, {"present": "yes", **details})
    assert stored(app)[0]["aura"] == {
        "present": True,
        "symptoms": ["visual"],
        "spreads_gradually": True,
        "episodes": "2_plus",
        "doctor_checked": False,
    }
    page = client.get(STEP.format(4)).get_data(as_text=True)
    assert 'data-depends-on="present" data-when="yes"' in page


# -- back and forward --------------------------------------------------------------------


def test_back_keeps_this_steps_answers_and_forward_shows_them(app, client):
    post(client, 1, {"age": "34"})
    post(client, 2, NO_FLAGS)
    response = post(client, 3, {"days_per_month": "12", "severity": "moderate", "quality": ["pressing"]}, action="back")
    assert response.headers["Location"].endswith(STEP.format(2))
    page = client.get(STEP.format(2)).get_data(as_text=True)
    assert len(checked("no").findall(page)) == len(NO_FLAGS)
    page = client.get(STEP.format(3)).get_data(as_text=True)
    assert 'value="12"' in page and shows(page, checked("moderate")) and shows(page, checked("pressing"))
    assert post(client, 1, action="back", data={"age": "35"}).headers["Location"].endswith("/questionnaire/")
    assert stored(app)[0]["age"] == 35


def test_back_does_not_store_what_failed_validation(app, client):
    answer_all(client)
    response = post(client, 3, {**MIGRAINE, "days_per_month": "99", "severity": "mild"}, action="back")
    assert response.status_code == 302
    headache = stored(app)[0]["headache"]
    assert headache["days_per_month"] == 6  # the answer saved before stays
    assert headache["severity"] == "mild"  # the valid change is kept


def test_back_from_warning_signs_keeps_partial_answers_but_does_not_open_the_next_step(app, client):
    post(client, 1, {"age": "34"})
    post(client, 2, {"thunderclap": "no", "fever": "no"}, action="back")
    assert stored(app)[0]["red_flags"] == {"thunderclap": "no", "fever": "no"}
    assert client.get(STEP.format(3)).headers["Location"].endswith(STEP.format(2))


# -- results -----------------------------------------------------------------------------


def test_results_rank_practitioners_with_reasons_types_evidence_and_a_map(client, practitioners):
    answer_all(client, safety=("blood_thinners",))
    response = client.get(RESULTS)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert clinical.DISCLAIMER in page
    assert "Migraine without aura" in page and ">likely<" in page
    assert clinical.CLINICAL_TYPES["migraine_without_aura"].evidence_summary in page
    assert page.index("Lucia Migraña") < page.index("Tom Neck")
    assert "Nora Springfield" not in page  # far away
    assert "Treats migraine" in page and "Speaks Spanish" in page
    assert re.search(r"Fit <strong>\d+</strong> out of 100", page)
    assert 'id="results-map"' in page and 'class="card practitioner-card match-card" data-lat="40.0176"' in page
    assert "/practitioners/lucia?back=/questionnaire/results" in page
    assert "I take blood thinners" in page


def test_doctor_first_types_say_so(client, practitioners):
    cluster = {
        "days_per_month": "10",
        "lifetime_attacks": "10_plus",
        "duration": "30m_3h",
        "side": "one",
        "around_eye_or_temple": "yes",
        "severity": "extreme",
        "autonomic_signs": ["red_watery_eye"],
        "restless": "yes",
        "attack_frequency": "every_other_day_to_8_daily",
    }
    answer_all(client, headache=cluster)
    page = client.get(RESULTS).get_data(as_text=True)
    assert "Cluster headache" in page
    assert "A doctor or headache clinic comes first." in page


def test_an_unknown_place_links_back_to_the_preferences_with_the_answers_kept(app, client, practitioners):
    answer_all(client, preferences={**PREFERENCES, "location": "Atlantis"})
    page = client.get(RESULTS).get_data(as_text=True)
    assert "No place by that name was found" in page
    assert f'href="{STEP.format(6)}"' in page
    assert 'value="Atlantis"' in client.get(STEP.format(6)).get_data(as_text=True)


def test_an_ambiguous_place_offers_the_candidates(app, client, practitioners):
    answer_all(client, preferences={**PREFERENCES, "location": "Springfield"})
    page = client.get(RESULTS).get_data(as_text=True)
    assert "Several places are called Springfield" in page
    labels = re.findall(r'<input [^>]*name="place"[^>]* value="([^"]+)"', page)
    assert len(labels) == 2 and "practitioner-card" not in page
    illinois = next(label for label in labels if "IL" in label)
    assert client.post("/questionnaire/results/place", data={"place": "Springfield, XX"}).status_code == 302
    assert "location" in stored(app)[0]["preferences"]  # nothing changed
    client.post("/questionnaire/results/place", data={"place": illinois})
    preferences = stored(app)[0]["preferences"]
    assert "location" not in preferences and preferences["latitude"] == pytest.approx(39.8017)
    assert "Nora Springfield" in client.get(RESULTS).get_data(as_text=True)


# -- privacy -----------------------------------------------------------------------------


def test_answers_are_stored_under_a_token_in_the_session_never_in_a_url(app, client, practitioners):
    locations = []
    for number, data in enumerate(({"age": "34"}, NO_FLAGS, MIGRAINE, {"present": "no"}, {}, PREFERENCES), start=1):
        response = post(client, number, data)
        locations.append(response.headers["Location"])
    token = session_token(client)
    assert token and len(token) >= 43 and re.fullmatch(r"[A-Za-z0-9_-]+", token)
    with app.app_context():
        response = db.session.scalar(select(QuestionnaireResponse))
        assert response.token == token and response.user_id is None
        assert response.answers["age"] == 34
        assert response.assessment["triage"]["level"] == "none"
        expiry = response.expires_at - response.created_at
        assert timedelta(days=6, hours=23) < expiry <= timedelta(days=7, seconds=5)
    pages = [client.get(path).get_data(as_text=True) for path in ["/questionnaire/", RESULTS, *locations]]
    assert all(token not in location for location in locations)
    assert all(token not in page for page in pages)


def test_a_second_visitor_starts_afresh(app, client, places):
    answer_all(client)
    other = app.test_client()
    assert other.get(RESULTS).headers["Location"].endswith("/questionnaire/")
    post(other, 1, {"age": "70"})
    assert [answers["age"] for answers in stored(app)] == [34, 70]


def test_expired_answers_are_gone(app, client, places):
    answer_all(client)
    with app.app_context():
        response = db.session.scalar(select(QuestionnaireResponse))
        response.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert client.get(RESULTS).headers["Location"].endswith("/questionnaire/")
    assert session_token(client) is None
    assert client.get(STEP.format(3)).headers["Location"].endswith(STEP.format(1))


def test_purge_command_deletes_expired_unsaved_answers_only(app, runner):
    with app.app_context():
        patient = factories.make_user(Role.PATIENT)
        past, future = utcnow() - timedelta(days=1), utcnow() + timedelta(days=1)
        db.session.add_all(
            [
                QuestionnaireResponse(token="expired-1", answers={"age": 30}, expires_at=past),
                QuestionnaireResponse(token="expired-2", answers={"age": 31}, expires_at=past),
                QuestionnaireResponse(token="current", answers={"age": 32}, expires_at=future),
                QuestionnaireResponse(token="saved", answers={"age": 33}, expires_at=None, user_id=patient.id),
            ]
        )
        db.session.commit()
    result = runner.invoke(args=["questionnaire", "purge"])
    assert result.exit_code == 0, result.output
    assert "Deleted 2 expired questionnaire answers." in result.output
    with app.app_context():
        assert set(db.session.scalars(select(QuestionnaireResponse.token))) == {"current", "saved"}
    assert "Deleted 0 expired" in runner.invoke(args=["questionnaire", "purge"]).output


def test_a_patient_saves_the_answers_to_the_account(app, client, auth, practitioners):
    answer_all(client)
    page = client.get(RESULTS).get_data(as_text=True)
    assert "/auth/login?next=/questionnaire/results" in page
    assert '">Log in</a> or <a href="/auth/signup">sign up</a> to save them to your account.' in page
    # The bunched fit scores are explained.
    assert "so the scores sit close together: a few points apart is a small" in page
    user_id = auth.login(role=Role.PATIENT)
    assert session_token(client)  # logging in keeps the answers
    assert client.post("/questionnaire/save").headers["Location"].endswith(RESULTS)
    with app.app_context():
        response = db.session.scalar(select(QuestionnaireResponse))
        assert response.user_id == user_id and response.expires_at is None
    assert "Your answers are saved to your account" in client.get(RESULTS).get_data(as_text=True)
    # Saved answers outlive the expiry purge. Logging out forgets them in this browser (that they open
    # for their owner only, even to someone holding their token, is test_saved_answers.py's).
    assert "Deleted 0 expired" in app.test_cli_runner().invoke(args=["questionnaire", "purge"]).output
    auth.logout()
    assert client.get(RESULTS).headers["Location"].endswith("/questionnaire/")
    with app.app_context():
        email = db.session.get(User, user_id).email
    auth.login(email=email)
    assert "Open my saved answers" in client.get("/questionnaire/").get_data(as_text=True)
    assert client.post("/questionnaire/saved").headers["Location"].endswith(RESULTS)
    assert "Lucia Migraña" in client.get(RESULTS).get_data(as_text=True)


def test_saving_again_replaces_the_answers_saved_before(app, client, auth, places):
    auth.login(role=Role.PATIENT, email="saver@example.com")
    answer_all(client, age="45")
    client.post("/questionnaire/save")
    other_device = app.test_client()
    AuthActions(app, other_device).login(email="saver@example.com")
    answer_all(other_device, age="46")
    other_device.post("/questionnaire/save")
    assert [answers["age"] for answers in stored(app)] == [46]
    # Changing saved answers changes them in the account.
    post(other_device, 1, {"age": "47"})
    assert [answers["age"] for answers in stored(app)] == [47]


@pytest.mark.parametrize("role", [Role.THERAPIST, Role.ADMIN])
def test_therapists_and_admins_cannot_save_answers(app, client, auth, places, role):
    auth.login(role=role)
    answer_all(client)
    assert client.post("/questionnaire/save").status_code == 403
    assert "Save my answers" not in client.get(RESULTS).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(QuestionnaireResponse)).user_id is None


def test_anonymous_visitors_are_asked_to_log_in_to_save(client, places):
    answer_all(client)
    assert "/auth/login" in client.post("/questionnaire/save").headers["Location"]


def test_delete_my_answers_removes_them_at_once(app, client, places):
    answer_all(client)
    response = client.post("/questionnaire/delete")
    assert response.headers["Location"].endswith("/questionnaire/")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(QuestionnaireResponse)) == 0
    assert session_token(client) is None
    assert "Your answers are deleted." in client.get("/questionnaire/").get_data(as_text=True)
    assert client.get(RESULTS).headers["Location"].endswith("/questionnaire/")


def test_a_saved_response_can_be_deleted_by_its_owner(app, client, auth, places):
    auth.login(role=Role.PATIENT)
    answer_all(client)
    client.post("/questionnaire/save")
    client.post("/questionnaire/delete")
    assert stored(app) == []


def test_answers_never_reach_the_logs(app, client, caplog, practitioners):
    caplog.set_level(logging.DEBUG)
    # SQLAlchemy keeps its loggers at WARNING: open the SQL log (statements and their parameters, at
    # INFO) as a production log configuration might. Its DEBUG level adds every row fetched: a
    # developer's tool that shows whatever the database holds.
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")
    post(client, 1, {"age": "34"})
    post(client, 2, {**NO_FLAGS, "cancer_history": "yes"})
    post(
        client, 3, {**MIGRAINE, "days_per_month": "ninety-nine-and-a-half"}
    )  # an invalid answer, echoed to the page only
    post(client, 3, MIGRAINE)
    post(client, 4, {"present": "no"})
    post(client, 5, {})
    post(client, 6, {**PREFERENCES, "insurance": SECRET_INSURER})
    client.get(RESULTS)
    client.post("/questionnaire/delete")
    logged = "\n".join(record.getMessage() for record in caplog.records) + caplog.text
    assert logged  # the SQL and the requests were logged at DEBUG, so the check can fail
    for secret in (SECRET_INSURER, "ninety-nine-and-a-half", SECRET_PLACE, "cancer_history", "10_plus"):
        assert secret not in logged


def test_error_pages_do_not_echo_answers(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post(STEP.format(1), data={"age": SECRET_INSURER})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert SECRET_INSURER not in page


# -- the stop comes the moment danger shows (issue 12) -------------------------------------

EMERGENCY_FLAGS = [flag.id for flag in clinical.RED_FLAGS if flag.level == clinical.EMERGENCY and not flag.over_50_only]
TODAY_FLAGS = [flag.id for flag in clinical.RED_FLAGS if flag.level == clinical.TODAY and not flag.over_50_only]


@pytest.fixture
def world_places(app):
    """A New York ZIP code, London, Sydney and Madrid in the gazetteer."""
    with app.app_context():
        db.session.add(
            Place(
                kind="postal_code",
                name="New York",
                search_key="new york",
                postal_code="10001",
                region="NY",
                country="US",
                latitude=40.7506,
                longitude=-73.9972,
            )
        )
        for name, country, lat, lon in (
            ("London", "GB", 51.5085, -0.1257),
            ("Sydney", "AU", -33.8679, 151.2073),
            ("Madrid", "ES", 40.4165, -3.7026),
        ):
            db.session.add(
                Place(
                    kind="city",
                    name=name,
                    search_key=name.lower(),
                    country=country,
                    latitude=lat,
                    longitude=lon,
                    population=3_000_000,
                )
            )
        db.session.commit()


@pytest.mark.parametrize("flag", EMERGENCY_FLAGS)
def test_an_emergency_answer_goes_to_the_stop_page_whatever_is_still_blank(app, client, flag):
    post(client, 1, {"age": "34"})
    response = post(client, 2, {flag: "yes"})
    assert response.headers["Location"].endswith(STOP)
    assert stored(app)[0]["red_flags"] == {flag: "yes"}
    page = client.get(STOP).get_data(as_text=True)
    assert "Please get help now" in page and clinical.LEVEL_MESSAGES[clinical.EMERGENCY] in page
    assert client.get(STEP.format(3)).headers["Location"].endswith(STOP)
    # Coming back later, the patient lands on the advice, not on the unanswered questions.
    assert 'href="/questionnaire/stop"' in client.get("/questionnaire/").get_data(as_text=True)


def test_not_sure_about_an_emergency_sign_stops_too_keeping_the_other_answers(app, client):
    post(client, 1, {"age": "34"})
    response = post(client, 2, {"thunderclap": "unsure", "fever": "no", "cancer_history": "maybe"})
    assert response.headers["Location"].endswith(STOP)
    assert stored(app)[0]["red_flags"] == {"thunderclap": "unsure", "fever": "no"}


@pytest.mark.parametrize("flag", TODAY_FLAGS)
def test_a_today_answer_goes_to_the_today_stop_page_at_once(client, flag):
    post(client, 1, {"age": "34"})
    response = post(client, 2, {flag: "unsure"})
    assert response.headers["Location"].endswith(STOP)
    page = client.get(STOP).get_data(as_text=True)
    assert "Please see a doctor today" in page and clinical.LEVEL_MESSAGES[clinical.TODAY] in page


def test_a_soon_answer_alone_still_asks_for_the_other_answers(client):
    post(client, 1, {"age": "34"})
    response = post(client, 2, {"cancer_history": "yes"})
    assert response.status_code == 400
    assert "Please choose yes, no or not sure." in response.get_data(as_text=True)


def test_an_emergency_answer_with_a_nul_character_elsewhere_is_refused_beside_the_field(app, client):
    post(client, 1, {"age": "34"})
    before = stored(app)
    response = post(client, 2, {"thunderclap": "yes", "fever": "no\x00"})
    assert response.status_code == 400
    assert stored(app) == before


def test_the_warning_signs_carry_the_advice_of_each_level_hidden_until_an_answer_calls_for_it(client):
    post(client, 1, {"age": "34"})
    page = client.get(STEP.format(2)).get_data(as_text=True)
    for level in (clinical.EMERGENCY, clinical.TODAY):
        assert re.search(rf'<section class="stop stop-{level} q-advice" data-advice="{level}"[^>]* hidden>', page)
        assert clinical.LEVEL_MESSAGES[level] in page
    assert 'id="q-advice" aria-live="assertive"' in page
    assert re.search(r'data-level="emergency">\s*<fieldset[^>]*>\s*<legend>In the past month', page)
    assert re.search(r'data-level="today">\s*<fieldset[^>]*>\s*<legend>Have you had a fever or chills', page)
    assert not re.search(r'data-level="[a-z]+">\s*<fieldset[^>]*>\s*<legend>Have you ever had cancer', page)
    assert re.search(
        r'<button type="submit" name="action" value="none_apply"[^>]*>None of these apply to me</button>', page
    )


def test_going_back_to_the_questions_from_the_stop_page_shows_the_advice_already(client):
    post(client, 1, {"age": "34"})
    post(client, 2, {"fever_meningism": "yes", "fever": "yes"})
    page = client.get(STEP.format(2)).get_data(as_text=True)
    assert re.search(r'data-advice="emergency" aria-labelledby="advice-emergency">', page)
    assert re.search(r'data-advice="today"[^>]* hidden>', page)  # emergency beats today


def test_none_of_these_apply_answers_the_rest_no_keeping_the_answers_given(app, client):
    post(client, 1, {"age": "34"})
    response = post(client, 2, {"cancer_history": "yes", "head_injury": "no"}, action="none_apply")
    assert response.headers["Location"].endswith(STEP.format(3))
    red_flags = stored(app)[0]["red_flags"]
    assert red_flags == {**NO_FLAGS, "cancer_history": "yes"}


def test_none_of_these_apply_still_asks_a_follow_up_after_a_yes(app, client):
    post(client, 1, {"age": "60"})
    response = post(client, 2, {"head_injury": "yes"}, action="none_apply")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Please answer this question too." in page
    assert shows(page, checked("yes"))
    # The rest are ticked "no" on the page that comes back, ready to send again.
    assert len(re.findall(r'<input checked [^>]*value="no"', page)) == len(OVER_50_NO_FLAGS) - 2


def test_none_of_these_apply_after_an_emergency_answer_stops(client):
    post(client, 1, {"age": "34"})
    response = post(client, 2, {"neuro_deficit": "unsure"}, action="none_apply")
    assert response.headers["Location"].endswith(STOP)


def test_the_intros_promise_only_what_is_true(client):
    page = client.get("/questionnaire/").get_data(as_text=True)
    assert "an answer to each warning sign" in page
    post(client, 1, {"age": "34"})
    page = client.get(STEP.format(2)).get_data(as_text=True)
    assert "Please answer each question" in page and "None of these apply to me" in page


# -- emergency numbers by country ----------------------------------------------------------


@pytest.mark.parametrize(
    ("place", "number"),
    [
        ("10001", "911"),
        ("London", "999"),
        ("Sydney", "000"),
        ("Madrid", "112"),
        ("Springfield", "911"),
    ],
)
def test_the_stop_page_and_the_footer_name_the_number_of_the_patients_country(
    client, world_places, places, place, number
):
    response = post(client, 1, {"age": "34", "location": place})
    assert response.headers["Location"].endswith(STEP.format(2))
    page = client.get(STEP.format(2)).get_data(as_text=True)
    assert page.count(f'href="tel:{number}"') == 3  # the emergency advice, the today advice and the footer
    post(client, 2, {"thunderclap": "yes"})
    page = client.get(STOP).get_data(as_text=True)
    assert re.search(
        rf'To get help now, call <strong class="emergency-number"><a class="tel-link" href="tel:{number}">', page
    )
    assert f'in an emergency call <strong class="emergency-number"><a class="tel-link" href="tel:{number}">' in page
    assert "your local emergency number:" not in page


def test_london_names_112_as_working_too(client, world_places):
    post(client, 1, {"age": "34", "location": "London"})
    post(client, 2, {"fever": "yes"})
    page = client.get(STOP).get_data(as_text=True)
    assert re.search(
        r'If it suddenly gets worse, or you cannot get help today, call <strong class="emergency-number">'
        r'<a class="tel-link" href="tel:999">999</a></strong> \(<a class="tel-link" href="tel:112">112</a> '
        r"works too\)\.",
        page,
    )


@pytest.mark.parametrize("place", [None, "Atlantis under the sea"])
def test_without_a_known_place_the_stop_page_lists_the_numbers(app, client, world_places, place):
    response = post(client, 1, {"age": "34", **({"location": place} if place else {})})
    assert response.headers["Location"].endswith(STEP.format(2))  # an unknown place never blocks
    page = client.get(STEP.format(2)).get_data(as_text=True)
    assert ("We could not find the place you typed" in page) == bool(place)
    post(client, 2, {"thunderclap": "yes"})
    page = client.get(STOP).get_data(as_text=True)
    assert "To get help now, call your local emergency number:" in page
    for number in ("911", "999", "112", "000", "111"):
        assert f'href="tel:{number}"' in page
    assert "in the US and Canada" in page and "in Australia" in page
    if place:
        assert stored(app)[0]["preferences"] == {"location": place}


def test_the_footer_lists_the_numbers_where_the_country_is_unknown(client):
    page = client.get("/").get_data(as_text=True)
    assert "in an emergency call your local emergency number:" in page
    assert '<a class="tel-link" href="tel:000">000</a></strong> in Australia' in page


def test_under_18_stop_names_the_number_too(client, world_places):
    post(client, 1, {"age": "15", "location": "Sydney"})
    page = client.get(STOP).get_data(as_text=True)
    assert clinical.UNDER_18_MESSAGE in page
    assert re.search(
        r'weakness or trouble speaking, call <strong class="emergency-number"><a class="tel-link" '
        r'href="tel:000">',
        page,
    )


def test_the_place_from_step_1_fills_in_step_6_which_is_still_asked(app, client, places):
    post(client, 1, {"age": "34", "location": "Boulder, CO"})
    for number, data in ((2, NO_FLAGS), (3, MIGRAINE), (4, {"present": "no"}), (5, {})):
        assert post(client, number, data).headers["Location"].endswith(STEP.format(number + 1))
    assert client.get(RESULTS).headers["Location"].endswith(STEP.format(6))
    page = client.get(STEP.format(6)).get_data(as_text=True)
    assert 'name="location" placeholder="e.g. 80302 or Boulder, CO" type="text" value="Boulder, CO"' in page


def test_use_my_location_on_step_1_is_kept_for_step_6(app, client):
    post(client, 1, {"age": "34", "latitude": "40.01", "longitude": "-105.27"})
    assert stored(app)[0]["preferences"] == {"latitude": 40.01, "longitude": -105.27}
    post(client, 1, {"age": "34", "location": "Boulder, CO", "latitude": "40.01", "longitude": "-105.27"})
    assert stored(app)[0]["preferences"] == {"location": "Boulder, CO"}  # the typed place wins
    post(client, 1, {"age": "34"})
    assert stored(app)[0]["preferences"] == {}


def test_a_searched_place_fills_in_step_1(client):
    page = client.get("/questionnaire/?q=Madrid").get_data(as_text=True)
    assert 'href="/questionnaire/step/1?q=Madrid"' in page
    page = client.get(STEP.format(1) + "?q=Madrid").get_data(as_text=True)
    assert 'type="text" value="Madrid"' in page
    page = client.get(STEP.format(1)).get_data(as_text=True)
    assert 'value="Madrid"' not in page


# -- the pregnancy question opens its follow-ups ---------------------------------------------


@pytest.fixture
def pregnancy_gateway(monkeypatch):
    """The red flags as the rules side revises them: "pregnancy" asked first, both follow-ups depend on it."""
    revised, gateway = (
        [],
        clinical.RedFlag("pregnancy", "Are you pregnant, or did you give birth in the last 6 weeks?", clinical.NONE),
    )
    for flag in clinical.RED_FLAGS:
        if flag.id == "pregnancy_new":
            revised.append(gateway)
        if flag.id in ("pregnancy_new", "pregnancy_severe"):
            flag = clinical.RedFlag(flag.id, flag.question, flag.level, depends_on="pregnancy")
        revised.append(flag)
    if not any(flag.id == "pregnancy" for flag in clinical.RED_FLAGS):
        monkeypatch.setattr(clinical, "RED_FLAGS", tuple(revised))
        monkeypatch.setattr(clinical, "FLAG_IDS", ("pregnancy", *clinical.FLAG_IDS))
        monkeypatch.setattr(clinical, "FLAG_LEVELS", {**clinical.FLAG_LEVELS, "pregnancy": clinical.NONE})


def test_the_pregnancy_question_opens_both_follow_ups(client, pregnancy_gateway):
    post(client, 1, {"age": "30"})
    page = client.get(STEP.format(2)).get_data(as_text=True)
    assert re.search(r"<legend>Are you pregnant, or did you give birth in the last 6 weeks\?</legend>", page)
    for follow_up in ("pregnancy_new", "pregnancy_severe"):
        assert re.search(
            rf'data-depends-on="pregnancy" data-when="yes unsure"[^>]*>\s*<fieldset[^>]*>\s*'
            rf'<legend>[^<]*</legend>\s*<div class="field-check"><input id="{follow_up}-0"',
            page,
        )
    no_flags = {flag.id: "no" for flag in clinical.RED_FLAGS if not flag.over_50_only and not flag.depends_on}
    response = post(client, 2, {**no_flags, "pregnancy": "unsure"})
    assert response.status_code == 400
    assert response.get_data(as_text=True).count("Please answer this question too.") == 2


def test_the_pregnancy_answers_are_kept_and_a_severe_sign_stops_at_once(app, client):
    """Passes once the rules side adds the "pregnancy" question to clinical.RED_FLAGS and the answer schema."""
    post(client, 1, {"age": "30"})
    no_flags = {flag.id: "no" for flag in clinical.RED_FLAGS if not flag.over_50_only and not flag.depends_on}
    assert post(client, 2, {**no_flags, "pregnancy": "no"}).headers["Location"].endswith(STEP.format(3))
    assert post(client, 2, {"pregnancy": "yes", "pregnancy_severe": "yes"}).headers["Location"].endswith(STOP)
    assert stored(app)[0]["red_flags"] == {**no_flags, "pregnancy": "yes", "pregnancy_severe": "yes"}


# -- miles or km ---------------------------------------------------------------------------


def reach_step_6(client, place=None):
    post(client, 1, {"age": "34", **({"location": place} if place else {})})
    for number, data in ((2, NO_FLAGS), (3, MIGRAINE), (4, {"present": "no"}), (5, {})):
        post(client, number, data)
    return client.get(STEP.format(6)).get_data(as_text=True)


@pytest.mark.parametrize(
    ("place", "unit", "distance"),
    [
        ("10001", "mi", "15"),
        ("London", "mi", "15"),
        ("Madrid", "km", "25"),
        ("Sydney", "km", "25"),
        (None, "mi", "15"),
        ("Atlantis under the sea", "mi", "15"),
    ],
)
def test_the_distance_is_offered_in_the_unit_of_the_patients_country(client, world_places, place, unit, distance):
    page = reach_step_6(client, place)
    assert selected(unit).search(page)
    assert re.search(
        rf'id="max_distance" inputmode="numeric" min="1" name="max_distance" type="number" '
        rf'value="{distance}"',
        page,
    )


def test_miles_are_kept_as_km_and_shown_again_in_miles(app, client, places):
    reach_step_6(client, "Boulder, CO")
    post(client, 6, {**PREFERENCES, "max_distance": "15", "distance_unit": "mi"})
    assert stored(app)[0]["preferences"]["max_distance_km"] == pytest.approx(24.14, abs=0.01)
    parse_answers(stored(app)[0])
    page = client.get(STEP.format(6)).get_data(as_text=True)
    assert 'value="15"' in page and selected("mi").search(page)


def test_the_unit_chosen_is_remembered_and_used_for_the_results(app, client, practitioners):
    reach_step_6(client, "Boulder, CO")
    post(client, 6, {**PREFERENCES, "max_distance": "40", "distance_unit": "km"})
    assert stored(app)[0]["preferences"]["max_distance_km"] == 40
    page = client.get(RESULTS).get_data(as_text=True)
    assert re.search(r"<li>(Under 1 km|\d+(\.\d)? km) away</li>", page)
    assert " mi away" not in page
    page = client.get(STEP.format(6)).get_data(as_text=True)
    assert 'value="40"' in page and selected("km").search(page)


def test_results_say_the_distance_in_miles_in_the_us(client, practitioners):
    reach_step_6(client, "Boulder, CO")
    post(client, 6, {**PREFERENCES, "max_distance": "15", "distance_unit": "mi"})
    page = client.get(RESULTS).get_data(as_text=True)
    assert re.search(r"<li>(Under 1 mi|\d+(\.\d)? mi) away</li>", page)
    assert re.search(r"· (under 1 mi|\d+(\.\d)? mi) away</p>", page)
    assert " km away" not in page


# -- the soon banner names what the patient was not sure about -------------------------------


def test_the_soon_banner_lists_the_questions_the_patient_was_not_sure_about(client, practitioners, monkeypatch):
    real_triage = clinical.triage

    def triage_with_unsure_labels(answers):
        class Revised(type(real_triage(answers))):
            unsure_labels = ("weight loss or night sweats", "past cancer")

        return Revised(**vars(real_triage(answers)))

    monkeypatch.setattr(clinical, "triage", triage_with_unsure_labels)
    answer_all(client, flags={**NO_FLAGS, "cancer_history": "yes"})
    page = client.get(RESULTS).get_data(as_text=True)
    assert "You were not sure about: weight loss or night sweats; past cancer." in page


def test_an_unsure_soon_answer_raises_the_banner_saying_so(client, practitioners):
    """Passes once the rules side counts "not sure" as yes for soon flags and adds TriageResult.unsure_labels."""
    answer_all(client, flags={**NO_FLAGS, "cancer_history": "unsure"})
    page = client.get(RESULTS).get_data(as_text=True)
    assert "Please see a doctor in the next week or two" in page
    assert "You were not sure about:" in page
