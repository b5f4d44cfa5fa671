"""The plan every part follows: bars on the tempo map, their intensity and sections, and their chords."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from nemo_desktop.engine.music.parts.context import Bar, PartContext
from nemo_desktop.engine.music.tempo_map import BeatGrid, bar_starts
from nemo_desktop.engine.music.theory import parse_chord

MAX_BREAKDOWN_PHRASES = 2  # a breakdown is a moment: a longer calm is named a build again


def _level_at(intensity: Sequence[tuple[float, float]], frac: float) -> float:
    """The brief's intensity curve at ``frac`` of the piece (a flat 0.6 when the brief gives none)."""
    if not intensity:
        return 0.6
    xs = [p[0] for p in intensity]
    ys = [p[1] for p in intensity]
    return float(np.interp(frac, xs, ys))


def _cut_push(cuts: Sequence[float], end: float) -> Callable[[float], float]:
    """How much the picture's cutting pace at a moment lifts (or lowers) the music: the cuts within 8 s
    either side against the piece's average pace, at most ±0.12 — fast-cut passages drive, long takes
    settle. No say with fewer than four cuts."""
    times = np.asarray(sorted(c for c in cuts if 0 < c < end))
    if times.size < 4 or end <= 0:
        return lambda _t: 0.0
    mean = times.size / end

    def push(t: float) -> float:
        lo, hi = max(0.0, t - 8.0), min(end, t + 8.0)
        local = float(np.count_nonzero((times >= lo) & (times < hi))) / max(hi - lo, 1.0)
        return 0.12 * float(np.clip((local - mean) / mean, -1.0, 1.0))

    return push


def plan_bars(
    grid: BeatGrid, intensity: Sequence[tuple[float, float]], fade_out: bool, cuts: Sequence[float] = ()
) -> list[Bar]:
    """Bars between the grid's downbeats, each with the intensity at its middle (the brief's curve, which
    follows the video's motion, moved by the local cut pace); a fade-out ending quietens the last few bars
    so the fade has something gentle to fade."""
    starts = bar_starts(grid.beats, grid.anchors)
    beats = grid.beats
    end = grid.final_hit if grid.final_hit > 0 else 1.0
    push = _cut_push(cuts, end)
    bars: list[Bar] = []
    for n, s in enumerate(starts[:-1]):
        e = starts[n + 1]
        mid = (beats[s] + beats[e]) / 2
        level = float(np.clip(_level_at(intensity, mid / end) + push(mid), 0.05, 1.0))
        bars.append(Bar(n, s, e - s, beats[s], beats[e], level))
    if fade_out and bars:
        fade_bars = min(3, max(1, len(bars) // 4))
        for k, bar in enumerate(bars[-fade_bars:]):
            bar.level = min(bar.level, 0.55 - 0.12 * k)
    return bars


def _phrase_name(level: float, peak: float, seen_main: bool) -> str:
    """A phrase near the peak is the main section; one well below it after a main is a breakdown."""
    if level >= max(0.6, peak - 0.12):
        return "main"
    if seen_main and level < peak - 0.2:
        return "breakdown"
    return "build"


def name_sections(bars: Sequence[Bar]) -> None:
    """Intro, build, main, breakdown, outro from the intensity, in whole phrases where possible."""
    n = len(bars)
    if n == 0:
        return
    intro = 0 if n < 4 else min(4, max(1, round(n * 0.12)))
    outro = 0 if n < 3 else min(2, max(1, round(n * 0.08)))
    for b in bars[:intro]:
        b.section = "intro"
    for b in bars[n - outro :]:
        b.section = "outro"
    middle = bars[intro : n - outro]
    peak = max((b.level for b in middle), default=0.6)
    seen_main = False
    dropped = 0  # breakdown phrases in a row: a breakdown is a moment; a longer calm builds again
    for p in range(0, len(middle), 4):
        phrase = middle[p : p + 4]
        name = _phrase_name(sum(b.level for b in phrase) / len(phrase), peak, seen_main)
        dropped = dropped + 1 if name == "breakdown" else 0
        if dropped > MAX_BREAKDOWN_PHRASES:
            name = "build"
        seen_main = seen_main or name == "main"
        for b in phrase:
            b.section = name
    _ensure_breakdown(middle)
    pos = 0
    for i, b in enumerate(bars):
        if i > 0 and b.section != bars[i - 1].section:
            pos = 0
        b.phrase_pos = pos % 4
        pos += 1


def _ensure_breakdown(middle: Sequence[Bar]) -> None:
    """A long piece (eight phrases or more between intro and outro) breathes once: where the curve never
    dips far enough for a breakdown, the quietest phrase between 40 % and 80 % of the middle, after a main
    and before the last phrase, becomes one."""
    phrases = [list(middle[p : p + 4]) for p in range(0, len(middle), 4)]
    if len(phrases) < 8 or any(b.section == "breakdown" for b in middle):
        return
    first_main = next((i for i, ph in enumerate(phrases) if ph[0].section == "main"), None)
    if first_main is None:
        return
    lo, hi = max(first_main + 1, int(len(phrases) * 0.4)), min(len(phrases) - 2, int(len(phrases) * 0.8))
    if lo > hi:
        return
    pick = min(range(lo, hi + 1), key=lambda i: sum(b.level for b in phrases[i]) / len(phrases[i]))
    for b in phrases[pick]:
        b.section = "breakdown"


def assign_chords(ctx: PartContext) -> None:
    """Chords from two of the style's progressions (a verse one and a chorus one, chosen by the seed),
    then a cadence into the home chord over the last bars."""
    spec, bars, tonic = ctx.spec, ctx.bars, ctx.tonic
    minor = ctx.mode == "minor"
    progs = spec.progressions_minor if minor else spec.progressions_major
    order = ctx.rng.permutation(len(progs))
    verse = progs[int(order[0])]
    chorus = progs[int(order[1 % len(progs)])]
    by_section = {"intro": verse, "build": verse, "main": chorus, "breakdown": verse, "outro": chorus}
    counters: dict[str, int] = {}
    for b in bars:
        prog = by_section[b.section]
        k = counters.get(b.section, 0)
        counters[b.section] = k + 1
        b.chord = parse_chord(prog[k % len(prog)], tonic)
    if spec.name == "ambient":
        cadence = ["iv" if minor else "IV"]
    elif spec.name in ("lofi",):
        cadence = ["iv7" if minor else "ii7", "V7"]
    else:
        cadence = ["iv" if minor else "IV", "V"] if len(bars) >= 4 else ["V"]
    for sym, bar in zip(cadence[::-1], bars[::-1], strict=False):
        bar.chord = parse_chord(sym, tonic)
