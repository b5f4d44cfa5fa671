"""The chords part: one voicing per bar, led smoothly from the last, played in the style's rhythm,
with an optional pad underneath; and the closing chord that rings out after the final hit."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from nemo_desktop.engine.music.parts.bass import bass_pitch
from nemo_desktop.engine.music.parts.context import Bar, PartContext
from nemo_desktop.engine.music.score import Note
from nemo_desktop.engine.music.theory import voice_lead


@dataclass(frozen=True)
class BarChord:
    """One bar's chord as the rhythm sees it: where it sounds, how loud, and the seed's pattern variant."""

    bar: Bar
    voicing: tuple[int, ...]
    vel: float
    strikes: list[float]  # beat positions to strike: the downbeat and any anchored cut inside the bar
    variant: int


def _sustain(ctx: PartContext, c: BarChord) -> list[Note]:
    """Held chords, struck again on every cut inside the bar."""
    notes: list[Note] = []
    bar, voice = c.bar, ctx.cast.chords
    for k, s in enumerate(c.strikes):
        e = c.strikes[k + 1] if k + 1 < len(c.strikes) else bar.nbeats
        t0, t1 = ctx.clock.t(bar.beat0 + s), ctx.clock.t(bar.beat0 + e)
        for j, p in enumerate(c.voicing):
            notes.append(Note(t0 + 0.004 * j, t1 - t0 + 0.05, p, c.vel * 0.8, voice, (j - 1.5) * 0.25))
    return notes


def broken(ctx: PartContext, c: BarChord, voice: str | None = None) -> list[Note]:
    """An arpeggio at the style's rate (``broken_rate``: eighths, or triplets when it flows; slower when
    quiet), in one of three orders, on the chords' voice or ``voice``."""
    bar, voicing = c.bar, c.voicing
    steps = (
        [0, 2, 1, 3, 2, 1, 3, 2]
        if c.variant == 0
        else ([0, 1, 2, 3, 2, 1, 2, 3] if c.variant == 1 else [0, 2, 3, 1, 2, 3, 1, 2])
    )
    per_beat = ctx.spec.broken_rate[1 if bar.level >= 0.4 else 0]
    notes: list[Note] = []
    for k in range(bar.nbeats * per_beat):
        pos = k / per_beat
        pos_sw = pos + (ctx.swing * 0.3 if per_beat == 2 and k % 2 else 0.0)  # triplets do not swing
        t0 = ctx.clock.t(bar.beat0 + pos_sw)
        p = voicing[steps[k % len(steps)] % len(voicing)]
        accent = 1.0 if k % per_beat == 0 else 0.9
        notes.append(Note(t0, bar.end - t0 + 0.2, p, c.vel * 0.85 * accent, voice or ctx.cast.chords, (p - 64) / 30))
    return notes


def _comp(ctx: PartContext, c: BarChord) -> list[Note]:
    """A keyboard player's lazy comping: the chord on one, pushed on the "and" of two, again on four (plus
    every cut), each rolled a few ms low to high and held to the next."""
    bar = c.bar
    hits = sorted({p for p in (0.0, 1.5, 3.0) if p < bar.nbeats} | set(c.strikes))
    notes: list[Note] = []
    for k, pos in enumerate(hits):
        end = hits[k + 1] if k + 1 < len(hits) else bar.nbeats
        t0 = ctx.clock.t(bar.beat0 + pos + (ctx.swing * 0.3 if pos % 1 else 0.0))
        d = ctx.clock.t(bar.beat0 + end) - t0
        vel = c.vel * (0.9 if pos == 0 else 0.72)
        notes += [Note(t0 + 0.008 * j, d, p, vel, ctx.cast.chords, (j - 1.5) * 0.3) for j, p in enumerate(c.voicing)]
    return notes


def _stabs(ctx: PartContext, c: BarChord) -> list[Note]:
    """Short chords on a syncopated eighth pattern, plus one on every cut."""
    bar = c.bar
    grid = "x..x..x." if c.variant == 0 else ("x.x..x.x" if c.variant == 1 else "x..x.x..")
    hits = [k for k in range(bar.nbeats * 2) if grid[k % 8] == "x"]
    hits = sorted(set(hits) | {int(s * 2) for s in c.strikes})
    notes: list[Note] = []
    for k in hits:
        pos = k / 2 + (ctx.swing * 0.3 if k % 2 else 0.0)
        t0 = ctx.clock.t(bar.beat0 + pos)
        d = ctx.clock.t(bar.beat0 + pos + 0.7) - t0
        for j, p in enumerate(c.voicing):
            notes.append(Note(t0, d, p, c.vel * (0.85 if k % 2 else 1.0), ctx.cast.chords, (j - 1.5) * 0.3))
    return notes


def _strum(ctx: PartContext, c: BarChord) -> list[Note]:
    """A guitar strum pattern: down strokes low to high, up strokes back, a few ms between strings."""
    bar = c.bar
    pattern = "D.DU.UDU" if c.variant != 1 else "D.D.DUDU"
    notes: list[Note] = []
    for k in range(bar.nbeats * 2):
        ch = pattern[k % 8]
        if ch == ".":
            continue
        t0 = ctx.clock.t(bar.beat0 + k / 2 + (ctx.swing * 0.3 if k % 2 else 0.0))
        order = c.voicing if ch == "D" else c.voicing[::-1]
        d = ctx.clock.t(bar.beat0 + k / 2 + 1.0) - t0
        for j, p in enumerate(order):
            vel = c.vel * (0.95 if ch == "D" else 0.7)
            notes.append(Note(t0 + 0.012 * j, d, p, vel, ctx.cast.chords, (p - 62) / 40))
    return notes


