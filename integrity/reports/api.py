"""The reports' API routes under /api/v1/reports/: dashboard figures, export and import jobs."""

from .dashboards.api import ROUTES as DASHBOARD_ROUTES
from .exports.api import ROUTES as EXPORT_ROUTES
from .imports.api import ROUTES as IMPORT_ROUTES

ROUTES = (*DASHBOARD_ROUTES, *EXPORT_ROUTES, *IMPORT_ROUTES)
