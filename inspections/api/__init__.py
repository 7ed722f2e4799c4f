"""The API of the supervision side: each area lists its (prefix, viewset, basename) routes."""

from .clues import ROUTES as CLUE_ROUTES
from .complaints import ROUTES as COMPLAINT_ROUTES
from .files import ROUTES as FILE_ROUTES
from .inspections import ROUTES as INSPECTION_ROUTES
from .visits import ROUTES as VISIT_ROUTES

ROUTES = [*INSPECTION_ROUTES, *VISIT_ROUTES, *CLUE_ROUTES, *COMPLAINT_ROUTES, *FILE_ROUTES]
