"""The site-wide mean rating (C) and its short cache, and a profile's rating summary."""

import re
from types import SimpleNamespace

import pytest

from config import TestingConfig
from directory.services.search import ratings
from tests import factories


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self):
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(ratings, "time", SimpleNamespace(monotonic=clock.monotonic))
    monkeypatch.setattr(ratings, "_mean_cache", {})
    return clock


def test_the_site_mean_is_neutral_before_any_profile_or_review(app, clock):
    with app.app_context():
        assert ratings.site_mean_rating() == 3.0
        factories.make_profile()
        assert ratings.site_mean_rating() == 3.0


def test_the_site_mean_is_every_rating_s_mean_across_profiles(app, clock):
    with app.app_context():
        factories.make_profile(review_count=2, rating_total=9)
        factories.make_profile(review_count=2, rating_total=3)
        assert ratings.site_mean_rating() == 3.0  # 12 / 4
        factories.make_profile(review_count=4, rating_total=20)
        assert ratings.site_mean_rating() == 4.0  # 32 / 8: no cache in tests (RATING_MEAN_CACHE_SECONDS = 0)


def test_the_site_mean_is_cached_for_the_configured_seconds(app, clock):
    app.config["RATING_MEAN_CACHE_SECONDS"] = 300
    with app.app_context():
        factories.make_profile(review_count=1, rating_total=5)
        assert ratings.site_mean_rating() == 5.0
        factories.make_profile(review_count=1, rating_total=1)  # the mean is now (5 + 1) / 2 = 3.0
        clock.now += 299.5
        assert ratings.site_mean_rating() == 5.0  # the cached value
        clock.now += 0.5
        assert ratings.site_mean_rating() == 3.0  # 300 s on: read again, and cached from now
        factories.make_profile(review_count=2, rating_total=9)  # (6 + 9) / 4 = 3.75
        clock.now += 299.9
        assert ratings.site_mean_rating() == 3.0
        clock.now += 0.1
        assert ratings.site_mean_rating() == 3.75


def test_without_a_cache_time_every_call_reads_the_database(app, clock):
    app.config["RATING_MEAN_CACHE_SECONDS"] = 0
    with app.app_context():
        factories.make_profile(review_count=1, rating_total=5)
        assert ratings.site_mean_rating() == 5.0
        factories.make_profile(review_count=1, rating_total=2)
        assert ratings.site_mean_rating() == 3.5  # same instant, no cache


def test_summary_counts_the_visible_reviews_by_stars(app, clock):
    with app.app_context():
        other = factories.make_profile()
        factories.make_review(other, rating=1)  # another profile's review: only in the site mean
        profile = factories.make_profile()
        for stars in (5, 5, 4, 2):
            factories.make_review(profile, rating=stars)
        factories.make_review(profile, rating=1, status="removed")
        result = ratings.summary(profile)
        # Site mean C = (5 + 5 + 4 + 2 + 1) / 5 = 3.4; score (16 + 10 × 3.4) / (4 + 10) = 50 / 14.
        assert result == ratings.RatingSummary(
            count=4, mean=4.0, score=pytest.approx(3.5714286), distribution={5: 2, 4: 1, 3: 0, 2: 1, 1: 0}
        )
        assert list(result.distribution) == [5, 4, 3, 2, 1]
        assert ratings.summary(profile, [3, 3]) == ratings.RatingSummary(
            count=2, mean=3.0, score=pytest.approx(3.3333333), distribution={5: 0, 4: 0, 3: 2, 2: 0, 1: 0}
        )  # (6 + 34) / 12
        assert ratings.summary(other, []) == ratings.RatingSummary(0, None, None, {5: 0, 4: 0, 3: 0, 2: 0, 1: 0})


def test_each_database_has_its_own_cached_mean(make_app, clock, tmp_path):
    class FileDatabase(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'other.db'}"
        RATING_MEAN_CACHE_SECONDS = 300

    class MemoryDatabase(TestingConfig):
        RATING_MEAN_CACHE_SECONDS = 300

    memory, file = make_app(MemoryDatabase), make_app(FileDatabase)
    with memory.app_context():
        factories.make_profile(review_count=1, rating_total=5)
        assert ratings.site_mean_rating() == 5.0
    with file.app_context():
        factories.make_profile(review_count=1, rating_total=1)
        assert ratings.site_mean_rating() == 1.0  # not the other database's cached 5.0
    with memory.app_context():
        assert ratings.site_mean_rating() == 5.0


@pytest.fixture
def five_fives_and_a_three(app, places, clock):
    """A verified profile with five 5-star reviews and one 3-star review, near New York's 10001.

    A profile in London with ten 1-star reviews pulls the site's mean down, so that the Bayesian
    score (about 3.2) and the plain average (4.7) differ.
    """
    with app.app_context():
        profile = factories.make_profile(display_name="Dr Six Reviews", slug="six-reviews", verified=True)
        for rating in (5, 5, 5, 5, 5, 3):
            factories.make_review(profile, rating=rating)
        factories.make_profile(latitude=51.5, longitude=-0.12, verified=True, review_count=10, rating_total=10)
        return profile.slug


def test_a_card_shows_the_plain_average_and_the_count_not_the_bayesian_score(client, five_fives_and_a_three):
    page = client.get("/search?q=10001").get_data(as_text=True)
    # 28 / 6 = 4.67, worked out by hand; the Bayesian score is (28 + 10 * 38/16) / 16 = 3.2.
    assert "<dt>Rating</dt><dd>4.7 / 5 from 6 reviews</dd>" in page
    assert "Best rated weighs each average by its number of reviews" in page


def test_the_profile_shows_the_plain_average_its_count_and_the_distribution(client, five_fives_and_a_three):
    page = client.get(f"/practitioners/{five_fives_and_a_three}").get_data(as_text=True)
    assert '<p class="rating-score"><strong>4.7 out of 5</strong> from 6 reviews</p>' in page
    assert '"Best rated" in search weighs it by how many reviews there are' in page
    assert re.search(r'5 stars</th>\s*<td><meter min="0" max="6" value="5">', page)
    assert re.search(r'3 stars</th>\s*<td><meter min="0" max="6" value="1">', page)


def test_best_rated_still_ranks_by_the_bayesian_score(app, client, five_fives_and_a_three):
    with app.app_context():
        one = factories.make_profile(display_name="Dr One Review", verified=True, latitude=40.7500, longitude=-73.99)
        factories.make_review(one, rating=5)
    page = client.get("/search?q=10001&sort=rating").get_data(as_text=True)
    # One 5-star review has the higher plain average (5.0 against 4.7) but the lower score (2.8 against 3.3).
    assert page.index("Dr Six Reviews") < page.index("Dr One Review")
    assert "<dd>5.0 / 5 from 1 review</dd>" in page
