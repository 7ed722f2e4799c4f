"""The pure stratified draw (inspections/sampling.py): reproducible from its seed, allocated
proportionally by the largest remainder method with at least one case per stratum."""

from collections import Counter

import pytest

from inspections.sampling import Candidate, allocate, draw


def _population() -> list[Candidate]:
    # court 1: 60 civil, 30 criminal; court 2: 9 civil, 1 administrative
    rows, case_id = [], 0
    for court, case_type, count in (
        (1, "civil", 60),
        (1, "criminal", 30),
        (2, "civil", 9),
        (2, "administrative", 1),
    ):
        for _ in range(count):
            case_id += 1
            rows.append(Candidate(case_id, court, case_type))
    return rows


def test_same_seed_same_cases_in_the_same_order():
    rows = _population()
    first = draw(rows, 20, seed=12345)
    again = draw(list(reversed(rows)), 20, seed=12345)  # input order does not matter
    assert first.case_ids == again.case_ids
    assert len(first.case_ids) == 20


def test_another_seed_another_draw():
    rows = _population()
    assert draw(rows, 20, seed=1).case_ids != draw(rows, 20, seed=2).case_ids


def test_allocation_is_proportional_with_largest_remainder_and_a_floor_of_one():
    # quotas for 20 of 100: 12, 6, 1.8, 0.2 -> floors 12, 6, 1, 0 (19); the largest remainder
    # (0.8, court 2 civil) gets the 20th; then the empty stratum takes one from the largest.
    sizes = {"1:civil": 60, "1:criminal": 30, "2:civil": 9, "2:administrative": 1}
    assert allocate(sizes, 20) == {
        "1:civil": 11,
        "1:criminal": 6,
        "2:civil": 2,
        "2:administrative": 1,
    }


def test_ties_of_the_remainder_go_by_stratum_key():
    assert allocate({"b": 1, "a": 1, "c": 1}, 2) == {"a": 1, "b": 1, "c": 0}


def test_per_stratum_counts_equal_the_allocation_and_every_stratum_is_represented():
    rows = _population()
    result = draw(rows, 20, seed=99)
    drawn = Counter(candidate.stratum for candidate in result.selection)
    table = {s.key: (s.eligible, s.drawn) for s in result.strata}
    assert table == {
        "1:civil": (60, 11),
        "1:criminal": (30, 6),
        "2:administrative": (1, 1),
        "2:civil": (9, 2),
    }
    assert dict(drawn) == {key: drawn_ for key, (_e, drawn_) in table.items()}
    assert result.population == 100


def test_small_sample_cannot_reach_every_stratum():
    result = draw(_population(), 2, seed=5)
    assert len(result.selection) == 2
    assert sum(s.drawn for s in result.strata) == 2


def test_a_sample_larger_than_the_population_takes_everything_once():
    rows = _population()[:15]
    result = draw(rows, 50, seed=7)
    assert sorted(result.case_ids) == [row.case_id for row in rows]


def test_within_a_stratum_the_draw_depends_on_seed_and_stratum_only():
    rows = _population()
    alone = draw([r for r in rows if r.stratum == "1:criminal"], 6, seed=42)
    together = draw(rows, 20, seed=42)
    assert [c for c in together.selection if c.stratum == "1:criminal"] == list(alone.selection)


@pytest.mark.parametrize("size", [0, 1, 3, 4, 7, 50, 99, 100])
def test_total_is_the_size_or_the_population(size):
    assert len(draw(_population(), size, seed=3).selection) == min(size, 100)
