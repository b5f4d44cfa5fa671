"""The instruments: every voice the composer may name, in one explicit registry.

A voice renders one mono note (``pitch``, ``n`` samples) from a ``_Kit`` that carries the sample rate,
the style's brightness and one shared noise generator (fixed seed: same score, same bytes). A name that
is not in ``VOICES`` or ``DRUMS`` raises ``UnknownVoice``: a misspelt voice is a bug to see, not a piano.
Speed comes from rendering each (instrument, pitch) once and placing copies (``Voices`` caches them): a
piece has a few dozen distinct pitches but hundreds of notes.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from types import MappingProxyType

import numpy as np

from nemo_desktop.engine.music import ensemble, orchestra
from nemo_desktop.engine.music.dsp import (
    adsr,
    attack,
    bandpass,
    highpass,
    hz,
    karplus,
    lowpass,
    read,
    saw,
    square,
    table,
)
from nemo_desktop.engine.music.score import Note


class UnknownVoice(LookupError):
    """A note names a voice no instrument plays (a typo in a style or a part): fail loudly."""

    def __init__(self, name: str, known: Iterable[str]) -> None:
        super().__init__(f"no instrument plays the voice {name!r}; known voices: {', '.join(sorted(known))}")
        self.name = name


@dataclass
class _Kit:
    """What every pitched voice renders with."""

    sr: int
    bright: float  # the style's brightness 0..1
    noise: np.random.Generator = field(default_factory=lambda: np.random.default_rng(20240531))


class _DrumKit:
    """What every drum voice renders with: the rate, a noise source, and whether the style plays big."""

    def __init__(self, sr: int, big: bool) -> None:
        self.sr = sr
        self.big = big
        self.rng = np.random.default_rng(777)

    def t(self, seconds: float) -> np.ndarray:
        """Sample times for a sound ``seconds`` long."""
        return np.arange(int(seconds * self.sr), dtype=np.float32) / self.sr

    def noise(self, seconds: float) -> np.ndarray:
        """White noise from the kit's own generator (fixed seed: same drums every time)."""
        return self.rng.uniform(-1, 1, int(seconds * self.sr)).astype(np.float32)


# ------------------------------------------------------------------------------------- pitched voices


def _piano(kit: _Kit, pitch: int, n: int) -> np.ndarray:
    """A struck string: slightly stretched partials, each dying away at its own rate (the higher the faster)
    in two stages — a quick fall just after the strike, then a slow ring — over a bright attack and a
    hammer's knock. A held middle C falls ~25 dB in 4 s; higher notes fall faster, low ones ring longer."""
    sr, f0 = kit.sr, hz(pitch)
    t = np.arange(n, dtype=np.float32) / sr
    tau = 1.4 * 2 ** (-(pitch - 60) / 15)  # seconds: the fundamental's ring
    stretch = 0.0004 * 2 ** ((pitch - 60) / 24)  # string stiffness: partial k sits at k·f0·√(1 + B k²)
    x = np.zeros(n, dtype=np.float32)
    for k in range(1, 9):
        fk = k * f0 * np.sqrt(1 + stretch * k * k)
        if fk >= 0.45 * sr:
            break
        tk = tau / (1 + 0.45 * (k - 1))
        env = 0.7 * np.exp(-t / (0.3 * tk)) + 0.3 * np.exp(-t / (1.6 * tk))
        amp = (1 / k**1.3) * (1 + 0.4 * kit.bright * (k > 3))
        x += (np.sin(2 * np.pi * fk * t + 0.7 * k) * env * amp).astype(np.float32)
    bright = table(f0, sr, lambda k: (1 / k**1.1) * np.exp(-(k - 1) * (0.12 - 0.06 * kit.bright)))
    x += read(bright, f0 * 1.0004, n, sr) * np.exp(-t / (0.12 * tau)) * 0.35
    hammer_n = min(n, int(0.012 * sr))
    noise = kit.noise.uniform(-1, 1, hammer_n).astype(np.float32)
    hammer = bandpass(noise, 1500, 5000, sr) * np.linspace(1, 0, hammer_n, dtype=np.float32) * 0.25
    x[:hammer_n] += hammer
    return attack(x, 0.002, kit.sr)


def _piano_bass(kit: _Kit, pitch: int, n: int) -> np.ndarray:
    """The piano an octave down where a bass line sits too high for it."""
    return _piano(kit, pitch - 12 if pitch > 48 else pitch, n) * 1.1


