"""A database connection that dies after the response was made does not turn the response into a 500."""

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session


def test_a_failing_session_close_keeps_the_response(app, client, monkeypatch):
    real_close = Session.close
    calls = []

    def close_on_a_dropped_connection(self):
        calls.append(1)
        if len(calls) == 1:
            # What psycopg raises when PostgreSQL stops under an open connection.
            raise OperationalError("ROLLBACK", {}, Exception("terminating connection due to administrator command"))
        return real_close(self)

    monkeypatch.setattr(Session, "close", close_on_a_dropped_connection)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert calls, "the session was closed at the end of the request"
    # The next request gets a working session.
    monkeypatch.setattr(Session, "close", real_close)
    assert client.get("/healthz").status_code == 200
