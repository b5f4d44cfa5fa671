"""The score played by a person's own General-MIDI SoundFont (Settings.soundfont) instead of the shipped bank.

Optional and never downloaded. Our own reader (``sf2.py``) and sampler (``sampler.py``) play it: an .sf2
directly (its samples memory-mapped), an .sf3 with each Ogg Vorbis sample decoded by the bundled ffmpeg the
first time a piece plays it. With a user's bank every voice it has a program for is played by it (not only
the acoustic ones); everything else stays ours (the notes, the timing on the cuts, the room, the ending, the
mix). A bank that cannot be used raises SoundFontUnavailable, and the caller falls back to the shipped
instruments with a notice.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from nemo_desktop.core.errors import NemoError
from nemo_desktop.engine.music import gm, sampler
from nemo_desktop.engine.music.finish import finish_stems
from nemo_desktop.engine.music.score import Score
from nemo_desktop.engine.music.sf2 import Bank, BankError, read
from nemo_desktop.i18n import N_
from nemo_desktop.tools.ffmpeg import transcode


class SoundFontUnavailable(Exception):
    """The configured bank cannot be played: ``why`` says why in a few words (a message id to translate)."""

    def __init__(self, path: Path, why: str) -> None:
        super().__init__(f"{path}: {why}")
        self.path = path
        self.why = why


def decode_ogg(data: bytes) -> np.ndarray:
    """One .sf3 sample (a complete Ogg Vorbis stream) → float32 mono PCM at its own rate."""
    pcm = transcode(["-i", "pipe:0", "-f", "s16le", "-acodec", "pcm_s16le", "-ac", "1", "pipe:1"], data)
    return np.frombuffer(pcm, dtype="<i2").astype(np.float32) / np.float32(32768.0)


_lock = threading.Lock()  # one loaded bank at a time
_loaded: dict[tuple[str, int], Bank] = {}


def load(path: Path) -> Bank:
    """The bank at ``path``, read once per file version; SoundFontUnavailable when it cannot be used."""
    try:
        mtime = path.stat().st_mtime_ns
    except OSError as exc:
        raise SoundFontUnavailable(path, N_("the file is missing")) from exc
    key = (str(path), mtime)
    with _lock:
        if key not in _loaded:
            try:
                bank = read(path, decode_ogg)
            except (BankError, OSError, ValueError) as exc:
                raise SoundFontUnavailable(path, N_("it is not a SoundFont that can be read")) from exc
            if not any(p in bank.presets for p in gm.SHIPPED_PRESETS):
                raise SoundFontUnavailable(path, N_("it has none of the General-MIDI instruments we play"))
            _loaded.clear()
            _loaded[key] = bank
        return _loaded[key]


def _predecode(bank: Bank, score: Score) -> None:
    """Decode an .sf3's samples for this piece two at a time (each is one short ffmpeg run), so a broken
    sample shows up here, as SoundFontUnavailable, and not in the middle of a render."""
    wanted: set[int] = set()
    for stem, notes in score.notes.items():
        for note in notes:
            drums = stem == "drums"
            preset = (gm.DRUM_BANK, gm.DRUM_KIT) if drums else (0, gm.PROGRAMS.get(note.instrument, -1))
            key = gm.DRUM_KEYS.get(note.instrument, 0) if drums else note.pitch
            wanted.update(z.sample for z in bank.zones(*preset, key, int(np.clip(round(note.vel * 127), 1, 127))))
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(bank.read_pcm, sorted(wanted)))


def player(score: Score, path: Path | str, sample_rate: int = 48000) -> sampler.StemPlayer:
    """A window player of ``score`` on the SoundFont at ``path`` (raw stems, see ``sampler.StemPlayer``); the
    bank is read and this piece's samples decoded first, so an unusable bank raises SoundFontUnavailable
    here and not half-way through."""
    path = Path(path).expanduser()
    bank = load(path)
    try:
        _predecode(bank, score)
    except (NemoError, OSError, ValueError) as exc:
        raise SoundFontUnavailable(path, N_("it is not a SoundFont that can be read")) from exc
    return sampler.StemPlayer(score, sample_rate, bank, user_bank=True)


def raw_stems(score: Score, path: Path | str, sample_rate: int = 48000) -> dict[str, np.ndarray]:
    """The whole piece's raw (unfinished) stems on the SoundFont at ``path``."""
    return player(score, path, sample_rate).play(0, int(round(score.duration * sample_rate)))


def render_stems(score: Score, path: Path | str, sample_rate: int = 48000) -> dict[str, np.ndarray]:
    """The score's STEMS played by the SoundFont at ``path``: float32 (n, 2), n = round(duration · rate),
    finished like the shipped instruments' stems (room, balance, ending)."""
    return finish_stems(raw_stems(score, path, sample_rate), score, sample_rate)
