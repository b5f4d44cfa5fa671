"""Cut accents: make sure every cut is heard, after all the parts are written."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nemo_desktop.engine.music.parts.context import PartContext
from nemo_desktop.engine.music.score import Note

# Voices with a clear attack: a note on one of these is heard as an onset on the cut.
PERCUSSIVE = frozenset(
    {
        "piano", "piano_bass", "epiano", "bell", "guitar", "pluck", "finger_bass", "synth", "synth_bass",
        "harp", "pizzicato", "celesta", "timpani",
    }
)


def _attacks(notes: dict[str, list[Note]], struck: float) -> np.ndarray:
    """Start times of every clearly heard onset already written: drums, and struck voices at least
    ``struck`` loud."""
    return np.array(
        sorted(
            n.start
            for stem in ("drums", "bass", "chords", "melody")
            for n in notes[stem]
            if (stem == "drums" and n.vel >= 0.45) or (n.instrument in PERCUSSIVE and n.vel >= struck)
        )
    )


def cut_accents(ctx: PartContext, cuts: Sequence[float], notes: dict[str, list[Note]]) -> None:
    """Make sure every cut is heard: if no clear attack sits on (or an eighth from) a cut, add one.

    The accent goes on the nearest swung eighth when that is within 45 ms of the cut (it sounds on the
    grid), else exactly on the cut — a film composer's hit point. Drums play it when they are in, else a
    chord tone on a struck instrument.
    """
    # on a main cut every part strikes together; elsewhere one soft note inside a running arpeggio does
    # not stand out, so a struck voice has to be louder to count
    on_main, elsewhere = _attacks(notes, 0.45), _attacks(notes, 0.6)
    anchored = {round(ctx.clock.t(i), 6) for i in ctx.anchors}
    beats = ctx.clock
    for c in cuts:
        attacks = on_main if round(c, 6) in anchored else elsewhere
        if not 0.2 < c < ctx.final_hit - 0.1:
            continue
        bar = next((b for b in ctx.bars if b.start <= c < b.end), None)
        if bar is None:
            continue
        frac = bar.beat0 + np.interp(c, [bar.start, bar.end], [0, bar.nbeats])
        base = np.floor(frac)
        grid = [base, base + 0.5 + ctx.swing * 0.3, base + 1.0]
        times = [beats.t(g) for g in grid]
        best = min(times, key=lambda t: abs(t - c))
        t = best if abs(best - c) <= 0.045 else c
        if attacks.size and np.min(np.abs(attacks - t)) <= 0.012:
            continue
        on_beat = abs(t - beats.t(round(frac))) < 0.005
        if ctx.drums and ctx.spec.grooves and bar.level >= 0.25:
            voice = "kick" if on_beat else ("tom" if ctx.spec.name == "cinematic" else "rim")
            # a low tom speaks softer than a kick: struck harder, so the cut still reads as a hit
            notes["drums"].append(Note(t, 0.2, 0, 1.0 if voice == "tom" else 0.8, voice, 0.0))
        else:
            chord = bar.harmony()
            voice = ctx.cast.melody if ctx.cast.melody in PERCUSSIVE else "piano"
            if ctx.cast.orchestra:
                voice = ctx.cast.orchestra.arps[0] if ctx.cast.orchestra.arps else "pizzicato"  # the harp or piano
            pitch = 60 + ((chord.root - 60) % 12)
            notes["melody"].append(Note(t, 0.6, pitch, 0.75, voice, -0.1))
            fifth_or_octave = pitch + 7 if (chord.intervals[2] == 7) else pitch + 12
            notes["melody"].append(Note(t, 0.6, fifth_or_octave, 0.6, voice, 0.1))
