"""Notices and mail in the language their reader chose (User.language), whatever the page that caused them.

A patient who signed up in Spanish is told in Spanish, with a /es/ link, when a therapist answers on an English
page, and the therapist is told in English; so are the messages sent by commands (certification expiry, diary
reminders), where there is no page at all. The refusals a service raises are in the page's language.
"""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from directory.extensions import db
from directory.models import ConsultationRequest, DiaryReminder, Notice, OutboxMessage, Role, User
from directory.services.diary import reminders
from directory.services.verification import expiry
from tests import factories

SPANISH_SIGNUP = {
    "role": "patient",
    "name": "Ana",
    "email": "ana@example.com",
    "password": "una-contraseña-larga-y-rara",
    "confirm": "una-contraseña-larga-y-rara",
}
MONDAY_NINE = (0, 9 * 60, 10 * 60)


def _language(app, email: str) -> str:
    with app.app_context():
        return db.session.scalar(select(User.language).where(User.email == email))


def _notices(app, user_id: int) -> list[tuple[str, str | None]]:
    with app.app_context():
        return [
            (notice.message, notice.link)
            for notice in db.session.scalars(select(Notice).where(Notice.user_id == user_id).order_by(Notice.id))
        ]


def _mails(app, recipient: str) -> list[OutboxMessage]:
    with app.app_context():
        mails = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.recipient == recipient).order_by(OutboxMessage.id)
        ).all()
        db.session.expunge_all()
        return list(mails)


def test_signing_up_in_spanish_keeps_spanish_for_later_mail(app, client):
    client.post("/es/auth/signup", data=SPANISH_SIGNUP)
    assert _language(app, "ana@example.com") == "es"
    client.post("/auth/signup", data=SPANISH_SIGNUP | {"email": "bob@example.com"})
    assert _language(app, "bob@example.com") == "en"


def test_the_switcher_changes_the_language_of_a_signed_in_account(app, client, auth):
    auth.login("patient", email="pat@example.com")
    client.get("/language/es?next=/account/")
    assert _language(app, "pat@example.com") == "es"
    client.get("/language/en?next=/account/")
    assert _language(app, "pat@example.com") == "en"


def test_a_therapist_answering_in_english_writes_to_a_spanish_patient_in_spanish(app, client, auth):
    with app.app_context():
        therapist = factories.make_user(Role.THERAPIST, email="thea@example.com", name="Thea")
        factories.make_profile(user=therapist, slug="thea", display_name="Thea Park")
    patient_id = auth.login("patient", email="ana@example.com", name="Ana", language="es")
    client.post("/es/consultations/new/thea", data={"mode": "in_person", "message": "Hola."})
    with app.app_context():
        therapist_id = db.session.scalar(select(User.id).where(User.email == "thea@example.com"))
        request_id = db.session.scalar(select(ConsultationRequest.id))
    # The therapist reads English: the request made on a Spanish page reaches them in English, at an English address.
    [(message, link)] = _notices(app, therapist_id)
    assert message == "New consultation request: Ana asked for a first consultation (in person)."
    assert link == "http://localhost/consultations/inbox"
    auth.logout()

    auth.login(email="thea@example.com")
    proposed = (datetime.now(UTC) + timedelta(days=9)).strftime("%Y-%m-%dT10:30")
    client.post(f"/consultations/inbox/{request_id}/accept", data={"proposed_time": proposed})
    [(message, link)] = _notices(app, patient_id)
    assert message.startswith("Se aceptó su solicitud de consulta: Thea Park propone el ")
    assert "(hora de New York)" in message and "Confirme este horario" in message
    assert link == "http://localhost/es/consultations/"
    [mail] = _mails(app, "ana@example.com")
    assert mail.subject == "Se aceptó su solicitud de consulta"
    assert mail.body.endswith("\n\nhttp://localhost/es/consultations/")


def test_a_refusal_is_in_the_language_of_the_page(app, client, auth):
    with app.app_context():
        factories.make_profile(slug="thea", display_name="Thea Park", accepting_new_patients=False)
    auth.login("patient")
    client.get("/search")  # shows (and so clears) the English login's flash
    spanish = client.post("/es/consultations/new/thea", data={"mode": "in_person", "message": ""})
    assert "Thea Park no acepta pacientes nuevos por el momento." in spanish.get_data(as_text=True)
    english = client.post("/consultations/new/thea", data={"mode": "in_person", "message": ""})
    assert "Thea Park is not taking new patients at the moment." in english.get_data(as_text=True)


def test_a_command_writes_to_each_therapist_in_their_own_language(app):
    with app.app_context():
        for email, language in (("es@example.com", "es"), ("en@example.com", "en")):
            user = factories.make_user(Role.THERAPIST, email=email, language=language)
            profile = factories.make_profile(user=user)
            factories.make_certification(profile, status="verified", expires_on=date(2026, 7, 1), credential_id="MP-9")
        expiry.expire_certifications(date(2026, 6, 15))
    [spanish] = _mails(app, "es@example.com")
    assert spanish.subject == "Su certificación caduca pronto"
    assert "caduca el 1 jul 2026, dentro de 16 días." in spanish.body
    assert spanish.body.endswith("\n\nhttp://localhost/es/therapist/certifications")
    [english] = _mails(app, "en@example.com")
    assert english.subject == "Your certification expires soon"
    assert "expires on Jul 1, 2026, in 16 days." in english.body
    assert english.body.endswith("\n\nhttp://localhost/therapist/certifications")


def test_a_diary_reminder_is_in_the_patients_language(app):
    with app.app_context():
        patient = factories.make_user(email="ana@example.com", language="es")
        db.session.add(DiaryReminder(patient_id=patient.id, enabled=True, minute_of_day=0, timezone="UTC"))
        db.session.commit()
        assert reminders.send_due_reminders(datetime(2026, 6, 15, 12, tzinfo=UTC)) == 1
    [mail] = _mails(app, "ana@example.com")
    assert mail.subject == "Su diario de dolor de cabeza de hoy"
    assert "http://localhost/es/diary/" in mail.body and "Para dejar de recibir estos recordatorios" in mail.body


def test_someone_signing_up_with_a_taken_address_warns_its_owner_in_the_owners_language(app, client):
    with app.app_context():
        factories.make_user(email="ana@example.com", language="es")
    client.post("/auth/signup", data=SPANISH_SIGNUP)
    [mail] = _mails(app, "ana@example.com")
    assert mail.subject == "Alguien intentó registrarse con su dirección"
    assert "http://localhost/es/auth/login" in mail.body


def test_the_kept_catalog_follows_force_locale_in_and_out(app):
    from flask_babel import force_locale

    from directory.services.core.text import catalog_text

    with app.test_request_context("/es/search"):
        app.preprocess_request()
        with force_locale("es"):
            assert catalog_text("Monday") == "Lunes"
            with force_locale("en"):
                assert catalog_text("Monday") == "Monday"
            assert catalog_text("Monday") == "Lunes"
    with app.app_context():
        assert catalog_text("Monday") == "Monday"
    assert catalog_text("Monday") == "Monday"  # no context at all: English
