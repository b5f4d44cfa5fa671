"""The music's envelope for the window's timeline: a few thousand peaks of the music as the mix carries it
(ducked under speech with the mix's own depths), read a block at a time so any length costs the same memory.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from nemo_desktop.core.ports import Waveform
from nemo_desktop.engine import mix

Reader = Callable[[int, int], np.ndarray]  # (start, count) → (count, 2) float32
POINTS = 2000  # more than any timeline is wide in pixels
BLOCK = 480_000


def peaks(read: Reader, n: int, sample_rate: int, points: int = POINTS,
          gain: Callable[[int, int], np.ndarray] | None = None) -> Waveform:
    """The largest magnitude of ``read`` (times ``gain(first, count)``) in each of ``points`` equal stretches."""
    points = max(1, min(points, n))
    out = np.zeros(points, np.float64)
    for a in range(0, n, BLOCK):
        count = min(BLOCK, n - a)
        x = np.max(np.abs(read(a, count)), axis=1).astype(np.float64)
        if gain is not None:
            x *= gain(a, count)
        bins = (np.arange(a, a + count, dtype=np.int64) * points) // n
        starts = np.concatenate(([0], np.flatnonzero(np.diff(bins)) + 1))
        top = np.maximum.reduceat(x, starts)
        idx = bins[starts]
        out[idx] = np.maximum(out[idx], top)
    return Waveform(tuple(round(float(v), 5) for v in out), n / sample_rate if sample_rate else 0.0)


def ducked_music(music: Reader, n: int, speech: Sequence[tuple[float, float]], sample_rate: int,
                 depths: Sequence[float] | None, points: int = POINTS) -> Waveform:
    """The music's envelope under the mix's ducking (``depths`` as ``mix_blocks.mix_into`` returned them):
    the dips a person hears where someone speaks."""
    if not speech:
        return peaks(music, n, sample_rate, points)
    return peaks(music, n, sample_rate, points,
                 lambda a, count: mix.duck_gain(count, speech, sample_rate, depths=depths, first=a))
