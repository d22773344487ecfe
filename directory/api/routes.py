"""API v1 views: validate with the schemas, call one service, answer JSON."""

from flask import current_app, jsonify, request, url_for
from spectree import Response

from directory.api import bp
from directory.api.problems import problem
from directory.api.search_schemas import (
    ONE_PLACE_MESSAGE,
    Certification,
    Outcomes,
    Place,
    PractitionerDetail,
    PractitionerPage,
    PractitionerQuery,
    PractitionerSummary,
)
from directory.api.spec import Problem, api_spec, openapi_document
from directory.extensions import limiter
from directory.models import TherapistProfile
from directory.services.core.text import N_, Said, gettext, translated
from directory.services.geo import places
from directory.services.geo.geocoding import Location
from directory.services.geo.points import InvalidNear, parse_fhir_near
from directory.services.outcomes import public as outcomes
from directory.services.questionnaire import clinical, matching
from directory.services.questionnaire.answers import Answers, AssessmentOut, MatchesOut, MatchOut, answers_to_dict
from directory.services.questionnaire.clinical import emergency
from directory.services.search import details, nearby
from directory.services.search.nearby import ResultProfile
from directory.urls import profile_urls


@bp.before_request
def require_json_object():
    """A POST body must be a JSON object: say so plainly rather than 'age is required'."""
    if request.method == "POST" and not isinstance(request.get_json(silent=True), dict):
        return problem(400, detail=N_("The request body must be a JSON object sent as application/json."))
    return None


def _summary_fields(
    profile: TherapistProfile | ResultProfile,
    profile_url: str,
    verified: bool,
    rating: float | None,
    average: float | None,
    headache_types,
    modes,
    languages,
) -> dict:
    return {
        "id": profile.id,
        "name": profile.display_name,
        "profile_url": profile_url,
        "profession": profile.profession,
        "verified": verified,
        "latitude": profile.latitude,
        "longitude": profile.longitude,
        "city": profile.city,
        "country": profile.country,
        "headache_types": list(headache_types),
        "consultation_modes": list(modes),
        "languages": list(languages),
        "accepting_new_patients": profile.accepting_new_patients,
        "fee_min": profile.fee_min,
        "fee_max": profile.fee_max,
        "currency": profile.currency,
        "rating": None if rating is None else round(rating, 2),
        "average_rating": None if average is None else round(average, 2),
        "review_count": profile.review_count,
    }


def _filters(query: PractitionerQuery) -> nearby.SearchFilters:
    return nearby.SearchFilters(
        headache_types=tuple(query.headache_type),
        verified_only=query.verified_only,
        modes=tuple(query.mode),
        languages=tuple(query.language),
        accepting_new_patients=query.accepting_new_patients,
        availability=tuple(query.availability),
        max_fee=query.max_fee,
        insurance=query.insurance,
        accessibility=tuple(query.accessibility),
        gender=query.gender,
    )


def _candidates(candidates: tuple[Location, ...]) -> list[dict]:
    return [{"label": c.label, "latitude": c.point.latitude, "longitude": c.point.longitude} for c in candidates]


def _place(query: PractitionerQuery):
    """The searched place and radius, or a problem response."""
    if query.near is not None:
        try:
            point, radius_km = parse_fhir_near(query.near, default_radius_km=query.radius_km)
        except InvalidNear as error:
            return None, _field_problem("near", error.args[0])
        if radius_km > current_app.config["SEARCH_MAX_RADIUS_KM"]:
            most = current_app.config["SEARCH_MAX_RADIUS_KM"]
            return None, _field_problem("near", Said(N_("The distance can be at most %(max)s km."), max=most))
        place = places.resolve_place(
            None, point.latitude, point.longitude, label=f"{point.latitude}, {point.longitude}"
        )
    else:
        place = places.resolve_place(query.location, missing_message=ONE_PLACE_MESSAGE)
        radius_km = query.radius_km
    if place.location is not None:
        location = place.location
        found = Place(label=location.label, latitude=location.point.latitude, longitude=location.point.longitude)
        return (found, location.point, radius_km), None
    if place.candidates:
        return None, problem(
            400, title=gettext("Ambiguous place"), detail=place.problem, candidates=_candidates(place.candidates)
        )
    if place.status is places.PlaceStatus.MISSING:  # the query's validator asks for exactly one of near and location
        return None, problem(400, detail=place.problem)
    return None, _field_problem("location", place.problem)


def _field_problem(field: str, message: str):
    """A 400 about one field: its message as the detail and in errors, in the Accept-Language's language."""
    return problem(400, detail=message, errors=[{"field": field, "message": translated(message)}])


@bp.get("/practitioners")
@limiter.limit(lambda: current_app.config["API_SEARCH_RATE_LIMIT"])
@api_spec.validate(
    query=PractitionerQuery,
    resp=Response(HTTP_200=PractitionerPage, HTTP_400=Problem, HTTP_429=Problem),
    tags=["practitioners"],
)
def list_practitioners(query: PractitionerQuery):
    """Practitioners near a place, filtered, sorted and paginated, each with its distance."""
    resolved, error = _place(query)
    if error:
        return error
    place, point, radius_km = resolved
    page = nearby.nearby_practitioners(
        point, radius_km, _filters(query), sort=query.sort, page=query.page, per_page=query.per_page
    )
    profile_url = profile_urls(_external=True)  # built once, not through the routing for each item
    items = [
        PractitionerSummary(
            **_summary_fields(
                hit.profile,
                profile_url(hit.profile.slug),
                hit.verified,
                hit.rating,
                hit.average,
                hit.headache_types,
                hit.consultation_modes,
                hit.languages,
            ),
            distance_km=round(hit.distance_km, 3),
        )
        for hit in page.hits
    ]
    return PractitionerPage(
        items=items,
        total=page.total,
        total_is_capped=page.total_is_capped,
        page=page.page,
        per_page=page.per_page,
        pages=page.pages,
        place=place,
    )


