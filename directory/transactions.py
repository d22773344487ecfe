"""How a request's transaction ends: COMMIT when it only read, ROLLBACK otherwise.

Every request used to end its transaction with the session's ROLLBACK. On PostgreSQL that throws
away more than the transaction: psycopg 3 forgets every statement it prepared on the connection
whenever a ROLLBACK is sent (psycopg/_connection_base.py, ``_rollback_gen`` clears ``_prepared``;
a ROLLBACK would undo a PREPARE made inside the transaction, so psycopg cannot keep them). No
statement then lived long enough to be prepared (psycopg prepares a query the fifth time it runs,
``prepare_threshold``), and PostgreSQL planned every query of every page afresh: a profile page's
statement took 0.56 ms to plan and 0.07 ms to run. A COMMIT keeps them.

For a transaction that ran nothing but SELECTs, COMMIT and ROLLBACK are the same to the database:
there is nothing to undo, and both release the same snapshot and locks. So a request that ended
without an error and whose transaction only read is committed; any other statement (an INSERT,
UPDATE, DELETE, SAVEPOINT, a WITH that might write) or an error keeps the ROLLBACK, so nothing a
request left uncommitted is ever saved by this. The check is on the SQL sent, not on the ORM's
state, so it also covers statements run outside a flush.
"""

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, SessionTransaction

WROTE = "directory_transaction_wrote"
CONNECTION = "directory_transaction_connection"


@event.listens_for(Engine, "begin")
def _transaction_begins(conn: Connection) -> None:
    conn.info[WROTE] = False


@event.listens_for(Engine, "before_cursor_execute")
def _note_writes(conn: Connection, cursor, statement: str, parameters, context, executemany) -> None:
    if statement.lstrip()[:6].upper() != "SELECT":
        conn.info[WROTE] = True


@event.listens_for(Session, "after_begin")
def _remember_connection(session: Session, transaction: SessionTransaction, connection: Connection) -> None:
    session.info[CONNECTION] = connection


@event.listens_for(Session, "after_transaction_end")
def _forget_connection(session: Session, transaction: SessionTransaction) -> None:
    session.info.pop(CONNECTION, None)


def only_read(session: Session) -> bool:
    """Whether the session holds a transaction on a connection that has run nothing but SELECTs."""
    connection = session.info.get(CONNECTION)
    return connection is not None and not connection.info.get(WROTE, True)


def end_request_transaction(session: Session, error: BaseException | None) -> None:
    """Commit a transaction that only read when the request went well; the caller's close rolls back the rest."""
    if error is None and only_read(session):
        session.commit()
