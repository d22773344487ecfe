"""Outcomes on profiles: consent, revocation, who counts, the 25-patient threshold, the refresh, the API and ranking."""

import logging
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, update

from directory.extensions import db
from directory.models import AuditEvent, ConsultationRequest, DiaryEntry, OutcomeConsent, OutcomeResult
from directory.services.outcomes import refresh as outcomes_refresh
from tests import factories

TODAY = date.today()
STARTED = TODAY - timedelta(days=100)


@pytest.fixture
def profile_id(app):
    with app.app_context():
        return factories.make_profile(verified=True, display_name="Dr Ada Needle", slug="ada-needle").id


def cohort(app, profile_id: int, evaluable: int, stopped: int = 0, recording: int = 0) -> list[int]:
    """Consenting patients: half of the evaluable ones respond (14 to 7 monthly headache days), half do not."""
    with app.app_context():
        profile = db.session.get(factories.TherapistProfile, profile_id)
        ids = []
        for n in range(evaluable):
            ids.append(factories.make_outcome_patient(profile, STARTED, 2, 4 if n % 2 == 0 else 2).id)
        ids += [factories.make_outcome_patient(profile, STARTED, follow_up_days=10).id for _ in range(stopped)]
        ids += [
            factories.make_outcome_patient(profile, TODAY - timedelta(days=40), follow_up_days=0).id
            for _ in range(recording)
        ]
        return ids


def refresh(app, **kwargs):
    with app.app_context():
        return outcomes_refresh.refresh(**kwargs)


def test_24_evaluable_patients_show_nothing_anywhere(app, client, profile_id):
    cohort(app, profile_id, 24, stopped=11)
    refresh(app)
    assert 'id="outcomes"' not in client.get("/practitioners/ada-needle").get_data(as_text=True)
    assert client.get(f"/api/v1/practitioners/{profile_id}").get_json()["outcomes"] is None


def test_25_evaluable_patients_show_the_figures_with_intervals_and_context(app, client, profile_id):
    cohort(app, profile_id, 25, stopped=11)
    run = refresh(app)
    assert (run.counted_patients, run.evaluable_patients, run.practitioners_shown) == (36, 25, 1)
    page = client.get("/practitioners/ada-needle").get_data(as_text=True)
    assert 'id="outcomes"' in page
    assert "95 % interval" in page and "There is no control group" in page
    assert "9.4 to 6.4" in page and "about a quarter of patients" in page
    assert 'Of <span data-count="started">36</span> patients who started' in page
    body = client.get(f"/api/v1/practitioners/{profile_id}").get_json()["outcomes"]
    assert body["evaluable"] == 25 and body["started"] == 36
    assert body["label"] == "as_expected"  # the only practitioner: the site is its own expectation
    low, high = body["responder_50_ci"]
    assert low < body["responder_50_share"] < high
    assert body["median_change_ci"][0] <= body["median_change_monthly_headache_days"] <= body["median_change_ci"][1]
    assert body["refreshed_at"].startswith(TODAY.isoformat()[:4])


def test_a_handful_not_evaluable_hides_the_started_count(app, client, profile_id):
    cohort(app, profile_id, 25, stopped=3)
    refresh(app)
    body = client.get(f"/api/v1/practitioners/{profile_id}").get_json()["outcomes"]
    assert body["evaluable"] == 25 and body["started"] is None
    page = client.get("/practitioners/ada-needle").get_data(as_text=True)
    assert "Fewer than 11 others started" in page and ">28<" not in page and ">3<" not in page


def test_revoking_takes_the_patient_out_at_the_next_refresh(app, client, auth, profile_id):
    patients = cohort(app, profile_id, 25)
    refresh(app)
    assert client.get(f"/api/v1/practitioners/{profile_id}").get_json()["outcomes"] is not None
    with app.app_context():
        email = db.session.get(factories.User, patients[0]).email
    auth.login(email=email)
    assert client.post(f"/diary/outcomes/{profile_id}/revoke").status_code == 302
    # Until the refresh the figures stand; after it, 24 evaluable show nothing.
    assert client.get(f"/api/v1/practitioners/{profile_id}").get_json()["outcomes"] is not None
    run = refresh(app)
    assert run.removed_results == 1
    assert client.get(f"/api/v1/practitioners/{profile_id}").get_json()["outcomes"] is None


