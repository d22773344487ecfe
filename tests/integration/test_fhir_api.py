"""The FHIR R4 read API: every answer validates against the R4B models, near agrees with the JSON API, paging, _include, errors."""

import json
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest

from config import TestingConfig
from directory.models import Role
from tests import factories
from tests.fhir_checks import fhir_body, link, matches

MIDTOWN = "40.7484|-73.9857"
HEADACHE_SYSTEM = "http://localhost/fhir/CodeSystem/headache-family"


@pytest.fixture
def directory(app):
    """Six listed practices around midtown Manhattan (one far), one unpublished, one suspended."""
    with app.app_context():
        near = factories.make_profile(
            display_name="Ana Near",
            latitude=40.7484,
            longitude=-73.9857,
            verified=True,
            headache_types=("migraine", "cluster"),
            modes=("in_person", "video"),
            languages=("en", "es"),
            slots=((0, 9 * 60, 12 * 60), (5, 0, 1440), (6, 18 * 60, 1440)),
            phone="+1 212 555 0100",
            website="https://ana.example",
            street="1 Main St",
            city="New York",
            region="NY",
            postal_code="10001",
            country="US",
            gender="woman",
            profession="pt",
            clinic_name="Midtown Needling",
            licence_number="PT-123",
            npi="1234567893",
        )
        factories.make_certification(
            near, status="pending", issuing_body="kinetacore", programme="DN-1", credential_id="SECRET-CRED"
        )
        ids = {
            "near": near.id,
            "second": factories.make_profile(
                display_name="Bo Second",
                latitude=40.7600,
                longitude=-73.9800,
                headache_types=("migraine",),
                accepting_new_patients=False,
                city="New York",
                region="NY",
                postal_code="10019",
            ).id,
            "third": factories.make_profile(
                display_name="Cy Third", latitude=40.7800, longitude=-73.9700, city="Brooklyn", postal_code="11201"
            ).id,
            "fourth": factories.make_profile(
                display_name="Di Fourth", latitude=40.8000, longitude=-73.9500, headache_types=("migraine", "cluster")
            ).id,
            "fifth": factories.make_profile(display_name="Ed Fifth", latitude=40.8300, longitude=-73.9300).id,
            "far": factories.make_profile(display_name="Fay Far", latitude=41.0500, longitude=-73.5400).id,
            "draft": factories.make_profile(display_name="Gil Draft", published=False, latitude=40.749).id,
            "suspended": factories.make_profile(
                display_name="Hal Suspended", user=factories.make_user(Role.THERAPIST, active=False), latitude=40.749
            ).id,
        }
    return ids


def _walk(client, url: str) -> list[dict]:
    """Every bundle of a search, following its next links."""
    bundles = []
    while url:
        bundle = fhir_body(client.get(url))
        bundles.append(bundle)
        url = link(bundle, "next")
        assert len(bundles) < 50, "paging did not end"
    return bundles


def test_metadata_states_what_is_supported(client):
    statement = fhir_body(client.get("/fhir/metadata"))
    assert statement["fhirVersion"] == "4.0.1" and statement["kind"] == "instance"
    rest = statement["rest"][0]
    by_type = {resource["type"]: resource for resource in rest["resource"]}
    assert set(by_type) == {"Practitioner", "PractitionerRole", "Location", "Organization"}
    for resource in by_type.values():
        assert {i["code"] for i in resource["interaction"]} == {"read", "search-type"}
    assert {p["name"] for p in by_type["Location"]["searchParam"]} == {
        "_id",
        "near",
        "address-postalcode",
        "address-city",
        "address-state",
    }
    assert {p["name"] for p in by_type["PractitionerRole"]["searchParam"]} == {
        "_id",
        "location.near",
        "specialty",
        "practitioner",
        "new-patient",
    }
    assert {p["name"] for p in by_type["Practitioner"]["searchParam"]} == {"_id", "name"}
    assert set(by_type["PractitionerRole"]["searchInclude"]) >= {
        "PractitionerRole:practitioner",
        "PractitionerRole:location",
        "PractitionerRole:organization",
    }
    near = next(p for p in by_type["Location"]["searchParam"] if p["name"] == "near")
    assert "km" in near["documentation"] and "[mi_i]" in near["documentation"]
    assert "at most 100" in rest["documentation"] and "20 by default" in rest["documentation"]


