"""Migration 0003 resolves the duplicate open requests already saved before it adds the unique index."""

from contextlib import contextmanager

from alembic.script import ScriptDirectory
from flask import current_app
from flask_migrate import downgrade, upgrade
from sqlalchemy import event, select, text
from sqlalchemy.orm import Session

from config import TestingConfig
from directory.extensions import db
from directory.models import ConsultationRequest, Role, utcnow
from directory.services.search import listing
from tests import factories

REVISION = "0003"


def _migration_app(make_app, tmp_path):
    # In-memory SQLite would vanish between Alembic's connections: use a file there.
    if TestingConfig.SQLALCHEMY_DATABASE_URI.startswith("sqlite"):

        class MigrationConfig(TestingConfig):
            SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'migrations.sqlite3'}"

        return make_app(MigrationConfig, reset=False)
    return make_app(reset=False)


@contextmanager
def _without_listing_refresh():
    """The listing hook writes today's listing columns, which the old schema does not have yet."""
    event.remove(Session, "after_flush", listing._refresh_after_flush)
    try:
        yield
    finally:
        event.listen(Session, "after_flush", listing._refresh_after_flush)


def _empty():
    db.drop_all()
    db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
    db.session.commit()


def test_upgrade_keeps_the_accepted_or_oldest_open_request_and_cancels_the_others(make_app, tmp_path):
    app = _migration_app(make_app, tmp_path)
    with app.app_context():
        _empty()
        config = current_app.extensions["migrate"].migrate.get_config()
        # The people are made with today's models (at the head), then the schema goes back to before 0003.
        upgrade()
        with _without_listing_refresh():
            profile = factories.make_profile()
            patients = [factories.make_user(Role.PATIENT) for _ in range(4)]
        db.session.commit()
        profile_id, patient_ids = profile.id, [patient.id for patient in patients]
        db.session.remove()
        downgrade(revision=ScriptDirectory.from_config(config).get_revision(REVISION).down_revision)
        statuses = [
            (patient_ids[0], "requested"),
            (patient_ids[0], "requested"),
            (patient_ids[1], "requested"),
            (patient_ids[1], "accepted"),
            (patient_ids[1], "requested"),
            (patient_ids[2], "declined"),
            (patient_ids[2], "requested"),
            (patient_ids[3], "requested"),
        ]
        # Rows as the schema of that revision holds them (the model has gained columns since).
        now = utcnow()
        for patient_id, status in statuses:
            db.session.execute(
                text(
                    "INSERT INTO consultation_request (patient_id, profile_id, mode, status, created_at, updated_at)"
                    " VALUES (:patient, :profile, 'in_person', :status, :now, :now)"
                ),
                {"patient": patient_id, "profile": profile_id, "status": status, "now": now},
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
