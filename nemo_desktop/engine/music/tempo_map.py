"""The tempo map: a beat grid fitted to the video's cuts, ending on a chord that rings out before the end.

A constant tempo cannot hit irregular cuts, so the grid is built segment by segment between *anchored*
cuts. Each segment holds a whole number of beats and its local tempo stays within a few percent of one
base tempo (a player following a conductor, not a jump). A dynamic programme chooses which cuts to anchor
and how many beats each segment gets; cuts it leaves unanchored are charged by their distance to the
nearest eighth note, so they still land on an onset where possible. What each choice costs is written
down once, in ``COSTS``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

MAX_TEMPO_DEVIATION = 0.10  # local tempo within ±9 % of the base tempo (cost grows quadratically)
_LOOKBACK = 8  # a segment spans at most this many cuts: keeps the programme O(cuts · 8)


@dataclass(frozen=True)
class GridCosts:
    """The prices the fitter weighs against each other (dimensionless; a scale is "what costs 1")."""

    tempo_scale: float = 0.045  # a segment's tempo deviation of 4.5 % costs 1 (quadratic)
    odd_beats: float = 0.25  # a segment with an odd number of beats (phrases like pairs)
    ring: float = 0.4  # per s² that the ring-out differs from the preferred length
    final_off_bar: float = 0.3  # the final hit not a whole number of bars after its segment's start
    stretched_end: float = 5.0  # no exact beat fits the ring-out window: the last segment is stretched …
    stretched_scale: float = 0.02  # … and its deviation of 2 % costs 1 more (quadratic)
    miss: float = 0.6  # any cut left unanchored
    miss_scale: float = 0.035  # … that many seconds from the nearest eighth costs 1 more (quadratic)
    miss_window: float = 0.045  # … and further than this is heard as off the grid:
    miss_far: float = 12.0  # … charged this flat price instead
    off_target: float = 2.0  # per unit of relative distance from the brief's target tempo
    outside_scale: float = 0.03  # a base tempo 3 % outside the brief's range costs 1 (quadratic)


COSTS = GridCosts()


@dataclass(frozen=True)
class BeatGrid:
    """Beat times (seconds) up to and including the final hit, and which cuts sit exactly on a beat."""

    bpm: float
    beats: tuple[float, ...]
    anchors: tuple[float, ...]  # cut times placed exactly on beats (segment boundaries)
    final_hit: float  # time of the closing chord (the last beat)


class Clock:
    """Fractional beat index ↔ seconds along the tempo map (extrapolated past the last beat)."""

    def __init__(self, beats: Sequence[float]) -> None:
        b = list(beats)
        step = b[-1] - b[-2] if len(b) > 1 else 0.5
        b.extend([b[-1] + step, b[-1] + 2 * step])
        self._b = np.asarray(b)
        self._i = np.arange(len(b), dtype=float)

    def t(self, beat: float) -> float:
        """The time of a (fractional) beat index: parts are written in beats, played in seconds."""
        return float(np.interp(beat, self._i, self._b))


def ring_window(duration: float) -> tuple[float, float, float]:
    """(shortest, preferred, longest) ring-out after the final hit for a piece of ``duration`` seconds."""
    lo = min(1.2, 0.3 * duration)
    hi = min(3.5, 0.45 * duration)
    pref = min(max(2.0, lo), hi)
    return lo, pref, hi


def _clean_cuts(cuts: Sequence[float], end: float) -> list[float]:
    """Sorted cuts away from both ends and from each other: a flash cut cannot carry a segment."""
    out: list[float] = []
    for c in sorted(float(c) for c in cuts):
        if 0.2 < c < end - 0.2 and (not out or c - out[-1] > 0.15):
            out.append(c)
    return out


def _miss_cost(cut: float, a: float, period: float, swing: float = 0.0) -> float:
    """Cost of a cut left unanchored inside a segment starting at ``a`` with beat ``period``.

    It is charged by its distance to the nearest (swung) eighth note, where the music has an onset.
    """
    rel = (cut - a) / period
    beat = np.floor(rel)
    grid = np.array([beat, beat + 0.5 + swing * 0.3, beat + 1.0])
    d = float(np.min(np.abs(grid - rel))) * period
    return COSTS.miss + ((d / COSTS.miss_scale) ** 2 if d < COSTS.miss_window else COSTS.miss_far)


# (cost of the segment itself, beats in it, time of its end)
_Option = tuple[float, int, float]


def _end_options(a: float, period: float, duration: float) -> list[_Option]:
    """Ways to end on the final hit from ``a``: an exact base-tempo beat inside the ring-out window,
    or, when none fits, the last segment stretched to end at the preferred ring-out."""
    ring_lo, ring_pref, ring_hi = ring_window(duration)
    lo_t, hi_t = duration - ring_hi, duration - ring_lo
    n_lo = max(1, int(np.ceil((lo_t - a) / period - 1e-9)))
    n_hi = int(np.floor((hi_t - a) / period + 1e-9))
    options: list[_Option] = []
    for n in range(n_lo, n_hi + 1):
        e = a + n * period
        ring = duration - e
        off_bar = COSTS.final_off_bar if n % 4 else 0.0
        options.append((COSTS.ring * ((ring - ring_pref) / 1.0) ** 2 + off_bar, n, e))
    if not options:  # too short for an exact beat: stretch the last segment
        n = max(1, round((duration - ring_pref - a) / period))
        e = duration - ring_pref
        if e - a < 0.2:
            return []
        dev = abs(period / ((e - a) / n) - 1)
        options.append((COSTS.stretched_end + (dev / COSTS.stretched_scale) ** 2, n, e))
    return options


def _inner_options(length: float, period: float) -> list[tuple[float, float, int]]:
    """(tempo cost, odd-count cost, beats) for a segment of ``length`` s between two anchored cuts: a beat
    either side of the nearest whole count, as long as the local tempo stays near the base. (The two costs
    stay apart so they are added to the running total in the same order as always: same floats.)"""
    n0 = max(1, round(length / period))
    options: list[tuple[float, float, int]] = []
    for n in (n0 - 1, n0, n0 + 1):
        if n < 1:
            continue
        local = length / n
        dev = abs(period / local - 1)
        if dev > MAX_TEMPO_DEVIATION:
            continue
        options.append(((dev / COSTS.tempo_scale) ** 2, COSTS.odd_beats if n % 2 else 0.0, n))
    return options


def _solve(
    points: list[float], duration: float, base: float, swing: float = 0.0
) -> tuple[float, list[tuple[int, int, int]], float]:
    """Dynamic programme for one base period: (cost, segments (i, j, beats), final hit time)."""
    period = 60.0 / base
    k = len(points)  # points[0] = 0, points[1:] = cuts, node k = the end
    best = [np.inf] * (k + 1)
    back: list[tuple[int, int]] = [(-1, 0)] * (k + 1)
    best[0] = 0.0
    final_time = [0.0] * (k + 1)
    for j in range(1, k + 1):
        for i in range(max(0, j - _LOOKBACK), j):
            if best[i] == np.inf:
                continue
            a = points[i]
            inner = points[i + 1 : j]
            if j == k:  # the final hit: exact base tempo, ring-out window
                options = _end_options(a, period, duration)
                if not options:
                    continue
                seg_cost, n, e = min(options)
                local = (e - a) / n
                cost = best[i] + seg_cost + sum(_miss_cost(c, a, local, swing) for c in inner)
                if cost < best[j]:
                    best[j], back[j], final_time[j] = cost, (i, n), e
                continue
            length = points[j] - a
            for tempo_cost, odd_cost, n in _inner_options(length, period):
                cost = best[i] + tempo_cost + odd_cost
                cost += sum(_miss_cost(c, a, length / n, swing) for c in inner)
                if cost < best[j]:
                    best[j], back[j] = cost, (i, n)
    return _walk_back(back, best[k], final_time[k])


def _walk_back(
    back: list[tuple[int, int]], cost: float, final_hit: float
) -> tuple[float, list[tuple[int, int, int]], float]:
    """The chosen segments, first to last, from the programme's back pointers (none: no way through)."""
    segs: list[tuple[int, int, int]] = []
    j = len(back) - 1
    while j > 0:
        i, n = back[j]
        if i < 0:
            return np.inf, [], 0.0
        segs.append((i, j, n))
        j = i
    return cost, segs[::-1], final_hit


