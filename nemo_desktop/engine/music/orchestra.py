"""The orchestra's numpy voices: what plays the orchestral styles when no sampled bank is at hand.

Each renders one mono note like the other voices (``instruments.py`` registers them): bowed strings that
speak slowly and sing with vibrato (an ensemble of players, a bow's noise, a wooden body — not a pad),
tremolo and pizzicato, cello and double bass, brass whose tone opens as it swells, flute, oboe and
clarinet, a choir sung through vowel formants, timpani (a pitched drum that rings and dies) and a harp.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from nemo_desktop.engine.music.dsp import bandpass, hz, karplus, lowpass, read, saw, table


class Kit(Protocol):
    """What a voice renders with (``instruments._Kit``): the rate, the style's brightness, a noise source."""

    sr: int
    bright: float
    noise: np.random.Generator


def _f32(x: object) -> np.ndarray:
    """A rendered note as float32 samples."""
    return np.asarray(x, dtype=np.float32)


def _swell(n: int, sr: int, attack: float) -> np.ndarray:
    """A bow's or a breath's onset: a raised-cosine rise over ``attack`` seconds, then held."""
    env = np.ones(n, dtype=np.float32)
    k = min(n, max(2, int(attack * sr)))
    env[:k] = (0.5 - 0.5 * np.cos(np.linspace(0, np.pi, k))).astype(np.float32)
    return env


def _vibrato(n: int, sr: int, rate: float, depth: float, delay: float, phase: float = 0.0) -> np.ndarray:
    """Pitch wobble (fraction of the frequency) that sets in after ``delay`` s, as a player's does."""
    t = np.arange(n, dtype=np.float32) / sr
    return (depth * np.sin(2 * np.pi * rate * t + phase) * np.clip((t - delay) / 0.4, 0, 1)).astype(np.float32)


def _body(x: np.ndarray, sr: int, peaks: tuple[float, ...]) -> np.ndarray:
    """A wooden body: the dry tone plus a few resonances (band-passed copies)."""
    out = x.copy()
    for f in peaks:
        out += bandpass(x, f * 0.8, f * 1.25, sr) * 0.6
    return out


def _section(kit: Kit, pitch: int, n: int, players: int, spread: float, vib: float, cutoff: float) -> np.ndarray:
    """Several bowed players on one note: detuned saws, each with its own vibrato, through a low-pass,
    with a little bow noise."""
    sr, f0 = kit.sr, hz(pitch)
    wave = table(f0, sr, saw)
    x = np.zeros(n, dtype=np.float32)
    for p in range(players):
        detune = 1.0 + spread * (p - (players - 1) / 2) / max(players - 1, 1)
        v = _vibrato(n, sr, 5.0 + 0.45 * p, vib, 0.25 + 0.05 * p, phase=1.7 * p)
        x += read(wave, f0 * detune, n, sr, v, phase0=0.29 * p)
    x = lowpass(x / players, cutoff, sr)
    bow = bandpass(kit.noise.uniform(-1, 1, n).astype(np.float32), 2000, 7000, sr) * 0.03
    return _f32(x + bow)


def strings(kit: Kit, pitch: int, n: int) -> np.ndarray:
    """A string section, legato: speaks in about a tenth of a second and sings with vibrato."""
    x = _section(kit, pitch, n, 3, 0.007, 0.0035, 2600 + 1600 * kit.bright)
    return _f32(_body(x, kit.sr, (450.0, 1500.0, 3000.0)) * _swell(n, kit.sr, 0.12) * 0.3)


def slow_strings(kit: Kit, pitch: int, n: int) -> np.ndarray:
    """Long bowed chords: the section swells in over half a second, darker."""
    x = _section(kit, pitch, n, 3, 0.008, 0.003, 2000 + 1000 * kit.bright)
    return _f32(_body(x, kit.sr, (450.0, 1500.0)) * _swell(n, kit.sr, 0.45) * 0.3)


