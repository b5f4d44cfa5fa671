"""The mix a block at a time, in passes over the music and the clip sound read from disk, so memory stays
the same at any length (``mix.py`` holds the pieces: ducking, loudness, the true-peak limiter).

1. Measure (only when there is speech over clip sound): each voice's own loudness and the music's under
   it, span by span, from which the duck under that voice is set.
2. Measure the programme (music at its level, ducked, plus the clip sound, edges faded): its integrated
   loudness, gated from the step energies.
3. Gain to the target, then the look-ahead true-peak limiter over each block with a margin on both sides
   (the limiter reaches no further than the margin, so the blocks join as if limited whole), written to the
   sink as it goes; the loudness of what was written is measured on the way and, as in ``mix.mix``, a miss
   of 0.3 LU or more (limiting took some) is made up in another pass.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np

from nemo_desktop.core.errors import Cancelled
from nemo_desktop.engine import heap
from nemo_desktop.engine import mix as m
from nemo_desktop.engine.loudness import LoudnessMeter, gated

Reader = Callable[[int, int], np.ndarray]  # (start, count) → (count, 2) float32
BLOCK = 480_000  # 10 s at 48 kHz; a multiple of the limiter's 256-sample true-peak blocks
_MARGIN = 8192  # > 4 passes × (20 ms hold + 2 × 5 ms smoothing + a true-peak block) at 48 kHz
_CLIP_FLOOR = 1e-4  # clip sound quieter than this everywhere counts as none


class Sink(Protocol):
    def write(self, block: np.ndarray) -> None: ...

    def rewind(self) -> None: ...


class ArraySink:
    """A sink that keeps the programme in memory (short pieces, tests)."""

    def __init__(self) -> None:
        self.blocks: list[np.ndarray] = []

    def write(self, block: np.ndarray) -> None:
        self.blocks.append(np.array(block, dtype=np.float32))

    def rewind(self) -> None:
        self.blocks = []

    def array(self) -> np.ndarray:
        return np.concatenate(self.blocks) if self.blocks else np.zeros((0, 2), np.float32)


def _spans(n: int, block: int) -> range:
    return range(0, n, block)


def _edge_gain(first: int, count: int, n: int, sample_rate: int) -> np.ndarray | None:
    """``mix._edge_fades`` for samples ``first`` … ``first + count`` of an ``n``-sample programme."""
    idx = np.arange(first, first + count)
    gain = np.ones(count, dtype=np.float64)
    k_in, k_out = min(n, int(m.FADE_IN * sample_rate)), min(n, int(m.FADE_OUT * sample_rate))
    if first >= k_in and first + count <= n - k_out:
        return None
    head = idx < k_in
    gain[head] *= 0.5 - 0.5 * np.cos(np.pi * idx[head] / max(k_in - 1, 1))
    tail = idx >= n - k_out
    gain[tail] *= 0.5 + 0.5 * np.cos(np.pi * (idx[tail] - (n - k_out)) / max(k_out - 1, 1))
    return gain


class Programme:
    """The programme before its loudness gain, any stretch of it: the music at its level and ducked, plus
    the clip sound, edges faded."""

    def __init__(self, music: Reader | None, clip: Reader | None, n: int, speech: Sequence[tuple[float, float]],
                 sample_rate: int, music_gain_db: float, cancel: threading.Event | None = None) -> None:
        self.music, self.clip, self.n, self.sr = music, clip, n, sample_rate
        self.cancel = cancel
        self.speech = list(speech)
        self.music_gain = np.float32(10 ** (music_gain_db / 20))
        self.depths: list[float] | None = None

    def __call__(self, first: int, count: int) -> np.ndarray:
        if self.cancel is not None and self.cancel.is_set():
            raise Cancelled()
        out = self.music(first, count) if self.music is not None else np.zeros((count, 2), np.float32)
        if self.clip is not None:
            out *= self.music_gain
        if self.speech:
            out *= m.duck_gain(count, self.speech, self.sr, depths=self.depths, first=first).astype(np.float32)[:, None]
        if self.clip is not None:
            out += self.clip(first, count)
        edge = _edge_gain(first, count, self.n, self.sr)
        if edge is not None:
            out *= edge.astype(np.float32)[:, None]
        return out


def _has_sound(clip: Reader, n: int) -> bool:
    return any(float(np.max(np.abs(clip(a, min(BLOCK, n - a))), initial=0.0)) > _CLIP_FLOOR for a in _spans(n, BLOCK))


def _span_loudness(read: Reader, first: int, last: int, sample_rate: int, scale: float = 1.0) -> float:
    """Integrated loudness of samples ``first`` … ``last`` of a source, read a block at a time."""
    meter = LoudnessMeter(sample_rate)
    for a in range(first, last, BLOCK):
        meter.feed(read(a, min(BLOCK, last - a)) * np.float32(scale))
    return meter.integrated()


def _voice_depths(prog: Programme) -> list[float]:
    """``mix.voice_relative_depths``, a span at a time: per merged speech span, the duck that puts the
    music VOICE_CLEARANCE_DB under that voice's own loudness (within DUCK_RANGE_DB; DUCK_DB where it
    cannot be measured). Only the spans are read."""
    assert prog.music is not None and prog.clip is not None
    deepest, gentlest = m.DUCK_RANGE_DB
    depths: list[float] = []
    for s, e in m.merge_speech(prog.speech):
        first, last = max(0, int(s * prog.sr)), min(prog.n, int(e * prog.sr))
        said = _span_loudness(prog.clip, first, last, prog.sr)
        under = _span_loudness(prog.music, first, last, prog.sr, float(prog.music_gain))
        if not np.isfinite(said):
            depths.append(m.DUCK_DB)
        elif not np.isfinite(under):
            depths.append(gentlest)
        else:
            depths.append(float(np.clip(said - m.VOICE_CLEARANCE_DB - under, deepest, gentlest)))
    return depths


def _loudness(source: Reader, n: int, sample_rate: int) -> float:
    meter = LoudnessMeter(sample_rate)
    for a in _spans(n, BLOCK):
        meter.feed(source(a, min(BLOCK, n - a)))
    return meter.integrated()


def _limited_pass(prog: Programme, gain: float, sink: Sink) -> float:
    """Gain, limit and write the whole programme once; the loudness of what was written."""
    sink.rewind()
    meter = LoudnessMeter(prog.sr)
    n = prog.n
    for a in _spans(n, BLOCK):
        b = min(n, a + BLOCK)
        lo, hi = max(0, a - _MARGIN), min(n, b + _MARGIN)
        x = prog(lo, hi - lo)
        x *= np.float32(gain)
        out = m.limit(x, sample_rate=prog.sr)[a - lo : b - lo]
        meter.feed(out)
        sink.write(out)
    heap.trim()
    return gated(meter.steps())


def mix_into(
    sink: Sink, music: Reader | None, clip: Reader | None, n: int, speech: Sequence[tuple[float, float]],
    sample_rate: int = 48000, music_gain_db: float = 0.0, cancel: threading.Event | None = None,
) -> list[float] | None:
    """Write the final programme (n samples, −16 LUFS, ≤ −1 dBTP, the music ducked under speech) to ``sink``;
    ``cancel`` is checked before every block of the programme. Returns the duck under each merged speech
    span when it was set per voice (None: ``mix.DUCK_DB`` under all), so a view can draw the same dips."""
    if clip is not None and not _has_sound(clip, n):
        clip = None
    prog = Programme(music, clip, n, speech, sample_rate, music_gain_db, cancel)
    target = m.TARGET_LUFS if clip is not None else m.TARGET_LUFS + min(music_gain_db, 0.0)
    if clip is not None and music is not None and speech:
        prog.depths = _voice_depths(prog)
    loud = _loudness(prog, n, sample_rate)
    heap.trim()
    if not np.isfinite(loud):
        _limited_pass(prog, 1.0, sink)
        return prog.depths
    gain = 10 ** ((target - loud) / 20)
    for _ in range(3):  # limiting lowers the loudness a little: make up and limit again
        loud = _limited_pass(prog, gain, sink)
        if not np.isfinite(loud) or abs(loud - target) < 0.3:
            break
        gain *= 10 ** ((target - loud) / 20)
    return prog.depths


def array_reader(a: np.ndarray | None) -> Reader | None:
    """A reader over an in-memory (n, 2) or (n,) array; zeros past its end."""
    if a is None:
        return None
    x = np.asarray(a, dtype=np.float32)
    x = x[:, None] if x.ndim == 1 else x
    x = np.repeat(x, 2, axis=1) if x.shape[1] == 1 else x[:, :2]

    def read(first: int, count: int) -> np.ndarray:
        out = np.zeros((count, 2), np.float32)
        part = x[first : first + count]
        out[: len(part)] = part
        return out

    return read
