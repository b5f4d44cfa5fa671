"""Signal building blocks the instruments and the finishing room share: oscillators, filters, envelopes.

Oscillators read band-limited wavetables built per pitch (no aliasing, and a table is cheap to reuse);
plucked strings are Karplus–Strong run one period-sized block at a time (vectorised per block).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

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


@lru_cache(maxsize=512)
def _butter(order: int, wn: float | tuple[float, float], btype: str) -> tuple[np.ndarray, np.ndarray]:
    """Butterworth coefficients, designed once per shape (voices ask for the same filters again and again)."""
    b, a = signal.butter(order, wn, btype=btype)
    return b, a


def lowpass(x: np.ndarray, cutoff: float, sr: int, order: int = 2) -> np.ndarray:
    """Butterworth low-pass (cutoff kept below 0.45·sr so any rate works): darkens a tone or a room."""
    b, a = _butter(order, min(cutoff, 0.45 * sr) / (sr / 2), "low")
    return signal.lfilter(b, a, x).astype(np.float32)


def highpass(x: np.ndarray, cutoff: float, sr: int, order: int = 2) -> np.ndarray:
    """Butterworth high-pass: leaves the sizzle of noise for hats and cymbals."""
    b, a = _butter(order, cutoff / (sr / 2), "high")
    return signal.lfilter(b, a, x).astype(np.float32)


def bandpass(x: np.ndarray, lo: float, hi: float, sr: int) -> np.ndarray:
    """Second-order band-pass: noise shaped into a snare, a clap, a hammer's knock."""
    b, a = _butter(2, (lo / (sr / 2), min(hi, 0.45 * sr) / (sr / 2)), "band")
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


SUBNORMAL_GUARD = 1e-18  # a DC far below hearing (−360 dBFS) and far above float32's subnormal range


def sosfilt(sos: np.ndarray, x: np.ndarray, axis: int = -1) -> np.ndarray:
    """scipy's ``sosfilt`` without the slow silence: in the quiet after a note an IIR filter's state decays
    into subnormal floats, which the CPU handles ~35× slower (0.73 s against 0.02 s for a minute of
    mostly silent stem). A tiny DC keeps the state normal; the filter's own DC response to it is taken
    back out, so the output is the same to within 1e-18."""
    guard = np.asarray(SUBNORMAL_GUARD, dtype=x.dtype if x.dtype in (np.float32, np.float64) else np.float64)
    y = signal.sosfilt(sos, x + guard, axis=axis)
    dc_gain = float(np.prod(np.sum(sos[:, :3], axis=1) / np.sum(sos[:, 3:], axis=1)))
    if dc_gain:
        y -= np.asarray(SUBNORMAL_GUARD * dc_gain, dtype=y.dtype)
    return y


def highpass_sos(x: np.ndarray, cutoff: float, sr: int, order: int = 2) -> np.ndarray:
    """Butterworth high-pass along the first axis (a stereo stem at once): clears a stem's low end for the
    kick and the bass."""
    sos = signal.butter(order, cutoff, btype="high", fs=sr, output="sos")
    out = sosfilt(sos, np.ascontiguousarray(x.T, dtype=np.float32), axis=-1)  # each side contiguous: fast
    return np.ascontiguousarray(out.T, dtype=np.float32)


def duck_envelope(
    hits: np.ndarray, n: int, sr: int, depth_db: float, release: float, t0: float = 0.0
) -> np.ndarray:
    """Gain over ``n`` samples from ``t0`` s: down by ``depth_db`` within 4 ms of each hit (seconds), back
    up with an exponential ``release`` — a sidechain keyed on the score's kicks, not on a level, so a
    window of the piece gets exactly the gain the whole piece would."""
    gain = np.ones(n, dtype=np.float32)
    if n == 0 or hits.size == 0 or depth_db <= 0:
        return gain
    dip = np.zeros(n, dtype=np.float64)
    floor = 1.0 - 10 ** (-depth_db / 20)
    span = int(min(6 * release, 1.0) * sr)
    tail = np.arange(span, dtype=np.float64) / sr
    att = int(0.004 * sr)
    shape = np.exp(-tail / release)
    shape[:att] = np.sin(np.linspace(0, np.pi / 2, att)) ** 2  # a 4 ms slope down: no click
    for h in hits:
        s = int(round((h - t0) * sr))
        lo, hi = max(0, s), min(n, s + span)
        if hi > lo:
            dip[lo:hi] = np.maximum(dip[lo:hi], shape[lo - s : hi - s])
    gain -= (floor * dip).astype(np.float32)
    return gain


