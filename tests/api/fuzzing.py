"""What the API fuzzing (test_fuzz.py) and its regression tests (test_fuzz_regressions.py)
share: the schema as /api/schema/ serves it, the WSGI application called in-process, the checks
every answer must pass, and the world of fuzz_world.py for a module."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections, transaction
from django.test.utils import override_settings
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from ledgers.specs import SPECS

from .fuzz_world import World, build

# The kind of object behind the ``{id}`` of each resource (World.ids' keys).
KIND_OF = {
    "alerts": "alert",
    "cases": "case",
    "clues": "clue",
    "complaints": "complaint",
    "courts": "court",
    "declarations": "declaration",
    "declarations/campaigns": "campaign",
    "departments": "department",
    "findings": "finding",
    "inspections": "inspection",
    "integrity-files": "staff",
    "notifications": "notification",
    "questionnaires": "questionnaire",
    "referrals": "referral",
    "reports/exports": "export",
    "reports/imports": "import",
    "staff": "staff",
    "visit-plans": "visit_plan",
    "visits": "visit",
    **{f"ledgers/{spec.slug}": f"ledger:{spec.slug}" for spec in SPECS},
}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


def openapi_schema() -> dict[str, Any]:
    """The schema as /api/schema/ renders it (no database needed)."""
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(generated))


RAW = openapi_schema()
SCHEMA = schemathesis.openapi.from_dict(RAW)
OPERATIONS = {op.label: op for op in (result.ok() for result in SCHEMA.get_all_operations())}


def path_kinds(path: str) -> dict[str, str]:
    """The kinds of object a path's parameters name: ``{"id": "ledger:relatives"}``."""
    resource = path.removeprefix("/api/v1/").split("/{id}")[0]
    kinds = {}
    if "{id}" in path:
        kinds["id"] = KIND_OF[resource]
    if "{aid}" in path:
        kinds["aid"] = f"{kinds['id']}:attachment"
    return kinds


def wsgi_app() -> Any:
    """Django's WSGI handler, without closing the connection at the end of each request (which
    would end the test's transaction), as Django's test client does."""
    handler = WSGIHandler()

    def app(environ: dict, start_response: Any) -> list[bytes]:
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        try:
            response = handler(environ, start_response)
            try:
                return list(response)
            finally:
                response.close()
        finally:
            signals.request_started.connect(close_old_connections)
            signals.request_finished.connect(close_old_connections)

    return app


APP = wsgi_app()


@contextmanager
def world_for_module(blocker: Any, root: Path) -> Iterator[World]:
    """The world, built in a transaction rolled back at the end (each test's own savepoint
    nests in it); files go under ``root``."""
    files = {
        "MEDIA_ROOT": root / "media",
        "EXPORT_ROOT": root / "exports",
        "IMPORT_ROOT": root / "imports",
    }
    storages = {
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(files["MEDIA_ROOT"])},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with blocker.unblock(), override_settings(**files, STORAGES=storages):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            world = build()
            yield world
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
    # The token exchange's rate limit counts per user id: forget the fuzzed logins' counts.
    cache.delete_many([f"throttle_token_{user.pk}" for user in world.users.values()])


def call(operation: Any, world: World, role: str, **data: Any) -> Any:
    """Call ``operation`` as ``role`` with the given path parameters, query and body, and check
    the answer as the fuzzing does; the answer."""
    case = operation.Case(**data)
    headers = {"Authorization": f"Token {world.tokens[role]}", "X-Fuzz-Role": role}
    response = case.call(app=APP, headers=headers)
    case.validate_response(response, checks=CHECKS, headers=headers)
    return response
