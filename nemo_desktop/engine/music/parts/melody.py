"""The melody part: a one-bar motif that repeats and varies over four-bar phrases, pulled onto chord
tones on strong beats, restated section by section (varied in a later main, at half speed in a breakdown),
playing where the arrangement has it, in the register it gives (a build rises), never one pitch more than
three times in a row, ending on the tonic at the final hit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from nemo_desktop.engine.music.parts.context import Bar, PartContext
from nemo_desktop.engine.music.score import Note
from nemo_desktop.engine.music.theory import nearest_in, scale_pitches

# where each orchestral voice sits (the seating); other melody voices sit at 0.2
_PANS = {"strings": -0.3, "cello": 0.35, "horn": 0.3, "trumpet": 0.25, "flute": 0.1, "oboe": 0.05, "clarinet": 0.15}

MAX_REPEATS = 3  # the most times one pitch sounds in a row in the line, unless the style says otherwise

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


@dataclass
class _Line:
    """Where the melody is: its last pitch and how many times in a row it has sounded."""

    pitch: int
    run: int = 0
    limit: int = MAX_REPEATS  # a style that hammers a note on purpose raises it (``extra["repeats"]``)

    def step(self, p: int, scale: Sequence[int], allowed: Sequence[int], centre: int) -> int:
        """``p``, unless it would be heard more than ``limit`` times in a row: then the nearest other pitch of
        ``allowed`` (chord tones on strong beats) or of the scale, toward the register's centre."""
        if p == self.pitch and self.run >= self.limit:
            near = [q for q in allowed if q != p and abs(q - p) <= 5]
            others = near or [q for q in allowed if q != p] or [q for q in scale if q != p]
            p = min(others, key=lambda q: (abs(q - p), abs(q - centre)))
        self.run = self.run + 1 if p == self.pitch else 1
        self.pitch = p
        return p