def compressor_gain(
    key: np.ndarray,
    sr: int,
    threshold_db: float,
    ratio: float,
    attack: float = 0.03,
    release: float = 0.3,
    step: int = 96,
) -> np.ndarray:
    """Gain (linear, per sample) of a gentle feed-forward compressor keyed on mono ``key``: the level (RMS
    over ~10 ms) above ``threshold_db`` is reduced by ``ratio``, smoothed with a slow ``attack`` (transients
    pass) and a ``release`` under a second (a few seconds of signal rebuild its state). It runs once per
    ``step`` samples (2 ms) and is interpolated back."""
    n = len(key)
    blocks = -(-n // step)
    power = np.zeros(blocks * step, dtype=np.float64)
    power[:n] = np.square(key, dtype=np.float64)
    power = power.reshape(blocks, step).mean(axis=1)
    pole = np.exp(-step / (0.01 * sr))
    level = 10 * np.log10(signal.lfilter([1 - pole], [1, -pole], power) + 1e-12)
    target = np.maximum(level - threshold_db, 0.0) * (1 - 1 / ratio)
    a = np.exp(-step / (attack * sr))
    r = np.exp(-step / (release * sr))
    gr = np.empty_like(target)
    g = 0.0
    for i, x in enumerate(target.tolist()):
        g = a * g + (1 - a) * x if x > g else r * g + (1 - r) * x
        gr[i] = g
    at = (np.arange(n, dtype=np.float32) - np.float32(step / 2)) / np.float32(step)  # blocks sit at their middle
    gain = np.interp(at, np.arange(blocks), gr).astype(np.float32)
    gain *= np.float32(-np.log(10) / 20)
    return np.exp(gain, out=gain)


def saturate(x: np.ndarray, knee: float = 0.4, ceiling: float = 0.95, in_place: bool = False) -> np.ndarray:
    """Soft saturation, memoryless: untouched below ``knee``, above it rounded off smoothly (a tanh, same
    slope at the knee) toward ``ceiling`` — the body of the sound passes, its spikiest peaks bend like tape.
    Works on a float32 copy (on ``x`` itself when ``in_place`` and it is contiguous float32), touching only
    the few samples over the knee."""
    fits = in_place and x.dtype == np.float32 and x.flags.c_contiguous
    y = x if fits else np.array(x, dtype=np.float32)
    flat = y.reshape(-1)
    idx = np.flatnonzero(np.abs(flat) > knee)
    if idx.size:
        v = flat[idx]
        room = ceiling - knee
        flat[idx] = np.sign(v) * (knee + room * np.tanh((np.abs(v) - knee) / room))
    return y


def peaking_sos(freq: float, gain_db: float, q: float, sr: int) -> np.ndarray:
    """A peaking EQ band (RBJ cookbook) as one second-order section: ``gain_db`` around ``freq``."""
    a = 10 ** (gain_db / 40)
    w = 2 * np.pi * freq / sr
    alpha = np.sin(w) / (2 * q)
    b = np.array([1 + alpha * a, -2 * np.cos(w), 1 - alpha * a])
    den = np.array([1 + alpha / a, -2 * np.cos(w), 1 - alpha / a])
    return np.concatenate([b, den])[None, :] / den[0]


def shelf_sos(freq: float, gain_db: float, sr: int) -> np.ndarray:
    """A high shelf (RBJ cookbook, slope 1) as one second-order section: ``gain_db`` above ``freq``."""
    a = 10 ** (gain_db / 40)
    w = 2 * np.pi * freq / sr
    c, k = np.cos(w), 2 * np.sqrt(a) * np.sin(w) / 2 * np.sqrt(2)
    b = np.array([a * ((a + 1) + (a - 1) * c + k), -2 * a * ((a - 1) + (a + 1) * c), a * ((a + 1) + (a - 1) * c - k)])
    den = np.array([(a + 1) - (a - 1) * c + k, 2 * ((a - 1) - (a + 1) * c), (a + 1) - (a - 1) * c - k])
    return np.concatenate([b, den])[None, :] / den[0]
