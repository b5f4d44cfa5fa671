"""The score played by a General-MIDI bank — the shipped one by default — with our own sampler.

Per note: the preset's zones for its key and velocity; each zone's sample resampled to the pitch (cubic
interpolation; root key, tuning, scale tuning), looped where the zone loops, shaped by the SoundFont volume
envelope (delay, attack, hold, decay to sustain — hold and decay scaled by key — then the release after the
note ends), darkened by the zone's filter and by softer velocities, and panned at the zone's pan plus the
note's (any position). The voices the bank does not play by default (``gm.SAMPLED``; drums only in the
acoustic styles) stay with the numpy synth. Each voice is set to the level our numpy voice has, so the stems
keep the built-in balance before the shared ``finish_stems``.

Windowed: ``play_stems`` gives any stretch of the raw stems, equal to that stretch of the whole render
(a note's sound never depends on the window). Deterministic, and every sound starts and ends at zero.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import signal

from nemo_desktop.engine.music import gm
from nemo_desktop.engine.music.bank import shipped
from nemo_desktop.engine.music.dsp import fade_edges
from nemo_desktop.engine.music.finish import finish_stems
from nemo_desktop.engine.music.instruments import VOICES, Drums, UnknownVoice
from nemo_desktop.engine.music.sampling import CUTOFF_STEP, MAX_RELEASE, cubic, envelope, lowpass_at, unrolled
from nemo_desktop.engine.music.score import STEMS, Note, Score
from nemo_desktop.engine.music.sf2 import Bank, BankError, Zone
from nemo_desktop.engine.music.synth import NumpyPlayer, add_into

log = logging.getLogger(__name__)
CACHE_BYTES = 48 << 20  # pitched samples kept per player (a 30 s window's notes fit; more only grows memory)
DRUM_HOLD = 0.2  # seconds a drum is "held" before its release (banks ignore most drum note-offs)
MAX_DRUM = 3.0  # seconds at most for a drum hit that is not a crash
_ONSET = 0.0015  # raised-cosine onset, as in the synth
_TAIL = 0.005  # raised-cosine at the very end, after the envelope's own fade
# cents at velocity 0, none at 127: half SoundFont 2.01's default modulator (-2400), which made every soft
# note dull; drum hits keep their kit's own filter
_VEL_TO_CUTOFF = -1200.0
_RELEASE_HEARD = 0.75  # of a release (a fall of 96 dB): after 72 dB the rest is not rendered
_OPEN = 1 << 20  # the cutoff step of an open filter
_MIN_PERIOD = 2048  # output samples: a loop's repeat is at least this long (pitch error under 0.5 cent)
_REF_LEVEL = 0.25  # our numpy voices' attack RMS (instruments._normalised), times the voice's gain


class _Lru:
    """A cache bounded in bytes, least recently used out first: a long piece rendered window by window keeps
    what its recent notes used, not everything (dropped entries are recomputed, to the same bytes)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.items: OrderedDict[object, tuple[object, int]] = OrderedDict()
        self.size = 0

    def get(self, key: object) -> Any:
        found = self.items.get(key)
        if found is None:
            return None
        self.items.move_to_end(key)
        return found[0]

    def put(self, key: object, value: object, nbytes: int) -> None:
        self.items[key] = (value, nbytes)
        self.size += nbytes
        while self.size > self.limit and len(self.items) > 1:
            _, (_, dropped) = self.items.popitem(last=False)
            self.size -= dropped


@dataclass(frozen=True)
class _Take:
    """One zone's part of one note: where it starts, its mono sound, its gain and pan."""

    start: int
    sound: np.ndarray
    gain: float
    pan: float


def _midi_vel(vel: float) -> int:
    return int(np.clip(round(vel * 127), 1, 127))


