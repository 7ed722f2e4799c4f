"""Admin registration of the supervision side: read-only and scoped, one module per area."""

from . import clues, complaints, inspections, visits  # noqa: F401
