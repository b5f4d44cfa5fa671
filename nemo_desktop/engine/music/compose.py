"""A brief + the video's timing → Score: a piece composed for *this* video. Orchestration only.

Timing first: a gentle tempo map whose beats land on the cuts (main cuts on bar lines) and whose last beat
is a closing tonic chord placed to ring out to the last frame (``tempo_map.py``). Then the plan —
sections that follow the brief's intensity curve and the picture's cutting pace (intro, build, main,
breakdown, outro) and chords from the style's progressions (``parts/plan.py``), the arrangement: who plays
each bar, how busy and how high, and the fills between phrases (``parts/arrange.py``) — and the parts
written against it: chords with smooth voice leading, a bass line, a melody built from a motif that
repeats and varies, drums with fills into cuts, a soft pulse where the texture leaves the beat unmarked,
and every cut scored as a hit point — a break before it, a tutti hit on it, a ring after (``parts/``);
before the accents, the players' feel moves notes a few ms off the grid and lets velocities breathe,
leaving every note that marks a cut exactly where it is
(``parts/feel.py``). Every choice goes through one ``numpy.random.default_rng(seed)``, drawn from in a
fixed order — the arrangement, chords (plan, then part), bass, melody, drums, feel: same inputs and seed,
same notes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from nemo_desktop.engine.music.parts.accents import cut_accents
from nemo_desktop.engine.music.parts.arrange import arrange
from nemo_desktop.engine.music.parts.bass import bass_part
from nemo_desktop.engine.music.parts.chords import chord_part, final_chord
from nemo_desktop.engine.music.parts.context import Bar, Cast, PartContext
from nemo_desktop.engine.music.parts.drums import drum_part
from nemo_desktop.engine.music.parts.feel import humanise
from nemo_desktop.engine.music.parts.glint import counter_line
from nemo_desktop.engine.music.parts.melody import melody_part
from nemo_desktop.engine.music.parts.orchestra import orchestral_bass, orchestral_chords, orchestral_final
from nemo_desktop.engine.music.parts.plan import assign_chords, name_sections, plan_bars
from nemo_desktop.engine.music.parts.pulse import pulse_part
from nemo_desktop.engine.music.request import MusicRequest
from nemo_desktop.engine.music.score import STEMS, Note, Score
from nemo_desktop.engine.music.styles import Style, flavoured
from nemo_desktop.engine.music.tempo_map import Clock, anchor_beats, bar_starts, fit_beats
from nemo_desktop.engine.music.theory import key_pc, parse_chord

__all__ = ["Note", "Score", "compose"]  # Note and Score live in score.py; imported from here for years

# Instrument words in the brief → (chords voice, melody voice).
_INSTRUMENT_VOICES = {
    "piano": ("piano", "piano"),
    "guitar": ("guitar", "pluck"),
    "strings": ("strings", "strings"),
    "synth": ("synth", "lead"),
    "saxophone": ("piano", "sax"),
    "electric_guitar": ("distortion_guitar", "distortion_guitar"),
}


def _cast(spec: Style, instruments: Sequence[str]) -> Cast:
    """The style's voices, unless the brief names instruments: the first plays the chords, the last the
    melody; an orchestral style keeps its orchestra unless the brief names an instrument it does not
    welcome. An instrument the style already plays (its ``plays``) changes nothing."""
    chords, melody = spec.chord_instrument, spec.melody_instrument
    orchestra = spec.orchestra
    instruments = [i for i in instruments if i not in spec.plays]  # "jazz saxophone": jazz's own sax plays
    if orchestra and not set(instruments) <= set(orchestra.welcomes):
        orchestra = None  # "cinematic piano": the piano plays, not the orchestra
    if instruments:
        chords = _INSTRUMENT_VOICES[instruments[0]][0]
        melody = _INSTRUMENT_VOICES[instruments[-1]][1]
    return Cast(chords, melody, spec.bass_instrument, spec.pad, orchestra)


def _write_parts(ctx: PartContext, cuts: Sequence[float]) -> tuple[dict[str, list[Note]], list[float]]:
    """Every stem's notes, in the order the parts draw from the generator, ending on the final chord; and
    the cut accents' times."""
    notes: dict[str, list[Note]] = {stem: [] for stem in STEMS}
    hits: list[float] = []
    if ctx.bars:
        arrange(ctx)
        assign_chords(ctx)
        orchestral = ctx.cast.orchestra is not None
        notes["chords"] = (orchestral_chords(ctx) if orchestral else chord_part(ctx)) + counter_line(ctx)
        notes["bass"] = orchestral_bass(ctx) if orchestral else bass_part(ctx)
        notes["melody"] = melody_part(ctx)
        if ctx.drums:
            notes["drums"] = drum_part(ctx)
        notes["chords"] += pulse_part(ctx, notes)
        humanise(ctx, notes, cuts)
        hits = cut_accents(ctx, sorted(float(c) for c in cuts), notes)
    prev = tuple(sorted(n.pitch for n in notes["chords"][-4:])) if len(notes["chords"]) >= 4 else None
    end_chords, end_bass = orchestral_final(ctx, prev) if ctx.cast.orchestra else final_chord(ctx, prev)
    notes["chords"] += end_chords
    notes["bass"] += end_bass
    return notes, hits


