"""An export of 200,000 rows stays under a fixed memory bound (issue 6): rows are read in keyset
batches and written as they come (the .xlsx rows to a file beside the export until the package
is put together), so the peak is one batch and the writer's buffers whatever
the list's length. The rows of this ledger take several hundred MB as Python objects (35 values
each): kept, even in part, they would break the bound many times over."""

from __future__ import annotations

import tracemalloc

import pytest

from integrity.reports.exports import copy, services
from integrity.reports.models import ExportJob
from ledgers.models import InterferenceRecord
from tests.ledgers.test_pages import ledger_fields

from .test_exports import officer_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("export_root")]

ROWS = 200_000
BOUND = 40 * 1024 * 1024


def test_an_export_of_200000_rows_stays_under_a_fixed_memory_bound(province, monkeypatch):
    fields = ledger_fields("interference", province)
    template = InterferenceRecord(**fields)
    template.refresh_search_text()
    InterferenceRecord.objects.bulk_create(
        (InterferenceRecord(**fields, search_text=template.search_text) for _ in range(ROWS)),
        batch_size=5000,
    )
    # The Python writer, on PostgreSQL too (where COPY would stream the file without Python).
    monkeypatch.setattr(copy, "usable", lambda plan: False)
    user = officer_of(province.courts["heping"])
    for fmt in ("csv", "xlsx"):
        job, _estimate = services.export_create(
            actor=user, source="ledger:interference", fmt=fmt, params={}
        )
        tracemalloc.start()
        try:
            services.export_run(job_id=job.pk)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        job.refresh_from_db()
        assert (job.status, job.done) == (ExportJob.Status.DONE, ROWS), fmt
        assert peak < BOUND, f"{fmt}: peak {peak / 1024 / 1024:.1f} MB"
