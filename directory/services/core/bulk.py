"""Fast bulk inserts for loaders and seeders: COPY on PostgreSQL, executemany elsewhere."""

from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session, scoped_session

from directory.extensions import Model, db

BATCH = 5000


def table_of(model: type[Model]) -> Table:
    """The table a model is mapped to; raises TypeError for one mapped to a join or a select."""
    # Declarative typing gives __table__ as any FromClause; a model with its own table has a Table.
    table = model.__table__
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not mapped to a table")
    return table


def bulk_insert(target: type[Model] | Table, rows: list[dict[str, Any]], session: Session | None = None) -> None:
    """Insert many rows of one shape into a model's table (adds to the session's transaction).

    Raises TypeError for a model not mapped to a table, and RuntimeError when the session's
    connection has no live database connection under it.
    """
    if not rows:
        return
    active: Session | scoped_session[Any] = session or db.session
    table = target if isinstance(target, Table) else table_of(target)
    connection = active.connection()
    if connection.dialect.name == "postgresql":
        columns = list(rows[0])
        quoted = ", ".join(f'"{column}"' for column in columns)
        driver_connection = connection.connection.driver_connection
        if driver_connection is None:
            raise RuntimeError("the session's connection was closed before the COPY")
        # Through the session's own connection, so the rows join its transaction.
        with driver_connection.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([row[column] for column in columns])
        return
    for start in range(0, len(rows), BATCH):
        active.execute(insert(table), rows[start : start + BATCH])
