"""The CapabilityStatement: exactly what this FHIR endpoint supports, from the same lists the searches check."""

from directory.services.fhir import codes
from directory.services.fhir.params import INCLUDES, RESOURCE_TYPES
from directory.services.fhir.resources import Resource

SPEC = "http://hl7.org/fhir/SearchParameter"
# The date this statement's content last changed.
STATEMENT_DATE = "2026-12-02"

_PARAMETERS: dict[str, list[tuple[str, str, str, str]]] = {
    "Location": [
        (
            "near",
            "special",
            f"{SPEC}/Location-near",
            "latitude|longitude|distance|units. Units km (the default when left out), mi or [mi_i]; a distance "
            "left out is the default radius. Nearest first; each entry's search.extension location-distance gives "
            "its distance in the units asked. Combines with _count only.",
        ),
        ("address-postalcode", "string", f"{SPEC}/Location-address-postalcode", "Starts with, ignoring case."),
        ("address-city", "string", f"{SPEC}/Location-address-city", "Starts with, ignoring case."),
        ("address-state", "string", f"{SPEC}/Location-address-state", "Starts with, ignoring case."),
    ],
    "PractitionerRole": [
        (
            "location.near",
            "special",
            f"{SPEC}/Location-near",
            "Chained: roles whose location is near, as Location?near (nearest first, with location-distance). "
            "Combines with specialty, new-patient=true, _include and _count only.",
        ),
        (
            "specialty",
            "token",
            f"{SPEC}/PractitionerRole-specialty",
            "A headache family code of the headache-family code system (with or without its system). "
            "Repeat the parameter to require several; a comma list is refused.",
        ),
        ("practitioner", "reference", f"{SPEC}/PractitionerRole-practitioner", "Practitioner/<id> or <id>."),
        ("new-patient", "token", "", "true or false: whether the practitioner accepts new patients."),
    ],
    "Practitioner": [
        ("name", "string", f"{SPEC}/individual-name", "Any word of the name starts with the value, ignoring case.")
    ],
    "Organization": [],
}


def capability_statement(
    base: str, site_name: str, *, default_count: int, max_count: int, default_radius_km: float, max_radius_km: float
) -> Resource:
    """What this server does, for `GET /fhir/metadata`."""
    limits = (
        f"_count: {default_count} by default, at most {max_count}. near: units km (default), mi or [mi_i]; "
        f"default distance {default_radius_km:g} km, at most {max_radius_km:g} km. Paging links are opaque; "
        "'next' is absent on the last page. A total above the count cap is left out and said in an "
        "OperationOutcome entry (search.mode outcome). Unknown parameters are refused with 400."
    )
    resources: list[Resource] = []
    for resource_type in RESOURCE_TYPES:
        search_parameters = [
            {"name": "_id", "type": "token", "definition": f"{SPEC}/Resource-id", "documentation": "Comma list of ids."}
        ]
        for name, kind, definition, documentation in _PARAMETERS[resource_type]:
            parameter = {"name": name, "type": kind, "documentation": documentation}
            if definition:
                parameter["definition"] = definition
            search_parameters.append(parameter)
        resource: Resource = {
            "type": resource_type,
            "interaction": [{"code": "read"}, {"code": "search-type"}],
            "versioning": "no-version",
            "readHistory": False,
            "updateCreate": False,
            "searchParam": search_parameters,
        }
        if resource_type == "PractitionerRole":
            resource["searchInclude"] = [*INCLUDES, "PractitionerRole:*"]
        resources.append(resource)
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": STATEMENT_DATE,
        "publisher": site_name,
        "kind": "instance",
        "software": {"name": f"{site_name} directory"},
        "implementation": {"description": f"{site_name}: dry-needling practitioners for headache", "url": base},
        "fhirVersion": codes.FHIR_VERSION,
        "format": [codes.FHIR_JSON, "json"],
        "rest": [
            {
                "mode": "server",
                "documentation": "Public and read-only. " + limits,
                "security": {"description": "No authentication: only what the public profiles show."},
                "resource": resources,
                "searchParam": [
                    {
                        "name": "_count",
                        "type": "number",
                        "documentation": f"Page size: {default_count} by default, 1 to {max_count}.",
                    }
                ],
            }
        ],
    }
