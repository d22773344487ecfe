"""The application factory, configuration, frame pages and health check."""

import pytest

from config import ProductionConfig, TestingConfig
from directory import create_app


def test_testing_config_is_applied(app):
    assert app.testing
    assert app.config["SECRET_KEY"] == "testing-secret"


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL"])
def test_production_refuses_to_start_without_required_settings(monkeypatch, missing):
    monkeypatch.setenv("SECRET_KEY", "s3cret-from-the-environment")
    monkeypatch.setenv("DATABASE_URL", "postgresql://db.internal/directory")
    monkeypatch.delenv(missing)
    with pytest.raises(RuntimeError, match=missing):
        create_app(ProductionConfig)


def test_production_sets_secure_cookies(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "s3cret-from-the-environment")
    monkeypatch.setenv("DATABASE_URL", "postgresql://db.internal/directory")
    monkeypatch.setenv("MAIL_BACKEND", "outbox")
    monkeypatch.setenv("RATELIMIT_SINGLE_WORKER", "true")
    app = create_app(ProductionConfig)
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["SESSION_COOKIE_HTTPONLY"]


def test_unknown_flask_config_name_is_refused(monkeypatch):
    monkeypatch.setenv("FLASK_CONFIG", "staging")
    with pytest.raises(RuntimeError, match="FLASK_CONFIG"):
        create_app()


def test_home_page_explains_dry_needling_and_carries_the_disclaimer(client):
    page = client.get("/").get_data(as_text=True)
    assert "What dry needling is, and what it is not" in page
    assert "cannot diagnose a headache" in page


def test_security_headers_are_set(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_pages_have_no_inline_script(client):
    for path in ("/", "/auth/login", "/auth/signup", "/auth/forgot"):
        page = client.get(path).get_data(as_text=True)
        assert "<script>" not in page and "onclick=" not in page, path


@pytest.mark.parametrize(
    ("path", "status", "words"),
    [("/no-such-page", 404, "Page not found"), ("/auth/logout", 405, "not possible here")],
)
def test_error_pages_are_friendly(client, path, status, words):
    response = client.get(path)
    assert response.status_code == status
    assert words in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)


def test_healthz_reports_app_and_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "app": "ok", "database": "ok"}


class UnreachableDatabaseConfig(TestingConfig):
    SQLALCHEMY_DATABASE_URI = "sqlite:////nonexistent-folder/for/sure/db.sqlite3"


def test_healthz_says_when_the_database_is_down(make_app):
    response = make_app(UnreachableDatabaseConfig, reset=False).test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unavailable"


def test_unreachable_database_gives_a_friendly_503_page(make_app):
    app = make_app(UnreachableDatabaseConfig, reset=False)

    @app.route("/needs-db")
    def needs_db():
        from sqlalchemy import text

        from directory.extensions import db

        db.session.execute(text("SELECT 1"))
        return "unreachable"

    response = app.test_client().get("/needs-db")
    assert response.status_code == 503
    assert "briefly unavailable" in response.get_data(as_text=True)


def test_internal_error_gives_the_500_page_without_a_traceback(make_app):
    app = make_app()
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.route("/boom")
    def boom():
        raise ZeroDivisionError("boom")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.get_data(as_text=True)
    assert "ZeroDivisionError" not in response.get_data(as_text=True)


def test_a_nul_character_in_a_path_is_a_400(client):
    # PostgreSQL cannot take a NUL in text: without the guard it reaches the database as an error.
    response = client.get("/practitioners/a%00b")
    assert response.status_code == 400
    assert "NUL character" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("path", "field", "value"),
    [("/search", "insurance", "aet\x00na"), ("/search", "q", "New\x00York")],
)
def test_a_nul_character_in_a_form_field_is_refused_beside_the_field_keeping_the_rest(
    client, places, path, field, value
):
    response = client.get(path, query_string={"q": "10001", "radius": "30", field: value})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'id="{field}-error"' in page and "Remove the invisible control characters from this text." in page
    assert 'value="30"' in page


def test_a_nul_character_in_a_posted_form_is_refused_before_any_lookup(client):
    response = client.post(
        "/auth/signup",
        data={
            "role": "patient",
            "email": "nul\x00@example.com",
            "name": "A\x00na",
            "password": "x" * 12,
            "confirm": "x" * 12,
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert page.count("Remove the invisible control characters from this text.") == 2


def test_a_nul_character_in_an_api_request_is_a_problem_document(client):
    response = client.get("/api/v1/practitioners?location=New%00York")
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert "NUL character" in response.get_json()["detail"]
    posted = client.post("/api/v1/assessments", json={"age": 30, "notes": ["fine", {"deep": "a\x00"}]})
    assert posted.status_code == 400 and "NUL character" in posted.get_json()["detail"]


def test_text_without_nul_characters_passes_the_guard(client, places):
    assert client.get("/search?q=10001&insurance=A%C3%A9tna%20%F0%9F%98%80").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/practitioners/99999999999999999999999",
        "/api/v1/practitioners/2147483648",
        "/admin/users/99999999999999999999",
    ],
)
def test_an_id_too_large_for_the_database_is_a_404(client, path):
    assert client.get(path).status_code == 404
