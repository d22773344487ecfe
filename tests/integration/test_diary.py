"""The headache diary's pages: entries, sessions, sharing, charts, CSV, print, reminders, privacy."""

import io
import logging
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from directory.extensions import db
from directory.models import (
    AuditEvent,
    DiaryEntry,
    DiaryMedicine,
    DiaryReminder,
    DiaryShare,
    OutboxMessage,
    Role,
    TreatmentSession,
    User,
)
from directory.services.diary import reminders
from directory.services.diary.entries import day_words
from tests import factories

TODAY = date.today()


def day(n: int) -> str:
    """The day n days ago, as the URLs write it."""
    return (TODAY - timedelta(days=n)).isoformat()


def tap(client, day_text: str):
    """The one-tap "no headache" button of a day."""
    return client.post(f"/diary/days/{day_text}", data={"one_tap": "no_headache"})


def entries_of(app, patient_id: int) -> list[DiaryEntry]:
    with app.app_context():
        rows = db.session.scalars(
            select(DiaryEntry).where(DiaryEntry.patient_id == patient_id).order_by(DiaryEntry.day)
        ).all()
        for row in rows:
            _ = row.medicines
        db.session.expunge_all()
        return rows


@pytest.fixture
def patient(auth):
    return auth.login(role="patient", email="diary.patient@example.com", name="Robin")


HEADACHE_DAY = {
    "headache": "yes",
    "pain": "7",
    "duration": "4h_24h",
    "features": ["one_side", "throbbing", "nausea_or_vomiting"],
    "med_triptan": "good",
    "med_simple": "none",
    "function_level": "3",
    "triggers": ["sleep"],
    "notes": "Started after a short night.",
}


# Today in one tap, and a headache day


def test_no_headache_today_in_one_tap(client, app, patient):
    page = client.get("/diary/")
    assert "No headache today" in page.get_data(as_text=True)
    response = tap(client, day(0))
    assert response.status_code == 302
    [entry] = entries_of(app, patient)
    assert entry.day == TODAY and entry.headache is False and entry.pain is None and not entry.late
    assert "No headache" in client.get("/diary/").get_data(as_text=True)


def test_a_second_tap_on_a_recorded_day_changes_nothing(client, app, patient):
    client.post(f"/diary/days/{day(0)}", data=HEADACHE_DAY)
    response = tap(client, day(0))
    assert response.status_code == 409
    assert "already in your diary" in response.get_data(as_text=True)
    [entry] = entries_of(app, patient)
    assert entry.headache is True and entry.pain == 7


def test_a_headache_day_with_every_answer(client, app, patient):
    response = client.post(f"/diary/days/{day(1)}", data=HEADACHE_DAY)
    assert response.status_code == 302
    [entry] = entries_of(app, patient)
    assert (entry.headache, entry.pain, entry.duration, entry.function_level) == (True, 7, "4h_24h", 3)
    assert (entry.one_side, entry.throbbing, entry.worse_with_activity) == (True, True, False)
    assert sorted((m.medicine_class, m.relief) for m in entry.medicines) == [("simple", "none"), ("triptan", "good")]
    assert entry.triggers == ["sleep"]
    assert entry.notes == "Started after a short night."
    # Shown again on the day's page.
    page = client.get(f"/diary/days/{day(1)}").get_data(as_text=True)
    assert "Started after a short night." in page
    assert re.search(r'value="7"[^>]*checked|checked[^>]*value="7"', page)


def test_changing_a_day_replaces_its_answers(client, app, patient):
    client.post(f"/diary/days/{day(1)}", data=HEADACHE_DAY)
    client.post(f"/diary/days/{day(1)}", data={"headache": "no"})
    [entry] = entries_of(app, patient)
    assert entry.headache is False and entry.pain is None and entry.one_side is None and entry.medicines == []


def test_a_headache_day_needs_the_pain(client, app, patient):
    response = client.post(f"/diary/days/{day(1)}", data={**HEADACHE_DAY, "pain": ""})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Choose the worst pain, from 0 to 10." in page
    assert "Started after a short night." in page  # nothing typed is lost
    assert entries_of(app, patient) == []


