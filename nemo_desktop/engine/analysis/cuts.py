"""Where a new shot starts (a sudden luma jump with a changed histogram) and how busy each moment is."""

from __future__ import annotations

import math

import numpy as np

from nemo_desktop.engine.analysis.curves import CURVE_HOP, Curve


def find_cuts(mad: np.ndarray, hist: np.ndarray, min_gap: int = 4) -> list[int]:
    """Frames that start a new shot: a luma jump far above its neighbourhood, with a changed histogram.

    ``mad[i]``/``hist[i]`` compare frame i with frame i-1 (mean absolute difference 0..255, histogram
    distance 0..1). Motion raises the neighbourhood too, so only sudden jumps count.
    """
    n = len(mad)
    if n < 2:
        return []
    found: list[int] = []
    for i in range(1, n):
        m = mad[i]
        if m < 12.0 or (hist[i] < 0.15 and m < 35.0):
            continue
        lo, hi = max(1, i - 6), min(n, i + 7)
        neigh = np.concatenate([mad[lo:i], mad[i + 1 : hi]])
        base = float(np.median(neigh)) if neigh.size else 0.0
        if m > 2.5 * base + 8.0:
            if found and i - found[-1] < min_gap:
                if m > mad[found[-1]]:
                    found[-1] = i
                continue
            found.append(i)
    return found


def motion_curve(times: np.ndarray, mad: np.ndarray, cut_idx: list[int], duration: float) -> Curve:
    """Mean frame difference per CURVE_HOP bin, cuts excluded, mapped to 0..1 (1 - e^(-mad/12))."""
    if times.size == 0:
        return Curve()
    mad = mad.copy()
    mad[0] = mad[1] if mad.size > 1 else 0.0
    for i in cut_idx:
        mad[i] = mad[i - 1]
    if times.size == 1:
        return Curve((0.0,), (0.0,))
    span = max(duration, float(times[-1]))
    bins = max(1, math.ceil(span / CURVE_HOP - 1e-9))
    idx = np.minimum((times / CURVE_HOP).astype(int), bins - 1)
    sums = np.bincount(idx, weights=mad, minlength=bins)
    counts = np.bincount(idx, minlength=bins)
    valid = counts > 0
    centres = (np.arange(bins) + 0.5) * CURVE_HOP
    values = 1.0 - np.exp(-(sums[valid] / counts[valid]) / 12.0)
    return Curve.of(centres[valid], values)
