"""Weekly openings in the page's language: the card's next-opening hint, the request form's times, the inbox."""

from datetime import datetime

from flask_babel import force_locale
from sqlalchemy import select

from directory.extensions import db
from directory.models import ConsultationRequest
from directory.services.search.openings import next_opening
from tests import factories

MONDAY, TUESDAY, SATURDAY = 0, 1, 5
TUESDAY_10 = datetime(2026, 12, 1, 10, 0)


def test_the_next_opening_hint_in_spanish(app):
    with app.test_request_context("/"), force_locale("es"):
        assert next_opening([(TUESDAY, 14 * 60, 16 * 60)], TUESDAY_10) == "Esta tarde"
        assert next_opening([(TUESDAY, 9 * 60, 18 * 60)], datetime(2026, 12, 1, 17, 30)) == "Esta noche"
        assert next_opening([(1 + TUESDAY, 9 * 60, 10 * 60)], TUESDAY_10) == "Mañana por la mañana"
        assert next_opening([(SATURDAY, 13 * 60, 15 * 60)], TUESDAY_10) == "Sábado por la tarde"
        assert next_opening([(TUESDAY, 7 * 60, 9 * 60)], TUESDAY_10) == "Martes de la próxima semana, por la mañana"


def test_the_patient_chooses_times_in_spanish_and_the_therapist_reads_them_in_their_language(app, client, auth):
    with app.app_context():
        therapist = factories.make_user(email="thea@example.com", role="therapist")
        factories.make_profile(user=therapist, slug="thea", slots=((MONDAY, 9 * 60, 10 * 60),))
    auth.login("patient")
    form = client.get("/es/consultations/new/thea").get_data(as_text=True)
    assert 'value="Monday 09:00–10:00"' in form and "Lunes 09:00–10:00" in form
    client.post(
        "/es/consultations/new/thea",
        data={"mode": "in_person", "preferred_times": "Monday 09:00–10:00", "message": ""},
    )
    with app.app_context():
        request_id = db.session.scalar(select(ConsultationRequest.id))
        assert db.session.get(ConsultationRequest, request_id).preferred_times == "Monday 09:00–10:00"
    auth.logout()
    auth.login(email="thea@example.com")
    assert "Monday 09:00–10:00" in client.get(f"/consultations/inbox/{request_id}").get_data(as_text=True)
    spanish = client.get(f"/es/consultations/inbox/{request_id}").get_data(as_text=True)
    assert "Lunes 09:00–10:00" in spanish and "Monday" not in spanish