def _epiano(kit: _Kit, pitch: int, n: int) -> np.ndarray:
    """An FM tine piano: the bell-like index fades into a round tone, with a gentle tremolo."""
    sr, f0 = kit.sr, hz(pitch)
    t = np.arange(n, dtype=np.float32) / sr
    index = 1.6 * np.exp(-t / 0.35) + 0.25
    mod = np.sin(2 * np.pi * f0 * t)
    x = np.sin(2 * np.pi * f0 * t + index * mod)
    tine = np.sin(2 * np.pi * f0 * 7.0 * t) * np.exp(-t / 0.03) * 0.15
    env = np.exp(-t / (1.6 * 2 ** (-(pitch - 60) / 24)))
    trem = 1 + 0.12 * np.sin(2 * np.pi * 4.5 * t)
    return attack(((x + tine) * env * trem * 0.7).astype(np.float32), 0.003, kit.sr)


def _bell(kit: _Kit, pitch: int, n: int) -> np.ndarray:
    """An FM bell (inharmonic 3.5:1 modulator) with a faint octave: clear over chords."""
    sr, f0 = kit.sr, hz(pitch)
    t = np.arange(n, dtype=np.float32) / sr
    index = 2.0 * np.exp(-t / 0.6)
    x = np.sin(2 * np.pi * f0 * t + index * np.sin(2 * np.pi * f0 * 3.5 * t))
    x = x * np.exp(-t / 1.4) * 0.5 + np.sin(2 * np.pi * f0 * 2 * t) * np.exp(-t / 0.5) * 0.1
    return attack(x.astype(np.float32), 0.004, kit.sr)


def _guitar(kit: _Kit, pitch: int, n: int) -> np.ndarray:
    """A nylon string, plucked (Karplus–Strong); the style's brightness sets how hard."""
    x = karplus(hz(pitch), n, kit.sr, kit.noise, damping=2.2, bright=0.5 + 0.3 * kit.bright)
    return attack(lowpass(x, 5000, kit.sr, 1) * 0.6, 0.001, kit.sr)


def _pluck(kit: _Kit, pitch: int, n: int) -> np.ndarray:
    """A brighter, shorter plucked string: the harp-like melody voice."""
    x = karplus(hz(pitch), n, kit.sr, kit.noise, damping=1.4, bright=0.6)
    return attack(x * 0.7, 0.001, kit.sr)


def _finger_bass(kit: _Kit, pitch: int, n: int) -> np.ndarray:
    """A plucked low string, dark and round: a bass that still has an attack."""
    x = karplus(hz(pitch), n, kit.sr, kit.noise, damping=2.5, bright=0.25)
    return attack(lowpass(x, 900, kit.sr) * 1.3, 0.004, kit.sr)


def _pad(kit: _Kit, pitch: int, n: int) -> np.ndarray:
    """Three detuned saws, filtered and slow to swell: a bed under the chords."""
    sr, f0 = kit.sr, hz(pitch)
    wave = table(f0, sr, saw)
    x = sum(read(wave, f0 * d, n, sr, phase0=p) for d, p in ((0.996, 0.0), (1.0, 0.33), (1.0045, 0.66)))
    x = lowpass(np.asarray(x), 900 + 1400 * kit.bright, sr)
    return (x * adsr(n, sr, 0.6, 1.0, 0.8) * 0.25).astype(np.float32)


def _every_third(group: int, k: np.ndarray) -> np.ndarray:
    """Harmonics ``group`` + 1, + 4, + 7, … at a soft saw's 1/k^1.2: one of ``_warm_pad``'s three groups."""
    return np.where((k - 1) % 3 == group, k**-1.2, 0.0)


def _warm_pad(kit: _Kit, pitch: int, n: int) -> np.ndarray:
    """A bed that breathes instead of beating: one tone's partials in three groups (every third harmonic
    each), each group swelling and fading on its own slow cycle (4–14 s), so the colour drifts. Detuned
    saws beat, and their beats are flickers an ear (and an onset detector) hears a dozen times a second;
    in a style with few notes that flicker is as strong as the notes themselves, and a hit on a cut
    cannot stand out of it."""
    sr, f0 = kit.sr, hz(pitch)
    rng = np.random.default_rng(pitch)
    t = np.arange(n, dtype=np.float32) / np.float32(sr)
    x = np.zeros(n, dtype=np.float32)
    for group in range(3):
        wave = table(f0, sr, partial(_every_third, group))
        swell = 1.0 + 0.3 * np.sin(2 * np.pi * rng.uniform(0.07, 0.25) * t + rng.uniform(0, 2 * np.pi))
        x += read(wave, f0, n, sr, phase0=0.31 * group) * swell.astype(np.float32)
    x = lowpass(x, 900 + 1400 * kit.bright, sr)
    return (x * adsr(n, sr, 0.6, 1.0, 0.8) * 0.3).astype(np.float32)


