"""The admin pages in Spanish under /es/: every page, its forms' errors and its flashes; the stored data stays as stored.

The English admin pages keep their words (tests/integration/test_admin_*.py pin them).
"""

import csv
import html
import io
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from directory.admin import display
from directory.extensions import db
from directory.models import AuditEvent, Certification, OutboxMessage, Role, StoredFile
from directory.services.core import audit
from tests import factories
from tests.spanish import assert_spanish

# A body's export with an unnamed column, a row too long, a row without a credential id and a date nobody can read.
ROSTER = (
    "Full name,Certificate number,Provider,Completion date,Valid until,,Notes\n"
    '"Munoz, Jose",mp 100,Myopain Seminars,01.03.2024,2030-03-01,,\n'
    "Juan Gomez,MP-300,Myopain,el martes,2030-03-01,,\n"
    "Ana Leon,MP-400,Myopain,2022-06-26,2024-06-26,,\n"
    "Nobody Known,ZZ-999,Myopain,2024-03-01,2030-03-01,,,extra\n"
    "No Number,,Myopain,2024-03-01,2030-03-01,,\n"
)


@pytest.fixture
def admin_site(app):
    """An admin, therapists with certifications in every state, reviews to moderate, a suspended patient, audit events of
    every kind and a Spanish mail in the outbox; returns their ids."""
    today = date.today()
    with app.app_context():
        admin = factories.make_user(role=Role.ADMIN, email="jefa@example.com", name="Jefa Admin")
        ids = {"admin": admin.id}

        def therapist(name: str, email: str):
            user = factories.make_user(role=Role.THERAPIST, email=email)
            return factories.make_profile(
                user=user,
                display_name=name,
                profession="pt",
                licence_number="FT-1234",
                licence_jurisdiction="Madrid",
                clinic_name="Clínica Sol",
                city="Madrid",
            )

        jose = therapist("José Muñoz", "jose@example.com")
        ids["jose_user"] = jose.user_id
        ids["asked"] = factories.make_certification(
            jose,
            status="pending",
            credential_id="MP-100",
            programme="Punción seca 1",
            training_hours=27,
            expires_on=today + timedelta(days=400),
            evidence=factories.make_evidence("pdf", filename="certificado.pdf"),
            info_requested="Envíe la segunda página del certificado.",
            reviewer_id=admin.id,
            decided_at=datetime.now(UTC),
        ).id
        ids["rejected"] = factories.make_certification(
            jose,
            status="rejected",
            issuing_body="kinetacore",
            credential_id="KC-1",
            reviewer_id=admin.id,
            decided_at=datetime.now(UTC),
            reason="The evidence cannot be read or is incomplete. Falta la segunda página.",
        ).id
        ids["verified"] = factories.make_certification(
            jose, status="verified", issuing_body="eim", credential_id="EIM-9", reviewer_id=admin.id
        ).id
        juan = therapist("Juan Smith", "juan@example.com")
        ids["no_evidence"] = factories.make_certification(juan, status="pending", credential_id="MP-300").id
        ana = therapist("Ana León", "ana@example.com")
        ids["past_expiry"] = factories.make_certification(
            ana,
            status="pending",
            credential_id="MP-400",
            expires_on=today - timedelta(days=10),
            evidence=factories.make_evidence("png"),
        ).id
        otro = therapist("Berta Gil", "berta@example.com")
        ids["other_programme"] = factories.make_certification(
            otro, status="pending", issuing_body="other", issuing_body_other="Academia Sur", credential_id="AS-7"
        ).id

        patient = factories.make_user(email="paciente@example.com", name="Pilar Paz")
        ids["patient"] = patient.id
        ids["flagged"] = factories.make_review(
            jose,
            author=patient,
            rating=1,
            status="flagged",
            text="Muy mal, y aquí está la dirección de su casa.",
            flags=("Contiene una dirección", "Ofensiva", "Falsa", "Spam"),
        ).id
        ids["hidden"] = factories.make_review(juan, rating=5, status="removed", text="Reseña pagada, no es real.").id
        suspended = factories.make_user(email="suspendida@example.com", active=False)
        ids["suspended"] = suspended.id

        # One event of every action the site records, with the details it stores.
        for actor, action, target_type, target_id, details in (
            (None, "admin.created", "user", admin.id, {"email": admin.email}),
            (jose.user, "certification.submitted", "certification", ids["asked"], {"issuing_body": "myopain"}),
            (admin, "certification.info_requested", "certification", ids["asked"], {"message": "Envíe la página 2."}),
            (jose.user, "certification.info_provided", "certification", ids["asked"], {}),
            (admin, "certification.verified", "certification", ids["verified"], {"source": "review"}),
            (
                admin,
                "certification.verified",
                "certification",
                ids["verified"],
                {"source": "roster", "row": 2, "roster_name": "José Muñoz", "roster_expires_on": "2030-03-01"},
            ),
            (
                admin,
                "certification.rejected",
                "certification",
                ids["rejected"],
                {"reason": "The evidence cannot be read or is incomplete. Falta la segunda página."},
            ),
            (
                jose.user,
                "certification.resubmitted",
                "certification",
                ids["rejected"],
                {
                    "previous_status": "rejected",
                    "changed": ["credential_id", "evidence"],
                    "previous_reason": "The certification has expired.",
                },
            ),
            (jose.user, "certification.withdrawn", "certification", 999, {"status": "pending", "issuing_body": "eim"}),
            (None, "certification.expired", "certification", ids["verified"], {"expires_on": "2025-03-03"}),
            (
                admin,
                "roster.applied",
                "roster",
                5,
                {"filename": "lista.csv", "issuing_body": None, "verified": 1200, "skipped": 0},
            ),
            (
                admin,
                "review.hidden",
                "review",
                ids["hidden"],
                {"from_status": "flagged", "rating": 5, "reason": "Pagada."},
            ),
            (admin, "review.restored", "review", ids["flagged"], {"from_status": "removed", "reason": "Es real."}),
            (admin, "user.suspended", "user", suspended.id, {"role": "patient", "reason": "Abuso."}),
            (admin, "user.reactivated", "user", suspended.id, {"role": "therapist", "reason": "Error."}),
            (patient, "diary.share_granted", "therapist_profile", jose.id, {}),
            (patient, "diary.share_revoked", "therapist_profile", jose.id, {}),
            (patient, "outcomes.consent_given", "therapist_profile", jose.id, {}),
            (patient, "outcomes.consent_revoked", "therapist_profile", jose.id, {}),
            (None, "outcomes.refreshed", "outcomes", None, {"counted_patients": 30, "full": True}),
        ):
            audit.record(actor, action, target_type, target_id, **details)
        db.session.add(
            OutboxMessage(
                recipient="nueva@example.com",
                subject="Confirme su correo electrónico",
                body="Confirme su correo electrónico abriendo este enlace: http://localhost/es/auth/confirm/abc.def",
            )
        )
        db.session.commit()
    return ids


