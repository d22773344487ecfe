"""A Spanish-speaking patient on a phone: search, the questionnaire to the stop page and to the results, sign-up.

Every page is checked with axe and must say lang="es". The live server's database is shared by the
session's browser tests: this module's practitioners carry an "Es-" prefix and live around a made-up
town, Valdeluna, TX (so the distances are in miles, as for any reader searching in the US).
"""

import re

import pytest
from playwright.sync_api import Page, expect

from directory.extensions import db
from tests import factories
from tests.e2e.conftest import assert_fits_width, check_accessibility

VALDELUNA = (31.2000, -99.9000)
ROSA = "Es-Rosa Quintero"
DISCLAIMER_ES = "Este cuestionario le ayuda a encontrar un profesional."


@pytest.fixture(scope="module")
def practitioners(live_server):
    """Valdeluna in the gazetteer and a verified, Spanish-speaking practitioner near it."""
    app = live_server[1]
    with app.app_context():
        factories.make_town("Valdeluna", "TX", VALDELUNA[0], VALDELUNA[1], 9_000)
        db.session.commit()
        factories.make_profile(
            display_name=ROSA,
            slug="es-rosa-quintero",
            latitude=31.205,
            longitude=-99.905,
            headache_types=("migraine", "tension_type"),
            languages=("en", "es"),
            modes=("in_person", "video"),
            verified=True,
            profession="pt",
            city="Valdeluna",
            region="TX",
            bio="Physical therapist.",
            bio_es="Fisioterapeuta con años de experiencia en dolor de cabeza.",
        )


@pytest.fixture
def errors(phone_page):
    raised = []
    phone_page.on("pageerror", lambda error: raised.append(str(error)))
    return raised


def check_spanish(page: Page, name: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", "es")
    assert_fits_width(page)
    check_accessibility(page, name)


def answer(page: Page, question: str, choice: str) -> None:
    group = page.locator("fieldset", has=page.locator("legend", has_text=question))
    group.get_by_label(choice, exact=True).check()


def continue_to(page: Page, heading: str) -> None:
    page.get_by_role("button", name=re.compile("^(Continuar|Ver mis resultados)$")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)


def start_in_spanish(page: Page, age: str) -> None:
    page.goto("/es/")
    page.get_by_role("link", name="Responder unas preguntas").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Encuentre un profesional adecuado para sus dolores de cabeza"
    )
    check_spanish(page, "es-questionnaire-intro")
    page.get_by_role("link", name="Empezar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sobre usted")
    expect(page.get_by_text(DISCLAIMER_ES)).to_be_visible()
    check_spanish(page, "es-questionnaire-1")
    page.get_by_label("¿Cuántos años tiene?").fill(age)
    continue_to(page, "Señales de alarma")
    check_spanish(page, "es-questionnaire-2")


def test_a_spanish_reader_searches_in_texas_and_gets_miles(phone_page, practitioners, errors):
    page = phone_page
    page.goto("/es/")
    check_spanish(page, "es-home")
    page.get_by_label("Ciudad, localidad o código postal").fill("Valdeluna, TX")
    page.get_by_role("button", name="Buscar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Encuentre un profesional de punción seca")
    expect(page.locator("#results-heading")).to_contain_text("millas de Valdeluna")
    card = page.locator(".practitioner-card", has_text=ROSA)
    expect(card.locator(".distance")).to_have_text(re.compile(r"^a (menos de 1|\d+(,\d)?) mi$"))
    expect(card).to_contain_text("Certificación verificada")
    check_spanish(page, "es-search")
    card.get_by_role("link", name=ROSA).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ROSA)
    expect(page.get_by_text("Fisioterapeuta con años de experiencia en dolor de cabeza.")).to_be_visible()
    page.get_by_role("link", name="← Volver a los resultados").click()
    expect(page).to_have_url(re.compile(r"/es/search\?"))
    assert errors == []