def _chug(ctx: PartContext, c: BarChord) -> list[Note]:
    """Power chords (root, fifth, octave, low) chugged in eighths, palm-muted short, the downbeats open and
    hard: the rock guitar. Cuts inside the bar are struck like downbeats."""
    bar = c.bar
    root = bass_pitch(bar.harmony().root, 40)
    shape = (root, root + 7, root + 12)
    hits = sorted({k / 2 for k in range(bar.nbeats * 2)} | set(c.strikes))
    notes: list[Note] = []
    for k, pos in enumerate(hits):
        open_hit = pos in c.strikes or (pos == int(pos) and int(pos) % 2 == 0)
        end = hits[k + 1] if k + 1 < len(hits) else bar.nbeats
        t0 = ctx.clock.t(bar.beat0 + pos)
        d = (ctx.clock.t(bar.beat0 + end) - t0) * (0.95 if open_hit else 0.45)
        vel = c.vel * (1.0 if open_hit else 0.75)
        notes += [Note(t0 + 0.006 * j, d, p, vel, ctx.cast.chords, (-0.7, 0.7, 0.0)[j]) for j, p in enumerate(shape)]
    return notes


_RHYTHMS: dict[str, Callable[[PartContext, BarChord], list[Note]]] = {
    "chug": _chug,
    "sustain": _sustain,
    "broken": broken,
    "stabs": _stabs,
    "comp": _comp,
    "strum": _strum,
}


def _pad(ctx: PartContext, bar: Bar, voicing: Sequence[int]) -> list[Note]:
    """The pad holds the upper voices an octave down where they sit high, spread across the stereo field,
    in the bars the arrangement gives it."""
    pad = ctx.cast.pad
    if not pad or not bar.plays("pad"):
        return []
    return [
        Note(
            bar.start,
            bar.end - bar.start + 0.1,
            p - 12 if p > 64 else p,
            0.3 + 0.25 * bar.level,
            pad,
            (-0.6, 0.0, 0.6)[j % 3],
        )
        for j, p in enumerate(voicing[1:])
    ]


def strikes_in(ctx: PartContext, bar: Bar) -> list[float]:
    """Beat positions in ``bar`` where a chord is struck: its downbeat and every anchored cut inside it."""
    return [0.0] + [float(i - bar.beat0) for i in sorted(ctx.anchors) if bar.beat0 < i < bar.beat0 + bar.nbeats]


def chord_part(ctx: PartContext) -> list[Note]:
    """The chords stem, bar by bar, where the arrangement has the chords (and the pad) play. Quiet, thin
    bars and intros hold their chords instead of stabbing or strumming."""
    notes: list[Note] = []
    prev: tuple[int, ...] | None = None
    low, high = (48, 72) if ctx.cast.chords in ("guitar", "strings", "pad", "warm_pad") else (52, 76)
    if ctx.spec.chord_register and ctx.cast.chords == ctx.spec.chord_instrument:
        low, high = ctx.spec.chord_register
    rhythm = ctx.spec.chord_rhythm
    variant = int(ctx.rng.integers(0, 3))
    for bar in ctx.bars:
        voicing = voice_lead(bar.harmony().pcs, prev, low=low, high=high, voices=4)
        prev = voicing
        strikes = strikes_in(ctx, bar)
        sparse = bar.level < 0.42 or bar.section == "intro" or bar.density < 0.8
        held = rhythm == "sustain" or (sparse and rhythm in ("stabs", "strum", "comp", "chug"))
        play = _RHYTHMS.get("sustain" if held else rhythm)  # a rhythm without a player leaves only the pad
        if play is not None and bar.plays("chords"):
            notes += play(ctx, BarChord(bar, voicing, 0.45 + 0.4 * bar.level, strikes, variant))
        notes += _pad(ctx, bar, voicing)
    return notes


def final_chord(ctx: PartContext, prev: tuple[int, ...] | None) -> tuple[list[Note], list[Note]]:
    """The home chord (chords stem) and its root (bass stem) on the final hit, ringing to the end;
    voiced from the last chord played so the ending does not jump."""
    ring = max(0.2, ctx.duration - ctx.final_hit)
    v = 0.55 if ctx.fade_out else 0.85
    voicing = voice_lead(ctx.home.pcs[:3], prev, low=50, high=76, voices=4)
    hit, voice, pad = ctx.final_hit, ctx.cast.chords, ctx.cast.pad
    chords = [Note(hit + 0.006 * j, ring, p, v, voice, (j - 1.5) * 0.3) for j, p in enumerate(voicing)]
    if pad:
        chords += [
            Note(hit, ring, p - 12 if p > 64 else p, v * 0.5, pad, (-0.5, 0.5)[j % 2])
            for j, p in enumerate(voicing[1:])
        ]
    bass = [Note(hit, ring, bass_pitch(ctx.home.root), v, ctx.cast.bass, 0.0)]
    return chords, bass
