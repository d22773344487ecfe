"""A therapist's certifications: submitting with evidence, correcting, answering questions, withdrawing."""

import html
import io
import re
from datetime import date, timedelta

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter
from sqlalchemy import func, select, update
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from directory.extensions import db
from directory.models import AuditEvent, Certification, StoredFile, TherapistProfile, User, utcnow
from directory.services.core.uploads import Upload
from directory.services.verification import certifications
from tests import factories
from tests.factories import MINIMAL_PDF as PDF

GPS_IFD = 0x8825


def flat_png(size: tuple[int, int]) -> bytes:
    """A one-colour PNG: small on disk, however many pixels it has."""
    buffer = io.BytesIO()
    Image.new("1", size).save(buffer, "PNG")
    return buffer.getvalue()


def pdf_with_author() -> bytes:
    """A one-page PDF whose document info names its author."""
    writer = PdfWriter()
    writer.add_blank_page(300, 200)
    writer.add_metadata({"/Author": "Dr Hidden Author"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def png_with_gps() -> bytes:
    exif = Image.Exif()
    gps = exif.get_ifd(GPS_IFD)
    gps[1], gps[2], gps[3], gps[4] = "N", (51.0, 30.0, 0.0), "W", (0.0, 7.0, 0.0)
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), "white").save(buffer, "PNG", exif=exif.tobytes())
    return buffer.getvalue()


@pytest.fixture
def therapist(app, auth) -> int:
    """A logged-in therapist with a draft profile; returns the user id."""
    user_id = auth.login(role="therapist")
    with app.app_context():
        factories.make_profile(
            user=db.session.get(User, user_id), published=True, display_name="Dr Lee Park", slug="lee-park"
        )
    return user_id


@pytest.fixture
def own(app, therapist):
    """make(status=..., **fields) -> id of a certification of the logged-in therapist, with a PDF as evidence."""

    def make(status: str = "pending", **fields) -> int:
        with app.app_context():
            profile = db.session.get(User, therapist).profile
            evidence = factories.make_evidence("pdf", filename="old-scan.pdf")
            certification = factories.make_certification(profile, status=status, evidence=evidence, **fields)
            return certification.id

    return make


def form(**changes) -> dict:
    data = {
        "issuing_body": "kinetacore",
        "issuing_body_other": "",
        "programme": "Level 2",
        "credential_id": "KC-2291",
        "training_hours": "54",
        "obtained_on": "2021-06-30",
        "expires_on": "",
    }
    data.update(changes)
    return data


def post(client, path: str, fields: dict, evidence: tuple[bytes, str] | None = None, follow: bool = False):
    """POST a multipart form, encoded in memory (the test client would spool a large body to an unclosed temporary file)."""
    values = dict(fields)
    if evidence is not None:
        values["evidence"] = FileStorage(io.BytesIO(evidence[0]), evidence[1])
    boundary, body = encode_multipart(values)
    return client.post(
        path, data=body, content_type=f'multipart/form-data; boundary="{boundary}"', follow_redirects=follow
    )


def loaded(app, certification_id: int) -> Certification | None:
    with app.app_context():
        certification = db.session.get(Certification, certification_id)
        if certification is not None:
            certification.evidence  # noqa: B018 - load it before detaching
        db.session.expunge_all()
        return certification