def strings_tremolo(kit: Kit, pitch: int, n: int) -> np.ndarray:
    """The section bowing fast: the tone shivers at ~13 strokes a second."""
    t = np.arange(n, dtype=np.float32) / kit.sr
    strokes = 0.55 + 0.45 * np.abs(np.sin(np.pi * 13.0 * t))
    x = _section(kit, pitch, n, 3, 0.006, 0.0, 3000 + 1500 * kit.bright)
    return _f32(_body(x, kit.sr, (450.0, 1500.0, 3000.0)) * strokes * _swell(n, kit.sr, 0.06) * 0.3)


def spiccato(kit: Kit, pitch: int, n: int) -> np.ndarray:
    """The section's bow bouncing off the string: a quick bite that dies at once (the ostinato's voice)."""
    t = np.arange(n, dtype=np.float32) / kit.sr
    x = _section(kit, pitch, n, 3, 0.006, 0.0, 3400 + 1500 * kit.bright)
    env = _swell(n, kit.sr, 0.012) * (0.25 + 0.75 * np.exp(-t / 0.09))
    return _f32(_body(x, kit.sr, (450.0, 1500.0, 3000.0)) * env * 0.4)


def pizzicato(kit: Kit, pitch: int, n: int) -> np.ndarray:
    """Plucked strings: a short, round decay."""
    x = karplus(hz(pitch), n, kit.sr, kit.noise, damping=0.7, bright=0.3)  # a finger, not a pick: dark
    return _f32(_body(lowpass(x, 2200, kit.sr, 4), kit.sr, (450.0,)) * _swell(n, kit.sr, 0.003) * 0.7)


def cello(kit: Kit, pitch: int, n: int) -> np.ndarray:
    """Celli: a warm, singing bowed line."""
    x = _section(kit, pitch, n, 2, 0.005, 0.004, 1800 + 800 * kit.bright)
    return _f32(_body(x, kit.sr, (250.0, 800.0)) * _swell(n, kit.sr, 0.1) * 0.35)


def contrabass(kit: Kit, pitch: int, n: int) -> np.ndarray:
    """Double basses: a dark bowed low end, little vibrato."""
    x = _section(kit, pitch, n, 2, 0.004, 0.0015, 900)
    return _f32(_body(x, kit.sr, (120.0,)) * _swell(n, kit.sr, 0.12) * 0.4)


def _brassy(kit: Kit, pitch: int, n: int, players: int, attack: float, bright: float) -> np.ndarray:
    """Brass: the tone opens as the note swells (a dark and a bright take crossfaded by the envelope)."""
    sr, f0 = kit.sr, hz(pitch)
    env = _swell(n, sr, attack)
    v = _vibrato(n, sr, 4.8, 0.002, 0.4)
    dark = np.zeros(n, dtype=np.float32)
    for p in range(players):
        dark += read(table(f0, sr, lambda k: 1 / k**1.2), f0 * (1 + 0.002 * (p - (players - 1) / 2)), n, sr, v)
    dark /= players
    open_tone = lowpass(dark, 1200 + 2800 * bright, sr)
    dark = lowpass(dark, 700, sr)
    mix = env**2
    return _f32((dark * (1 - mix) + open_tone * mix) * env * 0.4)


def brass(kit: Kit, pitch: int, n: int) -> np.ndarray:
    """A brass section (horns and trombones) for chords at climaxes."""
    return _f32(_brassy(kit, pitch, n, 3, 0.12, 0.5 + 0.3 * kit.bright))


def trumpet(kit: Kit, pitch: int, n: int) -> np.ndarray:
    """A trumpet: one bright player that speaks quickly."""
    return _f32(_brassy(kit, pitch, n, 1, 0.05, 0.9))


def flute(kit: Kit, pitch: int, n: int) -> np.ndarray:
    """A flute: nearly a sine, a breath of noise, vibrato."""
    sr, f0 = kit.sr, hz(pitch)
    v = _vibrato(n, sr, 5.0, 0.004, 0.2)
    x = read(table(f0, sr, lambda k: np.where(k == 1, 1.0, 0.25 / k**2)), f0, n, sr, v)
    breath = bandpass(kit.noise.uniform(-1, 1, n).astype(np.float32), f0 * 1.5, min(f0 * 6, 9000), sr) * 0.08
    return _f32((x + breath) * _swell(n, sr, 0.06) * 0.45)


