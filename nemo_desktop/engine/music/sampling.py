"""The signal pieces of the sampler: a sample's loop unrolled, cubic resampling, the SoundFont volume
envelope and the zone filter — plain functions of a ``Zone`` and arrays, so they can be tested alone."""

from __future__ import annotations

import functools

import numpy as np
from scipy import signal

from nemo_desktop.engine.music.sf2 import Zone

PEAK_DB = 96.0  # the envelope's full scale: decay and release times are for a fall of this much
MAX_RELEASE = 2.5  # seconds: longer releases (a harp's 9.6 s) are cut here, faded
CUTOFF_STEP = 200.0  # cents: filter cutoffs are rounded to this, so pitched samples are cached per step


def unrolled(data: np.ndarray, zone: Zone, reach: int) -> np.ndarray:
    """The sample as played: up to its loop's end, then the loop repeated until ``reach`` frames (so an
    interpolator reads straight through, its neighbours wrapping with the loop), plus a few silent frames."""
    start, stop = max(0, zone.loop_start), min(zone.loop_end, len(data))
    head = data[:stop]
    loop = data[start:stop]
    repeats = max(0, -(-(reach - len(head)) // max(len(loop), 1)))
    return np.concatenate([head, np.tile(loop, repeats), np.zeros(4, dtype=np.float32)])


def cubic(src: np.ndarray, first: float, ratio: float, count: int) -> np.ndarray:
    """``src`` read at ``first + k·ratio`` for k < count (4-point, 3rd-order Hermite), in float32."""
    pos = first + np.arange(count, dtype=np.float64) * ratio
    i = pos.astype(np.int32)
    f = (pos - i).astype(np.float32)
    padded = np.concatenate([src[:1], src, np.zeros(3, dtype=np.float32)])  # src[-1] and three past the end
    y0 = padded[i]
    i += 1
    y1 = padded[i]
    i += 1
    y2 = padded[i]
    i += 1
    y3 = padded[i]
    c1 = (y2 - y0) * np.float32(0.5)
    c3 = (y3 - y0) * np.float32(0.5) + (y1 - y2) * np.float32(1.5)
    c2 = y0 - y1 * np.float32(2.5) + y2 * np.float32(2.0) - y3 * np.float32(0.5)
    out: np.ndarray = ((c3 * f + c2) * f + c1) * f + y1
    return out


@functools.lru_cache(maxsize=256)
def lowpass_at(step: int, sr: int) -> np.ndarray:
    """A 2nd-order Butterworth low-pass at cutoff step ``step`` (``CUTOFF_STEP`` cents above 8.176 Hz)."""
    sos: np.ndarray = signal.butter(2, 8.176 * 2.0 ** (step * CUTOFF_STEP / 1200.0), fs=sr, output="sos")
    return sos


def envelope(zone: Zone, key: int, held: int, n: int, sr: int) -> np.ndarray:
    """The SoundFont volume envelope as gain over ``n`` samples, released after ``held`` samples: delay,
    linear attack, hold, then a fall of ``PEAK_DB`` per decay time (in dB, so exponential) to the sustain
    level, and from the release on a fall of ``PEAK_DB`` per release time."""
    scale = 2.0 ** ((60 - key) / 1200.0)
    hold = zone.hold * scale**zone.key_hold
    decay = max(zone.decay * scale**zone.key_decay, 1e-3)
    a0, a1 = int(zone.delay * sr), int((zone.delay + zone.attack) * sr)
    h1 = a1 + int(hold * sr)
    gain = np.ones(n, dtype=np.float32)
    gain[: min(a0, n)] = 0.0
    if a1 > a0:
        ramp = np.arange(1, a1 - a0 + 1, dtype=np.float32) / np.float32(a1 - a0)
        gain[a0:a1] = ramp[: max(0, min(a1, n) - a0)]
    floor_db = zone.sustain / 10.0
    if h1 < n and floor_db > 0:
        k = np.float32(-PEAK_DB / decay / sr * np.log(10) / 20)  # per sample, natural log of gain
        reach = min(n, h1 + int(floor_db / PEAK_DB * decay * sr) + 1)
        gain[h1:reach] = np.exp(np.arange(reach - h1, dtype=np.float32) * k)
        gain[reach:] = np.float32(10 ** (-floor_db / 20))
    if held < n:
        rel = max(min(zone.release, MAX_RELEASE), 0.01)
        k = np.float32(-PEAK_DB / rel / sr * np.log(10) / 20)
        gain[held:] = gain[held] * np.exp(np.arange(n - held, dtype=np.float32) * k)
    return gain
