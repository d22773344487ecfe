"""FHIR JSON answers and OperationOutcome errors."""

import json
from typing import Any

from flask import Response, request

from directory.services.fhir import bundle, codes

FHIR_PREFIX = "/fhir"


def fhir_response(body: dict[str, Any], status: int = 200) -> Response:
    """A FHIR resource as application/fhir+json."""
    return Response(json.dumps(body, separators=(",", ":")), status=status, mimetype=codes.FHIR_JSON)


def outcome_response(status: int, diagnostics: str | None = None) -> Response:
    """An error as an OperationOutcome with this HTTP status."""
    return fhir_response(bundle.error_outcome(status, diagnostics or _default_message(status)), status)


def is_fhir_request() -> bool:
    """Whether the request is for the FHIR API (its errors are OperationOutcomes)."""
    return request.path == FHIR_PREFIX or request.path.startswith(FHIR_PREFIX + "/")


def _default_message(status: int) -> str:
    return {
        404: "No such resource or type here.",
        405: "This server is read-only: only GET is supported.",
        429: "Too many requests: slow down and try again shortly.",
        503: "The directory is unavailable for a moment; try again shortly.",
    }.get(status, "The request could not be answered.")
