"""Login and sign-up cost one password hash whether or not the address has an account, so timing tells nothing."""

import pytest
import werkzeug.security

from directory.services.core import accounts
from tests import factories

STRONG = "violet-harbour-lantern"


@pytest.fixture
def hashes(monkeypatch):
    """Count the password hashes computed (every werkzeug hash and check goes through _hash_internal)."""
    calls = []
    real = werkzeug.security._hash_internal

    def counting(*args, **kwargs):
        calls.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(werkzeug.security, "_hash_internal", counting)
    return calls


@pytest.fixture
def known(app):
    with app.app_context():
        factories.make_user(email="known@example.com")


@pytest.mark.parametrize("email", ["known@example.com", "unknown@example.com"])
@pytest.mark.parametrize("password", [factories.PASSWORD, "a-wrong-password"])
def test_login_hashes_exactly_once_for_known_and_unknown_addresses(client, known, hashes, email, password):
    client.post("/auth/login", data={"email": email, "password": password})
    assert len(hashes) == 1


def test_the_first_unknown_login_of_a_process_hashes_once_too(client, known, hashes, monkeypatch):
    monkeypatch.setattr(accounts, "_decoy_hash", None)
    for _ in range(2):
        client.post("/auth/login", data={"email": "unknown@example.com", "password": "a-wrong-password"})
    assert len(hashes) == 2


@pytest.mark.parametrize("email", ["known@example.com", "brand.new@example.com"])
def test_signup_hashes_exactly_once_for_new_and_taken_addresses(client, known, hashes, email):
    data = {"role": "patient", "email": email, "password": STRONG, "confirm": STRONG}
    assert client.post("/auth/signup", data=data).status_code == 302
    assert len(hashes) == 1
