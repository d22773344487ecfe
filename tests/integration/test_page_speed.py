"""What keeps the public pages fast: few queries, HTTP validators and caching only where safe, gzip, versioned static files."""

import gzip
import re

import pytest
from flask import url_for
from markupsafe import escape

from directory.extensions import db
from directory.urls import profile_urls
from tests import factories
from tests.sql import sent_statements

GZIP = {"Accept-Encoding": "gzip"}


@pytest.fixture
def listed(app, places):
    with app.app_context():
        profile = factories.make_profile(
            display_name="Dr Ana Ruiz",
            slug="ana-ruiz",
            latitude=40.7484,
            longitude=-73.9857,
            verified=True,
            headache_types=("migraine", "tension_type"),
            modes=("in_person", "video"),
            languages=("es", "en", "de"),
            accessibility=("step_free",),
            slots=((0, 9 * 60, 13 * 60), (2, 14 * 60, 18 * 60)),
        )
        factories.make_certification(profile, status="pending")
        for rating in (5, 4, 4):
            factories.make_review(profile, rating=rating)
        return profile.id


@pytest.fixture
def statements(app):
    """The SQL statements the app sends, collected while the test runs."""
    with app.app_context():
        engine = db.engine
    with sent_statements(engine=engine) as sent:
        yield sent


def _queries(client, statements, url: str) -> int:
    client.get(url)  # the site-wide rating mean is cached after the first request, as in production
    statements.clear()
    assert client.get(url).status_code == 200
    return len([sql for sql in statements if not sql.lstrip().upper().startswith(("SELECT 1", "PRAGMA"))])


def test_query_counts_per_public_page(app, client, listed, statements):
    app.config["RATING_MEAN_CACHE_SECONDS"] = 300
    assert _queries(client, statements, "/practitioners/ana-ruiz") <= 2
    # The place, then the page (a second circle when the first, smaller one holds too few).
    assert _queries(client, statements, "/search?q=10001&radius=25") <= 3
    assert _queries(client, statements, "/") == 0


def test_profile_page_shows_the_practice_from_the_listing(client, listed):
    page = client.get("/practitioners/ana-ruiz").get_data(as_text=True)
    assert "<dd>Migraine, Tension-type headache</dd>" in page
    assert "<dd>In person, Video call</dd>" in page or "In person" in page
    # Languages by name, as the vocabulary table orders them.
    assert "<dd>English, German, Spanish</dd>" in page
    assert "Step-free access" in page or "step" in page.lower()
    assert "4.3 out of 5" in page or "out of 5</strong> from 3 reviews" in page
    assert re.search(r"5 stars</th>\s*<td><meter[^>]*value=\"1\"", page)
    assert re.search(r"4 stars</th>\s*<td><meter[^>]*value=\"2\"", page)


def test_search_filters_show_each_request_s_own_choices(client, listed):
    plain = client.get("/search?q=10001").get_data(as_text=True)
    chosen = client.get("/search?q=10001&headache=migraine&language=es&sort=rating").get_data(as_text=True)
    again = client.get("/search?q=10001").get_data(as_text=True)
    assert 'value="migraine" checked' not in plain and "<summary>Filters</summary>" in plain
    assert re.search(r'<input checked[^>]*value="migraine"', chosen)
    assert re.search(r'<option selected value="es">', chosen) and re.search(r'<option selected value="rating">', chosen)
    # The panel stays closed after a search (the results come first); its summary counts the choices.
    assert '<details class="filters">\n      <summary>Filters (2)</summary>' in chosen
    assert not re.search(r'<input checked[^>]*value="migraine"', again)


def test_public_page_has_a_validator_and_answers_304(client, listed):
    first = client.get("/practitioners/ana-ruiz")
    assert first.headers["Cache-Control"] == "public, max-age=60"
    assert "Cookie" in first.headers["Vary"]
    etag = first.headers["ETag"]
    second = client.get("/practitioners/ana-ruiz", headers={"If-None-Match": etag})
    assert second.status_code == 304 and second.data == b""


def test_logged_in_pages_are_private_and_never_304(client, auth, listed):
    anonymous_etag = client.get("/practitioners/ana-ruiz").headers["ETag"]
    auth.login(role="patient", name="Patience Private")
    response = client.get("/practitioners/ana-ruiz", headers={"If-None-Match": anonymous_etag})
    assert response.status_code == 200
    assert "ETag" not in response.headers
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert "Cookie" in response.headers["Vary"]
    for url in ("/", "/search?q=10001", "/account/"):
        cache_control = client.get(url).headers.get("Cache-Control", "")
        assert "public" not in cache_control, url


def test_a_visitor_with_a_session_gets_no_public_copy(client, listed):
    with client.session_transaction() as session:
        session["questionnaire_token"] = "abc"
    response = client.get("/search?q=10001")
    assert "public" not in response.headers["Cache-Control"] and "ETag" not in response.headers


def test_questionnaire_and_health_are_never_cached(client):
    assert client.get("/questionnaire/step/1").headers["Cache-Control"] == "no-store"
    assert "public" not in client.get("/healthz").headers["Cache-Control"]


