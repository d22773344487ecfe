"""The admin outbox never shows a link that would let its reader into someone's account."""

import re

from directory.services.core.mail import redact_secret_links


def test_the_outbox_hides_live_reset_and_confirmation_tokens(app, client, auth, outbox):
    patient = app.test_client()
    patient.post(
        "/auth/signup",
        data={
            "role": "patient",
            "email": "pat@example.com",
            "name": "Pat",
            "password": "calm-needles-2026",
            "confirm": "calm-needles-2026",
        },
    )
    confirm_link = outbox.last_link("pat@example.com")
    patient.post("/auth/forgot", data={"email": "pat@example.com"})
    reset_link = outbox.last_link("pat@example.com")
    assert "/auth/reset/" in reset_link and "/auth/confirm/" in confirm_link

    auth.login("admin")
    page = client.get("/admin/outbox").get_data(as_text=True)
    for link in (confirm_link, reset_link):
        token = link.rsplit("/", 1)[1]
        assert token not in page
    assert "http://localhost/auth/reset/[link hidden]" in page
    assert "http://localhost/auth/confirm/[link hidden]" in page
    assert "Reset your password" in page and "pat@example.com" in page
    # The patient's own mail still works.
    assert patient.get(reset_link.replace("http://localhost", "")).status_code == 200


def test_links_without_a_secret_stay_readable(app):
    with app.test_request_context():
        body = (
            "See it here:\nhttp://localhost/consultations/12\nand http://localhost/auth/reset/abc.def-ghi_j?x=1 then."
        )
        assert redact_secret_links(body) == (
            "See it here:\nhttp://localhost/consultations/12\nand http://localhost/auth/reset/[link hidden]?x=1 then."
        )
        assert redact_secret_links("Open /auth/confirm/eyJ.a.b now") == "Open /auth/confirm/[link hidden] now"
        assert re.search(r"token=\[link hidden\]", redact_secret_links("http://x/y?token=s3cr3t&z=1"))
