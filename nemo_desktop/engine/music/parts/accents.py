"""Cut accents: every cut scored as a hit point, after all the parts are written.

A beat that lands on a cut is no accent when every beat is as strong: the hit has to stand above its
neighbourhood. So each cut gets what a composer writes there: a short break before it (no new note starts
and every pitched note stops: the band takes a breath), and on the cut everyone strikes together — kick
and crash where the drums play (a tom in the cinematic kit, timpani in an orchestra), the style's bass (an
808, a saw bass) or a piano's low string an octave down, and a chord stab on a struck voice, its upper
notes doubled an octave up (to E5 at most) — and the hit rings for about a beat before the groove goes on.
Around a cut on its own, a busy drum groove (more struck notes than ``pulse.RATE`` a second) lays out its
off-beats, and a pitched part running as a dense ostinato (spiccato sixteenths) keeps to the eighths for
a moment either side, simplifying into the hit and out of it: where every sixteenth is an onset, a cut
moved by chance lands on one about as often as the real cut does. The hit's pitched notes are as loud as
the loudest note of the two seconds before the break, not louder than the whole piece: the accent reads
against its neighbourhood (``tests/cut_measures.py``). Anything still ringing through the break smears the
hit's onset a frame late (it must rise ~8 dB above what rings), hence the silence before it. A detector
that normalises to the loudest onset now hears the hits above the playing, so the playing's onsets a
second are read between the hits (``tests/sound_measures.texture_onset_rate``). The
hit sits exactly on the cut, on the beat or between beats, and the cue sheet reports it.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, replace

from nemo_desktop.engine.music.parts.context import Bar, PartContext
from nemo_desktop.engine.music.parts.pulse import PERCUSSIVE, RATE, pulse_voice
from nemo_desktop.engine.music.score import Note

__all__ = ["PERCUSSIVE", "HitPoint", "cut_accents", "hit_points"]

BREAK = (0.1, 0.25, 0.15)  # seconds of rest before a hit: (shortest, longest, longest for a lone cut);
# half a beat where it fits. A lone cut's struck notes ring into it, so a short break does there
RING = (0.25, 0.45)  # seconds a hit rings before the groove resumes: (shortest, longest); about a beat
AROUND = 0.2  # seconds before the break and after the ring where the drums keep to the beats …
ALONE = 2.5  # … around a cut this far from the others (between the cuts of a montage the groove is all
# there is between the hits: it plays on)
_STRUCK = PERCUSSIVE | {"spiccato"}  # what lays out the off-beats around a hit, with the drums
OSTINATO = (5.5, 0.7)  # (struck notes a second, seconds): a pitched part this dense within this long of a
# lone hit's break or ring keeps to the eighths there (suspense's spiccato sixteenths gave 4.8 strong onsets
# a second: a cut moved by chance hit one as often as 57 % of the time)
_EXACT = 0.003  # seconds: a note this near the cut is part of the hit
PICKUP = 0.06  # seconds before the break where the drums' last note (a pickup into the hit) stays
_STRUM = 0.03  # seconds after the cut a strummed chord's later strings still belong to the hit
_STRUMMED = frozenset({"strum", "chug"})  # the chord rhythms played with a pick
LOCAL = (1.0, 2.0)  # a hit's pitched notes at most this share of the loudest note in the seconds before its
# break: it stands above its neighbourhood, not above the whole piece
FLOOR = 0.3  # … and never softer than this (a cut early in a quiet intro has little before it to go by)
_STRUCK_BASS = frozenset({"bass_808", "saw_bass"})  # the genre basses with an attack of their own


@dataclass(frozen=True)
class HitPoint:
    """One cut as it is scored: when the band breaks off, the hit, and when the groove resumes."""

    cut: float
    rest_from: float  # the break before the hit starts here
    resume: float  # first time a new note may start after the hit
    main: bool  # an anchored cut (on a bar line): the full hit; else a lighter one
    alone: bool  # no other cut within ``ALONE`` s: room for the drums to lay out around it


def hit_points(ctx: PartContext, cuts: Sequence[float]) -> list[HitPoint]:
    """Each cut inside the piece with its break and ring, sized by the beat there and kept clear of the
    neighbouring cuts (a rapid montage gets short breaks and short rings)."""
    anchored = {round(ctx.clock.t(i), 6) for i in ctx.anchors}
    inside = [c for c in cuts if 0.2 < c < ctx.final_hit - 0.1]
    points: list[HitPoint] = []
    for k, c in enumerate(inside):
        beat = ctx.clock.t(ctx.clock.beat(c) + 1.0) - c
        before = c - inside[k - 1] if k else c
        after = (inside[k + 1] if k + 1 < len(inside) else ctx.final_hit) - c
        alone = min(before, after) >= ALONE
        rest = min(max(0.5 * beat, BREAK[0]), BREAK[2] if alone else BREAK[1], 0.3 * before)
        ring = min(max(beat, RING[0]), RING[1], 0.55 * after)
        points.append(HitPoint(c, c - rest, c + ring, round(c, 6) in anchored, alone))
    return points


def _off_beat(ctx: PartContext, t: float) -> bool:
    """A note away from the beat (an off-beat eighth, a sixteenth, a fill)."""
    b = ctx.clock.beat(t)
    return abs(b - round(b)) > 0.08


def _busy(notes: dict[str, list[Note]], h: HitPoint) -> bool:
    """Whether more struck notes than ``RATE`` a second sound around the hit (before its break, after
    its ring): then the off-beats lay out, so the hit is not one onset among many."""
    spans = ((h.rest_from - AROUND, h.rest_from), (h.resume, h.resume + AROUND))
    starts = {
        round(n.start, 2)
        for stem, written in notes.items()
        for n in written
        if stem == "drums" or n.instrument in _STRUCK
    }
    count = sum(1 for t in starts for a, b in spans if a <= t < b)
    return count > RATE * 2 * AROUND


def _off_eighth(ctx: PartContext, t: float) -> bool:
    """A note off the eighth-note grid (a sixteenth, a triplet)."""
    b = 2 * ctx.clock.beat(t)
    return abs(b - round(b)) > 0.16


def _near(h: HitPoint, t: float, span: float) -> bool:
    """Whether ``t`` lies within ``span`` s before the hit's break or after its ring."""
    return h.rest_from - span <= t < h.rest_from or h.resume <= t < h.resume + span