def test_the_questionnaire_in_spanish_stops_at_an_emergency_sign(phone_page, practitioners, errors):
    page = phone_page
    start_in_spanish(page, "41")
    answer(page, "En el último mes, ¿ha tenido un dolor de cabeza que pasó de nada", "Sí")
    # The advice shows at once, in Spanish, before the page is sent.
    expect(page.locator('[data-advice="emergency"] h2')).to_have_text("Busque ayuda ahora")
    page.locator('[data-advice="emergency"]').get_by_role("button", name="Ver qué hacer ahora").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Busque ayuda ahora")
    expect(page.get_by_text("No maneje (no conduzca) usted mismo", exact=False)).to_be_visible()
    expect(page.locator(".practitioner-card")).to_have_count(0)
    check_spanish(page, "es-questionnaire-stop")
    assert errors == []


def test_the_questionnaire_in_spanish_reaches_the_results(phone_page, practitioners, errors):
    page = phone_page
    start_in_spanish(page, "34")
    page.get_by_role("button", name="No me pasa nada de esto").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sus dolores de cabeza")
    check_spanish(page, "es-questionnaire-3")
    page.get_by_label("¿Cuántos días al mes tiene dolor de cabeza?").fill("5")
    answer(page, "¿Desde hace cuánto tiempo", "Más de un año")
    answer(page, "¿Cuántos dolores de cabeza como este", "10 o más")
    answer(page, "Si no toma nada", "De 4 horas a 3 días")
    answer(page, "¿Dónde está el dolor?", "En un lado de la cabeza")
    page.get_by_label("Pulsátil, como latidos").check()
    answer(page, "¿Qué tan fuerte es el dolor?", "Fuerte: tengo que parar")
    answer(page, "¿Empeora con la actividad diaria", "Sí")
    answer(page, "¿Tiene náuseas", "Bastante")
    answer(page, "¿Le molesta la luz", "Sí")
    answer(page, "¿Le molesta el ruido", "Sí")
    continue_to(page, "Aura")
    check_spanish(page, "es-questionnaire-4")
    answer(page, "Antes o durante sus dolores de cabeza, ¿tiene aura", "No")
    continue_to(page, "Cuello y medicamentos")
    check_spanish(page, "es-questionnaire-5")
    answer(page, "¿Tiene dolor de cuello con sus dolores de cabeza?", "No")
    continue_to(page, "Seguridad y lo que le conviene")
    check_spanish(page, "es-questionnaire-6")
    page.get_by_label("Me dan miedo las agujas").check()
    page.get_by_label("¿Dónde buscamos?").fill("Valdeluna, TX")
    continue_to(page, "Sus resultados")
    expect(page.get_by_text("Migraña sin aura")).to_be_visible()
    card = page.locator(".match-card", has_text=ROSA)
    reasons = card.locator(".reasons li").all_inner_texts()
    assert "Trata migraña" in reasons
    assert any(re.fullmatch(r"A (menos de 1|\d+(,\d)?) mi", reason) for reason in reasons)
    expect(card.locator(".match-score")).to_contain_text(re.compile(r"Encaje \d+ de 100"))
    check_spanish(page, "es-questionnaire-results")
    assert errors == []


def test_a_spanish_reader_signs_up_in_spanish(phone_page, errors):
    page = phone_page
    page.goto("/es/")
    page.get_by_text("Menú").click()
    page.get_by_role("link", name="Crear cuenta").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cree su cuenta")
    check_spanish(page, "es-signup")
    page.get_by_label("Alguien que busca ayuda para sus dolores de cabeza").check()
    page.get_by_label("Correo electrónico").fill("paciente.es@example.com")
    page.get_by_label("Contraseña", exact=True).fill("agujas-tranquilas-2026")
    page.get_by_label("Repita la contraseña").fill("agujas-tranquilas-2026")
    page.get_by_role("button", name="Crear cuenta").click()
    expect(page.get_by_text("Enviamos un enlace a paciente.es@example.com.")).to_be_visible()
    check_spanish(page, "es-signup-done")
    assert errors == []


def test_the_language_switcher_keeps_the_page(phone_page, practitioners):
    page = phone_page
    page.goto("/search?q=Valdeluna%2C+TX")
    page.get_by_role("link", name="Español").click()
    expect(page).to_have_url(re.compile(r"/es/search\?q=Valdeluna"))
    expect(page.locator("html")).to_have_attribute("lang", "es")
    page.get_by_role("link", name="English").click()
    expect(page).to_have_url(re.compile(r"/search\?q=Valdeluna"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
