"""Roster import pages: upload, map columns, preview, apply; messy files work or fail clearly."""

import html as html_lib
import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select, update
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from directory.extensions import db
from directory.models import AuditEvent, Certification, Notice, OutboxMessage, Role, StoredFile, utcnow
from directory.services.verification.roster import reading, stored
from tests import factories

ROSTER = (
    "Full name,Certificate number,Provider,Completion date,Valid until\n"
    '"Munoz, Jose",mp 100,Myopain Seminars,01.03.2024,2030-03-01\n'
    "John Doe,MP-300,Myopain,2024-03-01,2030-03-01\n"
    "Nobody Known,ZZ-999,Myopain,2024-03-01,2030-03-01\n"
)


@pytest.fixture
def certs(app) -> dict[str, int]:
    """Pending Myopain and KinetaCore certifications keyed by what the roster above says about them."""
    specs = {
        "confirmed": ("José Muñoz", "myopain", "MP-100", "jose@example.com"),
        "contradicted": ("John Smith", "myopain", "MP-300", "john@example.com"),
        "not_mentioned": ("Bob Stone", "myopain", "MP-500", "bob@example.com"),
        "other_body": ("Kim Park", "kinetacore", "KC-1", "kim@example.com"),
    }
    ids = {}
    with app.app_context():
        for key, (name, body, credential, email) in specs.items():
            user = factories.make_user(role=Role.THERAPIST, email=email)
            profile = factories.make_profile(user=user, display_name=name)
            ids[key] = factories.make_certification(
                profile, status="pending", issuing_body=body, credential_id=credential
            ).id
    return ids


def upload(client, data: bytes, body: str = "myopain", filename: str = "reading.csv"):
    # Encoded in memory: the test client would spool a big body to a temporary file it never closes.
    boundary, body_bytes = encode_multipart({"roster": FileStorage(io.BytesIO(data), filename), "body": body})
    return client.post("/admin/rosters", data=body_bytes, content_type=f"multipart/form-data; boundary={boundary}")


def hidden_fields(page: str) -> dict[str, str]:
    form = page[page.index('class="apply-form"') :]
    form = form[: form.index("</form>")]
    return {
        name: html_lib.unescape(value)
        for name, value in re.findall(r'name="([\w-]+)" type="hidden" value="([^"]*)"', form)
    }


def statuses(app) -> dict[int, str]:
    with app.app_context():
        return dict(db.session.execute(select(Certification.id, Certification.status)).all())


def stored_rosters(app) -> list[int]:
    with app.app_context():
        return list(
            db.session.scalars(select(StoredFile.id).where(StoredFile.content_type == stored.ROSTER_CONTENT_TYPE))
        )


