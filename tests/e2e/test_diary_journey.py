"""The headache diary on a phone (390 px, dark mode): one tap for today, a headache day, charts, sharing, revoking, export and import."""

import re

import pytest
from playwright.sync_api import expect

from directory.extensions import db
from directory.models import Role
from tests import factories
from tests.e2e.conftest import assert_fits_width, check_accessibility

PASSWORD = factories.PASSWORD


def log_in(page, email):
    page.goto("/auth/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def open_menu_link(page, role, name):
    """Follow a link or press a button of the main navigation, which folds into the Menu button on a phone."""
    navigation = page.get_by_role("navigation", name="Main")
    navigation.get_by_text("Menu", exact=True).click()
    navigation.get_by_role(role, name=name, exact=True).click()


def log_out(page):
    open_menu_link(page, "button", "Log out")


@pytest.fixture
def people(site_app, request):
    """A patient with a completed consultation with a practitioner, and a second patient; emails unique to the test."""
    tag = request.node.name.replace("_", "-")[-30:]
    with site_app.app_context():
        therapist = factories.make_user(Role.THERAPIST, email=f"t-{tag}@example.com", name="Sam")
        profile = factories.make_profile(user=therapist, display_name=f"Diary Physio {tag}", slug=f"diary-physio-{tag}")
        patient = factories.make_user(Role.PATIENT, email=f"p-{tag}@example.com", name=f"Alex {tag}")
        factories.make_completed_consultation(patient, profile)
        other = factories.make_user(Role.PATIENT, email=f"o-{tag}@example.com", name="Kim")
        db.session.commit()
        return {
            "patient": patient.email,
            "patient_name": patient.name,
            "therapist": therapist.email,
            "practice": profile.display_name,
            "other": other.email,
        }


def test_record_today_in_one_tap_and_a_headache_day(phone_page, people):
    page = phone_page
    log_in(page, people["patient"])
    open_menu_link(page, "link", "My diary")
    expect(page.get_by_role("heading", name="My headache diary")).to_be_visible()
    check_accessibility(page, "diary-phone")
    assert_fits_width(page)

    page.get_by_role("button", name="No headache today").click()
    expect(page.get_by_text("no headache, saved.")).to_be_visible()
    expect(page.locator(".diary-today")).to_contain_text("No headache")

    # Yesterday was a headache day: pain, how long, and save.
    page.locator(".week-list li").first.get_by_role("link", name=re.compile("Record a headache")).click()
    check_accessibility(page, "diary-day-phone")
    assert_fits_width(page)
    page.get_by_label("6", exact=True).check()
    page.get_by_label("4 to 24 hours").check()
    page.get_by_label("Throbbing or pulsing").check()
    page.get_by_label(re.compile("^Triptan")).select_option("good")
    page.get_by_role("button", name="Save now").click()
    expect(page.get_by_text("is saved.")).to_be_visible()
    expect(page.locator(".week-list li").first).to_contain_text("Headache, pain 6, 4 to 24 hours")

    # A bad value comes back with a message and everything typed.
    page.locator(".week-list li").nth(1).get_by_role("link", name=re.compile("Record a headache")).click()
    page.get_by_label("Private notes (optional)").fill("Kept while I fix the form")
    page.get_by_role("button", name="Save this day").click()
    expect(page.get_by_text("Choose the worst pain, from 0 to 10.")).to_be_visible()
    expect(page.get_by_label("Private notes (optional)")).to_have_value("Kept while I fix the form")


def test_see_the_charts(phone_page, people, site_app):
    from datetime import date, timedelta

    from sqlalchemy import select

    from directory.models import TreatmentSession, User

    with site_app.app_context():
        patient = db.session.scalar(select(User).where(User.email == people["patient"]))
        for n in range(1, 60):
            day = date.today() - timedelta(days=n)
            if n % 3 == 0:
                factories.make_diary_entry(patient, day, headache=True, pain=n % 10, duration="4h_24h")
            else:
                factories.make_diary_entry(patient, day)
        # Today too, so that this month's calendar holds a headache day with its pain number whatever the date.
        factories.make_diary_entry(patient, date.today(), headache=True, pain=6, duration="4h_24h")
        db.session.add(TreatmentSession(patient_id=patient.id, day=date.today() - timedelta(days=30)))
        db.session.commit()
    page = phone_page
    log_in(page, people["patient"])
    page.goto("/diary/")
    page.get_by_role("link", name="Charts and calendar").click()
    expect(page.get_by_role("heading", name="My diary in charts")).to_be_visible()
    expect(page.locator("svg.chart-svg")).to_have_count(4)
    assert_fits_width(page)
    page.get_by_text("The numbers, week by week").click()
    expect(page.get_by_role("table", name="Headache days per week")).to_be_visible()
    check_accessibility(page, "diary-charts-phone")
    # Dark mode: the calendar's text is light on the dark page.
    colour = page.locator(".cal-mark").first.evaluate("node => getComputedStyle(node).fill")
    assert colour == "rgb(227, 225, 220)"
    # The day's numbers are drawn over its link, not in it: a tap on the pain number opens the day all the same.
    today_link = page.locator(f'a[href="/diary/days/{date.today().isoformat()}"]')
    expect(today_link).to_have_attribute("aria-label", re.compile(r"pain 6"))
    box = page.locator(".cal-mark", has_text="6").last.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page).to_have_url(re.compile(rf"/diary/days/{date.today().isoformat()}"))
    page.go_back()
    page.get_by_role("link", name="Previous month").click()
    expect(page.locator("#calendar-title")).to_be_visible()


