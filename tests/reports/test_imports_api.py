"""The import jobs' API, /api/v1/reports/imports/: upload (the dry run's problems by row and
column), confirm (409 when it has problems or was confirmed already), cancel, the templates,
and another login's job being a 404."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from integrity.access.models import Role
from integrity.reports.models import ImportJob
from ledgers.models import InterferenceRecord

from ..factories import UserFactory, assign
from .test_imports import (  # noqa: F401 - fixtures
    HEADER,
    import_root_fixture,
    interference_row,
    officer_fixture,
    workbook,
)

pytestmark = pytest.mark.django_db
URL = "/api/v1/reports/imports/"


@pytest.fixture(name="api")
def api_fixture(officer):
    client = APIClient()
    client.force_authenticate(officer)
    return client


def _upload(api, rows, target="interference"):
    file = SimpleUploadedFile("台账.xlsx", workbook(rows))
    return api.post(URL, {"target": target, "file": file}, format="multipart")


def test_an_upload_answers_with_its_problems_and_cannot_be_confirmed(api, province):
    rows = [HEADER, interference_row(), interference_row(法院="浑南法院", 过问人姓名="李四")]
    answer = _upload(api, rows)
    assert answer.status_code == 201
    job = answer.json()
    assert (job["stage"], job["total"], job["rows_ok"]) == ("rejected", 2, 1)
    [found] = job["problems"]
    assert (found["row"], found["column"], found["header"]) == (3, "A", "法院")
    assert "浑南法院" in found["text"]
    refused = api.post(f"{URL}{job['id']}/confirm/")
    assert refused.status_code == 409
    assert refused.json()["error"]["status"] == 409
    assert not InterferenceRecord.objects.exists()


def test_a_clean_upload_is_confirmed_once(api, province):
    job = _upload(api, [HEADER, interference_row(法院="和平区法院")]).json()
    assert job["stage"] == "checked"
    assert job["preview"]["matches"][0] == {
        "header": "法院",
        "written": "和平区法院",
        "matched": "沈阳市和平区人民法院",
    }
    done = api.post(f"{URL}{job['id']}/confirm/")
    assert done.status_code == 200
    assert (done.json()["stage"], done.json()["written"]) == ("imported", 1)
    assert api.post(f"{URL}{job['id']}/confirm/").status_code == 409
    assert InterferenceRecord.objects.count() == 1


def test_a_large_upload_is_accepted_for_a_worker(api, province, settings):
    settings.IMPORT_INLINE_MAX_ROWS = 0
    answer = _upload(api, [HEADER, interference_row()])
    assert answer.status_code == 202
    assert answer.json()["stage"] == "uploaded"


def test_cancel_then_confirm_is_a_conflict(api, province):
    job = _upload(api, [HEADER, interference_row()]).json()
    assert api.post(f"{URL}{job['id']}/cancel/").json()["stage"] == "cancelled"
    assert api.post(f"{URL}{job['id']}/cancel/").status_code == 409
    assert api.post(f"{URL}{job['id']}/confirm/").status_code == 409


def test_a_file_that_is_no_workbook_or_a_target_not_allowed_is_a_400(api, province):
    text = SimpleUploadedFile("台账.xlsx", b"not a workbook")
    refused = api.post(URL, {"target": "staff", "file": text}, format="multipart")
    assert refused.status_code == 400
    assert "file" in refused.json()["error"]["fields"]
    staff = UserFactory(staff=province.staff["heping"])
    assign(staff, Role.STAFF, province.courts["heping"])
    api.force_authenticate(staff)
    answer = _upload(api, [HEADER, interference_row()])
    assert answer.status_code == 400
    assert "target" in answer.json()["error"]["fields"]
    assert not ImportJob.objects.exists()


def test_only_my_own_imports_are_listed_and_read(api, province, officer):
    mine = _upload(api, [HEADER, interference_row()]).json()
    colleague = UserFactory()
    assign(colleague, Role.OFFICER, province.courts["shenyang"], covers=True)
    other = APIClient()
    other.force_authenticate(colleague)
    assert other.get(URL).json()["results"] == []
    for answer in (
        other.get(f"{URL}{mine['id']}/"),
        other.post(f"{URL}{mine['id']}/confirm/"),
        other.post(f"{URL}{mine['id']}/cancel/"),
    ):
        assert answer.status_code == 404
    listed = api.get(URL).json()["results"]
    assert [job["id"] for job in listed] == [mine["id"]]
    assert "problems" not in listed[0]
    assert api.get(f"{URL}{mine['id']}/").json()["problems"] == []
    assert not InterferenceRecord.objects.exists()


def test_the_template_of_a_target(api, province):
    answer = api.get(f"{URL}templates/staff/")
    assert answer.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(answer.streaming_content)))
    assert "工号" in [cell.value for cell in book.worksheets[0][1]]
    assert api.get(f"{URL}templates/nothing/").status_code == 404
