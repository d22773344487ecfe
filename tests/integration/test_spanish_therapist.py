"""The therapist's own pages in Spanish under /es/: dashboard, profile editor, preview, certifications, review replies.

Every page is rendered in each state that shows different words, and checked with assert_spanish (no English
sentence of the catalog left); the forms are sent with bad input under /es/ and their messages and flashes read.
The English pages keep their words: tests/integration/test_therapist_*.py pin them.
"""

import html
import io
import re
from datetime import date, timedelta

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from directory.extensions import db
from directory.models import Place, User
from tests import factories
from tests.spanish import assert_spanish

PDF = factories.MINIMAL_PDF


@pytest.fixture
def boulder(app):
    """Boulder (CO) in the gazetteer, so that an address there is placed on the map."""
    with app.app_context():
        db.session.add(
            Place(
                kind="city",
                name="Boulder",
                search_key="boulder",
                region="CO",
                country="US",
                latitude=40.01499,
                longitude=-105.27055,
                population=105_000,
            )
        )
        db.session.commit()


@pytest.fixture
def therapist(app, client, auth, boulder) -> int:
    """A logged-in therapist without a profile whose email is not confirmed yet; the login's English flash is shown."""
    user_id = auth.login(role="therapist", name="Ana Ruiz", confirmed=False)
    client.get("/search")  # shows (and so clears) the English login's flash
    return user_id


def profile_form(**changes) -> dict:
    data = {
        "display_name": "Dra. Ana Ruiz",
        "profession": "pt",
        "practising_since": "2012",
        "gender": "woman",
        "bio": "I assess the neck first.",
        "licence_number": "PT-1",
        "licence_jurisdiction": "Colorado",
        "npi": "",
        "clinic_name": "Clínica Calma",
        "street": "",
        "city": "Boulder",
        "region": "CO",
        "postal_code": "",
        "country": "US",
        "latitude": "",
        "longitude": "",
        "phone": "+1 303 555 0123",
        "website": "calma.example",
        "headache_types": ["migraine"],
        "consultation_modes": ["in_person"],
        "accepting_new_patients": "y",
        "languages": ["es"],
        "session_minutes": "45",
        "fee_min": "90",
        "fee_max": "",
        "currency": "USD",
        "insurance_accepted": "",
        "accepts_self_pay": "y",
        "availability-monday-start": "09:00",
        "availability-monday-end": "13:00",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def post(client, path: str, fields: dict, files: dict | None = None, follow: bool = False):
    """POST a multipart form; files maps a field name to (bytes, filename)."""
    values = dict(fields)
    for name, (content, filename) in (files or {}).items():
        values[name] = FileStorage(io.BytesIO(content), filename)
    boundary, body = encode_multipart(values)
    return client.post(
        path, data=body, content_type=f'multipart/form-data; boundary="{boundary}"', follow_redirects=follow
    )


def flashes(response) -> str:
    page = response.get_data(as_text=True)
    return " ".join(html.unescape(text) for text in re.findall(r'<p class="flash[^"]*">(.*?)</p>', page, re.S))


def errors(response) -> str:
    page = response.get_data(as_text=True)
    return " ".join(html.unescape(text) for text in re.findall(r'<p class="error"[^>]*>(.*?)</p>', page, re.S))


def spanish(response, status: int = 200) -> str:
    """assert_spanish for a page of any status; returns the page."""
    assert response.status_code == status, response.status_code
    response.status_code = 200
    assert_spanish(response)
    return response.get_data(as_text=True)


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), "teal").save(buffer, "PNG")
    return buffer.getvalue()


def make_profile(app, user_id: int, **fields):
    with app.app_context():
        user = db.session.get(User, user_id)
        return factories.make_profile(
            user=user, display_name="Dra. Ana Ruiz", slug="ana-ruiz", **{"published": False, **fields}
        ).id


# -- dashboard and profile editor ---------------------------------------------------------


def test_a_new_therapist_reads_the_dashboard_and_the_empty_editor_in_spanish(client, therapist):
    page = spanish(client.get("/es/therapist/"))
    assert "Mi consulta" in page and "Confirme su correo electrónico" in page
    assert "Complete su perfil: su consulta, dónde está y qué trata." in page
    page = spanish(client.get("/es/therapist/profile"))
    assert "Cree su perfil" in page and "Perfil completo al 0 %" in page
    # The missing parts are listed in Spanish, joined the Spanish way.
    assert "su nombre; su profesión" in page
    # Countries are named in Spanish, in Spanish order; weekdays and the section titles too.
    assert '<option value="ES">España</option>' in page and ">Serbia y Montenegro<" in page
    assert re.search(r'<option [^>]*value="US"[^>]*>Estados Unidos</option>', page)
    assert page.index(">Alemania<") < page.index(">Bélgica<") < page.index(">España<")
    assert "<legend>Lunes</legend>" in page and '<a href="#fees">Sesiones y precios</a>' in page


