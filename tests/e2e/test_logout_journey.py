"""On a shared phone: logging out with "Keep me logged in" really logs out, and a copied cookie stops working."""

from playwright.sync_api import expect

from directory.models import Role
from tests import factories
from tests.e2e.conftest import check_accessibility


def test_logout_after_keep_me_logged_in_ends_every_cookie(browser, base_url, phone_page, site_app):
    with site_app.app_context():
        factories.make_user(Role.PATIENT, email="shared.phone@example.com", name="Sam")

    page = phone_page
    page.goto("/auth/login")
    page.get_by_label("Email address").fill("shared.phone@example.com")
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_label("Keep me logged in on this device").check()
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Hello, Sam")).to_be_visible()
    cookies = page.context.cookies()
    assert any(cookie["name"] == "remember_token" for cookie in cookies)

    # On a phone the navigation folds into the Menu button; the logout button is inside.
    navigation = page.get_by_role("navigation", name="Main")
    navigation.get_by_text("Menu", exact=True).click()
    navigation.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You are logged out.")).to_be_visible()
    check_accessibility(page, "logged-out-phone")
    assert not any(cookie["name"] == "remember_token" for cookie in page.context.cookies())

    # The next person on this phone opens the account page: the login form, not Sam's account.
    page.goto("/account/settings")
    expect(page.get_by_role("button", name="Log in")).to_be_visible()
    expect(page.get_by_text("Hello, Sam")).to_have_count(0)

    # Someone who copied the cookies before the logout gets nothing with them either.
    copied = browser.new_context(base_url=base_url)
    copied.add_cookies(cookies)
    other = copied.new_page()
    other.goto("/account/settings")
    expect(other.get_by_role("button", name="Log in")).to_be_visible()
    copied.close()