@pytest.mark.parametrize("pain", ["11", "-1", "ten"])
def test_pain_outside_0_to_10_is_refused_and_nothing_saved(client, app, patient, pain):
    response = client.post(f"/diary/days/{day(1)}", data={**HEADACHE_DAY, "pain": pain})
    assert response.status_code == 400
    assert "Started after a short night." in response.get_data(as_text=True)
    assert entries_of(app, patient) == []


def test_an_unknown_medicine_relief_is_refused(client, app, patient):
    response = client.post(f"/diary/days/{day(1)}", data={**HEADACHE_DAY, "med_triptan": "magic"})
    assert response.status_code == 400
    assert entries_of(app, patient) == []


@pytest.mark.parametrize(
    ("path_day", "message"),
    [
        ((TODAY + timedelta(days=1)).isoformat(), "has not come yet"),
        ("1999-12-31", "starts on 1 January 2000"),
        ("2025-02-30", "YYYY-MM-DD"),
        ("yesterday", "YYYY-MM-DD"),
    ],
)
def test_days_in_the_future_before_2000_or_not_dates_are_refused(client, app, patient, path_day, message):
    for response in (
        client.get(f"/diary/days/{path_day}"),
        client.post(f"/diary/days/{path_day}", data=HEADACHE_DAY),
        tap(client, path_day),
    ):
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)
    assert entries_of(app, patient) == []


def test_an_entry_made_more_than_7_days_late_is_kept_and_marked(client, app, patient):
    tap(client, day(7))
    tap(client, day(8))
    on_time, late = entries_of(app, patient)[::-1]
    assert not on_time.late and late.late
    page = client.get("/diary/").get_data(as_text=True)
    # The patient's own summary counts it and says so.
    assert "1 of your days were recorded more than 7 days late or imported" in page


def test_a_multi_day_attack_gives_an_entry_per_day(client, app, patient):
    tap(client, day(1))
    response = client.post(f"/diary/days/{day(3)}", data={**HEADACHE_DAY, "until": day(0)})
    assert response.status_code == 302
    entries = {e.day: e for e in entries_of(app, patient)}
    assert [d.isoformat() for d in sorted(entries)] == [day(3), day(2), day(1), day(0)]
    assert entries[TODAY].headache and entries[TODAY - timedelta(days=2)].pain == 7
    # A day already recorded is left as it was.
    assert entries[TODAY - timedelta(days=1)].headache is False
    with client.session_transaction() as session:
        flashes = [message for _, message in session.get("_flashes", [])]
    assert any("Saved 3 days" in m and "1 already had an entry" in m for m in flashes)


def test_an_attack_cannot_end_in_the_future(client, app, patient):
    future = (TODAY + timedelta(days=2)).isoformat()
    response = client.post(f"/diary/days/{day(1)}", data={**HEADACHE_DAY, "until": future})
    assert response.status_code == 400
    assert entries_of(app, patient) == []


def test_the_past_week_is_on_one_screen(client, patient):
    page = client.get("/diary/").get_data(as_text=True)
    for n in range(1, 8):
        assert f'aria-label="No headache on {day_words(TODAY - timedelta(days=n))}"' in page
    assert page.count('name="one_tap"') == 8  # today and the 7 days before


def test_deleting_a_day(client, app, patient):
    tap(client, day(2))
    assert client.post(f"/diary/days/{day(2)}/delete").status_code == 302
    assert entries_of(app, patient) == []
    assert client.post(f"/diary/days/{day(2)}/delete").status_code == 404


def test_the_database_holds_one_entry_per_day_and_pain_0_to_10(app):
    from sqlalchemy.exc import IntegrityError

    with app.app_context():
        patient = factories.make_user(Role.PATIENT)
        factories.make_diary_entry(patient, TODAY)
        for fields in ({"day": TODAY}, {"day": TODAY - timedelta(days=1), "headache": True, "pain": 11}):
            db.session.add(DiaryEntry(patient_id=patient.id, **{"headache": False, **fields}))
            with pytest.raises(IntegrityError):
                db.session.commit()
            db.session.rollback()
        db.session.add(DiaryEntry(patient_id=patient.id, day=date(1999, 1, 1), headache=False))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
        entry = factories.make_diary_entry(patient, TODAY - timedelta(days=3), headache=True, pain=5)
        db.session.add(DiaryMedicine(entry_id=entry.id, medicine_class="cannabis"))
        with pytest.raises(IntegrityError):
            db.session.commit()