def audit_actions(app) -> list[tuple[str, dict]]:
    with app.app_context():
        return [(e.action, e.details) for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def flashes(response) -> str:
    return " ".join(
        html.unescape(t) for t in re.findall(r'<p class="flash[^"]*">(.*?)</p>', response.get_data(as_text=True), re.S)
    )


def only_certification(app, user_id: int) -> Certification:
    """The one certification of this therapist, detached with its evidence."""
    with app.app_context():
        [certification] = db.session.scalars(
            select(Certification).join(TherapistProfile).where(TherapistProfile.user_id == user_id)
        ).all()
        certification.evidence  # noqa: B018 - load it before detaching
        db.session.expunge_all()
        return certification


# Adding -----------------------------------------------------------------------------------


def test_adding_a_certification_stores_the_evidence_and_awaits_verification(app, client, therapist):
    response = post(client, "/therapist/certifications/new", form(), (PDF, "My certificate.pdf"), follow=True)
    assert response.status_code == 200
    assert "Your certification is submitted. Our team will verify it against the evidence." in flashes(response)
    page = response.get_data(as_text=True)
    assert "KinetaCore, Level 2" in page and "Awaiting verification" in page
    certification = only_certification(app, therapist)
    assert certification.status == "pending"
    assert (certification.issuing_body, certification.issuing_body_other, certification.programme) == (
        "kinetacore",
        None,
        "Level 2",
    )
    assert (certification.credential_id, certification.training_hours) == ("KC-2291", 54)
    assert (certification.obtained_on, certification.expires_on) == (date(2021, 6, 30), None)
    assert (certification.evidence.filename, certification.evidence.content_type) == (
        "My certificate.pdf",
        "application/pdf",
    )
    assert len(PdfReader(io.BytesIO(certification.evidence.content)).pages) == 1
    assert audit_actions(app) == [("certification.submitted", {"issuing_body": "kinetacore"})]


def test_other_programme_needs_its_name(app, client, therapist):
    response = post(client, "/therapist/certifications/new", form(issuing_body="other"), (PDF, "c.pdf"))
    assert response.status_code == 400
    assert "Name the program that certified you." in response.get_data(as_text=True)
    post(
        client,
        "/therapist/certifications/new",
        form(issuing_body="other", issuing_body_other="Dry Needling Academy Perth"),
        (PDF, "c.pdf"),
    )
    certification = only_certification(app, therapist)
    assert (certification.issuing_body, certification.issuing_body_other) == ("other", "Dry Needling Academy Perth")
    assert "Dry Needling Academy Perth" in client.get("/therapist/certifications").get_data(as_text=True)


def test_a_named_body_forgets_an_other_name(app, client, therapist):
    post(client, "/therapist/certifications/new", form(issuing_body_other="Left over"), (PDF, "c.pdf"))
    assert only_certification(app, therapist).issuing_body_other is None


HOSTILE = [
    ("issuing_body", "", "Choose the organization that trained you, or Other."),
    ("issuing_body", "bogus-academy", "Not a valid choice."),
    ("issuing_body_other", "o" * 10_000, "Use at most 160 characters."),
    ("programme", "p" * 10_000, "Use at most 160 characters."),
    ("credential_id", "c" * 81, "Use at most 80 characters."),
    ("credential_id", "KC\x00-1", "Remove the invisible control characters from this text."),
    ("training_hours", "fifty", "Enter a whole number of hours, such as 54."),
    ("training_hours", "-1", "Enter from 0 to 5,000 hours."),
    ("training_hours", "99999", "Enter from 0 to 5,000 hours."),
    ("obtained_on", "", "Enter the date on the certificate."),
    ("obtained_on", "2021-13-45", "Enter a date such as 2021-06-30."),
    ("obtained_on", "<script>alert(1)</script>", "Enter a date such as 2021-06-30."),
    ("obtained_on", (date.today() + timedelta(days=3)).isoformat(), "This date is in the future."),
    ("obtained_on", "1900-01-01", "Check the year of this date."),
    ("expires_on", "2020-01-01", "The expiry date must come after the date obtained."),
    ("expires_on", "soon", "Enter a date such as 2027-06-30."),
]


@pytest.mark.parametrize(
    ("field", "value", "message"), HOSTILE, ids=[f"{f}-{i}" for i, (f, _, _) in enumerate(HOSTILE)]
)
def test_hostile_input_comes_back_with_a_message(app, client, therapist, field, value, message):
    response = post(client, "/therapist/certifications/new", form(**{field: value}), (PDF, "c.pdf"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page
    for name, kept in form().items():
        if name != field and kept and name != "issuing_body":
            assert f'value="{kept}"' in page, name
    assert "Browsers forget a chosen file when a form comes back: choose it again." in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Certification)) == 0


def test_script_and_unicode_are_kept_as_text(app, client, therapist):
    post(
        client,
        "/therapist/certifications/new",
        form(programme="<script>alert(1)</script>", credential_id="Nº 42-ß"),
        (PDF, "c.pdf"),
    )
    certification = only_certification(app, therapist)
    assert (certification.programme, certification.credential_id) == ("<script>alert(1)</script>", "Nº 42-ß")
    for path in ("/therapist/certifications", f"/therapist/certifications/{certification.id}", "/therapist/"):
        page = client.get(path).get_data(as_text=True)
        assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page, path


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (None, None, "Choose the file with your certificate."),
        (b"", "certificate.pdf", "The file is empty."),
        (b"This is plain text pretending.", "certificate.pdf", "Upload a PDF, PNG or JPEG file."),
        (b"MZ\x90\x00" + b"\x00" * 100, "certificate.png", "Upload a PDF, PNG or JPEG file."),
        (b"%PDF-1.4\n" + b"x" * (5 * 1024 * 1024), "big.pdf", "The file is too large: the limit is 5 MB."),
        (b"%PDF-1.4\n1 0 obj", "cut.pdf", "This PDF is damaged or incomplete."),
        (
            PDF.replace(b"%PDF-1.4\n", b"%PDF-1.4\n%<html><script>alert(1)</script>\n"),
            "c.pdf",
            "This file is not a plain PDF.",
        ),
        (b"%PDF-1.4\n" + bytes(range(256)) * 4 + b"\n%%EOF\n", "garbage.pdf", "This PDF is damaged or incomplete."),
        (
            flat_png((5000, 5000)),
            "huge-scan.png",
            "This image is too large: at most 24 megapixels are accepted (this one is 5000 x 5000).",
        ),
    ],
    ids=[
        "missing",
        "empty",
        "text-named-pdf",
        "exe-named-png",
        "oversize",
        "truncated-pdf",
        "pdf-html-polyglot",
        "pdf-garbage",
        "image-over-24-megapixels",
    ],
)
def test_bad_evidence_is_refused(app, client, therapist, content, filename, message):
    evidence = (content, filename) if content is not None else None
    response = post(client, "/therapist/certifications/new", form(), evidence)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(StoredFile)) == 0