class Sampler:
    """Plays notes from a bank; caches each zone's pitched (and filtered) sample per key."""

    def __init__(self, bank: Bank, score: Score, sr: int, user_bank: bool) -> None:
        self.bank = bank
        self.sr = sr
        self.user_bank = user_bank
        self.drums_sampled = (gm.DRUM_BANK, gm.DRUM_KIT) in bank.presets and (
            user_bank or gm.sampled_drums(score.style))
        self._pitched = _Lru(CACHE_BYTES // 2)  # (zone, key, cutoff step, length) → the sound before its envelope
        self._cycles = _Lru(CACHE_BYTES // 2)  # (zone, key, length) → (resampled, period)
        self._longest: dict[tuple[str, int], float] = {}  # (voice, key) → its longest note in the piece, s
        self.ours: dict[str, list[Note]] = {}  # per stem, the notes the numpy synth plays
        for stem in STEMS:
            drums = stem == "drums"
            self.ours[stem] = []
            for note in score.notes.get(stem, ()):
                if self.plays(note, drums):
                    k = (note.instrument, self._key(note, drums))
                    self._longest[k] = max(self._longest.get(k, 0.0), self.hold_of(note, drums))
                else:
                    self.ours[stem].append(note)
        self.numpy = NumpyPlayer(score, sr, self.ours)

    def plays(self, note: Note, drums: bool) -> bool:
        """Whether the bank (not the numpy synth) plays this note."""
        if drums:
            return self.drums_sampled and note.instrument in gm.DRUM_KEYS
        program = gm.PROGRAMS.get(note.instrument)
        if program is None or (0, program) not in self.bank.presets:
            return False
        return self.user_bank or note.instrument in gm.SAMPLED

    def _key(self, note: Note, drums: bool) -> int:
        if drums:
            return gm.DRUM_KEYS[note.instrument]
        above = gm.OCTAVE_DOWN_ABOVE.get(note.instrument, 127)
        return int(np.clip(note.pitch - 12 if note.pitch > above else note.pitch, 0, 127))

    def hold_of(self, note: Note, drums: bool) -> float:
        if drums:
            return note.dur if note.instrument == "crash" else DRUM_HOLD
        return note.dur

    def _preset(self, note: Note, drums: bool) -> tuple[int, int]:
        if drums:
            return gm.DRUM_BANK, gm.DRUM_KIT
        if note.instrument not in gm.PROGRAMS:
            raise UnknownVoice(note.instrument, gm.PROGRAMS)
        return 0, gm.PROGRAMS[note.instrument]

    def takes(self, note: Note, drums: bool, reference: bool = False) -> list[_Take]:
        """The note's sound: one take per zone that answers its key and velocity (a ``reference`` note is
        rendered at its own length, not at the longest the piece holds that key)."""
        key, vel = self._key(note, drums), _midi_vel(note.vel)
        zones = self.bank.zones(*self._preset(note, drums), key, vel)
        start = int(round(note.start * self.sr))
        held = self.hold_of(note, drums)
        longest = held if reference else max(self._longest.get((note.instrument, key), 0.0), held)
        gain = note.vel ** (1.3 if drums else 1.4)
        out = []
        for zone in zones:
            sound = self._sound(zone, key, vel, held, longest, drums, note.instrument)
            if sound.size:
                out.append(_Take(start, sound, gain * 10 ** (-zone.attenuation / 200.0),
                                 float(np.clip(zone.pan + note.pan, -1, 1))))
        return out

    def _sound(self, zone: Zone, key: int, vel: int, held_s: float, longest: float, drums: bool,
               name: str) -> np.ndarray:
        """One zone's mono sound for a note held ``held_s`` seconds, envelope and edges applied."""
        sr = self.sr
        looped = zone.mode in (1, 3) and zone.loop_end - zone.loop_start > 8
        rel = min(max(zone.release, 0.01), MAX_RELEASE) * _RELEASE_HEARD
        cap = MAX_DRUM if drums and name != "crash" else held_s + rel
        held = int(held_s * sr)
        n = min(int((held_s + rel) * sr), int(cap * sr))
        pitched = self._pitched_sample(zone, key, 127 if drums else vel, int((longest + rel) * sr), looped)
        n = min(n, len(pitched))
        if n <= 0:
            return np.zeros(0, dtype=np.float32)
        x = pitched[:n] * envelope(zone, key, held, n, sr)
        return fade_edges(x, min(int(_ONSET * sr), n // 2), min(int(_TAIL * sr), n // 2))

    def _pitched_sample(self, zone: Zone, key: int, vel: int, need: int, looped: bool) -> np.ndarray:
        """The zone's sample at this key's pitch and this velocity's brightness, ``need`` samples long (or to
        its end if it does not loop). Resampled once per (zone, key) — a looped sample only up to two turns
        of its loop, whose last turn then repeats — and filtered once per cutoff step."""
        cutoff = zone.cutoff + _VEL_TO_CUTOFF * (1 - vel / 127)
        step = int(round(cutoff / CUTOFF_STEP))
        hz = 8.176 * 2.0 ** (step * CUTOFF_STEP / 1200.0)
        if hz >= 0.45 * self.sr:
            step = _OPEN
        fk = (id(zone), key, step, need)
        cached: np.ndarray | None = self._pitched.get(fk)
        if cached is not None:
            return cached
        base = self._cycles.get((id(zone), key, need))
        if base is None:
            base = self._resampled(zone, key, looped, need)
            self._cycles.put((id(zone), key, need), base, base[0].nbytes)
        y, period = base
        if step != _OPEN and y.size:
            y = signal.sosfilt(lowpass_at(step, self.sr), y).astype(np.float32)
        if period and need > len(y):
            turns = -(-(need - len(y)) // period)
            y = np.concatenate([y, np.tile(y[len(y) - period :], turns)])
        done: np.ndarray = y[:need]
        self._pitched.put(fk, done, done.nbytes)
        return done

    def _resampled(self, zone: Zone, key: int, looped: bool, need: int) -> tuple[np.ndarray, int]:
        """The pitched sample: a one-shot whole; a looped one up to one turn (and a bit) of a whole number of loops
        that spans a whole number of output samples (the pitch moves by under half a cent for that), so
        its last turn repeats seamlessly; never more than ``need`` samples when those end before the loop
        repeats. Returns (samples, period; 0 when nothing repeats)."""
        data = self._data(zone)
        ratio = 2.0 ** (((key - zone.root) * zone.scale + zone.tune) / 12.0) * zone.rate / self.sr
        if not looped:
            src = data[: min(zone.end, len(data))]
            count = max(0, min(need, int((len(src) - zone.begin - 1) / ratio)))
            return cubic(src, float(zone.begin), ratio, count), 0
        loop = min(zone.loop_end, len(data)) - max(zone.loop_start, 0)
        turns = max(1, int(np.ceil(_MIN_PERIOD * ratio / loop)))
        period = max(1, round(turns * loop / ratio))
        r = turns * loop / period
        first = max(0, int(np.ceil((zone.loop_start + 1 - zone.begin) / r)))  # the first output in the loop
        count = first + period + 256  # the filter has settled long before the last turn
        if need <= count:
            period, count = 0, need
        src = unrolled(data, zone, int(zone.begin + (count + 2) * r) + 4)
        return cubic(src, float(zone.begin), r, count), period

    def _data(self, zone: Zone) -> np.ndarray:
        """The zone's whole sample as float32, read afresh (the shipped bank maps its int16 file; a user's
        bank keeps its own decoded copies): read only on a cache miss, so keeping float32 copies of every
        sample a piece touches here would only grow memory with the piece's variety."""
        return self.bank.read_pcm(zone.sample)

    def level(self, name: str, drums: bool) -> float:
        """The gain that sets this voice to our numpy voice's level (see ``calibrate``), cached per bank."""
        key = (name, drums, self.sr)
        cached = self.bank.levels.get(key)
        if cached is None:
            cached = calibrate(self, name, drums)
            self.bank.levels[key] = cached
        return cached


def _loudest_rms(x: np.ndarray, sr: int) -> float:
    """The loudest 400 ms window's RMS (100 ms hops): an attack level for struck and bowed voices alike."""
    win, hop = int(0.4 * sr), int(0.1 * sr)
    if len(x) <= win:
        return float(np.sqrt(np.mean(x.astype(np.float64) ** 2))) if x.size else 0.0
    sq = np.concatenate([[0.0], np.cumsum(x.astype(np.float64) ** 2)])
    starts = np.arange(0, len(x) - win + 1, hop)
    return float(np.sqrt((sq[starts + win] - sq[starts]).max() / win))


def calibrate(sampler: Sampler, name: str, drums: bool) -> float:
    """How much to scale the bank's voice so it sits where our numpy voice sits: a reference note (held
    2 s, velocity 100) matched to our voice's attack level (0.25 × its gain) or, for a drum, to our drum's
    loudest 400 ms."""
    vel = 100 / 127
    if drums:
        note = Note(0.0, DRUM_HOLD, 0, vel, name)
        ours = Drums(sampler.sr, "acoustic").get(name)
        target = _loudest_rms(ours, sampler.sr) * vel**1.3
    else:
        pitch = 40 if "bass" in name else 60
        note = Note(0.0, 2.0, pitch, vel, name)
        voice = VOICES.get(name)
        target = _REF_LEVEL * (voice.gain if voice else 0.6) * vel**1.4
    mono = np.zeros(int(3.0 * sampler.sr), dtype=np.float32)
    for take in sampler.takes(note, drums, reference=True):
        mono[: len(take.sound)] += take.sound[: len(mono)] * np.float32(take.gain)
    level = _loudest_rms(mono, sampler.sr)
    return target / level if level > 1e-6 else 1.0


def warm(sample_rate: int) -> None:
    """Load the shipped bank and set every sampled voice's level once (a background job at connect), so
    the first piece does not wait for it."""
    bank = _shipped_or_none()
    score = Score(bpm=100, key="C", mode="major", style="acoustic", seed=0, duration=0.1, fps=25, beats=(0.0,),
                  bars=(0.0,), sections=(("main", 0.0, 0.1),))
    player = Sampler(bank, score, sample_rate, user_bank=False)
    for name in sorted(gm.SAMPLED):
        if (0, gm.PROGRAMS[name]) in bank.presets:
            player.level(name, False)
    if player.drums_sampled:
        for name in sorted(gm.DRUM_KEYS):
            player.level(name, True)


def _shipped_or_none() -> Bank:
    """The shipped bank; if the installation lost it, an empty one (every voice then plays in numpy)."""
    try:
        return shipped()
    except BankError as err:
        log.warning("the shipped instrument bank is not usable, numpy voices play everything: %s", err)
        return Bank({}, [], lambda index: np.zeros(0, dtype=np.float32))


class StemPlayer:
    """One score played window by window: keep it across windows so each note's sample is resampled about
    once (``CACHE_BYTES`` bounds what it keeps), and the bank's voices are levelled once."""

    def __init__(self, score: Score, sample_rate: int, bank: Bank | None = None, user_bank: bool = False) -> None:
        self.score = score
        self.sr = sample_rate
        self.sampler = Sampler(_shipped_or_none() if bank is None else bank, score, sample_rate, user_bank)

    def __call__(self, score: Score, sample_rate: int, start: int, length: int) -> dict[str, np.ndarray]:
        """``play_stems``' signature, for whoever takes a window player of any kind (its own score only)."""
        if score is not self.score or sample_rate != self.sr:
            raise ValueError("a StemPlayer plays the score and rate it was made for")
        return self.play(start, length)

    def play(self, start: int, length: int) -> dict[str, np.ndarray]:
        """The raw STEMS from sample ``start`` for ``length`` samples (see ``play_stems``)."""
        sampler, sr = self.sampler, self.sr
        w1 = start + length
        stems: dict[str, np.ndarray] = {}
        for stem in STEMS:
            drums = stem == "drums"
            out = np.zeros((length, 2), dtype=np.float32)
            for note in self.score.notes.get(stem, ()):
                if not sampler.plays(note, drums):
                    continue
                at = int(round(note.start * sr))
                if at >= w1 or at + (sampler.hold_of(note, drums) + MAX_RELEASE) * sr <= start:
                    continue
                level = sampler.level(note.instrument, drums)
                for take in sampler.takes(note, drums):
                    add_into(out, start, take.start, take.sound[: max(0, sampler.numpy.n - take.start)],
                             take.gain * level, take.pan)
            sampler.numpy.play(out, start, sampler.ours[stem], drums)
            stems[stem] = out
        return stems


def play_stems(score: Score, sample_rate: int, start: int, length: int, bank: Bank | None = None,
               user_bank: bool = False) -> dict[str, np.ndarray]:
    """The raw (unfinished) STEMS from sample ``start`` for ``length`` samples: float32 (length, 2) each;
    every note that overlaps the window adds its overlapping part, so it equals that slice of the whole
    render. ``bank`` defaults to the shipped one. (For many windows of one piece, keep a ``StemPlayer``.)"""
    return StemPlayer(score, sample_rate, bank, user_bank).play(start, length)


def render_stems(score: Score, sample_rate: int = 48000, bank: Bank | None = None,
                 user_bank: bool = False) -> dict[str, np.ndarray]:
    """The whole piece: every sample played (``play_stems``), then the shared ``finish_stems``."""
    n = int(round(score.duration * sample_rate))
    return finish_stems(play_stems(score, sample_rate, 0, n, bank, user_bank), score, sample_rate)


__all__ = ["STEMS", "Sampler", "StemPlayer", "play_stems", "render_stems"]  # the engine takes STEMS from here
