"""The rows of a ledger list are written in Python (ledgers.views._ListRows): what a user
typed is escaped, choices show their labels, dates their Chinese form, empty cells a dash,
voided records their badge; a chosen court lists its departments."""

from __future__ import annotations

import pytest
from django.utils import translation

from integrity.access.models import Role
from ledgers import services

from ..factories import UserFactory, assign
from .test_pages import DAY, listed, make

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script>&'


@pytest.fixture
def web(client, province):
    user = UserFactory()
    assign(user, Role.OFFICER, province.courts["shenyang"], covers=True)
    client.force_login(user)
    return client


def _row(response, pk: int) -> str:
    text = response.text
    start = text.rindex("<tr", 0, text.index(f'href="/ledgers/interference/{pk}/"'))
    return text[start : text.index("</tr>", start)]


def test_list_cells_are_escaped_labelled_and_formatted(web, province):
    # Given a record whose interferer's name is markup, and a voided one (neither screened yet)
    record = make("interference", province, interferer_name=HOSTILE)
    voided = make("interference", province)
    services.ledger_void(actor=None, record=voided, version=voided.version, reason="录入错误")

    # When the officer lists them, voided records too
    response = web.get("/ledgers/interference/", {"voided": "include"})

    # Then the name is shown as text, never as markup
    assert listed(response, "interference") == [voided.pk, record.pk]
    row = _row(response, record.pk)
    assert "<script>" not in response.text
    assert "<td>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;</td>" in row
    # and the place, staff member, date, choice labels and status read as on a record's page
    with translation.override("zh-hans"):
        expected = [
            f"{record.court.name} {record.department.name}",
            record.staff.name,
            f"{DAY.year}年{DAY.month}月{DAY.day}日",
            str(record.get_interferer_kind_display()),
            str(record.get_status_display()),
        ]
    for text in expected:
        assert f"<td>{text}" in row
    assert 'class="void"' not in row
    assert "<td>—</td>" in row  # the nature, decided at screening
    # and the voided record is marked
    voided_row = _row(response, voided.pk)
    assert voided_row.startswith('<tr class="void">')
    assert '<span class="badge">' in voided_row


def test_no_records_say_so(web):
    response = web.get("/ledgers/interference/")

    assert response.status_code == 200
    assert 'colspan="9" class="empty"' in response.text


def test_a_chosen_court_lists_its_departments(web, province):
    # Given the departments of 和平 (one of the officer's courts)
    court = province.courts["heping"]
    department = province.departments["heping_criminal"]

    # When the officer picks the court, then the department
    by_court = web.get("/ledgers/interference/", {"court": court.pk})
    by_department = web.get(
        "/ledgers/interference/", {"court": court.pk, "department": department.pk}
    )

    # Then its departments are offered, and the chosen one stays selected
    assert f'<option value="{department.pk}">' in by_court.text
    assert f'<option value="{department.pk}" selected>' in by_department.text
    # while without a court only an asked-for department is read (to validate it)
    alone = web.get("/ledgers/interference/", {"department": department.pk})
    assert f'<option value="{department.pk}" selected>' in alone.text
