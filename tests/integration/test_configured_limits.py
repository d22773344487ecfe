"""Rate limits and the API's bounds are config keys: setting one changes what the site does."""

import pytest

from config import Config, TestingConfig
from tests.conftest import AuthActions

NEAR = "near=40.7484|-73.9857|20|km"


class OneOfEachConfig(TestingConfig):
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    API_SEARCH_RATE_LIMIT = "1 per minute"
    API_QUESTIONNAIRE_RATE_LIMIT = "1 per minute"
    REVIEW_FLAG_RATE_LIMIT = "1 per minute"
    CONFIRM_RESEND_RATE_LIMIT = "1 per minute"


@pytest.fixture
def limited(make_app):
    return make_app(OneOfEachConfig)


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", f"/api/v1/practitioners?{NEAR}", None),
        ("post", "/api/v1/assessments", {"age": 30}),
        ("post", "/api/v1/matches", {"age": 30}),
    ],
)
def test_api_rate_limits_come_from_config(limited, method, path, body):
    client = limited.test_client()
    send = getattr(client, method)
    first = send(path, json=body) if body is not None else send(path)
    assert first.status_code != 429
    assert (send(path, json=body) if body is not None else send(path)).status_code == 429


def test_the_api_search_limit_counts_apart_from_the_questionnaires(limited):
    client = limited.test_client()
    assert client.post("/api/v1/assessments", json={"age": 30}).status_code != 429
    assert client.get(f"/api/v1/practitioners?{NEAR}").status_code == 200


def test_review_flag_limit_comes_from_config(limited):
    client = limited.test_client()
    AuthActions(limited, client).login()
    # The limit counts before the view looks the review up, so an unknown review will do.
    assert client.post("/reviews/999/flag").status_code == 404
    assert client.post("/reviews/999/flag").status_code == 429


def test_confirmation_resend_limit_comes_from_config(limited):
    client = limited.test_client()
    AuthActions(limited, client).login()
    assert client.post("/auth/confirm/resend").status_code == 302
    assert client.post("/auth/confirm/resend").status_code == 429


def test_api_page_size_is_the_search_page_size_and_at_most_the_api_cap(app, client):
    assert client.get(f"/api/v1/practitioners?{NEAR}").get_json()["per_page"] == app.config["SEARCH_PAGE_SIZE"]
    largest = app.config["API_MAX_PAGE_SIZE"]
    assert client.get(f"/api/v1/practitioners?{NEAR}&per_page={largest}").status_code == 200
    response = client.get(f"/api/v1/practitioners?{NEAR}&per_page={largest + 1}")
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == "per_page"


def test_openapi_document_gives_the_configured_bounds(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    parameters = {p["name"]: p["schema"] for p in document["paths"]["/api/v1/practitioners"]["get"]["parameters"]}
    assert parameters["per_page"]["maximum"] == app.config["API_MAX_PAGE_SIZE"] == Config.API_MAX_PAGE_SIZE
    assert parameters["per_page"]["default"] == app.config["SEARCH_PAGE_SIZE"]
    assert parameters["radius_km"]["maximum"] == app.config["SEARCH_MAX_RADIUS_KM"]
    assert parameters["radius_km"]["default"] == app.config["SEARCH_DEFAULT_RADIUS_KM"]
    assert parameters["page"]["maximum"] == app.config["SEARCH_MAX_PAGE"]


def test_search_page_refuses_a_radius_beyond_the_configured_maximum(app, client, places):
    largest = app.config["SEARCH_MAX_RADIUS_KM"]
    assert client.get(f"/search?q=10001&radius={largest}").status_code == 200
    response = client.get(f"/search?q=10001&radius={largest + 1}")
    assert response.status_code == 400
    assert f"Choose a distance from 1 to {largest}." in response.get_data(as_text=True)
