"""LocalBackend: the built-in offline engine behind the Backend protocol — an adapter, nothing more.

The rooms behind it: ``project`` (clips, analysis, draft, music; refit and restore), ``conversation`` (a
chat turn: words → brief or change → music, replies, seed policy), ``export`` (mix and render), ``preview``
(the export's mix without the video, for the window's monitor) and ``worker`` (CPU work in threads with
one cancel token per job, so the caller's event loop stays responsive and cancelling the awaiting task
stops ffmpeg and the workers and leaves no file).
"""

from __future__ import annotations

import asyncio
import atexit
import threading
from collections.abc import AsyncIterator
from pathlib import Path

from nemo_desktop.core.draft import Draft
from nemo_desktop.core.events import Event, ProgressFn
from nemo_desktop.core.ports import Credits, EngineKind, MusicChange, PreviewAudio
from nemo_desktop.engine import export, media_cache
from nemo_desktop.engine.conversation import Conversation
from nemo_desktop.engine.performance import Performer, warm_up
from nemo_desktop.engine.preview import PreviewMixer
from nemo_desktop.engine.project import Project
from nemo_desktop.engine.worker import Worker
from nemo_desktop.settings import Settings
from nemo_desktop.tools.ffmpeg import find_ffmpeg

_WARM_UP_WAIT = 10.0  # seconds an exit waits for the warm-up to finish
_warm_up_lock = threading.Lock()
_warm_up_thread: threading.Thread | None = None


def warm_up_once() -> None:
    """The synth's warm-up is for the process (imports, first-call set-up), not for each session: a New
    project or an engine switch must not start another one. A daemon thread still in numpy or scipy when
    the interpreter finalises aborts the process ("terminate called without an active exception"), so an
    exit that comes early (a window closed at once) waits for it — a second or so, at most ``_WARM_UP_WAIT``."""
    global _warm_up_thread
    with _warm_up_lock:
        if _warm_up_thread is None:
            _warm_up_thread = threading.Thread(target=warm_up, name="nemo-warm-up", daemon=True)
            _warm_up_thread.start()
            atexit.register(_warm_up_thread.join, _WARM_UP_WAIT)


class LocalBackend:
    kind = EngineKind.BUILTIN
    name = "built-in"

    def __init__(self, settings: Settings | None = None, seed: int | None = None) -> None:
        self.settings = settings or Settings()
        self._worker = Worker()
        self.project = Project(self.settings, self._worker, Performer(self.settings.soundfont), seed)
        self._conversation = Conversation(self.project)
        self._preview = PreviewMixer(self.project)

    async def connect(self) -> None:
        find_ffmpeg(self.project.ffmpeg)  # fails early with a clear sentence when no ffmpeg can be found
        await asyncio.to_thread(media_cache.sweep_leftovers, self.project.cache)  # what a killed run left
        warm_up_once()

    async def add_media(self, paths: list[Path], progress: ProgressFn) -> Draft:
        return await self.project.add(paths, progress)

    async def set_media(self, paths: list[Path], progress: ProgressFn) -> Draft:
        """Keep exactly these clips, in this order (the person removed or moved one); music that was asked
        for is refitted to the new cut with the same brief and seed, so it stays the same piece."""
        return await self.project.keep(paths, progress)

    async def restore(self, draft: Draft) -> Draft | None:
        return await self.project.restore(draft)

    def chat(self, text: str) -> AsyncIterator[Event]:
        return self._conversation.turn(text)

    def styles(self, lang: str) -> list[tuple[str, str]]:
        return self._conversation.styles(lang)

    def tune(self, change: MusicChange, lang: str) -> AsyncIterator[Event]:
        return self._conversation.tune(change, lang)

    async def state(self) -> Draft:
        return self.project.draft.copy()

    async def credits(self) -> Credits | None:
        return None

    async def export(self, draft: Draft, dest_dir: Path, progress: ProgressFn) -> Path:
        return await export.export(self.project, draft, dest_dir, progress)

    async def write_stems(self, video: Path) -> list[Path]:
        """The music stems (WAV) and a cue sheet (JSON) beside an exported MP4."""
        return await export.write_stems(self.project, video)

    async def preview_audio(self, draft: Draft) -> PreviewAudio:
        """The draft's sound as an export would mix it (music, clip sound, ducking, loudness), no video."""
        return await self._preview.audio(draft)

    async def aclose(self) -> None:
        self._worker.cancel_all()
