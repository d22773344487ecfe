"""FHIR views: read the parameters, call the FHIR services, answer application/fhir+json."""

from flask import current_app, request, url_for

from directory.extensions import limiter
from directory.fhir import bp
from directory.fhir.responses import fhir_response, outcome_response
from directory.services.fhir import bundle, capability, params, records, resources
from directory.services.fhir.params import InvalidSearch, parse_search
from directory.services.fhir.search import page_practices, run_search

# The resource types served, as a URL converter's choices.
TYPES = "any(Practitioner, PractitionerRole, Location, Organization)"


def _base() -> str:
    return url_for("fhir.capability_statement", _external=True).removesuffix("/metadata")


@bp.get("/metadata")
def capability_statement():
    """The CapabilityStatement: the resources, interactions, search parameters and limits supported."""
    config = current_app.config
    return fhir_response(
        capability.capability_statement(
            _base(),
            config["SITE_NAME"],
            default_count=config["SEARCH_PAGE_SIZE"],
            max_count=config["API_MAX_PAGE_SIZE"],
            default_radius_km=config["SEARCH_DEFAULT_RADIUS_KM"],
            max_radius_km=config["SEARCH_MAX_RADIUS_KM"],
        )
    )


@bp.get(f"/<{TYPES}:resource_type>")
@limiter.limit(lambda: current_app.config["API_SEARCH_RATE_LIMIT"])
def search(resource_type: str):
    """A type's search as a searchset Bundle (near first, paged by opaque links); errors as OperationOutcome."""
    config = current_app.config
    base = _base()
    try:
        tokens = request.args.getlist("_page")
        page = bundle.page_from_token(config["SECRET_KEY"], tokens[0] if len(tokens) == 1 else None)
        search_request = parse_search(
            resource_type,
            request.args.items(multi=True),
            base=base,
            page=page,
            default_count=config["SEARCH_PAGE_SIZE"],
            max_count=config["API_MAX_PAGE_SIZE"],
            max_page=config["SEARCH_MAX_PAGE"],
            default_radius_km=config["SEARCH_DEFAULT_RADIUS_KM"],
            max_radius_km=config["SEARCH_MAX_RADIUS_KM"],
        )
    except InvalidSearch as error:
        return outcome_response(400, str(error))
    result = run_search(search_request)
    practices = page_practices(result, for_practitioner=bundle.needs_practitioner_details(search_request))
    return fhir_response(
        bundle.searchset(search_request, result, practices, base=base, secret_key=config["SECRET_KEY"])
    )


@bp.get(f"/<{TYPES}:resource_type>/<resource_id>")
def read(resource_type: str, resource_id: str):
    """One resource by id: a listed practice's Practitioner, PractitionerRole, Location or Organization."""
    practice_id = params.resource_id(resource_id)
    if practice_id is not None:
        practices = records.load_practices([practice_id], for_practitioner=resource_type == "Practitioner")
        if practice_id in practices:
            return fhir_response(resources.BUILDERS[resource_type](practices[practice_id], _base()))
    return outcome_response(404, f"No {resource_type} has the id '{resource_id[:64]}'.")
