"""A bright counter-line over calm music without drums: a celesta high above the piano.

A piano's broken chords and a pad sit between 100 Hz and 1 kHz; produced calm music puts something light
above them (a celesta, a glockenspiel, a music box) that moves while the chords hold. Here it is a sparse
figure on the chord's upper structure (ninth, fifth, third, octave) two octaves above the chords, in the
bars from the build up (never the intro or a quiet bar), soft, and off-centre so it does not sit on the
melody. It draws nothing from the generator: the pattern follows the bar, so adding it moves no other choice.
"""

from __future__ import annotations

from nemo_desktop.engine.music.parts.context import Bar, PartContext
from nemo_desktop.engine.music.score import Note
from nemo_desktop.engine.music.theory import Chord, scale_pitches

VOICE = "celesta"
_FROM_LEVEL = 0.45  # bars this energetic and up carry the line
_RANGE = (76, 87)  # E5–Eb6: above the melody's usual range
_RHYTHM = (0.0, 1.5, 2.0, 3.0)  # beats of a four-beat bar that sound (a lilt, not a grid of eighths)
_NINTH, _FIFTH, _THIRD, _OCTAVE = range(4)
_FIGURE = (_NINTH, _FIFTH, _THIRD, _OCTAVE)  # the figure's tones, in order
_PAN = 0.45


def wanted(ctx: PartContext) -> bool:
    """Calm music of broken chords and a melody alone: no drums, and no orchestra (whose harp and celesta
    arpeggios already move up there; a celesta line over them blurred the harp's attacks)."""
    return not ctx.drums and ctx.cast.orchestra is None and ctx.spec.chord_rhythm == "broken"


def _tones(ctx: PartContext, chord: Chord) -> dict[int, int]:
    """The chord's upper structure as pitch classes: its ninth where the key has it (else the root), its
    fifth (or top tone), its third (or whatever stands there: a sus4's fourth), and its root."""
    scale = {p % 12 for p in scale_pitches(ctx.tonic, ctx.mode, 0, 11)}
    ninth = (chord.root + 2) % 12
    iv = chord.intervals
    return {
        _NINTH: ninth if ninth in scale else chord.root,
        _FIFTH: (chord.root + (7 if 7 in iv else iv[-1])) % 12,
        _THIRD: (chord.root + iv[1 if len(iv) > 1 else 0]) % 12,
        _OCTAVE: chord.root,
    }


def _pitch(pc: int) -> int:
    """Pitch class ``pc`` as a pitch in ``_RANGE``."""
    return _RANGE[0] + (pc - _RANGE[0]) % 12


def _bar(ctx: PartContext, bar: Bar, turn: int) -> list[Note]:
    """One bar of the figure, its order reversed every other bar (up, then down)."""
    tones = _tones(ctx, bar.harmony())
    order = _FIGURE if turn % 2 == 0 else _FIGURE[::-1]
    vel = 0.3 + 0.25 * bar.level
    notes: list[Note] = []
    for k, pos in enumerate(p for p in _RHYTHM if p < bar.nbeats):
        t0 = ctx.clock.t(bar.beat0 + pos + (ctx.swing * 0.3 if pos % 1 else 0.0))
        t1 = ctx.clock.t(min(bar.beat0 + pos + 1.0, bar.beat0 + bar.nbeats))
        pitch = _pitch(tones[order[k % len(order)]])
        notes.append(Note(t0, max(0.1, t1 - t0), pitch, vel * (1.0 if k == 0 else 0.85), VOICE, _PAN))
    return notes


def counter_line(ctx: PartContext) -> list[Note]:
    """The celesta's line over the bars that carry it (for the chords stem), or nothing where not wanted."""
    if not wanted(ctx):
        return []
    notes: list[Note] = []
    for turn, bar in enumerate(ctx.bars):
        if bar.level >= _FROM_LEVEL and bar.section != "intro" and bar.chord is not None:
            notes += _bar(ctx, bar, turn)
    return notes
