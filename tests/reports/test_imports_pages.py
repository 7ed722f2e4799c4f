"""The import pages under /reports/imports/: who sees them, the upload, the job's page with its
preview, problems and confirmation, the progress fragment, the templates, and that another
login's import does not exist for anyone else."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from integrity.access.models import Role
from integrity.reports.imports import services
from integrity.reports.models import ImportJob
from ledgers.models import InterferenceRecord

from ..factories import UserFactory, assign
from .test_imports import (  # noqa: F401 - fixtures
    HEADER,
    import_root_fixture,
    interference_row,
    officer_fixture,
    upload,
    workbook,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(name="browser")
def browser_fixture(client, officer):
    client.force_login(officer)
    return client


def _post_file(browser, rows, target="interference"):
    file = SimpleUploadedFile("台账.xlsx", workbook(rows))
    return browser.post(reverse("reports:import-new"), {"target": target, "file": file})


@pytest.mark.parametrize("role", [Role.STAFF, Role.SUPERVISOR, Role.LEADER, Role.CHIEF])
def test_the_pages_do_not_exist_for_those_who_may_not_import(client, province, role):
    user = UserFactory(staff=province.staff["heping"] if role == Role.STAFF else None)
    department = province.departments["heping"] if role == Role.CHIEF else None
    assign(user, role, province.courts["heping"], department=department)
    client.force_login(user)
    for url in (
        reverse("reports:import-list"),
        reverse("reports:import-new"),
        reverse("reports:import-template", args=["interference"]),
    ):
        assert client.get(url).status_code == 404


def test_an_upload_is_checked_and_shown_with_its_preview(browser, province):
    response = _post_file(browser, [HEADER, interference_row(法院="和平区法院")])
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:import-detail", args=[job.pk])
    page = browser.get(response["Location"]).content.decode()
    assert "沈阳市和平区人民法院" in page  # the match and the preview
    assert "和平区法院" in page
    assert reverse("reports:import-confirm", args=[job.pk]) in page


def test_problems_are_grouped_by_row_and_no_confirmation_is_offered(browser, province):
    rows = [HEADER, interference_row(), interference_row(过问日期="2020-13-45", 过问人姓名="李")]
    _post_file(browser, rows)
    job = ImportJob.objects.get()
    page = browser.get(reverse("reports:import-detail", args=[job.pk])).content.decode()
    assert "2020-13-45" in page
    assert "过问日期" in page
    assert reverse("reports:import-confirm", args=[job.pk]) not in page


def test_a_file_that_is_no_workbook_is_refused_on_the_form(browser):
    file = SimpleUploadedFile("台账.xlsx", b"just text")
    response = browser.post(reverse("reports:import-new"), {"target": "staff", "file": file})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not ImportJob.objects.exists()


def test_a_target_the_user_may_not_import_is_not_offered(client, province):
    admin = UserFactory()
    assign(admin, Role.ADMIN, province.courts["heping"])
    client.force_login(admin)
    form = client.get(reverse("reports:import-new")).context["form"]
    offered = {key for key, _label in form.fields["target"].choices}
    assert {"staff", "cases", "interference", "departures"} <= offered


def test_confirm_writes_once_and_cancel_comes_too_late(browser, province):
    _post_file(browser, [HEADER, interference_row()])
    job = ImportJob.objects.get()
    confirm = reverse("reports:import-confirm", args=[job.pk])
    assert browser.post(confirm).status_code == 302
    assert browser.post(confirm).status_code == 302
    assert InterferenceRecord.objects.count() == 1
    browser.post(reverse("reports:import-cancel", args=[job.pk]))
    job.refresh_from_db()
    assert (job.stage, job.written) == ("imported", 1)


def test_cancel_drops_a_checked_import(browser, province):
    _post_file(browser, [HEADER, interference_row()])
    job = ImportJob.objects.get()
    browser.post(reverse("reports:import-cancel", args=[job.pk]))
    job.refresh_from_db()
    assert job.stage == "cancelled"
    assert not InterferenceRecord.objects.exists()


def test_another_logins_import_is_not_found(client, browser, province, officer):
    job = upload(officer, [HEADER, interference_row()])
    colleague = UserFactory()
    assign(colleague, Role.OFFICER, province.courts["shenyang"], covers=True)
    client.force_login(colleague)
    for name in ("import-detail", "import-progress"):
        assert client.get(reverse(f"reports:{name}", args=[job.pk])).status_code == 404
    for name in ("import-confirm", "import-cancel"):
        assert client.post(reverse(f"reports:{name}", args=[job.pk])).status_code == 404
    assert not InterferenceRecord.objects.exists()


def test_the_progress_fragment_polls_while_running_and_reloads_when_done(
    browser, officer, settings
):
    settings.IMPORT_INLINE_MAX_ROWS = 0  # checked by a worker: stays "uploaded" here
    job = upload(officer, [HEADER, interference_row()])
    url = reverse("reports:import-progress", args=[job.pk])
    running = browser.get(url, headers={"HX-Request": "true"})
    assert 'hx-trigger="every 1s"' in running.content.decode()
    services.import_check(job=job)
    done = browser.get(url, headers={"HX-Request": "true"})
    assert done["HX-Refresh"] == "true"
    assert "hx-trigger" not in browser.get(url).content.decode()
    page = browser.get(reverse("reports:import-detail", args=[job.pk])).content.decode()
    assert 'http-equiv="refresh"' not in page


def test_the_template_downloads_as_a_workbook(browser):
    response = browser.get(reverse("reports:import-template", args=["relatives"]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert ".xlsx" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    headers = [cell.value for cell in book.worksheets[0][1]]
    assert headers[:2] == ["法院", "部门"]
    assert "亲属关系" in headers


def test_my_imports_cost_the_same_queries_for_few_and_many(
    browser, officer, django_assert_num_queries
):
    upload(officer, [HEADER, interference_row()])
    # the session, the login, its role assignments, the page of jobs
    with django_assert_num_queries(4):
        assert browser.get(reverse("reports:import-list")).status_code == 200
    for n in range(5):
        upload(officer, [HEADER, interference_row(过问人姓名=f"王{n}")])
    with django_assert_num_queries(4):
        page = browser.get(reverse("reports:import-list"))
    assert len(page.context["page"].rows) == 6
