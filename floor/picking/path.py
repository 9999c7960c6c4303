"""The order a picker walks a task's bins in.

Distance model: a rack warehouse of parallel aisles
---------------------------------------------------
Aisles run side by side, AISLE_PITCH metres apart; bays run along each aisle, BAY_WIDTH wide. A bin
sits at

    x = aisle index × AISLE_PITCH,    y = bay × BAY_WIDTH          (bay None counts as 0)

Aisle index: aisles named in letters only ("A" … "Z", "AA" … "ZZ") count like spreadsheet columns
(A = 0, Z = 25, AA = 26); numbered aisles count from "1" = 0. When a task's aisles do not all follow
one of these schemes (e.g. "A1", "DOCK") the index is the aisle's rank in natural order among the
task's aisles. Bins with no aisle ("": a floor spot, staging) form one more aisle just before the
first one (index −1). The natural order sorts digit runs as numbers and letter runs by length
first: "" < "A" < "B" < … < "Z" < "AA", "2" < "10", "A2" < "A10".

Cross-aisles run across every aisle at the front (y = 0) and at the back (y = BACK). Only the
task's bins are known, not the warehouse's length, so BACK is the bay past the furthest bay of the
task: (max bay + 1) × BAY_WIDTH (Location holds no aisle length). Where the real back cross-aisle
lies further, for a task that stays near the front, the model under-prices a trip round the back,
and an order it finds best may be a little longer on the real floor than it thinks.

Walking, as a shortest path in that grid:

    same aisle:        |y1 − y2|
    other aisle:       |x1 − x2| + min(y1 + y2, 2·BACK − y1 − y2)   (out the front or the back)

Levels add nothing (a picker reaches up or uses a step); within one bay the levels are picked in
ascending order. The picker starts and ends at the depot, the front of the first aisle: x = 0,
y = 0.

Ordering
--------
`serpentine_order` is the plain S-shape: the aisles with stops in natural order, up the first,
down the next, and so on. `walk_order` starts from it and improves it with a bounded local search
(2-opt and or-opt, first improvement, strict gains only, so equal-length walks keep the serpentine's
shape). Tasks with at most EXACT_MAX_SPOTS distinct spots (aisle + bay) are then solved exactly
(Held-Karp); the exact tour is used only when strictly shorter. Larger tasks get a few kicks of
iterated local search, fewer the larger the task, so 60 stops take a few milliseconds. Picks from
one bin (the same bin listed several times) stay together in their input order.
"""

import random
import re
from collections.abc import Sequence
from itertools import pairwise
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from floor.warehouse.models import Location

AISLE_PITCH = 3.0  # metres between the centre lines of neighbouring aisles
BAY_WIDTH = 1.2  # metres per bay along an aisle
EXACT_MAX_SPOTS = 9  # Held-Karp up to this many distinct spots (~2 ms in CPython; 10 takes ~5)
MAX_ROUNDS = 50  # local search passes at most
KICK_WORK = 3000  # kicks = KICK_WORK // spots², at most 6: 6 kicks at 20 spots, 1 at 40, none from 55
_GAIN = 1e-9

_CHUNK = re.compile(r"\d+|\D+")
_DEPOT = object()


def _aisle_name(bin) -> str:
    return (bin.aisle or "").strip().upper()


def natural_key(aisle: str) -> tuple:
    """Sort key for aisle names: "" < "A" < "Z" < "AA"; "2" < "10"; "A2" < "A10"."""
    return tuple(
        (0, int(c), c) if c.isdigit() else (1, len(c), c) for c in _CHUNK.findall((aisle or "").strip().upper())
    )


def _aisle_indexes(aisles) -> dict[str, int]:
    named = sorted({a for a in aisles if a}, key=natural_key)
    index = {"": -1}
    if named and all(a.isalpha() and a.isascii() and len(a) <= 2 for a in named):
        for a in named:
            n = 0
            for c in a:
                n = n * 26 + ord(c) - 64
            index[a] = n - 1
    elif named and all(a.isdigit() and len(a) <= 4 for a in named):
        index.update((a, int(a) - 1) for a in named)
    else:
        index.update((a, n) for n, a in enumerate(named))
    return index


