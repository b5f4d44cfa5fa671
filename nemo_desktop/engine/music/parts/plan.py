"""The plan every part follows: bars on the tempo map, their intensity and sections, and their chords."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nemo_desktop.engine.music.parts.context import Bar, PartContext
from nemo_desktop.engine.music.tempo_map import BeatGrid, bar_starts
from nemo_desktop.engine.music.theory import parse_chord


def _level_at(intensity: Sequence[tuple[float, float]], frac: float) -> float:
    """The brief's intensity curve at ``frac`` of the piece (a flat 0.6 when the brief gives none)."""
    if not intensity:
        return 0.6
    xs = [p[0] for p in intensity]
    ys = [p[1] for p in intensity]
    return float(np.interp(frac, xs, ys))


def plan_bars(grid: BeatGrid, intensity: Sequence[tuple[float, float]], fade_out: bool) -> list[Bar]:
    """Bars between the grid's downbeats, each with the intensity at its middle; a fade-out ending
    quietens the last few bars so the fade has something gentle to fade."""
    starts = bar_starts(grid.beats, grid.anchors)
    beats = grid.beats
    end = grid.final_hit if grid.final_hit > 0 else 1.0
    bars: list[Bar] = []
    for n, s in enumerate(starts[:-1]):
        e = starts[n + 1]
        mid = (beats[s] + beats[e]) / 2
        bars.append(Bar(n, s, e - s, beats[s], beats[e], _level_at(intensity, mid / end)))
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
    for p in range(0, len(middle), 4):
        phrase = middle[p : p + 4]
        name = _phrase_name(sum(b.level for b in phrase) / len(phrase), peak, seen_main)
        seen_main = seen_main or name == "main"
        for b in phrase:
            b.section = name
    pos = 0
    for i, b in enumerate(bars):
        if i > 0 and b.section != bars[i - 1].section:
            pos = 0
        b.phrase_pos = pos % 4
        pos += 1


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
    cadence = list(spec.cadence_minor if minor else spec.cadence_major)  # the style's own, else IV V
    if not cadence:
        cadence = ["iv" if minor else "IV", "V"] if len(bars) >= 4 else ["V"]
    for sym, bar in zip(cadence[::-1], bars[::-1], strict=False):
        bar.chord = parse_chord(sym, tonic)