def _thin(ctx: PartContext, notes: list[Note], busy: Sequence[HitPoint], drums: bool) -> list[Note]:
    """The drums with their off-beats left out around the busy hits; a pitched part keeps its off-beats
    (a piece's onsets are mostly its own) unless it runs as a dense ostinato there: then it keeps to the
    eighths for ``OSTINATO[1]`` s either side, simplifying into the hit and out of it."""
    def around(t: float) -> bool:
        return any(h.rest_from - AROUND - PICKUP <= t < h.rest_from - PICKUP or h.resume <= t < h.resume + AROUND
                   for h in busy)

    rate, span = OSTINATO
    struck = {round(n.start, 2) for n in notes if n.instrument in _STRUCK} if not drums else set()
    dense = [h for h in busy if sum(1 for t in struck if _near(h, t, span)) >= rate * 2 * span]

    def simplified(n: Note) -> bool:
        return n.instrument in _STRUCK and _off_eighth(ctx, n.start) and any(_near(h, n.start, span) for h in dense)

    return [
        n for n in notes
        if not (drums and around(n.start) and _off_beat(ctx, n.start)) and not simplified(n)
    ]


def _clear(ctx: PartContext, notes: list[Note], hits: Sequence[HitPoint], drums: bool) -> list[Note]:
    """The stem with the breaks and rings made: notes that would start there are left out; every pitched
    note, struck or held, stops where the break starts (the silence before the hit is what makes its onset
    read on its frame; a pedalled piano or held strings ringing into it smeared the hit a frame late)."""
    out: list[Note] = []
    starts = sorted(n.start for n in notes)
    # a strummed chord's strings sound a few ms apart: the later ones belong to the chord (elsewhere a
    # chord rolled or played a little late is a new onset, which the break and the ring leave out)
    strum = _STRUM if ctx.spec.chord_rhythm in _STRUMMED else _EXACT
    for n in notes:
        on_cut = any(-_EXACT <= n.start - h.cut <= strum for h in hits)  # part of a hit: never left out
        first = starts[bisect_left(starts, n.start - strum)]  # the first string of a strum n may end
        keep = True
        for h in hits:
            strummed = first < h.rest_from  # a chord strummed just before the break keeps its later strings
            if not on_cut and not strummed and h.rest_from <= n.start < h.resume:
                keep = False
                break
            if n.start < h.rest_from < n.start + n.dur and not drums:
                n = replace(n, dur=max(0.05, h.rest_from - n.start))
        if keep:
            out.append(n)
    return out


