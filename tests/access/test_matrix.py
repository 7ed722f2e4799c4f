"""The access matrix (issue 8): every URL pattern and API endpoint × every role × the object
at the login's own court, at a court below, at the neighbouring court — allowed, refused, or
exactly the 404 of a missing object. The table is matrix.py; the world matrix_world.py,
built once for the module (the tests run in savepoints inside it).

A new URL pattern without an entry in matrix.DOORS fails ``test_every_url_pattern_has_a_door``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.http import urlencode

from integrity.access import policy
from integrity.access.policy import VIEW

from . import matrix
from .matrix import DOORS, ROLES, Door, Probe
from .matrix_world import RELATIONS, World, build

# Every test asks for the database: without it pytest-django would not set up the test
# database at all, and the world below would be built in the configured one (the fixture
# refuses that).
pytestmark = pytest.mark.django_db


# --- the world, once for the module ------------------------------------------------------------
@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[World]:
    """Built once inside a transaction that is rolled back at the end; each test runs in a
    savepoint of it (pytest-django's ``db``), so what a probe changes is undone."""
    root = tmp_path_factory.mktemp("matrix")
    files = {
        "MEDIA_ROOT": root / "media",
        "STORAGES": {
            **settings.STORAGES,
            "default": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(root / "media")},
            },
        },
        "EXPORT_ROOT": root / "exports",
        "IMPORT_ROOT": root / "imports",
    }
    with django_db_blocker.unblock(), override_settings(**files):
        name = str(connection.settings_dict["NAME"])
        assert "test" in name or "memory" in name, f"not a test database: {name}"
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


