"""Score → four stereo stems, rendered in numpy: each note's sample placed, panned and released.

The samples come from the instruments (``instruments.py``); the finished sound — room, balance, ending —
from ``finish.py``. Rendering is deterministic: the same score always gives the same bytes.
"""

from __future__ import annotations

import bisect

import numpy as np

from nemo_desktop.engine.music.dsp import fade_edges
from nemo_desktop.engine.music.finish import finish_stems
from nemo_desktop.engine.music.instruments import Drums, Voices
from nemo_desktop.engine.music.score import STEMS, Note, Score
from nemo_desktop.engine.music.styles import STYLES

__all__ = ["STEMS", "Player", "play_stems", "render_stems"]  # STEMS lives in score.py; the engine imports it from here

_RELEASE = 0.08  # seconds of release ramp on every note (no clicks)
_ONSET = 0.0015  # seconds of raised-cosine onset on every placed sound: crisp, but no step at the start


def _pan_gains(pan: float) -> tuple[float, float]:
    """Constant-power pan: a note keeps its loudness as it moves across the stereo field."""
    angle = (np.clip(pan, -1, 1) + 1) * np.pi / 4
    return float(np.cos(angle)), float(np.sin(angle))


def _place(
    out: np.ndarray, sample: np.ndarray, start: int, length: int, gain: float, pan: float, release: int, onset: int
) -> None:
    """Add ``sample`` (cut to ``length``, with an ``onset`` ramp and a ``release`` ramp) into stereo ``out``,
    a window of the piece in which the note starts at ``start`` (negative: it began before the window)."""
    length = min(length, len(sample))
    lo, hi = max(start, 0), min(start + length, out.shape[0])
    if length <= 0 or hi <= lo:
        return
    # every placed sound starts and ends at zero — a hat's first sample, a note released early, a sustained
    # sample rendered exactly as long as its longest note, a decaying one outlived by its note, a drum's tail
    x = fade_edges(sample[:length], min(onset, length // 2), min(release, length))[lo - start : hi - start]
    gl, gr = _pan_gains(pan)
    out[lo:hi, 0] += x * (gain * gl)
    out[lo:hi, 1] += x * (gain * gr)


class Player:
    """Plays any window of one score into raw (unfinished) stems, the same samples whatever the window.

    Every sample a piece needs is rendered up front in the order a whole render asks for it (the voices
    share one noise generator, so the order decides the bytes), and each drum note keeps its place in its
    voice's cycle of alternates: a window is then exactly that stretch of the whole render.
    """

    def __init__(self, score: Score, sample_rate: int = 48000) -> None:
        self.score = score
        self.sr = sample_rate
        spec = STYLES.get(score.style)
        self.voices = Voices(sample_rate, spec.brightness if spec else 0.5)
        self.drums = Drums(sample_rate, score.style)
        self.release = int(_RELEASE * sample_rate)
        self.n = int(round(score.duration * sample_rate))
        for stem in STEMS:
            if stem != "drums":  # drum voices are one-shot samples: nothing to reserve
                self.voices.reserve(score.notes.get(stem, ()), _RELEASE)
        self.placed: dict[str, list[tuple[int, int, Note, np.ndarray]]] = {}
        for stem in STEMS:
            self.placed[stem] = [self._sample(note, stem) for note in score.notes.get(stem, ())]
            self.placed[stem].sort(key=lambda p: p[0])
        self.longest = max((p[1] for placed in self.placed.values() for p in placed), default=0)

    def _sample(self, note: Note, stem: str) -> tuple[int, int, Note, np.ndarray]:
        """(start, length, note, sample) of one note: drums ring out whole (a crash only as long as its
        note), pitched notes are held for their length plus a release ramp."""
        sr, start = self.sr, int(round(note.start * self.sr))
        if stem == "drums":
            sample = self.drums.get(note.instrument)
            length = len(sample) if note.instrument != "crash" else int(min(len(sample), note.dur * sr + self.release))
            return start, length, note, sample
        length = int(note.dur * sr) + self.release
        return start, length, note, self.voices.get(note.instrument, note.pitch, length / sr)

    def __call__(self, start: int, length: int) -> dict[str, np.ndarray]:
        """Raw stems for samples ``start`` … ``start + length`` of the piece (float32 (length, 2) each)."""
        onset = int(_ONSET * self.sr)
        stems: dict[str, np.ndarray] = {}
        for stem in STEMS:
            out = np.zeros((length, 2), dtype=np.float32)
            placed = self.placed[stem]
            lo = bisect.bisect_left(placed, start - self.longest, key=lambda p: p[0])
            hi = bisect.bisect_left(placed, start + length, key=lambda p: p[0])
            for at, n, note, sample in placed[lo:hi]:
                n = min(n, self.n - at)  # the piece's end cuts a note, and its release ramp ends there
                if at + min(n, len(sample)) <= start:
                    continue
                if stem == "drums":
                    gain, release = note.vel**1.3, min(self.release, n // 3)
                else:
                    gain, release = note.vel**1.4, self.release
                _place(out, sample, at - start, n, gain, note.pan, release, onset)
            stems[stem] = out
        return stems


_last: list[Player] = []  # the player of the last score asked for: its samples are kept between windows


def play_stems(score: Score, sample_rate: int, start: int, length: int) -> dict[str, np.ndarray]:
    """RAW (unfinished) stems of one window of ``score``: samples ``start`` … ``start + length``."""
    if not _last or _last[0].score is not score or _last[0].sr != sample_rate:
        _last[:] = [Player(score, sample_rate)]
    return _last[0](start, length)


def render_stems(score: Score, sample_rate: int = 48000) -> dict[str, np.ndarray]:
    """Synthesize ``score`` into finished STEMS, each float32 (n, 2) with n = round(duration · sample_rate)."""
    player = Player(score, sample_rate)
    return finish_stems(player(0, player.n), score, sample_rate)
