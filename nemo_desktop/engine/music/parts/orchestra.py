"""The chords and bass as an orchestra plays them (styles with an ``Orchestra``): who plays follows energy.

Quiet bars: a harp (or celesta, or piano) breaks the chord into eighths over strings that swell in slowly.
From the middle up the strings hold legato chords, and when the music drives they add a spiccato ostinato;
at the climaxes brass chords and a choir join. A main cut is prepared by a tremolo swell in the strings
and a timpani roll, and struck by the timpani. The bass is the double basses, doubled by the celli an
octave up as the energy rises. The seating sets the pans: violins left, celli and basses right, brass
right of centre, harp left.
"""

from __future__ import annotations

from nemo_desktop.engine.music.parts.bass import bass_pitch, rhythm_events
from nemo_desktop.engine.music.parts.chords import BarChord, broken, strikes_in
from nemo_desktop.engine.music.parts.context import Bar, PartContext
from nemo_desktop.engine.music.score import Note
from nemo_desktop.engine.music.styles import Orchestra
from nemo_desktop.engine.music.theory import voice_lead

QUIET, CLIMAX = 0.5, 0.72  # energy below QUIET is a quiet bar, from CLIMAX up a climax
DRIVE = 0.62  # from here the ostinato runs in sixteenths
_TIMPANI_RANGE = (40, 52)  # E2–E3: the kettles' notes


def _band(ctx: PartContext) -> Orchestra:
    assert ctx.cast.orchestra is not None
    return ctx.cast.orchestra


def _into_cut(ctx: PartContext, bar: Bar) -> bool:
    """Whether the next bar starts on an anchored (main) cut."""
    return bar.beat0 + bar.nbeats in ctx.anchors


def _held(ctx: PartContext, c: BarChord, voice: str, vel: float, pans: float) -> list[Note]:
    """A bowed or sung chord held through the bar (a little past it: legato), bowed again on each cut."""
    bar = c.bar
    notes: list[Note] = []
    for k, s in enumerate(c.strikes):
        e = c.strikes[k + 1] if k + 1 < len(c.strikes) else bar.nbeats
        t0, t1 = ctx.clock.t(bar.beat0 + s), ctx.clock.t(bar.beat0 + e)
        for j, p in enumerate(c.voicing):
            notes.append(Note(t0, t1 - t0 + 0.15, p, vel, voice, (j - 1.5) * pans))
    return notes


def _ostinato(ctx: PartContext, c: BarChord, voice: str) -> list[Note]:
    """Short repeated notes on the lower voices (root, root, fifth, octave…): the drive, in eighths, in
    sixteenths once the music is near its climax. It breathes just before each cut and bites on it, so
    the cut is heard through the motion."""
    bar, v = c.bar, c.voicing
    per_beat = 4 if bar.level >= DRIVE else 2
    figure = (v[0], v[0], v[1], v[0] + 12, v[0], v[1], v[0] + 12, v[1])
    step = (ctx.clock.t(bar.beat0 + 1) - ctx.clock.t(bar.beat0)) / per_beat
    cuts = [cut for cut in ctx.cuts if bar.start - 0.3 < cut < bar.end + 0.3]
    notes: list[Note] = []
    for k in range(bar.nbeats * per_beat):
        t = ctx.clock.t(bar.beat0 + k / per_beat)
        if any(0.03 < cut - t < 0.25 for cut in cuts):
            continue  # the breath before the hit
        hit = any(abs(cut - t) <= 0.03 for cut in cuts)
        vel = 1.0 if hit else c.vel * (0.85 if k % per_beat == 0 else 0.68)
        notes.append(Note(t, step * 0.6, figure[k % 8], vel, voice, -0.25))
    return notes


def _tremolo(ctx: PartContext, c: BarChord, voice: str) -> list[Note]:
    """A swell into the next bar's main cut: the upper voices tremolo over the last two beats, louder every
    half beat, ending on the cut."""
    bar = c.bar
    beats = min(2, bar.nbeats)
    first = bar.nbeats - beats
    notes: list[Note] = []
    for k in range(beats * 2):
        pos = first + k / 2
        t0, t1 = ctx.clock.t(bar.beat0 + pos), ctx.clock.t(bar.beat0 + pos + 0.5)
        vel = 0.35 + 0.6 * (k + 1) / (beats * 2)
        notes += [Note(t0, t1 - t0 + 0.02, p, vel, voice, (j - 0.5) * 0.5) for j, p in enumerate(c.voicing[-2:])]
    return notes


