"""The stratified random draw of a follow-up visit plan (廉政回访抽样), as a pure function.

The draw must be reproducible and auditable: given the same candidate cases, sample size and
seed it returns the same cases in the same order, on any machine and Python version. So:

- strata are (court, case type), keyed ``"<court id>:<case type>"``;
- the sample is allocated to the strata in proportion to their size by the largest remainder
  method (exact integer arithmetic; ties broken by stratum key), with at least one case per
  non-empty stratum whenever the sample size allows (the one is taken from the largest
  allocation, ties again by key);
- within a stratum, ``random.Random(f"{seed}:{key}")`` (a string seed is hashed with SHA-512
  by the standard library, independently of PYTHONHASHSEED) samples from the stratum's
  candidates ordered by case id;
- the selection lists the strata in key order, each in the order its cases were drawn.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

SEED_BITS = 63  # fits a signed 64-bit database integer


@dataclass(frozen=True, order=True)
class Candidate:
    case_id: int
    court_id: int
    case_type: str

    @property
    def stratum(self) -> str:
        return stratum_key(self.court_id, self.case_type)


@dataclass(frozen=True)
class Stratum:
    key: str
    court_id: int
    case_type: str
    eligible: int
    drawn: int

    def as_dict(self) -> dict:
        return {
            "court": self.court_id,
            "case_type": self.case_type,
            "eligible": self.eligible,
            "drawn": self.drawn,
        }


@dataclass(frozen=True)
class Draw:
    seed: int
    population: int
    selection: tuple[Candidate, ...]
    strata: tuple[Stratum, ...]

    @property
    def case_ids(self) -> list[int]:
        return [candidate.case_id for candidate in self.selection]

    def strata_table(self) -> dict[str, dict]:
        """The per-stratum table as stored on the plan (JSON)."""
        return {stratum.key: stratum.as_dict() for stratum in self.strata}


def stratum_key(court_id: int, case_type: str) -> str:
    return f"{court_id}:{case_type}"


def new_seed() -> int:
    return secrets.randbits(SEED_BITS)


def allocate(sizes: dict[str, int], size: int) -> dict[str, int]:
    """How many cases each stratum gets: proportional to its size, largest remainder method,
    ties by key; at least one per non-empty stratum when ``size`` allows. Never more than a
    stratum holds; the total is ``min(size, population)``."""
    strata = sorted(key for key, count in sizes.items() if count > 0)
    population = sum(sizes[key] for key in strata)
    if size >= population:
        return {key: sizes[key] for key in strata}
    if size <= 0:
        return {key: 0 for key in strata}
    quotas = {key: divmod(size * sizes[key], population) for key in strata}
    allocation = {key: quotas[key][0] for key in strata}
    left = size - sum(allocation.values())
    by_remainder = sorted(strata, key=lambda key: (-quotas[key][1], key))
    for key in by_remainder[:left]:
        allocation[key] += 1
    if size >= len(strata):
        for key in strata:
            if allocation[key] == 0:
                donor = min(strata, key=lambda k: (-allocation[k], k))
                allocation[donor] -= 1
                allocation[key] = 1
    return allocation


def draw(candidates: Iterable[Candidate | tuple], size: int, seed: int) -> Draw:
    """Draw ``size`` cases from ``candidates`` ((case id, court id, case type) rows)."""
    by_stratum: dict[str, list[Candidate]] = {}
    for row in candidates:
        candidate = row if isinstance(row, Candidate) else Candidate(*row)
        by_stratum.setdefault(candidate.stratum, []).append(candidate)
    allocation = allocate({key: len(rows) for key, rows in by_stratum.items()}, size)
    selection: list[Candidate] = []
    strata: list[Stratum] = []
    for key in sorted(by_stratum):
        rows = sorted(by_stratum[key])
        take = allocation.get(key, 0)
        rng = random.Random(f"{seed}:{key}")  # noqa: S311 - reproducible on purpose
        selection.extend(rng.sample(rows, take))
        strata.append(Stratum(key, rows[0].court_id, rows[0].case_type, len(rows), take))
    population = sum(len(rows) for rows in by_stratum.values())
    return Draw(seed, population, tuple(selection), tuple(strata))