def test_html_and_json_are_gzipped_when_accepted(app, client, listed):
    plain = client.get("/search?q=10001")
    zipped = client.get("/search?q=10001", headers=GZIP)
    assert "Content-Encoding" not in plain.headers
    assert zipped.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in zipped.headers["Vary"]
    assert gzip.decompress(zipped.data) == plain.data
    assert zipped.headers["ETag"] != plain.headers["ETag"]
    assert client.get("/search?q=10001", headers={**GZIP, "If-None-Match": zipped.headers["ETag"]}).status_code == 304
    app.config["COMPRESS_MIN_SIZE"] = 100  # one practitioner's JSON is smaller than the default
    api = client.get("/api/v1/practitioners?location=10001", headers=GZIP)
    assert api.headers["Content-Encoding"] == "gzip" and gzip.decompress(api.data).startswith(b"{")


def test_small_answers_are_not_gzipped(client):
    assert "Content-Encoding" not in client.get("/healthz", headers=GZIP).headers


def test_static_files_are_versioned_and_kept_for_a_year(client):
    page = client.get("/").get_data(as_text=True)
    css = re.search(r'href="(/static/css/site\.css\?v=[0-9a-f]{12})"', page).group(1)
    with client.get(css) as response:
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    with client.get("/static/css/site.css") as unversioned:
        assert "max-age=31536000" not in unversioned.headers.get("Cache-Control", "")


def test_cards_link_to_profiles_as_url_for_would(app, client, listed):
    page = client.get("/search?q=10001&radius=25").get_data(as_text=True)
    with app.test_request_context():
        expected = url_for("practitioners.show", slug="ana-ruiz", back="/search?q=10001&radius=25")
    assert f'<a href="{escape(expected)}">Dr Ana Ruiz</a>' in page


def test_profile_urls_quote_a_slug_url_for_would_quote(app):
    with app.test_request_context():
        profile_url = profile_urls(back="/search?q=a b&radius=25")
        for slug in ("ana-ruiz", "ana ruiz", "añá", "a/b", "a?b"):
            assert profile_url(slug) == url_for("practitioners.show", slug=slug, back="/search?q=a b&radius=25"), slug
        assert profile_urls()("ana-ruiz") == url_for("practitioners.show", slug="ana-ruiz")
        external = profile_urls(_external=True)
        for slug in ("ana-ruiz", "añá"):
            assert external(slug) == url_for("practitioners.show", slug=slug, _external=True), slug


def test_api_items_link_to_profiles_as_url_for_would(app, client, listed):
    items = client.get("/api/v1/practitioners?location=10001&radius_km=25").get_json()["items"]
    with app.test_request_context():
        expected = url_for("practitioners.show", slug="ana-ruiz", _external=True)
    assert [item["profile_url"] for item in items if item["name"] == "Dr Ana Ruiz"] == [expected]


def test_navigation_and_static_urls_are_built_once_and_stay_right(app, client):
    with app.test_request_context():
        css = url_for("static", filename="css/site.css")
    first = client.get("/").get_data(as_text=True)
    again = client.get("/").get_data(as_text=True)
    assert first == again and f'href="{css}"' in first and 'href="/auth/login"' in first
    # Under a path prefix the same templates link within it.
    prefixed = client.get("/", environ_overrides={"SCRIPT_NAME": "/directory"}).get_data(as_text=True)
    assert 'href="/directory/auth/login"' in prefixed and f'href="/directory{css}"' in prefixed


def test_home_page_is_rendered_once_for_anonymous_visitors_only(client, auth):
    anonymous = client.get("/").get_data(as_text=True)
    assert client.get("/").get_data(as_text=True) == anonymous and "Log in" in anonymous
    auth.login(role="patient")
    signed_in = client.get("/").get_data(as_text=True)
    assert "Log out" in signed_in and "Log in" not in signed_in
    # The flash after logging out is in the session: that visitor gets the page rendered afresh, with it.
    after_logout = client.get(auth.logout().headers["Location"]).get_data(as_text=True)
    assert "You are logged out." in after_logout and "Log in" in after_logout
    assert client.get("/").get_data(as_text=True) == anonymous


def test_a_public_page_gzipped_once_is_served_whole_each_time(client):
    plain = client.get("/").data
    first, again = client.get("/", headers=GZIP), client.get("/", headers=GZIP)
    assert first.headers["Content-Encoding"] == again.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(first.data) == gzip.decompress(again.data) == plain
    assert int(again.headers["Content-Length"]) == len(again.data)


@pytest.mark.parametrize(
    "source",
    [
        "{{ _('Menu') }}",
        "{{ _('Reply from %(name)s:', name='<b>Ana & co</b>') }}",
        "{{ _('100%% sure') }}",
        "{{ _('<strong>Medical disclaimer.</strong> %(site_name)s', site_name='A&B') }}",
    ],
)
@pytest.mark.parametrize("language", ["en", "es"])
def test_underscore_in_templates_reads_as_jinja_s_own_gettext(app, source, language):
    # template_gettext is one call where Jinja's newstyle _() makes three; the words and escaping are the same.
    from flask_babel import force_locale
    from jinja2.ext import _gettext_alias

    with app.test_request_context(), force_locale(language):
        for autoescape in (True, False):
            environment = app.jinja_env.overlay(autoescape=autoescape)
            ours = environment.from_string(source).render()
            environment.globals["_"] = _gettext_alias
            assert environment.from_string(source).render() == ours
        assert app.jinja_env.from_string("{{ _('Menu') }}").render() == {"en": "Menu", "es": "Menú"}[language]