@pytest.fixture
def admin_client(client, auth, admin_site):
    auth.login(email="jefa@example.com")
    client.get("/search")  # shows (and so clears) the English login's flash
    return client


def _upload(client, data: bytes, body: str = "", path: str = "/es/admin/rosters"):
    boundary, body_bytes = encode_multipart({"roster": FileStorage(io.BytesIO(data), "lista.csv"), "body": body})
    return client.post(path, data=body_bytes, content_type=f"multipart/form-data; boundary={boundary}")


def _hidden_fields(page: str) -> dict[str, str]:
    form = page[page.index('class="apply-form"') :]
    form = form[: form.index("</form>")]
    return dict(re.findall(r'name="([\w-]+)" type="hidden" value="([^"]*)"', form))


def _text(response) -> str:
    return response.get_data(as_text=True)


# -- every page -------------------------------------------------------------------------


def test_the_dashboard_and_the_verification_queue_read_in_spanish(admin_client, admin_site):
    dashboard = admin_client.get("/es/admin/")
    assert_spanish(dashboard)
    page = _text(dashboard)
    assert "certificaciones pendientes de verificación" in page and "1 de ellas espera la respuesta" in page
    assert 'href="/es/admin/certifications"' in page
    for query in ("", "?order=oldest", "?q=MP-", "?q=MP-&order=oldest", "?waiting=therapist&evidence=without"):
        assert_spanish(admin_client.get(f"/es/admin/certifications{query}"))
    queue = _text(admin_client.get("/es/admin/certifications"))
    assert "4 certificaciones pendientes, primero las más recientes." in queue
    assert "Otro programa (Academia Sur)" in queue and "En espera del profesional" in queue
    assert "Sin documento acreditativo" in queue and "Vencida el" in queue
    empty = _text(admin_client.get("/es/admin/certifications?q=nadie"))
    assert "0 certificaciones pendientes que coinciden con «nadie», primero las más recientes." in empty
    assert "La cola está vacía para esta búsqueda y estos filtros." in empty


