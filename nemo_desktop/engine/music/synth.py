"""Score → four stereo stems, rendered in numpy: each note's sample placed, panned and released.

The samples come from the instruments (``instruments.py``); the finished sound — room, balance, ending —
from ``finish.py``. The sampler (``sampler.py``) uses the same placement for the voices the synth keeps.
Rendering is deterministic and windowed: ``play_stems`` gives any stretch of the raw stems, equal to that
stretch of the whole render (a note is always computed whole, then cut to the window).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from nemo_desktop.engine.music.dsp import fade_edges
from nemo_desktop.engine.music.finish import finish_stems
from nemo_desktop.engine.music.instruments import Drums, Voices
from nemo_desktop.engine.music.score import STEMS, Note, Score
from nemo_desktop.engine.music.styles import STYLES

__all__ = ["STEMS", "NumpyPlayer", "play_stems", "render_stems"]  # STEMS lives in score.py

_RELEASE = 0.08  # seconds of release ramp on every note (no clicks)
_ONSET = 0.0015  # seconds of raised-cosine onset on every placed sound: crisp, but no step at the start


def pan_gains(pan: float) -> tuple[float, float]:
    """Constant-power pan: a note keeps its loudness as it moves across the stereo field (any position)."""
    angle = (np.clip(pan, -1, 1) + 1) * np.pi / 4
    return float(np.cos(angle)), float(np.sin(angle))


def add_into(out: np.ndarray, w0: int, start: int, x: np.ndarray, gain: float, pan: float) -> None:
    """Add mono ``x`` (placed at sample ``start`` of the piece) into the window ``out`` that begins at
    sample ``w0``: only the overlapping part, panned."""
    a, b = max(start, w0), min(start + len(x), w0 + out.shape[0])
    if a >= b:
        return
    gl, gr = pan_gains(pan)
    part = x[a - start : b - start]
    out[a - w0 : b - w0, 0] += part * np.float32(gain * gl)
    out[a - w0 : b - w0, 1] += part * np.float32(gain * gr)


class NumpyPlayer:
    """Our numpy voices for one score: every note's mono sound, computed the same whatever the window."""

    def __init__(self, score: Score, sr: int, notes: Mapping[str, Sequence[Note]] | None = None) -> None:
        """``notes``: the notes per stem this player plays (all of the score's by default)."""
        notes = score.notes if notes is None else notes
        spec = STYLES.get(score.style)
        self.sr = sr
        self.n = int(round(score.duration * sr))
        self.voices = Voices(sr, spec.brightness if spec else 0.5, score.seed)
        self.drums = Drums(sr, score.style)
        self.release = int(_RELEASE * sr)
        self.onset = int(_ONSET * sr)
        for stem in STEMS:
            if stem != "drums":  # drum voices are one-shot samples: nothing to reserve
                self.voices.reserve(notes.get(stem, ()), _RELEASE)

    def play(self, out: np.ndarray, w0: int, notes: Sequence[Note], drums: bool) -> None:
        """Place ``notes`` (all of a stem's notes the synth plays, in score order: a drum's alternates cycle
        by count) into the window ``out`` starting at sample ``w0``."""
        w1 = w0 + out.shape[0]
        if drums:
            self.drums.counter.clear()  # every window counts the alternates from the piece's first hit
        for note in notes:
            start = int(round(note.start * self.sr))
            if drums:
                sample = self.drums.get(note.instrument)  # always: the alternates advance note by note
                length = len(sample) if note.instrument != "crash" else int(
                    min(len(sample), note.dur * self.sr + self.release))
                if start < w1 and start + length > w0:
                    self._place(out, w0, sample, start, length, note.vel**1.3, note.pan, min(self.release,
                                                                                              length // 3))
                continue
            length = int(note.dur * self.sr) + self.release
            if start < w1 and start + length > w0:
                sample = self.voices.get(note.instrument, note.pitch, length / self.sr)
                self._place(out, w0, sample, start, length, note.vel**1.4, note.pan, self.release)

    def _place(
        self, out: np.ndarray, w0: int, sample: np.ndarray, start: int, length: int, gain: float, pan: float,
        release: int,
    ) -> None:
        """The note's sound cut to ``length`` (and to the piece), with an onset and a release ramp: every
        placed sound starts and ends at zero — a hat's first sample, a note released early, a sustained
        sample rendered exactly as long as its longest note, a decaying one outlived by its note."""
        length = min(length, len(sample), self.n - start)
        if length <= 0 or start < 0:
            return
        x = fade_edges(sample[:length], min(self.onset, length // 2), min(release, length))
        add_into(out, w0, start, x, gain, pan)


def play_stems(score: Score, sample_rate: int, start: int, length: int) -> dict[str, np.ndarray]:
    """The raw (unfinished) STEMS from sample ``start`` for ``length`` samples, all numpy voices."""
    player = NumpyPlayer(score, sample_rate)
    stems: dict[str, np.ndarray] = {}
    for stem in STEMS:
        out = np.zeros((length, 2), dtype=np.float32)
        player.play(out, start, score.notes.get(stem, ()), stem == "drums")
        stems[stem] = out
    return stems


def render_stems(score: Score, sample_rate: int = 48000) -> dict[str, np.ndarray]:
    """Synthesize ``score`` into STEMS with our numpy voices only, each float32 (n, 2) with
    n = round(duration · sample_rate), finished."""
    n = int(round(score.duration * sample_rate))
    return finish_stems(play_stems(score, sample_rate, 0, n), score, sample_rate)
