"""The OpenAPI schema documents each operation's 4xx answers with the one error body
(integrity/api/schema.py); test_fuzz.py checks that the answers keep to it."""

from __future__ import annotations

import pytest

from .fuzzing import RAW

ERROR = {"$ref": "#/components/schemas/ApiError"}
OPERATIONS = [
    (path, method, operation)
    for path, operations in RAW["paths"].items()
    for method, operation in operations.items()
]


def _ids() -> list[str]:
    return [f"{method.upper()} {path}" for path, method, _ in OPERATIONS]


def _request_fields(operation: dict) -> set[str]:
    names: set[str] = set()
    for media in operation.get("requestBody", {}).get("content", {}).values():
        ref = media["schema"].get("$ref", "")
        schema = RAW["components"]["schemas"].get(ref.rsplit("/", 1)[-1], media["schema"])
        names |= set(schema.get("properties", {}))
    return names


@pytest.mark.parametrize(("path", "method", "operation"), OPERATIONS, ids=_ids())
def test_each_operation_documents_the_errors_it_can_give(path, method, operation):
    responses = operation["responses"]
    parameters = operation.get("parameters", [])
    query = {p["name"] for p in parameters if p["in"] == "query"}
    in_path = any(p["in"] == "path" for p in parameters)
    errors = {code for code in responses if code.startswith("4")}

    assert "401" in errors  # not signed in, or a bad token
    assert "403" in errors  # not for the caller's roles
    assert ("400" in errors) is (method != "get" or bool(query))
    if in_path or "cursor" in query:
        assert "404" in errors
    if "version" in _request_fields(operation):
        assert "409" in errors
    assert ("429" in errors) is (path == "/api/v1/auth/token/")
    for code in errors:
        assert responses[code]["content"] == {"application/json": {"schema": ERROR}}
        assert responses[code]["description"] not in ("", "No response body")


def test_the_error_body():
    error = RAW["components"]["schemas"]["ApiError"]
    assert error["required"] == ["error"]
    inner = error["properties"]["error"]
    assert inner["required"] == ["status", "code", "message", "fields"]
    assert inner["properties"]["fields"]["type"] == "object"


def test_where_there_is_no_version_there_is_no_409():
    """A stale version is the only conflict, except where a view declares its own (an export
    not finished yet, an import confirmed or cancelled already)."""
    own = {
        ("/api/v1/reports/exports/{id}/download/", "get"),
        ("/api/v1/reports/imports/{id}/confirm/", "post"),
        ("/api/v1/reports/imports/{id}/cancel/", "post"),
    }
    for path, method, operation in OPERATIONS:
        if "409" in operation["responses"] and (path, method) not in own:
            assert "version" in _request_fields(operation), f"{method} {path}"


def test_a_views_own_error_keeps_its_description_and_gets_the_body():
    download = RAW["paths"]["/api/v1/reports/exports/{id}/download/"]["get"]["responses"]
    assert download["410"]["description"] == "The file expired"
    assert download["410"]["content"] == {"application/json": {"schema": ERROR}}


def test_throttling_says_when_to_try_again():
    throttled = RAW["paths"]["/api/v1/auth/token/"]["post"]["responses"]["429"]
    assert throttled["headers"]["Retry-After"]["schema"] == {"type": "integer"}


@pytest.mark.django_db
def test_the_schema_served_at_api_schema_has_them(admin_client):
    response = admin_client.get("/api/schema/", {"format": "json"})
    served = response.json()["paths"]["/api/v1/ledgers/relatives/{id}/void/"]["post"]
    assert set(served["responses"]) == {"200", "400", "401", "403", "404", "409"}