def oboe(kit: Kit, pitch: int, n: int) -> np.ndarray:
    """An oboe: a reedy, nasal tone (its partials peak around the third to fifth)."""
    sr, f0 = kit.sr, hz(pitch)
    v = _vibrato(n, sr, 5.3, 0.003, 0.25)
    x = read(table(f0, sr, lambda k: np.sqrt(k) * np.exp(-k / 3.5)), f0, n, sr, v)
    x = x + bandpass(x, 1000, 1600, sr) * 0.8
    return _f32(x * _swell(n, sr, 0.04) * 0.3)


def clarinet(kit: Kit, pitch: int, n: int) -> np.ndarray:
    """A clarinet: hollow, odd partials first, round and dark."""
    sr, f0 = kit.sr, hz(pitch)
    v = _vibrato(n, sr, 4.5, 0.0015, 0.35)
    x = read(table(f0, sr, lambda k: np.where(k % 2 == 1, 1 / k, 0.12 / k)), f0, n, sr, v)
    return _f32(lowpass(x, 2600, sr) * _swell(n, sr, 0.05) * 0.4)


_VOWEL_AH = ((700.0, 1.0), (1150.0, 0.5), (2800.0, 0.25))  # formants (Hz, level) of a sung "ah"


def choir(kit: Kit, pitch: int, n: int) -> np.ndarray:
    """A choir: several voices on one note through the formants of a sung "ah", swelling in slowly."""
    sr, f0 = kit.sr, hz(pitch)
    wave = table(f0, sr, saw)
    x = np.zeros(n, dtype=np.float32)
    for p in range(4):
        v = _vibrato(n, sr, 4.3 + 0.4 * p, 0.004, 0.3, phase=2.1 * p)
        x += read(wave, f0 * (1 + 0.004 * (p - 1.5)), n, sr, v, phase0=0.21 * p)
    sung = sum(bandpass(x, f * 0.85, f * 1.15, sr) * g for f, g in _VOWEL_AH)
    out = np.asarray(sung, dtype=np.float32) + lowpass(x, 500, sr) * 0.3
    return _f32(out * _swell(n, sr, 0.5) * 0.5)


_TIMPANI_MODES = ((1.0, 1.0, 1.0), (1.504, 0.6, 0.7), (1.742, 0.35, 0.5), (2.0, 0.3, 0.45), (2.245, 0.2, 0.35))


def timpani(kit: Kit, pitch: int, n: int) -> np.ndarray:
    """A kettle drum: a tuned membrane (its near-harmonic modes, each dying at its own rate, the pitch
    settling as the skin relaxes) under the felt mallet's thump."""
    sr, f0 = kit.sr, hz(pitch)
    t = np.arange(n, dtype=np.float32) / sr
    glide = 1.0 + 0.015 * np.exp(-t / 0.08)
    x = np.zeros(n, dtype=np.float32)
    for ratio, level, decay in _TIMPANI_MODES:
        phase = 2 * np.pi * np.cumsum(f0 * ratio * glide) / sr
        x += (np.sin(phase) * level * np.exp(-t / (decay * 1.4))).astype(np.float32)
    thump = lowpass(kit.noise.uniform(-1, 1, n).astype(np.float32), 400, sr) * np.exp(-t / 0.02) * 0.8
    return _f32((x + thump) * _swell(n, sr, 0.002) * 0.6)


def harp(kit: Kit, pitch: int, n: int) -> np.ndarray:
    """A harp: a plucked gut string, bright at the pluck, ringing on."""
    x = karplus(hz(pitch), n, kit.sr, kit.noise, damping=3.0, bright=0.45)
    return _f32(lowpass(x, 4000, kit.sr, 4) * _swell(n, kit.sr, 0.002) * 0.6)


def celesta(kit: Kit, pitch: int, n: int) -> np.ndarray:
    """A celesta: struck bars, a glassy partial two octaves up that dies first."""
    sr, f0 = kit.sr, hz(pitch)
    t = np.arange(n, dtype=np.float32) / sr
    x = np.sin(2 * np.pi * f0 * t) * np.exp(-t / 1.2) + np.sin(2 * np.pi * f0 * 4 * t) * np.exp(-t / 0.15) * 0.35
    return _f32(x * _swell(n, sr, 0.002) * 0.5)
