"""The flask commands: places, demo data, admins."""

import itertools
import re
from datetime import UTC, datetime

from sqlalchemy import func, select

from directory.extensions import db
from directory.models import (
    Certification,
    ConsultationRequest,
    Place,
    Review,
    Role,
    TherapistProfile,
    User,
)
from directory.services.core.accounts import authenticate
from directory.services.geo.points import Point, distance_km
from tests import factories
from tests.conftest import reset_database

DEMO_CITIES = [
    ("New York", "NY", "US", 40.7128, -74.006, 8_000_000),
    ("Boulder", "CO", "US", 40.015, -105.27, 105_000),
    ("London", "ENG", "GB", 51.5072, -0.1276, 8_900_000),
    ("Toronto", "08", "CA", 43.6532, -79.3832, 2_700_000),
    ("Sydney", "02", "AU", -33.8688, 151.2093, 5_000_000),
    ("Madrid", "29", "ES", 40.4168, -3.7038, 3_200_000),
    ("Berlin", "16", "DE", 52.52, 13.405, 3_600_000),
]


def add_demo_cities(app):
    with app.app_context():
        for name, region, country, lat, lon, population in DEMO_CITIES:
            db.session.add(
                Place(
                    kind="city",
                    name=name,
                    search_key=name.lower(),
                    region=region,
                    country=country,
                    latitude=lat,
                    longitude=lon,
                    population=population,
                )
            )
        db.session.commit()


def count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_places_load_fills_the_gazetteer_and_is_idempotent(app, runner):
    first = runner.invoke(args=["places", "load"])
    assert first.exit_code == 0, first.output
    assert "US ZIP codes" in first.output
    loaded = count(app, Place)
    assert loaded > 100_000
    second = runner.invoke(args=["places", "load"])
    assert second.exit_code == 0
    assert count(app, Place) == loaded
    with app.app_context():
        boulder_zip = db.session.scalar(select(Place).where(Place.postal_code == "80302"))
        assert (boulder_zip.name, boulder_zip.region, boulder_zip.country) == ("Boulder", "CO", "US")
        zurich = db.session.scalar(select(Place).where(Place.search_key == "zurich", Place.country == "CH"))
        assert zurich.population > 300_000
    skipped = runner.invoke(args=["places", "load", "--if-empty"])
    assert "already loaded" in skipped.output


def test_seed_demo_needs_places(app, runner):
    result = runner.invoke(args=["seed-demo", "--practitioners", "5"])
    assert result.exit_code != 0
    assert "places load" in result.output


def test_seed_demo_makes_a_full_data_set(app, runner):
    add_demo_cities(app)
    result = runner.invoke(args=["seed-demo", "--practitioners", "200", "--seed", "7"])
    assert result.exit_code == 0, result.output
    assert count(app, TherapistProfile) == 200
    with app.app_context():
        statuses = set(db.session.scalars(select(Certification.status)))
        assert statuses == {"verified", "pending", "rejected", "expired"}
        countries = set(db.session.scalars(select(TherapistProfile.country)))
        assert {"US", "GB"} <= countries
        assert db.session.scalar(select(func.count()).select_from(Review)) > 0
        # Every review stands on a completed consultation between the same two people.
        for review in db.session.scalars(select(Review)):
            consultation = db.session.get(ConsultationRequest, review.consultation_id)
            assert consultation.status == "completed"
            assert (consultation.patient_id, consultation.profile_id) == (review.author_id, review.profile_id)
        # The rating figures kept on the profile agree with the reviews.
        for profile in db.session.scalars(select(TherapistProfile)):
            ratings = db.session.scalars(select(Review.rating).where(Review.profile_id == profile.id)).all()
            assert (profile.review_count, profile.rating_total) == (len(ratings), sum(ratings))
        # An accepted request carries a time still to come, in words of the practice's zone.
        accepted = db.session.scalars(select(ConsultationRequest).where(ConsultationRequest.status == "accepted")).all()
        assert accepted
        for consultation in accepted:
            assert consultation.proposed_at > datetime.now(UTC)
            assert consultation.proposed_time.endswith(" time)") and ":00 (" in consultation.proposed_time
        assert authenticate("therapist@demo.example", "calm-needles-2026").role == Role.THERAPIST
        assert authenticate("patient@demo.example", "calm-needles-2026").role == Role.PATIENT
        assert db.session.scalar(select(func.count()).where(User.role == Role.ADMIN)) == 0
        # What a visitor sees looks real: local phone formats, no review text twice on one profile, and
        # the reviews' words fit their stars.
        prefixes = {"US": "+1 ", "CA": "+1 ", "GB": "+44 ", "AU": "+61 ", "ES": "+34 ", "DE": "+49 "}
        for country, phone, street in db.session.execute(
            select(TherapistProfile.country, TherapistProfile.phone, TherapistProfile.street)
        ):
            assert phone.startswith(prefixes[country]), (country, phone)
            if country in ("US", "CA"):
                assert re.fullmatch(r"\+1 \d{3} 555 01\d\d", phone)
            if country == "DE":
                assert re.fullmatch(r"\D+ \d+", street)
        for profile_id, texts in itertools.groupby(
            db.session.execute(select(Review.profile_id, Review.text).order_by(Review.profile_id)), key=lambda r: r[0]
        ):
            texts = [text for _, text in texts]
            assert len(texts) == len(set(texts)), profile_id
        low = db.session.scalars(select(Review.text).where(Review.rating <= 2)).all()
        assert low and not any(text.startswith("Very thorough") for text in low)
        # The town in the address is the one on the map: a practice lies within 5 km of its city's point, 1.5 km
        # of a town's (under a million people). Long Island City's point is 4.1 km from ZIP 10001's, so a demo
        # practice there is at least 2.6 km from 10001 (it once showed "under 1 km away").
        cities = {(name, region): (lat, lon, population) for name, region, _, lat, lon, population in DEMO_CITIES}
        for city, region, latitude, longitude in db.session.execute(
            select(
                TherapistProfile.city, TherapistProfile.region, TherapistProfile.latitude, TherapistProfile.longitude
            )
        ):
            lat, lon, population = cities[(city, region)]
            limit = 5.0 if population > 1_000_000 else 1.5
            assert distance_km(Point(lat, lon), Point(latitude, longitude)) <= limit + 0.01, (city, latitude, longitude)


