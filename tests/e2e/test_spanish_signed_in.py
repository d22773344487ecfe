"""Signed in, in Spanish, on a phone: a patient's diary, request and review; a therapist's and an admin's pages.

Each page is checked with axe, must say lang="es" and fit a 390 px screen (Spanish sentences run longer).
"""

import pytest
from playwright.sync_api import Page, expect

from directory.extensions import db
from directory.models import Role
from directory.services.core import accounts
from tests import factories
from tests.e2e.test_spanish_journey import check_spanish

PASSWORD = factories.PASSWORD
ADMIN_PASSWORD = "an-admin-passphrase-for-es"


@pytest.fixture
def people(site_app, request):
    """A Spanish-reading patient seen by a practitioner (so they may review), and an admin; unique to the test."""
    tag = request.node.name.replace("_", "-")[-24:]
    with site_app.app_context():
        therapist = factories.make_user(Role.THERAPIST, email=f"es-t-{tag}@example.com", language="es")
        profile = factories.make_profile(
            user=therapist, display_name=f"Es-Fisio {tag}", slug=f"es-fisio-{tag}", modes=("in_person", "video")
        )
        patient = factories.make_user(Role.PATIENT, email=f"es-p-{tag}@example.com", name="Ana", language="es")
        factories.make_completed_consultation(patient, profile)
        factories.make_certification(profile)
        accounts.create_admin(f"es-a-{tag}@example.com", ADMIN_PASSWORD)
        db.session.commit()
        return {
            "patient": patient.email,
            "therapist": therapist.email,
            "admin": f"es-a-{tag}@example.com",
            "slug": profile.slug,
        }


def log_in(page: Page, email: str, password: str = PASSWORD) -> None:
    page.goto("/es/auth/login")
    check_spanish(page, "es-login")
    page.get_by_label("Correo electrónico").fill(email)
    page.get_by_label("Contraseña").fill(password)
    page.get_by_role("button", name="Iniciar sesión").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")


def visit(page: Page, path: str, name: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 200, (path, response and response.status)
    check_spanish(page, name)


def test_a_spanish_patient_keeps_the_diary_requests_a_consultation_and_reviews(phone_page, people):
    page = phone_page
    log_in(page, people["patient"])
    visit(page, "/es/diary/", "es-diary")
    page.get_by_role("button", name="Hoy sin dolor de cabeza").click()
    check_spanish(page, "es-diary-after-today")
    for path, name in (
        ("/es/diary/charts", "es-diary-charts"),
        ("/es/diary/sessions", "es-diary-sessions"),
        ("/es/diary/sharing", "es-diary-sharing"),
        ("/es/diary/outcomes", "es-diary-outcomes"),
        ("/es/diary/import", "es-diary-import"),
        ("/es/diary/reminders", "es-diary-reminders"),
    ):
        visit(page, path, name)

    visit(page, f"/es/practitioners/{people['slug']}", "es-profile-signed-in")
    page.get_by_role("link", name="Pedir una primera consulta").click()
    check_spanish(page, "es-request")
    page.get_by_label("Primera consulta por video").check()
    page.get_by_label("Mensaje (opcional)").fill("Dolor de cabeza casi todas las tardes desde hace un año.")
    page.get_by_role("button", name="Enviar la solicitud").click()
    expect(page.get_by_text("Su solicitud se envió a")).to_be_visible()
    check_spanish(page, "es-my-requests")

    visit(page, f"/es/reviews/new/{people['slug']}", "es-review-form")
    page.get_by_label("5 – excelente").check()
    page.get_by_label("Su opinión").fill("Me explicó todo con calma y me ayudó mucho con las crisis.")
    page.get_by_role("button", name="Publicar la opinión").click()
    expect(page.get_by_text("Gracias: su opinión está publicada.")).to_be_visible()
    check_spanish(page, "es-review-published")


def test_a_spanish_therapist_and_an_admin_do_their_work_in_spanish(phone_page, people):
    page = phone_page
    log_in(page, people["therapist"])
    for path, name in (
        ("/es/therapist/", "es-therapist-dashboard"),
        ("/es/therapist/profile", "es-therapist-profile"),
        ("/es/therapist/profile/preview", "es-therapist-preview"),
        ("/es/therapist/certifications", "es-therapist-certifications"),
        ("/es/therapist/certifications/new", "es-therapist-new-certification"),
        ("/es/consultations/inbox", "es-therapist-inbox"),
        ("/es/reviews/mine", "es-therapist-reviews"),
        ("/es/diary/shared", "es-therapist-shared-diaries"),
    ):
        visit(page, path, name)
    page.context.clear_cookies()

    log_in(page, people["admin"], ADMIN_PASSWORD)
    for path, name in (
        ("/es/admin/", "es-admin-dashboard"),
        ("/es/admin/certifications", "es-admin-queue"),
        ("/es/admin/rosters", "es-admin-rosters"),
        ("/es/admin/reviews", "es-admin-reviews"),
        ("/es/admin/users", "es-admin-users"),
        ("/es/admin/audit", "es-admin-audit"),
        ("/es/admin/outbox", "es-admin-outbox"),
    ):
        visit(page, path, name)
