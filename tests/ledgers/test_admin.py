"""The ledgers in the admin: read-only, scoped, searchable."""

import datetime

import pytest

from integrity.access.models import Role
from ledgers import services
from ledgers.models import InterferenceRecord
from ledgers.specs import SPECS
from tests.factories import UserFactory, assign

pytestmark = pytest.mark.django_db


def _inquiry(province, court_key: str, name: str) -> InterferenceRecord:
    return services.ledger_create(
        actor=None,
        model=InterferenceRecord,
        fields={
            "court": province.courts[court_key],
            "staff": province.staff[court_key],
            "case_number": province.cases[court_key].number,
            "interferer_kind": InterferenceRecord.InterfererKind.OTHER,
            "interferer_name": name,
            "occurred_on": datetime.date(2025, 3, 5),
            "method": InterferenceRecord.Method.PHONE,
            "content": "打听案情",
        },
    )


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.slug)
def test_every_ledger_has_a_read_only_changelist(client, province, spec):
    # Given an officer of one basic court
    officer = UserFactory()
    assign(officer, Role.OFFICER, province.courts["heping"])
    client.force_login(officer)
    # When they open the ledger's admin list
    url = f"/admin/ledgers/{spec.model._meta.model_name}/"
    response = client.get(url)
    # Then it shows, without an add button
    assert response.status_code == 200
    assert f"{url}add/" not in response.content.decode()


def test_admin_list_is_scoped_and_searchable(client, province):
    # Given inquiries at two courts
    mine = _inquiry(province, "heping", "王某甲")
    _inquiry(province, "dalian", "赵某乙")
    officer = UserFactory()
    assign(officer, Role.OFFICER, province.courts["heping"])
    client.force_login(officer)
    # When the officer lists and searches
    listing = client.get("/admin/ledgers/interferencerecord/").content.decode()
    found = client.get("/admin/ledgers/interferencerecord/?q=王某").content.decode()
    # Then only their court's record shows, and the other court's detail is not found
    assert "王某甲" in listing
    assert "赵某乙" not in listing
    assert "王某甲" in found
    other = InterferenceRecord.objects.exclude(pk=mine.pk).get()
    response = client.get(f"/admin/ledgers/interferencerecord/{other.pk}/change/")
    assert response.status_code == 302  # the admin redirects a missing object to its list
    own = client.get(f"/admin/ledgers/interferencerecord/{mine.pk}/change/")
    assert own.status_code == 200
    assert 'name="_save"' not in own.content.decode()
