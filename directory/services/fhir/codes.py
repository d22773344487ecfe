"""The systems, extensions and codes the FHIR resources use, in one place (docs/fhir.md says why each)."""

from directory import vocabulary

FHIR_VERSION = "4.0.1"
FHIR_JSON = "application/fhir+json"
UCUM = "http://unitsofmeasure.org"
# The core extension a searchset entry carries its distance from a `near` point in (FHIR R4, Location search).
LOCATION_DISTANCE = "http://hl7.org/fhir/StructureDefinition/location-distance"
ORGANIZATION_TYPE = "http://terminology.hl7.org/CodeSystem/organization-type"
LANGUAGE_SYSTEM = "urn:ietf:bcp:47"
# FHIR's daysOfWeek codes, Monday first as the availability slots count.
WEEKDAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# The directory's genders as FHIR's administrative gender.
GENDERS = {"woman": "female", "man": "male", "nonbinary": "other"}
# The site's own code systems and extensions, under its FHIR base.
HEADACHE_FAMILY = "CodeSystem/headache-family"
PROFESSION = "CodeSystem/profession"
CONSULTATION_MODE = "CodeSystem/consultation-mode"
CERTIFYING_BODY = "CodeSystem/certifying-body"
QUALIFICATION = "CodeSystem/qualification"
VERIFICATION_STATUS = "CodeSystem/verification-status"
ACCEPTING_NEW_PATIENTS = "StructureDefinition/accepting-new-patients"
CONSULTATION_MODE_EXTENSION = "StructureDefinition/consultation-mode"
VERIFICATION_STATUS_EXTENSION = "StructureDefinition/verification-status"

HEADACHE_NAMES = dict(vocabulary.HEADACHE_TYPES)
HEADACHE_ORDER = {code: i for i, (code, _) in enumerate(vocabulary.HEADACHE_TYPES)}
MODE_NAMES = dict(vocabulary.CONSULTATION_MODES)
MODE_ORDER = {code: i for i, (code, _) in enumerate(vocabulary.CONSULTATION_MODES)}
PROFESSION_NAMES = dict(vocabulary.PROFESSIONS)
CERTIFYING_BODY_NAMES = dict(vocabulary.CERTIFYING_BODIES)
# The statuses a certification is shown in (models.certification: status_on).
VERIFICATION_STATUS_NAMES = {
    "verified": "Verified",
    "pending": "Awaiting verification",
    "rejected": "Not verified",
    "expired": "Expired",
}


def site_url(base: str, path: str) -> str:
    """A code system's or extension's canonical URL under the site's FHIR base."""
    return f"{base}/{path}"