# Sessions


@pytest.fixture
def practice(app):
    with app.app_context():
        therapist = factories.make_user(Role.THERAPIST, email="diary.therapist@example.com", name="Lee")
        profile = factories.make_profile(user=therapist, display_name="Lee Physio", slug="lee-physio")
        return {"therapist": therapist.id, "profile": profile.id, "email": therapist.email}


def completed_consultation(app, patient_id: int, profile_id: int) -> int:
    with app.app_context():
        from directory.models import TherapistProfile

        patient = db.session.get(User, patient_id)
        return factories.make_completed_consultation(patient, db.session.get(TherapistProfile, profile_id)).id


def test_the_patient_adds_a_session_had_elsewhere(client, app, patient):
    response = client.post("/diary/sessions", data={"day": day(5), "note": "At a clinic abroad"})
    assert response.status_code == 302
    again = client.post("/diary/sessions", data={"day": day(5)})
    assert again.status_code == 400
    assert "already a session" in again.get_data(as_text=True)
    future = client.post("/diary/sessions", data={"day": (TODAY + timedelta(days=1)).isoformat()})
    assert future.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(TreatmentSession)) == 1


def test_the_first_session_anchors_the_windows(client, patient):
    client.post("/diary/sessions", data={"day": day(40)})
    client.post("/diary/sessions", data={"day": day(10)})
    summary = client.get("/api/v1/me/diary/summary").get_json()
    assert summary["first_session"] == day(40)
    assert summary["windows"]["baseline"]["end"] == day(41)
    assert summary["windows"]["days_1_28"]["start"] == day(40)


def test_the_practitioner_records_sessions_on_a_completed_consultation_only(client, app, auth, patient, practice):
    consultation_id = completed_consultation(app, patient, practice["profile"])
    auth.logout()
    auth.login(email=practice["email"])
    page = client.get(f"/diary/consultations/{consultation_id}/sessions")
    assert page.status_code == 200
    assert client.post(f"/diary/consultations/{consultation_id}/sessions", data={"day": day(3)}).status_code == 302
    with app.app_context():
        session = db.session.scalar(select(TreatmentSession))
        assert (session.patient_id, session.consultation_id, session.day) == (
            patient,
            consultation_id,
            TODAY - timedelta(days=3),
        )
        from directory.models import ConsultationRequest

        db.session.get(ConsultationRequest, consultation_id).status = "accepted"
        db.session.commit()
    refused = client.post(f"/diary/consultations/{consultation_id}/sessions", data={"day": day(2)})
    assert refused.status_code == 400


def test_another_practitioner_cannot_record_on_the_consultation(client, app, auth, patient, practice):
    consultation_id = completed_consultation(app, patient, practice["profile"])
    auth.logout()
    auth.login(role="therapist")
    assert client.post(f"/diary/consultations/{consultation_id}/sessions", data={"day": day(3)}).status_code == 404


def test_another_patients_session_cannot_be_deleted(client, app, auth, patient):
    client.post("/diary/sessions", data={"day": day(5)})
    with app.app_context():
        session_id = db.session.scalar(select(TreatmentSession.id))
    auth.logout()
    auth.login(role="patient")
    assert client.post(f"/diary/sessions/{session_id}/delete").status_code == 404
    with app.app_context():
        assert db.session.get(TreatmentSession, session_id) is not None


# Sharing


def test_sharing_is_off_by_default_and_revocable_at_once(client, app, auth, patient, practice):
    completed_consultation(app, patient, practice["profile"])
    client.post(f"/diary/days/{day(0)}", data=HEADACHE_DAY)
    page = client.get("/diary/sharing").get_data(as_text=True)
    assert "Not shared" in page and "Share with Lee Physio" in page

    auth.logout()
    auth.login(email=practice["email"])
    assert client.get(f"/diary/shared/{patient}").status_code == 404
    assert "Robin" not in client.get("/diary/shared").get_data(as_text=True)

    auth.logout()
    auth.login(email="diary.patient@example.com")
    assert client.post(f"/diary/sharing/{practice['profile']}").status_code == 302
    auth.logout()
    auth.login(email=practice["email"])
    assert "Robin" in client.get("/diary/shared").get_data(as_text=True)
    shared = client.get(f"/diary/shared/{patient}")
    assert shared.status_code == 200
    assert "Headache days per week" in shared.get_data(as_text=True)

    auth.logout()
    auth.login(email="diary.patient@example.com")
    assert client.post(f"/diary/sharing/{practice['profile']}/revoke").status_code == 302
    auth.logout()
    auth.login(email=practice["email"])
    assert client.get(f"/diary/shared/{patient}").status_code == 404
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
        assert actions == ["diary.share_granted", "diary.share_revoked"]
        details = db.session.scalars(select(AuditEvent.details)).all()
        assert all("pain" not in str(d) for d in details)