def _bar_notes(
    ctx: PartContext, bar: Bar, motif: Motif, scale: Sequence[int], line: _Line, until: float
) -> list[Note]:
    """One bar of the motif, starting from the chord tone nearest the line's last note pulled toward the
    bar's register (the centre, raised by the arrangement's lift), up to beat ``until``; a thin bar plays
    every other note."""
    chord = bar.harmony()
    if bar.section == "breakdown":
        motif = motif[: max(1, len(motif) // 2)]
    if bar.density < 0.8 and len(motif) > 2:
        motif = motif[::2]
    chord_tones = [p for p in scale if p % 12 in chord.pcs] or list(scale)
    centre = scale[len(scale) // 2] + bar.lift
    start_pitch = nearest_in(round(0.6 * line.pitch + 0.4 * centre), chord_tones)
    base_idx = scale.index(start_pitch) if start_pitch in scale else len(scale) // 2
    vel = 0.55 + 0.35 * bar.level
    last_bar = bar is ctx.bars[-1]
    notes: list[Note] = []
    for k, (pos, length, step) in enumerate(motif):
        if pos >= until - 1e-6:
            continue
        p = scale[int(np.clip(base_idx + step, 0, len(scale) - 1))]
        strong = abs(pos - round(pos)) < 1e-6 and int(round(pos)) % 2 == 0
        allowed: Sequence[int] = scale
        if strong:
            p, allowed = nearest_in(p, chord_tones), chord_tones
        if last_bar and k == len(motif) - 1:
            allowed = [q for q in scale if q % 12 in chord.pcs[:3]] or scale
            p = nearest_in(p, allowed)
        p = line.step(p, scale, allowed, centre)
        off = pos - int(pos)
        pos_sw = pos + (ctx.swing * 0.3 if abs(off - 0.5) < 1e-6 else 0.0)
        t0 = ctx.clock.t(bar.beat0 + pos_sw)
        t1 = ctx.clock.t(bar.beat0 + min(pos + length, bar.nbeats))
        voice = _voice(ctx, bar)
        notes.append(Note(t0, max(0.08, t1 - t0), p, vel * (1.0 if strong else 0.85), voice, _PANS.get(voice, 0.2)))
    return notes


def _augmented(motif: Motif) -> Motif:
    """The motif at half speed (its first half fills the bar): how a breakdown remembers the tune."""
    return [(pos * 2, length * 2, step) for pos, length, step in motif if pos * 2 < 4.0]


def _restated(plan: list[Motif], section: str, occurrence: int, rng: np.random.Generator) -> list[Motif]:
    """The phrase plan as this section states it: the first main as written, a later one varied, a
    breakdown at half speed, the rest as written."""
    if section == "breakdown":
        return [_augmented(m) or m for m in plan]
    if section == "main" and occurrence:
        return [_with_passing(_vary(m, rng)) for m in plan]
    return plan


def _voice(ctx: PartContext, bar: Bar) -> str:
    """Who sings this bar: the cast's melody voice, or in an orchestra a woodwind in quiet passages (a new
    one each phrase), the lead (violins, celli) from the middle, the climax lead (horn, trumpet) at the top."""
    band = ctx.cast.orchestra
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
    return (62, 84) if ctx.cast.melody in ("bell", "lead", "pluck", "piano") else (57, 79)


def _pickup(ctx: PartContext, bar: Bar, nxt: Bar, scale: Sequence[int], line: _Line) -> list[Note]:
    """The transition where no drums fill: the bar's last beat is two eighths that step into the next
    bar's chord (from the side the line is on), a little louder each."""
    target = nearest_in(line.pitch, [p for p in scale if p % 12 in nxt.harmony().pcs] or list(scale))
    d = 1 if target >= line.pitch else -1
    i = scale.index(target)
    voice = _voice(ctx, bar)
    vel = 0.55 + 0.35 * bar.level
    out: list[Note] = []
    for k, back in enumerate((2, 1)):
        p = line.step(scale[int(np.clip(i - back * d, 0, len(scale) - 1))], scale, scale, target)
        t0 = ctx.clock.t(bar.beat0 + bar.nbeats - 1 + 0.5 * k)
        t1 = ctx.clock.t(bar.beat0 + bar.nbeats - 0.5 + 0.5 * k)
        out.append(Note(t0, max(0.08, (t1 - t0) * 0.9), p, vel * (0.8 + 0.1 * k), voice, _PANS.get(voice, 0.2)))
    return out


def melody_part(ctx: PartContext) -> list[Note]:
    """The melody stem, phrase by phrase where the arrangement has it, the motif restated section by
    section, a pickup into the next phrase where the arrangement marks a transition and no drums fill it;
    no pitch more than ``MAX_REPEATS`` times in a row; ending on the tonic at the final hit."""
    voice = ctx.cast.melody if ctx.cast.orchestra is None else ctx.cast.orchestra.lead
    low, high = _register(ctx)
    scale = scale_pitches(ctx.tonic, ctx.mode, low, high)
    phrase_plan = _phrase_plan(ctx)
    notes: list[Note] = []
    line = _Line(scale[len(scale) // 2], limit=int(ctx.spec.extra.get("repeats", MAX_REPEATS)))
    seen: dict[str, int] = {}
    plan, section = phrase_plan, ""
    for bar in ctx.bars:
        if bar.section != section:
            section = bar.section
            plan = _restated(phrase_plan, section, seen.get(section, 0), ctx.rng)
            seen[section] = seen.get(section, 0) + 1
        if bar.plays("melody"):
            nxt = ctx.bars[bar.index + 1] if bar.index + 1 < len(ctx.bars) else None
            pickup = bool(bar.fill) and not ctx.drums and nxt is not None and bar.nbeats >= 2
            until = bar.nbeats - 1 if pickup else bar.nbeats
            notes += _bar_notes(ctx, bar, plan[bar.phrase_pos % 4], scale, line, until)
            if pickup and nxt is not None:
                notes += _pickup(ctx, bar, nxt, scale, line)
    tonic_tones = [p for p in scale if p % 12 == ctx.home.root] or scale
    end = ctx.final_hit
    last = line.step(nearest_in(line.pitch, tonic_tones), scale, tonic_tones, line.pitch)
    notes.append(Note(end, max(0.2, ctx.duration - end), last, 0.7, voice, 0.1))
    return notes