def _candidates(cleaned: Sequence[float], want_lo: float, want_hi: float) -> np.ndarray:
    """Base tempos to try: only inside the brief's range, because the reply states that range (the beats
    between cuts still bend to reach them); a fixed tempo the person asked for is tried alone."""
    if want_hi - want_lo < 0.01:
        return np.array([want_lo])
    count = (31 if len(cleaned) < 60 else 13) if cleaned else 13
    return np.linspace(want_lo, want_hi, count)


def fit_beats(
    duration: float, cuts: Sequence[float], bpm_range: tuple[float, float], target: float, swing: float = 0.0
) -> BeatGrid:
    """The beat grid for a video of ``duration`` s with hard ``cuts``, tempo within ``bpm_range``."""
    ring_lo, ring_pref, ring_hi = ring_window(duration)
    if duration - ring_pref < 0.3:
        return BeatGrid(float(target), (0.0,), (), 0.0)
    want_lo, want_hi = sorted(bpm_range)
    cleaned = _clean_cuts(cuts, duration - ring_lo)
    points = [0.0, *cleaned]  # node len(points) is the end (the final hit)
    best: tuple[float, float, list[tuple[int, int, int]], float] | None = None
    for base in _candidates(cleaned, want_lo, want_hi):
        cost, segs, end = _solve(points, duration, float(base), swing)
        outside = max(want_lo - base, base - want_hi, 0.0) / max(want_lo, 1.0)
        cost += COSTS.off_target * abs(base - target) / max(target, 1.0) + (outside / COSTS.outside_scale) ** 2
        if segs and (best is None or cost < best[0]):
            best = (cost, float(base), segs, end)
    if best is None:  # cannot happen for sane input; fall back to a plain grid
        base = float(target)
        period = 60.0 / base
        n = max(1, int((duration - ring_pref) / period))
        return BeatGrid(base, tuple(i * period for i in range(n + 1)), (), n * period)
    _, base, segs, end = best
    beats: list[float] = []
    anchors: list[float] = []
    for i, j, n in segs:
        a = points[i]
        b = end if j == len(points) else points[j]
        step = (b - a) / n
        beats.extend(a + m * step for m in range(n))
        if j != len(points):
            anchors.append(b)
    beats.append(end)
    return BeatGrid(base, tuple(round(b, 6) for b in beats), tuple(anchors), round(end, 6))


def anchor_beats(grid: BeatGrid) -> set[int]:
    """Indices of the beats that sit on anchored cuts: parts strike, fill and accent there."""
    beats_arr = np.asarray(grid.beats)
    return {int(np.argmin(np.abs(beats_arr - a))) for a in grid.anchors}


def bar_starts(beats: Sequence[float], anchors: Sequence[float]) -> list[int]:
    """Indices of downbeats: bars of four, restarted on anchored cuts (main cuts on bar lines).

    A cut two or three beats into a bar shortens that bar; a cut one beat in stays on beat two rather
    than leave a one-beat bar. The final hit is always a downbeat (a one-beat bar before it merges back).
    """
    arr = np.asarray(beats)
    anchor_idx = {int(np.argmin(np.abs(arr - a))) for a in anchors}
    last = len(beats) - 1
    starts = [0]
    for idx in range(1, last):
        pos = idx - starts[-1]
        if pos >= 4 or (idx in anchor_idx and pos >= 2):
            starts.append(idx)
    if last > 0:
        if last - starts[-1] == 1 and len(starts) > 1:
            starts.pop()
        starts.append(last)
    return starts