@bp.get("/practitioners/<int:practitioner_id>")
@api_spec.validate(resp=Response(HTTP_200=PractitionerDetail, HTTP_404=Problem), tags=["practitioners"])
def get_practitioner(practitioner_id: int):
    """One listed practitioner's public profile."""
    found = details.practitioner_details(practitioner_id)
    if found is None:
        return problem(404, detail=N_("No listed practitioner has this id."))
    profile = found.profile
    return PractitionerDetail(
        **_summary_fields(
            profile,
            url_for("practitioners.show", slug=profile.slug, _external=True),
            found.verified,
            found.rating.score,
            found.rating.mean,
            found.headache_types,
            found.consultation_modes,
            found.languages,
        ),
        bio=profile.bio,
        clinic_name=profile.clinic_name,
        street=profile.street,
        region=profile.region,
        postal_code=profile.postal_code,
        phone=profile.phone,
        website=profile.website,
        practising_since=profile.practising_since,
        session_minutes=profile.session_minutes,
        insurance_accepted=profile.insurance_accepted,
        accepts_self_pay=profile.accepts_self_pay,
        accessibility=list(found.accessibility),
        gender=profile.gender,
        availability=list(found.availability),
        certifications=[
            Certification.model_validate(
                {
                    "issuing_body": c.issuing_body,
                    "programme": c.programme,
                    "status": c.status,
                    "obtained_on": c.obtained_on.isoformat() if c.obtained_on else None,
                    "expires_on": c.expires_on.isoformat() if c.expires_on else None,
                }
            )
            for c in found.certifications
        ],
        rating_distribution={str(stars): count for stars, count in found.rating.distribution.items()},
        outcomes=_outcomes(found.profile.id),
    )


def _outcomes(profile_id: int) -> Outcomes | None:
    figures = outcomes.public_outcomes(profile_id)
    if figures is None:
        return None
    change, share = figures.median_change, figures.responder_share
    return Outcomes(
        evaluable=figures.counts.evaluable,
        started=figures.counts.started,
        median_change_monthly_headache_days=round(change.value, 1),
        median_change_ci=[round(change.low, 1), round(change.high, 1)],
        responder_50_share=round(share.value, 2),
        responder_50_ci=[round(share.low, 2), round(share.high, 2)],
        label=figures.label,
        refreshed_at=figures.refreshed_at.isoformat(),
    )


@bp.post("/assessments")
@limiter.limit(lambda: current_app.config["API_QUESTIONNAIRE_RATE_LIMIT"])
@api_spec.validate(
    json=Answers, resp=Response(HTTP_200=AssessmentOut, HTTP_400=Problem, HTTP_429=Problem), tags=["questionnaire"]
)
def create_assessment(json: Answers):
    """Triage and probable headache types for questionnaire answers (nothing is stored)."""
    answers = answers_to_dict(json)
    assessment = clinical.assess(answers)
    return AssessmentOut.model_validate(clinical.to_api_dict(assessment, _emergency_number(answers)))


def _emergency_number(answers: dict) -> str | None:
    """The emergency number of the patient's country, None when the country is unknown."""
    return emergency.emergency_number(matching.patient_country(answers.get("preferences") or {}))


@bp.post("/matches")
@limiter.limit(lambda: current_app.config["API_QUESTIONNAIRE_RATE_LIMIT"])
@api_spec.validate(
    json=Answers, resp=Response(HTTP_200=MatchesOut, HTTP_400=Problem, HTTP_429=Problem), tags=["questionnaire"]
)
def create_matches(json: Answers):
    """The assessment plus practitioners ranked by fit, each with its reasons (nothing is stored)."""
    answers = answers_to_dict(json)
    assessment = clinical.assess(answers)
    body = clinical.to_api_dict(assessment, _emergency_number(answers))
    if body["stop"] is not None:
        # Whatever the place: a patient told to stop is shown no practitioner.
        return MatchesOut(**body, practitioners=[])
    result = matching.match(answers, assessment, limit=current_app.config["MATCH_RESULTS"])
    if result.problem or result.candidates:
        candidates = _candidates(result.candidates)
        return problem(
            400,
            title=gettext("Ambiguous place") if candidates else gettext("Place not usable"),
            detail=result.problem,
            errors=[{"field": "preferences.location", "message": translated(result.problem or "")}],
            **({"candidates": candidates} if candidates else {}),
        )
    practitioners = [
        MatchOut(
            id=m.profile.id,
            name=m.profile.display_name,
            profile_url=url_for("practitioners.show", slug=m.profile.slug, _external=True),
            score=m.score,
            distance_km=None if m.distance_km is None else round(m.distance_km, 3),
            reasons=list(m.reasons),
        )
        for m in result.matches
    ]
    return MatchesOut(**body, practitioners=practitioners)


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3 document, generated from the schemas that validate the requests."""
    return jsonify(openapi_document(url_for("main.index", _external=True)))
