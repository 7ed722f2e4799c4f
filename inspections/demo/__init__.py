"""Demo records of the supervision side for `make run`, entered through the services."""

from __future__ import annotations

import random

from . import clues, complaints, inspections, visits


def seed(rng: random.Random) -> int:
    """Create the demo records once; returns how many rows were created (0 on a second run)."""
    created = 0
    for area in (inspections, visits, clues, complaints):
        created += area.seed(rng)
    return created
