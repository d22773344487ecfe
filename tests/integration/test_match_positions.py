"""Matching measures distances from the listing row it ranked, never from a profile read a moment later."""

from datetime import date

from sqlalchemy import update

from directory.extensions import db
from directory.models import TherapistProfile
from directory.services.questionnaire import clinical, matching
from tests import factories

TODAY = date(2026, 11, 22)
ANSWERS = {
    "age": 34,
    "red_flags": {flag.id: "no" for flag in clinical.RED_FLAGS},
    "preferences": {"latitude": 40.7549, "longitude": -73.9840},
}


def test_a_profile_losing_its_position_after_the_ranking_still_matches(app):
    # Another request clearing the position commits between the ranking query and the profile
    # query; a Core update, which no listing refresh follows, puts the database in that state.
    with app.app_context():
        profile = factories.make_profile(display_name="Moved away", latitude=40.7600, verified=True)
        db.session.execute(
            update(TherapistProfile).where(TherapistProfile.id == profile.id).values(latitude=None, longitude=None)
        )
        db.session.expire_all()
        result = matching.match(ANSWERS, clinical.assess(ANSWERS), today=TODAY)
        assert [m.profile.display_name for m in result.matches] == ["Moved away"]
        assert result.matches[0].distance_km < 1
