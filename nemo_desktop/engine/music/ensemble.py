"""The numpy voices of the genre styles, for when no sampled bank plays them: an overdriven guitar (rock), a
guzheng-like zither, a dizi-like flute and an erhu-like fiddle (Chinese traditional), an alto sax (jazz),
glockenspiel and marimba (kids, travel), the 808 and a synthwave saw bass; and two drums, a jazz ride and the
1980s gated snare. ``instruments.py`` registers them; each renders one mono note (or one drum hit).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Protocol

import numpy as np

from nemo_desktop.engine.music.dsp import adsr, attack, bandpass, highpass, hz, karplus, lowpass, read, saw, table
from nemo_desktop.engine.music.orchestra import Kit


class DrumKit(Protocol):
    """What a drum renders with (``instruments._DrumKit``): the rate and a noise source."""

    sr: int

    def t(self, seconds: float) -> np.ndarray: ...

    def noise(self, seconds: float) -> np.ndarray: ...


def distortion_guitar(kit: Kit, pitch: int, n: int) -> np.ndarray:
    """An overdriven electric guitar: a bright plucked string pushed through a soft clipper and a cabinet's
    low-pass (the rock guitar's power chords and lines)."""
    x = karplus(hz(pitch), n, kit.sr, kit.noise, damping=0.6, bright=0.8)
    x = np.tanh(6.0 * x / (np.max(np.abs(x)) + 1e-9))
    return attack(lowpass(highpass(x, 90, kit.sr), 3800, kit.sr, 2) * 0.35, 0.002, kit.sr)


def koto(kit: Kit, pitch: int, n: int) -> np.ndarray:
    """A guzheng-like plucked zither: a bright, twangy string (a pick near the bridge) that rings."""
    x = karplus(hz(pitch), n, kit.sr, kit.noise, damping=1.0, bright=0.9)
    return attack(highpass(x, 200, kit.sr) * 0.7, 0.001, kit.sr)


def dizi(kit: Kit, pitch: int, n: int) -> np.ndarray:
    """A dizi-like bamboo flute: the flute with a buzzier edge (its membrane) and a wider vibrato."""
    sr, f0 = kit.sr, hz(pitch)
    t = np.arange(n, dtype=np.float32) / sr
    vib = 0.006 * np.sin(2 * np.pi * 5.2 * t) * np.clip((t - 0.2) / 0.3, 0, 1)
    x = read(table(f0, sr, lambda k: 1 / k**2.2), f0, n, sr, vib)
    breath = bandpass(kit.noise.uniform(-1, 1, n).astype(np.float32), 2000, 6000, sr) * 0.05
    return np.asarray((x + breath) * adsr(n, sr, 0.04, 0.3, 0.85) * 0.4, dtype=np.float32)


def erhu(kit: Kit, pitch: int, n: int) -> np.ndarray:
    """An erhu-like bowed fiddle: one nasal player, sliding a little into the note, with a deep vibrato."""
    sr, f0 = kit.sr, hz(pitch)
    t = np.arange(n, dtype=np.float32) / sr
    bend = -0.02 * np.exp(-t / 0.06) + 0.008 * np.sin(2 * np.pi * 5.5 * t) * np.clip((t - 0.15) / 0.3, 0, 1)
    x = read(table(f0, sr, lambda k: 1 / k ** (0.9 + 0.1 * (k % 2))), f0, n, sr, bend)
    x = bandpass(x, 400, 4000, sr)
    return np.asarray(x * adsr(n, sr, 0.08, 0.3, 0.85) * 0.45, dtype=np.float32)


def sax(kit: Kit, pitch: int, n: int) -> np.ndarray:
    """An alto saxophone: a reedy tone rich in partials, the brightness opening with the breath, vibrato."""
    sr, f0 = kit.sr, hz(pitch)
    t = np.arange(n, dtype=np.float32) / sr
    vib = 0.004 * np.sin(2 * np.pi * 5.0 * t) * np.clip((t - 0.2) / 0.4, 0, 1)
    x = read(table(f0, sr, lambda k: 1 / k**1.05), f0, n, sr, vib)
    x = bandpass(x, 250, 3200 + 1200 * kit.bright, sr)
    return np.asarray(x * adsr(n, sr, 0.03, 0.4, 0.8) * 0.4, dtype=np.float32)


def glockenspiel(kit: Kit, pitch: int, n: int) -> np.ndarray:
    """Struck steel bars: a bright fundamental and the bar's high inharmonic partials, ringing clear."""
    sr, f0 = kit.sr, hz(pitch)
    t = np.arange(n, dtype=np.float32) / sr
    x = np.sin(2 * np.pi * f0 * t) * np.exp(-t / 1.2)
    x += 0.35 * np.sin(2 * np.pi * f0 * 2.76 * t) * np.exp(-t / 0.3)
    x += 0.2 * np.sin(2 * np.pi * f0 * 5.4 * t) * np.exp(-t / 0.1)
    return attack(x.astype(np.float32) * 0.5, 0.001, kit.sr)


def marimba(kit: Kit, pitch: int, n: int) -> np.ndarray:
    """Wooden bars: a round fundamental, the fourth partial a touch, a soft mallet; short."""
    sr, f0 = kit.sr, hz(pitch)
    t = np.arange(n, dtype=np.float32) / sr
    x = np.sin(2 * np.pi * f0 * t) * np.exp(-t / 0.45) + 0.25 * np.sin(2 * np.pi * f0 * 4 * t) * np.exp(-t / 0.06)
    return attack(x.astype(np.float32) * 0.6, 0.002, kit.sr)


def bass_808(kit: Kit, pitch: int, n: int) -> np.ndarray:
    """The 808: a sine that drops a few semitones into the note at the attack, saturated, long decay."""
    sr, f0 = kit.sr, hz(pitch)
    t = np.arange(n, dtype=np.float32) / sr
    f = f0 * (1 + 0.6 * np.exp(-t / 0.03))
    x = np.tanh(1.8 * np.sin(2 * np.pi * np.cumsum(f) / sr)) * np.exp(-t / 1.2)
    return attack(x.astype(np.float32) * 0.8, 0.002, kit.sr)


def saw_bass(kit: Kit, pitch: int, n: int) -> np.ndarray:
    """A bright analog saw bass whose filter closes fast on each note: the synthwave octave line."""
    sr, f0 = kit.sr, hz(pitch)
    t = np.arange(n, dtype=np.float32) / sr
    x = read(table(f0, sr, saw), f0 * 0.997, n, sr) + read(table(f0, sr, saw), f0 * 1.003, n, sr, phase0=0.3)
    bright = lowpass(x, 2600, sr) * np.exp(-t / 0.08)
    dark = lowpass(x, 500, sr)
    return np.asarray((dark + bright) * adsr(n, sr, 0.003, 0.2, 0.6) * 0.45, dtype=np.float32)


# ---------------------------------------------------------------------------------------------- drums


def ride(kit: DrumKit) -> np.ndarray:
    """A ride cymbal: a stick's ping (a few inharmonic bell partials) over a long, washy shimmer."""
    t = kit.t(1.6)
    ping = sum(np.sin(2 * np.pi * f * t) for f in (3150.0, 4630.0, 5870.0)) * np.exp(-t / 0.08) * 0.12
    wash = lowpass(highpass(kit.noise(1.6), 5000, kit.sr), 12000, kit.sr) * np.exp(-t / 0.5) * 0.2
    return attack((ping + wash).astype(np.float32), 0.001, kit.sr)


def gated_snare(kit: DrumKit) -> np.ndarray:
    """The 1980s gated snare: a fat snare whose big room is cut off at ~0.28 s (the gate), not left to ring."""
    t = kit.t(0.4)
    tone = np.sin(2 * np.pi * 180 * t) * np.exp(-t / 0.06) * 0.6
    body = bandpass(kit.noise(0.4), 900, 8000, kit.sr) * (0.9 * np.exp(-t / 0.03) + 0.45)
    gate = np.clip((0.3 - t) / 0.02, 0, 1)
    return attack(((tone + body) * gate).astype(np.float32), 0.001, kit.sr)


# What ``instruments.VOICES`` registers: name → (render, gain, decay seconds or None when held), as ``Voice``.
VOICES: Mapping[str, tuple[Callable[[Kit, int, int], np.ndarray], float, float | None]] = MappingProxyType({
    "distortion_guitar": (distortion_guitar, 0.5, 2.5),
    "koto": (koto, 0.7, 2.5),
    "dizi": (dizi, 0.7, None),
    "erhu": (erhu, 0.6, None),
    "sax": (sax, 0.65, None),
    "glockenspiel": (glockenspiel, 0.6, 2.0),
    "marimba": (marimba, 0.7, 1.2),
    "bass_808": (bass_808, 1.0, 2.5),
    "saw_bass": (saw_bass, 0.8, None),
})
# What ``instruments.DRUMS`` registers: name → (render, alternates).
DRUMS: Mapping[str, tuple[Callable[[DrumKit], np.ndarray], int]] = MappingProxyType({
    "ride": (ride, 2),
    "gated_snare": (gated_snare, 1),
})