class _Model:
    """The task's spots (distinct aisle + bay) and the walking distances between them and the depot."""

    def __init__(self, bins: Sequence["Location"]):
        names = [_aisle_name(b) for b in bins]
        index = _aisle_indexes(names)
        self.back = (max((b.bay or 0 for b in bins), default=0) + 1) * BAY_WIDTH
        spot_of: dict[tuple[str, int], int] = {}
        self.spots: list[tuple[str, int]] = []  # (aisle, bay)
        self.stops: list[list[int]] = []  # bin indexes at each spot
        for i, b in enumerate(bins):
            key = (names[i], b.bay or 0)
            s = spot_of.get(key)
            if s is None:
                s = spot_of[key] = len(self.spots)
                self.spots.append(key)
                self.stops.append([])
            self.stops[s].append(i)
        # Node 0 is the depot, node s + 1 is spot s.
        points = [(_DEPOT, 0.0, 0.0)] + [(a, index[a] * AISLE_PITCH, bay * BAY_WIDTH) for a, bay in self.spots]
        back2 = 2 * self.back
        self.dist = [
            [
                abs(y1 - y2) if a1 is a2 or a1 == a2 else abs(x1 - x2) + min(y1 + y2, back2 - y1 - y2)
                for a2, x2, y2 in points
            ]
            for a1, x1, y1 in points
        ]
        self.aisle_rank = {a: n for n, a in enumerate(sorted({a for a, _ in self.spots}, key=natural_key))}
        # Within a spot: levels ascending, one bin's picks together, in input order.
        for stops in self.stops:
            first: dict = {}
            for i in stops:
                first.setdefault(_bin_key(bins[i]), i)
            stops.sort(key=lambda i: (bins[i].level or 0, first[_bin_key(bins[i])], i))

    def serpentine(self) -> list[int]:
        """Spot numbers (1-based nodes) in S-shape order."""

        def key(node):
            aisle, bay = self.spots[node - 1]
            rank = self.aisle_rank[aisle]
            return (rank, -bay if rank % 2 else bay)

        return sorted(range(1, len(self.spots) + 1), key=key)

    def length(self, nodes: Sequence[int]) -> float:
        d = self.dist
        walk = [0, *nodes, 0]
        return sum(d[a][b] for a, b in pairwise(walk))

    def expand(self, nodes: Sequence[int]) -> list[int]:
        return [i for node in nodes for i in self.stops[node - 1]]


def _bin_key(bin):
    return bin.pk if bin.pk is not None else (bin.level or 0)


def _improve(dist: list[list[float]], nodes: list[int]) -> list[int]:
    """2-opt and or-opt (segments of 1–3 spots, either way round) on the closed tour depot → nodes."""
    tour = [0, *nodes]
    n = len(tour)
    if n < 4:
        return nodes
    for _ in range(MAX_ROUNDS):
        improved = False
        # 2-opt: replace edges (a, b) and (c, e) by (a, c) and (b, e), reversing b … c.
        for i in range(n - 2):
            a, b = tour[i], tour[i + 1]
            da, dab = dist[a], dist[a][b]
            db = dist[b]
            for j in range(i + 2, n if i else n - 1):
                c, e = tour[j], tour[(j + 1) % n]
                if da[c] + db[e] - dab - dist[c][e] < -_GAIN:
                    tour[i + 1 : j + 1] = tour[j:i:-1]
                    a, b = tour[i], tour[i + 1]
                    da, dab, db = dist[a], dist[a][b], dist[b]
                    improved = True
        # Or-opt: move a segment of 1–3 spots elsewhere, possibly reversed.
        for length in (1, 2, 3):
            i = 1
            while i + length <= n:
                p, f, last = tour[i - 1], tour[i], tour[i + length - 1]
                q = tour[(i + length) % n]
                removed = dist[p][f] + dist[last][q] - dist[p][q]
                best, where, flip = _GAIN, None, False
                for j in range(n):
                    if i - 1 <= j <= i + length - 1:
                        continue
                    u, v = tour[j], tour[(j + 1) % n]
                    base = dist[u][v]
                    gain = removed - (dist[u][f] + dist[last][v] - base)
                    if gain > best:
                        best, where, flip = gain, j, False
                    gain = removed - (dist[u][last] + dist[f][v] - base)
                    if gain > best:
                        best, where, flip = gain, j, True
                if where is None:
                    i += 1
                    continue
                segment = tour[i : i + length]
                if flip:
                    segment.reverse()
                anchor = tour[where]
                del tour[i : i + length]
                k = tour.index(anchor) + 1
                tour[k:k] = segment
                improved = True
        if not improved:
            break
    k = tour.index(0)
    return tour[k + 1 :] + tour[:k]