@pytest.mark.parametrize("which", ["asked", "rejected", "verified", "no_evidence", "past_expiry", "other_programme"])
def test_every_kind_of_certification_page_reads_in_spanish(admin_client, admin_site, which):
    assert_spanish(admin_client.get(f"/es/admin/certifications/{admin_site[which]}"))


def test_a_stored_rejection_reason_is_shown_in_spanish_and_kept_in_english(app, admin_client, admin_site):
    page = _text(admin_client.get(f"/es/admin/certifications/{admin_site['rejected']}"))
    assert (
        "Motivo indicado: El documento acreditativo no se puede leer o está incompleto. Falta la segunda página."
        in page
    )
    assert "la marcó" not in page and "<strong>Decidida:</strong> rechazada por jefa@example.com el" in page
    with app.app_context():
        stored = db.session.get(Certification, admin_site["rejected"]).reason
    assert stored == "The evidence cannot be read or is incomplete. Falta la segunda página."


def test_review_pages_read_in_spanish(admin_client, admin_site):
    for path in (
        "/es/admin/reviews",
        "/es/admin/reviews?status=removed",
        f"/es/admin/reviews/{admin_site['flagged']}",
        f"/es/admin/reviews/{admin_site['hidden']}",
    ):
        assert_spanish(admin_client.get(path))
    queue = _text(admin_client.get("/es/admin/reviews"))
    assert "1 opinión denunciada, primero la más antigua." in queue
    assert "Opinión de 1 estrella sobre José Muñoz" in queue and "4 denuncias:" in queue and "y 1 más" in queue


def test_user_pages_read_in_spanish(admin_client, admin_site):
    for path in (
        "/es/admin/users",
        "/es/admin/users?role=therapist&status=active",
        "/es/admin/users?q=nadie",
        f"/es/admin/users/{admin_site['jose_user']}",
        f"/es/admin/users/{admin_site['patient']}",
        f"/es/admin/users/{admin_site['suspended']}",
        f"/es/admin/users/{admin_site['admin']}",
    ):
        assert_spanish(admin_client.get(path))
    users = _text(admin_client.get("/es/admin/users"))
    assert "cuentas, primero las más recientes." in users and "Profesional" in users and "Administrador" in users
    therapist = _text(admin_client.get(f"/es/admin/users/{admin_site['jose_user']}"))
    assert "(rechazada)" in therapist and "(verificada)" in therapist and "(pendiente)" in therapist


def test_the_audit_log_names_every_action_in_spanish_and_keeps_the_codes(admin_client, admin_site):
    response = admin_client.get("/es/admin/audit")
    assert_spanish(response)
    page = _text(response)
    for action in audit.ACTION_LABELS:
        assert f'data-action="{action}"' in page
    assert "Certificación verificada" in page and "Cuenta suspendida" in page and "Opinión ocultada" in page
    assert "importación de lista" in page and "revisión individual" in page
    assert (
        "<dt>Estado anterior</dt><dd>rechazada</dd>" in page
        and "<dt>Cambios</dt><dd>número de credencial, documento acreditativo</dd>" in page
    )
    assert (
        "<dt>Certificaciones verificadas</dt><dd>1.200</dd>" in page
        and "<dt>Actualización completa</dt><dd>Sí</dd>" in page
    )
    assert "<dt>Fecha de vencimiento</dt><dd>3 mar 2025</dd>" in page and "<dt>Rol</dt><dd>Paciente</dd>" in page
    assert "Motivo anterior</dt><dd>La certificación ha vencido.</dd>" in page
    assert "sistema" in page and "certificación n.º" in page and "Perfil profesional #" in page
    # Filtered by an action, by its label in the filter and by the stored code in the address.
    filtered = admin_client.get("/es/admin/audit?action=user.suspended")
    assert_spanish(filtered)
    assert re.findall(r'data-action="([^"]+)"', _text(filtered)) == ["user.suspended"]
    assert '<option selected value="user.suspended">Cuenta suspendida</option>' in _text(filtered)
    # The actor filter understands the page's own word for the system as well as "system".
    assert re.findall(r'data-action="([^"]+)"', _text(admin_client.get("/es/admin/audit?actor=sistema"))) == (
        re.findall(r'data-action="([^"]+)"', _text(admin_client.get("/es/admin/audit?actor=system")))
    )
    # The export keeps what is stored: codes and English.
    rows = list(csv.reader(io.StringIO(_text(admin_client.get("/es/admin/audit.csv?action=certification.rejected")))))
    assert rows[0][4] == "action" and rows[1][4] == "certification.rejected"
    assert "The evidence cannot be read or is incomplete." in rows[1][7]


