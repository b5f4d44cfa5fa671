"""Samples of a quantity over time, and the loudness curve of a clip's sound."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

CURVE_HOP = 0.25  # timeline grid of the visual curves (s)
LOUDNESS_HOP = 0.1  # loudness curve hop (s)
SILENCE_DB = -90.0


@dataclass(frozen=True)
class Curve:
    """Samples of a quantity over time (seconds); linear in between, held at the ends."""

    times: tuple[float, ...] = ()
    values: tuple[float, ...] = ()

    def mean(self, default: float = 0.0) -> float:
        return float(np.mean(self.values)) if self.values else default

    def sample(self, t: float, default: float = 0.0) -> float:
        if not self.times:
            return default
        return float(np.interp(t, self.times, self.values))

    def pairs(self) -> tuple[tuple[float, float], ...]:
        return tuple(zip(self.times, self.values, strict=True))

    @classmethod
    def of(cls, times: Iterable[float], values: Iterable[float], ndigits: int = 4) -> Curve:
        return cls(tuple(round(float(t), 4) for t in times), tuple(round(float(v), ndigits) for v in values))


def hop_power(mono: np.ndarray, rate: int, hop: float = LOUDNESS_HOP) -> np.ndarray:
    """Mean power of each whole hop of ``mono`` (read a block of whole hops at a time for a long sound)."""
    n = int(rate * hop)
    blocks = len(mono) // n
    power: np.ndarray = (mono[: blocks * n].astype(np.float64).reshape(blocks, n) ** 2).mean(axis=1)
    return power


def loudness_curve(mono: np.ndarray, rate: int, hop: float = LOUDNESS_HOP, window: int = 4) -> Curve:
    """Short-term level in dBFS: RMS over ``window`` hops (400 ms), one value per hop (100 ms)."""
    return curve_of_power(hop_power(mono, rate, hop), hop, window)


def curve_of_power(power: np.ndarray, hop: float = LOUDNESS_HOP, window: int = 4) -> Curve:
    """``loudness_curve`` from the hops' powers."""
    blocks = len(power)
    if blocks == 0:
        return Curve()
    kernel = np.ones(window) / window
    smooth = np.convolve(power, kernel, mode="same")
    db = np.maximum(SILENCE_DB, 10.0 * np.log10(smooth + 1e-12))
    return Curve.of((np.arange(blocks) + 0.5) * hop, db, ndigits=2)
