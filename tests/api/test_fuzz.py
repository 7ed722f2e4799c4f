"""API fuzzing: schemathesis against the OpenAPI schema, every operation, as each role.

The schema is the one /api/schema/ serves (drf-spectacular, with the error responses of
integrity/api/schema.py). For every operation, schemathesis and hypothesis generate requests
(derandomised, so every run sends the same ones): ``FUZZ_EXAMPLES`` with valid data (6 unless
set) and ``FUZZ_NEGATIVE_EXAMPLES`` with invalid data (2). Each request goes to the WSGI
application in-process once as each of the seven roles (a DRF token each; the ``X-Fuzz-Role``
header names the role in a failure's "Reproduce with"), and every answer must pass the checks:
no server error, a documented status code and content type, a body and headers that match the
schema.

The world (tests/api/fuzz_world.py) is built once for the module, in a transaction rolled back
at its end; each operation runs in a savepoint of its own (pytest-django's ``db``), so what a
fuzzed write changes lasts for that operation's examples only. Ids in the path, in query filters
and in bodies are drawn from the world's objects, in and out of the role's scope (most often the
objects at 和平, which every role reaches), or are an id no object has, one beyond the database's
integers, or what schemathesis generated; a ``version`` is the record's current one or the
generated (stale) one; a case number or licence number is sometimes a well-formed one.

Nothing is skipped: file uploads (multipart ``file`` fields) are fuzzed too, with the files
schemathesis generates. An operation without parameters or body has no invalid-data run (there
is nothing to make invalid).

``FUZZ_REPORT=<path>`` writes the statuses seen per role and operation as JSON.
"""

from __future__ import annotations

import json
import os
from collections import Counter, defaultdict
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from .fuzz_world import ROLES, World
from .fuzzing import APP, CHECKS, OPERATIONS, RAW, path_kinds, world_for_module

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))  # valid data, per operation
NEGATIVE_EXAMPLES = int(os.environ.get("FUZZ_NEGATIVE_EXAMPLES", "2"))  # invalid data
MISSING = 2_000_000_000  # an id no object has
OVERFLOW = 2**63  # beyond any database integer (a 64-bit id's range)

# Query filters and body fields that name objects, with their kind.
FIELD_KINDS = {
    "court": "court",
    "courts": "court",
    "parent": "court",
    "firm_area": "court",
    "served_courts": "court",
    "department": "department",
    "staff": "staff",
    "responsible_staff": "staff",
    "subject": "staff",
    "presiding_judge": "staff",
    "user": "user",
    "inspection": "inspection",
    "finding": "finding",
    "questionnaire": "questionnaire",
    "sampled": "sampled",
    "inquiries": "inquiry",
    "campaign": "campaign",
    "plan": "visit_plan",
}
LISTS = {"courts", "served_courts", "inquiries"}  # of the fields above, those holding several
# Values generated strings would almost never hit, for fields the API checks closely.
STRINGS = {"case_number": "(2025)辽0102民初1号", "licence_number": "12101201810000001"}