def test_the_outbox_reads_in_spanish(admin_client, admin_site):
    response = admin_client.get("/es/admin/outbox")
    assert_spanish(response)
    assert "/es/auth/confirm/[enlace oculto]" in _text(response) and "Para nueva@example.com" in _text(response)


def test_the_roster_upload_preview_and_apply_read_in_spanish(app, admin_client, admin_site):
    assert_spanish(admin_client.get("/es/admin/rosters"))
    response = _upload(admin_client, ROSTER.encode())
    assert response.status_code == 302 and response.headers["Location"].startswith("/es/admin/rosters/")
    preview = admin_client.get(response.headers["Location"])
    assert_spanish(preview)
    page = _text(preview)
    expired_on = (date.today() - timedelta(days=10)).isoformat()
    for sentence in (
        "5 filas · 7 columnas · leído como utf-8, separado por comas.",
        "Confirmadas (1)",
        "Vencidas: no se verificarán (1)",
        "Contradichas (1)",
        "Sin mencionar (1)",
        "Filas de la lista que no coinciden con nada (2)",
        "El nombre en la lista es «Juan Gomez»; el perfil dice «Juan Smith»",
        f"La certificación dice que venció el {expired_on}",
        "El número de credencial no está en la lista",
        "1 fila tiene más celdas que la cabecera; las celdas de más se ignoran.",
        "1 fila no tiene número de credencial.",
        "Fila 3: no se puede leer el campo «fecha de obtención» («el martes»).",
        "Verificar la 1 certificación confirmada",
        '<option value="5">Columna 6</option>',
    ):
        assert sentence in html_unescape(page), sentence
    # The file's own header names are offered as they are, never translated.
    assert '<option selected value="0">Full name</option>' in page
    assert '<option value="6">Notes</option>' in page
    applied = admin_client.post(response.headers["Location"].split("?")[0] + "/apply", data=_hidden_fields(page))
    assert applied.headers["Location"] == "/es/admin/certifications"
    after = admin_client.get(applied.headers["Location"])
    assert "1 certificación verificada con la lista; se ha avisado al profesional." in _text(after)
    assert_spanish(after)


def html_unescape(text: str) -> str:
    """The page's HTML with entities decoded and runs of white space as one space."""
    return " ".join(html.unescape(text).split())


# -- form errors --------------------------------------------------------------------------


