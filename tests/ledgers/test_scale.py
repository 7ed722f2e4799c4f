"""seed_scale and the ledger benchmark (issue 3, "Scale and speed"), on a tiny tree."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from integrity.access.models import Role, RoleAssignment
from integrity.audit.chain import verify_chain
from integrity.audit.models import AuditEvent
from integrity.org.models import Court, Department, StaffMember
from ledgers import scale_data
from ledgers.scale_seed import RECORD_MODELS
from tests.factories import make_court

TINY = {"courts": 12, "staff_per_court": 4, "seed": 7}


def seed(records: int, **options) -> str:
    out = StringIO()
    call_command("seed_scale", records=records, stdout=out, **{**TINY, **options})
    return out.getvalue()


def record_counts() -> dict[str, int]:
    return {m._meta.model_name: m.objects.count() for m in RECORD_MODELS}


@pytest.mark.django_db
def test_seed_scale_builds_a_tree_and_records_that_pass_validation():
    seed(600)

    courts = Court.objects.all()
    assert courts.count() == TINY["courts"]
    assert {c.level for c in courts} == {"high", "intermediate", "basic"}
    for court in courts.select_related("parent"):
        parent_path = court.parent.path if court.parent else ""
        assert court.path == parent_path + court.segment()
    expected_staff = sum(
        max(1, round(TINY["staff_per_court"] * scale_data.STAFF_FACTOR[c.level])) for c in courts
    )
    assert StaffMember.objects.count() == expected_staff
    assert Department.objects.filter(court__level="basic").count() == 12 * len(
        [c for c in courts if c.level == "basic"]
    )

    counts = record_counts()
    assert sum(counts.values()) == 600
    assert all(counts.values()), counts
    assert any(m.objects.filter(voided_at__isnull=False).exists() for m in RECORD_MODELS)
    for model in RECORD_MODELS:
        rows = model.objects.select_related("staff", "court", "department")
        for record in rows.order_by("id")[:60]:
            stored = record.search_text
            record.refresh_search_text()
            assert record.search_text == stored
            # As when the record was made (clean() checks the staff member's court then).
            record._state.adding = True
            record.full_clean(validate_unique=False)

    for username, role, level, covers in (
        ("bench_officer", Role.OFFICER, "basic", False),
        ("bench_leader", Role.LEADER, "intermediate", True),
        ("bench_supervisor", Role.SUPERVISOR, "high", True),
    ):
        assignment = RoleAssignment.objects.get(user__username=username, is_active=True)
        assert (assignment.role, assignment.court.level) == (role, level)
        assert assignment.covers_subordinates is covers
        assert assignment.user.staff.court_id == assignment.court_id
        assert not assignment.user.has_usable_password()

    # One summary event for the load, none per row; the chain holds.
    summary = AuditEvent.objects.get(action="ledgers.seed_scale")
    assert summary.changes["records_created"] == 600
    assert not AuditEvent.objects.filter(object_type__startswith="ledgers.").exists()
    assert verify_chain().ok


@pytest.mark.django_db
def test_seed_scale_tops_up_and_is_deterministic():
    seed(300)
    first = list(
        RECORD_MODELS[0].objects.order_by("id").values_list("staff_id", "case_number", "status")
    )
    tree = (Court.objects.count(), Department.objects.count(), StaffMember.objects.count())

    output = seed(500)
    assert "200 records added (500 in total)" in output
    assert sum(record_counts().values()) == 500
    assert (Court.objects.count(), Department.objects.count(), StaffMember.objects.count()) == tree
    # The first 300 records are untouched by the top-up.
    assert (
        list(
            RECORD_MODELS[0]
            .objects.order_by("id")
            .values_list("staff_id", "case_number", "status")[: len(first)]
        )
        == first
    )

    output = seed(400)
    assert "0 records added (500 in total)" in output
    assert sum(record_counts().values()) == 500


@pytest.mark.django_db
def test_seed_scale_reuses_existing_courts_by_code_and_avoids_their_names():
    high = make_court("北京市高级人民法院", "京", Court.Level.HIGH)
    # A court elsewhere holding the name the tree would give 京01.
    make_court("北京市第一中级人民法院", "X01", Court.Level.INTERMEDIATE)

    seed(50)

    assert Court.objects.filter(code="京").get() == high
    first_city = Court.objects.get(code="京01")
    assert first_city.parent == high
    assert first_city.name != "北京市第一中级人民法院"
    assert Court.objects.filter(path__startswith=high.path).count() == TINY["courts"]


def _query_counts(output: str) -> dict[tuple[str, str], int]:
    counts = {}
    for line in output.splitlines():
        match = re.match(r"(\S.*?)\s{2,}(\S.*?)\s{2,}\s*[\d.]+\s+(\d+)\s+[\d.]+\s+[\d.]+", line)
        if match:
            counts[(match[1].strip(), match[2].strip())] = int(match[3])
    return counts


@pytest.mark.django_db
def test_bench_prints_every_scenario_and_role_with_queries_fixed_whatever_the_size():
    def bench(records: int) -> str:
        out = StringIO()
        call_command(
            "bench_ledgers",
            records=records,
            repeat=1,
            courts=TINY["courts"],
            staff_per_court=TINY["staff_per_court"],
            stdout=out,
        )
        return out.getvalue()

    small = bench(200)
    assert "Ledger benchmark: interference" in small
    counts_small = _query_counts(small)
    scenarios = {
        "list first page",
        "list deep page",
        "list filters",
        "list search name",
        "list search 2 chars",
        "list search case no.",
        "detail page",
        "API list",
        "API filters",
    }
    roles = {"basic-court officer", "intermediate-court leader", "high-court supervisor"}
    assert set(counts_small) == {(s, r) for s in scenarios for r in roles}

    large = bench(800)  # seeds 600 more records first
    assert sum(record_counts().values()) == 800
    assert _query_counts(large) == counts_small
