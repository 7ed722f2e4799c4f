"""Export and import jobs belong to the login that started them (ScopeRule ``creator``): not
to a colleague at the same court, not to the court's administrator, not to anyone above."""

import pytest

from integrity.access import policy
from integrity.access.models import Role
from integrity.reports.models import ExportJob, ImportJob
from tests.factories import UserFactory, assign


@pytest.fixture
def officers(province):
    heping = province.courts["heping"]
    first, second, admin, above = (UserFactory() for _ in range(4))
    assign(first, Role.OFFICER, heping)
    assign(second, Role.OFFICER, heping)
    assign(admin, Role.ADMIN, heping)
    assign(above, Role.SUPERVISOR, province.courts["high"], covers=True)
    return first, second, admin, above


def _jobs(user, court):
    export = ExportJob.objects.create(
        created_by=user, court=court, source="ledger:relatives", format="csv"
    )
    upload = ImportJob.objects.create(
        created_by=user, court=court, target="staff", upload="x.xlsx", original_name="x.xlsx"
    )
    return export, upload


@pytest.mark.parametrize("action", [policy.VIEW, policy.CHANGE])
def test_only_the_starter_reaches_a_job(province, officers, action):
    first, second, admin, above = officers
    jobs = _jobs(first, province.courts["heping"])
    for job in jobs:
        model = type(job)
        assert list(policy.scope(first, model.objects.all(), action)) == [job]
        for other in (second, admin, above):
            assert not policy.scope(other, model.objects.all(), action).exists()


def test_a_job_is_nobody_elses_to_manage(province, officers):
    first, *_ = officers
    export, upload = _jobs(first, province.courts["heping"])
    assert not policy.can(first, policy.MANAGE, export)
    assert not policy.can(first, policy.MANAGE, upload)


def test_a_login_without_roles_reaches_no_job(province, officers):
    first, *_ = officers
    _jobs(first, province.courts["heping"])
    stranger = UserFactory()
    assert not policy.scope(stranger, ExportJob.objects.all()).exists()
