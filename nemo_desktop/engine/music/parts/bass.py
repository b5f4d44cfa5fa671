"""The bass part: the chord roots in the style's rhythm (whole notes when quiet), struck again on cuts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from nemo_desktop.engine.music.parts.context import Bar, PartContext
from nemo_desktop.engine.music.score import Note

# (position in beats, length in beats, MIDI pitch, velocity)
_Event = tuple[float, float, int, float]


def bass_pitch(pc: int, low: int = 33) -> int:
    """Pitch class → the bass register: the lowest such pitch from ``low`` (A1) up."""
    return low + ((pc - low) % 12)


@dataclass(frozen=True)
class _BassBar:
    """One bar as the bass sees it: its root, the fifth, the next bar's root (to lead into it), loudness."""

    bar: Bar
    root: int
    fifth: int
    nxt: int  # pitch class of the next bar's root
    vel: float
    swing: float


def _whole(b: _BassBar) -> list[_Event]:
    """The root held for the whole bar: the calm styles, and any bar too quiet to drive."""
    return [(0.0, b.bar.nbeats, b.root, b.vel)]


def _half(b: _BassBar) -> list[_Event]:
    """Root, then fifth on beat three: movement without busyness."""
    span = b.bar.nbeats
    events: list[_Event] = [(0.0, min(2, span), b.root, b.vel)]
    if span > 2:
        events.append((2.0, span - 2, b.fifth, b.vel * 0.85))
    return events


def _eighths(b: _BassBar) -> list[_Event]:
    """Driving eighths on the root; in a loud bar the last one steps toward the next root."""
    span, root, nxt = b.bar.nbeats, b.root, b.nxt
    events: list[_Event] = []
    for k in range(span * 2):
        p = root
        if k == span * 2 - 1 and b.bar.level > 0.6:
            p = bass_pitch(nxt) + (1 if (nxt - b.bar.harmony().root) % 12 > 6 else -1)
        events.append((k / 2, 0.42, p, b.vel * (1.0 if k % 2 == 0 else 0.78)))
    return events


def _syncopated(b: _BassBar) -> list[_Event]:
    """Root, octave and fifth on the off-beats, leading into the next chord: the pop and lo-fi bounce."""
    span, root, vel, sw = b.bar.nbeats, b.root, b.vel, b.swing * 0.3
    events: list[_Event] = [(0.0, 1.4, root, vel)]
    if span >= 3:
        events.append((1.5 + sw, 0.9, root + 12 if root < 40 else root, vel * 0.8))
        events.append((2.5 + sw, 1.0, b.fifth, vel * 0.85))
    if span >= 4:
        # (a next root of C, pitch class 0, plays the root: kept as it always was)
        events.append((3.5 + sw, 0.5, bass_pitch(b.nxt) - 1 if b.nxt else root, vel * 0.7))
    return events


def _pulse(b: _BassBar) -> list[_Event]:
    """Repeated roots on the beat (on eighths when loud): the cinematic and electronic drive."""
    step = 0.5 if b.bar.level >= 0.7 else 1.0
    events: list[_Event] = []
    k = 0.0
    while k < b.bar.nbeats - 1e-6:
        events.append((k, step * 0.85, b.root, b.vel * (1.0 if k == int(k) else 0.8)))
        k += step
    return events


_RHYTHMS: dict[str, Callable[[_BassBar], list[_Event]]] = {
    "whole": _whole,
    "half": _half,
    "eighths": _eighths,
    "syncopated": _syncopated,
    "pulse": _pulse,
}


def _strike_cuts(ctx: PartContext, b: _BassBar, events: list[_Event]) -> list[_Event]:
    """A root on every anchored cut inside the bar that no bass note starts on."""
    bar, span = b.bar, b.bar.nbeats
    for s in [float(i - bar.beat0) for i in ctx.anchors if bar.beat0 < i < bar.beat0 + span]:
        if not any(abs(e[0] - s) < 0.05 for e in events):
            events = [e for e in events if not (e[0] < s < e[0] + e[1])] + [e for e in events if e[0] < s < e[0] + e[1]]
            events.append((s, max(0.5, span - s), b.root, b.vel))
    return events


def rhythm_events(ctx: PartContext, n: int) -> list[tuple[float, float, int, float]]:
    """Bar ``n`` of the bass line as (start s, length s, pitch, velocity); none where the arrangement rests
    the bass, or while a quiet intro waits (unless the style is a gentle one)."""
    bars = ctx.bars
    bar = bars[n]
    chord = bar.harmony()
    if not bar.plays("bass"):
        return []
    if bar.section == "intro" and ctx.spec.name not in ("calm_piano", "ambient") and bar.level < 0.4:
        return []
    root = bass_pitch(chord.root)
    fifth = root + 7 if root + 7 <= 45 else root - 5
    following = bars[n + 1].chord if n + 1 < len(bars) else None
    nxt = following.root if following else chord.root
    b = _BassBar(bar, root, fifth, nxt, 0.55 + 0.4 * bar.level, ctx.swing)
    rhythm = ctx.spec.bass_rhythm
    if bar.level < 0.35 and rhythm in ("eighths", "pulse", "syncopated"):
        rhythm = "whole"
    play = _RHYTHMS.get(rhythm)
    out: list[tuple[float, float, int, float]] = []
    for pos, length, p, v in _strike_cuts(ctx, b, play(b) if play else []):
        t0 = ctx.clock.t(bar.beat0 + pos)
        t1 = ctx.clock.t(bar.beat0 + min(pos + length, bar.nbeats + 0.05))
        out.append((t0, max(0.05, t1 - t0), p, v))
    return out


def bass_part(ctx: PartContext) -> list[Note]:
    """The bass stem, bar by bar; it waits out a quiet intro unless the style is a gentle one."""
    voice = ctx.cast.bass
    return [Note(t0, d, p, v, voice, 0.0) for n in range(len(ctx.bars)) for t0, d, p, v in rhythm_events(ctx, n)]
