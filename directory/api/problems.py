"""Errors as RFC 9457 problem details."""

from http import HTTPStatus
from typing import Any

from flask import jsonify

from directory.services.core.text import N_, gettext, translated

# The titles the API answers with, for the catalog: each is HTTPStatus(status).phrase, translated by Accept-Language.
TITLES = (
    N_("Bad Request"),
    N_("Unauthorized"),
    N_("Forbidden"),
    N_("Not Found"),
    N_("Method Not Allowed"),
    N_("Conflict"),
    N_("Request Entity Too Large"),
    N_("Unsupported Media Type"),
    N_("Unprocessable Entity"),
    N_("Too Many Requests"),
    N_("Internal Server Error"),
    N_("Service Unavailable"),
)


def problem(status: int, detail: str | None = None, **extra: Any):
    """A problem-details JSON response with the given status, its title and detail in the Accept-Language's language."""
    body = {"type": "about:blank", "title": gettext(HTTPStatus(status).phrase), "status": status}
    if detail:
        # A detail from the catalog (a fixed sentence, or a Said with its values) is translated; another stays as written.
        body["detail"] = translated(detail)
    body.update(extra)
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response