def _exact(dist: list[list[float]], m: int) -> tuple[float, list[int]]:
    """Held-Karp over nodes 1…m with the depot 0 at both ends: (length, nodes in order)."""
    inf = float("inf")
    size = 1 << m
    # cost[mask][k]: shortest walk from the depot through the spots in mask, ending at spot k.
    cost = [[inf] * m for _ in range(size)]
    parent = [[-1] * m for _ in range(size)]
    for k in range(m):
        cost[1 << k][k] = dist[0][k + 1]
    rows = [dist[k + 1][1:] for k in range(m)]
    bits = [(j, 1 << j) for j in range(m)]
    for mask in range(1, size):
        here_row = cost[mask]
        for k in range(m):
            here = here_row[k]
            if here == inf:
                continue
            row = rows[k]
            for j, bit in bits:
                if mask & bit:
                    continue
                c = here + row[j]
                target = cost[mask | bit]
                if c < target[j]:
                    target[j] = c
                    parent[mask | bit][j] = k
    full = size - 1
    best, end = min((cost[full][k] + dist[k + 1][0], k) for k in range(m))
    order, mask = [], full
    while end >= 0:
        order.append(end + 1)
        end, mask = parent[mask][end], mask & ~(1 << end)
    order.reverse()
    return best, order


def serpentine_order(bins: Sequence["Location"]) -> list[int]:
    """Indexes of `bins` in the plain S-shape: up the first aisle with stops, down the next, …"""
    model = _Model(bins)
    return model.expand(model.serpentine())


def local_search_order(bins: Sequence["Location"]) -> list[int]:
    """The serpentine improved by the local search only (no exact solve): for the bench."""
    model = _Model(bins)
    return model.expand(_improve(model.dist, model.serpentine()))


def _kicked(model: _Model, nodes: list[int]) -> list[int]:
    """Iterated local search: a few double-bridge kicks (swap two segments, re-improve), keeping the best.

    The number of kicks shrinks with the task's size to bound the time; a fixed seed keeps the
    result the same on every run."""
    n = len(nodes)
    kicks = min(6, KICK_WORK // (n * n)) if n >= 8 else 0
    rng = random.Random(n)
    best, best_length = nodes, model.length(nodes)
    for _ in range(kicks):
        a, b, c = sorted(rng.sample(range(1, n), 3))
        candidate = _improve(model.dist, best[:a] + best[b:c] + best[a:b] + best[c:])
        length = model.length(candidate)
        if length < best_length - 1e-6:
            best, best_length = candidate, length
    return best


def walk_order(bins: Sequence["Location"]) -> list[int]:
    """Indexes of `bins` in walking order: the serpentine, shortened (see the module's docstring)."""
    if len(bins) < 2:
        return list(range(len(bins)))
    model = _Model(bins)
    nodes = _improve(model.dist, model.serpentine())
    m = len(nodes)
    if 3 <= m <= EXACT_MAX_SPOTS:
        best, exact = _exact(model.dist, m)
        if best < model.length(nodes) - 1e-6:
            nodes = exact
    else:
        nodes = _kicked(model, nodes)
    return model.expand(nodes)


def path_length(bins: Sequence["Location"], order: Sequence[int]) -> float:
    """Metres walked from the depot through `bins` in `order` (indexes) and back to the depot."""
    model = _Model(bins)
    spot_of = {i: node for node, stops in enumerate(model.stops, start=1) for i in stops}
    return model.length([spot_of[i] for i in order])
