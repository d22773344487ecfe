"""Errors as RFC 9457 problem details."""

from http import HTTPStatus
from typing import Any

from flask import jsonify


def problem(status: int, detail: str | None = None, **extra: Any):
    """A problem-details JSON response with the given status."""
    body = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status}
    if detail:
        body["detail"] = detail
    body.update(extra)
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response
