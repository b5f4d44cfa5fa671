"""Score → four stereo stems, rendered in numpy: each note's sample placed, panned and released.

The samples come from the instruments (``instruments.py``); the finished sound — room, balance, ending —
from ``finish.py``. Rendering is deterministic: the same score always gives the same bytes.
"""

from __future__ import annotations

import numpy as np

from nemo_desktop.engine.music.dsp import fade_edges
from nemo_desktop.engine.music.finish import finish_stems
from nemo_desktop.engine.music.instruments import Drums, Voices
from nemo_desktop.engine.music.score import STEMS, Note, Score
from nemo_desktop.engine.music.styles import STYLES

__all__ = ["STEMS", "render_stems"]  # STEMS lives in score.py; the engine imports it from here

_RELEASE = 0.08  # seconds of release ramp on every note (no clicks)
_ONSET = 0.0015  # seconds of raised-cosine onset on every placed sound: crisp, but no step at the start


def _pan_gains(pan: float) -> tuple[float, float]:
    """Constant-power pan: a note keeps its loudness as it moves across the stereo field."""
    angle = (np.clip(pan, -1, 1) + 1) * np.pi / 4
    return float(np.cos(angle)), float(np.sin(angle))


def _place(
    out: np.ndarray, sample: np.ndarray, start: int, length: int, gain: float, pan: float, release: int, onset: int
) -> None:
    """Add ``sample`` (cut to ``length``, with an ``onset`` ramp and a ``release`` ramp) into stereo ``out``."""
    n = out.shape[0]
    length = min(length, len(sample), n - start)
    if length <= 0 or start < 0:
        return
    # every placed sound starts and ends at zero — a hat's first sample, a note released early, a sustained
    # sample rendered exactly as long as its longest note, a decaying one outlived by its note, a drum's tail
    x = fade_edges(sample[:length], min(onset, length // 2), min(release, length))
    gl, gr = _pan_gains(pan)
    out[start : start + length, 0] += x * (gain * gl)
    out[start : start + length, 1] += x * (gain * gr)


def render_stems(score: Score, sample_rate: int = 48000) -> dict[str, np.ndarray]:
    """Synthesize ``score`` into STEMS, each float32 (n, 2) with n = round(duration · sample_rate)."""
    sr = sample_rate
    n = int(round(score.duration * sr))
    spec = STYLES.get(score.style)
    voices = Voices(sr, spec.brightness if spec else 0.5)
    drums = Drums(sr, score.style)
    release = int(_RELEASE * sr)
    stems: dict[str, np.ndarray] = {}
    for stem in STEMS:
        if stem != "drums":  # drum voices are one-shot samples: nothing to reserve
            voices.reserve(score.notes.get(stem, ()), _RELEASE)
    for stem in STEMS:
        out = np.zeros((n, 2), dtype=np.float32)
        for note in score.notes.get(stem, ()):
            _render_note(out, note, stem, voices, drums, sr, release)
        stems[stem] = out
    return finish_stems(stems, score, sr)


def _render_note(out: np.ndarray, note: Note, stem: str, voices: Voices, drums: Drums, sr: int, release: int) -> None:
    """Place one note: drums ring out whole (a crash only as long as its note), pitched notes are held for
    their length plus a release ramp; velocity shapes loudness a little more than linearly."""
    start = int(round(note.start * sr))
    if stem == "drums":
        sample = drums.get(note.instrument)
        length = len(sample) if note.instrument != "crash" else int(min(len(sample), note.dur * sr + release))
        _place(out, sample, start, length, note.vel**1.3, note.pan, min(release, length // 3), int(_ONSET * sr))
        return
    length = int(note.dur * sr) + release
    sample = voices.get(note.instrument, note.pitch, length / sr)
    _place(out, sample, start, length, note.vel**1.4, note.pan, release, int(_ONSET * sr))
