"""Fast bulk inserts for loaders and seeders: COPY on PostgreSQL, executemany elsewhere."""
from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from directory.extensions import db

BATCH = 5000


def bulk_insert(target, rows: list[dict], session: Session | None = None) -> None:
    """Insert many rows of one shape into a model's table (adds to the session's transaction)."""
    if not rows:
        return
    session = session or db.session
    table: Table = getattr(target, "__table__", target)
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        columns = list(rows[0])
        quoted = ", ".join(f'"{column}"' for column in columns)
        # Through the session's own connection, so the rows join its transaction.
        with connection.connection.driver_connection.cursor() as cursor:
            with cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row([row[column] for column in columns])
        return
    for start in range(0, len(rows), BATCH):
        session.execute(insert(table), rows[start : start + BATCH])