def test_saving_a_profile_in_spanish_says_so_in_spanish(app, client, therapist):
    response = post(client, "/es/therapist/profile", profile_form(), follow=True)
    page = spanish(response)
    said = flashes(response)
    assert "Su perfil se ha creado." in said
    # Boulder is a town, not the address itself: the pin is approximate.
    assert "Solo pudimos colocar el marcador en el centro de Boulder" in said
    assert "Su perfil" in page and "Aún sin publicar: los pacientes no pueden verlo." in page
    # Saved again, the profile keeps its place; a photo that is not an image is refused in Spanish.
    response = post(
        client, "/es/therapist/profile", profile_form(), {"photo": (b"not an image", "me.png")}, follow=True
    )
    spanish(response)
    assert "Su foto no se subió: La foto de perfil debe ser una imagen JPEG o PNG." in flashes(response)


def test_a_profile_with_mistakes_comes_back_in_spanish(app, client, therapist):
    make_profile(app, therapist)  # the photo's part of the editor shows once there is a profile
    response = post(
        client,
        "/es/therapist/profile",
        profile_form(
            display_name="",
            practising_since="1800",
            npi="1234567890",
            website="ftp://x",
            phone="abc",
            fee_min="200",
            fee_max="100",
            latitude="40.1",
            **{"availability-monday-end": "08:00", "availability-tuesday-start": "09:00"},
        ),
        {"photo": (png(), "me.png")},
    )
    page = spanish(response, 400)
    shown = errors(response)
    for message in (
        "Escriba el nombre que verán los pacientes.",
        "Escriba un año a partir de 1940.",
        "El último dígito de este NPI no concuerda con los demás",
        "Escriba una dirección web que empiece por https://",
        "Escriba un número de teléfono con dígitos",
        "El precio máximo debe ser al menos igual al mínimo.",
        "Indique la latitud y la longitud, o deje ambas vacías.",
        "La hora de cierre debe ser posterior a la de apertura.",
        "Indique la hora de apertura y la de cierre.",
        "Su foto no se subió, porque no se guardó nada",
    ):
        assert message in shown, message
    assert "Corrija estas" in page and "Se conserva todo lo que escribió." in page
    # The error summary names each field by its Spanish label (a weekday's times under the day's name).
    assert "Nombre que ven los pacientes: Escriba el nombre" in html.unescape(page)
    assert "Lunes: Cierra: La hora de cierre debe ser posterior a la de apertura." in html.unescape(page)
    assert "Martes: Cierra: Indique la hora de apertura y la de cierre." in html.unescape(page)


def test_the_dashboard_publishing_and_the_preview_in_spanish(app, client, therapist):
    make_profile(app, therapist, profession=None)
    page = spanish(client.get("/es/therapist/"))
    assert "Añada a su perfil: su profesión." in page
    assert (
        "Para publicar, añada: un correo electrónico confirmado (abra el enlace que le enviamos); su profesión." in page
    )
    response = client.post("/es/therapist/profile/publish", follow_redirects=True)
    spanish(response)
    assert (
        "Antes de publicar, añada: un correo electrónico confirmado (abra el enlace que le enviamos) y su profesión."
        in flashes(response)
    )
    with app.app_context():
        user = db.session.get(User, therapist)
        user.email_confirmed_at = user.created_at
        user.profile.profession = "pt"
        db.session.commit()
    spanish(client.get("/es/therapist/"))
    response = client.post("/es/therapist/profile/publish", follow_redirects=True)
    page = spanish(response)
    assert "Su perfil está publicado: los pacientes ya pueden encontrarlo en el directorio." in flashes(response)
    assert "Publicado" in page and "Retirar del directorio" in page
    page = spanish(client.get("/es/therapist/profile/preview"))
    assert "así ven los pacientes su perfil" in page and "Está publicado." in page
    # What the practice offers is named in Spanish (the preview reads it from the profile, not its listing).
    assert "Cefalea tensional" in page and "En persona" in page and "Inglés" in page
    response = client.post("/es/therapist/profile/unpublish", follow_redirects=True)
    spanish(response)
    assert "Su perfil ya no aparece en el directorio." in flashes(response)
    spanish(client.get("/es/therapist/profile/preview"))
    spanish(client.get("/es/therapist/profile"))


def test_a_profile_that_loses_what_publishing_needs_is_hidden_in_spanish(app, client, therapist):
    make_profile(app, therapist, published=True, profession="pt")
    response = post(client, "/es/therapist/profile", profile_form(headache_types=None), follow=True)
    spanish(response)
    assert (
        "Su perfil queda oculto en el directorio hasta que añada: al menos un tipo de dolor de cabeza que trate."
        in flashes(response)
    )


