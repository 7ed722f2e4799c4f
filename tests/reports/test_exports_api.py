"""The export jobs' API (/api/v1/reports/exports/): start an export (201 finished, 202 queued),
follow its progress, download the file; only the caller's own jobs exist; the schema describes
it without warnings."""

from __future__ import annotations

import codecs
import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from integrity.audit.models import AuditEvent
from integrity.reports.exports import services, tasks
from integrity.reports.models import ExportJob
from tests.ledgers.test_pages import make

from .test_exports import officer_of, read_rows

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("export_root")]

URL = "/api/v1/reports/exports/"


def api(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def officer(province):
    return officer_of(province.courts["heping"])


def test_a_short_export_is_written_at_once(officer, province):
    make("interference", province)
    make("interference", province, "shenhe")
    response = api(officer).post(
        URL,
        {"source": "ledger:interference", "format": "csv", "filters": {"status": "recorded"}},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    job = ExportJob.objects.get(pk=body["id"])
    assert body["status"] == "done"
    assert (body["done"], body["total"], body["percent"]) == (1, 1, 100)
    assert body["filters"] == {"status": "recorded"}
    assert body["download_url"] == f"{URL}{job.pk}/download/"
    assert body["error"] == ""
    assert body["expired"] is False
    assert len(read_rows(job)) == 2


def test_a_long_export_is_queued_and_its_progress_followed(
    officer, province, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.EXPORT_INLINE_MAX_ROWS = 1
    for _ in range(3):
        make("interference", province)
    queued = []
    monkeypatch.setattr(tasks.run_export, "delay", queued.append)
    client = api(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"source": "ledger:interference", "format": "xlsx"})
    assert response.status_code == 202
    body = response.json()
    assert queued == [body["id"]]
    assert (body["status"], body["percent"], body["download_url"]) == ("queued", 0, None)
    not_ready = client.get(f"{URL}{body['id']}/download/")
    assert not_ready.status_code == 409
    assert not_ready.json()["error"]["code"] == "not_ready"

    tasks.run_export(body["id"])
    followed = client.get(f"{URL}{body['id']}/").json()
    assert (followed["status"], followed["done"], followed["total"]) == ("done", 3, 3)
    assert followed["percent"] == 100


def test_the_download_is_the_file_and_is_audited(officer, province):
    make("interference", province)
    client = api(officer)
    job_id = client.post(URL, {"source": "ledger:interference", "format": "csv"}).json()["id"]
    response = client.get(f"{URL}{job_id}/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert b"".join(response.streaming_content).startswith(codecs.BOM_UTF8)
    event = AuditEvent.objects.get(action="report.export.download")
    assert (event.actor, event.object_id) == (officer, str(job_id))


def test_only_the_callers_jobs_exist(officer, province):
    make("interference", province)
    mine = api(officer).post(URL, {"source": "ledger:interference", "format": "csv"}).json()
    colleague = officer_of(province.courts["heping"])
    theirs = api(colleague).post(URL, {"source": "ledger:interference", "format": "csv"}).json()
    listed = api(officer).get(URL).json()["results"]
    assert [job["id"] for job in listed] == [mine["id"]]
    for path in ("", "download/"):
        response = api(officer).get(f"{URL}{theirs['id']}/{path}")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    assert APIClient().get(URL).status_code == 401


def test_an_expired_file_is_gone(officer, province, settings):
    make("interference", province)
    client = api(officer)
    job_id = client.post(URL, {"source": "ledger:interference", "format": "csv"}).json()["id"]
    ExportJob.objects.filter(pk=job_id).update(
        finished_at=timezone.now() - datetime.timedelta(days=settings.EXPORT_KEEP_DAYS + 1)
    )
    assert services.exports_expire() == 1
    assert client.get(f"{URL}{job_id}/").json()["expired"] is True
    response = client.get(f"{URL}{job_id}/download/")
    assert response.status_code == 410
    assert response.json()["error"]["code"] == "expired"


@pytest.mark.parametrize(
    "payload",
    [
        {"source": "ledger:nothing", "format": "csv"},
        {"source": "ledger:interference", "format": "pdf"},
        {"source": "ledger:interference", "format": "csv", "filters": {"court": [1, 2]}},
        {"source": "declarations", "format": "csv"},
        {"source": "clues", "format": "csv"},
    ],
)
def test_a_request_for_no_list_of_the_callers_is_refused(province, payload):
    clerk = officer_of(province.courts["heping"])
    clerk.role_assignments.update(role="staff")
    response = api(clerk).post(URL, payload, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert not ExportJob.objects.exists()


def test_the_schema_describes_the_exports_without_warnings(client, officer):
    client.force_login(officer)
    schema = client.get("/api/schema/", {"format": "json"}).json()
    download = schema["paths"]["/api/v1/reports/exports/{id}/download/"]["get"]
    assert "application/octet-stream" in download["responses"]["200"]["content"]
    assert {"201", "202"} <= set(schema["paths"]["/api/v1/reports/exports/"]["post"]["responses"])
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")
