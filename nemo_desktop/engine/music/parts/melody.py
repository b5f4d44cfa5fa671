"""The melody part: a one-bar motif that repeats and varies over four-bar phrases, pulled onto chord
tones on strong beats, silent in the intro, halved in a breakdown, ending on the tonic at the final hit."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nemo_desktop.engine.music.parts.context import Bar, PartContext
from nemo_desktop.engine.music.score import Note
from nemo_desktop.engine.music.theory import nearest_in, scale_pitches

# where each orchestral voice sits (the seating); other melody voices sit at 0.2
_PANS = {"strings": -0.3, "cello": 0.35, "horn": 0.3, "trumpet": 0.25, "flute": 0.1, "oboe": 0.05, "clarinet": 0.15}

# (position in beats, length in beats, scale steps from the phrase's first note)
Motif = list[tuple[float, float, int]]


def _make_motif(rng: np.random.Generator, density: float) -> Motif:
    """One bar of melody as (beat position, length in beats, scale-step offset): the idea that repeats."""
    count = int(np.clip(round(density * 4 + rng.normal(0, 0.7)), 2, 7))
    slots = np.arange(8) / 2.0
    weights = np.array([3.0, 0.8, 2.0, 1.2, 2.5, 1.0, 1.6, 1.2])
    pos = np.sort(rng.choice(slots, size=count, replace=False, p=weights / weights.sum()))
    if pos[0] != 0.0 and rng.random() < 0.6:
        pos[0] = 0.0
        pos = np.unique(pos)
    steps = [0]
    for _ in range(len(pos) - 1):
        move = int(rng.choice([-2, -1, -1, 1, 1, 2, 3, -3, 0], p=[0.1, 0.2, 0.1, 0.2, 0.12, 0.1, 0.06, 0.06, 0.06]))
        if abs(steps[-1] + move) > 5:
            move = -move
        steps.append(steps[-1] + move)
    out = []
    for i, p in enumerate(pos):
        nxt = pos[i + 1] if i + 1 < len(pos) else 4.0
        out.append((float(p), float(max(0.4, nxt - p) * 0.95), steps[i]))
    return out


def _with_passing(motif: Motif) -> Motif:
    """Passing notes: where the line leaps a third or more across a beat or longer, the eighth before the
    next note steps into it (the line walks instead of jumping, and the bar has more to hear)."""
    out: Motif = []
    for i, (pos, length, step) in enumerate(motif):
        nxt = motif[i + 1] if i + 1 < len(motif) else None
        if nxt is None or nxt[0] - pos < 1.0 or abs(nxt[2] - step) < 2:
            out.append((pos, length, step))
            continue
        mid = nxt[0] - 0.5
        out.append((pos, (mid - pos) * 0.95, step))
        out.append((mid, 0.45, nxt[2] - int(np.sign(nxt[2] - step))))
    return out


def _vary(motif: Motif, rng: np.random.Generator) -> Motif:
    """The same idea, changed a little: a different last step, or the tail inverted."""
    m = list(motif)
    if len(m) >= 2:
        pos, length, step = m[-1]
        m[-1] = (pos, length, step + int(rng.choice([-2, -1, 1, 2])))
    if len(m) >= 4 and rng.random() < 0.4:
        pivot = m[1][2]
        m = m[:2] + [(p, ln, 2 * pivot - s) for p, ln, s in m[2:]]
    return m


def _phrase_plan(ctx: PartContext) -> list[Motif]:
    """The motif for each bar of a four-bar phrase: A A' A B, or A B A' B'."""
    rng, density = ctx.rng, ctx.spec.melody_density
    motif_a = _make_motif(rng, density)
    motif_b = _make_motif(rng, density * 1.2)
    plan = [motif_a, _vary(motif_a, rng), motif_a, motif_b]
    if rng.random() < 0.5:
        plan = [motif_a, motif_b, _vary(motif_a, rng), _vary(motif_b, rng)]
    return [_with_passing(m) for m in plan]


