"""What the composer needs to know of a brief, as a protocol.

The words → brief interpreter (``engine/prompt/``) sits above the music package and imports its style
data; if the composer imported the brief back, the two would form an import loop. The composer reads
only these fields, so any object that has them (``MusicBrief`` does) can be composed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class MusicRequest(Protocol):
    """The musical decisions a piece is composed from (read-only: the composer never changes them)."""

    @property
    def style(self) -> str:
        """A key of ``STYLES``; an unknown one composes as calm piano."""
        ...

    @property
    def mood(self) -> str:
        """The mood ("calm", "sad", "epic"…): with some styles it changes who plays (``styles.flavoured``)."""
        ...

    @property
    def bpm_range(self) -> tuple[float, float]:
        """The tempo range to fit the cuts within (a preference)."""
        ...

    @property
    def bpm(self) -> float | None:
        """A tempo the person asked for, which replaces the range."""
        ...

    @property
    def key(self) -> str:
        """The tonic's name, e.g. "D" or "F#"."""
        ...

    @property
    def mode(self) -> str:
        """Major or minor ("major" | "minor")."""
        ...

    @property
    def instruments(self) -> Sequence[str]:
        """Instrument words; the first plays the chords, the last the melody."""
        ...

    @property
    def drums(self) -> bool:
        """Whether the drums play."""
        ...

    @property
    def intensity(self) -> Sequence[tuple[float, float]]:
        """(fraction of the piece, level 0..1) points of the energy curve."""
        ...

    @property
    def fade_out(self) -> bool:
        """Fade out instead of ending on a hit."""
        ...

    def target_bpm(self) -> float:
        """The tempo to aim for before it is fitted to the cuts."""
        ...
