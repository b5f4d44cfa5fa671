"""What the composer needs to know of a brief, as a protocol.

The words → brief interpreter (``engine/brief.py``) sits above the music package and imports its style
data; if the composer imported the brief back, the two would form an import loop. The composer reads
only these fields, so any object that has them (``MusicBrief`` does) can be composed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class MusicRequest(Protocol):
    """The musical decisions a piece is composed from (read-only: the composer never changes them)."""

    @property
    def style(self) -> str: ...

    @property
    def bpm_range(self) -> tuple[float, float]: ...

    @property
    def bpm(self) -> float | None: ...

    @property
    def key(self) -> str: ...

    @property
    def mode(self) -> str: ...

    @property
    def instruments(self) -> Sequence[str]: ...

    @property
    def drums(self) -> bool: ...

    @property
    def intensity(self) -> Sequence[tuple[float, float]]: ...

    @property
    def fade_out(self) -> bool: ...

    def target_bpm(self) -> float:
        """The tempo to aim for before it is fitted to the cuts."""
        ...
