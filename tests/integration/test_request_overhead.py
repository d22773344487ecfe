"""What every request pays before its page: sessions, logins and the locale made once, and still safe."""

from flask import session
from flask_babel import force_locale, get_locale

from directory.extensions import login_manager
from directory.i18n import LOCALES


def _logged_in(client) -> bool:
    return "Log out" in client.get("/").get_data(as_text=True)


def test_the_session_signer_is_made_once_per_set_of_keys(app, client, auth):
    auth.login()
    signer = app.session_interface.get_signing_serializer(app)
    assert _logged_in(client)
    assert app.session_interface.get_signing_serializer(app) is signer
    # A new key with the old one kept as a fallback: the cookie signed before still opens the session.
    old = app.secret_key
    app.secret_key = "a-new-key-for-the-rotation-test"
    app.config["SECRET_KEY_FALLBACKS"] = [old]
    assert app.session_interface.get_signing_serializer(app) is not signer
    assert _logged_in(client)
    # Without the fallback it no longer does.
    app.config["SECRET_KEY_FALLBACKS"] = []
    assert not _logged_in(client)


def test_a_request_without_a_session_cookie_gets_an_empty_session(app):
    with app.test_request_context():
        opened = app.session_interface.open_session(app, app.test_request_context().request)
    assert opened is not None and dict(opened) == {} and not opened.modified


def test_session_protection_still_marks_a_session_from_another_browser_not_fresh(app, client, auth, monkeypatch):
    auth.login()
    made = []
    generate = login_manager._session_identifier_generator
    monkeypatch.setattr(login_manager, "_session_identifier_generator", lambda: made.append(1) or generate())
    with client.session_transaction() as stored:
        assert stored["_fresh"] is True
    client.get("/", headers={"User-Agent": "another browser"})
    with client.session_transaction() as stored:
        assert stored["_fresh"] is False
    assert made
    # Nobody logged in, nothing in the session: no identifier is made.
    made.clear()
    app.test_client().get("/")
    assert made == []


def test_the_page_locale_is_shared_and_force_locale_still_switches(app):
    with app.test_request_context():
        assert get_locale() is LOCALES["en"]
        with force_locale("es"):
            assert get_locale().language == "es"
            assert "Menú" in app.jinja_env.from_string("{{ _('Menu') }}").render()
        assert get_locale() is LOCALES["en"]
        assert app.jinja_env.from_string("{{ _('Menu') }}").render() == "Menu"
        assert not session