def test_upload_preview_and_apply_verifies_only_the_confirmed_ones(client, auth, app, certs):
    admin_id = auth.login(role=Role.ADMIN)
    response = upload(client, ROSTER.encode())
    assert response.status_code == 302
    preview_url = response.headers["Location"]
    assert re.search(r"/admin/rosters/\d+\?body=myopain$", preview_url)

    page = client.get(preview_url).get_data(as_text=True)
    # The column selects are prefilled from the headers.
    assert re.search(r'<select id="name" name="name">.*?<option selected value="0">Full name</option>', page, re.S)
    assert re.search(
        r'<select id="credential_id"[^>]*>.*?<option selected value="1">Certificate number</option>', page, re.S
    )
    assert re.search(r'<select id="expires_on"[^>]*>.*?<option selected value="4">Valid until</option>', page, re.S)
    assert "Confirmed (1)" in page and "Contradicted (1)" in page and "Not mentioned (1)" in page
    assert "Name on roster is &#39;John Doe&#39;, profile says &#39;John Smith&#39;" in page
    assert "Credential id not on the roster" in page
    assert "Roster rows that match nothing (1)" in page and "ZZ-999" in page
    assert "Kim Park" not in page  # another body's certification is not compared
    assert "Verify the 1 confirmed certification" in page

    response = client.post(preview_url.split("?")[0] + "/apply", data=hidden_fields(page))
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/certifications")
    assert "1 certification verified from the roster" in client.get("/admin/certifications").get_data(as_text=True)
    assert statuses(app) == {
        certs["confirmed"]: "verified",
        certs["contradicted"]: "pending",
        certs["not_mentioned"]: "pending",
        certs["other_body"]: "pending",
    }
    with app.app_context():
        verified = db.session.get(Certification, certs["confirmed"])
        assert (verified.reviewer_id, verified.expires_on) == (admin_id, date(2030, 3, 1))
        events = db.session.execute(
            select(AuditEvent.action, AuditEvent.target_id, AuditEvent.actor_id).order_by(AuditEvent.id)
        ).all()
        assert [(action, actor) for action, _, actor in events] == [
            ("certification.verified", admin_id),
            ("roster.applied", admin_id),
        ]
        assert events[0][1] == certs["confirmed"]
        mails = db.session.scalars(select(OutboxMessage)).all()
        assert [(m.recipient, m.subject) for m in mails] == [("jose@example.com", "Your certification is verified")]
        assert db.session.scalar(select(Notice.message).where(Notice.user_id == verified.profile.user_id)).startswith(
            "Your certification is verified"
        )
    # The upload is gone once applied; applying again is refused clearly.
    assert stored_rosters(app) == []
    response = client.post(preview_url.split("?")[0] + "/apply", data=hidden_fields(page), follow_redirects=True)
    assert "no longer kept" in response.get_data(as_text=True)


def test_the_roster_is_kept_on_the_server_not_in_the_session_cookie(client, auth, app, certs):
    auth.login(role=Role.ADMIN)
    upload(client, ROSTER.encode() * 50)
    [file_id] = stored_rosters(app)
    with app.app_context():
        assert db.session.get(StoredFile, file_id).content == ROSTER.encode() * 50
    cookie = client.get_cookie("session")
    assert len(cookie.value) < 400 and "Munoz" not in cookie.value


def test_columns_and_body_can_be_changed_on_the_preview_page(client, auth, app, certs):
    auth.login(role=Role.ADMIN)
    file_id = re.search(r"/admin/rosters/(\d+)", upload(client, ROSTER.encode()).headers["Location"]).group(1)
    # Without the issuing-body column the roster no longer contradicts; without a body filter Kim Park is compared too.
    page = client.get(
        f"/admin/rosters/{file_id}?name=0&credential_id=1&issuing_body=&obtained_on=3&expires_on=4&body="
    ).get_data(as_text=True)
    assert "Kim Park" in page and "Not mentioned (2)" in page
    response = client.get(f"/admin/rosters/{file_id}?name=1&credential_id=1&body=myopain")
    assert response.status_code == 400
    assert "is chosen for both the name and the credential id" in response.get_data(as_text=True)
    assert client.get(f"/admin/rosters/{file_id}?name=9&credential_id=1").status_code == 400


def test_a_roster_without_guessable_columns_asks_for_them(client, auth, app, certs):
    auth.login(role=Role.ADMIN)
    location = upload(client, b"Alpha,Beta\nJose Munoz,MP-100\n").headers["Location"]
    response = client.get(location)
    assert response.status_code == 200
    assert "Choose the column that holds the name." in response.get_data(as_text=True)
    page = client.get(location.split("?")[0] + "?name=0&credential_id=1&body=myopain").get_data(as_text=True)
    assert "Confirmed (1)" in page


