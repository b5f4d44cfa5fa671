"""The music's envelope for the window's timeline: a few thousand peaks of the music as the mix carries it
(ducked under speech with the mix's own depths). The peaks are taken from the music the mix reads anyway
(``PeakRecorder`` wraps its reader), so drawing the waveform costs no second read of the stems and no
memory beyond the points.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from nemo_desktop.core.ports import Waveform
from nemo_desktop.engine import mix

Reader = Callable[[int, int], np.ndarray]  # (start, count) → (count, 2) float32
POINTS = 2000  # more than any timeline is wide in pixels
BLOCK = 480_000


class PeakRecorder:
    """A reader that passes ``read`` through and keeps the largest magnitude seen in each of ``points``
    equal stretches of its ``n`` samples (reading a stretch twice changes nothing)."""

    def __init__(self, read: Reader, n: int, points: int = POINTS) -> None:
        self.read, self.n = read, n
        self.points = max(1, min(points, n))
        self.peaks = np.zeros(self.points, np.float32)

    def _bins(self, first: int, count: int) -> tuple[np.ndarray, np.ndarray]:
        """(first index of each stretch within the span, that stretch's number)."""
        bins = (np.arange(first, first + count, dtype=np.int64) * self.points) // max(1, self.n)
        starts = np.concatenate(([0], np.flatnonzero(np.diff(bins)) + 1))
        return starts, bins[starts]

    def __call__(self, first: int, count: int) -> np.ndarray:
        block = self.read(first, count)
        end = min(count, self.n - first)
        if end > 0 and first >= 0:
            x = np.maximum(np.abs(block[:end, 0]), np.abs(block[:end, 1]))
            starts, idx = self._bins(first, end)
            self.peaks[idx] = np.maximum(self.peaks[idx], np.maximum.reduceat(x, starts))
        return block

    def waveform(self, sample_rate: int, speech: Sequence[tuple[float, float]] = (),
                 depths: Sequence[float] | None = None) -> Waveform:
        """The peaks, each stretch lowered by the largest music gain the duck leaves in it (exact inside a
        speech span, where the gain is flat)."""
        peaks = self.peaks.astype(np.float64)
        if speech:
            gain = np.zeros(self.points)
            for a in range(0, self.n, BLOCK):
                count = min(BLOCK, self.n - a)
                g = mix.duck_gain(count, speech, sample_rate, depths=depths, first=a)
                starts, idx = self._bins(a, count)
                gain[idx] = np.maximum(gain[idx], np.maximum.reduceat(g, starts))
            peaks *= gain
        return Waveform(tuple(round(float(v), 5) for v in peaks), self.n / sample_rate if sample_rate else 0.0)


def peaks(read: Reader, n: int, sample_rate: int, points: int = POINTS) -> Waveform:
    """The envelope of any source, read a block at a time."""
    recorder = PeakRecorder(read, n, points)
    for a in range(0, n, BLOCK):
        recorder(a, min(BLOCK, n - a))
    return recorder.waveform(sample_rate)