def _bar_at(ctx: PartContext, t: float) -> Bar | None:
    """The bar sounding at ``t``."""
    return next((b for b in ctx.bars if b.start <= t + 1e-6 < b.end), None)


def _hit(ctx: PartContext, h: HitPoint, local: float = 1.0, bass: bool = True) -> dict[str, list[Note]]:
    """The notes struck on the cut: drums (where they play), the bass an octave low (where the bass plays
    in the bar: a bass the arrangement has laid out stays out), a chord stab."""
    bar = _bar_at(ctx, h.cut)
    if bar is None:
        return {}
    ring = h.resume - h.cut
    # a hit is as loud as the music around it: soft in a quiet intro, full at the peak
    strength = (0.9 if h.main else 0.85) * (0.55 + 0.45 * min(1.0, bar.level / 0.7))
    pitched = min(strength, max(LOCAL[0] * local, FLOOR))  # the drums' kick and crash mark the cut at full strength
    chord = bar.harmony()
    root = chord.root % 12
    notes: dict[str, list[Note]] = {"drums": [], "bass": [], "chords": []}
    if ctx.drums and bar.level >= 0.25:  # where the drums play
        drums = notes["drums"]
        drums.append(Note(h.cut, 0.3, 0, strength, "kick", 0.0))
        if bar.level >= 0.45:
            drums.append(Note(h.cut, max(ring, 1.0), 0, 0.9 * strength, "crash", 0.4))
        if ctx.spec.fill_voice == "tom":  # film music (and suspense): a tom under the crash
            drums.append(Note(h.cut, 0.3, 0, strength, "tom", -0.35))
    if ctx.cast.orchestra and ctx.cast.orchestra.timpani:
        notes["bass"].append(Note(h.cut, ring, 36 + root if root >= 4 else 48 + root, pitched, "timpani", 0.0))
    # the style's own bass where it strikes (an 808, a saw bass: the hip-hop or synthwave idiom), else a
    # piano's low string (a bowed or sub bass swells in too slowly to mark the cut)
    low = ctx.cast.bass if ctx.cast.bass in PERCUSSIVE | _STRUCK_BASS else "piano_bass"
    if bass:
        notes["bass"].append(Note(h.cut, ring, 24 + root if root >= 5 else 36 + root, 0.95 * pitched, low, 0.0))
    voice = pulse_voice(ctx)
    pitches = sorted({48 + root, *(60 + (root + i) % 12 for i in chord.intervals)})
    pitches += [p + 12 for p in pitches if 60 <= p and p + 12 <= 76]  # brightness: the onset reads on its frame
    notes["chords"] += [Note(h.cut, ring, p, 0.85 * pitched, voice, 0.0) for p in pitches]
    return notes


def cut_accents(ctx: PartContext, cuts: Sequence[float], notes: dict[str, list[Note]]) -> list[float]:
    """Score every cut as a hit point (in place): the break and the dip before it, the hit on it, the ring
    after it. Returns the hits' times (the cue sheet's real offsets are measured to these)."""
    hits = hit_points(ctx, cuts)
    if not hits:
        return []
    busy = [h for h in hits if h.alone and _busy(notes, h)]
    for stem in list(notes):
        notes[stem] = _clear(ctx, _thin(ctx, notes[stem], busy, stem == "drums"), hits, stem == "drums")
    for h in hits:
        near = [n.vel for stem in ("bass", "chords", "melody") for n in notes[stem]
                if h.rest_from - LOCAL[1] <= n.start < h.rest_from]
        bar = _bar_at(ctx, h.cut)
        bass = bar is not None and any(bar.start - _EXACT <= n.start < bar.end for n in notes["bass"])
        for stem, struck in _hit(ctx, h, max(near, default=1.0), bass).items():
            there = {(n.instrument, n.pitch) for n in notes[stem] if abs(n.start - h.cut) <= _EXACT}
            notes[stem] += [n for n in struck if (n.instrument, n.pitch) not in there]  # no doubled kick
    return [h.cut for h in hits]