def _bar_chords(ctx: PartContext, c: BarChord) -> list[Note]:
    """One bar of the orchestra's chords, by the bar's energy."""
    band, bar, level = _band(ctx), c.bar, c.bar.level
    notes: list[Note] = []
    if band.arps and level < band.arp_until:
        notes += broken(ctx, c, band.arps[(bar.index // 4) % len(band.arps)])
    strings = band.soft if level < QUIET else band.legato
    driving = band.ostinato is not None and level >= 0.4 and bar.section != "intro" and bar.density >= 0.8
    # under an ostinato the held chord steps back: the bite of the short notes carries the bar
    loud = 0.4 if driving else (0.55 if level < QUIET else 0.7)
    notes += _held(ctx, c, strings, c.vel * loud * band.held, 0.45)
    if band.ostinato and driving:
        notes += _ostinato(ctx, c, band.ostinato)
    if level >= CLIMAX:
        if band.brass:
            low = tuple(p - 12 if p > 67 else p for p in c.voicing)
            notes += _held(ctx, BarChord(bar, low, c.vel, c.strikes, c.variant), band.brass, c.vel * 0.8, 0.15)
        if band.choir:
            notes += _held(ctx, BarChord(bar, c.voicing[1:], c.vel, c.strikes, c.variant), band.choir, 0.5, 0.5)
    if band.tremolo and level >= 0.35 and _into_cut(ctx, bar):
        notes += _tremolo(ctx, c, band.tremolo)
    return notes


def orchestral_chords(ctx: PartContext) -> list[Note]:
    """The chords stem played by the orchestra, bar by bar (voices led smoothly, as ``chord_part``)."""
    notes: list[Note] = []
    prev: tuple[int, ...] | None = None
    variant = int(ctx.rng.integers(0, 3))
    for bar in ctx.bars:
        voicing = voice_lead(bar.harmony().pcs, prev, low=48, high=74, voices=4)
        prev = voicing
        if bar.plays("chords"):
            notes += _bar_chords(ctx, BarChord(bar, voicing, 0.45 + 0.4 * bar.level, strikes_in(ctx, bar), variant))
    return notes


def _timpani_pitch(pc: int) -> int:
    """The kettle tuned to pitch class ``pc``."""
    lo = _TIMPANI_RANGE[0]
    return lo + ((pc - lo) % 12)


def _timpani(ctx: PartContext, bar: Bar) -> list[Note]:
    """A hit on each main cut in (or starting) the bar, and a roll over the beat into the next one."""
    if bar.level < 0.4:
        return []
    root = _timpani_pitch(bar.harmony().root)
    notes = [
        Note(ctx.clock.t(i), 1.2, root, 0.6 + 0.35 * bar.level, "timpani", 0.1)
        for i in sorted(ctx.anchors)
        if bar.beat0 <= i < bar.beat0 + bar.nbeats
    ]
    if _into_cut(ctx, bar) and bar.level >= 0.5:
        strokes = 16  # a tremolo roll swelling from soft: six distinct strokes were onsets a cut moved by
        # chance landed on as often as the real one
        first = bar.beat0 + bar.nbeats - 1
        for k in range(strokes):
            t = ctx.clock.t(first + k / strokes)
            notes.append(Note(t, 0.3, root, 0.12 + 0.4 * (k / strokes) ** 2, "timpani", 0.1))
    return notes


def orchestral_bass(ctx: PartContext) -> list[Note]:
    """The bass stem: the basses in the style's bass rhythm (a held pedal where it waits), the celli
    doubling them an octave up from the middle energy, and the timpani."""
    band = _band(ctx)
    low, double = band.low
    notes: list[Note] = []
    for n, bar in enumerate(ctx.bars):
        if not bar.plays("bass"):
            continue  # the arrangement rests the low end (a breakdown)
        # where the bass line waits (a quiet intro) the basses hold a low pedal: the floor of the sound
        pedal = [(bar.start, bar.end - bar.start + 0.1, bass_pitch(bar.harmony().root), 0.5)]
        for t0, dur, pitch, vel in rhythm_events(ctx, n) or pedal:
            notes.append(Note(t0, dur, pitch, vel, low, 0.3))
            if double and bar.level >= QUIET:
                notes.append(Note(t0, dur, pitch + 12, vel * 0.8, double, 0.4))
        if band.timpani:
            notes += _timpani(ctx, bar)
    return notes


def orchestral_final(ctx: PartContext, prev: tuple[int, ...] | None) -> tuple[list[Note], list[Note]]:
    """The home chord on the final hit: strings (and brass, when the piece ends loud) in the chords stem;
    the basses and a timpani stroke in the bass stem."""
    band = _band(ctx)
    ring = max(0.2, ctx.duration - ctx.final_hit)
    v = 0.55 if ctx.fade_out else 0.85
    hit = ctx.final_hit
    voicing = voice_lead(ctx.home.pcs[:3], prev, low=50, high=76, voices=4)
    chords = [Note(hit, ring, p, v * 0.85, band.legato, (j - 1.5) * 0.35) for j, p in enumerate(voicing)]
    loud = bool(ctx.bars) and ctx.bars[-1].level >= QUIET and not ctx.fade_out
    if band.brass and loud:
        chords += [Note(hit, ring, p - 12 if p > 67 else p, v * 0.7, band.brass, 0.15) for p in voicing[:3]]
    bass = [Note(hit, ring, bass_pitch(ctx.home.root), v, band.low[0], 0.3)]
    if band.timpani and loud:
        bass.append(Note(hit, min(ring, 2.5), _timpani_pitch(ctx.home.root), 0.9, "timpani", 0.1))
    return chords, bass
