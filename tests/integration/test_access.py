"""Every route against every role: who may open what.

Each route of the app must appear in ROUTES, so a new route cannot ship without a decision.
"""

from datetime import date

import pytest

from directory.extensions import db
from directory.models import ConsultationRequest, TreatmentSession
from directory.services.verification.roster import stored
from tests import factories

ANON, PATIENT, THERAPIST, ADMIN = "anonymous", "patient", "therapist", "admin"
ROLES = (ANON, PATIENT, THERAPIST, ADMIN)

PUBLIC = {ANON: 200, PATIENT: 200, THERAPIST: 200, ADMIN: 200}
SIGNED_IN = {ANON: 302, PATIENT: 200, THERAPIST: 200, ADMIN: 200}
ADMIN_ONLY = {ANON: 302, PATIENT: 403, THERAPIST: 403, ADMIN: 200}
# Pages for signing in: logged-in users are sent on to their account.
SIGNED_OUT = {ANON: 200, PATIENT: 302, THERAPIST: 302, ADMIN: 302}
THERAPIST_ONLY = {ANON: 302, PATIENT: 403, THERAPIST: 200, ADMIN: 403}
PATIENT_ONLY = {ANON: 302, PATIENT: 200, THERAPIST: 403, ADMIN: 403}
# The diary's JSON: problem documents, never a redirect to the login page.
PATIENT_API = {ANON: 401, PATIENT: 200, THERAPIST: 403, ADMIN: 403}