MESSY = {
    "bom": b"\xef\xbb\xbfName,Credential ID\nJose Munoz,MP-100\n",
    "semicolons": "Name;Credential ID;Expiry\nJosé Muñoz;MP 100;01.03.2030\n".encode(),
    "quoted_commas": 'Name,Credential ID,Provider\n"Muñoz, José",MP-100,"Myopain Seminars, LLC"\n'.encode(),
    "extra_columns": "Name,Credential ID\nJosé Muñoz,MP-100,extra,more\n".encode(),
    "missing_columns": "Name,Credential ID,Expiry\nJosé Muñoz,MP-100\n".encode(),
    "cp1252": "Name;Credential ID\r\nJosé Muñoz;MP-100\r\n".encode("cp1252"),
    "tabs_crlf": "Name\tCredential ID\r\nJosé Muñoz\tmp-100\r\n".encode(),
}


@pytest.mark.parametrize("kind", sorted(MESSY))
def test_messy_but_readable_files_preview(client, auth, app, certs, kind):
    auth.login(role=Role.ADMIN)
    response = upload(client, MESSY[kind])
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Confirmed (1)" in page
    assert f"certification_id={certs['confirmed']}" in page or f"/admin/certifications/{certs['confirmed']}" in page
    if kind == "extra_columns":
        assert "1 row has more cells than the header; the extra cells are ignored." in page
    if kind == "missing_columns":
        assert "1 row has fewer cells than the header; the missing cells are read as empty." in page
    if kind == "cp1252":
        assert "read as cp1252" in page