def test_evidence_image_is_stored_without_its_gps_position(app, client, therapist):
    data = png_with_gps()
    with Image.open(io.BytesIO(data)) as image:
        assert image.getexif().get_ifd(GPS_IFD), "the fixture must carry GPS for this test to mean anything"
    post(client, "/therapist/certifications/new", form(), (data, "scan.png"))
    certification = only_certification(app, therapist)
    assert certification.evidence.content_type == "image/png"
    with Image.open(io.BytesIO(certification.evidence.content)) as image:
        assert image.format == "PNG" and not image.getexif() and "exif" not in image.info


def test_evidence_pdf_is_stored_without_its_author(app, client, therapist):
    assert b"Dr Hidden Author" in pdf_with_author(), "the fixture must name an author for this test to mean anything"
    post(client, "/therapist/certifications/new", form(), (pdf_with_author(), "scan.pdf"))
    certification = only_certification(app, therapist)
    assert b"Dr Hidden Author" not in certification.evidence.content
    assert PdfReader(io.BytesIO(certification.evidence.content)).metadata is None


def test_adding_needs_a_profile_first(app, client, auth):
    auth.login(role="therapist")
    response = client.get("/therapist/certifications/new")
    assert response.status_code == 302 and response.headers["Location"] == "/therapist/profile"
    with app.app_context():
        user = factories.make_user(role="therapist")
        with pytest.raises(certifications.CertificationError, match="Fill in your profile first"):
            certifications.add_certification(user, certifications.CertificationData("myopain"), Upload("c.pdf", PDF))


