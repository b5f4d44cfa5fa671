"""Rebuilding a session the cloud has lost (1002, §6): a new session, every clip again, the messages again.

A desktop app holds the clips and the person's words, so a lost session need not mean starting over. The
messages are sent again in order (each one the cloud already ran once in the lost session), so the new
session's timeline is made the same way. It happens at most once per job: a session lost again while or
right after it is rebuilt stops the job with SessionLostAgain rather than rebuilding for ever.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable

from nemo_desktop.cloud.api import NemoApi
from nemo_desktop.cloud.errors import ClipGone, SessionLostAgain
from nemo_desktop.cloud.project import CloudProject
from nemo_desktop.cloud.sse import StreamDropped, StreamError, watch
from nemo_desktop.cloud.uploads import upload_one
from nemo_desktop.core.errors import SessionGone
from nemo_desktop.core.events import Progress, ProgressFn
from nemo_desktop.i18n import N_, tr

log = logging.getLogger(__name__)

NOTICE = N_("The cloud session expired; started a new one and sent your clips again.")
RESENDING = N_("Sending your request again…")
TURN_CAP_SECONDS = 900.0  # §7.5 hard cap per request


class Rebuilder:
    """Rebuilds ``project``'s session through ``api``; ``new_job()`` re-arms the once-per-job rule."""

    def __init__(self, api: NemoApi, project: CloudProject, *, idle_timeout: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.api = api
        self.project = project
        self.idle_timeout = idle_timeout
        self.clock = clock
        self._used = False

    def new_job(self) -> None:
        self._used = False

    async def rebuild(self, lost: SessionGone, progress: ProgressFn) -> bool:
        """New session, clips uploaded again, messages sent again. True when something was sent again
        (then the person is told); raises SessionLostAgain on a second loss in the same job."""
        if self._used:
            raise SessionLostAgain(lost.detail) from None
        self._used = True
        clips = self.project.clips
        for clip in clips:
            if not clip.is_file():
                raise ClipGone(str(clip), name=clip.name) from None
        messages = self.project.messages
        log.info("cloud session %s gone; rebuilding it with %d clips and %d messages",
                 self.project.session_id, len(clips), len(messages))
        try:
            info = await self.api.create_session("project", self.project.language)
            self.project.begin(info, info.user_id or (self.project.current.user_id if self.project.current else ""),
                               self.project.language, keep_history=True)
            sizes = [clip.stat().st_size for clip in clips]
            total, done = sum(sizes), 0
            for clip, size in zip(clips, sizes, strict=True):
                await upload_one(self.api, self.project.session_id, clip, size, progress, done=done, total=total)
                done += size
            for text in messages:
                progress(tr(RESENDING, None), None)
                await self._replay(text)
        except SessionLostAgain:
            raise
        except SessionGone as again:
            raise SessionLostAgain(again.detail) from None
        return bool(clips or messages)

    async def _replay(self, text: str) -> None:
        """Send an earlier message again and wait for its turn to end; what it said was heard before."""
        try:
            async with self.api.open_turn(self.project.session_id, text, idle_timeout=self.idle_timeout) as items:
                async for item in watch(items, notice_every=self.idle_timeout, idle_timeout=self.idle_timeout,
                                        hard_cap=TURN_CAP_SECONDS, clock=self.clock):
                    if isinstance(item, StreamError):
                        log.info("a message sent again ended with an error: %s", item.code or "in stream")
                        return
        except StreamDropped:
            log.info("the stream of a message sent again dropped; its state is read next")


async def as_events(work: Callable[[ProgressFn], Awaitable[object]]) -> AsyncIterator[Progress]:
    """Run ``work(progress)`` and yield its progress as Progress events while it runs (a chat turn has no
    ProgressFn, only events). Its error is raised at the end; closing the iterator cancels it."""
    queue: asyncio.Queue[Progress] = asyncio.Queue()
    task = asyncio.ensure_future(work(lambda stage, fraction: queue.put_nowait(Progress(stage, fraction))))
    getter: asyncio.Future[Progress] | None = None
    try:
        while True:
            getter = asyncio.ensure_future(queue.get())
            await asyncio.wait({getter, task}, return_when=asyncio.FIRST_COMPLETED)
            if not getter.done():  # the work ended first; a getter that never ran took nothing
                getter.cancel()
                break
            yield getter.result()
        while not queue.empty():
            yield queue.get_nowait()
        task.result()
    finally:
        for pending in (getter, task):
            if pending is not None and not pending.done():
                pending.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await pending
