"""Searchset bundles, their opaque paging links, and OperationOutcomes."""

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from urllib.parse import urlencode

from itsdangerous import BadSignature, URLSafeSerializer

from directory.services.fhir import codes, resources
from directory.services.fhir.params import InvalidSearch, SearchRequest
from directory.services.fhir.records import Practice
from directory.services.fhir.resources import Resource
from directory.services.fhir.search import SearchResult

PAGE_TOKEN_SALT = "fhir-page"
# Which resource each PractitionerRole _include brings, in the order they follow their role.
INCLUDED_TYPES = {
    "PractitionerRole:practitioner": "Practitioner",
    "PractitionerRole:location": "Location",
    "PractitionerRole:organization": "Organization",
}
ISSUE_TYPES = {400: "invalid", 404: "not-found", 405: "not-supported", 429: "throttled", 503: "transient"}


def page_token(secret_key: str, page: int) -> str:
    """An opaque, signed token for a page of a search (the other parameters stay in the link)."""
    return URLSafeSerializer(secret_key, salt=PAGE_TOKEN_SALT).dumps({"p": page})


def page_from_token(secret_key: str, token: str | None) -> int:
    """The page a paging token names (1 without a token); raises InvalidSearch for a token not made here."""
    if token is None:
        return 1
    try:
        data = URLSafeSerializer(secret_key, salt=PAGE_TOKEN_SALT).loads(token)
    except BadSignature:
        raise InvalidSearch("Parameter '_page' is not a paging token from this server.") from None
    page = data.get("p") if isinstance(data, dict) else None
    if not isinstance(page, int) or isinstance(page, bool) or page < 1:
        raise InvalidSearch("Parameter '_page' is not a paging token from this server.")
    return page


def _link(base: str, search: SearchRequest, secret_key: str, page: int) -> str:
    parameters = list(search.given)
    if page > 1:
        parameters.append(("_page", page_token(secret_key, page)))
    query = urlencode(parameters)
    return f"{base}/{search.resource_type}" + (f"?{query}" if query else "")


def _distance(search: SearchRequest, km: float) -> Resource:
    assert search.near is not None
    unit = search.near.unit
    return {
        "url": codes.LOCATION_DISTANCE,
        "valueDistance": {
            "value": round(search.near.distance(km), 3),
            "unit": unit,
            "system": codes.UCUM,
            "code": "[mi_i]" if unit == "mi" else "km",
        },
    }


def outcome(severity: str, code: str, diagnostics: str) -> Resource:
    """An OperationOutcome with one issue."""
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": severity, "code": code, "diagnostics": diagnostics}],
    }


def error_outcome(status: int, diagnostics: str) -> Resource:
    """The OperationOutcome of an error answered with this HTTP status."""
    return outcome("error" if status < 500 else "fatal", ISSUE_TYPES.get(status, "processing"), diagnostics)


def searchset(
    search: SearchRequest,
    result: SearchResult,
    practices: dict[int, Practice],
    *,
    base: str,
    secret_key: str,
    now: datetime | None = None,
) -> Resource:
    """The searchset Bundle of one page: matches (with their distance for `near`), then each included resource once."""
    build: Callable[[Practice, str], Resource] = resources.BUILDERS[search.resource_type]
    entries: list[Resource] = []
    found = [(i, practices[i]) for i in result.ids if i in practices]
    distances: Sequence[float | None] = result.distances_km or [None] * len(result.ids)
    distance_of = dict(zip(result.ids, distances, strict=True))
    for practice_id, practice in found:
        entry_search: Resource = {"mode": "match"}
        km = distance_of[practice_id]
        if km is not None:
            entry_search["extension"] = [_distance(search, km)]
        entries.append(
            {
                "fullUrl": f"{base}/{search.resource_type}/{practice_id}",
                "resource": build(practice, base),
                "search": entry_search,
            }
        )
    included: set[tuple[str, int]] = set()
    for include in search.includes:
        included_type = INCLUDED_TYPES[include]
        for practice_id, practice in found:
            if (included_type, practice_id) in included:
                continue
            included.add((included_type, practice_id))
            entries.append(
                {
                    "fullUrl": f"{base}/{included_type}/{practice_id}",
                    "resource": resources.BUILDERS[included_type](practice, base),
                    "search": {"mode": "include"},
                }
            )
    if result.total_is_capped:
        entries.append(
            {
                "resource": outcome(
                    "information",
                    "informational",
                    f"More than {result.total:,} match; counting stopped there, so the bundle gives no total."
                    " Follow the 'next' links to read them all.",
                ),
                "search": {"mode": "outcome"},
            }
        )
    links = [{"relation": "self", "url": _link(base, search, secret_key, search.page)}]
    if search.page > 1:
        links.append({"relation": "previous", "url": _link(base, search, secret_key, search.page - 1)})
    if result.has_next:
        links.append({"relation": "next", "url": _link(base, search, secret_key, search.page + 1)})
    bundle: Resource = {
        "resourceType": "Bundle",
        "type": "searchset",
        "timestamp": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
    }
    if not result.total_is_capped:
        bundle["total"] = result.total
    bundle["link"] = links
    bundle["entry"] = entries
    return bundle


def needs_practitioner_details(search: SearchRequest) -> bool:
    """Whether the page's resources need what only Practitioner resources show (languages, certifications)."""
    return search.resource_type == "Practitioner" or "PractitionerRole:practitioner" in search.includes