# endpoint -> (method, path, expected status per role)
ROUTES = {
    "main.index": ("GET", "/", PUBLIC),
    "main.healthz": ("GET", "/healthz", PUBLIC),
    "main.choose_language": ("GET", "/language/es?next=/search", dict.fromkeys(ROLES, 302)),
    "static": ("GET", "/static/css/site.css", PUBLIC),
    "auth.signup": ("GET", "/auth/signup", SIGNED_OUT),
    "auth.check_mail": ("GET", "/auth/signup/check-mail", PUBLIC),
    "auth.login": ("GET", "/auth/login", SIGNED_OUT),
    "auth.logout": ("POST", "/auth/logout", {ANON: 302, PATIENT: 302, THERAPIST: 302, ADMIN: 302}),
    "auth.forgot_password": ("GET", "/auth/forgot", PUBLIC),
    "auth.reset_password": ("GET", "/auth/reset/bad-token", dict.fromkeys(ROLES, 400)),
    "auth.confirm_email": ("GET", "/auth/confirm/bad-token", dict.fromkeys(ROLES, 400)),
    "auth.resend_confirmation": ("POST", "/auth/confirm/resend", {ANON: 302, PATIENT: 302, THERAPIST: 302, ADMIN: 302}),
    # Therapists and admins are sent on to their own dashboards.
    "account.dashboard": ("GET", "/account/", {**SIGNED_IN, THERAPIST: 302, ADMIN: 302}),
    "account.settings": ("GET", "/account/settings", SIGNED_IN),
    "account.delete": ("POST", "/account/delete", {ANON: 302, PATIENT: 400, THERAPIST: 400, ADMIN: 400}),
    "account.export_data": ("GET", "/account/export.json", SIGNED_IN),
    # The shortlist is the patients' own: saving and removing send them back (302).
    "account.saved_practitioners": ("GET", "/account/saved", {ANON: 302, PATIENT: 200, THERAPIST: 403, ADMIN: 403}),
    "account.save_practitioner": (
        "POST",
        "/account/saved/{slug}",
        {ANON: 302, PATIENT: 302, THERAPIST: 403, ADMIN: 403},
    ),
    "account.remove_practitioner": (
        "POST",
        "/account/saved/{slug}/remove",
        {ANON: 302, PATIENT: 302, THERAPIST: 403, ADMIN: 403},
    ),
    "admin.outbox": ("GET", "/admin/outbox", ADMIN_ONLY),
    # The admin area. A POST without its form fields is a 400 for an admin: the role check comes first.
    "admin.dashboard": ("GET", "/admin/", ADMIN_ONLY),
    "admin.list_certifications": ("GET", "/admin/certifications", ADMIN_ONLY),
    "admin.show_certification": ("GET", "/admin/certifications/{pending_certification_id}", ADMIN_ONLY),
    "admin.show_evidence": ("GET", "/admin/certifications/{pending_certification_id}/evidence", ADMIN_ONLY),
    "admin.download_evidence": (
        "GET",
        "/admin/certifications/{pending_certification_id}/evidence/download",
        ADMIN_ONLY,
    ),
    "admin.approve_certification": (
        "POST",
        "/admin/certifications/{pending_certification_id}/approve",
        {**ADMIN_ONLY, ADMIN: 400},
    ),
    "admin.reject_certification": (
        "POST",
        "/admin/certifications/{pending_certification_id}/reject",
        {**ADMIN_ONLY, ADMIN: 400},
    ),
    "admin.request_information": (
        "POST",
        "/admin/certifications/{pending_certification_id}/request-information",
        {**ADMIN_ONLY, ADMIN: 400},
    ),
    "admin.upload_roster": ("GET", "/admin/rosters", ADMIN_ONLY),
    "admin.preview_roster": ("GET", "/admin/rosters/{roster_id}", ADMIN_ONLY),
    "admin.apply_roster": ("POST", "/admin/rosters/{roster_id}/apply", {**ADMIN_ONLY, ADMIN: 400}),
    "admin.list_reviews": ("GET", "/admin/reviews", ADMIN_ONLY),
    "admin.show_review": ("GET", "/admin/reviews/{review_id}", ADMIN_ONLY),
    "admin.hide_review": ("POST", "/admin/reviews/{review_id}/hide", {**ADMIN_ONLY, ADMIN: 400}),
    "admin.restore_review": ("POST", "/admin/reviews/{review_id}/restore", {**ADMIN_ONLY, ADMIN: 400}),
    "admin.list_users": ("GET", "/admin/users?q=example", ADMIN_ONLY),
    "admin.show_user": ("GET", "/admin/users/{patient_id}", ADMIN_ONLY),
    "admin.suspend_user": ("POST", "/admin/users/{patient_id}/suspend", {**ADMIN_ONLY, ADMIN: 400}),
    "admin.reactivate_user": ("POST", "/admin/users/{patient_id}/reactivate", {**ADMIN_ONLY, ADMIN: 400}),
    "admin.list_audit_events": ("GET", "/admin/audit", ADMIN_ONLY),
    "admin.export_audit_events": ("GET", "/admin/audit.csv", ADMIN_ONLY),
    "practitioners.search_page": ("GET", "/search?lat=40.75&lon=-73.98", PUBLIC),
    "practitioners.show": ("GET", "/practitioners/{slug}", PUBLIC),
    # The questionnaire. Without answers in the session, its later pages lead back to the start (302);
    # only patients may save answers to an account or open saved ones.
    "questionnaire.show_introduction": ("GET", "/questionnaire/", PUBLIC),
    "questionnaire.answer_step": ("GET", "/questionnaire/step/1", PUBLIC),
    "questionnaire.show_stop": ("GET", "/questionnaire/stop", dict.fromkeys(ROLES, 302)),
    "questionnaire.show_results": ("GET", "/questionnaire/results", dict.fromkeys(ROLES, 302)),
    "questionnaire.choose_place": ("POST", "/questionnaire/results/place", dict.fromkeys(ROLES, 302)),
    "questionnaire.save_answers": (
        "POST",
        "/questionnaire/save",
        {ANON: 302, PATIENT: 302, THERAPIST: 403, ADMIN: 403},
    ),
    "questionnaire.open_saved_answers": (
        "POST",
        "/questionnaire/saved",
        {ANON: 302, PATIENT: 302, THERAPIST: 403, ADMIN: 403},
    ),
    "questionnaire.delete_answers": ("POST", "/questionnaire/delete", dict.fromkeys(ROLES, 302)),
    "api.list_practitioners": ("GET", "/api/v1/practitioners?near=40.75|-73.98|10|km", PUBLIC),
    "api.get_practitioner": ("GET", "/api/v1/practitioners/{profile_id}", PUBLIC),
    "api.openapi": ("GET", "/api/v1/openapi.json", PUBLIC),
    "fhir.capability_statement": ("GET", "/fhir/metadata", PUBLIC),
    "fhir.search": ("GET", "/fhir/PractitionerRole?location.near=40.75|-73.98|10|km", PUBLIC),
    "fhir.read": ("GET", "/fhir/Practitioner/{profile_id}", PUBLIC),
    # Consultations and reviews. "Someone else's" ids are 404: each role logs in as a new user here.
    "consultations.request_new": (
        "GET",
        "/consultations/new/{slug}",
        {ANON: 302, PATIENT: 200, THERAPIST: 403, ADMIN: 403},
    ),
    "consultations.my_requests": ("GET", "/consultations/", {ANON: 302, PATIENT: 200, THERAPIST: 403, ADMIN: 403}),
    "consultations.cancel": (
        "POST",
        "/consultations/{request_id}/cancel",
        {ANON: 302, PATIENT: 404, THERAPIST: 403, ADMIN: 403},
    ),
    "consultations.confirm": (
        "POST",
        "/consultations/{request_id}/confirm",
        {ANON: 302, PATIENT: 404, THERAPIST: 403, ADMIN: 403},
    ),
    "consultations.ask_for_another_time": (
        "POST",
        "/consultations/{request_id}/another-time",
        {ANON: 302, PATIENT: 404, THERAPIST: 403, ADMIN: 403},
    ),
    "consultations.inbox": ("GET", "/consultations/inbox", {ANON: 302, PATIENT: 403, THERAPIST: 200, ADMIN: 403}),
    "consultations.inbox_detail": (
        "GET",
        "/consultations/inbox/{request_id}",
        {ANON: 302, PATIENT: 403, THERAPIST: 404, ADMIN: 403},
    ),
    "consultations.accept": (
        "POST",
        "/consultations/inbox/{request_id}/accept",
        {ANON: 302, PATIENT: 403, THERAPIST: 404, ADMIN: 403},
    ),
    "consultations.decline": (
        "POST",
        "/consultations/inbox/{request_id}/decline",
        {ANON: 302, PATIENT: 403, THERAPIST: 404, ADMIN: 403},
    ),
    "consultations.complete": (
        "POST",
        "/consultations/inbox/{request_id}/complete",
        {ANON: 302, PATIENT: 403, THERAPIST: 404, ADMIN: 403},
    ),
    "reviews.write": ("GET", "/reviews/new/{slug}", {ANON: 302, PATIENT: 303, THERAPIST: 403, ADMIN: 403}),
    "reviews.edit": ("GET", "/reviews/{review_id}/edit", {ANON: 302, PATIENT: 404, THERAPIST: 403, ADMIN: 403}),
    "reviews.of_my_practice": ("GET", "/reviews/mine", {ANON: 302, PATIENT: 403, THERAPIST: 200, ADMIN: 403}),
    "reviews.reply": ("POST", "/reviews/{review_id}/reply", {ANON: 302, PATIENT: 403, THERAPIST: 404, ADMIN: 403}),
    # Anyone logged in may flag; an empty form is sent back to the profile with a message.
    "reviews.flag": ("POST", "/reviews/{review_id}/flag", {ANON: 302, PATIENT: 302, THERAPIST: 302, ADMIN: 302}),
    # Public, and with no body a 400 for everyone alike.
    "api.create_assessment": ("POST", "/api/v1/assessments", dict.fromkeys(ROLES, 400)),
    "api.create_matches": ("POST", "/api/v1/matches", dict.fromkeys(ROLES, 400)),
    # The therapist area. auth.login(role="therapist") makes a NEW therapist with no profile, so
    # pages needing a profile send them to the editor (302), the photo upload without a file is a
    # 400, and {certification_id} belongs to the listed profile's therapist: someone else's, so 404.
    "therapist.show_dashboard": ("GET", "/therapist/", THERAPIST_ONLY),
    "therapist.edit_profile": ("GET", "/therapist/profile", THERAPIST_ONLY),
    "therapist.preview_profile": ("GET", "/therapist/profile/preview", {**THERAPIST_ONLY, THERAPIST: 302}),
    "therapist.publish_profile": ("POST", "/therapist/profile/publish", {**THERAPIST_ONLY, THERAPIST: 302}),
    "therapist.unpublish_profile": ("POST", "/therapist/profile/unpublish", {**THERAPIST_ONLY, THERAPIST: 302}),
    "therapist.upload_photo": ("POST", "/therapist/profile/photo", {**THERAPIST_ONLY, THERAPIST: 400}),
    "therapist.remove_photo": ("POST", "/therapist/profile/photo/remove", {**THERAPIST_ONLY, THERAPIST: 302}),
    "therapist.show_photo": ("GET", "/therapist/profiles/{profile_id}/photo", PUBLIC),
    "therapist.list_certifications": ("GET", "/therapist/certifications", THERAPIST_ONLY),
    "therapist.add_certification": ("GET", "/therapist/certifications/new", {**THERAPIST_ONLY, THERAPIST: 302}),
    "therapist.edit_certification": (
        "GET",
        "/therapist/certifications/{certification_id}",
        {**THERAPIST_ONLY, THERAPIST: 404},
    ),
    "therapist.answer_request": (
        "POST",
        "/therapist/certifications/{certification_id}/answer",
        {**THERAPIST_ONLY, THERAPIST: 404},
    ),
    "therapist.download_evidence": (
        "GET",
        "/therapist/certifications/{certification_id}/evidence",
        {**THERAPIST_ONLY, THERAPIST: 404},
    ),
    "therapist.withdraw_certification": (
        "POST",
        "/therapist/certifications/{certification_id}/withdraw",
        {**THERAPIST_ONLY, THERAPIST: 404},
    ),
    # The headache diary: a patient's own; the practitioner's side reads only diaries shared with them, so
    # a new therapist gets 404 for {patient_id} and {request_id}. Someone else's session is 404 too.
    "diary.show_diary": ("GET", "/diary/", PATIENT_ONLY),
    "diary.edit_day": ("GET", "/diary/days/2025-01-01", PATIENT_ONLY),
    "diary.delete_day": ("POST", "/diary/days/2025-01-01/delete", {**PATIENT_ONLY, PATIENT: 404}),
    "diary.show_charts": ("GET", "/diary/charts", PATIENT_ONLY),
    "diary.list_sessions": ("GET", "/diary/sessions", PATIENT_ONLY),
    "diary.delete_session": (
        "POST",
        "/diary/sessions/{session_id}/delete",
        {ANON: 302, PATIENT: 404, THERAPIST: 404, ADMIN: 403},
    ),
    "diary.show_sharing": ("GET", "/diary/sharing", PATIENT_ONLY),
    "diary.share": ("POST", "/diary/sharing/{profile_id}", {**PATIENT_ONLY, PATIENT: 404}),
    "diary.revoke": ("POST", "/diary/sharing/{profile_id}/revoke", {**PATIENT_ONLY, PATIENT: 404}),
    "diary.show_outcome_consent": ("GET", "/diary/outcomes", PATIENT_ONLY),
    "diary.give_outcome_consent": ("POST", "/diary/outcomes/{profile_id}", {**PATIENT_ONLY, PATIENT: 404}),
    "diary.revoke_outcome_consent": ("POST", "/diary/outcomes/{profile_id}/revoke", {**PATIENT_ONLY, PATIENT: 404}),
    "diary.export_csv": ("GET", "/diary/export.csv", PATIENT_ONLY),
    "diary.import_csv": ("GET", "/diary/import", PATIENT_ONLY),
    "diary.print_summary": ("GET", "/diary/print", PATIENT_ONLY),
    "diary.edit_reminders": ("GET", "/diary/reminders", PATIENT_ONLY),
    "diary.list_shared": ("GET", "/diary/shared", THERAPIST_ONLY),
    "diary.show_shared": ("GET", "/diary/shared/{patient_id}", {**THERAPIST_ONLY, THERAPIST: 404}),
    "diary.consultation_sessions": (
        "GET",
        "/diary/consultations/{request_id}/sessions",
        {**THERAPIST_ONLY, THERAPIST: 404},
    ),
    "api.diary_summary": ("GET", "/api/v1/me/diary/summary", PATIENT_API),
    "api.export_diary_entries": ("GET", "/api/v1/me/diary/entries.csv", PATIENT_API),
    # Without a CSV body a patient is told the content type it needs.
    "api.import_diary_entries": ("PUT", "/api/v1/me/diary/entries", {**PATIENT_API, PATIENT: 415}),
}


