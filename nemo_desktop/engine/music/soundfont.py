"""The composed score played by a General-MIDI SoundFont instead of our numpy instruments.

Optional (Settings.soundfont): a person who has a .sf2/.sf3 bank can point at it; it is never required and
never downloaded. tinysoundfont (MIT) plays the samples; everything else stays ours (the notes, the timing
on the cuts, the room, the ending's fade, the mix), so a SoundFont changes how the instruments sound and
nothing else. A bank that cannot be used raises SoundFontUnavailable, and the caller falls back to the
built-in instruments with a notice.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from nemo_desktop.engine.music.finish import finish_stems
from nemo_desktop.engine.music.instruments import UnknownVoice
from nemo_desktop.engine.music.score import STEMS, Note, Score
from nemo_desktop.i18n import N_

# Our instrument names → General MIDI programs (0-based).
GM_PROGRAMS: dict[str, int] = {
    "piano": 0,  # Acoustic Grand Piano
    "piano_bass": 0,
    "epiano": 4,  # Electric Piano 1
    "bell": 11,  # Vibraphone
    "guitar": 24,  # Acoustic Guitar (nylon)
    "pluck": 46,  # Orchestral Harp
    "finger_bass": 33,  # Electric Bass (finger)
    "pad": 89,  # Pad 2 (warm)
    "strings": 48,  # String Ensemble 1
    "synth": 90,  # Pad 3 (polysynth)
    "lead": 80,  # Lead 1 (square)
    "horn": 60,  # French Horn
    "synth_bass": 38,  # Synth Bass 1
    "sub_bass": 38,
}
# Our drum voices → General MIDI percussion keys (channel 10).
GM_DRUMS: dict[str, int] = {
    "kick": 36, "snare": 38, "clap": 39, "hat": 42, "openhat": 46, "shaker": 70, "rim": 37, "tom": 45,
    "crash": 49,
}
# A bank's presets are not level-matched the way our voices are, so each stem is set to the level the built-in
# instruments give it (RMS over the 100 ms blocks where it plays) before the shared finishing touches.
STEM_LEVEL = {"drums": 0.17, "bass": 0.10, "chords": 0.16, "melody": 0.07}
MAX_LEVEL_GAIN = 30.0  # +30 dB at most: a stem that is nearly silent stays so
DRUM_CHANNEL = 9
DRUM_NOTE_S = 0.2  # percussion ignores note-offs in most banks; release them after this anyway
MELODIC_CHANNELS = tuple(c for c in range(16) if c != DRUM_CHANNEL)


class SoundFontUnavailable(Exception):
    """The configured bank cannot be played: ``why`` says why in a few words (a message id to translate)."""

    def __init__(self, path: Path, why: str) -> None:
        super().__init__(f"{path}: {why}")
        self.path = path
        self.why = why


class _Synth(Protocol):
    """The part of ``tinysoundfont.Synth`` we play with (the package is optional and has no type hints)."""

    def sfload(self, filename: str) -> int: ...
    def sounds_off(self) -> None: ...
    def generate(self, samples: int) -> bytes | memoryview: ...
    def program_select(self, chan: int, sfid: int, bank: int, preset: int, is_drums: bool = False) -> None: ...
    def control_change(self, chan: int, control: int, value: int) -> None: ...
    def noteon(self, chan: int, key: int, vel: int) -> None: ...
    def noteoff(self, chan: int, key: int) -> None: ...


def _gm_program(name: str) -> int:
    """The General-MIDI program for one of our voices; a voice without one is a bug, not a piano."""
    if name not in GM_PROGRAMS:
        raise UnknownVoice(name, GM_PROGRAMS)
    return GM_PROGRAMS[name]


def _gm_drum(name: str) -> int:
    """The General-MIDI percussion key for one of our drum voices; an unknown one is a bug, not a snare."""
    if name not in GM_DRUMS:
        raise UnknownVoice(name, GM_DRUMS)
    return GM_DRUMS[name]


_lock = threading.Lock()  # one loaded bank at a time, played by one render at a time
_loaded: dict[tuple[str, int, int], tuple[_Synth, int]] = {}


def _bank(path: Path, sample_rate: int) -> tuple[_Synth, int]:
    """A tinysoundfont Synth with the bank loaded (cached: loading an .sf3 decodes its samples, ~1 s)."""
    try:
        import tinysoundfont
    except ImportError as exc:
        raise SoundFontUnavailable(path, N_("tinysoundfont is not installed")) from exc
    try:
        mtime = path.stat().st_mtime_ns
    except OSError as exc:
        raise SoundFontUnavailable(path, N_("the file is missing")) from exc
    key = (str(path), mtime, sample_rate)
    if key not in _loaded:
        synth = tinysoundfont.Synth(samplerate=sample_rate)
        try:
            sfid = synth.sfload(str(path))
        except Exception as exc:  # tinysoundfont raises its own exception types, and OSError
            raise SoundFontUnavailable(path, N_("it is not a SoundFont that can be read")) from exc
        _loaded.clear()
        _loaded[key] = (synth, sfid)
    return _loaded[key]


def render_stems(score: Score, path: Path | str, sample_rate: int = 48000) -> dict[str, np.ndarray]:
    """The score's STEMS played by the SoundFont at ``path``: float32 (n, 2), n = round(duration · rate),
    finished like the built-in instruments' stems (room, balance, ending)."""
    return finish_stems(raw_stems(score, path, sample_rate), score, sample_rate)