def test_the_practitioner_s_inbox_links_a_shared_diary_only_while_it_is_shared(client, app, auth, patient, practice):
    consultation_id = completed_consultation(app, patient, practice["profile"])
    link = f'href="/diary/shared/{patient}"'
    auth.logout()
    auth.login(email=practice["email"])
    assert link not in client.get("/consultations/inbox").get_data(as_text=True)
    assert link not in client.get(f"/consultations/inbox/{consultation_id}").get_data(as_text=True)

    auth.logout()
    auth.login(email="diary.patient@example.com")
    client.post(f"/diary/sharing/{practice['profile']}")
    auth.logout()
    auth.login(email=practice["email"])
    assert "Headache diary shared with you" in client.get("/consultations/inbox").get_data(as_text=True)
    assert link in client.get("/consultations/inbox").get_data(as_text=True)
    assert link in client.get(f"/consultations/inbox/{consultation_id}").get_data(as_text=True)

    auth.logout()
    auth.login(email="diary.patient@example.com")
    client.post(f"/diary/sharing/{practice['profile']}/revoke")
    auth.logout()
    auth.login(email=practice["email"])
    assert link not in client.get("/consultations/inbox").get_data(as_text=True)


def test_sharing_needs_a_consultation_with_that_practitioner(client, app, patient, practice):
    assert client.post(f"/diary/sharing/{practice['profile']}").status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(DiaryShare)) == 0


def test_a_diary_shared_with_one_practitioner_is_hidden_from_another(client, app, auth, patient, practice):
    completed_consultation(app, patient, practice["profile"])
    client.post(f"/diary/sharing/{practice['profile']}")
    auth.logout()
    auth.login(role="therapist")
    assert client.get(f"/diary/shared/{patient}").status_code == 404
    auth.logout()
    auth.login(role="admin")
    assert client.get(f"/diary/shared/{patient}").status_code == 403


# Charts, summary, JSON


def build_diary(app, patient_id: int, first_session_ago: int = 90) -> None:
    """Baseline: 12 headache days in 28; follow-up: 6 in 28 (a 50 % responder); nothing in between."""
    with app.app_context():
        patient = db.session.get(User, patient_id)
        day_one = TODAY - timedelta(days=first_session_ago)
        db.session.add(TreatmentSession(patient_id=patient_id, day=day_one))
        for start, headache_days in ((day_one - timedelta(days=28), 12), (day_one + timedelta(days=56), 6)):
            for n in range(28):
                d = start + timedelta(days=n)
                if d > TODAY:
                    break
                if n < headache_days:
                    factories.make_diary_entry(
                        patient, d, headache=True, pain=6, duration="all_day", medicines=("simple",)
                    )
                else:
                    factories.make_diary_entry(patient, d)
        db.session.commit()


def test_the_json_summary_agrees_with_the_page(client, app, patient):
    build_diary(app, patient)
    summary = client.get("/api/v1/me/diary/summary")
    assert summary.status_code == 200
    assert summary.headers["Cache-Control"] == "no-store"
    body = summary.get_json()
    assert body["first_session"] == day(90)
    baseline, follow_up = body["windows"]["baseline"], body["windows"]["follow_up"]
    assert baseline["complete"] and baseline["monthly_headache_days"] == 12.0 and baseline["days_recorded"] == 28
    assert follow_up["monthly_headache_days"] == 6.0
    assert follow_up["mean_pain"] == 6.0 and follow_up["monthly_acute_medication_days"] == 6.0
    assert body["windows"]["days_1_28"]["complete"] is False
    assert body["windows"]["days_1_28"]["monthly_headache_days"] is None
    assert body["change"] == {"monthly_headache_days": -6.0, "percent": -50.0}
    assert body["responder_50"] is True
    page = client.get("/diary/").get_data(as_text=True)
    assert "<td>12.0</td>" in page and "<td>6.0</td>" in page
    assert "-6.0 headache days a month" in page and "(-50 %)" in page
    assert "Not enough days recorded" in page