def test_the_photo_forms_in_spanish(app, client, therapist):
    make_profile(app, therapist)
    response = post(client, "/es/therapist/profile/photo", {}, {"photo": (b"", "empty.png")})
    spanish(response, 400)
    assert "El archivo está vacío." in errors(response)
    response = post(client, "/es/therapist/profile/photo", {})
    spanish(response, 400)
    assert "Primero elija una foto JPEG o PNG." in errors(response)
    response = post(client, "/es/therapist/profile/photo", {}, {"photo": (png(), "me.png")}, follow=True)
    page = spanish(response)
    assert "Su foto se ha guardado." in flashes(response) and 'alt="Su foto actual"' in page
    assert "Reemplazar la foto y guardar el perfil" in page
    response = client.post("/es/therapist/profile/photo/remove", follow_redirects=True)
    spanish(response)
    assert "Su foto se ha quitado." in flashes(response)


def test_previewing_without_a_profile_says_so_in_spanish(client, therapist):
    response = client.get("/es/therapist/profile/preview", follow_redirects=True)
    spanish(response)
    assert "Complete primero su perfil; después podrá ver la vista previa." in flashes(response)
    response = client.get("/es/therapist/certifications/new", follow_redirects=True)
    spanish(response)
    assert "Complete primero su perfil (al menos su nombre)" in flashes(response)
    page = spanish(client.get("/es/therapist/certifications"))
    assert "Complete primero su perfil</a>; después podrá añadir sus certificaciones." in page


# -- certifications -----------------------------------------------------------------------


@pytest.fixture
def certified(app, therapist):
    """The therapist's profile with a certification in each state; returns their ids by state."""
    make_profile(app, therapist)
    today = date.today()
    with app.app_context():
        profile = db.session.get(User, therapist).profile
        states = {
            "info_requested": {"status": "pending", "info_requested": "Is this Level 2?"},
            "pending": {"status": "pending"},
            "expiring": {"status": "verified", "expires_on": today + timedelta(days=10)},
            "verified": {"status": "verified", "expires_on": today + timedelta(days=400), "issuing_body": "kinetacore"},
            "expired": {"status": "verified", "expires_on": today - timedelta(days=3)},
            "rejected": {"status": "rejected", "reason": "The scan is unreadable."},
        }
        ids = {}
        for state, fields in states.items():
            evidence = factories.make_evidence("pdf", filename="scan.pdf")
            ids[state] = factories.make_certification(profile, evidence=evidence, programme="Nivel 2", **fields).id
        ids["other"] = factories.make_certification(
            profile, status="verified", issuing_body="other", issuing_body_other="Programa propio"
        ).id
        return ids


def test_certifications_in_every_state_read_in_spanish(client, certified):
    page = spanish(client.get("/es/therapist/"))
    for words in (
        "Nuestro equipo pidió más información sobre la certificación de Myopain Seminars.",
        "La certificación de Myopain Seminars no fue aceptada",
        "La certificación de Myopain Seminars ha vencido",
        "La certificación de Myopain Seminars vence el",
        "Información solicitada",
        "Pendiente de verificación",
        "Verificada hasta el",
        "No aceptada",
        "Vencida",
    ):
        assert words in page, words
    page = spanish(client.get("/es/therapist/certifications"))
    assert "Motivo indicado: The scan is unreadable." in page  # the admin's own words stay as written
    assert "Nuestro equipo pregunta:" in page and "Responder a la pregunta" in page and "Verla o cambiarla" in page
    for state in certified.values():
        spanish(client.get(f"/es/therapist/certifications/{state}"))
    page = spanish(client.get(f"/es/therapist/certifications/{certified['verified']}"))
    assert "Estado:" in page and "Comprobante:" in page and "Retirar esta certificación" in page
    spanish(client.get("/es/therapist/certifications/new"))


def test_adding_a_certification_in_spanish(app, client, certified):
    response = post(
        client,
        "/es/therapist/certifications/new",
        {"issuing_body": "other", "obtained_on": "2999-01-01", "expires_on": "31/12/2030", "training_hours": "x"},
        {"evidence": (PDF, "c.pdf")},
    )
    spanish(response, 400)
    shown = errors(response)
    for message in (
        "Esta fecha es futura.",
        "Escriba una fecha como 2027-06-30.",
        "Escriba un número entero de horas, como 54.",
        "Los navegadores olvidan el archivo elegido",
    ):
        assert message in shown, message
    response = post(
        client,
        "/es/therapist/certifications/new",
        {"issuing_body": "other", "obtained_on": "2021-06-30"},
        {"evidence": (PDF, "c.pdf")},
    )
    spanish(response, 400)
    assert "Indique el programa que le certificó." in errors(response)
    fields = {"issuing_body": "kinetacore", "obtained_on": "2021-06-30", "credential_id": "KC-1"}
    response = post(client, "/es/therapist/certifications/new", fields, {"evidence": (b"hello", "c.txt")})
    spanish(response, 400)
    assert "Suba un archivo PDF, PNG o JPEG. Elija el archivo de nuevo." in errors(response)
    response = post(client, "/es/therapist/certifications/new", fields, {"evidence": (PDF, "c.pdf")}, follow=True)
    spanish(response)
    assert "Su certificación se ha enviado." in flashes(response)


