"""The shared context every part is written against, and the bar it is written bar by bar."""

from __future__ import annotations

from collections.abc import Sequence, Set
from dataclasses import dataclass, field

import numpy as np

from nemo_desktop.engine.music.styles import Orchestra, Style
from nemo_desktop.engine.music.tempo_map import Clock
from nemo_desktop.engine.music.theory import Chord

# the layers an arrangement turns on and off
ALL_PARTS = frozenset({"drums", "bass", "chords", "melody", "pad"})


@dataclass
class Bar:
    """One bar of the plan. Mutable on purpose: the plan fills in section, phrase and chord in turn."""

    index: int
    beat0: int  # index of its first beat
    nbeats: int
    start: float
    end: float
    level: float  # intensity 0..1
    section: str = "main"
    chord: Chord | None = None
    phrase_pos: int = 0  # bar number inside its 4-bar phrase
    # the arrangement (``arrange.py``): who plays this bar and how
    parts: frozenset[str] = field(default_factory=lambda: ALL_PARTS)
    density: float = 1.0  # the melody's and drums' busyness, 0.5 (half) .. 1
    lift: int = 0  # semitones the melody's register moves up (a build's rise, a last chorus)
    groove: int = -1  # which of the style's grooves the drums play (-1: by the bar's energy)
    fill: str = ""  # the transition the drums play over the bar's end ("" none, "snare", "toms", "roll", "stop")

    def plays(self, part: str) -> bool:
        """Whether ``part`` (drums, bass, chords, melody, pad) plays in this bar."""
        return part in self.parts

    def harmony(self) -> Chord:
        """The bar's chord; parts are written only after the plan has given every bar one."""
        assert self.chord is not None
        return self.chord


@dataclass(frozen=True)
class Cast:
    """Which synth voice plays each part (the style's choice, or the brief's instrument words)."""

    chords: str
    melody: str
    bass: str
    pad: str | None
    orchestra: Orchestra | None = None  # an orchestra plays the parts (then it, not the names above, decides)


@dataclass(frozen=True)
class PartContext:
    """Everything the parts share: the bars, the tempo map, the style, who plays, the key and the ending.

    ``rng`` is the piece's one generator: each part draws from it in turn, so same seed, same notes.
    """

    bars: Sequence[Bar]
    clock: Clock
    spec: Style
    cast: Cast
    rng: np.random.Generator
    anchors: Set[int]  # beat indices that sit on anchored cuts
    tonic: int  # pitch class of the key
    mode: str  # "major" | "minor"
    home: Chord  # the tonic chord the piece ends on
    drums: bool  # the brief wants drums
    final_hit: float  # seconds: the closing chord
    duration: float  # seconds: the whole piece, ring-out included
    fade_out: bool
    cuts: Sequence[float] = ()  # seconds: every cut, anchored or not (hit points the parts make room for)

    @property
    def swing(self) -> float:
        """Delay of off-beat eighths, as a fraction of an eighth (the style's feel)."""
        return self.spec.swing