SEEN: dict[str, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world, built once for the module (tests/api/fuzzing.py)."""
    with world_for_module(django_db_blocker, tmp_path_factory.mktemp("fuzz")) as built:
        yield built
    if report := os.environ.get("FUZZ_REPORT"):
        with open(report, "w", encoding="utf-8") as out:
            json.dump(SEEN, out, ensure_ascii=False, indent=1, sort_keys=True)


def _id(data: st.DataObject, world: World, kind: str, site: str | None, label: str) -> Any:
    """An id of ``kind``: most often the site's object, else any object of the kind, an id no
    object has or one beyond the database's integers."""
    options = [world.at[kind][site]] * 3 if site in world.at.get(kind, {}) else []
    return data.draw(st.sampled_from([*options, *world.ids[kind], MISSING, OVERFLOW]), label=label)


def _draw_values(data: st.DataObject, world: World, values: Any, site: str | None) -> None:
    """Replace, by hypothesis' choice, fields naming objects with ids of the world's objects
    and some strings with values the API accepts; or leave what schemathesis generated."""
    if isinstance(values, list):
        for value in values:
            _draw_values(data, world, value, site)
        return
    if not isinstance(values, dict):
        return
    for name, value in list(values.items()):
        kind = FIELD_KINDS.get(name)
        if name in STRINGS:
            values[name] = data.draw(st.sampled_from([value, STRINGS[name]]), label=name)
        elif kind is None:
            _draw_values(data, world, value, site)
        elif value is not None and data.draw(st.booleans(), label=f"keep {name}"):
            continue
        else:
            chosen = _id(data, world, kind, site, name)
            values[name] = [chosen] if isinstance(value, list) or name in LISTS else chosen


def _current_version(world: World, kind: str, pk: Any) -> int | None:
    model = world.models[kind]
    return model.objects.filter(pk=pk).values_list("version", flat=True).first()


def _body_fields(operation: Any) -> set[str]:
    """The top-level fields of the operation's request body (any media type)."""
    raw = RAW["paths"][operation.path][operation.method.lower()]
    names: set[str] = set()
    for media in raw.get("requestBody", {}).get("content", {}).values():
        ref = media["schema"].get("$ref", "")
        schema = RAW["components"]["schemas"].get(ref.rsplit("/", 1)[-1], media["schema"])
        names |= set(schema.get("properties", {}))
    return names


@pytest.mark.parametrize("label", list(OPERATIONS))
def test_operation(world, label):
    operation = OPERATIONS[label]
    raw = RAW["paths"][operation.path][operation.method.lower()]
    kinds = path_kinds(operation.path)
    fields = _body_fields(operation)
    versioned = "version" in fields
    # Optional fields naming objects (court, department, staff…) the body may lack.
    optional = sorted(name for name in fields if name in FIELD_KINDS)
    tokens = {role: f"Token {world.tokens[role]}" for role in ROLES}

    def check(case: schemathesis.Case, data: st.DataObject) -> None:
        # 和平 is in every role's scope, 大连 in the supervisor's and the administrator's.
        site = data.draw(st.sampled_from(["heping", "heping", "dalian", None]), label="site")
        for name, kind in kinds.items():
            case.path_parameters[name] = _id(data, world, kind, site, name)
        if isinstance(case.body, dict):
            for name in optional:
                if name not in case.body and data.draw(st.booleans(), label=f"add {name}"):
                    case.body[name] = None  # replaced just below
        _draw_values(data, world, case.query, site)
        _draw_values(data, world, case.body, site)
        fresh = (
            versioned
            and isinstance(case.body, dict)
            and data.draw(st.booleans(), label="the current version")
        )
        for role in ROLES:
            own = world.own.get(kinds.get("id", ""), {})
            if site == "heping" and role in own:  # the role's own notification or job
                case.path_parameters["id"] = own[role]
            if fresh:
                current = _current_version(world, kinds["id"], case.path_parameters["id"])
                case.body["version"] = current if current is not None else 1
            # The role header names the role in schemathesis' "Reproduce with" (the app ignores it).
            headers = {"Authorization": tokens[role], "X-Fuzz-Role": role}
            response = case.call(app=APP, headers=headers)
            SEEN[role][label][str(response.status_code)] += 1
            case.validate_response(response, checks=CHECKS, headers=headers)

    runs = [(GenerationMode.POSITIVE, EXAMPLES)]
    # Invalid data needs something to make invalid: parameters or a body.
    if raw.get("parameters") or raw.get("requestBody"):
        runs.append((GenerationMode.NEGATIVE, NEGATIVE_EXAMPLES))
    for mode, examples in runs:

        @settings(
            max_examples=examples,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate, Phase.shrink],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(mode), data=st.data())
        def fuzz(case: schemathesis.Case, data: st.DataObject) -> None:
            check(case, data)

        fuzz()
