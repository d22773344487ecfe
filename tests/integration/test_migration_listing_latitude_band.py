"""Migration 0013 fills the listing's latitude band as the code works it out, on either engine."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from directory.extensions import db
from directory.services.geo.points import latitude_band
from tests import factories
from tests.integration.test_migration_open_requests import _empty, _migration_app

# South and north, on a band's edge (-33.75 and 40.75 are whole quarter degrees) and just below one.
LATITUDES = (-89.9, -33.75, -33.7500001, -0.0000001, 0.0, 40.75, 40.7499999, 64.13, 89.99)


def test_upgrade_fills_the_latitude_band_of_every_listed_profile(make_app, tmp_path):
    app = _migration_app(make_app, tmp_path)
    with app.app_context():
        _empty()
        upgrade()
        ids = {factories.make_profile(latitude=latitude, longitude=10.0).id: latitude for latitude in LATITUDES}
        db.session.remove()
        downgrade(revision="0012")  # the listing as it was: no band, the index led by latitude
        upgrade(revision="0013")
        bands = dict(db.session.execute(text("SELECT profile_id, lat_band FROM search_listing")).all())
        # By hand: floor((latitude + 90) * 4), e.g. -33.75 -> 225, just below it -> 224, 0 -> 360, 40.75 -> 523.
        assert [bands[profile_id] for profile_id in ids] == [0, 225, 224, 359, 360, 523, 522, 616, 719]
        assert bands == {profile_id: latitude_band(latitude) for profile_id, latitude in ids.items()}
        db.session.remove()
        downgrade(revision="base")
        _empty()
