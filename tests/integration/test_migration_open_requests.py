"""Migration 0003 resolves the duplicate open requests already saved before it adds the unique index."""

from alembic.script import ScriptDirectory
from flask import current_app
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from config import TestingConfig
from directory.extensions import db
from directory.models import ConsultationRequest, Role
from tests import factories

REVISION = "0003"


def _migration_app(make_app, tmp_path):
    # In-memory SQLite would vanish between Alembic's connections: use a file there.
    if TestingConfig.SQLALCHEMY_DATABASE_URI.startswith("sqlite"):

        class MigrationConfig(TestingConfig):
            SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'migrations.sqlite3'}"

        return make_app(MigrationConfig, reset=False)
    return make_app(reset=False)


def _empty():
    db.drop_all()
    db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
    db.session.commit()


def test_upgrade_keeps_the_accepted_or_oldest_open_request_and_cancels_the_others(make_app, tmp_path):
    app = _migration_app(make_app, tmp_path)
    with app.app_context():
        _empty()
        config = current_app.extensions["migrate"].migrate.get_config()
        upgrade(revision=ScriptDirectory.from_config(config).get_revision(REVISION).down_revision)
        profile = factories.make_profile()
        patients = [factories.make_user(Role.PATIENT) for _ in range(4)]
        statuses = [
            (patients[0], "requested"),
            (patients[0], "requested"),
            (patients[1], "requested"),
            (patients[1], "accepted"),
            (patients[1], "requested"),
            (patients[2], "declined"),
            (patients[2], "requested"),
            (patients[3], "requested"),
        ]
        for patient, status in statuses:
            db.session.add(
                ConsultationRequest(patient_id=patient.id, profile_id=profile.id, mode="in_person", status=status)
            )
        db.session.commit()
        upgrade()
        after = db.session.scalars(select(ConsultationRequest.status).order_by(ConsultationRequest.id)).all()
        assert after == [
            "requested",
            "cancelled",
            "cancelled",
            "accepted",
            "cancelled",
            "declined",
            "requested",
            "requested",
        ]
        db.session.remove()
        downgrade(revision="base")
        _empty()