def test_the_summary_before_any_session(client, patient):
    body = client.get("/api/v1/me/diary/summary").get_json()
    assert body == {
        "first_session": None,
        "windows": {"baseline": None, "days_1_28": None, "days_29_56": None, "follow_up": None},
        "change": {"monthly_headache_days": None, "percent": None},
        "responder_50": None,
    }
    assert "No treatment session is in the diary yet" in client.get("/diary/").get_data(as_text=True)


def test_the_summary_json_needs_a_signed_in_patient(client, auth):
    signed_out = client.get("/api/v1/me/diary/summary")
    assert signed_out.status_code == 401
    assert signed_out.mimetype == "application/problem+json"
    auth.login(role="therapist")
    assert client.get("/api/v1/me/diary/summary").status_code == 403


def test_charts_render_with_tables_and_no_inline_style(client, app, patient):
    build_diary(app, patient, first_session_ago=60)
    page = client.get("/diary/charts")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count("<svg") == 4
    assert html.count("<table") == 4
    # The charts need no script: the only one is the site's own (local times, the menu's Escape).
    assert "style=" not in html
    assert html.count("<script") == 1
    assert re.findall(r'<script src="([^"?]+)', html) == ["/static/js/site.js"]
    assert "Headache days per week" in html and "Worst pain, last 90 days" in html
    month = (TODAY.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    assert client.get(f"/diary/charts?month={month}").status_code == 200


@pytest.mark.parametrize("month", ["2025-13", "someday", "1999-12", (TODAY + timedelta(days=40)).strftime("%Y-%m")])
def test_a_bad_calendar_month_is_a_400(client, patient, month):
    assert client.get(f"/diary/charts?month={month}").status_code == 400


def test_alerts_are_calm_and_by_class(client, app, patient):
    with app.app_context():
        user = db.session.get(User, patient)
        for n in range(16):
            factories.make_diary_entry(user, TODAY - timedelta(days=n), headache=True, pain=5, medicines=("triptan",))
    page = client.get("/diary/").get_data(as_text=True)
    assert "You took a triptan on 16 of the last 30 days" in page
    assert "do not stop suddenly" in page
    assert "You had a headache on 16 of the last 30 days" in page
    assert "Check the warning signs" in page


def test_the_print_summary(client, app, patient):
    build_diary(app, patient)
    page = client.get("/diary/print")
    assert page.status_code == 200
    assert "Headache diary summary" in page.get_data(as_text=True)


# CSV


CSV_HEADER = "date,headache,pain,duration,one_side,throbbing,worse_with_activity,nausea_or_vomiting,light_and_sound,aura_5_60_min,medicines,function,session,notes"


def upload(client, content: bytes, name: str = "diary.csv"):
    # Encoded in memory: the test client would spool a big body to a temporary file it never closes.
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(content), name)})
    return client.post("/diary/import", data=body, content_type=f"multipart/form-data; boundary={boundary}")


def test_export_then_import_into_another_account(client, app, auth, patient):
    client.post(f"/diary/days/{day(2)}", data={**HEADACHE_DAY, "notes": "=1+1 is not a formula"})
    tap(client, day(1))
    client.post("/diary/sessions", data={"day": day(2)})
    exported = client.get("/diary/export.csv")
    assert exported.mimetype == "text/csv"
    text = exported.get_data(as_text=True)
    assert text.splitlines()[0] == CSV_HEADER
    assert f"{day(2)},yes,7,4h_24h,yes,yes,no,yes,no,no,simple;triptan,3,yes,'=1+1 is not a formula" in text
    auth.logout()
    other = auth.login(role="patient")
    response = upload(client, exported.get_data())
    assert response.status_code == 302
    [first, second] = entries_of(app, other)
    assert first.pain == 7 and first.notes == "=1+1 is not a formula" and first.late and first.source == "import"
    assert sorted(m.medicine_class for m in first.medicines) == ["simple", "triptan"]
    assert second.headache is False
    with app.app_context():
        assert db.session.scalar(
            select(TreatmentSession.day).where(TreatmentSession.patient_id == other)
        ) == TODAY - timedelta(days=2)


