"""Hypothesis over the FHIR API's query strings: never a 5xx; a 4xx is an OperationOutcome, a 200 a valid Bundle."""

from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import factories
from tests.fhir_checks import FHIR_JSON, validate_resource

TYPES = ("Practitioner", "PractitionerRole", "Location", "Organization")
NAMES = (
    "near",
    "location.near",
    "address-postalcode",
    "address-city",
    "address-state",
    "specialty",
    "practitioner",
    "new-patient",
    "name",
    "_id",
    "_count",
    "_page",
    "_include",
    "_format",
    "_sort",
    "name:exact",
    "",
)
NUMBER = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.sampled_from(["", "-0", "1e3", ".5", "+40.7", "0x10", "١٢"]),
)
NEAR = st.builds(
    lambda parts: "|".join(parts),
    st.lists(st.one_of(NUMBER, st.sampled_from(["km", "mi", "[mi_i]", "KM", "parsec", ""])), min_size=0, max_size=5),
)
VALUES = st.one_of(
    NEAR,
    NUMBER,
    st.text(max_size=40),
    st.text(max_size=400, alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")),
    st.sampled_from(
        [
            "true",
            "false",
            "migraine",
            "migraine,cluster",
            "http://snomed.info/sct|37796009",
            "PractitionerRole:*",
            "PractitionerRole:location",
            "Practitioner/1",
            "eyJwIjoyfQ.x",
            "json",
        ]
    ),
)
QUERIES = st.tuples(
    st.sampled_from(TYPES),
    st.lists(st.tuples(st.one_of(st.sampled_from(NAMES), st.text(max_size=12)), VALUES), max_size=5),
)


@pytest.fixture
def few(app):
    with app.app_context():
        for i in range(4):
            factories.make_profile(
                latitude=40.75 + i / 100, longitude=-73.98, headache_types=("migraine",), verified=i % 2 == 0
            )


@given(query=QUERIES)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture], database=None)
def test_no_query_string_gives_a_server_error(client, few, query):
    resource_type, parameters = query
    response = client.get(f"/fhir/{resource_type}?{urlencode(parameters)}")
    assert response.status_code in (200, 400), response.get_data(as_text=True)
    assert response.mimetype == FHIR_JSON
    body = response.get_json()
    validate_resource(body)
    assert body["resourceType"] == ("Bundle" if response.status_code == 200 else "OperationOutcome")


@given(resource_type=st.sampled_from(TYPES), resource_id=st.text(max_size=30))
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture], database=None)
def test_no_id_gives_a_server_error(client, few, resource_type, resource_id):
    response = client.get(f"/fhir/{resource_type}/" + resource_id.replace("/", "%2F").replace("?", "%3F"))
    assert response.status_code < 500
    if response.status_code in (200, 404):
        assert response.mimetype == FHIR_JSON
        validate_resource(response.get_json())
