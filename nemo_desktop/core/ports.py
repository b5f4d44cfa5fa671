"""The Backend protocol: the built-in engine and the NemoVideo cloud hold the same conversation.

The Session, the window and the CLI only ever talk to this interface, so they never ask which engine
they have.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from enum import Enum
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


class EngineKind(str, Enum):
    """Which engine a backend is; compared by code (the display ``name`` is only for people)."""

    BUILTIN = "builtin"
    CLOUD = "cloud"


@runtime_checkable
class Backend(Protocol):
    """What a Session drives. Optional capabilities beyond it are the small protocols below
    (``Restorable``, ``Rearrangeable``, ``StemWriter``, ``Previewable``), checked with ``isinstance``."""

    kind: EngineKind
    name: str
    """For people: "built-in" or "NemoVideo cloud"."""

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


@runtime_checkable
class Restorable(Protocol):
    """Can adopt an autosaved draft (every source still there), so a restart finds the timeline again."""

    async def restore(self, draft: Draft) -> Draft | None: ...


@runtime_checkable
class Rearrangeable(Protocol):
    """Can keep exactly these clips in this order (a removal or a reorder) without starting over; a backend
    without it gets a fresh session instead."""

    async def set_media(self, paths: list[Path], progress: ProgressFn) -> Draft: ...


@dataclass(frozen=True)
class MusicChange:
    """A change of the music asked for with a control instead of words (a style picked, the music level
    moved, "another variation"); None leaves that part as it is."""

    style: str | None = None
    gain_db: float | None = None
    variation: bool = False


@runtime_checkable
class Tunable(Protocol):
    """Knows its styles and takes a ``MusicChange`` directly (the window's style picker, volume slider and
    variation button); words still reach the same music through ``chat``."""

    def styles(self, lang: str) -> list[tuple[str, str]]:
        """(style id, its name in ``lang``) for every style the engine has."""

    def tune(self, change: MusicChange, lang: str) -> AsyncIterator[Event]:
        """Apply ``change`` like a chat turn would: events, ending with the turn."""


@runtime_checkable
class StemWriter(Protocol):
    """Can write the music stems and a cue sheet beside an exported video (``make --stems``)."""

    async def write_stems(self, video: Path) -> list[Path]: ...


@dataclass(frozen=True)
class Waveform:
    """A small peak envelope for the timeline to draw (a few thousand points, so it crosses the Qt-free core
    as a plain value): ``peaks[i]`` is the largest sample magnitude (full scale 1.0) in the i-th of
    ``len(peaks)`` equal stretches of ``duration`` seconds."""

    peaks: tuple[float, ...]
    duration: float

    def at(self, t0: float, t1: float) -> float:
        """The peak between two times (0 outside the envelope)."""
        n = len(self.peaks)
        if n == 0 or self.duration <= 0:
            return 0.0
        a = max(0, min(n - 1, int(t0 / self.duration * n)))
        b = max(a + 1, min(n, int(t1 / self.duration * n + 0.999)))
        return max(self.peaks[a:b])


@dataclass(frozen=True)
class PreviewAudio:
    """The sound a preview plays: exactly what an export would put under the picture (music, clip sound,
    ducking, loudness), as a file of interleaved little-endian 16-bit PCM (no header), so the window
    streams it to an audio device and no programme is ever held in memory. ``key`` names what it was
    mixed from (the music and the clips); equal keys, equal sound. ``music`` is the music's envelope as
    the mix carries it (ducked under speech), for the timeline; None without music."""

    path: str
    frames: int
    sample_rate: int
    channels: int
    key: str
    music: Waveform | None = None

    @property
    def duration(self) -> float:
        return self.frames / self.sample_rate if self.sample_rate else 0.0

    @property
    def frame_bytes(self) -> int:
        return 2 * self.channels

    def read_pcm(self, first: int = 0, count: int | None = None) -> bytes:
        """``count`` frames of the PCM from frame ``first`` (all of it by default: tests, short pieces)."""
        count = self.frames - first if count is None else count
        with open(self.path, "rb") as fh:
            fh.seek(first * self.frame_bytes)
            return fh.read(max(0, count) * self.frame_bytes)


class PreviewChanging(Exception):
    """The project is being changed by a job right now (its clips or music no longer match the draft asked
    for): the preview is not mixed from half a change; ask again when the job is done."""


@runtime_checkable
class Previewable(Protocol):
    """Can mix the draft's sound for the window's preview without rendering a video (the built-in engine);
    the cloud has no such call, so its window says the preview is not available. The preview runs beside
    the jobs, so it only reads the project: it raises ``PreviewChanging`` rather than touch a project
    that a job is changing."""

    async def preview_audio(self, draft: Draft) -> PreviewAudio: ...


@runtime_checkable
class SharesLink(Protocol):
    """Gives a browser link to the project it just exported (the cloud); empty when it has none."""

    last_link: str


NoticeFn = Callable[[str, str], None]
"""``notice(text, level)``: a line the person must see (level "info" or "warning"); safe from any thread."""


@runtime_checkable
class Announces(Protocol):
    """Can tell the person something outside a chat turn (e.g. that the cloud session was rebuilt while
    adding clips or exporting); the Session registers where such lines go."""

    def listen(self, notice: NoticeFn) -> None: ...