def _bar_notes(
    ctx: PartContext, bar: Bar, motif: Motif, scale: Sequence[int], last_pitch: int
) -> tuple[list[Note], int]:
    """One bar of the motif, starting from the chord tone nearest the last note; returns the notes and
    the new last pitch (the line continues from it)."""
    chord = bar.harmony()
    if bar.section == "breakdown":
        motif = motif[: max(1, len(motif) // 2)]
    chord_tones = [p for p in scale if p % 12 in chord.pcs] or list(scale)
    start_pitch = nearest_in(last_pitch, chord_tones)
    base_idx = scale.index(start_pitch) if start_pitch in scale else len(scale) // 2
    vel = 0.55 + 0.35 * bar.level
    last_bar = bar is ctx.bars[-1]
    notes: list[Note] = []
    for k, (pos, length, step) in enumerate(motif):
        if pos >= bar.nbeats - 1e-6:
            continue
        p = scale[int(np.clip(base_idx + step, 0, len(scale) - 1))]
        strong = abs(pos - round(pos)) < 1e-6 and int(round(pos)) % 2 == 0
        if strong:
            p = nearest_in(p, chord_tones)
        if last_bar and k == len(motif) - 1:
            p = nearest_in(p, [q for q in scale if q % 12 in chord.pcs[:3]] or scale)
        off = pos - int(pos)
        pos_sw = pos + (ctx.swing * 0.3 if abs(off - 0.5) < 1e-6 else 0.0)
        t0 = ctx.clock.t(bar.beat0 + pos_sw)
        t1 = ctx.clock.t(bar.beat0 + min(pos + length, bar.nbeats))
        voice = _voice(ctx, bar)
        notes.append(Note(t0, max(0.08, t1 - t0), p, vel * (1.0 if strong else 0.85), voice, _PANS.get(voice, 0.2)))
        last_pitch = p
    return notes, last_pitch


def _voice(ctx: PartContext, bar: Bar) -> str:
    """Who sings this bar: the cast's melody voice, or in an orchestra a woodwind in quiet passages (a new
    one each phrase), the lead (violins, celli) from the middle, the climax lead (horn, trumpet) at the top."""
    band = ctx.cast.orchestra
    turns = ctx.spec.melody_turns
    if band is None and turns and ctx.cast.melody == ctx.spec.melody_instrument:
        return turns[(bar.index // 4) % len(turns)]  # the style's voices take a phrase each
    if band is None:
        return ctx.cast.melody
    if bar.level < 0.5 and band.winds:
        return band.winds[(bar.index // 4) % len(band.winds)]
    return band.climax_lead if bar.level >= 0.72 else band.lead


def _register(ctx: PartContext) -> tuple[int, int]:
    """The melody's range: high voices an octave-ish above the chords, the rest lower, celli lower still."""
    band = ctx.cast.orchestra
    if band is not None:
        return (50, 74) if band.lead == "cello" else (60, 84)
    high_voices = ("bell", "lead", "pluck", "piano", "glockenspiel", "dizi", "marimba", "celesta")
    return (62, 84) if ctx.cast.melody in high_voices else (57, 79)


def melody_part(ctx: PartContext) -> list[Note]:
    """The melody stem, phrase by phrase, ending on the tonic at the final hit."""
    voice = ctx.cast.melody if ctx.cast.orchestra is None else ctx.cast.orchestra.lead
    low, high = _register(ctx)
    scale = scale_pitches(ctx.tonic, f"{ctx.mode}_{ctx.spec.melody_scale}" if ctx.spec.melody_scale else ctx.mode,
                          low, high)
    phrase_plan = _phrase_plan(ctx)
    notes: list[Note] = []
    last_pitch = scale[len(scale) // 2]
    for bar in ctx.bars:
        if bar.section == "intro" or (bar.section == "build" and bar.level < 0.45):
            continue
        bar_notes, last_pitch = _bar_notes(ctx, bar, phrase_plan[bar.phrase_pos % 4], scale, last_pitch)
        notes += bar_notes
    tonic_tones = [p for p in scale if p % 12 == ctx.home.root] or scale
    end = ctx.final_hit
    notes.append(Note(end, max(0.2, ctx.duration - end), nearest_in(last_pitch, tonic_tones), 0.7, voice, 0.1))
    return notes
