"""Serve the real app over HTTP so that tests can send requests at the same instant.

`served_app` runs the application in a threaded werkzeug server on 127.0.0.1, against a
database that every connection shares: a temporary SQLite file (WAL, busy_timeout: see
create_app), or on PostgreSQL the DATABASE_URL bin/with-postgres sets. Each `HttpClient` is
one visitor with its own cookies; the `race` fixture, race(*calls), runs each call in its own thread, released
together by a barrier, and returns their results in order. A race test repeats a few rounds
(fresh records each round) and then checks the database, not only the responses:

    def test_x(served_app, race):
        patient = served_app.login(email)             # an HttpClient with a session
        responses = race(lambda: patient.post(...), lambda: patient.post(...))
        with served_app.app.app_context(): ...        # what was stored
"""

import http.cookiejar
import threading
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from config import TestingConfig
from tests import factories

RACE_TIMEOUT_SECONDS = 60


@dataclass(frozen=True)
class Response:
    """What a visitor got back: the status, the body as text, and where a redirect points."""

    status: int
    text: str
    location: str | None


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    # A race test wants the 302 itself: following it would hide which request succeeded.
    def redirect_request(self, *args, **kwargs):
        return None


class HttpClient:
    """One visitor talking HTTP to the served app: its own cookie jar, redirects not followed."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _KeepRedirects()
        )

    def get(self, path: str) -> Response:
        """GET a path of the served app."""
        return self._send(urllib.request.Request(self.base_url + path))

    def post(self, path: str, data: dict) -> Response:
        """POST a form (lists become repeated fields) to a path of the served app."""
        body = urllib.parse.urlencode(data, doseq=True).encode()
        return self._send(urllib.request.Request(self.base_url + path, data=body, method="POST"))

    def _send(self, request: urllib.request.Request) -> Response:
        try:
            with self._opener.open(request, timeout=RACE_TIMEOUT_SECONDS) as reply:
                return Response(reply.status, reply.read().decode(), reply.headers.get("Location"))
        except urllib.error.HTTPError as error:  # 3xx (not followed), 4xx and 5xx
            with error:
                return Response(error.code, error.read().decode(), error.headers.get("Location"))


class _QuietHandler(WSGIRequestHandler):
    # One line per request would bury a failing test's output; errors are still logged.
    def log_request(self, *args, **kwargs):
        pass


class ServedApp:
    """The app served on 127.0.0.1 (see the module docstring); `app` is for setup and checks in an app context."""

    def __init__(self, app, base_url: str):
        self.app = app
        self.base_url = base_url

    def client(self) -> HttpClient:
        """A new visitor, not logged in."""
        return HttpClient(self.base_url)

    def login(self, email: str) -> HttpClient:
        """A new visitor logged in, through the real login form, as the user with this email."""
        visitor = self.client()
        response = visitor.post("/auth/login", {"email": email, "password": factories.PASSWORD})
        assert response.status == 302, response.text
        return visitor


def _shared_database_config(tmp_path) -> type[TestingConfig]:
    class SharedDatabaseConfig(TestingConfig):
        """Tests with a served app: every connection, in every thread, sees the same database."""

        if TestingConfig.SQLALCHEMY_DATABASE_URI.startswith("sqlite"):
            # An in-memory database is one per connection: a file is shared.
            SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'served.sqlite3'}"

    return SharedDatabaseConfig


@pytest.fixture
def served_app(make_app, tmp_path):
    """The real app over HTTP in a threaded server, with a fresh schema; stopped after the test."""
    app = make_app(_shared_database_config(tmp_path))
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="served-app", daemon=True)
    thread.start()
    try:
        yield ServedApp(app, f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(timeout=RACE_TIMEOUT_SECONDS)
        server.server_close()


def run_together(*calls):
    """Run each call in its own thread, all released at the same instant by a barrier; returns their results in order.

    An exception in any call is raised here once every thread has finished.
    """
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)
    errors: list[BaseException] = []

    def run(index, call):
        try:
            barrier.wait(timeout=RACE_TIMEOUT_SECONDS)
            results[index] = call()
        except BaseException as error:  # handed to the test's thread below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i, call), name=f"racer-{i}") for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=RACE_TIMEOUT_SECONDS)
    assert not any(thread.is_alive() for thread in threads), "a racer did not finish in time"
    if errors:
        raise errors[0]
    return results


@pytest.fixture
def race():
    """race(*calls) -> their results: each call in its own thread, released at the same instant (run_together)."""
    return run_together
