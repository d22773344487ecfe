"""The OpenAPI document and request validation, both from the same pydantic schemas (SpecTree)."""

import copy
import json
from collections.abc import Callable

from pydantic import BaseModel, Field
from spectree import SpecTree

from directory.api.problems import problem
from directory.services.core.text import N_, Said, translated
from directory.services.questionnaire.answers import MAX_REPORTED_ERRORS, plain_error


class FieldError(BaseModel):
    field: str = Field(description="Dotted path of the field, e.g. 'radius_km' or 'headache.duration'.")
    message: str


class Problem(BaseModel):
    """An error as RFC 9457 problem details."""

    type: str = Field("about:blank", description="A URI reference that identifies the problem type.")
    title: str = Field(description="A short summary of the problem type.")
    status: int = Field(description="The HTTP status code.")
    detail: str | None = Field(None, description="What went wrong in this case, in plain words.")
    errors: list[FieldError] | None = Field(None, description="One entry per invalid field.")
    candidates: list["PlaceCandidate"] | None = Field(
        None, description="Places to choose from when a place name is ambiguous."
    )


class PlaceCandidate(BaseModel):
    label: str
    latitude: float
    longitude: float


Problem.model_rebuild()


def field_errors(validation_error) -> list[dict]:
    """Pydantic errors as [{field, message}] in plain words (the Accept-Language's), each field named by its dotted path."""
    errors = []
    for error in validation_error.errors()[:MAX_REPORTED_ERRORS]:
        error = {**error, "loc": tuple(part for part in error["loc"] if part not in ("query", "body", "__root__"))}
        plain = plain_error(error)
        errors.append({"field": plain["field"] or "(request)", "message": translated(plain["message"])})
    return errors


def _problem_on_invalid_request(request, response, validation_error, instance, *args) -> None:
    # SpecTree built a response for the invalid request; make it problem details.
    if validation_error is None:
        return
    errors = field_errors(validation_error)
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
    replacement = problem(400, detail=Said(N_("The request is not valid. %(details)s"), details=detail), errors=errors)
    response.set_data(replacement.get_data())
    response.mimetype = "application/problem+json"
    response.status_code = 400


api_spec = SpecTree(
    "flask",
    title="Needle & Nerve directory API",
    version="1.0.0",
    description="Find dry-needling practitioners for headache and migraine. Errors are RFC 9457 problem details.",
    validation_error_status=400,
    annotations=True,
    before=_problem_on_invalid_request,
    naming_strategy=lambda model: model.__name__,
    mode="strict",  # document only the API's own views
)


# Changes to the generated document for what SpecTree cannot describe (a CSV body); each takes the document.
DOCUMENT_PATCHES: list[Callable[[dict], None]] = []


def openapi_document(server_url: str) -> dict:
    """The OpenAPI document of the API, with error responses typed as problem+json."""
    document = copy.deepcopy(api_spec.spec)
    for patch in DOCUMENT_PATCHES:
        patch(document)
    document["servers"] = [{"url": server_url}]
    for operations in document["paths"].values():
        for operation in operations.values():
            for status, response in operation.get("responses", {}).items():
                if status.isdigit() and int(status) >= 400 and "content" in response:
                    response["content"] = {"application/problem+json": response["content"]["application/json"]}
    return json.loads(json.dumps(document))
