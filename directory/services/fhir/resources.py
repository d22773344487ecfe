"""FHIR R4 Practitioner, PractitionerRole, Location and Organization resources of a listed practice.

Every practice is one of each, all four with the profile's id: Practitioner/42 is the person,
PractitionerRole/42 their role at their practice, Location/42 its address and position,
Organization/42 the practice itself. The resources are built as plain dicts, not through
fhir.resources' pydantic models: building a page of them through the models cost more than the
whole search (docs/fhir.md), so the tests validate every resource the API answers with against
the R4B models instead.
"""

from typing import Any

from directory.services.core.text import clock
from directory.services.fhir import codes
from directory.services.fhir.records import Practice, PublicQualification

Resource = dict[str, Any]

# FHIR's time type ends at 23:59:59: an opening that runs to midnight ends there.
_LAST_SECOND = "23:59:59"
MINUTES_PER_DAY = 1440


def _reference(resource_type: str, practice: Practice, display: str) -> Resource:
    return {"reference": f"{resource_type}/{practice.id}", "display": display}


def organization_name(practice: Practice) -> str:
    """The practice's name: its clinic's, else the practitioner's own (a practitioner working alone)."""
    return practice.clinic_name or practice.display_name


def _telecom(practice: Practice) -> list[Resource]:
    telecom = []
    if practice.phone:
        telecom.append({"system": "phone", "value": practice.phone, "use": "work"})
    if practice.website:
        telecom.append({"system": "url", "value": practice.website, "use": "work"})
    return telecom


def _address(practice: Practice) -> Resource | None:
    parts = {
        "line": [practice.street] if practice.street else None,
        "city": practice.city,
        "state": practice.region,
        "postalCode": practice.postal_code,
        "country": practice.country,
    }
    address = {name: value for name, value in parts.items() if value}
    if not address:
        return None
    return {"use": "work", "type": "physical", **address}


def _coding(base: str, system: str, code: str, display: str | None) -> Resource:
    coding = {"system": codes.site_url(base, system), "code": code}
    if display:
        coding["display"] = display
    return coding


def _qualification(base: str, qualification: PublicQualification) -> Resource:
    name = qualification.programme or "Dry needling certification"
    entry: Resource = {
        "extension": [
            {
                "url": codes.site_url(base, codes.VERIFICATION_STATUS_EXTENSION),
                "valueCoding": _coding(
                    base,
                    codes.VERIFICATION_STATUS,
                    qualification.status,
                    codes.VERIFICATION_STATUS_NAMES.get(qualification.status),
                ),
            }
        ],
        "code": {
            "coding": [
                _coding(base, codes.QUALIFICATION, "dry-needling", "Dry needling certification"),
                _coding(
                    base,
                    codes.CERTIFYING_BODY,
                    qualification.issuing_body,
                    codes.CERTIFYING_BODY_NAMES.get(qualification.issuing_body),
                ),
            ],
            "text": name,
        },
        "issuer": {"display": qualification.issuer_name},
    }
    period = {}
    if qualification.obtained_on:
        period["start"] = qualification.obtained_on.isoformat()
    if qualification.expires_on:
        period["end"] = qualification.expires_on.isoformat()
    if period:
        entry["period"] = period
    return entry


def practitioner(practice: Practice, base: str) -> Resource:
    """The person: name, gender where given, spoken languages, and certifications with their status."""
    resource: Resource = {
        "resourceType": "Practitioner",
        "id": str(practice.id),
        "active": True,
        "name": [{"use": "usual", "text": practice.display_name}],
    }
    if practice.gender in codes.GENDERS:
        resource["gender"] = codes.GENDERS[practice.gender]
    if practice.qualifications:
        resource["qualification"] = [_qualification(base, q) for q in practice.qualifications]
    if practice.languages:
        resource["communication"] = [
            {"coding": [{"system": codes.LANGUAGE_SYSTEM, "code": code}]} for code in practice.languages
        ]
    return resource


def _available_time(opening: tuple[int, int, int]) -> Resource:
    weekday, start, end = opening
    day = {"daysOfWeek": [codes.WEEKDAY_CODES[weekday]]}
    if start == 0 and end >= MINUTES_PER_DAY:
        return {**day, "allDay": True}
    return {
        **day,
        "availableStartTime": f"{clock(start)}:00",
        "availableEndTime": _LAST_SECOND if end >= MINUTES_PER_DAY else f"{clock(end)}:00",
    }


def practitioner_role(practice: Practice, base: str) -> Resource:
    """The practitioner at their practice: profession, headache families treated, openings, modes, new patients."""
    extensions: list[Resource] = [
        {"url": codes.site_url(base, codes.ACCEPTING_NEW_PATIENTS), "valueBoolean": practice.accepting_new_patients}
    ]
    extensions += [
        {
            "url": codes.site_url(base, codes.CONSULTATION_MODE_EXTENSION),
            "valueCoding": _coding(base, codes.CONSULTATION_MODE, mode, codes.MODE_NAMES.get(mode)),
        }
        for mode in practice.consultation_modes
    ]
    resource: Resource = {
        "resourceType": "PractitionerRole",
        "id": str(practice.id),
        "extension": extensions,
        "active": True,
        "practitioner": _reference("Practitioner", practice, practice.display_name),
        "organization": _reference("Organization", practice, organization_name(practice)),
        "location": [_reference("Location", practice, organization_name(practice))],
    }
    if practice.profession:
        resource["code"] = [
            {
                "coding": [
                    _coding(
                        base, codes.PROFESSION, practice.profession, codes.PROFESSION_NAMES.get(practice.profession)
                    )
                ]
            }
        ]
    if practice.headache_types:
        resource["specialty"] = [
            {"coding": [_coding(base, codes.HEADACHE_FAMILY, code, codes.HEADACHE_NAMES.get(code))]}
            for code in practice.headache_types
        ]
    if telecom := _telecom(practice):
        resource["telecom"] = telecom
    if practice.openings:
        resource["availableTime"] = [_available_time(opening) for opening in practice.openings]
    return resource


def location(practice: Practice, base: str) -> Resource:
    """Where the practice is: its address and position."""
    resource: Resource = {
        "resourceType": "Location",
        "id": str(practice.id),
        "status": "active",
        "name": organization_name(practice),
        "mode": "instance",
    }
    if telecom := _telecom(practice):
        resource["telecom"] = telecom
    if address := _address(practice):
        resource["address"] = address
    if practice.latitude is not None and practice.longitude is not None:
        resource["position"] = {"longitude": practice.longitude, "latitude": practice.latitude}
    resource["managingOrganization"] = _reference("Organization", practice, organization_name(practice))
    return resource


def organization(practice: Practice, base: str) -> Resource:
    """The clinic or practice the practitioner works in."""
    resource: Resource = {
        "resourceType": "Organization",
        "id": str(practice.id),
        "active": True,
        "type": [{"coding": [{"system": codes.ORGANIZATION_TYPE, "code": "prov", "display": "Healthcare Provider"}]}],
        "name": organization_name(practice),
    }
    if telecom := _telecom(practice):
        resource["telecom"] = telecom
    if address := _address(practice):
        resource["address"] = [address]
    return resource


BUILDERS = {
    "Practitioner": practitioner,
    "PractitionerRole": practitioner_role,
    "Location": location,
    "Organization": organization,
}