def _snapshot(app):
    with app.app_context():
        return db.session.execute(
            select(
                TherapistProfile.display_name,
                TherapistProfile.latitude,
                TherapistProfile.fee_min,
                TherapistProfile.review_count,
            ).order_by(TherapistProfile.id)
        ).all()


def test_seed_demo_is_deterministic(app, runner):
    snapshots = []
    for seed in (3, 3, 4):
        with app.app_context():
            reset_database()
        add_demo_cities(app)
        assert runner.invoke(args=["seed-demo", "--practitioners", "50", "--seed", str(seed)]).exit_code == 0
        snapshots.append(_snapshot(app))
    assert snapshots[0] == snapshots[1]
    assert snapshots[0] != snapshots[2]


def test_seed_demo_refuses_a_directory_with_data_and_skips_with_if_empty(app, runner):
    add_demo_cities(app)
    with app.app_context():
        factories.make_user()
    refused = runner.invoke(args=["seed-demo", "--practitioners", "5"])
    assert refused.exit_code != 0 and "empty" in refused.output
    skipped = runner.invoke(args=["seed-demo", "--practitioners", "5", "--if-empty"])
    assert skipped.exit_code == 0 and count(app, TherapistProfile) == 0


def test_create_admin(app, runner):
    result = runner.invoke(
        args=["create-admin", "--email", "Boss@Example.com", "--password", "a-sturdy-admin-passphrase"]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        admin = authenticate("boss@example.com", "a-sturdy-admin-passphrase")
        assert admin.role == Role.ADMIN and admin.email_confirmed


def test_create_admin_prompts_for_the_password(app, runner):
    result = runner.invoke(
        args=["create-admin", "--email", "prompted@example.com"],
        input="a-sturdy-admin-passphrase\na-sturdy-admin-passphrase\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert authenticate("prompted@example.com", "a-sturdy-admin-passphrase").is_admin


def test_create_admin_refuses_a_weak_password_and_a_taken_address(app, runner):
    weak = runner.invoke(args=["create-admin", "--email", "a@example.com", "--password", "password123"])
    assert weak.exit_code != 0 and "too common" in weak.output
    runner.invoke(args=["create-admin", "--email", "a@example.com", "--password", "a-sturdy-admin-passphrase"])
    taken = runner.invoke(args=["create-admin", "--email", "a@example.com", "--password", "a-sturdy-admin-passphrase"])
    assert taken.exit_code != 0 and "already exists" in taken.output
    again = runner.invoke(
        args=["create-admin", "--if-missing", "--email", "a@example.com", "--password", "a-sturdy-admin-passphrase"]
    )
    assert again.exit_code == 0
