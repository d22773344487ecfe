"""Spanish under /es/: a complete catalog, no English left on the Spanish pages, the language by URL and by browser.

The English pages keep today's URLs and words (the rest of the suite pins them); these tests pin the Spanish ones.
"""

import re

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from directory.extensions import db
from directory.models import Place
from directory.services.questionnaire import clinical
from tests import factories
from tests.spanish import MO, POT, assert_spanish, catalog

NO_FLAGS = {flag.id: "no" for flag in clinical.RED_FLAGS if not flag.over_50_only}
HEADACHE = {
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


# -- the catalog ------------------------------------------------------------------------


def test_every_message_in_the_catalog_has_a_spanish_translation():
    untranslated = [
        message.id
        for message in catalog()
        if message.id
        and (message.fuzzy or not (all(message.string) if isinstance(message.string, tuple) else message.string))
    ]
    assert not untranslated, untranslated


def test_the_catalog_holds_every_message_of_the_template():
    with POT.open("rb") as file:
        template = {message.id for message in read_po(file) if message.id}
    known = {message.id for message in catalog() if message.id}
    assert template <= known, sorted(map(str, template - known))


def _key(message) -> tuple[str, ...]:
    return tuple(message.id) if isinstance(message.id, list | tuple) else (message.id,)


def _strings(message) -> tuple[str, ...]:
    return tuple(message.string) if isinstance(message.string, list | tuple) else (message.string,)


def test_the_compiled_catalog_is_thecatalog():
    """The committed .mo says what the .po says (make translations compiles it again)."""
    with MO.open("rb") as file:
        compiled = {_key(message): _strings(message) for message in read_mo(file) if message.id}
    written = {_key(message): _strings(message) for message in catalog() if message.id}
    assert compiled == written


def test_placeholders_are_kept_in_every_translation():
    for message in catalog():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(re.findall(r"%\(\w+\)[sd]", ids[-1]))
        for string in strings:
            assert set(re.findall(r"%\(\w+\)[sd]", string)) <= wanted | set(re.findall(r"%\(\w+\)[sd]", ids[0]))
            assert wanted - {"%(num)d"} <= set(re.findall(r"%\(\w+\)[sd]", string)), (message.id, string)


# -- pages ------------------------------------------------------------------------------


@pytest.fixture
def towns(app):
    """Boulder (US) and Madrid (ES), with a verified practitioner in each."""
    with app.app_context():
        for name, region, country, lat, lon in (
            ("Boulder", "CO", "US", 40.01499, -105.27055),
            ("Madrid", None, "ES", 40.4168, -3.7038),
        ):
            db.session.add(
                Place(
                    kind="city",
                    name=name,
                    search_key=name.lower(),
                    region=region,
                    country=country,
                    latitude=lat,
                    longitude=lon,
                    population=100_000,
                )
            )
        db.session.commit()
        factories.make_profile(
            display_name="Lucía Ramos",
            slug="lucia",
            latitude=40.0176,
            longitude=-105.2797,
            headache_types=("migraine", "tension_type"),
            languages=("en", "es"),
            slots=((0, 540, 780),),
            verified=True,
            bio="Physical therapist in Boulder.",
            bio_es="Fisioterapeuta en Boulder.",
        )
        factories.make_profile(
            display_name="Pablo Vidal",
            slug="pablo",
            latitude=40.42,
            longitude=-3.70,
            headache_types=("tension_type",),
            languages=("es",),
            verified=True,
        )


SPANISH_PAGES = (
    "/es/",
    "/es/search",
    "/es/search?q=Boulder",
    "/es/search?q=Madrid",
    "/es/search?q=Nowhereville",
    "/es/practitioners/lucia",
    "/es/practitioners/pablo",
    "/es/questionnaire/",
    "/es/auth/login",
    "/es/auth/signup",
    "/es/auth/forgot",
    "/es/auth/signup/check-mail",
    "/es/auth/reset/bad-token",
    "/es/no-such-page",
)


@pytest.mark.parametrize("path", SPANISH_PAGES)
def test_a_spanish_page_shows_no_english_from_the_catalog(client, towns, path):
    response = client.get(path)
    # An unknown page is a 404, a place that cannot be found a 400: both pages in Spanish all the same.
    expected = {"/es/no-such-page": 404, "/es/search?q=Nowhereville": 400, "/es/auth/reset/bad-token": 400}.get(
        path, 200
    )
    assert response.status_code == expected
    response.status_code = 200
    assert_spanish(response)


def _post(client, number, data, action="continue"):
    return client.post(f"/es/questionnaire/step/{number}", data={**data, "action": action})


def test_the_questionnaire_in_spanish_step_by_step_to_the_results(client, towns):
    steps = (
        {"age": "34", "diagnosed_types": []},
        NO_FLAGS,
        HEADACHE,
        {"present": "no"},
        {"pain_with_headache": "no", "simple_analgesics": "1_4"},
        {
            "location": "Boulder, CO",
            "max_distance": "25",
            "distance_unit": "mi",
            "first_consultation": "either",
            "needling_safety": ["needle_fear"],
        },
    )
    for number, data in enumerate(steps, start=1):
        assert_spanish(client.get(f"/es/questionnaire/step/{number}"))
        response = _post(client, number, data)
        assert response.status_code == 302, response.get_data(as_text=True)[:3000]
        assert response.headers["Location"].startswith("/es/questionnaire/")
    results = client.get(response.headers["Location"])
    assert_spanish(results)
    page = results.get_data(as_text=True)
    assert "Lucía Ramos" in page
    assert "Migraña sin aura" in page
    assert "Me dan miedo las agujas" in page


def test_the_questionnaire_stops_in_spanish_at_an_emergency_sign(client, towns):
    _post(client, 1, {"age": "34", "diagnosed_types": [], "location": "Madrid"})
    response = _post(client, 2, {**NO_FLAGS, "thunderclap": "yes"})
    assert response.headers["Location"] == "/es/questionnaire/stop"
    stop = client.get("/es/questionnaire/stop")
    assert_spanish(stop)
    page = stop.get_data(as_text=True)
    assert "Busque ayuda ahora" in page
    assert 'href="tel:112"' in page
    assert "No maneje (no conduzca) usted mismo" in page


def test_a_spanish_form_error_is_in_spanish(client):
    response = _post(client, 1, {"age": "", "diagnosed_types": []})
    assert response.status_code == 400
    assert "Escriba su edad en años." in response.get_data(as_text=True)
    response.status_code = 200
    assert_spanish(response)


def test_english_pages_stay_english_at_their_own_addresses(client, towns):
    page = client.get("/search?q=Boulder").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Find a dry-needling practitioner" in page
    assert 'href="/practitioners/lucia?back=' in page


def test_links_on_a_spanish_page_stay_in_spanish(client, towns):
    page = client.get("/es/search?q=Boulder").get_data(as_text=True)
    assert 'href="/es/practitioners/lucia?back=/es/search' in page
    assert 'href="/es/questionnaire/"' in page


def test_every_page_names_both_languages_as_alternates(client):
    page = client.get("/es/questionnaire/?x=1").get_data(as_text=True)
    assert '<link rel="alternate" hreflang="en" href="http://localhost/questionnaire/?x=1">' in page
    assert '<link rel="alternate" hreflang="es" href="http://localhost/es/questionnaire/?x=1">' in page
    assert '<link rel="alternate" hreflang="x-default" href="http://localhost/questionnaire/?x=1">' in page


# -- choosing the language --------------------------------------------------------------


@pytest.mark.parametrize("header", ["es", "es-MX,es;q=0.9,en;q=0.5", "es-ES", "es-419"])
def test_a_first_visit_to_the_home_page_in_a_spanish_browser_goes_to_es_once(client, header):
    response = client.get("/", headers={"Accept-Language": header})
    assert response.status_code == 302
    assert response.headers["Location"] == "/es/"
    assert "Accept-Language" in response.headers["Vary"]


@pytest.mark.parametrize("header", ["en", "en-GB,en;q=0.9", "de-DE", "fr;q=0.9,es;q=0.5,en;q=0.8", ""])
def test_other_browsers_stay_on_the_english_home_page(client, header):
    response = client.get("/", headers={"Accept-Language": header} if header else {})
    assert response.status_code == 200
    assert '<html lang="en">' in response.get_data(as_text=True)


def test_only_the_bare_home_page_is_redirected(client, towns):
    response = client.get("/search?q=Boulder", headers={"Accept-Language": "es-MX"})
    assert response.status_code == 200
    assert '<html lang="en">' in response.get_data(as_text=True)


def test_the_switchers_choice_wins_over_the_browser(client):
    switch = client.get("/es/language/en?next=/search%3Fq%3DBoulder")
    assert switch.status_code == 302
    assert switch.headers["Location"] == "/search?q=Boulder"
    assert "language=en" in switch.headers["Set-Cookie"]
    assert client.get("/", headers={"Accept-Language": "es-MX"}).status_code == 200
    to_spanish = client.get("/language/es?next=/questionnaire/")
    assert to_spanish.headers["Location"] == "/es/questionnaire/"
    assert client.get("/").headers["Location"] == "/es/"


def test_the_switcher_keeps_the_page_and_its_query(client):
    page = client.get("/search?q=Boulder&show=all").get_data(as_text=True)
    assert 'href="/language/es?next=/search?q%3DBoulder%26show%3Dall"' in page
    assert 'lang="es">Español</a>' in page


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example"])
def test_the_switcher_goes_to_no_other_site(client, target):
    response = client.get("/language/es", query_string={"next": target})
    assert response.headers["Location"] == "/es/"


# -- the API ----------------------------------------------------------------------------


def test_api_problem_documents_follow_accept_language(client):
    spanish = client.get("/api/v1/no-such-thing", headers={"Accept-Language": "es-ES"})
    assert spanish.status_code == 404
    assert spanish.get_json()["title"] == "No encontrado"
    english = client.get("/api/v1/no-such-thing")
    assert english.get_json()["title"] == "Not Found"


def test_api_assessment_messages_follow_accept_language(client):
    answers = {"age": 34, "red_flags": {"thunderclap": "yes"}}
    spanish = client.post("/api/v1/assessments", json=answers, headers={"Accept-Language": "es-MX"}).get_json()
    assert spanish["stop"]["message"].startswith("Llame ahora al número de emergencias")
    assert spanish["disclaimer"].startswith("Este cuestionario le ayuda")
    english = client.post("/api/v1/assessments", json=answers).get_json()
    assert english["stop"]["message"].startswith("Please call your local emergency number now")


# -- units, dates and numbers by place --------------------------------------------------


def test_a_spanish_reader_in_texas_or_colorado_gets_miles(client, towns):
    page = client.get("/es/search?q=Boulder").get_data(as_text=True)
    assert re.search(r"a (menos de 1|[\d,]+) mi\b", page)
    assert "millas de Boulder" in page


def test_a_spanish_reader_in_madrid_gets_km_with_a_decimal_comma(client, towns):
    page = client.get("/es/search?q=Madrid").get_data(as_text=True)
    assert " km de Madrid" in page
    assert re.search(r"a (menos de 1 km|\d+(,\d)? km)", page)


def test_an_english_reader_in_madrid_gets_km_too(client, towns):
    page = client.get("/search?q=Madrid").get_data(as_text=True)
    assert " km of Madrid" in page


def test_dates_and_numbers_follow_the_page_language(app):
    from datetime import date

    from directory.services.core.text import day_label, long_day_label, number_label
    from directory.services.geo.points import localized_distance

    with app.test_request_context("/es/"):
        app.preprocess_request()
    with app.test_request_context("/", environ_overrides={"directory.language": "es"}):
        assert day_label(date(2026, 12, 1)) == "1 dic 2026"
        assert long_day_label(date(2026, 12, 8)) == "martes, 8 de diciembre de 2026"
        assert number_label(12345) == "12.345"
        assert localized_distance(4.23, "km") == "4,2 km"
        assert localized_distance(0.5, "mi") == "menos de 1 mi"
    with app.test_request_context("/"):
        assert day_label(date(2026, 12, 1)) == "Dec 1, 2026"
        assert long_day_label(date(2026, 12, 8)) == "Tuesday, December 8, 2026"
        assert number_label(12345) == "12,345"
        # English distances are format_distance's, word for word (matching's reasons rely on it).
        assert [
            localized_distance(km, unit) for km, unit in ((0.5, "mi"), (4.25, "km"), (7.0, "km"), (12345.6, "km"))
        ] == [
            "under 1 mi",
            "4.3 km",
            "7 km",
            "12,346 km",
        ]


# -- the second bio ---------------------------------------------------------------------


def test_the_profile_shows_the_bio_in_the_pages_language(client, towns):
    assert "Fisioterapeuta en Boulder." in client.get("/es/practitioners/lucia").get_data(as_text=True)
    english = client.get("/practitioners/lucia").get_data(as_text=True)
    assert "Physical therapist in Boulder." in english
    assert "Fisioterapeuta en Boulder." not in english


# -- the clinical text ------------------------------------------------------------------


def _clinical_strings() -> list[str]:
    """Every clinical sentence the questionnaire shows: red-flag questions and labels, what they mean said back,
    the triage messages, the stop headings, the disclaimer, the under-18 message and the evidence summaries."""
    from directory.questionnaire import routes, steps
    from directory.services.questionnaire.clinical import headache_types

    texts = [flag.question for flag in clinical.RED_FLAGS]
    texts += [label for label in clinical.FLAG_LABELS.values() if label]
    texts += list(steps.FLAG_SUMMARIES.values())
    texts += list(clinical.LEVEL_MESSAGES.values())
    texts += [clinical.DISCLAIMER, clinical.UNDER_18_MESSAGE, clinical.MEDICATION_OVERUSE_ADVICE]
    texts += list(routes.STOP_HEADINGS.values())
    texts += [kind.evidence_summary for kind in headache_types.CLINICAL_TYPES.values()]
    texts += [kind.name for kind in headache_types.CLINICAL_TYPES.values()]
    return texts


def test_every_clinical_sentence_is_translated_with_the_same_numbers():
    """A threshold lost in translation would change the advice: 10 days, 6 weeks, 50, 7 days, a minute."""
    translations = {message.id: message.string for message in catalog() if message.id}
    for text in _clinical_strings():
        assert translations.get(text), text
        english_numbers = re.findall(r"\d+", text)
        spanish_numbers = re.findall(r"\d+", translations[text])
        assert sorted(english_numbers) == sorted(spanish_numbers), (text, translations[text])


def test_the_spanish_emergency_advice_keeps_its_three_instructions():
    """Call now, or go to an emergency department; and do not drive yourself."""
    translations = {message.id: message.string for message in catalog() if message.id}
    emergency = translations[clinical.LEVEL_MESSAGES[clinical.EMERGENCY]]
    assert (
        "Llame ahora" in emergency and "urgencias" in emergency and "No maneje (no conduzca) usted mismo" in emergency
    )
    today = translations[clinical.LEVEL_MESSAGES[clinical.TODAY]]
    assert "hoy" in today
    soon = translations[clinical.LEVEL_MESSAGES[clinical.SOON]]
    assert "semana o dos" in soon


# -- signed in: the consultation request and the review ---------------------------------


def test_a_patient_requests_a_consultation_and_reviews_in_spanish(app, client, auth, towns):
    from directory.models import TherapistProfile, User

    patient_id = auth.login("patient")
    client.get("/search")  # shows (and so clears) the English login's flash
    assert_spanish(client.get("/es/practitioners/lucia"))
    assert_spanish(client.get("/es/consultations/new/lucia"))
    sent_request = client.post("/es/consultations/new/lucia", data={"mode": "in_person", "message": "Hola."})
    assert sent_request.headers["Location"].startswith("/es/")
    assert_spanish(client.get(sent_request.headers["Location"]))
    for path in ("/es/account/", "/es/account/saved", "/es/consultations/", "/es/account/settings"):
        assert_spanish(client.get(path))
    with app.app_context():
        profile = db.session.scalar(db.select(TherapistProfile).where(TherapistProfile.slug == "lucia"))
        factories.make_completed_consultation(db.session.get(User, patient_id), profile)
    assert_spanish(client.get("/es/reviews/new/lucia"))
    sent = client.post("/es/reviews/new/lucia", data={"rating": 5, "text": "Muy buena consulta, me ayudó mucho."})
    assert sent.status_code in (302, 303)
    assert sent.headers["Location"].startswith("/es/")
    after = client.get(sent.headers["Location"])
    assert "Gracias: su opinión está publicada." in after.get_data(as_text=True)
    assert_spanish(after)


def test_signing_up_in_spanish_sends_the_mail_in_spanish_with_a_spanish_link(client, outbox):
    data = {
        "role": "patient",
        "email": "nueva@example.com",
        "password": "agujas-tranquilas-2026",
        "confirm": "agujas-tranquilas-2026",
    }
    response = client.post("/es/auth/signup", data=data)
    assert response.headers["Location"] == "/es/auth/check-mail" or response.headers["Location"].startswith("/es/")
    assert_spanish(client.get(response.headers["Location"]))
    mail = outbox()[-1]
    assert mail.subject == "Confirme su correo electrónico"
    assert "Confirme su correo electrónico abriendo este enlace" in mail.body
    assert "/es/auth/" in outbox.last_link("nueva@example.com")


def test_signing_up_in_english_keeps_the_english_mail(client, outbox):
    data = {
        "role": "patient",
        "email": "new@example.com",
        "password": "calm-needles-2026",
        "confirm": "calm-needles-2026",
    }
    client.post("/auth/signup", data=data)
    assert outbox()[-1].subject == "Confirm your email address"
    assert "/es/" not in outbox.last_link("new@example.com")


def test_a_weak_password_is_refused_in_spanish(client):
    data = {"role": "patient", "email": "debil@example.com", "password": "password", "confirm": "password"}
    response = client.post("/es/auth/signup", data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Use al menos 10 caracteres." in page
    assert "Esta contraseña es demasiado común" in page
    response.status_code = 200
    assert_spanish(response)


def test_the_therapist_reads_requests_and_reviews_in_spanish(app, client, auth, towns):
    from directory.models import ConsultationRequest, TherapistProfile, User

    patient_id = auth.login("patient")
    client.post("/es/consultations/new/lucia", data={"mode": "in_person", "message": "Hola."})
    auth.logout()
    with app.app_context():
        profile = db.session.scalar(db.select(TherapistProfile).where(TherapistProfile.slug == "lucia"))
        therapist_email = profile.user.email
        requested = db.session.scalar(
            db.select(ConsultationRequest.id).where(ConsultationRequest.patient_id == patient_id)
        )
        factories.make_completed_consultation(db.session.get(User, patient_id), profile)
    auth.login(email=therapist_email)
    client.get("/search")  # shows (and so clears) the English login's flash
    inbox = client.get("/es/consultations/inbox")
    assert_spanish(inbox)
    assert f'href="/es/consultations/inbox/{requested}"' in inbox.get_data(as_text=True)
    assert_spanish(client.get(f"/es/consultations/inbox/{requested}"))
    assert_spanish(client.get("/es/reviews/mine"))