def test_form_errors_are_in_spanish(admin_client, admin_site):
    bad_dates = admin_client.get("/es/admin/audit?since=2025-03-05&until=2025-03-01&target_id=0")
    assert bad_dates.status_code == 400
    assert "La fecha final es anterior a la inicial." in _text(bad_dates)
    bad_dates.status_code = 200
    assert_spanish(bad_dates)

    long_search = admin_client.get("/es/admin/certifications?q=" + "x" * 201)
    assert long_search.status_code == 400 and "Busque como máximo 200 caracteres." in _text(long_search)

    reject = admin_client.post(
        f"/es/admin/certifications/{admin_site['no_evidence']}/reject", data={"reject-version": 1}
    )
    assert reject.status_code == 400 and "Elija un motivo." in _text(reject)
    other = admin_client.post(
        f"/es/admin/certifications/{admin_site['no_evidence']}/reject",
        data={"reject-version": 1, "reject-reason": "other"},
    )
    assert other.status_code == 400 and "Explique el motivo del rechazo." in _text(other)
    info = admin_client.post(
        f"/es/admin/certifications/{admin_site['no_evidence']}/request-information", data={"info-version": 1}
    )
    assert info.status_code == 400 and "Escriba qué debe enviar el profesional." in _text(info)
    for response in (reject, other, info):
        response.status_code = 200
        assert_spanish(response)

    hide = admin_client.post(f"/es/admin/reviews/{admin_site['flagged']}/hide", data={"seen_status": "flagged"})
    assert hide.status_code == 400 and "Indique un motivo." in _text(hide)
    suspend = admin_client.post(f"/es/admin/users/{admin_site['patient']}/suspend", data={})
    assert suspend.status_code == 400 and "Indique un motivo." in _text(suspend)

    no_file = admin_client.post("/es/admin/rosters", data={"body": "myopain"})
    assert no_file.status_code == 400 and "Elija el archivo de la lista." in _text(no_file)
    png = _upload(admin_client, b"\x89PNG\r\n\x1a\n" + b"\x00" * 50)
    assert png.status_code == 400
    assert "Esto parece una imagen PNG, no un archivo CSV. Exporte la lista como CSV y suba ese archivo." in _text(png)
    for response in (hide, suspend, no_file, png):
        response.status_code = 200
        assert_spanish(response)


def test_a_mapping_that_cannot_be_used_is_explained_in_spanish(admin_client, admin_site):
    location = _upload(admin_client, ROSTER.encode()).headers["Location"]
    base = location.split("?")[0]
    twice = admin_client.get(f"{base}?name=0&credential_id=0&body=myopain")
    assert_spanish(admin_client.get(f"{base}?name=0&credential_id=1&body=kinetacore"))  # nothing to verify
    assert twice.status_code == 400
    assert "La columna «Full name» está elegida a la vez para «nombre» y para «número de credencial»." in (
        html_unescape(_text(twice))
    )
    missing = admin_client.get(f"{base}?name=0&credential_id=&body=myopain")
    assert "Elija la columna que contiene el campo «número de credencial»." in html_unescape(_text(missing))
    for response in (twice, missing):
        response.status_code = 200
        assert_spanish(response)


# -- flashes ------------------------------------------------------------------------------


def _flash(client, response) -> str:
    assert response.status_code in (302, 303), response.status_code
    assert response.headers["Location"].startswith("/es/")
    page = client.get(response.headers["Location"])
    assert_spanish(page)
    return html_unescape(" ".join(re.findall(r'<p class="flash[^"]*">(.*?)</p>', _text(page), re.S)))