# Status and what to do next ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "fields", "label", "advice"),
    [
        ("pending", {}, "Awaiting verification", "Nothing to do: you will get a notice when it is decided."),
        (
            "pending",
            {"info_requested": "Please send the page with your hours."},
            "Information requested",
            "answer it by uploading a new evidence document",
        ),
        (
            "verified",
            {},
            "Verified",
            "Changing the issuer, the credential number or the dates sends it back for verification.",
        ),
        (
            "verified",
            {"expires_on": date.today() + timedelta(days=20)},
            "Verified, expires on",
            "Renew it in time: edit it with the renewed certificate and the new expiry date.",
        ),
        (
            "verified",
            {"expires_on": date.today() - timedelta(days=1)},
            "Expired",
            "It no longer counts towards your verified badge.",
        ),
        ("expired", {}, "Expired", "Edit it with the renewed certificate and its new expiry date"),
        (
            "rejected",
            {"reason": "The certificate names someone else."},
            "Not accepted",
            "Reason given: The certificate names someone else. Correct the details or upload clearer evidence",
        ),
    ],
)
def test_status_is_shown_with_what_to_do_next(client, own, status, fields, label, advice):
    certification_id = own(status, **fields)
    for path in ("/therapist/certifications", f"/therapist/certifications/{certification_id}"):
        page = html.unescape(client.get(path).get_data(as_text=True))
        assert label in page and advice in page, path


def test_information_request_is_shown_and_answered_with_new_evidence(app, client, own):
    certification_id = own("pending", info_requested="Please send the page that shows your training hours.")
    before = loaded(app, certification_id)
    page = client.get(f"/therapist/certifications/{certification_id}").get_data(as_text=True)
    assert "Our team asks" in page and "Please send the page that shows your training hours." in page
    dashboard = client.get("/therapist/").get_data(as_text=True)
    assert "Our team asked for more information about Myopain Seminars." in dashboard

    response = post(
        client,
        f"/therapist/certifications/{certification_id}/answer",
        {"version": str(before.version)},
        (png_with_gps(), "hours.png"),
        follow=True,
    )
    assert "Thank you: your new evidence is sent to our team." in flashes(response)
    after = loaded(app, certification_id)
    assert (after.status, after.info_requested) == ("pending", None)
    assert after.evidence.filename == "hours.png" and after.evidence_id != before.evidence_id
    with app.app_context():
        assert db.session.get(StoredFile, before.evidence_id) is None  # the old document is gone
    assert audit_actions(app) == [("certification.info_provided", {})]


def test_answer_without_a_file_comes_back(client, own):
    certification_id = own("pending", info_requested="Which level?")
    response = post(client, f"/therapist/certifications/{certification_id}/answer", {"version": "1"})
    assert response.status_code == 400
    assert "Choose the file to upload." in response.get_data(as_text=True)


# Editing ----------------------------------------------------------------------------------


def edit(client, certification_id, evidence=None, **changes):
    current = client.get(f"/therapist/certifications/{certification_id}").get_data(as_text=True)
    version = re.search(r'id="version" name="version" type="hidden" value="(\d+)"', current).group(1)
    fields = form(
        issuing_body="myopain", programme="", credential_id="", training_hours="", obtained_on="", expires_on=""
    )
    for name in ("programme", "credential_id", "training_hours", "obtained_on", "expires_on", "issuing_body_other"):
        tag = re.search(rf'<input[^>]* name="{name}"[^>]*>', current).group(0)
        fields[name] = html.unescape(re.search(r'value="([^"]*)"', tag).group(1))
    fields.update(changes, version=version)
    return post(client, f"/therapist/certifications/{certification_id}", fields, evidence, follow=True)


