"""The place messages in Spanish: an unknown ZIP code, an ambiguous name and its candidates, a place too long,
on the search page, in the questionnaire's results and in the API's problem documents (by Accept-Language)."""

from directory.extensions import db
from tests import factories
from tests.integration.test_geocoding import places  # noqa: F401 (a fixture: the small gazetteer with Springfields)
from tests.spanish import assert_spanish

SPANISH = {"Accept-Language": "es-MX,es;q=0.9"}


def test_an_unknown_zip_code_is_explained_in_spanish(client, places):  # noqa: F811
    page = client.get("/es/search?q=99999")
    assert_spanish(page, status=400)
    text = page.get_data(as_text=True)
    assert "No conocemos el código postal de EE. UU. 99999." in text
    assert "99999 is not a US ZIP code we know" not in text
    assert "99999 is not a US ZIP code we know" in client.get("/search?q=99999").get_data(as_text=True)


def test_an_ambiguous_name_lists_its_candidates_in_spanish(client, places):  # noqa: F811
    page = client.get("/es/search?q=Springfield")
    text = page.get_data(as_text=True)
    assert "Springfield, MO, US (170.000 habitantes)" in text
    assert "population" not in text
    english = client.get("/search?q=Springfield").get_data(as_text=True)
    assert "Springfield, MO, US (population 170,000)" in english


def test_a_place_with_control_characters_is_refused_in_spanish(client):
    page = client.get("/es/search?q=Madrid%07")
    assert page.status_code == 400
    assert "Ese lugar contiene caracteres de control invisibles" in page.get_data(as_text=True)
    assert_spanish(page, status=400)


def test_the_api_explains_place_problems_in_the_language_asked_for(client, places):  # noqa: F811
    unknown = client.get("/api/v1/practitioners?location=99999", headers=SPANISH).get_json()
    assert unknown["detail"].startswith("No conocemos el código postal de EE. UU. 99999.")
    assert unknown["errors"] == [{"field": "location", "message": unknown["detail"]}]
    ambiguous = client.get("/api/v1/practitioners?location=Springfield", headers=SPANISH).get_json()
    assert ambiguous["title"] == "Lugar ambiguo"
    assert ambiguous["detail"].startswith("Hay varios lugares llamados Springfield.")
    near = client.get("/api/v1/practitioners?near=91|0|5|km", headers=SPANISH).get_json()
    assert near["detail"] == "near: La latitud debe estar entre -90 y 90."
    unit = client.get("/api/v1/practitioners?near=40|0|5|ly", headers=SPANISH).get_json()
    assert unit["detail"] == "near: la unidad debe ser km o mi."
    english = client.get("/api/v1/practitioners?near=91|0|5|km").get_json()
    assert english["detail"] == "near: Latitude must be between -90 and 90."


def test_the_questionnaire_names_the_candidate_places_in_spanish(app, client, places):  # noqa: F811
    with app.app_context():
        factories.make_profile(latitude=37.2, longitude=-93.3)
        db.session.commit()
    from tests.integration.test_spanish import HEADACHE, NO_FLAGS

    client.get("/es/questionnaire/")
    answers = {"age": "30", **NO_FLAGS, **HEADACHE, "location": "Springfield"}
    for step in range(1, 7):
        client.post(f"/es/questionnaire/step/{step}", data=answers)
    text = client.get("/es/questionnaire/results").get_data(as_text=True)
    assert "Hay varios lugares llamados Springfield." in text
    assert "Springfield, MO, US (170.000 habitantes)" in text


def test_the_api_names_bad_parameters_in_the_language_asked_for(client):
    bad = "/api/v1/practitioners?location=10001&radius_km=abc&per_page=0&bogus=1"
    spanish = client.get(bad, headers=SPANISH).get_json()
    assert spanish["title"] == "Solicitud incorrecta"
    assert {(e["field"], e["message"]) for e in spanish["errors"]} == {
        ("radius_km", "debe ser un número"),
        ("per_page", "debe ser como mínimo 1"),
        ("bogus", "Campo desconocido «bogus»"),
    }
    assert spanish["detail"].startswith("La solicitud no es válida. ")
    english = client.get(bad).get_json()
    assert {(e["field"], e["message"]) for e in english["errors"]} == {
        ("radius_km", "must be a number"),
        ("per_page", "must be at least 1"),
        ("bogus", "Unknown field 'bogus'"),
    }
    assert english["detail"].startswith("The request is not valid. ")