def test_share_see_it_as_the_practitioner_and_revoke(phone_page, people):
    page = phone_page
    log_in(page, people["patient"])
    page.goto("/diary/")
    page.get_by_role("button", name="No headache today").click()
    page.get_by_role("link", name="Share with a practitioner").click()
    expect(page.get_by_text("Not shared")).to_be_visible()
    check_accessibility(page, "diary-sharing-phone")
    page.get_by_role("button", name=f"Share with {people['practice']}").click()
    expect(page.get_by_text("can now see your diary")).to_be_visible()
    log_out(page)

    log_in(page, people["therapist"])
    open_menu_link(page, "link", "Shared diaries")
    check_accessibility(page, "shared-diaries-phone")
    page.get_by_role("link", name=people["patient_name"]).click()
    expect(page.get_by_role("heading", name=f"Diary of {people['patient_name']}")).to_be_visible()
    expect(page.get_by_role("heading", name="Headache days per week")).to_be_visible()
    check_accessibility(page, "shared-diary-phone")
    assert_fits_width(page)
    shared_url = page.url
    page.get_by_role("link", name=re.compile("Record a session")).click()
    page.get_by_label("Day of the session").fill(__import__("datetime").date.today().isoformat())
    page.get_by_role("button", name="Record the session").click()
    expect(page.get_by_text("recorded.")).to_be_visible()
    check_accessibility(page, "record-session-phone")
    log_out(page)

    log_in(page, people["patient"])
    page.goto("/diary/sharing")
    page.get_by_role("button", name=f"Stop sharing with {people['practice']}").click()
    expect(page.get_by_text("can no longer see your diary")).to_be_visible()
    page.goto("/diary/sessions")
    expect(page.get_by_text(f"recorded by {people['practice']}")).to_be_visible()
    log_out(page)

    log_in(page, people["therapist"])
    response = page.goto(shared_url)
    assert response.status == 404
    page.goto("/diary/shared")
    expect(page.get_by_text("No patient shares a diary with you yet.")).to_be_visible()


def test_export_and_import_again(phone_page, people, tmp_path):
    page = phone_page
    log_in(page, people["patient"])
    page.goto("/diary/")
    page.get_by_role("button", name="No headache today").click()
    page.locator(".week-list li").first.get_by_role("button", name="No headache").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the diary (CSV)").click()
    path = tmp_path / "diary.csv"
    download_info.value.save_as(path)
    assert path.read_text().startswith("date,headache,pain")
    log_out(page)

    log_in(page, people["other"])
    page.goto("/diary/")
    page.get_by_role("link", name="Import a diary (CSV)").click()
    check_accessibility(page, "diary-import-phone")
    page.get_by_label("CSV file").set_input_files(str(path))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("Imported 2 days")).to_be_visible()
    expect(page.locator(".diary-today")).to_contain_text("No headache (late)")

    # The same file again: nothing imported, every line said.
    page.goto("/diary/import")
    page.get_by_label("CSV file").set_input_files(str(path))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("Nothing was imported")).to_be_visible()
    expect(page.get_by_text(re.compile("Line 2: your diary already has"))).to_be_visible()
    check_accessibility(page, "diary-import-errors-phone")


def test_the_print_summary_and_reminders(phone_page, people):
    page = phone_page
    log_in(page, people["patient"])
    page.goto("/diary/print")
    expect(page.get_by_role("heading", name="Headache diary summary")).to_be_visible()
    check_accessibility(page, "diary-print-phone")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    page.emulate_media(media="screen")
    page.goto("/diary/reminders")
    check_accessibility(page, "diary-reminders-phone")
    page.get_by_label("On", exact=True).check()
    page.get_by_label("At (your local time, HH:MM)").fill("21:15")
    page.get_by_label("Your time zone").select_option("Europe/Madrid")
    page.get_by_role("button", name="Save the reminder").click()
    expect(page.get_by_text("Reminder on, every day at 21:15 (Europe/Madrid).")).to_be_visible()