def test_consent_is_off_by_default_offered_only_after_a_completed_consultation_and_audited(app, client, auth):
    with app.app_context():
        seen = factories.make_profile(display_name="Seen Practitioner")
        asked = factories.make_profile(display_name="Asked Practitioner")
        seen_id, asked_id = seen.id, asked.id
    patient_id = auth.login(email="counting@example.com")
    with app.app_context():
        patient = db.session.get(factories.User, patient_id)
        factories.make_completed_consultation(patient, db.session.get(factories.TherapistProfile, seen_id))
        db.session.add(
            ConsultationRequest(patient_id=patient_id, profile_id=asked_id, mode="in_person", status="requested")
        )
        db.session.commit()
    page = client.get("/diary/outcomes").get_data(as_text=True)
    assert "Seen Practitioner" in page and "Asked Practitioner" not in page
    assert "Does not count" in page
    assert client.post(f"/diary/outcomes/{asked_id}").status_code == 404
    assert client.post(f"/diary/outcomes/{seen_id}").status_code == 302
    assert "Counts" in client.get("/diary/outcomes").get_data(as_text=True)
    assert client.post(f"/diary/outcomes/{seen_id}/revoke").status_code == 302
    assert client.post(f"/diary/outcomes/{seen_id}/revoke").status_code == 404
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.actor_id == patient_id)).all()
        assert actions.count("outcomes.consent_given") == 1 and actions.count("outcomes.consent_revoked") == 1
        consent = db.session.scalar(select(OutcomeConsent).where(OutcomeConsent.patient_id == patient_id))
        assert consent.revoked_at is not None


def test_only_closed_loop_consenting_patients_with_a_session_count_once(app, profile_id):
    patients = cohort(app, profile_id, 3)
    with app.app_context():
        profile = db.session.get(factories.TherapistProfile, profile_id)
        factories.make_outcome_patient(profile, STARTED, consent=False)
        # A second completed consultation with the same practitioner: still one result.
        factories.make_completed_consultation(db.session.get(factories.User, patients[0]), profile)
        # No longer a completed consultation: not counted.
        db.session.execute(
            update(ConsultationRequest).where(ConsultationRequest.patient_id == patients[1]).values(status="cancelled")
        )
        db.session.commit()
    run = refresh(app)
    assert run.counted_patients == 2
    with app.app_context():
        assert sorted(db.session.scalars(select(OutcomeResult.patient_id))) == sorted([patients[0], patients[2]])


def test_late_and_imported_entries_never_enter_a_window(app, profile_id):
    with app.app_context():
        profile = db.session.get(factories.TherapistProfile, profile_id)
        late = factories.make_outcome_patient(profile, STARTED, late=True).id
        imported = factories.make_outcome_patient(profile, STARTED).id
        # Imported but (wrongly) not marked late: the source alone keeps it out.
        db.session.execute(update(DiaryEntry).where(DiaryEntry.patient_id == imported).values(source="import"))
        db.session.commit()
        on_time = factories.make_outcome_patient(profile, STARTED).id
    refresh(app)
    with app.app_context():
        status = dict(db.session.execute(select(OutcomeResult.patient_id, OutcomeResult.status)).all())
    assert status == {late: "stopped", imported: "stopped", on_time: "evaluable"}


def test_the_refresh_is_incremental_and_audited_without_small_counts(app, runner, profile_id):
    patients = cohort(app, profile_id, 25, stopped=11)
    assert refresh(app).recomputed_patients == 36
    assert refresh(app).recomputed_patients == 0
    with app.app_context():
        entry = db.session.scalar(select(DiaryEntry).where(DiaryEntry.patient_id == patients[0]))
        db.session.delete(entry)
        db.session.commit()
    result = runner.invoke(args=["outcomes", "refresh"])
    assert result.exit_code == 0, result.output
    assert "fewer than 11 results recomputed" in result.output and "1 practitioner shows figures" in result.output
    with app.app_context():
        details = db.session.scalars(
            select(AuditEvent.details).where(AuditEvent.action == "outcomes.refreshed").order_by(AuditEvent.id)
        ).all()
    assert [d["recomputed_patients"] for d in details] == [36, 0, "fewer than 11"]
    assert details[0]["evaluable_patients"] == 25


def test_one_patients_refresh_updates_their_practitioners_figures(app, profile_id):
    patients = cohort(app, profile_id, 25)
    refresh(app)
    with app.app_context():
        db.session.execute(
            update(OutcomeConsent).where(OutcomeConsent.patient_id == patients[0]).values(revoked_at=factories.utcnow())
        )
        db.session.commit()
        assert outcomes_refresh.refresh_patient(patients[0]) == 0


def test_the_openapi_document_describes_outcomes(client):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    outcome = next(schema for name, schema in schemas.items() if name.endswith("Outcomes"))
    assert set(outcome["properties"]) == {
        "evaluable",
        "started",
        "median_change_monthly_headache_days",
        "median_change_ci",
        "responder_50_share",
        "responder_50_ci",
        "label",
        "refreshed_at",
    }