def test_a_file_with_bad_lines_imports_nothing_and_lists_them(client, app, patient):
    future = (TODAY + timedelta(days=3)).isoformat()
    content = "\n".join(
        [
            CSV_HEADER,
            f"{day(5)},yes,5,,,,,,,,,,,",
            f"{day(4)},yes,12,,,,,,,,,,,",
            f"{future},no,,,,,,,,,,,,",
            "1999-05-01,no,,,,,,,,,,,,",
            f"{day(5)},no,,,,,,,,,,,,",
            f"{day(3)},yes,5,,,,,,,,aspirin,,,",
            f"{day(2)},maybe,,,,,,,,,,,,",
            "14/03/2025,no,,,,,,,,,,,,",
        ]
    ).encode()
    response = upload(client, content)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Nothing was imported" in page
    for line, words in (
        (3, "pain must be from 0 to 10"),
        (4, "in the future"),
        (5, "before 2000"),
        (6, "is repeated (first on line 2)"),
        (7, "unknown medicine class"),
        (8, "headache must be yes or no"),
        (9, "YYYY-MM-DD"),
    ):
        assert re.search(rf"Line {line}: [^<]*{re.escape(words)}", page), (line, words)
    assert "Line 2:" not in page
    assert entries_of(app, patient) == []


def test_a_csv_with_a_bom_semicolons_and_excel_quoting(client, app, patient):
    content = (
        "\ufeffdate;headache;pain;medicines;notes\r\n"
        f'{day(3)};yes;6;"simple;triptan";"Said ""never again""; then again"\r\n'
        f"{day(2)};no;;;\r\n"
    ).encode()
    response = upload(client, content)
    assert response.status_code == 302
    first, second = entries_of(app, patient)
    assert first.notes == 'Said "never again"; then again'
    assert sorted(m.medicine_class for m in first.medicines) == ["simple", "triptan"]
    assert second.headache is False


def test_a_windows_encoded_csv_is_read(client, app, patient):
    content = f"date,headache,pain,notes\r\n{day(3)},yes,4,café au lait\r\n".encode("cp1252")
    assert upload(client, content).status_code == 302
    assert entries_of(app, patient)[0].notes == "café au lait"


def test_days_already_in_the_diary_are_errors(client, app, patient):
    tap(client, day(3))
    response = upload(client, f"date,headache\n{day(4)},no\n{day(3)},yes\n".encode())
    assert response.status_code == 400
    assert "Line 3: your diary already has" in response.get_data(as_text=True)
    assert len(entries_of(app, patient)) == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Choose a CSV file."),
        (b"when,what\n2025-01-01,no\n", "missing the column date, headache"),
        (b"date,headache,mood\n2025-01-01,no,ok\n", "unknown column"),
        (b"%PDF-1.4\x00\x01", "not a CSV text file"),
        (b"date,headache\n", "no diary rows"),
    ],
)
def test_files_that_are_not_a_diary(client, app, patient, content, message):
    response = upload(client, content)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert entries_of(app, patient) == []


def test_a_50_mb_csv_is_refused(client, app, patient):
    big = CSV_HEADER.encode() + b"\n" + b"x" * (50 * 1024 * 1024)
    page = upload(client, big)
    assert page.status_code == 413
    api = client.put("/api/v1/me/diary/entries", data=big, content_type="text/csv")
    assert api.status_code == 413
    assert api.mimetype == "application/problem+json"
    assert entries_of(app, patient) == []


def test_a_3_mb_csv_under_the_site_limit_is_refused_by_the_diary(client, app, patient):
    big = CSV_HEADER.encode() + b"\n" + b"x" * (3 * 1024 * 1024)
    assert upload(client, big).status_code == 413
    assert client.put("/api/v1/me/diary/entries", data=big, content_type="text/csv").status_code == 413