def test_location_near_agrees_with_the_json_api(client, directory):
    fhir = fhir_body(client.get(f"/fhir/Location?near={MIDTOWN}|20|km&_count=100"))
    api = client.get(f"/api/v1/practitioners?near={MIDTOWN}|20|km&verified_only=false&per_page=100").get_json()
    assert [int(resource["id"]) for resource in matches(fhir)] == [item["id"] for item in api["items"]]
    distances = [entry["search"]["extension"][0]["valueDistance"] for entry in fhir["entry"]]
    assert [d["value"] for d in distances] == [item["distance_km"] for item in api["items"]]
    assert {(d["unit"], d["code"], d["system"]) for d in distances} == {("km", "km", "http://unitsofmeasure.org")}
    assert fhir["total"] == api["total"] == 5
    assert directory["far"] not in [item["id"] for item in api["items"]]


def test_near_in_miles_reports_miles_and_units_default_to_km(client, directory):
    km = fhir_body(client.get(f"/fhir/Location?near={MIDTOWN}|16.09344"))
    for unit in ("mi", "[mi_i]", "MI"):
        miles = fhir_body(client.get(f"/fhir/Location?near={MIDTOWN}|10|{unit}"))
        assert [r["id"] for r in matches(miles)] == [r["id"] for r in matches(km)]
        distance = miles["entry"][1]["search"]["extension"][0]["valueDistance"]
        kilometres = km["entry"][1]["search"]["extension"][0]["valueDistance"]
        assert distance["code"] == "[mi_i]" and distance["value"] == pytest.approx(
            kilometres["value"] / 1.609344, abs=0.002
        )


def test_near_without_distance_uses_the_default_radius(client, directory):
    # 25 km by default: the far practice (about 45 km away) is out, the rest in.
    bundle = fhir_body(client.get(f"/fhir/Location?near={MIDTOWN}"))
    assert directory["far"] not in [int(r["id"]) for r in matches(bundle)] and bundle["total"] == 5
    wide = fhir_body(client.get(f"/fhir/Location?near={MIDTOWN}|60|km"))
    assert int(matches(wide)[-1]["id"]) == directory["far"]


@pytest.mark.parametrize(
    "url",
    [
        f"/fhir/Location?near={MIDTOWN}|60|km&_count=2",
        f"/fhir/PractitionerRole?location.near={MIDTOWN}|60|km&_count=2&_include=PractitionerRole:*",
        "/fhir/Practitioner?_count=2",
        "/fhir/Organization?_count=3",
    ],
)
def test_paging_walks_every_result_once(client, directory, url):
    bundles = _walk(client, url)
    seen = [resource["id"] for bundle in bundles for resource in matches(bundle)]
    assert len(seen) == len(set(seen)) == bundles[0]["total"] == 6
    assert link(bundles[0], "previous") is None and link(bundles[-1], "next") is None
    assert all(link(bundle, "previous") for bundle in bundles[1:])
    # The links are opaque: a token, not an offset a client could guess, and the previous link goes back.
    second = urlsplit(link(bundles[0], "next")).query
    assert "_page=" in second and "offset" not in second
    back = fhir_body(client.get(link(bundles[1], "previous")))
    assert [r["id"] for r in matches(back)] == [r["id"] for r in matches(bundles[0])]


def test_a_page_token_from_elsewhere_is_refused(client, directory):
    body = fhir_body(client.get("/fhir/Location?_page=eyJwIjoyfQ.forged"), 400)
    assert "_page" in body["issue"][0]["diagnostics"]


def test_include_brings_each_referenced_resource_once(client, directory):
    bundle = fhir_body(
        client.get(
            f"/fhir/PractitionerRole?location.near={MIDTOWN}|20|km"
            "&_include=PractitionerRole:practitioner&_include=PractitionerRole:location"
            "&_include=PractitionerRole:organization&_include=PractitionerRole:location"
        )
    )
    included = [e for e in bundle["entry"] if e["search"]["mode"] == "include"]
    keys = [f"{e['resource']['resourceType']}/{e['resource']['id']}" for e in included]
    assert len(keys) == len(set(keys))
    references = set()
    for role in matches(bundle):
        references |= {role["practitioner"]["reference"], role["organization"]["reference"]}
        references |= {item["reference"] for item in role["location"]}
    assert set(keys) == references and len(keys) == 3 * len(matches(bundle)) == 15
    assert all(e["fullUrl"].endswith("/fhir/" + key) for e, key in zip(included, keys, strict=True))


