"""The SQL statements the app sends, for tests that count or inspect them."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, event

from directory.extensions import db


@contextmanager
def sent_statements(containing: str = "", engine: Engine | None = None) -> Iterator[list[str]]:
    """The statements sent on the engine while inside, those with `containing` in them (all by default).

    Without an engine, the current app's (inside an app context); the list fills as statements go out.
    """
    sent: list[str] = []
    engine = engine or db.engine

    def collect(conn, cursor, statement, *args):
        if containing in statement:
            sent.append(statement)

    event.listen(engine, "before_cursor_execute", collect)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", collect)
