"""The headache diary and the outcome figures in Spanish under /es/: the patient's pages, the practitioner's view of a
shared diary, the profile's outcomes block, their form errors, flashes, dates and numbers.

The English pages keep their words byte for byte (tests/integration/test_diary.py and test_outcomes.py pin them).
"""

import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Response
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from directory.extensions import db
from directory.models import OutcomeSummary, Role, TherapistProfile, TreatmentSession, User
from directory.services.core.text import signed_number_label
from directory.services.diary import charts
from directory.services.diary.entries import day_words
from directory.services.diary.measures import DayRecord
from directory.services.outcomes import public
from tests import factories
from tests.spanish import assert_spanish, page_text

TODAY = date.today()
SPANISH = {"directory.language": "es"}  # what LanguagePrefix marks on a request under /es/
PATIENT_EMAIL = "diario.paciente@example.com"
THERAPIST_EMAIL = "diario.fisio@example.com"
ENGLISH_DATE_WORDS = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b"
)


def dates_text(response) -> str:
    """The page's text without the time zone list (its IANA names are English: "Atlantic/Jan Mayen")."""
    page = re.sub(r"<select\b.*?</select>", " ", response.get_data(as_text=True), flags=re.S)
    return page_text(Response(page))


def ago(n: int) -> str:
    return (TODAY - timedelta(days=n)).isoformat()


def flashes(client) -> list[str]:
    with client.session_transaction() as session:
        return [message for _, message in session.pop("_flashes", [])]


def upload(client, content: bytes):
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(content), "diario.csv")})
    return client.post("/es/diary/import", data=body, content_type=f"multipart/form-data; boundary={boundary}")


@pytest.fixture
def diary(app, client, auth):
    """A patient with a before / after diary, an overuse and a chronic pattern, late days and sessions, who had a
    completed consultation with a practice that publishes outcome figures; the patient is logged in."""
    with app.app_context():
        therapist = factories.make_user(Role.THERAPIST, email=THERAPIST_EMAIL, name="Lee")
        profile = factories.make_profile(user=therapist, display_name="Lee Fisio", slug="lee-fisio", verified=True)
        profile_id = profile.id
    patient_id = auth.login(role="patient", email=PATIENT_EMAIL, name="Robin")
    with app.app_context():
        patient = db.session.get(User, patient_id)
        consultation_id = factories.make_completed_consultation(
            patient, db.session.get(TherapistProfile, profile_id)
        ).id
        day_one = TODAY - timedelta(days=90)
        db.session.add(TreatmentSession(patient_id=patient_id, day=day_one, note="primera"))
        for start, headache_days in ((day_one - timedelta(days=28), 12), (day_one + timedelta(days=56), 20)):
            for n in range(28):
                day = start + timedelta(days=n)
                if day > TODAY - timedelta(days=2):
                    break
                if n < headache_days:
                    factories.make_diary_entry(
                        patient, day, headache=True, pain=6, duration="all_day", medicines=("triptan",), late=n == 3
                    )
                else:
                    factories.make_diary_entry(patient, day)
        db.session.add(
            OutcomeSummary(
                profile_id=profile_id,
                started=47,
                evaluable=25,
                recording=11,
                stopped=11,
                responders=5,
                median_change=-2.1,
                median_change_low=-3.4,
                median_change_high=-1.0,
                responder_share=0.41,
                responder_share_low=0.3,
                responder_share_high=0.52,
                expected_change=-1.9,
                expected_share=0.38,
                label="better_than_expected",
                ranking_part=0.5,
                refreshed_at=datetime(2026, 12, 1, 3, 0, tzinfo=UTC),
            )
        )
        db.session.commit()
    flashes(client)  # the login's own flash, from the English login form
    return {"patient": patient_id, "profile": profile_id, "consultation": consultation_id}


def as_therapist(auth, client, diary) -> None:
    client.post(f"/es/diary/sharing/{diary['profile']}")
    auth.logout()
    auth.login(email=THERAPIST_EMAIL)
    flashes(client)


PATIENT_PAGES = (
    "/es/diary/",
    "/es/diary/charts",
    "/es/diary/charts?month={last_month}",
    "/es/diary/days/{yesterday}",
    "/es/diary/days/{old_day}",
    "/es/diary/sessions",
    "/es/diary/sharing",
    "/es/diary/outcomes",
    "/es/diary/print",
    "/es/diary/import",
    "/es/diary/reminders",
    "/es/practitioners/lee-fisio",
)


