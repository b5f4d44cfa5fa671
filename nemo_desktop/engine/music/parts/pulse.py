"""A pulse where the parts leave the beat unmarked, so a cut's hit has a beat to stand out against.

A pad, a bowed chord or a held bell is heard as one long sound: its shimmer (vibrato, chorus, the room)
is the only movement, and against that a hit is not "louder than the beats around it" — there are none.
A film composer keeps time under such a texture with something soft and struck: a low piano or harp note
on the beat, root and fifth in turn. It enters only in bars where fewer struck notes than beats sound
already (a drum groove, a strum or an arpeggio keeps time by itself), and never on a beat that has one.
"""

from __future__ import annotations

import numpy as np

from nemo_desktop.engine.music.parts.context import PartContext
from nemo_desktop.engine.music.score import Note

# Voices with a clear attack: a note on one of these is heard as an onset.
PERCUSSIVE = frozenset(
    {
        "piano", "piano_bass", "epiano", "bell", "guitar", "pluck", "finger_bass", "synth", "synth_bass",
        "harp", "pizzicato", "celesta", "timpani",
    }
)
RATE = 2.4  # struck notes a second a bar should have: a pulse a hit can be louder than, sparse enough
# that most moments are not on one
VEL = (0.5, 0.2)  # a pulse note's velocity: base + slope × the bar's energy
VEL_ORCHESTRA = (0.2, 0.25)  # … under an orchestra: the piano ostinato stays under the strings and lets the
# orchestra's dynamics through (at VEL romantic's loudness range read 2.1 LU, cinematic's chords outsang its
# melody by 4.6 dB)
HEARD = 0.4  # velocity from which a struck note (or a drum) keeps time
# struck voices that keep time through a texture; an orchestra's harp, pizzicato, celesta and timpani are
# covered by its bowed and blown voices (their onsets read no stronger than the strings' vibrato)
_KEEPS_TIME = PERCUSSIVE - {"harp", "pizzicato", "celesta", "timpani"}
_NEAR = 0.06  # seconds: a beat with a struck note this near is already marked


def struck_onsets(notes: dict[str, list[Note]], orchestra: bool = False) -> np.ndarray:
    """Start times of every note heard as an onset: drums, and struck voices, at least ``HEARD`` loud.
    Under an orchestra the drums are covered too (film drums swell with it rather than keep time)."""
    return np.array(
        sorted(
            n.start
            for stem, written in notes.items()
            for n in written
            if n.vel >= HEARD and ((stem == "drums" and not orchestra) or n.instrument in _KEEPS_TIME)
        )
    )


def pulse_voice(ctx: PartContext) -> str:
    """Who plays a struck part the cast lacks: a struck voice of the cast that keeps time, else the piano
    (under an orchestra too: the film-score piano ostinato)."""
    if not ctx.cast.orchestra:
        for voice in (ctx.cast.chords, ctx.cast.melody):
            if voice in _KEEPS_TIME and voice != "bell":
                return voice
    return "piano"


def _slots(count: int, nbeats: int) -> list[float]:
    """``count`` places on the bar's eighth notes, spread as evenly as they go (3 in 2 beats: a tresillo)."""
    eighths = 2 * nbeats
    return sorted({int(np.floor(i * eighths / count)) / 2 for i in range(count)})


def pulse_part(ctx: PartContext, notes: dict[str, list[Note]]) -> list[Note]:
    """Soft root-and-fifth notes on the unmarked eighths of bars that keep too little time of their own."""
    struck = struck_onsets(notes, ctx.cast.orchestra is not None)
    voice = pulse_voice(ctx)
    base, slope = VEL_ORCHESTRA if ctx.cast.orchestra else VEL
    out: list[Note] = []
    for bar in ctx.bars:
        inside = struck[(struck >= bar.start - _NEAR) & (struck < bar.end - _NEAR)] if struck.size else struck
        rate = ctx.spec.pulse
        want = min(2 * bar.nbeats, max(bar.nbeats if rate >= RATE else 1, round(rate * (bar.end - bar.start))))
        if len(inside) >= want or bar.level < 0.2:
            continue
        root = bar.harmony().root
        for k, pos in enumerate(_slots(want, bar.nbeats)):
            t = ctx.clock.t(bar.beat0 + pos)
            if inside.size and float(np.min(np.abs(inside - t))) < _NEAR:
                continue
            pitch = 48 + (root + (7 if k % 2 else 0)) % 12
            dur = 0.9 * (ctx.clock.t(bar.beat0 + pos + 0.5) - t)
            out.append(Note(t, dur, pitch, base + slope * bar.level, voice, -0.15))
    return out