def test_edit_form_shows_the_stored_values(client, own):
    certification_id = own("pending", programme="Level 1", training_hours=27)
    page = client.get(f"/therapist/certifications/{certification_id}").get_data(as_text=True)
    assert 'value="Level 1"' in page and 'value="27"' in page
    assert '<option selected value="myopain">Myopain Seminars</option>' in page


@pytest.mark.parametrize(
    "change",
    [{"credential_id": "NEW-1"}, {"issuing_body": "eim"}, {"obtained_on": "2020-01-01"}, {"expires_on": "2031-01-01"}],
    ids=["credential", "issuer", "obtained", "expiry"],
)
def test_changing_what_was_verified_sends_it_back_to_pending(app, client, own, change):
    certification_id = own("verified", reviewer=None, decided_at=utcnow())
    response = edit(client, certification_id, **change)
    assert "The certification goes back to our team for verification." in flashes(response)
    certification = loaded(app, certification_id)
    assert (certification.status, certification.decided_at, certification.reviewer_id) == ("pending", None, None)
    [(action, details)] = audit_actions(app)
    assert action == "certification.resubmitted"
    assert details["previous_status"] == "verified" and details["changed"] == sorted(change)


def test_new_evidence_on_a_verified_certification_is_checked_again(app, client, own):
    certification_id = own("verified")
    edit(client, certification_id, evidence=(PDF, "renewed.pdf"))
    certification = loaded(app, certification_id)
    assert (certification.status, certification.evidence.filename) == ("pending", "renewed.pdf")
    assert audit_actions(app)[0][1]["changed"] == ["evidence"]


def test_descriptive_changes_keep_a_certification_verified(app, client, own):
    certification_id = own("verified")
    response = edit(client, certification_id, programme="Level 2 (head and neck)", training_hours="60")
    assert "Your changes are saved." in flashes(response)
    certification = loaded(app, certification_id)
    assert (certification.status, certification.programme, certification.training_hours) == (
        "verified",
        "Level 2 (head and neck)",
        60,
    )
    assert audit_actions(app) == []


def test_correcting_a_rejected_certification_resubmits_it(app, client, own):
    certification_id = own("rejected", reason="Unreadable scan")
    edit(client, certification_id, evidence=(PDF, "clear-scan.pdf"))
    certification = loaded(app, certification_id)
    assert (certification.status, certification.reason) == ("pending", None)
    [(action, details)] = audit_actions(app)
    assert (action, details["previous_status"], details["previous_reason"]) == (
        "certification.resubmitted",
        "rejected",
        "Unreadable scan",
    )


def test_verified_edit_drops_the_badge_in_search(client, own):
    certification_id = own("verified")
    verified_only = client.get("/search?lat=40.75&lon=-73.98").get_data(as_text=True)
    assert "Dr Lee Park" in verified_only and "✓ Verified certification" in verified_only
    edit(client, certification_id, credential_id="KC-NEW")
    assert "Dr Lee Park" not in client.get("/search?lat=40.75&lon=-73.98").get_data(as_text=True)
    everyone = client.get("/search?lat=40.75&lon=-73.98&show=all").get_data(as_text=True)
    assert "Dr Lee Park" in everyone and "Certification not verified" in everyone


def test_stale_version_is_refused_with_a_reload_message(app, client, own):
    certification_id = own("pending")
    before = loaded(app, certification_id)
    with app.app_context():  # an admin decides in the meantime
        db.session.get(Certification, certification_id).status = "verified"
        db.session.commit()
    fields = form(version=str(before.version), credential_id="CHANGED")
    response = post(client, f"/therapist/certifications/{certification_id}", fields, follow=True)
    assert "This certification was changed in the meantime, perhaps by our team. Reload the page" in flashes(response)
    assert loaded(app, certification_id).credential_id != "CHANGED"


