"""A database that cannot be reached gives the 503 page or problem document to every visitor, logged in or not."""

import socket

import pytest

from config import TestingConfig


def _closed_port() -> int:
    # A port that was free a moment ago: nothing listens there, so a connection is refused at once.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class UnopenableSQLiteConfig(TestingConfig):
    SQLALCHEMY_DATABASE_URI = "sqlite:////nonexistent-folder/for/sure/db.sqlite3"


class ClosedPostgresPortConfig(TestingConfig):
    SQLALCHEMY_DATABASE_URI = f"postgresql+psycopg://postgres@127.0.0.1:{_closed_port()}/directory?connect_timeout=2"


@pytest.fixture(
    params=[UnopenableSQLiteConfig, ClosedPostgresPortConfig], ids=["sqlite-unopenable", "postgresql-closed-port"]
)
def down_client(request, make_app, client, auth):
    """A client of an app whose database is unreachable, carrying a patient's real session cookie."""
    auth.login("patient")
    cookie = client.get_cookie("session")
    assert cookie is not None
    down = make_app(request.param, reset=False).test_client()
    down.set_cookie("session", cookie.value, domain=cookie.domain)
    return down


@pytest.mark.parametrize("path", ["/", "/account/", "/consultations/", "/search?q=10001"])
def test_logged_in_visitor_gets_the_503_page_when_the_database_is_down(down_client, path):
    response = down_client.get(path)
    page = response.get_data(as_text=True)
    assert response.status_code == 503, page[:500]
    assert "briefly unavailable" in page
    # The page cannot know who is logged in: it offers neither their links nor a login.
    assert "Log out" not in page and "Log in" not in page


def test_logged_in_visitor_gets_a_503_problem_document_from_the_api_when_the_database_is_down(down_client):
    response = down_client.get("/api/v1/practitioners?near=40.75|-73.98|10|km")
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == 503


def test_logged_in_visitor_asking_for_json_gets_a_503_problem_document(down_client):
    response = down_client.get("/account/", headers={"Accept": "application/json"})
    assert response.status_code == 503
    assert response.get_json()["title"] == "Service Unavailable"
