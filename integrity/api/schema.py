"""The API's error responses, documented in one place.

A drf-spectacular postprocessing hook (``SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]``, after
the enum hook) adds to each operation the 4xx responses the API really gives, all with the one
error body of :mod:`integrity.api.errors`::

    {"error": {"status": 404, "code": "not_found", "message": "…", "fields": {}}}

- 400 on every write (POST, PUT, PATCH) and on reads with query parameters: validation, with
  the reasons by field under ``error.fields``; nothing was changed;
- 401 on every operation: no credentials (a protected operation) or a bad token (any
  operation), with ``WWW-Authenticate: Token`` (the token comes first among the
  authentication classes, so that a client knows to sign in again rather than give up);
- 403 on every operation: the caller's roles may not do this;
- 404 on operations with path parameters (not found, or out of the caller's scope: the same
  answer) and on cursor-paginated lists (an invalid cursor);
- 409 where the request body carries the ``version`` the change is based on (a stale one);
- 429 where the view is throttled (the token exchange), with ``Retry-After``.

A response a view declares itself keeps its description; it gets the error body if it has none.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

ERROR_COMPONENT = "ApiError"
ERROR_REF = {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}
WRITES = {"post", "put", "patch", "delete"}
METHODS = {"get", "post", "put", "patch", "delete", "head", "options", "trace"}


def error_component() -> dict[str, Any]:
    return {
        "type": "object",
        "description": _("The API's one error format."),
        "properties": {
            "error": {
                "type": "object",
                "properties": {
                    "status": {"type": "integer", "description": _("The HTTP status.")},
                    "code": {
                        "type": "string",
                        "description": _(
                            "A stable code: invalid, not_authenticated, authentication_failed, "
                            "permission_denied, not_found, stale, throttled, …"
                        ),
                    },
                    "message": {
                        "type": "string",
                        "description": _("What went wrong, in the caller's language."),
                    },
                    "fields": {
                        "type": "object",
                        "additionalProperties": {},
                        "description": _(
                            "Validation errors by field (non_field_errors for the request as a "
                            "whole); empty for other errors."
                        ),
                    },
                },
                "required": ["status", "code", "message", "fields"],
            }
        },
        "required": ["error"],
    }


def _descriptions(path_has_id: bool) -> dict[int, str]:
    return {
        400: _(
            "Invalid request: the reasons are under error.fields, by field. Nothing was changed."
        ),
        401: _(
            "Not signed in: no valid session or token (the WWW-Authenticate header names the "
            "scheme). Nothing was changed."
        ),
        403: _("The caller's roles may not do this. Nothing was changed."),
        404: (
            _("Not found, or outside the caller's scope: the two answers are the same.")
            if path_has_id
            else _("An invalid cursor.")
        ),
        409: _(
            "The version sent is stale: the record changed since. Nothing was changed; reload "
            "it and try again."
        ),
        429: _("Too many requests: try again after the time in the Retry-After header."),
    }


def _has_version(operation: dict[str, Any], schemas: dict[str, Any]) -> bool:
    for media in operation.get("requestBody", {}).get("content", {}).values():
        schema = media.get("schema", {})
        ref = schema.get("$ref", "")
        if ref.startswith("#/components/schemas/"):
            schema = schemas.get(ref.rsplit("/", 1)[1], {})
        if "version" in schema.get("properties", {}):
            return True
    return False


def _is_throttled(callback: Any) -> bool:
    if callback is None:
        return False
    view = getattr(callback, "cls", None)
    initkwargs = getattr(callback, "initkwargs", {}) or {}
    return bool(initkwargs.get("throttle_classes", getattr(view, "throttle_classes", ())))


def statuses(
    method: str, operation: dict[str, Any], schemas: dict[str, Any], callback: Any
) -> list[int]:
    """The 4xx statuses ``operation`` can answer with (see the module's docstring)."""
    parameters = operation.get("parameters", [])
    in_path = any(p.get("in") == "path" for p in parameters)
    in_query = [p.get("name") for p in parameters if p.get("in") == "query"]
    found = [401, 403]
    if method in WRITES or in_query:
        found.append(400)
    if in_path or "cursor" in in_query:
        found.append(404)
    if _has_version(operation, schemas):
        found.append(409)
    if _is_throttled(callback):
        found.append(429)
    return sorted(found)


def error_responses(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas[ERROR_COMPONENT] = error_component()
    callbacks = {
        (path, method.lower()): callback
        for path, _regex, method, callback in (getattr(generator, "endpoints", None) or [])
    }
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            in_path = any(p.get("in") == "path" for p in operation.get("parameters", []))
            texts = _descriptions(in_path)
            for status in statuses(method, operation, schemas, callbacks.get((path, method))):
                responses.setdefault(str(status), {"description": texts[status]})
            for code, response in responses.items():
                if not code.startswith("4"):
                    continue
                if response.get("description") in ("", "No response body"):
                    response["description"] = texts.get(int(code), response.get("description"))
                response.setdefault("content", {"application/json": {"schema": ERROR_REF}})
                if code == "429":
                    response.setdefault(
                        "headers",
                        {
                            "Retry-After": {
                                "schema": {"type": "integer"},
                                "description": _("Seconds to wait before trying again."),
                            }
                        },
                    )
    return result
