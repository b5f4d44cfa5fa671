"""The one owner of the Session and of every asyncio task the window starts.

Widgets never create tasks: they call the bridge, which keeps strong references, runs one job at a time,
turns core events into Qt signals (progress throttled to ~20 Hz so a chatty encoder cannot flood the
event queue), and on shutdown cancels and awaits everything so that no ffmpeg child or ``.part`` file
outlives the window. The bridge decides nothing about media, intents or names: that is the Session's job.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from nemo_desktop import backends, paths
from nemo_desktop.backends import BackendMaker, EngineChoice
from nemo_desktop.core.draft import Draft
from nemo_desktop.core.errors import Cancelled, CloudError, InternalError, NemoError
from nemo_desktop.core.events import DraftChanged, Event, ExportReady, Failed, Notice, Progress, Reply, Status
from nemo_desktop.core.intents import Action, classify
from nemo_desktop.core.ports import EngineKind, MusicChange, PreviewChanging
from nemo_desktop.core.projects import RecentProjects
from nemo_desktop.core.session import IfNoMusic, Session
from nemo_desktop.i18n import _
from nemo_desktop.settings import Settings

log = logging.getLogger(__name__)

PROGRESS_INTERVAL = 0.05  # seconds between progress signals (~20 Hz)
CHANGING_RETRY = 0.1  # seconds between looks at a project a job is changing, for the preview
SHUTDOWN_TIMEOUT = 8.0

Reachability = Callable[[], Awaitable[bool]]


class Bridge(QObject):
    """Session ⇄ Qt. All methods are called on the GUI thread; none of them blocks."""

    status = Signal(str)
    progress = Signal(str, float)  # stage, fraction (or -1.0 when unknown)
    reply = Signal(str)
    userLine = Signal(str)
    draftChanged = Signal(object)  # Draft
    exportReady = Signal(object, str)  # Path, browser link ("" when the engine has none)
    notice = Signal(str, str)  # text, level
    failed = Signal(object)  # NemoError
    busyChanged = Signal(bool)
    jobStarted = Signal(str)  # kind: start | add | send | export
    jobFinished = Signal(str, bool)  # kind, ok
    engineChanged = Signal(str)  # the engine's label for people
    creditsChanged = Signal(object)  # Credits | None
    historyChanged = Signal(bool, bool)  # can undo, can redo
    projectRestored = Signal(str)  # the restored project's summary: the window offers a one-click New
    previewUpdating = Signal()  # the preview's sound is being mixed again
    previewReady = Signal(object)  # PreviewAudio | None (None: nothing to hear yet)
    previewUnavailable = Signal(str)  # why there is no preview sound (the cloud engine, an error)

    def __init__(
        self,
        settings: Settings,
        *,
        maker: BackendMaker = backends.make_backend,
        reachability: Reachability | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self._maker = maker
        self._reachability = reachability
        self.session: Session | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._job: asyncio.Task[Any] | None = None
        self._job_kind = ""
        self._pending_media: list[Path] = []
        self._ran: set[asyncio.Task[Any]] = set()  # jobs whose coroutine started (and so clean up themselves)
        self._closed = False
        self._last_progress = 0.0
        self._queued_progress: tuple[str, float] | None = None
        self._preview_task: asyncio.Task[Any] | None = None
        self._preview_again = False
        self._progress_timer = QTimer(self)
        self._progress_timer.setSingleShot(True)
        self._progress_timer.timeout.connect(self._flush_progress)
        self.recent = RecentProjects(paths.get().data / "projects")

    # --- state -----------------------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self._job is not None and not self._job.done()

    @property
    def job_kind(self) -> str:
        return self._job_kind if self.busy else ""

    @property
    def autosave(self) -> Path:
        return paths.get().data / "draft.json"

    @property
    def can_undo(self) -> bool:
        return self.session is not None and not self.busy and self.session.can_undo

    @property
    def can_redo(self) -> bool:
        return self.session is not None and not self.busy and self.session.can_redo

    def styles(self) -> list[tuple[str, str]]:
        return self.session.styles() if self.session is not None else []

    @property
    def engine_name(self) -> str:
        return self.session.backend.name if self.session else ""

    def tasks(self) -> set[asyncio.Task[Any]]:
        return set(self._tasks)

    def export_needs_choice(self, text: str | None = None) -> bool:
        """Whether the window must ask what to do about missing music before exporting now (or before
        sending ``text``, when it is an export request). The Session and the intents decide; while a job
        runs nothing is asked (the bridge refuses the request anyway)."""
        session = self.session
        if session is None or self.busy:
            return False
        if text is not None and classify(text).action is not Action.EXPORT:
            return False
        return session.export_needs_choice()

    # --- events → signals ------------------------------------------------------------------------------

    def _sink(self, event: Event) -> None:
        """The Session's EventSink; always called on the loop (GUI) thread."""
        if self._closed and not isinstance(event, Failed):
            return
        if isinstance(event, Progress):
            self._throttle(event.stage, -1.0 if event.fraction is None else float(event.fraction))
        elif isinstance(event, Status):
            self.status.emit(event.text)
        elif isinstance(event, Reply):
            self.reply.emit(event.text)
        elif isinstance(event, DraftChanged):
            self.draftChanged.emit(event.draft)
        elif isinstance(event, ExportReady):
            self.exportReady.emit(event.path, event.link)
        elif isinstance(event, Notice):
            self.notice.emit(event.text, event.level)
        elif isinstance(event, Failed):
            self.failed.emit(event.error)

    def _throttle(self, stage: str, fraction: float) -> None:
        now = time.monotonic()
        if now - self._last_progress >= PROGRESS_INTERVAL or fraction >= 1.0:
            self._queued_progress = None
            self._progress_timer.stop()
            self._last_progress = now
            self.progress.emit(stage, fraction)
        else:
            self._queued_progress = (stage, fraction)
            if not self._progress_timer.isActive():
                wait = PROGRESS_INTERVAL - (now - self._last_progress)
                self._progress_timer.start(max(1, int(wait * 1000)))

    def _flush_progress(self) -> None:
        if self._queued_progress is not None:
            stage, fraction = self._queued_progress
            self._queued_progress = None
            self._last_progress = time.monotonic()
            self.progress.emit(stage, fraction)

    # --- tasks -----------------------------------------------------------------------------------------

    def set_reachability(self, reachability: Reachability) -> None:
        self._reachability = reachability

    def spawn(self, coro: Awaitable[Any], name: str) -> asyncio.Task[Any] | None:
        """Run a small background coroutine (thumbnail, reachability) owned and cancelled by the bridge."""
        if self._closed:
            if asyncio.iscoroutine(coro):
                coro.close()
            return None
        return self._spawn(coro, name)

    def _spawn(self, coro: Awaitable[Any], name: str) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(coro)
        task.set_name(f"nemo-ui-{name}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def _start_job(self, kind: str, make: Callable[[], Awaitable[Any]]) -> bool:
        """Start one job; refuses (with a notice) while another runs or before the engine is ready."""
        if self._closed:
            return False
        if self.busy:
            self.notice.emit(_("Another job is still running. Wait for it or cancel it first."), "warning")
            return False
        self._job_kind = kind
        job = self._spawn(self._run_job(kind, make), kind)
        self._job = job
        job.add_done_callback(lambda task: self._never_ran(task, kind))
        self.busyChanged.emit(True)  # at once, so nothing can be sent twice before the task first runs
        self.jobStarted.emit(kind)
        return True

    def _never_ran(self, task: asyncio.Task[Any], kind: str) -> None:
        """A job cancelled before its first step never reaches ``_run_job``'s clean-up: do it here."""
        if task.cancelled() and task not in self._ran:
            self._sink(Failed(Cancelled()))
            self._finish(kind, False, task)
        self._ran.discard(task)

    async def _run_job(self, kind: str, make: Callable[[], Awaitable[Any]]) -> Any:
        ok = False
        task = asyncio.current_task()
        if task is not None:
            self._ran.add(task)
        try:
            result = await make()
            ok = True
            return result
        except asyncio.CancelledError:
            raise
        except NemoError:
            pass  # the Session already sent a Failed event with the sentence
        except Exception as exc:  # a bug must not kill the window
            log.exception("job %s crashed", kind)
            self.failed.emit(InternalError(type(exc).__name__))
        finally:
            self._finish(kind, ok, task)
        return None

    def _finish(self, kind: str, ok: bool, task: asyncio.Task[Any] | None) -> None:
        self._flush_progress()
        if self._job is task or self._job is None or self._job.done():
            self._job = None
        if not self._closed:
            self.busyChanged.emit(self.busy)
            self.historyChanged.emit(self.can_undo, self.can_redo)
            self.jobFinished.emit(kind, ok)
            if self._pending_media and self.session is not None:
                queued, self._pending_media = self._pending_media, []
                QTimer.singleShot(0, lambda: self.add_media(queued))
            elif ok and kind in ("send", "export"):
                self._spawn(self._refresh_credits(), "credits")

    # --- actions ---------------------------------------------------------------------------------------

    def start(self, choice: str | None = None, *, restore: bool = True) -> bool:
        """Pick the engine (Auto falls back to built-in when the cloud is unreachable) and start a Session:
        with the last project (``restore``), or a new one (the last is kept in Open Recent)."""
        return self._start_job("start", lambda: self._open(choice or self.settings.engine, restore))

    async def _open(self, choice: str, restore: bool = True) -> None:
        if self.session is not None:
            old, self.session = self.session, None
            await old.aclose()
        if not restore:
            await asyncio.to_thread(self.recent.keep_file, self.autosave)
        self.session = await self._open_session(EngineChoice(choice), restore=restore)
        self.engineChanged.emit(engine_label(self.session.backend.kind))
        self.draftChanged.emit(self.session.draft)
        if self.session.restored:
            self.projectRestored.emit(self.session.draft.summary())

    def new_project(self) -> bool:
        """Start over: the current project goes to Open Recent, the same engine starts with nothing."""
        if self.busy:
            self.notice.emit(_("Another job is still running. Wait for it or cancel it first."), "warning")
            return False
        self._pending_media.clear()
        return self._start_job("start", self._fresh)

    async def _fresh(self) -> None:
        old, self.session = self.session, None
        cloud = old is not None and old.backend.kind is EngineKind.CLOUD
        if old is not None:
            if not old.draft.is_empty:
                await asyncio.to_thread(self.recent.keep, old.draft, old.backend.kind.value)
            old.clear()
            await old.aclose()
        self.session = await self._open_session(EngineChoice.CLOUD if cloud else EngineChoice.BUILTIN,
                                                restore=False)
        self.session.clear()
        self.engineChanged.emit(engine_label(self.session.backend.kind))
        self.draftChanged.emit(self.session.draft)

    def open_recent(self, path: Path) -> bool:
        """Open a kept project; the one open now is kept too (and the step can be undone)."""
        draft = self.recent.load(path)
        if draft is None or self.session is None:
            self.notice.emit(_("That project could not be read."), "warning")
            return False
        session = self.session

        async def run() -> Draft:
            if not session.draft.is_empty:
                await asyncio.to_thread(self.recent.keep, session.draft, session.backend.kind.value)
            return await session.open_draft(draft)

        if not session.can_edit:
            self.notice.emit(_("This engine cannot open a kept project."), "warning")
            return False
        return self._start_job("add", run)

    def undo(self) -> bool:
        session = self.session
        if session is None or not session.can_undo:
            return False
        return self._start_job("add", session.undo)

    def redo(self) -> bool:
        session = self.session
        if session is None or not session.can_redo:
            return False
        return self._start_job("add", session.redo)

    def tune(self, change: MusicChange) -> bool:
        """A style, level or variation from the controls: like the same words typed."""
        session = self.session
        if session is None or not session.can_tune:
            return False
        return self._start_job("send", lambda: session.tune(change))

    def set_sound_muted(self, source: str, muted: bool) -> bool:
        session = self.session
        if session is None or not session.can_edit:
            return False
        return self._start_job("add", lambda: session.set_sound_volume(source, 0.0 if muted else None))

    async def _open_session(self, choice: EngineChoice, *, restore: bool = True) -> Session:
        """The one front door (backends.open_session) with the window's notices and autosave."""
        try:
            return await backends.open_session(
                choice, self.settings, self._sink, notice=lambda text: self.notice.emit(text, "info"),
                autosave=self.autosave, reachable=self._reachable, maker=self._maker,
                restore=restore)
        except CloudError as err:
            self.failed.emit(err)
            raise
        except ImportError as exc:
            missing = InternalError(_("the built-in engine is not installed"))
            self.failed.emit(missing)
            raise missing from exc

    async def _reachable(self) -> bool:
        if self._reachability is not None:
            return await self._reachability()
        try:
            return await backends.cloud_reachable(self.settings)
        except Exception:  # no network, a broken proxy: all mean "not reachable"
            return False

    def add_media(self, files: list[Path]) -> bool:
        """Add files; while another job runs they are queued and added right after it."""
        if not files:
            return False
        if self.busy or self.session is None:
            self._pending_media.extend(files)
            return True
        session = self.session
        return self._start_job("add", lambda: session.add_media(list(files)))

    def replace_media(self, files: list[Path]) -> bool:
        """Remove or reorder clips. The built-in engine rearranges its own session (the music is refitted,
        the same piece); a backend that cannot (the cloud) gets a fresh session with the remaining clips.
        """
        if self.busy:
            self.notice.emit(_("Another job is still running. Wait for it or cancel it first."), "warning")
            return False
        if self.session is not None and self.session.can_rearrange:
            session = self.session
            return self._start_job("add", lambda: session.set_media(list(files)))
        cloud = self.session is not None and self.session.backend.kind is EngineKind.CLOUD
        choice = EngineChoice.CLOUD if cloud else EngineChoice.BUILTIN

        async def run() -> None:
            old, self.session = self.session, None
            if old is not None:
                old.clear()
                await old.aclose()
            self.session = await self._open_session(choice, restore=False)
            self.session.clear()
            self.draftChanged.emit(self.session.draft)
            if files:
                await self.session.add_media(list(files))

        return self._start_job("add", run)

    def send(self, text: str, if_no_music: IfNoMusic = IfNoMusic.ASK) -> bool:
        """Send what the person typed. ``if_no_music`` is their answer to the no-music question when the
        text is an export request (ASK: the Session refuses a music-less export with NoMusicYet)."""
        text = text.strip()
        if not text or self.session is None:
            return False
        session = self.session

        if self._start_job("send", lambda: session.send(text, if_no_music=if_no_music)):
            self.userLine.emit(text)
            return True
        return False

    def export(self, if_no_music: IfNoMusic = IfNoMusic.ASK, target: Path | None = None) -> bool:
        """Export the draft; ``if_no_music`` is the person's answer when there is no music yet, ``target``
        the file they chose with Save As (else the output folder and the engine's name)."""
        if self.session is None:
            return False
        session = self.session
        return self._start_job("export", lambda: session.export(if_no_music=if_no_music, target=target))

    @property
    def previewing(self) -> bool:
        """Whether the preview's sound is being mixed now."""
        return self._preview_task is not None and not self._preview_task.done()

    def request_preview(self) -> None:
        """Mix the preview's sound for the current draft (after every draft change). Requests that arrive
        while one is mixing are coalesced into one more run, so only the newest draft is ever shown."""
        if self._closed or self.session is None:
            return
        if self.previewing:
            self._preview_again = True
            return
        self._preview_task = self._spawn(self._preview(), "preview")

    async def _preview(self) -> None:
        while True:
            self._preview_again = False
            session = self.session
            if session is None or self._closed:
                return
            if not session.can_preview:
                self.previewUnavailable.emit(_("Preview is not available for the cloud engine."))
                return
            self.previewUpdating.emit()
            try:
                audio = await session.preview_audio()
            except PreviewChanging:  # a job is changing the project: mix what it leaves, once it is done
                if self.busy or self._preview_again:
                    await asyncio.sleep(CHANGING_RETRY)
                    continue
                self.previewReady.emit(None)
                return
            except NemoError as err:
                self.previewUnavailable.emit(err.message())
                return
            except Exception as exc:  # a preview must never take the window down
                log.exception("preview failed")
                self.previewUnavailable.emit(InternalError(type(exc).__name__).message())
                return
            if not self._preview_again and not self._closed:
                self.previewReady.emit(audio)
                return

    async def _refresh_credits(self) -> None:
        session = self.session
        if session is None or session.backend.kind is EngineKind.BUILTIN:
            self.creditsChanged.emit(None)
            return
        try:
            credits = await session.backend.credits()
        except Exception as exc:  # a balance is nice to have, never an error
            log.info("credits not refreshed: %s", exc)
            return
        self.creditsChanged.emit(credits)

    def cancel(self) -> None:
        """Cancel the running job; the Session reports Cancelled and the backend cleans up."""
        self._pending_media.clear()
        if self._job is not None and not self._job.done():
            self._job.cancel()

    async def shutdown(self, timeout: float = SHUTDOWN_TIMEOUT) -> None:
        """Cancel every task, wait for their clean-up (bounded), then close the Session. Idempotent."""
        if self._closed:
            return
        self._pending_media.clear()
        tasks = [t for t in self._tasks if not t.done() and t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        if tasks:
            done, pending = await asyncio.wait(tasks, timeout=timeout)
            for task in pending:
                log.warning("task %s did not stop within %.0f s", task.get_name(), timeout)
        self._closed = True
        self._progress_timer.stop()
        if self.session is not None:
            try:
                await asyncio.wait_for(self.session.aclose(), timeout)
            except Exception as exc:  # closing must finish whatever happens
                log.warning("session did not close cleanly: %s", exc)


def engine_label(kind: EngineKind) -> str:
    """The engine's name as the status bar says it."""
    return _("NemoVideo cloud") if kind is EngineKind.CLOUD else _("Built-in")