def test_concurrent_change_during_the_save_is_caught(app, own, therapist):
    certification_id = own("pending")
    with app.app_context():
        user = db.session.get(User, therapist)
        certification = db.session.get(Certification, certification_id)
        version = certification.version
        # Another transaction bumps the row after we loaded it: SQLAlchemy's version check catches it.
        with db.engine.begin() as other:
            other.execute(update(Certification).where(Certification.id == certification_id).values(version=version + 1))
        with pytest.raises(certifications.StaleCertification):
            certifications.update_certification(
                user, certification, certifications.CertificationData("myopain", credential_id="RACE"), None, version
            )
    assert loaded(app, certification_id).credential_id != "RACE"


# Withdrawing, downloading, other people's ------------------------------------------------


def test_withdrawing_deletes_it_with_its_evidence_and_leaves_a_trace(app, client, own):
    certification_id = own("verified")
    evidence_id = loaded(app, certification_id).evidence_id
    response = client.post(
        f"/therapist/certifications/{certification_id}/withdraw", data={"version": "1"}, follow_redirects=True
    )
    assert "The certification is withdrawn and its evidence deleted." in flashes(response)
    assert loaded(app, certification_id) is None
    with app.app_context():
        assert db.session.get(StoredFile, evidence_id) is None
    [(action, details)] = audit_actions(app)
    assert action == "certification.withdrawn" and details["status"] == "verified"


def test_withdrawing_an_outdated_page_is_refused(app, client, own):
    certification_id = own("pending")
    response = client.post(
        f"/therapist/certifications/{certification_id}/withdraw", data={"version": "7"}, follow_redirects=True
    )
    assert "changed in the meantime" in flashes(response)
    assert loaded(app, certification_id) is not None


def test_owner_downloads_their_evidence(app, client, own):
    certification_id = own("pending")
    response = client.get(f"/therapist/certifications/{certification_id}/evidence")
    assert response.status_code == 200
    assert response.data == loaded(app, certification_id).evidence.content
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == "attachment; filename=old-scan.pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response.headers["Cache-Control"] and "private" in response.headers["Cache-Control"]


def test_another_therapists_certification_is_not_found(app, client, auth):
    with app.app_context():
        profile = factories.make_profile(display_name="Someone Else")
        foreign = factories.make_certification(profile, status="verified", evidence=factories.make_evidence("pdf"))
        foreign_id = foreign.id
        db.session.commit()
    auth.login(role="therapist")
    base = f"/therapist/certifications/{foreign_id}"
    assert client.get(base).status_code == 404
    assert post(client, base, form(version="1", credential_id="HIJACK")).status_code == 404
    assert post(client, f"{base}/answer", {"version": "1"}, (PDF, "x.pdf")).status_code == 404
    assert client.get(f"{base}/evidence").status_code == 404
    assert client.post(f"{base}/withdraw", data={"version": "1"}).status_code == 404
    certification = loaded(app, foreign_id)
    assert (certification.status, certification.credential_id != "HIJACK") == ("verified", True)
    assert audit_actions(app) == []


@pytest.mark.parametrize(("role", "status"), [("patient", 403), ("admin", 403), (None, 302)])
def test_evidence_is_refused_to_everyone_but_the_owner_here(app, client, auth, role, status):
    with app.app_context():
        profile = factories.make_profile()
        certification_id = factories.make_certification(profile, evidence=factories.make_evidence("pdf")).id
        db.session.commit()
    if role:
        auth.login(role=role)
    response = client.get(f"/therapist/certifications/{certification_id}/evidence")
    assert response.status_code == status
    assert b"%PDF" not in response.data


def test_a_verified_certification_without_a_document_asks_for_none(app, client, therapist):
    with app.app_context():
        profile = db.session.get(User, therapist).profile
        verified = factories.make_certification(profile, status="verified").id
        pending = factories.make_certification(profile, status="pending").id
    page = client.get(f"/therapist/certifications/{verified}").get_data(as_text=True)
    assert "there is nothing to upload" in page and "No evidence document is on file" not in page
    page = client.get(f"/therapist/certifications/{pending}").get_data(as_text=True)
    assert "No evidence document is on file. Upload one below" in page