def _synth(kit: _Kit, pitch: int, n: int) -> np.ndarray:
    """Two detuned saws with a quick decay to a low sustain: a polysynth stab."""
    sr, f0 = kit.sr, hz(pitch)
    wave = table(f0, sr, saw)
    x = read(wave, f0 * 0.995, n, sr) + read(wave, f0 * 1.005, n, sr, phase0=0.4)
    x = lowpass(x, 1800 + 2000 * kit.bright, sr)
    return (x * adsr(n, sr, 0.005, 0.25, 0.35) * 0.3).astype(np.float32)


def _lead(kit: _Kit, pitch: int, n: int) -> np.ndarray:
    """Saw plus square with delayed vibrato: a lead that cuts through."""
    sr, f0 = kit.sr, hz(pitch)
    t = np.arange(n, dtype=np.float32) / sr
    vib = 0.004 * np.sin(2 * np.pi * 5.5 * t) * np.clip((t - 0.15) / 0.3, 0, 1)
    x = read(table(f0, sr, saw), f0, n, sr, vib) * 0.6 + read(table(f0, sr, square), f0, n, sr, vib) * 0.4
    x = lowpass(x, 2500 + 2000 * kit.bright, sr)
    return (x * adsr(n, sr, 0.012, 0.3, 0.7) * 0.35).astype(np.float32)


def _horn(kit: _Kit, pitch: int, n: int) -> np.ndarray:
    """A soft, slow-speaking brass tone (steep partials, low-passed) with late vibrato."""
    sr, f0 = kit.sr, hz(pitch)
    t = np.arange(n, dtype=np.float32) / sr
    vib = 0.0025 * np.sin(2 * np.pi * 4.8 * t) * np.clip((t - 0.3) / 0.5, 0, 1)
    x = read(table(f0, sr, lambda k: 1 / k**1.4), f0, n, sr, vib)
    x = lowpass(x, 1600, sr)
    return (x * adsr(n, sr, 0.09, 0.5, 0.8) * 0.45).astype(np.float32)


def _synth_bass(kit: _Kit, pitch: int, n: int) -> np.ndarray:
    """A saw over a sine, low-passed: a bass felt as much as heard."""
    sr, f0 = kit.sr, hz(pitch)
    t = np.arange(n, dtype=np.float32) / sr
    x = read(table(f0, sr, saw), f0, n, sr) * 0.5 + np.sin(2 * np.pi * f0 * t) * 0.7
    x = lowpass(x, 700, sr)
    return (x * adsr(n, sr, 0.004, 0.3, 0.6)).astype(np.float32)


def _sub_bass(kit: _Kit, pitch: int, n: int) -> np.ndarray:
    """A sine with a touch of octave: the electronic low end."""
    sr, f0 = kit.sr, hz(pitch)
    t = np.arange(n, dtype=np.float32) / sr
    x = np.sin(2 * np.pi * f0 * t) + 0.25 * np.sin(4 * np.pi * f0 * t)
    return (x * adsr(n, sr, 0.02, 1.5, 0.7) * 0.8).astype(np.float32)


@dataclass(frozen=True)
class Voice:
    """A pitched voice: how it sounds, how loud it sits, and whether it dies away by itself."""

    render: Callable[[_Kit, int, int], np.ndarray]
    gain: float  # balance between voices after each is normalised to the same attack RMS
    decay: float | None = None  # seconds: voices that decay by themselves render once per pitch at this length


