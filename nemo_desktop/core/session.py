"""One conversation with one backend: the person's files and words in, events and an MP4 out.

Both front doors (window and CLI) drive a Session. It routes each text to a client action (export,
credits, status) or a chat turn, keeps the current Draft and autosaves it (so a restart finds the
timeline again), and runs one job at a time. Cancelling the task that runs a job is the way to stop it:
backends clean up (child processes, ``.part`` files) in their ``finally`` blocks.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import Awaitable, Callable
from enum import Enum
from pathlib import Path
from typing import TypeVar

from nemo_desktop.core import media
from nemo_desktop.core.draft import Draft
from nemo_desktop.core.errors import (
    Busy,
    Cancelled,
    InternalError,
    MediaError,
    NemoError,
    NoMusicComposed,
    NoMusicYet,
    NothingToDo,
)
from nemo_desktop.core.events import (
    DraftChanged,
    Event,
    EventSink,
    ExportReady,
    Failed,
    Notice,
    Progress,
    Reply,
    Status,
)
from nemo_desktop.core.files import sweep_stale_parts
from nemo_desktop.core.history import History
from nemo_desktop.core.intents import Action, classify
from nemo_desktop.core.ports import (
    Announces,
    Backend,
    Credits,
    MusicChange,
    Previewable,
    PreviewAudio,
    Rearrangeable,
    Restorable,
    SharesLink,
    Tunable,
)
from nemo_desktop.i18n import current_language, language_of, tr

log = logging.getLogger(__name__)
T = TypeVar("T")


class IfNoMusic(Enum):
    """What an export does when the draft has no music yet (it is a music app: never silently without)."""

    ASK = "ask"  # refuse with NoMusicYet, so the front door can ask the person
    COMPOSE = "compose"  # compose music that fits the video first, then export
    WITHOUT = "without"  # the person chose a video without music


class Session:
    def __init__(
        self,
        backend: Backend,
        sink: EventSink,
        *,
        output_dir: Callable[[], Path],
        autosave: Path | None = None,
        max_bytes: int = media.MAX_BYTES,
    ) -> None:
        self.backend = backend
        self._sink = sink
        self._output_dir = output_dir
        self._autosave = autosave
        self._max_bytes = max_bytes
        self._lock = asyncio.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self.draft = Draft()
        self.lang = current_language()  # replies follow what the person types; until then, the UI's
        self.music_removed = False  # the person asked to take the music out: a music-less export is wanted
        self.restored = False  # start() brought back the last project
        self.history = History()
        self._chatting = False
        if isinstance(backend, Announces):
            backend.listen(self.notice)

    # --- plumbing --------------------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self._lock.locked()

    @property
    def has_music(self) -> bool:
        return self.draft.music() is not None

    def export_needs_choice(self) -> bool:
        """Whether an export now would have no music that anybody asked to leave out (the window asks)."""
        return not self.has_music and not self.music_removed and not self.draft.is_empty

    def emit(self, event: Event) -> None:
        if isinstance(event, DraftChanged):
            if event.draft.music() is not None:
                self.music_removed = False
            elif self._chatting and self.has_music:
                self.music_removed = True  # a chat turn took the music out: that is what was asked
            self.draft = event.draft
            self._save()
        self._sink(event)

    def notice(self, text: str, level: str = "info") -> None:
        """A NoticeFn for backends (``Announces``): a line the person sees, from any thread."""
        self._from_any_thread(Notice(text, level))

    def progress(self, stage: str, fraction: float | None) -> None:
        """A ProgressFn safe to call from worker threads: hops onto the loop before emitting."""
        self._from_any_thread(Progress(stage, None if fraction is None else max(0.0, min(1.0, fraction))))

    def _from_any_thread(self, event: Event) -> None:
        loop = self._loop
        if loop is None:
            self._sink(event)
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._sink(event)
        elif not loop.is_closed():
            loop.call_soon_threadsafe(self._sink, event)

    async def _job(self, coro_fn: Callable[[], Awaitable[T]], record: bool = True) -> T:
        """Run one job at a time; errors become a Failed event and are raised as NemoError. A job that
        changed the draft is one undo step (``record``: undo and redo themselves are not)."""
        if self._lock.locked():
            err = Busy()
            self._sink(Failed(err))
            raise err
        async with self._lock:
            self._loop = asyncio.get_running_loop()
            before = self.draft.copy()
            try:
                return await coro_fn()
            except asyncio.CancelledError:
                self._sink(Failed(Cancelled()))
                raise
            except NemoError as err:
                self._sink(Failed(err))
                raise
            except Exception as exc:  # a bug: log it whole, show one sentence
                log.exception("unexpected error in a job")
                bug = InternalError(type(exc).__name__)
                self._sink(Failed(bug))
                raise bug from exc
            finally:
                if record:
                    self.history.record(before, self.draft)

    # --- life cycle ------------------------------------------------------------------------------------

    async def start(self, restore: bool = True) -> None:
        """Connect the backend and bring back the autosaved draft when it belongs to this engine; unfinished
        exports that a killed run left in the output folder are removed."""
        await self.backend.connect()
        try:
            await asyncio.to_thread(sweep_stale_parts, self._output_dir())
        except OSError as exc:
            log.info("output folder not swept: %s", exc)
        restored = self._load() if restore else None
        if restored is not None and isinstance(self.backend, Restorable):
            try:
                draft = await self.backend.restore(restored)
            except NemoError as err:
                log.info("autosaved draft not restored: %s", err)
                return
            if draft is not None and not draft.is_empty:
                self.restored = True
                self.emit(DraftChanged(draft))

    async def aclose(self) -> None:
        await self.backend.aclose()

    def clear(self) -> None:
        """Forget the draft (the person removed every clip)."""
        self.draft = Draft()
        self.history.clear()
        self._save()

    # --- actions ---------------------------------------------------------------------------------------

    async def add_media(self, paths: list[Path]) -> list[MediaError]:
        """Add files; each rejected file gets its own Failed event and the rest are still added."""

        async def run() -> list[MediaError]:
            accepted, rejected = media.triage(paths, self._max_bytes)
            for err in rejected:
                self._sink(Failed(err))
            for i, item in enumerate(accepted):
                self._sink(Status(tr("Adding {name}…", self.lang).format(name=item.path.name)))
                try:
                    draft = await self.backend.add_media([item.path], self._scaled(i, len(accepted)))
                except MediaError as err:
                    rejected.append(err)
                    self._sink(Failed(err))
                    continue
                self.emit(DraftChanged(draft))
            return rejected

        return await self._job(run)

    @property
    def can_rearrange(self) -> bool:
        """Whether the backend can take a new selection or order of its clips itself (keeping the music)."""
        return isinstance(self.backend, Rearrangeable)

    async def set_media(self, paths: list[Path]) -> Draft:
        """Keep exactly these clips in this order (a removal or a reorder); needs ``can_rearrange``."""

        async def run() -> Draft:
            self._sink(Status(tr("Updating the timeline…", self.lang)))
            if not isinstance(self.backend, Rearrangeable):
                raise InternalError("set_media on an engine that cannot rearrange")
            draft = await self.backend.set_media(list(paths), self.progress)
            self.emit(DraftChanged(draft))
            return draft

        return await self._job(run)

    # --- undo, redo and direct edits (engines that restore a draft exactly) -----------------------------

    @property
    def can_edit(self) -> bool:
        """Whether the backend brings back any draft it is given (undo, redo, mute, open a recent project):
        it must both restore and rearrange its own clips (the built-in engine; the cloud's session is its
        own truth)."""
        return isinstance(self.backend, Restorable) and isinstance(self.backend, Rearrangeable)

    @property
    def can_undo(self) -> bool:
        return self.can_edit and self.history.can_undo

    @property
    def can_redo(self) -> bool:
        return self.can_edit and self.history.can_redo

    async def _adopt(self, draft: Draft) -> Draft:
        """Have the backend restore ``draft`` exactly (clips, order, muted sounds, music) and show it."""
        if not isinstance(self.backend, Restorable) or not self.can_edit:
            raise InternalError("an edit on an engine that cannot restore a draft")
        self._sink(Status(tr("Updating the timeline…", self.lang)))
        restored = await self.backend.restore(draft)
        result = restored if restored is not None else Draft()
        self.emit(DraftChanged(result))
        return result

    async def undo(self) -> bool:
        """Go back one step; False when there is nothing to undo."""
        return await self._job(lambda: self._travel(self.history.undo, self.history.undo_failed), record=False)

    async def redo(self) -> bool:
        """Go forward again after an undo; False when there is nothing to redo."""
        return await self._job(lambda: self._travel(self.history.redo, self.history.redo_failed), record=False)

    async def _travel(self, take: Callable[[Draft], Draft | None], failed: Callable[[Draft], None]) -> bool:
        if not self.can_edit:
            return False
        target = take(self.draft)
        if target is None:
            return False
        try:
            await self._adopt(target)
        except BaseException:
            failed(target)
            raise
        return True

    async def open_draft(self, draft: Draft) -> Draft:
        """Open a kept project (File ▸ Open Recent): one undoable step."""
        return await self._job(lambda: self._adopt(draft))

    async def set_sound_volume(self, source: str, volume: float | None) -> Draft:
        """Mute (0.0) or unmute (None) an added audio file; the music and the clips stay as they are."""
        edited = self.draft.copy()
        for seg in edited.sound_files():
            if seg.source == source:
                seg.volume = volume
        return await self._job(lambda: self._adopt(edited))

    # --- music controls ----------------------------------------------------------------------------------

    def styles(self) -> list[tuple[str, str]]:
        """(id, name) of the styles the engine offers, in the UI's language; empty when it offers none."""
        return self.backend.styles(current_language()) if isinstance(self.backend, Tunable) else []

    @property
    def can_tune(self) -> bool:
        return isinstance(self.backend, Tunable)

    async def tune(self, change: MusicChange) -> None:
        """A music change from a control (style, level, variation), answered like a typed one."""

        async def run() -> None:
            if not isinstance(self.backend, Tunable):
                raise InternalError("tune on an engine without music controls")
            self._chatting = True
            try:
                async for event in self.backend.tune(change, self.lang):
                    self.emit(event)
            finally:
                self._chatting = False

        await self._job(run)

    @property
    def can_preview(self) -> bool:
        """Whether the engine can mix the preview's sound itself (the built-in engine; not the cloud)."""
        return isinstance(self.backend, Previewable)

    async def preview_audio(self) -> PreviewAudio | None:
        """The current draft's sound as an export would mix it, for the window's monitor; None when the
        engine cannot. Not a job: a preview never makes the person's next request wait or be refused, and
        raises ``PreviewChanging`` while a job is changing the project under it."""
        if not isinstance(self.backend, Previewable) or self.draft.is_empty:
            return None
        return await self.backend.preview_audio(self.draft.copy())

    def _scaled(self, index: int, count: int) -> Callable[[str, float | None], None]:
        def progress(stage: str, fraction: float | None) -> None:
            self.progress(stage, None if fraction is None else (index + fraction) / max(1, count))

        return progress

    async def compose(self, text: str = "") -> None:
        """A music request; empty text lets the video decide the style (``make`` with no --prompt)."""
        if text.strip():
            self.lang = language_of(text)
        await self._job(lambda: self._chat(text.strip()))

    async def send(
        self, text: str, dest_dir: Path | None = None, if_no_music: IfNoMusic = IfNoMusic.ASK
    ) -> Path | None:
        """Handle one thing the person typed. Returns the exported file when the text asked for one
        (``if_no_music``: the person's answer when there is no music yet)."""
        intent = classify(text)
        if intent.text:
            self.lang = language_of(intent.text)
        if intent.action is Action.EXPORT:
            return await self.export(dest_dir, if_no_music)
        if intent.action is Action.CREDITS:
            await self._job(self._credits)
            return None
        if intent.action is Action.STATUS:
            await self._job(self._status)
            return None
        if intent.action is Action.UPLOAD:
            self._sink(Reply(tr("Drop your files onto the window (or pass them on the command line) to add them.",
                                self.lang)))
            return None
        await self._job(lambda: self._chat(intent.text))
        return None

    async def _chat(self, text: str) -> None:
        self._chatting = True
        try:
            async for event in self.backend.chat(text):
                self.emit(event)
        finally:
            self._chatting = False

    async def _credits(self) -> Credits | None:
        credits = await self.backend.credits()
        if credits is None:
            self._sink(Reply(tr("The built-in engine is free: no credits are needed.", self.lang)))
        else:
            self._sink(Reply(tr("You have {available} credits ({frozen} reserved).", self.lang).format(
                available=credits.available, frozen=credits.frozen)))
        return credits

    async def _status(self) -> None:
        draft = await self.backend.state()
        self.emit(DraftChanged(draft))
        self._sink(Reply(draft.summary(self.lang)))

    async def export(self, dest_dir: Path | None = None, if_no_music: IfNoMusic = IfNoMusic.ASK,
                     target: Path | None = None) -> Path:
        """Export the draft. Without music, ``if_no_music`` decides; a deliberate "no music" (the person
        asked to remove it) exports without and the reply says so. ``target`` is a file the person chose
        (Save As; they already agreed to replace it): the engine writes in its folder, then it is renamed."""
        if target is not None:
            dest_dir = target.parent

        async def run() -> Path:
            draft = self.draft
            if draft.is_empty:
                draft = await self.backend.state()
            if draft.is_empty:
                raise NothingToDo()
            silent = draft.music() is None
            if silent and not self.music_removed and if_no_music is not IfNoMusic.WITHOUT:
                if if_no_music is IfNoMusic.ASK:
                    raise NoMusicYet()
                await self._chat("")
                draft = self.draft
                silent = draft.music() is None
                if silent:
                    raise NoMusicComposed(tr("Try again with a description of the music you want.", self.lang))
            folder = dest_dir or self._output_dir()
            self._sink(Status(tr("Exporting…", self.lang)))
            path = await self.backend.export(draft, folder, self.progress)
            if target is not None and path != target:
                await asyncio.to_thread(os.replace, path, target)
                path = target
            link = self.backend.last_link if isinstance(self.backend, SharesLink) else ""
            self._sink(ExportReady(path, link))
            saved = tr("Saved {name} in {folder}.", self.lang) if not silent else tr(
                "Saved {name} in {folder}, without music as you asked.", self.lang)
            self._sink(Reply(saved.format(name=path.name, folder=path.parent)))
            return path

        return await self._job(run)

    async def credits(self) -> Credits | None:
        return await self._job(self._credits)

    # --- autosave --------------------------------------------------------------------------------------

    def _save(self) -> None:
        if self._autosave is None:
            return
        from nemo_desktop.core.files import write_bytes_atomic

        body = {"engine": self.backend.kind.value, "draft": self.draft.to_compact()}
        try:
            write_bytes_atomic(self._autosave, json.dumps(body, ensure_ascii=False).encode("utf-8"), 0o600)
        except OSError as exc:
            log.warning("could not autosave the draft: %s", exc)

    def _load(self) -> Draft | None:
        if self._autosave is None:
            return None
        try:
            body = json.loads(self._autosave.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        # older autosaves named the engine by its display name
        if not isinstance(body, dict) or body.get("engine") not in (self.backend.kind.value, self.backend.name):
            return None
        return Draft.from_compact(body.get("draft"))