@pytest.fixture
def records(app):
    """The ids and slugs the paths above refer to."""
    with app.app_context():
        profile = factories.make_profile(slug="listed-practitioner", verified=True)
        factories.make_photo(profile)
        pending = factories.make_certification(profile, status="pending", evidence=factories.make_evidence("pdf"))
        review = factories.make_review(profile, status="flagged", flags=("Spam",))
        roster_id = stored.store("roster.csv", b"Name,Credential ID\nJane Smith,DN-1\n")
        consultation = ConsultationRequest(patient_id=review.author_id, profile_id=profile.id, mode="in_person")
        db.session.add(consultation)
        session = TreatmentSession(patient_id=review.author_id, day=date(2025, 1, 1))
        db.session.add(session)
        db.session.commit()
        return {
            "session_id": session.id,
            "request_id": consultation.id,
            "slug": profile.slug,
            "profile_id": profile.id,
            "certification_id": profile.certifications[0].id,
            "pending_certification_id": pending.id,
            "review_id": review.id,
            "patient_id": review.author_id,
            "roster_id": roster_id,
        }


def test_every_route_is_in_the_matrix(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - ROUTES.keys() == set(), "add the new routes to ROUTES"
    assert ROUTES.keys() - endpoints == set(), "ROUTES names routes that no longer exist"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_route_access_by_role(client, auth, records, endpoint, role):
    method, path, expected = ROUTES[endpoint]
    path = path.format(**records)
    if role != ANON:
        auth.login(role=role)
    response = client.open(path, method=method)
    response.close()
    assert response.status_code == expected[role], f"{method} {path} as {role}"
    if expected[role] == 302 and role == ANON and endpoint.startswith(("account.", "admin.")):
        assert "/auth/login" in response.headers["Location"]