VOICES: Mapping[str, Voice] = MappingProxyType(
    {
        "piano": Voice(_piano, 0.9, 3.2),
        "piano_bass": Voice(_piano_bass, 0.9, 3.2),
        "epiano": Voice(_epiano, 0.75, 2.8),
        "bell": Voice(_bell, 1.0, 3.5),
        "guitar": Voice(_guitar, 0.6, 2.5),
        "pluck": Voice(_pluck, 0.5, 2.0),
        "finger_bass": Voice(_finger_bass, 1.0, 2.5),
        "pad": Voice(_pad, 0.45),
        "warm_pad": Voice(_warm_pad, 0.45),
        "strings": Voice(orchestra.strings, 0.6),
        "synth": Voice(_synth, 0.55),
        "lead": Voice(_lead, 0.6),
        "horn": Voice(_horn, 0.75),
        "synth_bass": Voice(_synth_bass, 0.9),
        "sub_bass": Voice(_sub_bass, 1.0),
        # the orchestra (orchestra.py)
        "slow_strings": Voice(orchestra.slow_strings, 0.35),
        "strings_tremolo": Voice(orchestra.strings_tremolo, 0.55),
        "spiccato": Voice(orchestra.spiccato, 0.9, 0.8),
        "pizzicato": Voice(orchestra.pizzicato, 0.8, 1.2),
        "cello": Voice(orchestra.cello, 0.55),
        "contrabass": Voice(orchestra.contrabass, 0.45),
        "brass": Voice(orchestra.brass, 0.6),
        "trumpet": Voice(orchestra.trumpet, 0.6),
        "flute": Voice(orchestra.flute, 0.7),
        "oboe": Voice(orchestra.oboe, 0.6),
        "clarinet": Voice(orchestra.clarinet, 0.65),
        "choir": Voice(orchestra.choir, 0.35),
        "timpani": Voice(orchestra.timpani, 1.0, 3.0),
        "harp": Voice(orchestra.harp, 1.0, 3.0),
        "celesta": Voice(orchestra.celesta, 0.6, 2.5),
        # the genre styles' own (rock, Chinese traditional, jazz, kids, travel, hip hop, synthwave)
        **{name: Voice(*spec) for name, spec in ensemble.VOICES.items()},
    }
)


def voice(name: str) -> Voice:
    """The registered voice ``name``; raises ``UnknownVoice`` instead of guessing."""
    try:
        return VOICES[name]
    except KeyError:
        raise UnknownVoice(name, VOICES) from None


# ---------------------------------------------------------------------------------------------- drums


def _kick(kit: _DrumKit) -> np.ndarray:
    """A pitch-dropping sine with a click; cinematic kicks ring longer."""
    t = kit.t(0.5)
    f = 45 + 95 * np.exp(-t / 0.035)
    phase = 2 * np.pi * np.cumsum(f) / kit.sr
    body = np.sin(phase) * np.exp(-t / (0.38 if kit.big else 0.28))
    click = lowpass(kit.noise(0.5), 3000, kit.sr) * np.exp(-t / 0.004) * 0.4
    return attack((body + click).astype(np.float32), 0.001, kit.sr)


def _snare(kit: _DrumKit) -> np.ndarray:
    """A short tone under band-passed noise."""
    t = kit.t(0.35)
    tone = np.sin(2 * np.pi * 185 * t) * np.exp(-t / 0.05) * 0.5
    noise = bandpass(kit.noise(0.35), 1200, 9000, kit.sr) * np.exp(-t / 0.11)
    return attack((tone + noise * 0.8).astype(np.float32), 0.001, kit.sr)


def _clap(kit: _DrumKit) -> np.ndarray:
    """Band-passed noise with three quick bursts, as several hands."""
    t = kit.t(0.35)
    env = np.exp(-t / 0.09) + sum(np.exp(-np.maximum(t - d, 0) / 0.006) * (t >= d) for d in (0.0, 0.011, 0.022))
    x = bandpass(kit.noise(0.35), 900, 5000, kit.sr) * env * 0.6
    return attack(x.astype(np.float32), 0.001, kit.sr)


def _hat(kit: _DrumKit) -> np.ndarray:
    """A very short burst of high noise."""
    t = kit.t(0.12)
    x = lowpass(highpass(kit.noise(0.12), 7000, kit.sr), 14000, kit.sr)
    return (x * np.exp(-t / 0.028) * 0.45).astype(np.float32)


def _openhat(kit: _DrumKit) -> np.ndarray:
    """A hat left open: the same noise, ringing longer."""
    t = kit.t(0.45)
    x = lowpass(highpass(kit.noise(0.45), 6500, kit.sr), 14000, kit.sr)
    return (x * np.exp(-t / 0.14) * 0.35).astype(np.float32)


def _shaker(kit: _DrumKit) -> np.ndarray:
    """Band-passed noise with a soft swell: a shaker has no hard attack."""
    t = kit.t(0.15)
    env = np.clip(t / 0.02, 0, 1) * np.exp(-t / 0.045)
    return (bandpass(kit.noise(0.15), 4000, 12000, kit.sr) * env * 0.4).astype(np.float32)


def _rim(kit: _DrumKit) -> np.ndarray:
    """A dry click: bright noise and a high tone, very short."""
    t = kit.t(0.1)
    x = bandpass(kit.noise(0.1), 1500, 4000, kit.sr) * np.exp(-t / 0.012)
    x += np.sin(2 * np.pi * 1700 * t) * np.exp(-t / 0.015) * 0.4
    return attack(x.astype(np.float32), 0.0005, kit.sr)