def test_role_near_with_specialty_and_new_patients_agrees_with_the_json_api(client, directory):
    fhir = fhir_body(
        client.get(f"/fhir/PractitionerRole?location.near={MIDTOWN}|20|km&specialty=migraine&specialty=cluster")
    )
    api = client.get(
        f"/api/v1/practitioners?near={MIDTOWN}|20|km&verified_only=false&headache_type=migraine&headache_type=cluster"
    ).get_json()
    assert (
        [int(r["id"]) for r in matches(fhir)]
        == [i["id"] for i in api["items"]]
        == [
            directory["near"],
            directory["fourth"],
        ]
    )
    with_system = fhir_body(
        client.get(f"/fhir/PractitionerRole?location.near={MIDTOWN}|20|km&specialty={HEADACHE_SYSTEM}|migraine")
    )
    assert [int(r["id"]) for r in matches(with_system)] == [directory["near"], directory["second"], directory["fourth"]]
    accepting = fhir_body(
        client.get(f"/fhir/PractitionerRole?location.near={MIDTOWN}|20|km&specialty=migraine&new-patient=true")
    )
    assert directory["second"] not in [int(r["id"]) for r in matches(accepting)]
    for foreign in ("http://snomed.info/sct|37796009", "flu"):
        empty = fhir_body(client.get(f"/fhir/PractitionerRole?location.near={MIDTOWN}|20|km&specialty={foreign}"))
        assert empty["total"] == 0 and empty["entry"] == []


def test_role_search_without_near(client, directory):
    one = fhir_body(client.get(f"/fhir/PractitionerRole?practitioner=Practitioner/{directory['second']}"))
    assert [int(r["id"]) for r in matches(one)] == [directory["second"]]
    closed = fhir_body(client.get("/fhir/PractitionerRole?new-patient=false"))
    assert [int(r["id"]) for r in matches(closed)] == [directory["second"]]
    migraine = fhir_body(client.get("/fhir/PractitionerRole?specialty=migraine&_include=PractitionerRole:practitioner"))
    assert {int(r["id"]) for r in matches(migraine)} == {directory["near"], directory["second"], directory["fourth"]}


def test_practitioner_role_carries_what_the_profile_page_shows(client, directory):
    role = fhir_body(client.get(f"/fhir/PractitionerRole/{directory['near']}"))
    assert role["practitioner"]["reference"] == f"Practitioner/{directory['near']}"
    assert role["location"][0]["reference"] == f"Location/{directory['near']}"
    assert role["organization"] == {"reference": f"Organization/{directory['near']}", "display": "Midtown Needling"}
    assert [c["coding"][0]["code"] for c in role["specialty"]] == ["migraine", "cluster"]
    assert role["code"][0]["coding"][0]["code"] == "pt"
    assert {t["system"]: t["value"] for t in role["telecom"]} == {
        "phone": "+1 212 555 0100",
        "url": "https://ana.example",
    }
    assert role["availableTime"] == [
        {"daysOfWeek": ["mon"], "availableStartTime": "09:00:00", "availableEndTime": "12:00:00"},
        {"daysOfWeek": ["sat"], "allDay": True},
        {"daysOfWeek": ["sun"], "availableStartTime": "18:00:00", "availableEndTime": "23:59:59"},
    ]
    extensions = {e["url"].rsplit("/", 1)[1]: e for e in role["extension"] if "accepting" in e["url"]}
    assert extensions["accepting-new-patients"]["valueBoolean"] is True
    modes = [e["valueCoding"]["code"] for e in role["extension"] if e["url"].endswith("/consultation-mode")]
    assert modes == ["in_person", "video"]


def test_practitioner_shows_public_certifications_and_nothing_private(client, directory):
    practitioner = fhir_body(client.get(f"/fhir/Practitioner/{directory['near']}"))
    assert practitioner["name"] == [{"use": "usual", "text": "Ana Near"}] and practitioner["gender"] == "female"
    statuses = [q["extension"][0]["valueCoding"]["code"] for q in practitioner["qualification"]]
    assert statuses == ["verified", "pending"]
    first, second = practitioner["qualification"]
    assert first["issuer"] == {"display": "Myopain Seminars"}
    assert first["period"] == {"start": (date.today() - timedelta(days=400)).isoformat()}
    assert second["code"]["text"] == "DN-1" and second["issuer"] == {"display": "KinetaCore"}
    assert [c["coding"][0]["code"] for c in practitioner["communication"]] == ["en", "es"]
    text = json.dumps(practitioner)
    for private in ("SECRET-CRED", "CRED-", "1234567893", "@example.com"):
        assert private not in text