def test_changing_answering_and_withdrawing_in_spanish(app, client, certified):
    verified = certified["verified"]
    fields = {"issuing_body": "kinetacore", "obtained_on": "2021-06-30", "credential_id": "KC-NEW", "version": "1"}
    response = post(client, f"/es/therapist/certifications/{verified}", fields, follow=True)
    spanish(response)
    assert "La certificación vuelve a nuestro equipo para su verificación." in flashes(response)
    # The page still shows version 1: the next change is refused as stale, in Spanish.
    response = post(client, f"/es/therapist/certifications/{verified}", fields, follow=True)
    spanish(response)
    assert "Esta certificación cambió mientras tanto" in flashes(response)
    asked = certified["info_requested"]
    response = post(client, f"/es/therapist/certifications/{asked}/answer", {"version": "1"})
    spanish(response, 400)
    assert "Elija el archivo que quiere subir." in errors(response)
    response = post(
        client, f"/es/therapist/certifications/{asked}/answer", {"version": "1"}, {"evidence": (PDF, "n.pdf")}, True
    )
    spanish(response)
    assert "Gracias: su nuevo comprobante se ha enviado a nuestro equipo." in flashes(response)
    response = client.post(f"/es/therapist/certifications/{certified['pending']}/withdraw", follow_redirects=True)
    spanish(response)
    assert "La página había caducado." in flashes(response)
    response = client.post(
        f"/es/therapist/certifications/{certified['pending']}/withdraw", data={"version": "1"}, follow_redirects=True
    )
    spanish(response)
    assert "La certificación se ha retirado y su comprobante se ha eliminado." in flashes(response)


# -- the reply to a review ----------------------------------------------------------------


def test_replying_to_a_review_in_spanish(app, client, therapist):
    make_profile(app, therapist, published=True)
    with app.app_context():
        profile = db.session.get(User, therapist).profile
        review_id = factories.make_review(profile).id
    path = f"/es/reviews/{review_id}/reply"
    response = client.post(path, data={f"reply-{review_id}-text": ""}, follow_redirects=True)
    spanish(response)
    assert "Escriba una respuesta de como máximo 2.000 caracteres." in flashes(response)
    response = client.post(path, data={f"reply-{review_id}-text": "Gracias."}, follow_redirects=True)
    spanish(response)
    assert "Su respuesta está publicada." in flashes(response)
    response = client.post(path, data={f"reply-{review_id}-text": "Otra vez."}, follow_redirects=True)
    spanish(response)
    assert "Ya respondió a esta reseña." in flashes(response)


def test_the_english_pages_keep_their_words(app, client, certified):
    page = client.get("/therapist/").get_data(as_text=True)
    assert "Our team asked for more information about Myopain Seminars." in page
    assert "To publish, add a confirmed email address (open the link we mailed you); your profession." in page
    page = client.get("/therapist/profile").get_data(as_text=True)
    assert '<option value="ES">Spain</option>' in page and "<legend>Monday</legend>" in page
    assert "Profile 54% complete" in page or re.search(r"Profile \d+% complete", page)


def test_a_confirmed_address_agrees_in_gender_with_correo(client, auth):
    auth.login("therapist")
    client.get("/therapist/")  # shows (and so clears) the English login's flash
    page = spanish(client.get("/es/therapist/"))
    assert "<dd>Confirmado</dd>" in page


def test_a_rejection_reason_is_shown_in_spanish_with_the_admins_own_words_as_written(app, client, auth):
    from directory.models import TherapistProfile

    user_id = auth.login("therapist")
    client.get("/therapist/")  # shows (and so clears) the English login's flash
    with app.app_context():
        profile = factories.make_profile(user=db.session.get(User, user_id))
        certification = factories.make_certification(
            db.session.get(TherapistProfile, profile.id),
            status="rejected",
            reason="The evidence cannot be read or is incomplete. Page 2 is missing.",
        ).id
    page = spanish(client.get(f"/es/therapist/certifications/{certification}"))
    assert "El documento acreditativo no se puede leer o está incompleto. Page 2 is missing." in page