def _address(path: str) -> str:
    last_month = (TODAY.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    return path.format(last_month=last_month, yesterday=ago(1), old_day=ago(80))


@pytest.mark.parametrize("path", PATIENT_PAGES)
def test_the_patients_diary_pages_show_no_english(client, diary, path):
    response = client.get(_address(path))
    assert_spanish(response)
    assert not ENGLISH_DATE_WORDS.findall(dates_text(response))


@pytest.mark.parametrize(
    "path", ("/es/diary/shared", "/es/diary/shared/{patient}", "/es/diary/consultations/{consultation}/sessions")
)
def test_the_practitioners_view_of_a_shared_diary_shows_no_english(client, auth, diary, path):
    as_therapist(auth, client, diary)
    response = client.get(path.format(**diary))
    assert_spanish(response)
    assert not ENGLISH_DATE_WORDS.findall(dates_text(response))


def test_the_diary_page_says_its_days_numbers_and_alerts_in_spanish(client, diary):
    text = page_text(client.get("/es/diary/"))
    assert f"Hoy, {day_words_es(TODAY)}" in text
    assert "Tomó triptanes" in text and "no lo deje de golpe" in text
    assert "Cambio en el seguimiento: +8,0 días de dolor de cabeza al mes (+67 %)." in text
    assert "12,0" in text and "12.0" not in text
    assert "28 de 28 (1 con retraso)" in text


def test_the_calendar_has_spanish_month_and_weekday_letters(client, diary):
    page = client.get("/es/diary/charts").get_data(as_text=True)
    month = [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ][TODAY.month - 1]
    assert f"<h3>{month.capitalize()} de {TODAY.year}</h3>" in page
    letters = re.findall(r'y="15" class="axis-text" text-anchor="middle">(\w)<', page)
    assert letters == list("LMXJVSD")


def test_a_day_with_errors_is_refused_in_spanish(client, diary):
    response = client.post(f"/es/diary/days/{ago(1)}", data={"headache": "yes", "pain": "", "notes": "Apuntado"})
    assert response.status_code == 400
    text = page_text(response)
    assert "Elija el dolor más fuerte, de 0 a 10." in text and "Corrija el campo señalado abajo." in text
    assert "Analgésico simple (paracetamol, ibuprofeno, aspirina)" in text and "Tomado: ayudó un poco" in text
    assert "3: No pude hacer mis actividades habituales" in text
    assert "Choose" not in text


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/es/diary/days/yesterday", "El día debe escribirse AAAA-MM-DD"),
        ("/es/diary/days/1999-12-31", "El diario empieza el 1 de enero de 2000"),
        (f"/es/diary/days/{(TODAY + timedelta(days=2)).isoformat()}", "Ese día todavía no ha llegado"),
        ("/es/diary/charts?month=2025-13", "El mes debe escribirse AAAA-MM"),
        ("/es/diary/charts?month=1999-12", "Elija un mes entre enero de 2000 y el actual."),
    ],
)
def test_a_bad_day_or_month_in_the_address_is_explained_in_spanish(client, diary, path, message):
    response = client.get(path)
    assert response.status_code == 400
    assert message in page_text(response)


def test_a_bad_csv_is_listed_line_by_line_in_spanish(client, diary):
    future = (TODAY + timedelta(days=3)).isoformat()
    content = "\n".join(
        [
            "date,headache,pain,medicines",
            f"{ago(150)},yes,5,",
            f"{ago(151)},yes,12,",
            f"{future},no,,",
            f"{ago(152)},yes,5,aspirin",
            f"{ago(153)},maybe,,",
            f"{ago(150)},no,,",
            f"{ago(10)},no,,",
        ]
    ).encode()
    response = upload(client, content)
    assert response.status_code == 400
    text = page_text(response)
    assert "No se importó nada: hay que corregir 6 líneas." in text
    for line, words in (
        (3, "la columna pain debe ir de 0 a 10, no 12."),
        (4, f"la fecha {future} está en el futuro."),
        (5, "tipo de medicamento desconocido 'aspirin'"),
        (6, "la columna headache debe ser «yes» (sí) o «no», no 'maybe'."),
        (7, f"la fecha {ago(150)} está repetida (la primera vez en la línea 2)."),
        (8, f"su diario ya tiene el {ago(10)}: elimine primero ese día o quite la línea."),
    ):
        assert f"Línea {line}: {words}" in text, (line, words)
    assert " must " not in text and "Line " not in text
    header = page_text(upload(client, b"when,what\n2025-01-01,no\n"))
    assert "A la fila de encabezado le falta la columna date, headache y tiene una columna desconocida" in header
    assert "Este no es un archivo de texto CSV." in page_text(upload(client, b"%PDF\x00"))
    assert "Elija un archivo CSV." in page_text(upload(client, b""))