def raw_stems(score: Score, path: Path | str, sample_rate: int = 48000) -> dict[str, np.ndarray]:
    """The score's STEMS played by the SoundFont, levelled but not finished (the whole piece at once:
    tinysoundfont's voices carry state from note to note)."""
    path = Path(path).expanduser()
    n = int(round(score.duration * sample_rate))
    with _lock:
        synth, sfid = _bank(path, sample_rate)
        stems = {
            stem: _levelled(_play(synth, sfid, score.notes.get(stem, ()), stem == "drums", n, sample_rate), stem)
            for stem in STEMS
        }
    return stems


def _levelled(x: np.ndarray, stem: str, block: int = 4800) -> np.ndarray:
    """Set a stem to the level our instruments give it (``STEM_LEVEL``), measured where it plays."""
    mono = x.mean(axis=1)
    blocks = mono[: len(mono) // block * block].reshape(-1, block)
    rms = np.sqrt((blocks.astype(np.float64) ** 2).mean(axis=1))
    playing = rms[rms > 1e-4]
    if playing.size == 0:
        return x
    gain = min(STEM_LEVEL[stem] / float(np.sqrt((playing**2).mean())), 10 ** (MAX_LEVEL_GAIN / 20))
    return x * np.float32(gain)


def _play(synth: _Synth, sfid: int, notes: Sequence[Note], drums: bool, n: int, sr: int) -> np.ndarray:
    """One stem: note-ons and note-offs in time order, the synth's output rendered between them."""
    out = np.zeros((n, 2), dtype=np.float32)
    if not notes:
        return out
    synth.sounds_off()  # nothing rings over from the previous stem: stop, and let the releases pass
    synth.generate(int(0.2 * sr))
    channels: dict[tuple[str, int], int] = {}
    events: list[tuple[int, int, int, int, int]] = []  # (sample, 0 = off / 1 = on, channel, key, velocity)
    for note in notes:
        if drums:
            channel, key, length = DRUM_CHANNEL, _gm_drum(note.instrument), DRUM_NOTE_S
            if not channels:
                synth.program_select(DRUM_CHANNEL, sfid, 128, 0, is_drums=True)
                channels[("drums", 0)] = DRUM_CHANNEL
        else:
            side = -1 if note.pan < -0.2 else (1 if note.pan > 0.2 else 0)
            channel = channels.get((note.instrument, side), -1)
            if channel < 0:
                channel = MELODIC_CHANNELS[len(channels) % len(MELODIC_CHANNELS)]
                channels[(note.instrument, side)] = channel
                synth.program_select(channel, sfid, 0, _gm_program(note.instrument))
                synth.control_change(channel, 10, 64 + 32 * side)  # pan
                synth.control_change(channel, 7, 100)  # volume
            key, length = int(np.clip(note.pitch, 0, 127)), note.dur
        velocity = int(np.clip(round(note.vel * 127), 1, 127))
        on = int(round(note.start * sr))
        events.append((on, 1, channel, key, velocity))
        events.append((max(on + 1, int(round((note.start + length) * sr))), 0, channel, key, 0))
    events.sort()
    sounding: dict[tuple[int, int], int] = {}  # a key struck again before its first note ended
    pos = 0
    for at, kind, channel, key, velocity in events:
        at = min(max(at, 0), n)
        if at > pos:
            out[pos:at] = np.frombuffer(synth.generate(at - pos), dtype=np.float32).reshape(-1, 2)
            pos = at
        if kind == 1:
            synth.noteon(channel, key, velocity)
            sounding[(channel, key)] = sounding.get((channel, key), 0) + 1
        else:
            left = sounding.get((channel, key), 1) - 1
            sounding[(channel, key)] = left
            if left <= 0:
                synth.noteoff(channel, key)
    if pos < n:
        out[pos:] = np.frombuffer(synth.generate(n - pos), dtype=np.float32).reshape(-1, 2)
    synth.sounds_off()
    return out