def _tom(kit: _DrumKit) -> np.ndarray:
    """A pitch-dropping sine with a little noise; cinematic toms are big and low."""
    t = kit.t(0.9 if kit.big else 0.5)
    f0 = 70 if kit.big else 120
    f = f0 * (1 + 0.5 * np.exp(-t / 0.05))
    x = np.sin(2 * np.pi * np.cumsum(f) / kit.sr) * np.exp(-t / (0.35 if kit.big else 0.2))
    x += lowpass(kit.noise(len(t) / kit.sr), 2000, kit.sr) * np.exp(-t / 0.02) * 0.3
    return attack(x.astype(np.float32), 0.001, kit.sr)


def _crash(kit: _DrumKit) -> np.ndarray:
    """Bright noise that decays over seconds: the cymbal that marks a new section."""
    t = kit.t(2.5)
    x = lowpass(highpass(kit.noise(2.5), 3500, kit.sr), 13000, kit.sr) * np.exp(-t / 0.9) * 0.3
    return attack(x.astype(np.float32), 0.002, kit.sr)


# One synthesized sample per drum voice; how many alternates (hats and shakers vary, so repeats differ).
DRUMS: Mapping[str, tuple[Callable[[_DrumKit], np.ndarray], int]] = MappingProxyType(
    {
        "kick": (_kick, 1),
        "snare": (_snare, 1),
        "clap": (_clap, 1),
        "hat": (_hat, 3),
        "openhat": (_openhat, 1),
        "shaker": (_shaker, 3),
        "rim": (_rim, 1),
        "tom": (_tom, 1),
        "crash": (_crash, 1),
        **ensemble.DRUMS,  # ride, gated snare
    }
)


# ------------------------------------------------------------------------------------------- players


def _rng(seed: int, name: str, pitch: int) -> np.random.Generator:
    """A noise generator of one sound's own: a window of a piece renders the same notes as the whole."""
    return np.random.default_rng([seed & 0xFFFFFFFF, zlib.crc32(name.encode()), pitch & 0xFF])


def _normalised(x: np.ndarray, sr: int) -> np.ndarray:
    """Scale a voice so its first 400 ms have RMS 0.25: every instrument and pitch starts comparable."""
    head = x[: int(0.4 * sr)]
    rms = float(np.sqrt(np.mean(head.astype(np.float64) ** 2))) if head.size else 0.0
    return (x * (0.25 / rms)).astype(np.float32) if rms > 1e-9 else x


class Voices:
    """Renders and caches one mono sample per (instrument, pitch)."""

    def __init__(self, sr: int, brightness: float, seed: int = 0) -> None:
        self.sr = sr
        self.seed = seed  # the piece's: another seed plucks its strings with other noise
        self._kit = _Kit(sr, brightness)
        self.cache: dict[tuple[str, int, int], np.ndarray] = {}
        self.longest: dict[tuple[str, int], float] = {}

    def get(self, instrument: str, pitch: int, seconds: float) -> np.ndarray:
        """The sample for a note: decaying voices are rendered once per pitch at their natural length,
        sustained ones at the longest length the piece asks for (see ``reserve``)."""
        key = (instrument, pitch, 0)
        if key not in self.cache:
            v = voice(instrument)
            need = v.decay or self.longest.get((instrument, pitch), seconds)
            n = max(64, int(need * self.sr))
            self._kit.noise = _rng(20240531 + self.seed, instrument, pitch)  # the same whatever renders first
            self.cache[key] = _normalised(v.render(self._kit, pitch, n), self.sr) * v.gain
        return self.cache[key]

    def reserve(self, notes: Iterable[Note], release: float) -> None:
        """Remember the longest note per (sustained instrument, pitch), so each renders once."""
        for note in notes:
            if voice(note.instrument).decay is None:
                k = (note.instrument, note.pitch)
                self.longest[k] = max(self.longest.get(k, 0.0), note.dur + release)


class Drums:
    """Plays drum voices from samples synthesized once each, cycling through a voice's alternates."""

    def __init__(self, sr: int, style: str) -> None:
        self._kit = _DrumKit(sr, big=style in ("cinematic", "suspense"))
        self.samples: dict[str, list[np.ndarray]] = {}
        self.counter: dict[str, int] = {}

    def get(self, name: str) -> np.ndarray:
        """The next sample of drum voice ``name``; raises ``UnknownVoice`` for a name no drum has."""
        if name not in self.samples:
            if name not in DRUMS:
                raise UnknownVoice(name, DRUMS)
            make, alternates = DRUMS[name]
            self.samples[name] = [make(self._kit) for _ in range(alternates)]
        k = self.counter.get(name, 0)
        self.counter[name] = k + 1
        options = self.samples[name]
        return options[k % len(options)]
