"""The players' feel, after every part is written: timing a few ms off the grid and velocities that breathe.

A sequencer plays every note on the grid at the velocity it was written with; players do not. Each voice has
a tendency (the bass sits a little behind the beat, hats are loose, a string section speaks late, the
melody leans ahead) scaled by the style's ``feel`` (electronic is tight, lo-fi lazy), and every velocity is
shaped by where the note falls: strong beats accented, off-beats lighter, a crescendo into the end of each
phrase and section, a breakdown held back, and a little of a player's unevenness on top. A band or a
piano also plays the piece's energy as dynamics (an intro near piano, the main section forte, ``_DYNAMICS``):
an orchestra plays it already by who plays (soft strings and a harp when quiet, brass at the climaxes).

Notes that mark a cut are left exactly as written, time and velocity: any note starting within
``CUT_GUARD`` of a cut, and the final hit — the picture and the music meet there, to the sample.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from nemo_desktop.engine.music.parts.context import Bar, PartContext
from nemo_desktop.engine.music.score import Note

CUT_GUARD = 0.05  # seconds: notes this near a cut stay on the grid (the cut's hit, or the onset it reads as)

# (mean, spread) of the timing offset in ms, per voice: + is behind the beat
_TIMING: dict[str, tuple[float, float]] = {
    "kick": (0.0, 1.5),
    "snare": (1.5, 2.5),
    "clap": (1.0, 2.0),
    "hat": (-1.0, 4.0),
    "openhat": (0.0, 4.0),
    "shaker": (-2.0, 5.0),
    "rim": (1.0, 3.0),
    "tom": (0.0, 3.0),
    "crash": (0.0, 2.0),
    "strings": (8.0, 6.0),
    "slow_strings": (12.0, 8.0),
    "strings_tremolo": (6.0, 5.0),
    "spiccato": (3.0, 3.0),
    "cello": (8.0, 5.0),
    "contrabass": (10.0, 5.0),
    "brass": (6.0, 4.0),
    "trumpet": (4.0, 4.0),
    "horn": (8.0, 5.0),
    "choir": (12.0, 8.0),
    "timpani": (2.0, 3.0),
    "harp": (3.0, 5.0),
}
# A band's dynamics: velocity × (level / _DYNAMICS_REF) ** exponent. Bar levels of 0.3–0.7 then span about
# 7 dB more than the written velocities alone (whose 2–3 dB left a piece's loudness range at 2 LU, real
# music holds 3–4 LU over 30 s). The drummer plays half of it: the groove itself thins out when quiet.
_DYNAMICS = {"drums": 0.4, "bass": 1.0, "chords": 1.0, "melody": 1.0}
_DYNAMICS_REF = 0.62
# An orchestra's melody is one of its sections singing over the rest, not a soloist at the microphone: it
# sat 2–4 dB over the chords and its every re-entry after a breath outshone the harp's notes.
_ORCHESTRA_MELODY = 0.8
# tendencies of a stem's other voices
_STEM_TIMING = {"drums": (0.0, 2.5), "bass": (6.0, 3.0), "chords": (2.0, 4.0), "melody": (-2.0, 5.0)}


def _metric_accent(pos: float) -> float:
    """Loudness by place in the bar: the downbeat leans in, beat three a little, off-beats fall back."""
    frac = pos - np.floor(pos + 1e-6)
    if frac < 1e-3 or frac > 1 - 1e-3:
        whole = int(round(pos))
        return 1.07 if whole == 0 else (1.03 if whole == 2 else 1.0)
    return 0.93 if abs(frac - 0.5) < 0.05 else 0.88


def _phrase_shape(bar: Bar, nxt: Bar | None, into_cut: bool, progress: float) -> float:
    """Loudness by place in the phrase: a gentle rise over its four bars, a crescendo through the last bar
    of a section (or into a main cut), a breakdown held back."""
    gain = 0.96 + 0.025 * bar.phrase_pos
    if nxt is None or nxt.section != bar.section or into_cut:
        gain *= 1.0 + 0.14 * progress
    if bar.section == "breakdown":
        gain *= 0.86
    return gain


class _Where:
    """Which bar a time falls in (bars are in time order)."""

    def __init__(self, bars: Sequence[Bar]) -> None:
        self.starts = [b.start for b in bars]

    def bar(self, t: float) -> int:
        """The index of the bar sounding at ``t``."""
        return max(0, bisect_right(self.starts, t + 1e-6) - 1)


def _protected(t: float, cuts: np.ndarray, final_hit: float) -> bool:
    """A note that marks a cut (or the final hit) keeps the time and velocity it was written with."""
    return (cuts.size > 0 and float(np.min(np.abs(cuts - t))) < CUT_GUARD) or t >= final_hit - 1e-6


def _shape_velocity(ctx: PartContext, where: _Where, note: Note, wobble: float, stem: str) -> float:
    """A note's velocity, breathing: metric accent × phrase shape × a player's unevenness."""
    bars = ctx.bars
    i = where.bar(note.start)
    bar = bars[i]
    nxt = bars[i + 1] if i + 1 < len(bars) else None
    pos = ctx.clock.beat(note.start) - bar.beat0
    into_cut = bar.beat0 + bar.nbeats in ctx.anchors
    progress = float(np.clip(pos / max(bar.nbeats, 1), 0, 1))
    v = note.vel * _metric_accent(pos) * _phrase_shape(bar, nxt, into_cut, progress) * wobble
    orchestra = ctx.cast.orchestra
    exponent = ctx.spec.dynamics if orchestra is None else orchestra.dynamics
    v *= (max(bar.level, 0.1) / _DYNAMICS_REF) ** (_DYNAMICS[stem] * exponent)
    if orchestra is not None and stem == "melody":
        v *= _ORCHESTRA_MELODY
    return float(np.clip(v, 0.05, 1.0))


def humanise(ctx: PartContext, notes: dict[str, list[Note]], cuts: Sequence[float]) -> None:
    """Every stem played by players, not a grid (in place). Notes struck together move together (a chord
    is one gesture), each by its voice's tendency; every velocity breathes. Draws from ``ctx.rng``: per
    stem in order, per onset a timing offset, then per note a velocity wobble."""
    if not ctx.bars:
        return
    where = _Where(ctx.bars)
    cut_arr = np.asarray(sorted(float(c) for c in cuts))
    looseness = ctx.spec.feel
    for stem in ("drums", "bass", "chords", "melody"):
        written = notes.get(stem, [])
        if not written:
            continue
        onsets = sorted({round(n.start, 6) for n in written})
        shift = dict(zip(onsets, np.clip(ctx.rng.standard_normal(len(onsets)), -2.5, 2.5), strict=True))
        wobble = np.exp(ctx.rng.normal(0.0, 0.06, len(written)))
        out: list[Note] = []
        for k, n in enumerate(written):
            if _protected(n.start, cut_arr, ctx.final_hit):
                out.append(n)
                continue
            mean, spread = _TIMING.get(n.instrument, _STEM_TIMING[stem])
            dt = (mean + spread * float(shift[round(n.start, 6)])) * looseness / 1000.0
            start = max(0.0, n.start + dt)
            out.append(replace(n, start=start, vel=_shape_velocity(ctx, where, n, float(wobble[k]), stem)))
        notes[stem] = out
