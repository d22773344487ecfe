"""Migration 0006 fills the listing's new fee_max from the profiles already listed."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from directory.extensions import db
from tests import factories
from tests.integration.test_migration_open_requests import _empty, _migration_app


def test_upgrade_fills_the_top_fee_of_every_listed_profile(make_app, tmp_path):
    app = _migration_app(make_app, tmp_path)
    with app.app_context():
        _empty()
        upgrade()
        ranged = factories.make_profile(fee_min=130, fee_max=180).id
        single = factories.make_profile(fee_min=150).id
        unknown = factories.make_profile().id
        db.session.remove()
        downgrade(revision="0004")  # the listing as it was: no fee_max
        upgrade(revision="0006")
        tops = dict(db.session.execute(text("SELECT profile_id, fee_max FROM search_listing")).all())
        assert tops == {ranged: 180, single: 150, unknown: None}
        db.session.remove()
        downgrade(revision="base")
        _empty()