def test_location_and_organization(client, directory):
    location = fhir_body(client.get(f"/fhir/Location/{directory['near']}"))
    assert location["position"] == {"longitude": -73.9857, "latitude": 40.7484}
    assert location["address"]["postalCode"] == "10001" and location["address"]["line"] == ["1 Main St"]
    assert location["managingOrganization"]["reference"] == f"Organization/{directory['near']}"
    organization = fhir_body(client.get(f"/fhir/Organization/{directory['near']}"))
    assert organization["name"] == "Midtown Needling" and organization["type"][0]["coding"][0]["code"] == "prov"
    alone = fhir_body(client.get(f"/fhir/Organization/{directory['third']}"))
    assert alone["name"] == "Cy Third"


def test_location_address_search(client, directory):
    def ids(query):
        return [int(r["id"]) for r in matches(fhir_body(client.get(f"/fhir/Location?{query}")))]

    assert ids("address-postalcode=100") == [directory["near"], directory["second"]]
    assert ids("address-city=new%20york&address-state=ny") == [directory["near"], directory["second"]]
    assert ids("address-city=BROOK") == [directory["third"]]
    assert ids("address-city=%25") == []  # a LIKE wildcard is a plain character
    assert ids(f"_id={directory['third']},{directory['far']},{directory['draft']},abc") == [
        directory["third"],
        directory["far"],
    ]


def test_practitioner_name_search(client, directory):
    def names(value):
        bundle = fhir_body(client.get(f"/fhir/Practitioner?name={value}"))
        return [r["name"][0]["text"] for r in matches(bundle)]

    assert names("ana") == ["Ana Near"]
    assert names("near") == ["Ana Near"]
    assert names("ear") == []
    assert names("hal") == [] and names("gil") == []  # suspended, unpublished


def test_unlisted_practitioners_never_appear(client, directory):
    for resource_type in ("Practitioner", "PractitionerRole", "Location", "Organization"):
        for hidden in (directory["draft"], directory["suspended"]):
            fhir_body(client.get(f"/fhir/{resource_type}/{hidden}"), 404)
        everyone = _walk(client, f"/fhir/{resource_type}?_count=100")
        ids = {int(r["id"]) for bundle in everyone for r in matches(bundle)}
        assert directory["draft"] not in ids and directory["suspended"] not in ids and len(ids) == 6
    near = fhir_body(client.get(f"/fhir/Location?near={MIDTOWN}|5|km"))
    assert directory["draft"] not in [int(r["id"]) for r in matches(near)]


@pytest.mark.parametrize("resource_id", ["987654", "abc", "0", "99999999999", "-1", "1.5", "%C3%A9", "0{near}"])
def test_unknown_ids_are_404_operation_outcomes(client, directory, resource_id):
    body = fhir_body(client.get(f"/fhir/Practitioner/{resource_id.format(**directory)}"), 404)
    assert body["issue"][0]["code"] == "not-found"


def test_unknown_types_and_writes_are_operation_outcomes(client, directory):
    fhir_body(client.get("/fhir/Patient"), 404)
    fhir_body(client.get("/fhir/Patient/1"), 404)
    body = fhir_body(client.post("/fhir/Practitioner", json={"resourceType": "Practitioner"}), 405)
    assert body["issue"][0]["code"] == "not-supported"
    fhir_body(client.delete(f"/fhir/Practitioner/{directory['near']}"), 405)


@pytest.mark.parametrize(
    "query",
    [
        "Location?near=abc",
        "Location?near=",
        "Location?near=91|0",
        "Location?near=0|181",
        "Location?near=1|2|-5|km",
        "Location?near=40|-73|1|parsec",
        "Location?near=40|-73|900|km",
        "Location?near=40|-73|1e3|km",
        "Location?near=nan|0",
        "Location?near=1|2|3|km|5",
        "Location?near=%F0%9F%98%80|1",
        "Location?near=40|-73&near=41|-73",
        "Location?near=40|-73&address-city=York",
        "Location?near=40|-73&_id=1",
        "Location?_count=0",
        "Location?_count=101",
        "Location?_count=abc",
        "Location?_count=",
        "Location?_count=-1",
        "Location?_count=1.5",
        "Location?_count=1&_count=2",
        "Location?bogus=1",
        "Location?name=x",
        "Location?address-city=",
        "Location?address-city=" + "a" * 300,
        "Location?_format=xml",
        "Location?_sort=distance",
        "Location?_page=abc",
        "Location?_page=",
        "Location?address-city=New%00York",
        "PractitionerRole?location.near=40|-73&practitioner=1",
        "PractitionerRole?location.near=40|-73&new-patient=false",
        "PractitionerRole?new-patient=maybe",
        "PractitionerRole?specialty=migraine,cluster",
        "PractitionerRole?specialty=",
        "PractitionerRole?_include=Practitioner:organization",
        "PractitionerRole?_include=PractitionerRole:endpoint",
        "PractitionerRole?near=40|-73",
        "Practitioner?name=",
        "Practitioner?name:exact=Ana",
        "Practitioner?_include=PractitionerRole:practitioner",
        "Organization?name=Midtown",
    ],
)
def test_bad_searches_are_400_operation_outcomes(client, directory, query):
    body = fhir_body(client.get(f"/fhir/{query}"), 400)
    assert body["issue"][0]["code"] == "invalid"


