"""Checking FHIR answers against fhir.resources' R4B models (the API builds plain dicts; the tests validate them)."""

from fhir.resources.R4B import get_fhir_model_class

FHIR_JSON = "application/fhir+json"


def validate_resource(resource: dict) -> None:
    """Validate one resource with its R4B model (raises pydantic's ValidationError), and a bundle's entries too."""
    model = get_fhir_model_class(resource["resourceType"])
    model.model_validate(resource)
    for entry in resource.get("entry", ()) if resource["resourceType"] == "Bundle" else ():
        validate_resource(entry["resource"])


def fhir_body(response, status: int = 200) -> dict:
    """The answer's JSON after checking its status, its content type and the R4B models."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == FHIR_JSON
    body = response.get_json()
    validate_resource(body)
    if status >= 400:
        assert body["resourceType"] == "OperationOutcome"
        assert body["issue"][0]["severity"] in ("error", "fatal") and body["issue"][0]["diagnostics"]
    return body


def matches(bundle: dict) -> list[dict]:
    """The resources a searchset matched, in order."""
    return [entry["resource"] for entry in bundle["entry"] if entry["search"]["mode"] == "match"]


def link(bundle: dict, relation: str) -> str | None:
    """A bundle's link of this relation, None when it has none."""
    return next((item["url"] for item in bundle["link"] if item["relation"] == relation), None)