def test_the_api_import_says_its_line_errors_in_the_readers_language(client, diary):
    body = f"date,headache,pain\n{ago(160)},yes,eleven\n"
    spanish = client.put(
        "/api/v1/me/diary/entries", data=body, content_type="text/csv", headers={"Accept-Language": "es"}
    ).get_json()
    english = client.put("/api/v1/me/diary/entries", data=body, content_type="text/csv").get_json()
    assert spanish["errors"][0]["message"] == "la columna pain debe ser un número entero de 0 a 10, no 'eleven'."
    assert english["errors"][0]["message"] == "pain must be a whole number from 0 to 10, not 'eleven'."


def test_the_reminder_form_errors_are_spanish(client, diary):
    response = client.post("/es/diary/reminders", data={"enabled": "on", "time": "25:00", "timezone": "Europe/Madrid"})
    assert response.status_code == 400
    assert "Indique la hora como HH:MM, por ejemplo 20:30." in page_text(response)
    zone = client.post("/es/diary/reminders", data={"enabled": "on", "time": "20:30", "timezone": "Mars/Olympus"})
    assert zone.status_code == 400
    assert "Give" not in page_text(zone) and "Choose" not in page_text(zone)


def test_each_flash_of_the_patients_diary_is_spanish(client, diary):
    profile = diary["profile"]
    said = []

    def post(path, data=None, **kwargs):
        response = client.post(path, data=data or {}, **kwargs)
        assert response.status_code == 302, (path, response.get_data(as_text=True)[:500])
        said.extend(flashes(client))

    post(f"/es/diary/days/{ago(0)}", {"one_tap": "no_headache"})
    post(f"/es/diary/days/{ago(1)}", {"headache": "yes", "pain": "5", "duration": "4h_24h"})
    post(f"/es/diary/days/{ago(5)}", {"headache": "yes", "pain": "4", "until": ago(1)})
    post(f"/es/diary/days/{ago(0)}/delete")
    post("/es/diary/sessions", {"day": ago(4), "note": "fuera"})
    with client.application.app_context():
        own = db.session.scalar(db.select(TreatmentSession.id).where(TreatmentSession.note == "fuera"))
    post(f"/es/diary/sessions/{own}/delete")
    post(f"/es/diary/sharing/{profile}")
    post(f"/es/diary/sharing/{profile}/revoke")
    post(f"/es/diary/outcomes/{profile}")
    post(f"/es/diary/outcomes/{profile}/revoke")
    response = upload(client, f"date,headache\n{ago(170)},no\n{ago(171)},no\n".encode())
    assert response.status_code == 302
    said.extend(flashes(client))
    post("/es/diary/reminders", {"enabled": "on", "time": "20:30", "timezone": "Europe/Madrid"})
    post("/es/diary/reminders", {"enabled": "off", "time": "20:30", "timezone": "Europe/Madrid"})
    assert said == [
        f"Guardado: sin dolor de cabeza el {day_words_es(TODAY)}.",
        f"Guardado: {day_words_es(TODAY - timedelta(days=1))}.",
        "Se guardaron 4 días de este dolor de cabeza. 1 ya tenía una entrada y se dejó como estaba.",
        f"Se eliminó de su diario el {day_words_es(TODAY)}.",
        f"Se añadió la sesión del {day_words_es(TODAY - timedelta(days=4))}.",
        "Se eliminó la sesión.",
        "Lee Fisio ya puede ver su diario. Puede dejar de compartirlo en cualquier momento.",
        "Hecho: ese profesional ya no puede ver su diario.",
        "Su resultado anónimo ya cuenta en las cifras de resultados de Lee Fisio. No se les dice quién cuenta. "
        "Puede dejarlo en cualquier momento.",
        "Hecho: su resultado se retira de las cifras de ese profesional en la siguiente actualización nocturna.",
        "Se importaron 2 días; están marcados como importados.",
        "Recordatorio activado, todos los días a las 20:30 (Europe/Madrid).",
        "Recordatorio desactivado.",
    ]


