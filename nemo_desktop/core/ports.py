"""The Backend protocol: the built-in engine and the NemoVideo cloud hold the same conversation.

The Session, the window and the CLI only ever talk to this interface, so they never ask which engine
they have.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from nemo_desktop.core.draft import Draft
from nemo_desktop.core.events import Event, ProgressFn


@dataclass(frozen=True)
class Credits:
    """A metered balance (cloud); ``frozen`` is reserved by work in flight."""

    available: int
    frozen: int = 0

    @property
    def total(self) -> int:
        return self.available + self.frozen


@runtime_checkable
class Backend(Protocol):
    """What a Session drives. Two optional methods go beyond it, looked up by name: ``restore(draft)``
    adopts an autosaved draft, and ``set_media(paths, progress)`` keeps exactly these clips in this order
    (a removal or a reorder) without starting over; a backend without them gets a fresh session instead."""

    name: str
    """"built-in" or "NemoVideo cloud"."""

    async def connect(self) -> None:
        """Token and session for the cloud; a quick readiness check for the built-in engine."""

    async def add_media(self, paths: list[Path], progress: ProgressFn) -> Draft:
        """Validate, analyse/upload the files and return the draft that now holds them."""

    def chat(self, text: str) -> AsyncIterator[Event]:
        """One conversational turn; yields replies, activity and draft changes; ends with the turn."""

    async def state(self) -> Draft:
        """The current draft as the backend sees it."""

    async def credits(self) -> Credits | None:
        """None when not metered (built-in)."""

    async def export(self, draft: Draft, dest_dir: Path, progress: ProgressFn) -> Path:
        """Render the draft to an MP4 in ``dest_dir`` (atomic, never overwriting) and return its path."""

    async def aclose(self) -> None:
        """Release connections, child processes and temporary files."""
