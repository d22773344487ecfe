"""The migrations build the same schema as the models, on SQLite and on PostgreSQL."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select, text

from config import TestingConfig
from directory import vocabulary
from directory.extensions import db
from directory.models import HeadacheType, Language


def _file_sqlite_config(tmp_path):
    class MigrationConfig(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'migrations.sqlite3'}"

    return MigrationConfig


def _migration_app(make_app, tmp_path):
    # In-memory SQLite would vanish between Alembic's connections: use a file there.
    if TestingConfig.SQLALCHEMY_DATABASE_URI.startswith("sqlite"):
        return make_app(_file_sqlite_config(tmp_path), reset=False)
    return make_app(reset=False)


def _empty(app):
    with app.app_context():
        db.drop_all()
        db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()


def test_migrations_match_the_models(make_app, tmp_path):
    app = _migration_app(make_app, tmp_path)
    _empty(app)
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
        # The first migration also brings the reference vocabularies.
        assert len(db.session.scalars(select(HeadacheType)).all()) == len(vocabulary.HEADACHE_TYPES)
        assert db.session.get(Language, "es").name == "Spanish"
        db.session.remove()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    _empty(app)
