"""The reports' Celery tasks, where Celery's autodiscovery looks for them (``<app>.tasks``)."""

from .exports.tasks import expire_exports, run_export  # noqa: F401
from .imports.tasks import check_import, write_import  # noqa: F401