def test_answers_are_cacheable_and_compressed_as_the_json_api(client, directory):
    response = client.get(f"/fhir/PractitionerRole?location.near={MIDTOWN}|20|km", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200 and response.headers["Content-Encoding"] == "gzip"
    assert response.headers["Cache-Control"].startswith("public") and response.headers["ETag"]


class SmallCountCapConfig(TestingConfig):
    SEARCH_COUNT_CAP = 3


class LimitedFhirConfig(TestingConfig):
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    API_SEARCH_RATE_LIMIT = "2 per minute"


def _six_near(app):
    with app.app_context():
        return [factories.make_profile(latitude=40.75 + i / 200, longitude=-73.98).id for i in range(6)]


def test_a_capped_total_is_left_out_and_said_and_paging_goes_on(make_app):
    app = make_app(SmallCountCapConfig)
    ids = _six_near(app)
    client = app.test_client()
    bundles = _walk(client, "/fhir/Location?near=40.75|-73.98|20|km&_count=2")
    first = bundles[0]
    assert "total" not in first
    outcomes = [e for e in first["entry"] if e["search"]["mode"] == "outcome"]
    assert "counting stopped" in outcomes[0]["resource"]["issue"][0]["diagnostics"]
    assert [int(r["id"]) for bundle in bundles for r in matches(bundle)] == ids


def test_over_the_rate_limit_is_a_429_operation_outcome(make_app):
    app = make_app(LimitedFhirConfig)
    client = app.test_client()
    for _ in range(2):
        fhir_body(client.get("/fhir/Location"))
    body = fhir_body(client.get("/fhir/Location"), 429)
    assert body["issue"][0]["code"] == "throttled"


@pytest.mark.parametrize(
    ("near", "api_near"),
    [
        ("40.76|-73.97|12|km", "40.76|-73.97|12|km"),
        ("40.80|-73.95|5|mi", "40.80|-73.95|5|mi"),
        ("40.70|-74.00|50", "40.70|-74.00|50|km"),
        ("41.00|-73.60", "41.00|-73.60|25|km"),
    ],
)
def test_near_pages_agree_with_the_json_api_in_order_and_distance(client, directory, near, api_near):
    bundles = _walk(client, f"/fhir/PractitionerRole?location.near={near}&_count=2")
    entries = [entry for bundle in bundles for entry in bundle["entry"]]
    api = client.get(f"/api/v1/practitioners?near={api_near}&verified_only=false&per_page=100").get_json()
    assert api["items"], "a case that finds nobody checks nothing"
    assert [int(entry["resource"]["id"]) for entry in entries] == [item["id"] for item in api["items"]]
    per_mile = 1.609344 if near.endswith("mi") else 1
    for entry, item in zip(entries, api["items"], strict=True):
        distance = entry["search"]["extension"][0]["valueDistance"]["value"]
        assert distance * per_mile == pytest.approx(item["distance_km"], abs=0.002)


class UnopenableDatabaseConfig(TestingConfig):
    SQLALCHEMY_DATABASE_URI = "sqlite:////nonexistent-folder/for/sure/db.sqlite3"


@pytest.mark.parametrize("path", ["/fhir/Location?near=40.75|-73.98|10|km", "/fhir/Practitioner/1"])
def test_a_database_outage_is_a_503_operation_outcome(make_app, path):
    client = make_app(UnopenableDatabaseConfig, reset=False).test_client()
    body = fhir_body(client.get(path), 503)
    assert body["issue"][0]["code"] == "transient" and body["issue"][0]["severity"] == "fatal"
