"""A request's transaction ends in COMMIT when it only read, and in ROLLBACK otherwise (directory/transactions.py)."""

import pytest
from sqlalchemy import event, func, select, text, update

from config import TestingConfig
from directory.extensions import db
from directory.models import User
from tests import factories


@pytest.fixture
def endings(app):
    """The list of transaction endings ("commit", "rollback") the app's engine sends, in order."""
    seen: list[str] = []
    with app.app_context():
        engine = db.engine
    listeners = {"commit": lambda conn: seen.append("commit"), "rollback": lambda conn: seen.append("rollback")}
    for name, listener in listeners.items():
        event.listen(engine, name, listener)
    yield seen
    for name, listener in listeners.items():
        event.remove(engine, name, listener)


def count_users(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


def test_a_context_that_only_read_commits(app, endings):
    with app.app_context():
        db.session.scalar(select(func.count()).select_from(User))
    assert endings == ["commit"]


def test_a_flushed_change_nobody_committed_is_rolled_back_not_saved(app, endings):
    with app.app_context():
        db.session.scalar(select(func.count()).select_from(User))
        db.session.add(User(email="left@example.com", password_hash="x", role="patient"))
        db.session.flush()
    assert endings == ["rollback"]
    assert count_users(app) == 0


def test_a_statement_run_outside_the_orm_flush_counts_as_a_write(app, endings):
    with app.app_context():
        factories.make_user(email="kept@example.com")
    endings.clear()
    with app.app_context():
        db.session.execute(update(User).values(name="Changed"))
    assert endings == ["rollback"]
    with app.app_context():
        assert db.session.scalar(select(User.name)) is None


def test_a_savepoint_counts_as_a_write(app, endings):
    with app.app_context(), db.session.begin_nested():
        db.session.scalar(select(func.count()).select_from(User))
    assert endings == ["rollback"]


def test_an_error_rolls_back_even_a_read(app, endings):
    with pytest.raises(RuntimeError), app.app_context():
        db.session.scalar(select(func.count()).select_from(User))
        raise RuntimeError("the view failed")
    assert endings == ["rollback"]


def test_reads_after_a_commit_end_in_a_commit_of_their_own(app, endings):
    with app.app_context():
        factories.make_user()
        db.session.scalar(select(func.count()).select_from(User))
    assert endings == ["commit", "commit"]


def test_a_context_that_never_touched_the_database_sends_nothing(app, endings):
    with app.app_context():
        pass
    assert endings == []


def test_a_public_page_ends_in_one_commit_and_so_does_a_login(app, client, endings):
    with app.app_context():
        profile = factories.make_profile(verified=True)
        slug = profile.slug
        user = factories.make_user()
        email = user.email
    client.get("/")  # the first request of a while also runs the housekeeping, which commits its own purge
    endings.clear()
    assert client.get(f"/practitioners/{slug}").status_code == 200
    assert endings == ["commit"]
    endings.clear()
    assert client.post("/auth/login", data={"email": email, "password": factories.PASSWORD}).status_code == 302
    assert endings == ["commit"]  # the login's own commit; its teardown finds no transaction left to end


@pytest.mark.skipif(
    not TestingConfig.SQLALCHEMY_DATABASE_URI.startswith("postgresql"),
    reason="psycopg's prepared statements exist only on PostgreSQL",
)
def test_postgresql_keeps_a_page_statements_prepared_from_one_request_to_the_next(app, client):
    with app.app_context():
        slug = factories.make_profile(verified=True).slug
    for _ in range(8):  # psycopg prepares a statement the fifth time it runs (prepare_threshold)
        assert client.get(f"/practitioners/{slug}").status_code == 200
    with app.app_context():
        prepared = db.session.scalar(text("SELECT count(*) FROM pg_prepared_statements"))
    assert prepared >= 2  # the profile statement and the reviews statement