def test_ranking_uses_the_figures_only_where_they_are_shown(app, profile_id):
    from tests.integration.test_matching import answers, run

    with app.app_context():
        hidden_id = factories.make_profile(verified=True, display_name="Too Few Diaries").id
        plain_id = factories.make_profile(verified=True, display_name="No Diaries").id
    cohort(app, profile_id, 25)
    cohort(app, hidden_id, 24)
    refresh(app)
    with app.app_context():
        with_outcomes = {m.profile.id: m for m in run(answers()).matches}
        app.config["MATCH_WEIGHTS"] = {**app.config["MATCH_WEIGHTS"], "outcomes": 0}
        without = {m.profile.id: m for m in run(answers()).matches}
    reasons = with_outcomes[profile_id].reasons
    assert "of 25 patients who kept a diary, 13 had half as many headache days or fewer after 12 weeks" in reasons
    assert not any(
        "kept a diary" in reason for m in (with_outcomes[hidden_id], with_outcomes[plain_id]) for reason in m.reasons
    )
    # Not shown: the part is left out, so the score is what it is without the part at all.
    assert with_outcomes[hidden_id].score == without[hidden_id].score == with_outcomes[plain_id].score
    # Shown, at the expected share (the site is this practitioner): the part is 0.5 of its weight.
    assert with_outcomes[profile_id].score != without[profile_id].score


def test_the_outcomes_part_weighs_in_as_one_more_part_where_shown(app, profile_id):
    # Weights: distance 1, outcomes 1; both practitioners sit on the searched point (distance part 1.0).
    # The only cohort on the site is Dr Ada's 25 (13 respond): expected share = own share = 13/25, so the shrunk
    # share equals it and the outcomes part is 0.5. Dr Ada: (1 x 1.0 + 1 x 0.5) / (1 + 1) = 75.0.
    # No figures: the part is left out, (1 x 1.0) / 1 = 100.0.
    from tests.integration.test_matching import answers, run, weigh_only

    with app.app_context():
        factories.make_profile(verified=True, display_name="No Diaries")
    cohort(app, profile_id, 25)
    refresh(app)
    weigh_only(app, distance=1, outcomes=1)
    with app.app_context():
        scores = {m.profile.display_name: m.score for m in run(answers()).matches}
    assert scores == {"No Diaries": 100.0, "Dr Ada Needle": 75.0}


def test_a_configuration_without_an_outcomes_weight_leaves_the_figures_out(app, profile_id):
    # A deployment's MATCH_WEIGHTS written before outcome figures existed: no "outcomes" key, so no part.
    from tests.integration.test_matching import answers, run, weigh_only

    cohort(app, profile_id, 25)
    refresh(app)
    weigh_only(app, distance=1)
    del app.config["MATCH_WEIGHTS"]["outcomes"]
    with app.app_context():
        scores = {m.profile.display_name: m.score for m in run(answers()).matches}
    assert scores == {"Dr Ada Needle": 100.0}


def test_consents_are_in_the_data_export_and_go_with_the_account(app, client, profile_id):
    [patient_id] = cohort(app, profile_id, 1)
    refresh(app)
    with app.app_context():
        email = db.session.get(factories.User, patient_id).email
    client.post("/auth/login", data={"email": email, "password": factories.PASSWORD})
    [consent] = client.get("/account/export.json").get_json()["headache_diary"]["outcome_consents"]
    assert consent["practitioner"] == "Dr Ada Needle" and consent["revoked_at"] is None
    assert client.post("/account/delete", data={"password": factories.PASSWORD}).status_code == 302
    with app.app_context():
        for model in (OutcomeConsent, OutcomeResult):
            assert db.session.scalar(select(func.count()).select_from(model)) == 0, model.__name__


def test_the_refresh_logs_no_diary_value(app, runner, profile_id, caplog):
    caplog.set_level(logging.DEBUG)
    cohort(app, profile_id, 25)
    assert runner.invoke(args=["outcomes", "refresh", "--full"]).exit_code == 0
    # The figures (14 to 7 monthly days, a change of -7.0) appear nowhere in the log.
    assert "-7.0" not in caplog.text and "14.0" not in caplog.text


def test_the_practitioner_is_never_told_who_counts(app, client):
    with app.app_context():
        therapist = factories.make_user(factories.Role.THERAPIST, email="counted.physio@example.com")
        profile = factories.make_profile(user=therapist, verified=True)
        counting = factories.make_outcome_patient(profile, STARTED)
        not_counting = factories.make_outcome_patient(profile, STARTED, consent=False)
        consultations = db.session.scalars(
            select(ConsultationRequest.id).where(ConsultationRequest.patient_id.in_([counting.id, not_counting.id]))
        ).all()
    refresh(app)
    client.post("/auth/login", data={"email": "counted.physio@example.com", "password": factories.PASSWORD})
    pages = [client.get("/consultations/inbox"), client.get("/therapist/"), client.get("/diary/shared")]
    pages += [client.get(f"/consultations/inbox/{request_id}") for request_id in consultations]
    pages += [client.get(f"/diary/consultations/{request_id}/sessions") for request_id in consultations]
    for response in pages:
        assert response.status_code == 200
        text = response.get_data(as_text=True).lower()
        assert "outcome" not in text and "counts toward" not in text and "consent to count" not in text
    # The two patients' consultation pages read alike but for their names and ids.
    a, b = (client.get(f"/consultations/inbox/{request_id}").get_data(as_text=True) for request_id in consultations)
    assert len(a.splitlines()) == len(b.splitlines())