def test_every_flash_is_in_spanish(app, admin_client, admin_site):
    site, client = admin_site, admin_client
    approved = client.post(f"/es/admin/certifications/{site['other_programme']}/approve", data={"approve-version": 1})
    assert _flash(client, approved) == "La certificación está verificada y se ha avisado al profesional."
    again = client.post(f"/es/admin/certifications/{site['other_programme']}/approve", data={"approve-version": 1})
    assert _flash(client, again).startswith(
        "Ya se decidió sobre esta certificación: jefa@example.com la marcó como verificada el "
    )
    expired = client.post(f"/es/admin/certifications/{site['past_expiry']}/approve", data={"approve-version": 1})
    assert "así que no se puede verificar. Recházela o pida al profesional un certificado vigente." in _flash(
        client, expired
    )
    asked = client.post(
        f"/es/admin/certifications/{site['no_evidence']}/request-information",
        data={"info-version": 1, "info-message": "Suba el certificado."},
    )
    assert _flash(client, asked) == "Su solicitud se ha enviado al profesional. La certificación sigue en la cola."
    rejected = client.post(
        f"/es/admin/certifications/{site['no_evidence']}/reject", data={"reject-version": 2, "reject-reason": "expired"}
    )
    assert _flash(client, rejected) == "La certificación está rechazada y se ha explicado el motivo al profesional."
    with app.app_context():
        assert db.session.get(Certification, site["no_evidence"]).reason == "The certification has expired."

    hidden = client.post(
        f"/es/admin/reviews/{site['flagged']}/hide", data={"seen_status": "flagged", "reason": "Dirección."}
    )
    assert _flash(client, hidden) == (
        "La opinión está oculta y ya no cuenta en la puntuación. Se ha avisado al autor y al profesional."
    )
    stale = client.post(
        f"/es/admin/reviews/{site['flagged']}/hide", data={"seen_status": "flagged", "reason": "Otra vez."}
    )
    assert _flash(client, stale) == "Esta opinión se moderó mientras tanto: ahora está oculta. No se cambió nada."
    restored = client.post(
        f"/es/admin/reviews/{site['hidden']}/restore", data={"seen_status": "removed", "reason": "Real."}
    )
    assert _flash(client, restored) == (
        "La opinión está publicada y cuenta en la puntuación. Se ha avisado al autor y al profesional."
    )

    suspended = client.post(f"/es/admin/users/{site['patient']}/suspend", data={"reason": "Abuso."})
    assert _flash(client, suspended) == "La cuenta está suspendida y se ha avisado a su titular."
    already = client.post(f"/es/admin/users/{site['patient']}/suspend", data={"reason": "Abuso."})
    assert _flash(client, already) == "Esta cuenta ya está suspendida."
    reactivated = client.post(f"/es/admin/users/{site['patient']}/reactivate", data={"reason": "Error."})
    assert _flash(client, reactivated) == "La cuenta vuelve a estar activa y se ha avisado a su titular."
    own = client.post(f"/es/admin/users/{site['admin']}/suspend", data={"reason": "Prueba."})
    assert _flash(client, own) == "No puede suspender su propia cuenta."

    # The mails and the audit trail keep what is stored: English text, the admin's own words.
    with app.app_context():
        subjects = set(db.session.scalars(select(OutboxMessage.subject)))
        reasons = [event.details.get("reason") for event in db.session.scalars(select(AuditEvent))]
    assert {"Your certification is verified", "Your account is suspended", "Your review is hidden"} <= subjects
    assert "The certification has expired." in reasons and "Dirección." in reasons


def test_a_roster_that_is_gone_is_said_in_spanish(app, admin_client, admin_site):
    with app.app_context():
        evidence_id = db.session.scalar(select(StoredFile.id).where(StoredFile.content_type == "application/pdf"))
    message = _flash(admin_client, admin_client.get(f"/es/admin/rosters/{evidence_id}"))
    assert message == "Esta lista subida ya no se conserva (se aplicó, o tiene más de un día). Vuelva a subirla."


def test_the_english_pages_keep_their_words(admin_client, admin_site):
    queue = _text(admin_client.get("/admin/certifications"))
    assert "4 pending certifications, newest first." in queue and "Waiting for the therapist" in queue
    log = _text(admin_client.get("/admin/audit"))
    assert '<td data-label="Action" data-action="user.suspended">Account suspended</td>' in log
    assert "<dt>Previous status</dt><dd>rejected</dd>" in log and "<dt>Expiry date</dt><dd>Mar 3, 2025</dd>" in log


# -- the tables that name stored codes ---------------------------------------------------------


def test_every_action_the_site_records_has_a_label():
    """A new audit.record(..., "x.y", ...) without a line in ACTION_LABELS would show its code on the log page."""
    root = Path(__file__).resolve().parents[2] / "directory"
    recorded = set()
    for source in root.rglob("*.py"):
        recorded |= set(re.findall(r'audit\.record\(\s*[\w.]+,\s*"([a-z_]+\.[a-z_]+)"', source.read_text()))
    assert recorded, "no audit.record call found"
    assert recorded <= set(audit.ACTION_LABELS), sorted(recorded - set(audit.ACTION_LABELS))


def test_every_role_and_status_has_a_label():
    from directory.models import CertificationStatus, ReviewStatus

    assert {role.value for role in Role} == {code for code, _ in display.ROLE_LABELS}
    assert {status.value for status in CertificationStatus} == set(display.CERTIFICATION_STATUS_LABELS)
    assert {status.value for status in ReviewStatus} == set(display.REVIEW_STATUS_LABELS)
