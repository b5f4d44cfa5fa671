"""Score → four stereo stems, synthesized in numpy.

Speed comes from rendering each (instrument, pitch) once and placing copies: a piece has a few dozen
distinct pitches but hundreds of notes. Oscillators read band-limited wavetables built per pitch, plucked
strings are Karplus–Strong run one period-sized block at a time, drums are synthesized once per voice.
One convolution reverb (a generated decaying-noise impulse at half rate) serves the whole piece. Noise
comes from a fixed generator, so the same score always gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from scipy import fft as sfft
from scipy import signal

from nemo_desktop.engine.music.score import Note, Score
from nemo_desktop.engine.music.styles import STYLES

STEMS = ("drums", "bass", "chords", "melody")
_TABLE = 4096  # a power of two, so a phase wraps with a bit mask
_FRAC_BITS = 24
_FRAC = 1 << _FRAC_BITS
_RELEASE = 0.08  # seconds of release ramp on every note (no clicks)
_STEM_REVERB = {"drums": 0.25, "bass": 0.0, "chords": 1.0, "melody": 0.9}
_STEM_GAIN = {"drums": 0.5, "bass": 0.8, "chords": 0.55, "melody": 0.6}


# Voices that decay by themselves: rendered once per pitch at this length (seconds).
_DECAY = {
    "piano": 3.2,
    "piano_bass": 3.2,
    "epiano": 2.8,
    "bell": 3.5,
    "guitar": 2.5,
    "pluck": 2.0,
    "finger_bass": 2.5,
}
# Balance between voices after each is normalised to the same attack RMS.
_VOICE_GAIN = {
    "piano": 0.9,
    "piano_bass": 0.9,
    "epiano": 0.75,
    "bell": 0.6,
    "guitar": 0.6,
    "pluck": 0.8,
    "finger_bass": 1.0,
    "pad": 0.45,
    "strings": 0.6,
    "synth": 0.55,
    "lead": 0.6,
    "horn": 0.75,
    "synth_bass": 0.9,
    "sub_bass": 1.0,
}


def _normalised(x: np.ndarray, sr: int) -> np.ndarray:
    """Scale a voice so its first 400 ms have RMS 0.25: every instrument and pitch starts comparable."""
    head = x[: int(0.4 * sr)]
    rms = float(np.sqrt(np.mean(head.astype(np.float64) ** 2))) if head.size else 0.0
    return (x * (0.25 / rms)).astype(np.float32) if rms > 1e-9 else x


def _hz(pitch: float) -> float:
    return 440.0 * 2.0 ** ((pitch - 69) / 12.0)


def _table(f0: float, sr: int, amps: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """One cycle of a sum of sines with partial amplitudes ``amps(k)``, band-limited below 0.45·sr."""
    kmax = max(1, int(0.45 * sr / f0))
    k = np.arange(1, min(kmax, 96) + 1)
    spectrum = np.zeros(_TABLE // 2 + 1, dtype=np.complex128)
    spectrum[k] = -0.5j * amps(k.astype(float)) * _TABLE
    return np.fft.irfft(spectrum, _TABLE).astype(np.float32)


def _read(
    table: np.ndarray, f0: float, n: int, sr: int, vibrato: np.ndarray | None = None, phase0: float = 0.0
) -> np.ndarray:
    """Play ``table`` at ``f0`` for ``n`` samples (nearest-sample lookup in a 4096-point table)."""
    step = f0 * _TABLE / sr
    if vibrato is None:  # a 24-bit fixed-point phase: integer ops, 3× faster than a float modulo
        fixed = np.arange(n, dtype=np.int64) * round(step * _FRAC) + round(phase0 * _TABLE * _FRAC)
        return table[(fixed >> _FRAC_BITS) & (_TABLE - 1)]
    idx = (np.cumsum(step * (1.0 + vibrato)) + phase0 * _TABLE) % _TABLE
    return table[idx.astype(np.int32)]


def _saw(k: np.ndarray) -> np.ndarray:
    return 1.0 / k


def _square(k: np.ndarray) -> np.ndarray:
    return np.where(k % 2 == 1, 1.0 / k, 0.0)


def _env_adsr(n: int, sr: int, attack: float, decay: float, sustain: float) -> np.ndarray:
    t = np.arange(n, dtype=np.float32) / sr
    att = np.clip(t / max(attack, 1e-3), 0, 1)
    dec = sustain + (1 - sustain) * np.exp(-np.maximum(t - attack, 0) / max(decay, 1e-3))
    return (att * dec).astype(np.float32)


def _lowpass(x: np.ndarray, cutoff: float, sr: int, order: int = 2) -> np.ndarray:
    b, a = signal.butter(order, min(cutoff, 0.45 * sr) / (sr / 2))
    return signal.lfilter(b, a, x).astype(np.float32)


def _highpass(x: np.ndarray, cutoff: float, sr: int, order: int = 2) -> np.ndarray:
    b, a = signal.butter(order, cutoff / (sr / 2), btype="high")
    return signal.lfilter(b, a, x).astype(np.float32)


def _bandpass(x: np.ndarray, lo: float, hi: float, sr: int) -> np.ndarray:
    b, a = signal.butter(2, [lo / (sr / 2), min(hi, 0.45 * sr) / (sr / 2)], btype="band")
    return signal.lfilter(b, a, x).astype(np.float32)


def _karplus(
    f0: float, n: int, sr: int, rng: np.random.Generator, damping: float, bright: float
) -> np.ndarray:
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


class _Voices:
    """Renders and caches one mono sample per (instrument, pitch, length)."""

    def __init__(self, sr: int, brightness: float) -> None:
        self.sr = sr
        self.bright = brightness
        self.cache: dict[tuple[str, int, int], np.ndarray] = {}
        self.longest: dict[tuple[str, int], float] = {}
        self._noise = np.random.default_rng(20240531)

    def get(self, instrument: str, pitch: int, seconds: float) -> np.ndarray:
        """The sample for a note: decaying voices are rendered once per pitch at their natural length,
        sustained ones at the longest length the piece asks for (see ``reserve``)."""
        key = (instrument, pitch, 0)
        if key not in self.cache:
            need = _DECAY.get(instrument) or self.longest.get((instrument, pitch), seconds)
            n = max(64, int(need * self.sr))
            x = getattr(self, "_" + instrument, self._piano)(pitch, n)
            self.cache[key] = _normalised(x, self.sr) * _VOICE_GAIN.get(instrument, 1.0)
        return self.cache[key]

    def reserve(self, notes: Sequence[Note], release: float) -> None:
        """Remember the longest note per (sustained instrument, pitch), so each renders once."""
        for note in notes:
            if note.instrument not in _DECAY:
                k = (note.instrument, note.pitch)
                self.longest[k] = max(self.longest.get(k, 0.0), note.dur + release)

    # -- keys ------------------------------------------------------------------------------------------
    def _piano(self, pitch: int, n: int) -> np.ndarray:
        sr, f0 = self.sr, _hz(pitch)
        bright = _table(f0, sr, lambda k: (1 / k**1.1) * np.exp(-(k - 1) * (0.12 - 0.06 * self.bright)))
        mellow = _table(f0, sr, lambda k: np.where(k <= 3, 1 / k**2, 0.0))
        t = np.arange(n, dtype=np.float32) / sr
        tau = 1.7 * 2 ** (-(pitch - 60) / 18)
        x = _read(bright, f0, n, sr) * np.exp(-t / (0.18 * tau)) * 0.55
        x += _read(mellow, f0 * 1.0003, n, sr) * np.exp(-t / tau) * 0.6
        x += _read(mellow, f0 * 0.9995, n, sr, phase0=0.05) * np.exp(-t / tau) * 0.12
        hammer_n = min(n, int(0.012 * sr))
        hammer = self._noise.uniform(-1, 1, hammer_n).astype(np.float32)
        hammer = _bandpass(hammer, 1500, 5000, sr) * np.linspace(1, 0, hammer_n, dtype=np.float32) * 0.25
        x[:hammer_n] += hammer
        return self._attack(x, 0.002)

    def _piano_bass(self, pitch: int, n: int) -> np.ndarray:
        return self._piano(pitch - 12 if pitch > 48 else pitch, n) * 1.1

    def _epiano(self, pitch: int, n: int) -> np.ndarray:
        sr, f0 = self.sr, _hz(pitch)
        t = np.arange(n, dtype=np.float32) / sr
        index = 1.6 * np.exp(-t / 0.35) + 0.25
        mod = np.sin(2 * np.pi * f0 * t)
        x = np.sin(2 * np.pi * f0 * t + index * mod)
        tine = np.sin(2 * np.pi * f0 * 7.0 * t) * np.exp(-t / 0.03) * 0.15
        env = np.exp(-t / (1.6 * 2 ** (-(pitch - 60) / 24)))
        trem = 1 + 0.12 * np.sin(2 * np.pi * 4.5 * t)
        return self._attack(((x + tine) * env * trem * 0.7).astype(np.float32), 0.003)

    def _bell(self, pitch: int, n: int) -> np.ndarray:
        sr, f0 = self.sr, _hz(pitch)
        t = np.arange(n, dtype=np.float32) / sr
        index = 2.0 * np.exp(-t / 0.6)
        x = np.sin(2 * np.pi * f0 * t + index * np.sin(2 * np.pi * f0 * 3.5 * t))
        x = x * np.exp(-t / 1.4) * 0.5 + np.sin(2 * np.pi * f0 * 2 * t) * np.exp(-t / 0.5) * 0.1
        return self._attack(x.astype(np.float32), 0.004)

    # -- plucked strings ---------------------------------------------------------------------------------
    def _guitar(self, pitch: int, n: int) -> np.ndarray:
        x = _karplus(_hz(pitch), n, self.sr, self._noise, damping=2.2, bright=0.5 + 0.3 * self.bright)
        return self._attack(_lowpass(x, 5000, self.sr, 1) * 0.6, 0.001)

    def _pluck(self, pitch: int, n: int) -> np.ndarray:
        x = _karplus(_hz(pitch), n, self.sr, self._noise, damping=1.4, bright=0.6)
        return self._attack(x * 0.7, 0.001)

    def _finger_bass(self, pitch: int, n: int) -> np.ndarray:
        x = _karplus(_hz(pitch), n, self.sr, self._noise, damping=2.5, bright=0.25)
        return self._attack(_lowpass(x, 900, self.sr) * 1.3, 0.004)

    # -- sustained ---------------------------------------------------------------------------------------
    def _pad(self, pitch: int, n: int) -> np.ndarray:
        sr, f0 = self.sr, _hz(pitch)
        table = _table(f0, sr, _saw)
        x = sum(_read(table, f0 * d, n, sr, phase0=p) for d, p in ((0.996, 0.0), (1.0, 0.33), (1.0045, 0.66)))
        x = _lowpass(np.asarray(x), 900 + 1400 * self.bright, sr)
        return (x * _env_adsr(n, sr, 0.6, 1.0, 0.8) * 0.25).astype(np.float32)

    def _strings(self, pitch: int, n: int) -> np.ndarray:
        sr, f0 = self.sr, _hz(pitch)
        table = _table(f0, sr, _saw)
        t = np.arange(n, dtype=np.float32) / sr
        vib = 0.003 * np.sin(2 * np.pi * 5.2 * t) * np.clip(t / 0.6, 0, 1)
        x = _read(table, f0 * 0.997, n, sr, vib) + _read(table, f0 * 1.003, n, sr, -vib, 0.5)
        x = _lowpass(x, 2400 + 1500 * self.bright, sr)
        return (x * _env_adsr(n, sr, 0.25, 0.8, 0.85) * 0.3).astype(np.float32)

    def _synth(self, pitch: int, n: int) -> np.ndarray:
        sr, f0 = self.sr, _hz(pitch)
        table = _table(f0, sr, _saw)
        x = _read(table, f0 * 0.995, n, sr) + _read(table, f0 * 1.005, n, sr, phase0=0.4)
        x = _lowpass(x, 1800 + 2000 * self.bright, sr)
        return (x * _env_adsr(n, sr, 0.005, 0.25, 0.35) * 0.3).astype(np.float32)

    def _lead(self, pitch: int, n: int) -> np.ndarray:
        sr, f0 = self.sr, _hz(pitch)
        t = np.arange(n, dtype=np.float32) / sr
        vib = 0.004 * np.sin(2 * np.pi * 5.5 * t) * np.clip((t - 0.15) / 0.3, 0, 1)
        x = (
            _read(_table(f0, sr, _saw), f0, n, sr, vib) * 0.6
            + _read(_table(f0, sr, _square), f0, n, sr, vib) * 0.4
        )
        x = _lowpass(x, 2500 + 2000 * self.bright, sr)
        return (x * _env_adsr(n, sr, 0.012, 0.3, 0.7) * 0.35).astype(np.float32)

    def _horn(self, pitch: int, n: int) -> np.ndarray:
        sr, f0 = self.sr, _hz(pitch)
        t = np.arange(n, dtype=np.float32) / sr
        vib = 0.0025 * np.sin(2 * np.pi * 4.8 * t) * np.clip((t - 0.3) / 0.5, 0, 1)
        x = _read(_table(f0, sr, lambda k: 1 / k**1.4), f0, n, sr, vib)
        x = _lowpass(x, 1600, sr)
        return (x * _env_adsr(n, sr, 0.09, 0.5, 0.8) * 0.45).astype(np.float32)

    def _synth_bass(self, pitch: int, n: int) -> np.ndarray:
        sr, f0 = self.sr, _hz(pitch)
        t = np.arange(n, dtype=np.float32) / sr
        x = _read(_table(f0, sr, _saw), f0, n, sr) * 0.5 + np.sin(2 * np.pi * f0 * t) * 0.7
        x = _lowpass(x, 700, sr)
        return (x * _env_adsr(n, sr, 0.004, 0.3, 0.6)).astype(np.float32)

    def _sub_bass(self, pitch: int, n: int) -> np.ndarray:
        sr, f0 = self.sr, _hz(pitch)
        t = np.arange(n, dtype=np.float32) / sr
        x = np.sin(2 * np.pi * f0 * t) + 0.25 * np.sin(4 * np.pi * f0 * t)
        return (x * _env_adsr(n, sr, 0.02, 1.5, 0.7) * 0.8).astype(np.float32)

    @staticmethod
    def _attack(x: np.ndarray, seconds: float, sr: int = 48000) -> np.ndarray:
        k = min(len(x), max(2, int(seconds * sr)))
        x[:k] *= np.linspace(0, 1, k, dtype=np.float32)
        return x


class _Drums:
    """One synthesized sample per drum voice (a few alternates for hats so repeats are not identical)."""

    def __init__(self, sr: int, style: str) -> None:
        self.sr = sr
        self.rng = np.random.default_rng(777)
        self.big = style == "cinematic"
        self.samples: dict[str, list[np.ndarray]] = {}
        self.counter: dict[str, int] = {}

    def get(self, voice: str) -> np.ndarray:
        if voice not in self.samples:
            make = getattr(self, "_" + voice, self._hat)
            self.samples[voice] = [make() for _ in range(3 if voice in ("hat", "shaker") else 1)]
        k = self.counter.get(voice, 0)
        self.counter[voice] = k + 1
        options = self.samples[voice]
        return options[k % len(options)]

    def _t(self, seconds: float) -> np.ndarray:
        return np.arange(int(seconds * self.sr), dtype=np.float32) / self.sr

    def _noise(self, seconds: float) -> np.ndarray:
        return self.rng.uniform(-1, 1, int(seconds * self.sr)).astype(np.float32)

    def _kick(self) -> np.ndarray:
        t = self._t(0.5)
        f = 45 + 95 * np.exp(-t / 0.035)
        phase = 2 * np.pi * np.cumsum(f) / self.sr
        body = np.sin(phase) * np.exp(-t / (0.38 if self.big else 0.28))
        click = _lowpass(self._noise(0.5), 3000, self.sr) * np.exp(-t / 0.004) * 0.4
        return _Voices._attack((body + click).astype(np.float32), 0.001)

    def _snare(self) -> np.ndarray:
        t = self._t(0.35)
        tone = np.sin(2 * np.pi * 185 * t) * np.exp(-t / 0.05) * 0.5
        noise = _bandpass(self._noise(0.35), 1200, 9000, self.sr) * np.exp(-t / 0.11)
        return _Voices._attack((tone + noise * 0.8).astype(np.float32), 0.001)

    def _clap(self) -> np.ndarray:
        t = self._t(0.35)
        env = np.exp(-t / 0.09) + sum(
            np.exp(-np.maximum(t - d, 0) / 0.006) * (t >= d) for d in (0.0, 0.011, 0.022)
        )
        x = _bandpass(self._noise(0.35), 900, 5000, self.sr) * env * 0.6
        return _Voices._attack(x.astype(np.float32), 0.001)

    def _hat(self) -> np.ndarray:
        t = self._t(0.12)
        x = _lowpass(_highpass(self._noise(0.12), 7000, self.sr), 14000, self.sr)
        return (x * np.exp(-t / 0.028) * 0.45).astype(np.float32)

    def _openhat(self) -> np.ndarray:
        t = self._t(0.45)
        x = _lowpass(_highpass(self._noise(0.45), 6500, self.sr), 14000, self.sr)
        return (x * np.exp(-t / 0.14) * 0.35).astype(np.float32)

    def _shaker(self) -> np.ndarray:
        t = self._t(0.15)
        env = np.clip(t / 0.02, 0, 1) * np.exp(-t / 0.045)
        return (_bandpass(self._noise(0.15), 4000, 12000, self.sr) * env * 0.4).astype(np.float32)

    def _rim(self) -> np.ndarray:
        t = self._t(0.1)
        x = _bandpass(self._noise(0.1), 1500, 4000, self.sr) * np.exp(-t / 0.012)
        x += np.sin(2 * np.pi * 1700 * t) * np.exp(-t / 0.015) * 0.4
        return _Voices._attack(x.astype(np.float32), 0.0005)

    def _tom(self) -> np.ndarray:
        t = self._t(0.9 if self.big else 0.5)
        f0 = 70 if self.big else 120
        f = f0 * (1 + 0.5 * np.exp(-t / 0.05))
        x = np.sin(2 * np.pi * np.cumsum(f) / self.sr) * np.exp(-t / (0.35 if self.big else 0.2))
        x += _lowpass(self._noise(len(t) / self.sr), 2000, self.sr) * np.exp(-t / 0.02) * 0.3
        return _Voices._attack(x.astype(np.float32), 0.001)

    def _crash(self) -> np.ndarray:
        t = self._t(2.5)
        x = _lowpass(_highpass(self._noise(2.5), 3500, self.sr), 13000, self.sr) * np.exp(-t / 0.9) * 0.3
        return _Voices._attack(x.astype(np.float32), 0.002)


def _pan_gains(pan: float) -> tuple[float, float]:
    angle = (np.clip(pan, -1, 1) + 1) * np.pi / 4
    return float(np.cos(angle)), float(np.sin(angle))


def _place(
    out: np.ndarray, sample: np.ndarray, start: int, length: int, gain: float, pan: float, release: int
) -> None:
    """Add ``sample`` (cut to ``length`` with a release ramp) into stereo ``out`` at ``start``."""
    n = out.shape[0]
    length = min(length, len(sample), n - start)
    if length <= 0 or start < 0:
        return
    x = sample[:length]
    if length < len(sample):  # the note was released before the sample ended: ramp down, no click
        r = min(release, length)
        x = x.copy()
        x[length - r :] *= np.linspace(1, 0, r, dtype=np.float32)
    gl, gr = _pan_gains(pan)
    out[start : start + length, 0] += x * (gain * gl)
    out[start : start + length, 1] += x * (gain * gr)


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
    ir = _lowpass(_impulse(rate, seconds).T, 0.4 * rate, rate).T
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
    start = (
        score.fade_start if score.fade_out else score.final_hit + 0.55 * (score.duration - score.final_hit)
    )
    s = int(start * sr)
    if s < n:
        ramp = np.linspace(0, 1, n - s, dtype=np.float32)
        env[s:] *= (np.cos(np.pi * ramp) * 0.5 + 0.5) ** (1.5 if score.fade_out else 1.0)
    return env


def render_stems(score: Score, sample_rate: int = 48000) -> dict[str, np.ndarray]:
    """Synthesize ``score`` into STEMS, each float32 (n, 2) with n = round(duration · sample_rate)."""
    sr = sample_rate
    n = int(round(score.duration * sr))
    spec = STYLES.get(score.style)
    voices = _Voices(sr, spec.brightness if spec else 0.5)
    drums = _Drums(sr, score.style)
    release = int(_RELEASE * sr)
    stems: dict[str, np.ndarray] = {}
    for stem in STEMS:
        voices.reserve(score.notes.get(stem, ()), _RELEASE)
    for stem in STEMS:
        out = np.zeros((n, 2), dtype=np.float32)
        for note in score.notes.get(stem, ()):
            _render_note(out, note, stem, voices, drums, sr, release)
        stems[stem] = out
    return finish_stems(stems, score, sr)


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
            stems[s] = _lowpass(stems[s].T, 5200, sr).T
    env = _end_envelope(score, n, sr)
    shaped = np.flatnonzero(env < 1.0)
    for s in STEMS:
        x = stems[s].astype(np.float32, copy=False)
        x *= _STEM_GAIN[s]
        x[shaped] *= env[shaped, None]
        stems[s] = x
    return stems


def _render_note(
    out: np.ndarray, note: Note, stem: str, voices: _Voices, drums: _Drums, sr: int, release: int
) -> None:
    start = int(round(note.start * sr))
    if stem == "drums":
        sample = drums.get(note.instrument)
        length = len(sample) if note.instrument != "crash" else int(min(len(sample), note.dur * sr + release))
        _place(out, sample, start, length, note.vel**1.3, note.pan, release)
        return
    length = int(note.dur * sr) + release
    sample = voices.get(note.instrument, note.pitch, length / sr)
    _place(out, sample, start, length, note.vel**1.4, note.pan, release)
