"""MusicBrief + the video's timing → Score: a piece composed for *this* video.

Timing first: a gentle tempo map whose beats land on the cuts (main cuts on bar lines) and whose last beat
is a closing tonic chord placed to ring out before the last frame. Then sections that follow the brief's
intensity curve (intro, build, main, breakdown, outro), chords from the style's progressions with smooth
voice leading, a bass line, a melody built from a motif that repeats and varies, and drums with fills into
cuts. Every choice goes through one ``numpy.random.default_rng(seed)``: same inputs and seed, same notes.

The tempo map is fitted in ``tempo_map.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from nemo_desktop.engine.music.request import MusicRequest as MusicBrief
from nemo_desktop.engine.music.score import Note, Score
from nemo_desktop.engine.music.styles import STYLES, Style
from nemo_desktop.engine.music.tempo_map import BeatGrid, Clock, anchor_beats, bar_starts, fit_beats
from nemo_desktop.engine.music.theory import Chord, key_pc, nearest_in, parse_chord, scale_pitches, voice_lead

# ------------------------------------------------------------------------------------ composition

# Instrument words in the brief → (chords voice, melody voice).
_INSTRUMENT_VOICES = {
    "piano": ("piano", "piano"),
    "guitar": ("guitar", "pluck"),
    "strings": ("strings", "strings"),
    "synth": ("synth", "lead"),
}


@dataclass
class _Bar:
    index: int
    beat0: int  # index of its first beat
    nbeats: int
    start: float
    end: float
    level: float  # intensity 0..1
    section: str = "main"
    chord: Chord | None = None
    phrase_pos: int = 0  # bar number inside its 4-bar phrase


def _level_at(intensity: Sequence[tuple[float, float]], frac: float) -> float:
    if not intensity:
        return 0.6
    xs = [p[0] for p in intensity]
    ys = [p[1] for p in intensity]
    return float(np.interp(frac, xs, ys))


def _plan_bars(grid: BeatGrid, brief: MusicBrief) -> list[_Bar]:
    starts = bar_starts(grid.beats, grid.anchors)
    beats = grid.beats
    end = grid.final_hit if grid.final_hit > 0 else 1.0
    bars: list[_Bar] = []
    for n, s in enumerate(starts[:-1]):
        e = starts[n + 1]
        mid = (beats[s] + beats[e]) / 2
        bars.append(_Bar(n, s, e - s, beats[s], beats[e], _level_at(brief.intensity, mid / end)))
    if brief.fade_out and bars:
        fade_bars = min(3, max(1, len(bars) // 4))
        for k, bar in enumerate(bars[-fade_bars:]):
            bar.level = min(bar.level, 0.55 - 0.12 * k)
    return bars


def _name_sections(bars: list[_Bar]) -> None:
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
        level = sum(b.level for b in phrase) / len(phrase)
        if level >= max(0.6, peak - 0.12):
            name = "main"
            seen_main = True
        elif seen_main and level < peak - 0.2:
            name = "breakdown"
        else:
            name = "build"
        for b in phrase:
            b.section = name
    pos = 0
    for i, b in enumerate(bars):
        if i > 0 and b.section != bars[i - 1].section:
            pos = 0
        b.phrase_pos = pos % 4
        pos += 1


def _assign_chords(bars: list[_Bar], spec: Style, brief: MusicBrief, rng: np.random.Generator) -> Chord:
    tonic = key_pc(brief.key)
    progs = spec.progressions_minor if brief.mode == "minor" else spec.progressions_major
    order = rng.permutation(len(progs))
    verse = progs[int(order[0])]
    chorus = progs[int(order[1 % len(progs)])]
    by_section = {"intro": verse, "build": verse, "main": chorus, "breakdown": verse, "outro": chorus}
    counters: dict[str, int] = {}
    for b in bars:
        prog = by_section[b.section]
        k = counters.get(b.section, 0)
        counters[b.section] = k + 1
        b.chord = parse_chord(prog[k % len(prog)], tonic)
    minor = brief.mode == "minor"
    home = parse_chord("i" if minor else "I", tonic)
    if spec.name == "ambient":
        cadence = ["iv" if minor else "IV"]
    elif spec.name in ("lofi",):
        cadence = ["iv7" if minor else "ii7", "V7"]
    else:
        cadence = ["iv" if minor else "IV", "V"] if len(bars) >= 4 else ["V"]
    for sym, bar in zip(cadence[::-1], bars[::-1], strict=False):
        bar.chord = parse_chord(sym, tonic)
    return home


def _chord_events(
    bars: list[_Bar],
    clock: Clock,
    spec: Style,
    voice: str,
    pad: str | None,
    anchors: set[int],
    rng: np.random.Generator,
    swing: float,
) -> list[Note]:
    notes: list[Note] = []
    prev: tuple[int, ...] | None = None
    low, high = (48, 72) if voice in ("guitar", "strings", "pad") else (52, 76)
    rhythm = spec.chord_rhythm
    variant = int(rng.integers(0, 3))
    for bar in bars:
        assert bar.chord is not None
        voicing = voice_lead(bar.chord.pcs, prev, low=low, high=high, voices=4)
        prev = voicing
        vel = 0.45 + 0.4 * bar.level
        span = bar.nbeats
        bar_dur = bar.end - bar.start
        strikes = [0.0] + [float(i - bar.beat0) for i in sorted(anchors) if bar.beat0 < i < bar.beat0 + span]
        sparse = bar.level < 0.42 or bar.section == "intro"
        if rhythm == "sustain" or (sparse and rhythm in ("stabs", "strum")):
            for k, s in enumerate(strikes):
                e = strikes[k + 1] if k + 1 < len(strikes) else span
                t0, t1 = clock.t(bar.beat0 + s), clock.t(bar.beat0 + e)
                for j, p in enumerate(voicing):
                    notes.append(Note(t0 + 0.004 * j, t1 - t0 + 0.05, p, vel * 0.8, voice, (j - 1.5) * 0.25))
        elif rhythm == "broken":
            steps = (
                [0, 2, 1, 3, 2, 1, 3, 2]
                if variant == 0
                else ([0, 1, 2, 3, 2, 1, 2, 3] if variant == 1 else [0, 2, 3, 1, 2, 3, 1, 2])
            )
            per_beat = 2 if bar.level >= 0.4 else 1
            total = span * per_beat
            for k in range(total):
                pos = k / per_beat
                pos_sw = pos + (swing * 0.3 if per_beat == 2 and k % 2 else 0.0)
                t0 = clock.t(bar.beat0 + pos_sw)
                p = voicing[steps[k % len(steps)] % len(voicing)]
                accent = 1.0 if k % per_beat == 0 else 0.8
                notes.append(Note(t0, bar.end - t0 + 0.2, p, vel * 0.75 * accent, voice, (p - 64) / 30))
        elif rhythm == "stabs":
            grid = "x..x..x." if variant == 0 else ("x.x..x.x" if variant == 1 else "x..x.x..")
            eighths = span * 2
            hits = [k for k in range(eighths) if grid[k % 8] == "x"]
            hits = sorted(set(hits) | {int(s * 2) for s in strikes})
            for k in hits:
                pos = k / 2 + (swing * 0.3 if k % 2 else 0.0)
                t0 = clock.t(bar.beat0 + pos)
                d = clock.t(bar.beat0 + pos + 0.7) - t0
                for j, p in enumerate(voicing):
                    notes.append(Note(t0, d, p, vel * (0.85 if k % 2 else 1.0), voice, (j - 1.5) * 0.3))
        elif rhythm == "strum":
            pattern = "D.DU.UDU" if variant != 1 else "D.D.DUDU"
            eighths = span * 2
            for k in range(eighths):
                ch = pattern[k % 8]
                if ch == ".":
                    continue
                t0 = clock.t(bar.beat0 + k / 2 + (swing * 0.3 if k % 2 else 0.0))
                order = voicing if ch == "D" else voicing[::-1]
                d = clock.t(bar.beat0 + k / 2 + 1.0) - t0
                for j, p in enumerate(order):
                    notes.append(
                        Note(t0 + 0.012 * j, d, p, vel * (0.95 if ch == "D" else 0.7), voice, (p - 62) / 40)
                    )
        if pad and (bar.level >= 0.5 or spec.name in ("cinematic", "calm_piano")):
            for j, p in enumerate(voicing[1:]):
                notes.append(
                    Note(
                        bar.start,
                        bar_dur + 0.1,
                        p - 12 if p > 64 else p,
                        0.3 + 0.25 * bar.level,
                        pad,
                        (-0.6, 0.0, 0.6)[j % 3],
                    )
                )
    return notes


def _bass_pitch(pc: int, low: int = 33) -> int:
    return low + ((pc - low) % 12)


def _bass_events(
    bars: list[_Bar], clock: Clock, spec: Style, voice: str, anchors: set[int], swing: float
) -> list[Note]:
    notes: list[Note] = []
    for n, bar in enumerate(bars):
        assert bar.chord is not None
        if bar.section == "intro" and spec.name not in ("calm_piano", "ambient") and bar.level < 0.4:
            continue
        root = _bass_pitch(bar.chord.root)
        fifth = root + 7 if root + 7 <= 45 else root - 5
        nxt = bars[n + 1].chord.root if n + 1 < len(bars) and bars[n + 1].chord else bar.chord.root
        vel = 0.55 + 0.4 * bar.level
        span = bar.nbeats
        rhythm = spec.bass_rhythm
        if bar.level < 0.35 and rhythm in ("eighths", "pulse", "syncopated"):
            rhythm = "whole"
        events: list[tuple[float, float, int, float]] = []  # (beat pos, beats, pitch, vel)
        if rhythm == "whole":
            events.append((0.0, span, root, vel))
        elif rhythm == "half":
            events.append((0.0, min(2, span), root, vel))
            if span > 2:
                events.append((2.0, span - 2, fifth, vel * 0.85))
        elif rhythm == "eighths":
            for k in range(span * 2):
                p = root
                if k == span * 2 - 1 and bar.level > 0.6:
                    p = _bass_pitch(nxt) + (1 if (nxt - bar.chord.root) % 12 > 6 else -1)
                events.append((k / 2, 0.42, p, vel * (1.0 if k % 2 == 0 else 0.78)))
        elif rhythm == "syncopated":
            events.append((0.0, 1.4, root, vel))
            if span >= 3:
                events.append((1.5 + swing * 0.3, 0.9, root + 12 if root < 40 else root, vel * 0.8))
                events.append((2.5 + swing * 0.3, 1.0, fifth, vel * 0.85))
            if span >= 4:
                events.append((3.5 + swing * 0.3, 0.5, _bass_pitch(nxt) - 1 if nxt else root, vel * 0.7))
        elif rhythm == "pulse":
            step = 0.5 if bar.level >= 0.7 else 1.0
            k = 0.0
            while k < span - 1e-6:
                events.append((k, step * 0.85, root, vel * (1.0 if k == int(k) else 0.8)))
                k += step
        extra = [float(i - bar.beat0) for i in anchors if bar.beat0 < i < bar.beat0 + span]
        for s in extra:
            if not any(abs(e[0] - s) < 0.05 for e in events):
                events = [e for e in events if not (e[0] < s < e[0] + e[1])] + [
                    e for e in events if e[0] < s < e[0] + e[1]
                ]
                events.append((s, max(0.5, span - s), root, vel))
        for pos, length, p, v in events:
            t0 = clock.t(bar.beat0 + pos)
            t1 = clock.t(bar.beat0 + min(pos + length, span + 0.05))
            notes.append(Note(t0, max(0.05, t1 - t0), p, v, voice, 0.0))
    return notes


def _make_motif(rng: np.random.Generator, density: float) -> list[tuple[float, float, int]]:
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
        move = int(
            rng.choice([-2, -1, -1, 1, 1, 2, 3, -3, 0], p=[0.1, 0.2, 0.1, 0.2, 0.12, 0.1, 0.06, 0.06, 0.06])
        )
        if abs(steps[-1] + move) > 5:
            move = -move
        steps.append(steps[-1] + move)
    out = []
    for i, p in enumerate(pos):
        nxt = pos[i + 1] if i + 1 < len(pos) else 4.0
        out.append((float(p), float(max(0.4, nxt - p) * 0.95), steps[i]))
    return out


def _vary(motif: list[tuple[float, float, int]], rng: np.random.Generator) -> list[tuple[float, float, int]]:
    """The same idea, changed a little: a different last step, or the tail inverted."""
    m = list(motif)
    if len(m) >= 2:
        pos, length, step = m[-1]
        m[-1] = (pos, length, step + int(rng.choice([-2, -1, 1, 2])))
    if len(m) >= 4 and rng.random() < 0.4:
        pivot = m[1][2]
        m = m[:2] + [(p, ln, 2 * pivot - s) for p, ln, s in m[2:]]
    return m


def _melody_events(
    bars: list[_Bar],
    clock: Clock,
    spec: Style,
    voice: str,
    brief: MusicBrief,
    rng: np.random.Generator,
    swing: float,
    home: Chord,
    final_hit: float,
    duration: float,
) -> list[Note]:
    tonic = key_pc(brief.key)
    low, high = (62, 84) if voice in ("bell", "lead", "pluck", "piano") else (57, 79)
    scale = scale_pitches(tonic, brief.mode, low, high)
    motif_a = _make_motif(rng, spec.melody_density)
    motif_b = _make_motif(rng, spec.melody_density * 1.2)
    phrase_plan = [motif_a, _vary(motif_a, rng), motif_a, motif_b]
    if rng.random() < 0.5:
        phrase_plan = [motif_a, motif_b, _vary(motif_a, rng), _vary(motif_b, rng)]
    notes: list[Note] = []
    last_pitch = scale[len(scale) // 2]
    for bar in bars:
        assert bar.chord is not None
        if bar.section == "intro" or (bar.section == "build" and bar.level < 0.45):
            continue
        motif = phrase_plan[bar.phrase_pos % 4]
        if bar.section == "breakdown":
            motif = motif[: max(1, len(motif) // 2)]
        chord_tones = [p for p in scale if p % 12 in bar.chord.pcs] or scale
        start_pitch = nearest_in(last_pitch, chord_tones)
        base_idx = scale.index(start_pitch) if start_pitch in scale else len(scale) // 2
        vel = 0.55 + 0.35 * bar.level
        last_bar = bar is bars[-1]
        for k, (pos, length, step) in enumerate(motif):
            if pos >= bar.nbeats - 1e-6:
                continue
            idx = int(np.clip(base_idx + step, 0, len(scale) - 1))
            p = scale[idx]
            strong = abs(pos - round(pos)) < 1e-6 and int(round(pos)) % 2 == 0
            if strong:
                p = nearest_in(p, chord_tones)
            if last_bar and k == len(motif) - 1:
                p = nearest_in(p, [q for q in scale if q % 12 in bar.chord.pcs[:3]] or scale)
            off = pos - int(pos)
            pos_sw = pos + (swing * 0.3 if abs(off - 0.5) < 1e-6 else 0.0)
            t0 = clock.t(bar.beat0 + pos_sw)
            end_beat = min(pos + length, bar.nbeats)
            t1 = clock.t(bar.beat0 + end_beat)
            notes.append(Note(t0, max(0.08, t1 - t0), p, vel * (1.0 if strong else 0.85), voice, 0.1))
            last_pitch = p
    tonic_tones = [p for p in scale if p % 12 == home.root] or scale
    notes.append(
        Note(final_hit, max(0.2, duration - final_hit), nearest_in(last_pitch, tonic_tones), 0.7, voice, 0.1)
    )
    return notes


def _drum_events(
    bars: list[_Bar],
    clock: Clock,
    spec: Style,
    anchors: set[int],
    rng: np.random.Generator,
    swing: float,
    final_hit: float,
    duration: float,
    fade_out: bool,
) -> list[Note]:
    if not spec.grooves:
        return []
    grooves = [dict(g) for g in spec.grooves]
    # a seed-dependent touch on the pattern, so two variations do not share one groove
    for g in grooves:
        if "kick" in g and rng.random() < 0.5:
            k = list(g["kick"])
            k[int(rng.choice([6, 10, 14]))] = "o"
            g["kick"] = "".join(k)
    notes: list[Note] = []
    last_fill = -99
    pans = {"hat": 0.3, "openhat": 0.3, "shaker": -0.35, "rim": -0.1, "tom": -0.2, "crash": 0.25}
    prev_section = ""
    for bar in bars:
        level = bar.level
        if level < 0.25:
            prev_section = bar.section
            continue
        g = grooves[min(len(grooves) - 1, 0 if level < 0.5 else (1 if level < 0.72 else 2))]
        steps = bar.nbeats * 4
        vel = 0.6 + 0.4 * level
        fill_from = steps
        next_idx = bar.beat0 + bar.nbeats
        if (
            (next_idx in anchors or bar is bars[-1])
            and level >= 0.4
            and next_idx - last_fill >= 8
            and steps >= 8
        ):
            fill_from = steps - 4
            last_fill = next_idx
        for voice, pattern in g.items():
            for s in range(min(steps, fill_from)):
                ch = pattern[s % 16]
                if ch == ".":
                    continue
                off = s % 4
                pos = s / 4 + (swing * 0.3 if off == 2 else (swing * 0.15 if off in (1, 3) else 0.0))
                v = vel * (0.45 if ch == "o" else 1.0) * (0.8 if off else 1.0)
                notes.append(Note(clock.t(bar.beat0 + pos), 0.2, 0, v, voice, pans.get(voice, 0.0)))
        if fill_from < steps:
            fill_voice = "tom" if spec.name == "cinematic" else "snare"
            # electronic music leaves a breath before the drop: the fill stops a sixteenth early
            last = steps - 1 if spec.extra.get("drop_gap") else steps
            for s in range(fill_from, last):
                ramp = 0.5 + 0.5 * (s - fill_from) / 4
                notes.append(Note(clock.t(bar.beat0 + s / 4), 0.2, 0, vel * ramp, fill_voice, 0.0))
            if "kick" in g:
                notes.append(Note(clock.t(bar.beat0 + fill_from / 4), 0.2, 0, vel * 0.8, "kick", 0.0))
        if bar.section != prev_section and level >= 0.5 and bar.section in ("main", "build"):
            notes.append(Note(bar.start, 1.5, 0, vel * 0.7, "crash", pans["crash"]))
        elif bar.beat0 in anchors and level >= 0.5:
            notes.append(Note(bar.start, 1.5, 0, vel * 0.55, "crash", pans["crash"]))
        prev_section = bar.section
    end_v = 0.5 if fade_out else 0.95
    if bars and bars[-1].level >= 0.25:
        notes.append(Note(final_hit, 0.3, 0, end_v, "kick", 0.0))
        notes.append(Note(final_hit, duration - final_hit, 0, end_v * 0.8, "crash", pans["crash"]))
    return notes


_PERCUSSIVE = {
    "piano",
    "piano_bass",
    "epiano",
    "bell",
    "guitar",
    "pluck",
    "finger_bass",
    "synth",
    "synth_bass",
}


def _cut_accents(
    cuts: Sequence[float],
    bars: list[_Bar],
    clock: Clock,
    notes: dict[str, list[Note]],
    brief: MusicBrief,
    spec: Style,
    melody_voice: str,
    swing: float,
    final_hit: float,
) -> None:
    """Make sure every cut is heard: if no clear attack sits on (or an eighth from) a cut, add one.

    The accent goes on the nearest swung eighth when that is within 45 ms of the cut (it sounds on the
    grid), else exactly on the cut — a film composer's hit point. Drums play it when they are in, else a
    chord tone on a struck instrument.
    """
    attacks = np.array(
        sorted(
            n.start
            for stem in ("drums", "bass", "chords", "melody")
            for n in notes[stem]
            if (stem == "drums" or n.instrument in _PERCUSSIVE) and n.vel >= 0.45
        )
    )
    beats = clock
    for c in cuts:
        if not 0.2 < c < final_hit - 0.1:
            continue
        bar = next((b for b in bars if b.start <= c < b.end), None)
        if bar is None:
            continue
        frac = bar.beat0 + np.interp(c, [bar.start, bar.end], [0, bar.nbeats])
        base = np.floor(frac)
        grid = [base, base + 0.5 + swing * 0.3, base + 1.0]
        times = [beats.t(g) for g in grid]
        best = min(times, key=lambda t: abs(t - c))
        t = best if abs(best - c) <= 0.045 else c
        if attacks.size and np.min(np.abs(attacks - t)) <= 0.012:
            continue
        on_beat = abs(t - beats.t(round(frac))) < 0.005
        if brief.drums and spec.grooves and bar.level >= 0.25:
            voice = "kick" if on_beat else ("tom" if spec.name == "cinematic" else "rim")
            notes["drums"].append(Note(t, 0.2, 0, 0.8, voice, 0.0))
        else:
            assert bar.chord is not None
            voice = melody_voice if melody_voice in _PERCUSSIVE else "piano"
            pitch = 60 + ((bar.chord.root - 60) % 12)
            notes["melody"].append(Note(t, 0.6, pitch, 0.75, voice, -0.1))
            notes["melody"].append(
                Note(t, 0.6, pitch + 7 if (bar.chord.intervals[2] == 7) else pitch + 12, 0.6, voice, 0.1)
            )


def _final_chord(
    home: Chord,
    voice: str,
    pad: str | None,
    bass_voice: str,
    final_hit: float,
    duration: float,
    prev: tuple[int, ...] | None,
    fade_out: bool,
) -> tuple[list[Note], list[Note]]:
    ring = max(0.2, duration - final_hit)
    v = 0.55 if fade_out else 0.85
    voicing = voice_lead(home.pcs[:3], prev, low=50, high=76, voices=4)
    chords = [Note(final_hit + 0.006 * j, ring, p, v, voice, (j - 1.5) * 0.3) for j, p in enumerate(voicing)]
    if pad:
        chords += [
            Note(final_hit, ring, p - 12 if p > 64 else p, v * 0.5, pad, (-0.5, 0.5)[j % 2])
            for j, p in enumerate(voicing[1:])
        ]
    root = _bass_pitch(home.root)
    bass = [Note(final_hit, ring, root, v, bass_voice, 0.0)]
    return chords, bass


def compose(brief: MusicBrief, duration: float, cuts: Sequence[float], fps: float, seed: int) -> Score:
    """Compose a score of exactly ``duration`` seconds for a video with hard ``cuts``."""
    duration = float(duration)
    spec = STYLES.get(brief.style, STYLES["calm_piano"])
    rng = np.random.default_rng(seed)
    lo, hi = brief.bpm_range if not brief.bpm else (brief.bpm, brief.bpm)
    grid = fit_beats(duration, cuts, (lo, hi), brief.target_bpm(), spec.swing)
    clock = Clock(grid.beats)
    bars = _plan_bars(grid, brief)
    _name_sections(bars)
    chord_voice, melody_voice = spec.chord_instrument, spec.melody_instrument
    if brief.instruments:
        chord_voice = _INSTRUMENT_VOICES[brief.instruments[0]][0]
        melody_voice = _INSTRUMENT_VOICES[brief.instruments[-1]][1]
    anchor_idx = anchor_beats(grid)
    swing = spec.swing
    notes: dict[str, list[Note]] = {"drums": [], "bass": [], "chords": [], "melody": []}
    home = parse_chord("i" if brief.mode == "minor" else "I", key_pc(brief.key))
    if bars:
        home = _assign_chords(bars, spec, brief, rng)
        notes["chords"] = _chord_events(bars, clock, spec, chord_voice, spec.pad, anchor_idx, rng, swing)
        notes["bass"] = _bass_events(bars, clock, spec, spec.bass_instrument, anchor_idx, swing)
        notes["melody"] = _melody_events(
            bars, clock, spec, melody_voice, brief, rng, swing, home, grid.final_hit, duration
        )
        if brief.drums:
            notes["drums"] = _drum_events(
                bars, clock, spec, anchor_idx, rng, swing, grid.final_hit, duration, brief.fade_out
            )
        _cut_accents(
            sorted(float(c) for c in cuts),
            bars,
            clock,
            notes,
            brief,
            spec,
            melody_voice,
            swing,
            grid.final_hit,
        )
    prev = tuple(sorted(n.pitch for n in notes["chords"][-4:])) if len(notes["chords"]) >= 4 else None
    end_chords, end_bass = _final_chord(
        home, chord_voice, spec.pad, spec.bass_instrument, grid.final_hit, duration, prev, brief.fade_out
    )
    notes["chords"] += end_chords
    notes["bass"] += end_bass
    clipped = {
        k: tuple(
            sorted(
                (
                    Note(n.start, min(n.dur, duration - n.start), n.pitch, n.vel, n.instrument, n.pan)
                    for n in v
                    if n.start < duration - 0.01
                ),
                key=lambda n: (n.start, n.pitch),
            )
        )
        for k, v in notes.items()
    }
    sections: list[tuple[str, float, float]] = []
    for b in bars:
        if sections and sections[-1][0] == b.section:
            sections[-1] = (b.section, sections[-1][1], b.end)
        else:
            sections.append((b.section, b.start, b.end))
    sections.append(("ending", grid.final_hit, duration))
    chords = tuple((b.start, b.chord.symbol) for b in bars if b.chord) + ((grid.final_hit, home.symbol),)
    fade_start = bars[-min(3, len(bars))].start if brief.fade_out and bars else grid.final_hit
    return Score(
        bpm=round(grid.bpm, 3),
        key=brief.key,
        mode=brief.mode,
        style=spec.name,
        seed=int(seed),
        duration=duration,
        fps=float(fps),
        beats=grid.beats,
        bars=tuple(grid.beats[i] for i in bar_starts(grid.beats, grid.anchors)),
        sections=tuple(sections),
        notes=clipped,
        anchors=grid.anchors,
        final_hit=grid.final_hit,
        fade_out=brief.fade_out,
        fade_start=fade_start,
        chords=chords,
    )
