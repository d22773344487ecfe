"""JSON request bodies nested too deeply are refused with a 400 before anything walks them."""

import logging

import pytest

from directory.forms import contains_nul
from directory.json_input import nesting_exceeds

PUBLIC_POSTS = ["/api/v1/assessments", "/api/v1/matches"]


def _arrays(depth: int) -> str:
    return "[" * depth + "]" * depth


def _objects(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


@pytest.mark.parametrize("path", PUBLIC_POSTS)
@pytest.mark.parametrize(
    "body",
    [_arrays(326), _arrays(10_000), _objects(326), _objects(10_000)],
    ids=["arrays-326", "arrays-10000", "objects-326", "objects-10000"],
)
def test_deeply_nested_json_is_a_400_problem_document_without_a_traceback(app, client, caplog, path, body):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # an error must show as the 500 it would be in production
    caplog.set_level(logging.DEBUG)
    response = client.post(path, data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert "nested more than 32 levels" in response.get_json()["detail"]
    assert not [record for record in caplog.records if record.exc_info], "a traceback was logged"
    assert "Traceback" not in caplog.text


def test_nesting_within_the_bound_reaches_the_schema_checks(client):
    nested = {"age": 30, "notes": _objects(20)}
    response = client.post("/api/v1/assessments", json={"age": 30, "extra": [[[[[nested]]]]]})
    assert response.status_code == 400
    assert "nested" not in response.get_json()["detail"]


def test_the_bound_can_be_configured(app, client):
    app.config["JSON_MAX_DEPTH"] = 3
    response = client.post("/api/v1/assessments", json={"a": [[[1]]]})  # four levels
    assert "nested more than 3 levels" in response.get_json()["detail"]


def test_deeply_nested_json_posted_elsewhere_is_refused_too(client):
    response = client.post("/auth/login", data=_arrays(5_000), content_type="application/json")
    assert response.status_code == 400
    assert "nested more than 32 levels" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("raw", "limit", "exceeds"),
    [
        (b"[[[]]]", 3, False),
        (b"[[[[]]]]", 3, True),
        (b'{"a": "[[[[[[[[", "b": [1]}', 2, False),  # brackets inside strings do not nest
        (b'["\\"[[[[[["]', 1, False),  # nor after an escaped quote
        (b"[[1], [2], [3], [[4]]]", 2, True),
        (b"]]]]]][[[", 3, False),  # stray closers do not buy extra depth
        (b"]]]]]][[[[", 3, True),
        (b'"unterminated [[[[[', 1, False),
    ],
)
def test_nesting_is_measured_without_parsing(raw, limit, exceeds):
    assert nesting_exceeds(raw, limit) is exceeds


def test_the_nul_check_walks_any_depth_without_recursion():
    deep = "a\x00"
    for _ in range(5_000):
        deep = [{"k": deep}]
    assert contains_nul(deep)
    assert not contains_nul([{"k": ("x", ["y"])}, "z"])