def test_a_second_tap_and_a_repeated_session_are_refused_in_spanish(client, diary):
    client.post(f"/es/diary/days/{ago(0)}", data={"one_tap": "no_headache"})
    again = client.post(f"/es/diary/days/{ago(0)}", data={"one_tap": "no_headache"})
    assert again.status_code == 409
    assert f"Ya hay una entrada del {day_words_es(TODAY)} en su diario" in page_text(again)
    client.post("/es/diary/sessions", data={"day": ago(6)})
    repeated = client.post("/es/diary/sessions", data={"day": ago(6)})
    assert repeated.status_code == 400
    assert f"Ya hay una sesión el {day_words_es(TODAY - timedelta(days=6))} en este diario." in page_text(repeated)


def test_the_practitioner_records_a_session_in_spanish(client, auth, diary):
    as_therapist(auth, client, diary)
    flashes(client)
    path = f"/es/diary/consultations/{diary['consultation']}/sessions"
    assert client.post(path, data={"day": ago(2)}).status_code == 302
    assert flashes(client) == [f"Sesión del {day_words_es(TODAY - timedelta(days=2))} registrada."]
    empty = client.post(path, data={"day": ""})
    assert empty.status_code == 400
    assert "Indique el día, como AAAA-MM-DD." in page_text(empty)


def test_the_outcomes_block_of_a_profile_reads_in_spanish(client, diary):
    text = page_text(client.get("/es/practitioners/lee-fisio"))
    assert "Cómo les fue a los pacientes, según sus diarios de dolor de cabeza" in text
    assert "De 47 pacientes que empezaron, 25 registraron días suficientes" in text
    assert "-2,1 días (intervalo del 95 % de -3,4 a -1,0)" in text
    assert "41 % (intervalo del 95 % de 30 % a 52 %)" in text
    assert "De 25 pacientes, menos de 11 tuvieron la mitad de días" in text
    assert "Mejor de lo esperado" in text and "-1,9 días y 38 % de respondedores" in text
    assert "Actualizado el 1 dic 2026." in text


def test_the_outcomes_reason_and_words_follow_the_page_language(app):
    summary = OutcomeSummary(
        profile_id=1,
        started=25,
        evaluable=25,
        recording=0,
        stopped=0,
        responders=20,
        median_change=-2.0,
        median_change_low=-3.0,
        median_change_high=-1.0,
        responder_share=0.8,
        responder_share_low=0.6,
        responder_share_high=0.9,
        expected_change=-1.0,
        expected_share=0.3,
        label="as_expected",
        refreshed_at=datetime(2026, 12, 1, tzinfo=UTC),
    )
    with app.test_request_context("/", environ_overrides=SPANISH):
        figures = public.from_summary(summary)
        assert figures is not None
        assert public.reason(figures) == (
            "de 25 pacientes que llevaron un diario, todos salvo menos de 11 tuvieron la mitad de días de dolor de "
            "cabeza o menos después de 12 semanas"
        )
        assert figures.label_words == "Como se esperaba"
    with app.test_request_context("/"):
        figures = public.from_summary(summary)
        assert figures is not None
        assert public.reason(figures).startswith("of 25 patients who kept a diary, all but fewer than 11 had")
        assert figures.label_words == "As expected"


def test_days_months_and_signed_numbers_follow_the_page_language(app):
    day = date(2025, 3, 4)
    records = {day: DayRecord(day, True, pain=6)}
    with app.test_request_context("/", environ_overrides=SPANISH):
        assert day_words(day) == "martes, 4 de marzo de 2025"
        month = charts.calendar_month(records, set(), 2025, 3, date(2025, 3, 31))
        assert month.title == "marzo de 2025" and month.weekdays == tuple("LMXJVSD")
        assert next(cell.words for cell in month.cells if cell.day == day) == "dolor 6"
        assert signed_number_label(-6.04) == "-6,0" and signed_number_label(1234.5) == "+1.234,5"
        assert signed_number_label(12.0, decimals=0) == "+12"
    with app.test_request_context("/"):
        assert day_words(day) == "Tuesday 4 March 2025"
        month = charts.calendar_month(records, set(), 2025, 3, date(2025, 3, 31))
        assert month.title == "March 2025" and month.weekdays == tuple("MTWTFSS")
        assert next(cell.words for cell in month.cells if cell.day == day) == "pain 6"
        assert signed_number_label(-6.04) == "-6.0" and signed_number_label(-0.01) == "-0.0"


def day_words_es(day: date) -> str:
    """A day as the Spanish pages write it in a sentence: 'martes, 4 de marzo de 2025'."""
    weekdays = ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"]
    months = [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ]
    return f"{weekdays[day.weekday()]}, {day.day} de {months[day.month - 1]} de {day.year}"