def test_the_json_import_by_the_same_rules(client, app, patient):
    good = f"date,headache,pain\n{day(2)},yes,5\n{day(1)},no,\n"
    response = client.put("/api/v1/me/diary/entries", data=good, content_type="text/csv")
    assert response.status_code == 200
    assert response.get_json() == {"imported": 2, "errors": []}
    bad = f"date,headache,pain\n{day(4)},yes,5\n{day(3)},yes,eleven\n{day(2)},no,\n"
    refused = client.put("/api/v1/me/diary/entries", data=bad, content_type="text/csv")
    assert refused.status_code == 400
    body = refused.get_json()
    assert body["imported"] == 0
    assert [e["line"] for e in body["errors"]] == [3, 4]
    assert len(entries_of(app, patient)) == 2
    wrong_type = client.put("/api/v1/me/diary/entries", data=good, content_type="application/json")
    assert wrong_type.status_code == 415
    exported = client.get("/api/v1/me/diary/entries.csv")
    assert exported.mimetype == "text/csv"
    assert exported.get_data(as_text=True).splitlines()[1].startswith(f"{day(2)},yes,5")


def test_the_json_import_needs_the_csrf_header(make_app):
    from config import TestingConfig

    class CsrfConfig(TestingConfig):
        WTF_CSRF_ENABLED = True

    app = make_app(CsrfConfig)
    client = app.test_client()
    with app.app_context():
        factories.make_user(Role.PATIENT, email="csrf.patient@example.com")
    login_page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
    client.post(
        "/auth/login", data={"email": "csrf.patient@example.com", "password": factories.PASSWORD, "csrf_token": token}
    )
    body = f"date,headache\n{day(1)},no\n"
    refused = client.put("/api/v1/me/diary/entries", data=body, content_type="text/csv")
    assert refused.status_code == 400
    assert "X-CSRFToken" in refused.get_json()["detail"]
    diary_page = client.get("/diary/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', diary_page).group(1)
    accepted = client.put(
        "/api/v1/me/diary/entries", data=body, content_type="text/csv", headers={"X-CSRFToken": token}
    )
    assert accepted.status_code == 200, accepted.get_data(as_text=True)


def test_the_openapi_document_has_the_diary(client):
    document = client.get("/api/v1/openapi.json").get_json()
    put = document["paths"]["/api/v1/me/diary/entries"]["put"]
    assert "text/csv" in put["requestBody"]["content"]
    assert {"200", "400", "401", "403", "413"} <= set(put["responses"])
    summary = document["paths"]["/api/v1/me/diary/summary"]["get"]
    assert summary["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/DiarySummary")
    window = document["components"]["schemas"]["DiarySummary.DiaryWindow"]["properties"]
    assert {"start", "end", "days_recorded", "complete", "monthly_headache_days", "mean_pain"} <= set(window)


# Reminders


def test_reminders_are_opt_in_and_saved(client, app, patient):
    page = client.get("/diary/reminders").get_data(as_text=True)
    assert re.search(r'<input checked[^>]*value="off"', page)
    bad = client.post("/diary/reminders", data={"enabled": "on", "time": "25:00", "timezone": "Europe/Madrid"})
    assert bad.status_code == 400
    assert "HH:MM" in bad.get_data(as_text=True)
    zone = client.post("/diary/reminders", data={"enabled": "on", "time": "20:30", "timezone": "Mars/Olympus"})
    assert zone.status_code == 400
    ok = client.post("/diary/reminders", data={"enabled": "on", "time": "20:30", "timezone": "Europe/Madrid"})
    assert ok.status_code == 302
    with app.app_context():
        setting = db.session.get(DiaryReminder, patient)
        assert (setting.enabled, setting.minute_of_day, setting.timezone) == (True, 20 * 60 + 30, "Europe/Madrid")


def test_the_remind_command_sends_once_a_day_at_the_local_time(app, runner):
    with app.app_context():
        patient = factories.make_user(Role.PATIENT, email="remind.me@example.com")
        quiet = factories.make_user(Role.PATIENT, email="recorded.today@example.com")
        off = factories.make_user(Role.PATIENT, email="reminder.off@example.com")
        for user, enabled in ((patient, True), (quiet, True), (off, False)):
            db.session.add(
                DiaryReminder(patient_id=user.id, enabled=enabled, minute_of_day=20 * 60, timezone="America/New_York")
            )
        db.session.commit()
        # 19:30 in New York (UTC-5 in January): too early.
        early = datetime(2026, 1, 15, 0, 30, tzinfo=UTC)
        assert reminders.send_due_reminders(early) == 0
        on_time = datetime(2026, 1, 16, 1, 15, tzinfo=UTC)  # 20:15 on the 15th in New York
        factories.make_diary_entry(quiet, date(2026, 1, 15))
        assert reminders.send_due_reminders(on_time) == 1
        assert reminders.send_due_reminders(on_time + timedelta(hours=2)) == 0  # 22:15, same local day
        mails = db.session.scalars(select(OutboxMessage)).all()
        assert [m.recipient for m in mails] == ["remind.me@example.com"]
        assert "/diary/" in mails[0].body
        assert db.session.get(DiaryReminder, patient.id).last_sent_on == date(2026, 1, 15)
    result = runner.invoke(args=["diary", "remind"])
    assert result.exit_code == 0, result.output
    assert "reminder" in result.output


# Privacy


def test_deleting_the_account_deletes_the_diary(client, app, patient, practice):
    completed_consultation(app, patient, practice["profile"])
    client.post(f"/diary/days/{day(1)}", data=HEADACHE_DAY)
    client.post("/diary/sessions", data={"day": day(2)})
    client.post(f"/diary/sharing/{practice['profile']}")
    client.post("/diary/reminders", data={"enabled": "on", "time": "20:30", "timezone": "UTC"})
    assert client.post("/account/delete", data={"password": factories.PASSWORD}).status_code == 302
    with app.app_context():
        for model in (DiaryEntry, DiaryMedicine, TreatmentSession, DiaryShare, DiaryReminder):
            assert db.session.scalar(select(func.count()).select_from(model)) == 0, model.__name__


def test_the_data_export_holds_the_whole_diary(client, patient):
    client.post(f"/diary/days/{day(1)}", data=HEADACHE_DAY)
    response = client.get("/account/export.json")
    assert response.status_code == 200
    data = response.get_json()
    assert data["account"]["email"] == "diary.patient@example.com"
    [entry] = data["headache_diary"]["entries"]
    assert entry["pain"] == 7 and entry["notes"] == "Started after a short night." and entry["triggers"] == ["sleep"]
    assert {"class": "triptan", "relief": "good"} in entry["medicines"]


def test_health_data_never_reaches_the_log(client, app, patient, caplog):
    caplog.set_level(logging.DEBUG)
    client.post(f"/diary/days/{day(1)}", data={**HEADACHE_DAY, "notes": "secret-note-8841"})
    upload(client, f"date,headache,notes\n{day(3)},yes,secret-note-8842\n".encode())
    client.get("/diary/")
    client.get("/api/v1/me/diary/summary")
    assert "secret-note-88" not in caplog.text


def test_diary_pages_are_never_stored_by_browsers(client, patient):
    assert client.get("/diary/").headers["Cache-Control"] == "no-store"
    assert client.get("/diary/export.csv").headers["Cache-Control"] == "no-store"


# Demo data


def test_seed_demo_gives_the_demo_patient_a_shared_diary_with_sessions(app, runner, client):
    from tests.integration.test_commands import add_demo_cities

    add_demo_cities(app)
    result = runner.invoke(args=["seed-demo", "--practitioners", "60", "--seed", "3"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        patient = db.session.scalar(select(User).where(User.email == "patient@demo.example"))
        entries = db.session.scalar(select(func.count()).where(DiaryEntry.patient_id == patient.id))
        sessions = db.session.scalars(select(TreatmentSession).where(TreatmentSession.patient_id == patient.id)).all()
        assert entries > 120 and len(sessions) == 6
        assert all(s.consultation_id is not None and s.recorded_by_id == 1 for s in sessions)
        assert db.session.scalar(select(DiaryShare.profile_id).where(DiaryShare.patient_id == patient.id)) == 1
        others = db.session.scalar(select(func.count(func.distinct(DiaryEntry.patient_id))))
        assert others > 1
    client.post("/auth/login", data={"email": "patient@demo.example", "password": "calm-needles-2026"})
    summary = client.get("/api/v1/me/diary/summary").get_json()
    assert summary["windows"]["baseline"]["complete"] and summary["windows"]["follow_up"]["complete"]
    assert summary["change"]["monthly_headache_days"] < 0
    assert "No headache today" in client.get("/diary/").get_data(as_text=True)
