"""The walking order of a task's stops: pure functions on unsaved locations, no database."""

import itertools
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from floor.picking.path import AISLE_PITCH, BAY_WIDTH, path_length, serpentine_order, walk_order
from floor.warehouse.models import Location

AISLES = ["A", "B", "C", "D", "F", "AA"]  # letters only: x = spreadsheet column index × pitch


def loc(aisle, bay, level=None, pk=None):
    return Location(pk=pk, aisle=aisle, bay=bay, level=level, kind="storage")


def labels(bins, order):
    return [f"{bins[i].aisle}{bins[i].bay}" for i in order]


def is_permutation(order, n):
    return sorted(order) == list(range(n))


# An oracle of the documented model, written apart from the module's own code.
def column(aisle):
    n = 0
    for c in aisle:
        n = n * 26 + ord(c) - 64
    return n - 1


def point(b):
    return (b.aisle, column(b.aisle) * AISLE_PITCH, (b.bay or 0) * BAY_WIDTH)


def walk(p, q, back):
    (a1, x1, y1), (a2, x2, y2) = p, q
    if a1 == a2:
        return abs(y1 - y2)
    return abs(x1 - x2) + min(y1 + y2, 2 * back - y1 - y2)


def oracle_length(bins, order):
    back = (max(b.bay or 0 for b in bins) + 1) * BAY_WIDTH
    depot = ("depot", 0.0, 0.0)
    points = [depot, *(point(bins[i]) for i in order), depot]
    return sum(walk(p, q, back) for p, q in itertools.pairwise(points))


def brute_force_optimum(bins):
    """Shortest walk over every order of the distinct spots (stops in one spot cost nothing more)."""
    back = (max(b.bay or 0 for b in bins) + 1) * BAY_WIDTH
    spots = sorted({point(b) for b in bins})
    depot = ("depot", 0.0, 0.0)
    nodes = [depot, *spots]
    d = [[walk(p, q, back) for q in nodes] for p in nodes]
    best = float("inf")
    for perm in itertools.permutations(range(1, len(nodes))):
        length = d[0][perm[0]] + d[perm[-1]][0] + sum(d[a][b] for a, b in itertools.pairwise(perm))
        best = min(best, length)
    return best


bins_strategy = st.builds(
    loc,
    aisle=st.sampled_from(AISLES),
    bay=st.one_of(st.none(), st.integers(min_value=1, max_value=30)),
    level=st.one_of(st.none(), st.integers(min_value=1, max_value=4)),
)


def test_the_serpentine_goes_up_the_first_aisle_and_down_the_next():
    bins = [loc("B", 2), loc("A", 5), loc("C", 3), loc("B", 6), loc("A", 1), loc("C", 9)]
    assert labels(bins, serpentine_order(bins)) == ["A1", "A5", "B6", "B2", "C3", "C9"]


def test_where_the_serpentine_is_already_shortest_the_walk_keeps_it():
    bins = [loc("B", 2), loc("A", 5), loc("B", 6), loc("A", 1)]
    assert labels(bins, walk_order(bins)) == ["A1", "A5", "B6", "B2"]


def test_aisles_sort_naturally():
    bins = [loc("AA", 1), loc("B", 1), loc("A", 1)]
    assert labels(bins, serpentine_order(bins))[0] == "A1"
    assert [bins[i].aisle for i in serpentine_order(bins)] == ["A", "B", "AA"]
    numbered = [loc("10", 1), loc("2", 1), loc("1", 1)]
    assert [numbered[i].aisle for i in serpentine_order(numbered)] == ["1", "2", "10"]


def test_the_levels_of_one_bay_go_up():
    bins = [loc("A", 3, 4), loc("A", 3, 1), loc("A", 3, 3), loc("A", 3, 2)]
    for order in (walk_order(bins), serpentine_order(bins)):
        assert [bins[i].level for i in order] == [1, 2, 3, 4]


def test_a_task_in_one_aisle_is_walked_in_bay_order():
    bays = [7, 2, 30, 11, 5, 19, 1, 24, 13, 9, 3]
    bins = [loc("C", bay, 1) for bay in bays]
    assert [bins[i].bay for i in walk_order(bins)] == sorted(bays)


def test_picks_from_one_bin_stay_together_in_input_order():
    shelf = loc("B", 4, 2, pk=7)
    bins = [loc("A", 9), shelf, loc("C", 1), loc("B", 4, 1, pk=8), shelf, loc("B", 12), shelf]
    order = walk_order(bins)
    assert is_permutation(order, len(bins))
    picks = [i for i in order if bins[i] is shelf]
    assert picks == [1, 4, 6]
    start = order.index(1)
    assert order[start : start + 3] == [1, 4, 6]
    # Unsaved copies of one bin (no pk) count as the same bin too.
    copies = [loc("A", 2, 1), loc("A", 5), loc("A", 2, 1), loc("A", 2, 1)]
    order = walk_order(copies)
    start = order.index(0)
    assert order[start : start + 3] == [0, 2, 3]


def test_path_length_follows_the_documented_model():
    assert path_length([loc("A", 2)], [0]) == 2 * 2 * BAY_WIDTH
    assert path_length([loc("B", 1)], [0]) == 2 * (AISLE_PITCH + BAY_WIDTH)
    # A10 then C10: across the back cross-aisle (bay 11), not round the front.
    bins = [loc("A", 10), loc("C", 10)]
    assert abs(path_length(bins, [0, 1]) - (12 + 6 + 2.4 + 6 + 12)) < 1e-9
    assert walk_order([]) == []
    assert walk_order([loc("", None)]) == [0]


def test_bins_without_aisle_bay_or_level_are_ordered_too():
    bins = [loc("", None), loc("A", None, None), loc("A", 3), loc("", 2, 1), loc("ZZ", 1)]
    assert is_permutation(walk_order(bins), len(bins))
    assert is_permutation(serpentine_order(bins), len(bins))


@given(st.lists(bins_strategy, max_size=60))
@settings(deadline=None)
def test_the_walk_is_a_permutation_no_longer_than_the_serpentine(bins):
    order = walk_order(bins)
    assert is_permutation(order, len(bins))
    if bins:
        assert path_length(bins, order) <= path_length(bins, serpentine_order(bins)) + 1e-9
        assert abs(path_length(bins, order) - oracle_length(bins, order)) < 1e-6


@given(st.lists(bins_strategy, min_size=1, max_size=8))
@settings(deadline=None, max_examples=60)
def test_small_tasks_are_within_ten_percent_of_the_optimum(bins):
    optimum = brute_force_optimum(bins)
    assert path_length(bins, walk_order(bins)) <= 1.1 * optimum + 1e-9


def test_sixty_stops_are_ordered_quickly():
    import random

    rng = random.Random(5)
    bins = [loc(rng.choice(AISLES), rng.randint(1, 40), rng.randint(1, 4)) for _ in range(60)]
    walk_order(bins)
    start = time.perf_counter()
    for _ in range(3):
        walk_order(bins)
    # The bench measures the real figure (a few ms); this only catches a runaway search.
    assert (time.perf_counter() - start) / 3 < 0.1