def _clipped(notes: Iterable[Note], duration: float) -> tuple[Note, ...]:
    """Notes that start before the end, cut to end by it, in time order (then by pitch)."""
    kept = (
        Note(n.start, min(n.dur, duration - n.start), n.pitch, n.vel, n.instrument, n.pan)
        for n in notes
        if n.start < duration - 0.01
    )
    return tuple(sorted(kept, key=lambda n: (n.start, n.pitch)))


def _sections(bars: Sequence[Bar], final_hit: float, duration: float) -> tuple[tuple[str, float, float], ...]:
    """Runs of bars with one section name as (name, start, end), then the ending's ring-out."""
    sections: list[tuple[str, float, float]] = []
    for b in bars:
        if sections and sections[-1][0] == b.section:
            sections[-1] = (b.section, sections[-1][1], b.end)
        else:
            sections.append((b.section, b.start, b.end))
    sections.append(("ending", final_hit, duration))
    return tuple(sections)


def compose(brief: MusicRequest, duration: float, cuts: Sequence[float], fps: float, seed: int) -> Score:
    """Compose a score of exactly ``duration`` seconds for a video with hard ``cuts``."""
    duration = float(duration)
    spec = flavoured(brief.style, brief.mood)
    rng = np.random.default_rng(seed)
    lo, hi = brief.bpm_range if not brief.bpm else (brief.bpm, brief.bpm)
    grid = fit_beats(duration, cuts, (lo, hi), brief.target_bpm(), spec.swing)
    bars = plan_bars(grid, brief.intensity, brief.fade_out, cuts)
    name_sections(bars)
    tonic = key_pc(brief.key)
    home = parse_chord("i" if brief.mode == "minor" else "I", tonic)
    ctx = PartContext(
        bars=bars,
        clock=Clock(grid.beats),
        spec=spec,
        cast=_cast(spec, brief.instruments),
        rng=rng,
        anchors=anchor_beats(grid),
        tonic=tonic,
        mode=brief.mode,
        home=home,
        drums=brief.drums,
        final_hit=grid.final_hit,
        duration=duration,
        fade_out=brief.fade_out,
        cuts=tuple(sorted(float(c) for c in cuts)),
    )
    notes, hits = _write_parts(ctx, cuts)
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
        sections=_sections(bars, grid.final_hit, duration),
        notes={k: _clipped(v, duration) for k, v in notes.items()},
        anchors=grid.anchors,
        final_hit=grid.final_hit,
        fade_out=brief.fade_out,
        fade_start=fade_start,
        chords=chords,
        hits=tuple(round(h, 6) for h in hits),
    )