# --- every pattern has a door, every door a pattern ---------------------------------------------
def _patterns(resolver: URLResolver, prefix: str = "", namespace: str = "") -> Iterator[tuple]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _patterns(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            if entry.name:
                yield (f"{namespace}:{entry.name}" if namespace else entry.name), route, namespace
            else:
                yield None, route, namespace


def project_patterns() -> dict[str, list[str]]:
    """Every URL pattern of the project by URL name (an unnamed one by its route), the admin
    left out as a group (matrix.EXCLUDED_NAMESPACES)."""
    found: dict[str, list[str]] = {}
    for name, route, namespace in _patterns(get_resolver()):
        if namespace.split(":")[0] in matrix.EXCLUDED_NAMESPACES:
            continue
        found.setdefault(name or route, []).append(route)
    return found


def test_every_url_pattern_has_a_door():
    missing = sorted(set(project_patterns()) - {door.name for door in DOORS})
    assert not missing, f"URL patterns without an entry in tests/access/matrix.py: {missing}"


def test_every_door_names_a_pattern_that_exists():
    gone = sorted({door.name for door in DOORS} - set(project_patterns()))
    assert not gone, f"entries in tests/access/matrix.py for patterns that are gone: {gone}"


def test_each_door_is_declared_once():
    ids = [door.id for door in DOORS]
    assert len(ids) == len(set(ids))


# --- the reach table is the policy's answer ------------------------------------------------------
@pytest.mark.parametrize("key", sorted(matrix.REACH))
def test_reach_table_is_what_the_policy_answers(world, key):
    label, reach = matrix.REACH[key]
    wrong = []
    for action in reach:
        for role in ROLES:
            user = world.users[role]
            for relation in RELATIONS:
                obj = world.object(key, relation, role)
                assert obj._meta.label == label
                expected = matrix.reaches(key, action, role, relation)
                if policy.can(user, action, obj) != expected:
                    wrong.append(f"{key} × {action} × {role} × {relation}: expected {expected}")
    assert not wrong, "\n".join(wrong)


# --- the doors ----------------------------------------------------------------------------------
def _url(door: Door, world: World, obj: Any, probe: Probe, *, missing: bool = False) -> str:
    kwargs = door.kwargs(world, obj) if door.kwargs else ({"pk": obj.pk} if obj else {})
    if missing and door.pk_kwarg:
        kwargs[door.pk_kwarg] = matrix.MISSING_PK
    url = "/" + door.name if door.unnamed else reverse(door.name, kwargs=kwargs)
    if probe.query:
        pk = matrix.MISSING_PK if missing else getattr(obj, "pk", "")
        url += "?" + probe.query.format(pk=pk)
    return url


def _send(client: Client, door: Door, probe: Probe, url: str, world: World, obj: Any) -> Any:
    method = getattr(client, probe.method)
    if probe.method == "get":
        return method(url)
    body = probe.body(world, obj)
    if door.api and probe.json:
        return method(url, json.dumps(body), content_type="application/json")
    if probe.method == "post":
        return method(url, body)
    return method(url, urlencode(body), content_type="application/x-www-form-urlencoded")


_CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"|csrf[_-]token[^>]*?content="[^"]*"')


def _same_as_missing(door: Door, response: Any, missing: Any) -> str | None:
    """Why ``response`` can be told apart from the answer for a missing object, or None."""
    if response.status_code != 404 or missing.status_code != 404:
        return f"status {response.status_code}, missing {missing.status_code}"
    if door.api:
        if response.json() != missing.json():
            return f"body {response.json()} != {missing.json()}"
        return None
    names = [t.name for t in response.templates]
    if names != [t.name for t in missing.templates]:
        return f"templates {names}"
    if _CSRF.sub(b"", response.content) != _CSRF.sub(b"", missing.content):
        return "page content differs"
    return None


def _listed(door: Door, response: Any, world: World, obj: Any) -> bool:
    if door.api:
        body = response.json()
        rows = body["results"] if isinstance(body, dict) else body
        return obj.pk in {row["id"] for row in rows}
    return door.listed(world, obj) in response.content.decode()


def _action(probe: Probe, obj: Any) -> str:
    return probe.action(obj) if callable(probe.action) else probe.action


def _check_collection(door: Door, role: str, world: World, client: Client) -> list[str]:
    problems = []
    admitted = door.gate is None or door.gate.admits(role)
    for probe in door.probes:
        response = _send(client, door, probe, _url(door, world, None, probe), world, None)
        status = response.status_code
        if not admitted:
            wanted = door.denied
        elif probe.gate is not None and not probe.gate.admits(role):
            wanted = probe.refused
        else:
            wanted = probe.ok
        if status not in wanted:
            problems.append(f"{probe.method.upper()}: {status}, expected {wanted}")
            continue
        if not (door.lists and admitted and probe.method == "get"):
            continue
        for relation in RELATIONS:
            obj = world.object(door.lists, relation, role)
            shown = _listed(door, response, world, obj)
            expected = matrix.reaches(door.view_key or door.lists, VIEW, role, relation)
            if shown != expected:
                problems.append(f"{relation}: listed {shown}, expected {expected}")
    return problems


def _check_object(door: Door, role: str, world: World, client: Client) -> list[str]:
    problems = []
    admitted = door.gate is None or door.gate.admits(role)
    missing: dict[int, Any] = {}
    for relation in RELATIONS:
        obj = world.object(door.obj, relation, role)
        for index, probe in enumerate(door.probes):
            where = f"{relation} × {probe.method.upper()}"
            response = _send(client, door, probe, _url(door, world, obj, probe), world, obj)
            status = response.status_code
            if not admitted:
                if status not in door.denied:
                    problems.append(f"{where}: {status}, expected {door.denied} (no use)")
                continue
            if not matrix.reaches(door.view_key, VIEW, role, relation):
                if index not in missing:
                    url = _url(door, world, obj, probe, missing=True)
                    missing[index] = _send(client, door, probe, url, world, obj)
                why = _same_as_missing(door, response, missing[index])
                if why:
                    problems.append(f"{where}: not hidden like a missing object ({why})")
                continue
            if matrix.reaches(door.action_key, _action(probe, obj), role, relation):
                if status not in probe.ok:
                    problems.append(f"{where}: {status}, expected allowed {probe.ok}")
            elif status not in probe.refused:
                problems.append(f"{where}: {status}, expected refused {probe.refused}")
    return problems


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("door", DOORS, ids=[door.id for door in DOORS])
def test_door(world, door: Door, role: str):
    client = Client()
    client.force_login(world.users[role])
    if door.public:
        cache.clear()  # the public doors' rate limits count per address
    check = _check_object if door.obj else _check_collection
    problems = check(door, role, world, client)
    assert not problems, f"{door.id} × {role}:\n" + "\n".join(problems)


@pytest.mark.parametrize("door", DOORS, ids=[door.id for door in DOORS])
def test_door_without_login(world, door: Door):
    """Public doors answer anyone; every other page sends to the login, the API answers 401
    and names the scheme to sign in with."""
    client = Client()
    obj = world.object(door.obj, "own", "officer") if door.obj else None
    probe = door.probes[0]
    if door.public:
        cache.clear()  # the public doors' rate limits count per address
    response = _send(client, door, probe, _url(door, world, obj, probe), world, obj)
    if door.public:
        assert response.status_code in door.anonymous
    elif door.api:
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Token"
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")
