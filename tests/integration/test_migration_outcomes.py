"""Migration 0010 adds the outcome tables beside the data already there, and takes them away again."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from directory.extensions import db
from tests import factories
from tests.integration.test_migration_open_requests import _empty, _migration_app

OUTCOME_TABLES = {"outcome_consent", "outcome_result", "outcome_stratum", "outcome_summary"}


def test_upgrade_adds_the_outcome_tables_and_downgrade_removes_only_them(make_app, tmp_path):
    app = _migration_app(make_app, tmp_path)
    with app.app_context():
        _empty()
        upgrade(revision="0009")
        assert not OUTCOME_TABLES & set(inspect(db.engine).get_table_names())
        db.session.remove()
        upgrade(revision="0010")
        assert set(inspect(db.engine).get_table_names()) >= OUTCOME_TABLES
        upgrade()  # the rows are made with today's models
        profile = factories.make_profile()
        patient = factories.make_user()
        factories.make_completed_consultation(patient, profile)
        db.session.add(factories.OutcomeConsent(patient_id=patient.id, profile_id=profile.id))
        db.session.commit()
        assert db.session.execute(text("SELECT count(*) FROM outcome_consent")).scalar() == 1
        db.session.remove()
        downgrade(revision="0009")
        assert not OUTCOME_TABLES & set(inspect(db.engine).get_table_names())
        assert db.session.execute(text("SELECT count(*) FROM consultation_request")).scalar() == 1
        db.session.remove()
        downgrade(revision="base")
        _empty()