UNREADABLE = {
    "empty": (b"", "The file is empty."),
    "binary": (b"\x00\x01\x02\x03binary\x00junk" * 20, "binary data"),
    "png": (b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "This looks like a PNG image, not a CSV file."),
    "xlsx": (b"PK\x03\x04" + b"\x00" * 50, "an .xlsx workbook"),
    "header_only": (b"Name,Credential ID\n", "The file has a header row but no data rows."),
    "one_column": (b"Name\nJose\nAna\n", "Only one column was found."),
    "no_header": (b"12345,2024-03-01\n67890,2024-04-01\n", "The first row should name the columns"),
    "too_large": (
        b"Name,Credential ID\n" + b"Jose Munoz,MP-100\n" * (reading.MAX_BYTES // 18 + 1),
        "the limit is 20 MB.",
    ),
}


@pytest.mark.parametrize("kind", sorted(UNREADABLE))
def test_unreadable_files_fail_with_a_400_and_a_message(client, auth, app, certs, kind):
    data, message = UNREADABLE[kind]
    if kind == "too_large":
        assert len(data) > reading.MAX_BYTES
    auth.login(role=Role.ADMIN)
    response = upload(client, data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert html_lib.escape(message, quote=True) in page or message in page, page[-3000:]
    assert stored_rosters(app) == []


def test_a_request_over_the_size_limit_is_refused_before_reading(client, auth, app):
    auth.login(role=Role.ADMIN)
    response = upload(client, b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1))
    assert response.status_code == 413
    assert stored_rosters(app) == []


def test_no_file_is_a_400(client, auth):
    auth.login(role=Role.ADMIN)
    response = client.post("/admin/rosters", data={"body": "myopain"}, content_type="multipart/form-data")
    assert response.status_code == 400 and "Choose the roster file." in response.get_data(as_text=True)


def test_a_change_between_preview_and_apply_stops_the_apply(client, auth, app, certs):
    auth.login(role=Role.ADMIN)
    location = upload(client, ROSTER.encode()).headers["Location"]
    page = client.get(location).get_data(as_text=True)
    with app.app_context():
        # Another admin rejects the confirmed certification after this preview was shown.
        db.session.execute(
            update(Certification).where(Certification.id == certs["confirmed"]).values(status="rejected", version=2)
        )
        db.session.commit()
    response = client.post(location.split("?")[0] + "/apply", data=hidden_fields(page), follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "The pending certifications changed since the preview" in html
    assert "Confirmed (0)" in html  # the fresh preview is shown again
    assert statuses(app)[certs["confirmed"]] == "rejected"
    with app.app_context():
        assert db.session.scalars(select(AuditEvent)).all() == []
    assert len(stored_rosters(app)) == 1


def test_apply_with_tampered_columns_is_a_400(client, auth, app, certs):
    auth.login(role=Role.ADMIN)
    location = upload(client, ROSTER.encode()).headers["Location"]
    fields = hidden_fields(client.get(location).get_data(as_text=True))
    response = client.post(location.split("?")[0] + "/apply", data={**fields, "name": "first"})
    assert response.status_code == 400
    response = client.post(location.split("?")[0] + "/apply", data={**fields, "token": ""})
    assert response.status_code == 400
    assert statuses(app)[certs["confirmed"]] == "pending"


def test_rosters_older_than_a_day_are_gone_and_purged(client, auth, app, certs):
    auth.login(role=Role.ADMIN)
    location = upload(client, ROSTER.encode()).headers["Location"]
    [old_id] = stored_rosters(app)
    with app.app_context():
        db.session.execute(
            update(StoredFile).where(StoredFile.id == old_id).values(created_at=utcnow() - timedelta(days=2))
        )
        db.session.commit()
    response = client.get(location, follow_redirects=True)
    assert "no longer kept" in response.get_data(as_text=True)
    upload(client, b"Name,Credential ID\nAna Ruiz,DN-5\n")
    with app.app_context():
        kept = db.session.scalars(select(StoredFile).where(StoredFile.content_type == stored.ROSTER_CONTENT_TYPE)).all()
        assert [file.content for file in kept] == [b"Name,Credential ID\nAna Ruiz,DN-5\n"]


def test_evidence_files_are_never_read_as_rosters(client, auth, app):
    with app.app_context():
        evidence = factories.make_evidence("pdf")
        db.session.commit()
        evidence_id = evidence.id
    auth.login(role=Role.ADMIN)
    response = client.get(f"/admin/rosters/{evidence_id}", follow_redirects=True)
    assert "no longer kept" in response.get_data(as_text=True)


def test_expired_certifications_are_listed_apart_and_never_verified(client, auth, app):
    with app.app_context():
        ids = {}
        for key, name, credential, expires in (
            ("current", "José Muñoz", "MP-100", None),
            ("own_date_passed", "Ann Lee", "MP-400", date(2024, 6, 26)),
            ("roster_date_passed", "Eve Hart", "MP-700", None),
        ):
            user = factories.make_user(role=Role.THERAPIST, email=f"{credential.lower()}@example.com")
            profile = factories.make_profile(user=user, display_name=name)
            ids[key] = factories.make_certification(
                profile, status="pending", issuing_body="myopain", credential_id=credential, expires_on=expires
            ).id
    roster = (
        "Full name,Certificate number,Provider,Completion date,Valid until\n"
        "Dr. Jose Munoz,MP-100,Myopain,2024-03-01,2030-03-01\n"
        "Ann Lee,MP-400,Myopain,2022-06-26,\n"
        "Eve Hart,MP-700,Myopain,2021-01-01,2024-06-26\n"
    )
    auth.login(role=Role.ADMIN)
    preview_url = upload(client, roster.encode()).headers["Location"]
    page = client.get(preview_url).get_data(as_text=True)
    assert "Confirmed (1)" in page and "Expired: will not be verified (2)" in page and "Contradicted (0)" in page
    expired = page[page.index('id="expired"') : page.index('id="contradicted"')]
    assert "Ann Lee" in expired and "The certification says it expired on 2024-06-26" in expired
    assert "Eve Hart" in expired and "Roster says it expired on 2024-06-26" in expired
    assert "Verify the 1 confirmed certification" in page

    client.post(preview_url.split("?")[0] + "/apply", data=hidden_fields(page))
    assert statuses(app) == {
        ids["current"]: "verified",
        ids["own_date_passed"]: "pending",
        ids["roster_date_passed"]: "pending",
    }
    with app.app_context():
        mails = db.session.scalars(select(OutboxMessage)).all()
        assert [m.recipient for m in mails] == ["mp-100@example.com"]
        assert "until 01 March 2030" in mails[0].body
        assert all("2024" not in m.body for m in mails)
