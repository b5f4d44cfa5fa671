"""Signal building blocks the instruments and the finishing room share: oscillators, filters, envelopes.

Oscillators read band-limited wavetables built per pitch (no aliasing, and a table is cheap to reuse);
plucked strings are Karplus–Strong run one period-sized block at a time (vectorised per block).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy import signal

TABLE = 4096  # a power of two, so a phase wraps with a bit mask
_FRAC_BITS = 24
_FRAC = 1 << _FRAC_BITS


def hz(pitch: float) -> float:
    """MIDI pitch → frequency (A4 = 69 = 440 Hz, equal temperament)."""
    return 440.0 * 2.0 ** ((pitch - 69) / 12.0)


def table(f0: float, sr: int, amps: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """One cycle of a sum of sines with partial amplitudes ``amps(k)``, band-limited below 0.45·sr."""
    kmax = max(1, int(0.45 * sr / f0))
    k = np.arange(1, min(kmax, 96) + 1)
    spectrum = np.zeros(TABLE // 2 + 1, dtype=np.complex128)
    spectrum[k] = -0.5j * amps(k.astype(float)) * TABLE
    return np.fft.irfft(spectrum, TABLE).astype(np.float32)


def read(
    wave: np.ndarray, f0: float, n: int, sr: int, vibrato: np.ndarray | None = None, phase0: float = 0.0
) -> np.ndarray:
    """Play ``wave`` (one cycle, from ``table``) at ``f0`` for ``n`` samples: nearest-sample lookup, which
    the 4096-point table makes clean enough and fast."""
    step = f0 * TABLE / sr
    if vibrato is None:  # a 24-bit fixed-point phase: integer ops, 3× faster than a float modulo
        fixed = np.arange(n, dtype=np.int64) * round(step * _FRAC) + round(phase0 * TABLE * _FRAC)
        return wave[(fixed >> _FRAC_BITS) & (TABLE - 1)]
    idx = (np.cumsum(step * (1.0 + vibrato)) + phase0 * TABLE) % TABLE
    return wave[idx.astype(np.int32)]


def saw(k: np.ndarray) -> np.ndarray:
    """Sawtooth partials (all harmonics, 1/k): bright, the raw material of strings, pads and leads."""
    return 1.0 / k


def square(k: np.ndarray) -> np.ndarray:
    """Square-wave partials (odd harmonics only): hollow, mixed into the lead."""
    return np.where(k % 2 == 1, 1.0 / k, 0.0)


def adsr(n: int, sr: int, attack: float, decay: float, sustain: float) -> np.ndarray:
    """A linear attack, then an exponential decay to ``sustain``: the shape of a held synth note."""
    t = np.arange(n, dtype=np.float32) / sr
    att = np.clip(t / max(attack, 1e-3), 0, 1)
    dec = sustain + (1 - sustain) * np.exp(-np.maximum(t - attack, 0) / max(decay, 1e-3))
    return (att * dec).astype(np.float32)


def lowpass(x: np.ndarray, cutoff: float, sr: int, order: int = 2) -> np.ndarray:
    """Butterworth low-pass (cutoff kept below 0.45·sr so any rate works): darkens a tone or a room."""
    b, a = signal.butter(order, min(cutoff, 0.45 * sr) / (sr / 2))
    return signal.lfilter(b, a, x).astype(np.float32)


def highpass(x: np.ndarray, cutoff: float, sr: int, order: int = 2) -> np.ndarray:
    """Butterworth high-pass: leaves the sizzle of noise for hats and cymbals."""
    b, a = signal.butter(order, cutoff / (sr / 2), btype="high")
    return signal.lfilter(b, a, x).astype(np.float32)


def bandpass(x: np.ndarray, lo: float, hi: float, sr: int) -> np.ndarray:
    """Second-order band-pass: noise shaped into a snare, a clap, a hammer's knock."""
    b, a = signal.butter(2, [lo / (sr / 2), min(hi, 0.45 * sr) / (sr / 2)], btype="band")
    return signal.lfilter(b, a, x).astype(np.float32)


def karplus(f0: float, n: int, sr: int, rng: np.random.Generator, damping: float, bright: float) -> np.ndarray:
    """Karplus–Strong plucked string, computed one period-sized block at a time (vectorised per block)."""
    period = sr / f0
    size = int(np.floor(period - 0.5))
    frac = period - 0.5 - size
    w0, w1, w2 = 0.5 * (1 - frac), 0.5, 0.5 * frac
    # loss per period so that the string decays by 60 dB in ``damping`` seconds
    g = 10 ** (-3 / (damping * f0))
    excite = rng.uniform(-1, 1, size + 2).astype(np.float64)
    excite = signal.lfilter([bright], [1, -(1 - bright)], excite)  # softer pick → darker tone
    excite -= excite.mean()
    y = np.zeros(n + size + 2)
    y[: size + 2] = excite
    pos = size + 2
    while pos < len(y):
        end = min(pos + size, len(y))
        m = end - pos
        y[pos:end] = g * (
            w0 * y[pos - size : pos - size + m]
            + w1 * y[pos - size - 1 : pos - size - 1 + m]
            + w2 * y[pos - size - 2 : pos - size - 2 + m]
        )
        pos = end
    return y[:n].astype(np.float32)


def attack(x: np.ndarray, seconds: float, sr: int) -> np.ndarray:
    """Fade the first ``seconds`` in (in place, at least 2 samples): a struck sound without a click."""
    k = min(len(x), max(2, int(seconds * sr)))
    x[:k] *= np.linspace(0, 1, k, dtype=np.float32)
    return x


def fade_edges(x: np.ndarray, head: int, tail: int) -> np.ndarray:
    """Raised-cosine fades over the first ``head`` and the last ``tail`` samples (a copy): a sound placed
    anywhere starts and ends at zero (the head a millisecond or two, so an attack stays crisp)."""
    x = x.copy()
    head, tail = min(len(x), head), min(len(x), tail)
    if head > 0:
        x[:head] *= (0.5 - 0.5 * np.cos(np.linspace(0, np.pi, head + 1)[:-1])).astype(np.float32)
    if tail > 0:
        x[len(x) - tail :] *= (0.5 + 0.5 * np.cos(np.linspace(0, np.pi, tail + 1)[1:])).astype(np.float32)
    return x
