"""The finishing room: what every instrument set gets, ours or a SoundFont's.

The style's room (one convolution reverb for the whole piece: a generated decaying-noise impulse at a
third of the rate), lo-fi's dull top, the balance between stems and the ending's fade. Kept apart from
the instruments so a SoundFont's stems are finished exactly like the built-in ones.
"""

from __future__ import annotations

import numpy as np
from scipy import fft as sfft
from scipy import signal

from nemo_desktop.engine.music.dsp import lowpass
from nemo_desktop.engine.music.score import STEMS, Score
from nemo_desktop.engine.music.styles import STYLES

_STEM_REVERB = {"drums": 0.25, "bass": 0.0, "chords": 1.0, "melody": 0.9}  # send to the room, per stem
_STEM_GAIN = {"drums": 0.5, "bass": 0.8, "chords": 0.55, "melody": 0.6}  # the balance between stems


def _impulse(sr: int, seconds: float, seed: int = 99) -> np.ndarray:
    """A stereo room: decaying noise, darker as it decays, with a short pre-delay."""
    rng = np.random.default_rng(seed)
    n = int(seconds * sr)
    t = np.arange(n) / sr
    env = np.exp(-6.9 * t / seconds)
    ir = rng.standard_normal((n, 2)) * env[:, None]
    dark = signal.lfilter([0.25], [1, -0.75], ir, axis=0)
    mix = np.clip(t / seconds * 1.5, 0, 1)[:, None]
    ir = ir * (1 - mix) + dark * mix * 2.0
    pre = int(0.018 * sr)
    ir = np.concatenate([np.zeros((pre, 2)), ir])
    ir[: int(0.004 * sr) + pre] = 0.0
    return ir / np.sqrt(np.sum(ir**2, axis=0, keepdims=True))


def _reverb(send: np.ndarray, seconds: float, sr: int, factor: int = 3) -> np.ndarray:
    """Convolution reverb at a third of the rate (a room's tail has little above 7 kHz), one FFT pass."""
    n = send.shape[0]
    mono = send.mean(axis=1)
    low = mono[: n - n % factor].reshape(-1, factor).mean(axis=1)
    rate = sr // factor
    ir = lowpass(_impulse(rate, seconds).T, 0.4 * rate, rate).T
    size = sfft.next_fast_len(len(low) + len(ir), real=True)
    x_spec = sfft.rfft(low.astype(np.float32), size, workers=2)
    ir_spec = sfft.rfft(ir.T.astype(np.float32), size, axis=1, workers=2)
    wet = sfft.irfft(ir_spec * x_spec[None, :], size, axis=1, workers=2)[:, : len(low)].T
    up = np.repeat(wet, factor, axis=0)
    kernel = np.ones(factor, dtype=np.float32) / factor
    up = np.stack([np.convolve(up[:, c], kernel, mode="same") for c in range(2)], axis=1)
    out = np.zeros((n, 2), dtype=np.float32)
    out[: len(up)] = up
    return out


def _end_envelope(score: Score, n: int, sr: int) -> np.ndarray:
    """Gain over time: a tiny fade-in, and after the final hit a smooth fade that ends at the last frame."""
    env = np.ones(n, dtype=np.float32)
    k = min(n, int(0.01 * sr))
    env[:k] = np.linspace(0, 1, k, dtype=np.float32)
    start = score.fade_start if score.fade_out else score.final_hit + 0.55 * (score.duration - score.final_hit)
    s = int(start * sr)
    if s < n:
        ramp = np.linspace(0, 1, n - s, dtype=np.float32)
        env[s:] *= (np.cos(np.pi * ramp) * 0.5 + 0.5) ** (1.5 if score.fade_out else 1.0)
    return env


def finish_stems(stems: dict[str, np.ndarray], score: Score, sample_rate: int = 48000) -> dict[str, np.ndarray]:
    """What every instrument set gets, ours or a SoundFont's: the style's room (one reverb for the whole
    piece, returned with the chords), lo-fi's dull top, the stem balance and the ending's fade."""
    sr = sample_rate
    n = int(round(score.duration * sr))
    spec = STYLES.get(score.style)
    reverb_amount = spec.reverb if spec else 0.3
    room = 1.2 + 2.0 * reverb_amount
    send = sum(stems[s] * (_STEM_REVERB[s] * reverb_amount) for s in STEMS if _STEM_REVERB[s] > 0)
    if isinstance(send, np.ndarray) and np.any(send):
        wet = _reverb(send, room, sr) * 0.6
        stems["chords"] = stems["chords"] + wet
    if spec and spec.name == "lofi":
        for s in ("chords", "melody"):
            stems[s] = lowpass(stems[s].T, 5200, sr).T
    env = _end_envelope(score, n, sr)
    shaped = np.flatnonzero(env < 1.0)
    for s in STEMS:
        x = stems[s].astype(np.float32, copy=False)
        x *= _STEM_GAIN[s]
        x[shaped] *= env[shaped, None]
        stems[s] = x
    return stems
