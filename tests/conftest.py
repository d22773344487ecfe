"""Fixtures shared by the unit and integration tests."""

import re
import shutil
import socket
import subprocess
import time

import pytest
import redis
from sqlalchemy import select, text

from config import TestingConfig
from directory import create_app
from directory.extensions import db
from directory.models import OutboxMessage, Place, User
from directory.services.core.vocabularies import sync_vocabularies
from tests import factories


def pytest_collection_modifyitems(config, items):
    # Everything under tests/e2e drives a browser: mark it so `-m e2e` selects it.
    for item in items:
        if "/e2e/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.e2e)


def reset_database() -> None:
    """A fresh, empty schema with the vocabularies, on SQLite or PostgreSQL."""
    if db.engine.dialect.name == "sqlite":
        db.drop_all()
    db.create_all()
    if db.engine.dialect.name == "postgresql":
        tables = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
        db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.session.commit()
    sync_vocabularies()


def _close(app) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def make_app():
    """make_app(config_class) -> an app with a fresh schema, closed again after the test."""
    made = []

    def make(config_class=TestingConfig, reset: bool = True):
        app = create_app(config_class)
        made.append(app)
        if reset:
            with app.app_context():
                reset_database()
        return app

    yield make
    for app in made:
        _close(app)


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    """Log users in and out through the real login form."""

    def __init__(self, app, client):
        self._app = app
        self._client = client

    def login(self, role: str = "patient", email: str | None = None, **user_fields) -> int:
        """Create a user with this role (unless the email exists) and log in; returns the user id."""
        with self._app.app_context():
            user = db.session.scalar(select(User).where(User.email == email)) if email else None
            if user is None:
                user = factories.make_user(role=role, email=email, **user_fields)
            user_id, address = user.id, user.email
        response = self._client.post("/auth/login", data={"email": address, "password": factories.PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        return user_id

    def logout(self):
        return self._client.post("/auth/logout")


@pytest.fixture
def auth(app, client):
    return AuthActions(app, client)


@pytest.fixture
def outbox(app):
    """Read the mail the outbox backend kept: outbox() -> list of messages, outbox.link(i) -> first URL."""

    class Outbox:
        def __call__(self):
            with app.app_context():
                messages = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
                db.session.expunge_all()
                return messages

        def last_link(self, recipient: str) -> str:
            messages = [m for m in self() if m.recipient == recipient]
            assert messages, f"no mail to {recipient}"
            return re.search(r"https?://\S+", messages[-1].body).group(0)

    return Outbox()


@pytest.fixture
def places(app):
    """A few gazetteer rows: New York with ZIP 10001, and three Springfields of similar size."""
    with app.app_context():
        rows = [
            ("city", "New York", "new york", None, "NY", "US", 40.7128, -74.0060, 8_000_000),
            ("postal_code", "New York", "new york", "10001", "NY", "US", 40.7506, -73.9972, 0),
            ("city", "Springfield", "springfield", None, "IL", "US", 39.8017, -89.6437, 114_000),
            ("city", "Springfield", "springfield", None, "MA", "US", 42.1015, -72.5898, 154_000),
            ("city", "Springfield", "springfield", None, "MO", "US", 37.2153, -93.2982, 170_000),
        ]
        for kind, name, key, postal, region, country, lat, lon, population in rows:
            db.session.add(
                Place(
                    kind=kind,
                    name=name,
                    search_key=key,
                    postal_code=postal,
                    region=region,
                    country=country,
                    latitude=lat,
                    longitude=lon,
                    population=population,
                )
            )
        db.session.commit()


def free_port() -> int:
    """A local TCP port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    """A throw-away redis-server on a free local port for this test session; yields its URL."""
    program = shutil.which("redis-server")
    if program is None:
        pytest.fail("redis-server is missing: run bin/system-deps")
    port = free_port()
    workdir = tmp_path_factory.mktemp("redis")
    server = subprocess.Popen(
        [
            program,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis.from_url(url).ping()
                break
            except redis.ConnectionError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"redis-server did not start on port {port}")
                time.sleep(0.05)
        yield url
    finally:
        server.terminate()
        server.wait(10)


@pytest.fixture
def redis_url(redis_server):
    """The session's Redis, emptied for this test."""
    redis.Redis.from_url(redis_server).flushdb()
    return redis_server
