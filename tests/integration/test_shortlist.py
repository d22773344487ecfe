"""A patient's shortlist: save a practitioner from the profile, see them on the Saved page, remove them."""

import re

import pytest

from directory.extensions import db
from directory.models import Role, SavedPractitioner
from directory.services.community import shortlist
from tests import factories


@pytest.fixture
def profile_slug(app):
    with app.app_context():
        return factories.make_profile(display_name="Dr Ana Ruiz", slug="ana-ruiz", verified=True).slug


def saved_rows(app) -> int:
    with app.app_context():
        return db.session.query(SavedPractitioner).count()


def test_a_patient_saves_removes_and_sees_the_shortlist(app, client, auth, profile_slug):
    auth.login(role=Role.PATIENT)
    page = client.get(f"/practitioners/{profile_slug}").get_data(as_text=True)
    assert 'action="/account/saved/ana-ruiz"' in page and "Save to my shortlist" in page
    assert "You have not saved any practitioner yet." in client.get("/account/saved").get_data(as_text=True)

    response = client.post(f"/account/saved/{profile_slug}", data={"next": f"/practitioners/{profile_slug}"})
    assert response.status_code == 302 and response.headers["Location"] == f"/practitioners/{profile_slug}"
    page = client.get(f"/practitioners/{profile_slug}").get_data(as_text=True)
    assert "Dr Ana Ruiz is saved to your shortlist." in page
    assert "✓ Saved" in page and 'action="/account/saved/ana-ruiz/remove"' in page

    saved = client.get("/account/saved").get_data(as_text=True)
    assert '<a href="/practitioners/ana-ruiz">Dr Ana Ruiz</a>' in saved
    assert '<a href="/account/saved">Saved</a>' in saved  # in the navigation

    response = client.post(f"/account/saved/{profile_slug}/remove")
    assert response.headers["Location"] == "/account/saved"
    saved = client.get("/account/saved").get_data(as_text=True)
    assert "Dr Ana Ruiz is no longer on your shortlist." in saved
    assert '<a href="/practitioners/ana-ruiz">' not in saved
    assert saved_rows(app) == 0


def test_saving_twice_keeps_one_row(app, client, auth, profile_slug):
    auth.login(role=Role.PATIENT)
    client.post(f"/account/saved/{profile_slug}")
    client.post(f"/account/saved/{profile_slug}")
    assert saved_rows(app) == 1
    assert "Dr Ana Ruiz was already on your shortlist." in client.get("/account/saved").get_data(as_text=True)


def test_an_unlisted_practitioner_cannot_be_saved_and_leaves_the_list(app, client, auth, profile_slug):
    auth.login(role=Role.PATIENT)
    with app.app_context():
        factories.make_profile(slug="hidden", published=False)
    assert client.post("/account/saved/hidden").status_code == 404
    assert client.post("/account/saved/no-such-practitioner").status_code == 404
    client.post(f"/account/saved/{profile_slug}")
    with app.app_context():
        profile = shortlist.listed_profile(profile_slug)
        profile.published = False
        db.session.commit()
    assert '<a href="/practitioners/ana-ruiz">' not in client.get("/account/saved").get_data(as_text=True)


def test_one_patient_s_shortlist_is_not_another_s(app, client, auth, profile_slug):
    auth.login(role=Role.PATIENT)
    client.post(f"/account/saved/{profile_slug}")
    auth.logout()
    auth.login(role=Role.PATIENT)
    assert "You have not saved any practitioner yet." in client.get("/account/saved").get_data(as_text=True)


def test_next_must_stay_on_the_site(client, auth, profile_slug):
    auth.login(role=Role.PATIENT)
    response = client.post(f"/account/saved/{profile_slug}", data={"next": "https://evil.example/"})
    assert response.headers["Location"] == "/account/saved"


def test_a_visitor_is_offered_log_in_or_sign_up_and_a_therapist_no_button(client, auth, profile_slug):
    page = client.get(f"/practitioners/{profile_slug}").get_data(as_text=True)
    assert re.search(
        r'<a href="/auth/login\?next=[^"]+">Log in</a> or <a href="/auth/signup">sign up</a> to save', page
    )
    auth.login(role=Role.THERAPIST)
    page = client.get(f"/practitioners/{profile_slug}").get_data(as_text=True)
    assert "Save to my shortlist" not in page and "to save practitioners" not in page


def test_saving_without_the_csrf_token_saves_nothing(app, client, auth, profile_slug):
    auth.login(role=Role.PATIENT)
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post(f"/account/saved/{profile_slug}")
    assert response.status_code == 400
    assert saved_rows(app) == 0
