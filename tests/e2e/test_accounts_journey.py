"""A newcomer signs up, confirms the address, logs in, logs out, logs back in, and reads the home page."""

from playwright.sync_api import expect

from tests.e2e.conftest import assert_fits_width, check_accessibility
from tests.e2e.test_therapist_journey import confirmation_link


def test_sign_up_log_in_and_home_page(page, site_app):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("dry-needling practitioner")
    expect(page.get_by_text("What dry needling is, and what it is not")).to_be_visible()
    check_accessibility(page, "home")

    page.get_by_role("link", name="Sign up").click()
    check_accessibility(page, "signup")
    page.get_by_label("Looking for help with my headaches").check()
    page.get_by_label("Your name (optional)").fill("Maya")
    page.get_by_label("Email address").fill("maya@example.com")
    page.get_by_label("Password", exact=True).fill("quiet-river-morning")
    page.get_by_label("Password again").fill("quiet-river-morning")
    page.get_by_role("button", name="Create account").click()

    # Nobody is logged in by signing up (a taken address gets this same page): the mail comes first.
    expect(page.get_by_role("heading", name="Check your mail")).to_be_visible()
    expect(page.get_by_text("We sent a link to maya@example.com.")).to_be_visible()
    check_accessibility(page, "check-mail")
    page.goto(confirmation_link(site_app, "maya@example.com"))
    expect(page.get_by_text("Thank you: your email address is confirmed.")).to_be_visible()
    page.get_by_label("Email address").fill("maya@example.com")
    page.get_by_label("Password").fill("quiet-river-morning")
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", name="Hello, Maya")).to_be_visible()
    expect(page.get_by_text("Please confirm your email address")).to_have_count(0)
    check_accessibility(page, "dashboard")

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You are logged out.")).to_be_visible()

    page.get_by_role("link", name="Log in").click()
    check_accessibility(page, "login")
    page.get_by_label("Email address").fill("maya@example.com")
    page.get_by_label("Password").fill("quiet-river-morning")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Hello, Maya")).to_be_visible()


def test_signup_errors_keep_what_was_typed(page):
    page.goto("/auth/signup")
    page.get_by_label("Email address").fill("someone@example.com")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_label("Password again").fill("short")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("Use at least 10 characters.")).to_be_visible()
    expect(page.get_by_label("Email address")).to_have_value("someone@example.com")
    check_accessibility(page, "signup-error")


def test_home_page_on_a_phone_in_dark_mode(phone_page):
    phone_page.goto("/")
    expect(phone_page.get_by_role("heading", level=1)).to_be_visible()
    assert_fits_width(phone_page)
    background = phone_page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(21, 24, 27)"
    check_accessibility(phone_page, "home-phone-dark")
