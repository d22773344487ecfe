"""The FHIR R4 read API under /fhir: Practitioner, PractitionerRole, Location and Organization, public and read-only."""

from flask import Blueprint

bp = Blueprint("fhir", __name__)

from directory.fhir import routes  # noqa: E402,F401
