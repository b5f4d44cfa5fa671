"""The cloud session a job works in: connected, its state read, and its steps kept going when it is lost.

project.py remembers which session is in use and what this app gave it; this module talks to it.
``connect`` reuses the saved session for this API and user or creates one; ``read`` gets its state and
keeps the last one read (a chat turn starts from it). When the cloud has lost the session (1002) at any
step, it is rebuilt once per job (recovery.py) and the step runs again; losing the new session too ends
the job with SessionLostAgain. The person hears one line about a rebuild: a Notice in a chat turn
(``rebuilt``), a progress line in the other steps (``step``; they have no event channel).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TypeVar

from nemo_desktop.cloud.api import NemoApi, StateSnapshot
from nemo_desktop.cloud.auth import Auth
from nemo_desktop.cloud.errors import SessionLostAgain
from nemo_desktop.cloud.project import CloudProject
from nemo_desktop.cloud.recovery import NOTICE, Rebuilder, as_events
from nemo_desktop.core.draft import AUDIO, VIDEO, Draft, Role, Segment, Track
from nemo_desktop.core.errors import SessionGone
from nemo_desktop.core.events import Event, Notice, ProgressFn
from nemo_desktop.core.ports import NoticeFn
from nemo_desktop.i18n import tr

log = logging.getLogger(__name__)
T = TypeVar("T")


class CloudSession:
    """``snapshot`` is the state as last read (None until read, and again after a new session began)."""

    def __init__(self, auth: Auth, api: NemoApi, project: CloudProject, rebuilder: Rebuilder, *,
                 language: Callable[[], str]) -> None:
        self.auth = auth
        self.api = api
        self.project = project
        self.rebuilder = rebuilder
        self._language = language
        self.snapshot: StateSnapshot | None = None
        self.announce: NoticeFn | None = None  # where a line outside a chat turn goes (the Session's notice)

    def __repr__(self) -> str:
        return f"CloudSession({self.session_id!r})"

    @property
    def session_id(self) -> str:
        return self.project.session_id

    def new_job(self) -> None:
        """A job begins: its session may be rebuilt once again."""
        self.rebuilder.new_job()

    async def connect(self) -> None:
        """Get a token, then reuse the saved session for this API and user, or create one."""
        await self.auth.token()
        if self.project.current is not None:
            return
        if self.project.load(self.auth.user_id):
            log.info("reusing cloud session %s", self.session_id)
            return
        language = self._language()
        info = await self.api.create_session("project", language)
        self.project.begin(info, info.user_id or self.auth.user_id, language)
        self.snapshot = None
        log.info("created cloud session %s", info.session_id)

    async def read(self) -> StateSnapshot:
        """The session's state now (connecting first when needed); it is kept as ``snapshot``."""
        await self.connect()
        snapshot = await self.api.state(self.session_id)
        self.snapshot = snapshot
        return snapshot

    # --- a session the cloud lost ----------------------------------------------------------------------

    async def step(self, step: Callable[[], Awaitable[T]], progress: ProgressFn) -> T:
        """Run one step of a job; when the session is gone, rebuild it (once per job) and run it again."""
        try:
            return await step()
        except SessionGone as lost:
            if await self.rebuilder.rebuild(lost, progress):
                if self.announce is not None:
                    self.announce(tr(NOTICE, None), "warning")
                else:  # nobody listens for notices: the line goes where the progress goes
                    progress(tr(NOTICE, None), None)
            self.snapshot = None
        return await self.again(step)

    async def rebuilt(self, lost: SessionGone, lang: str) -> AsyncIterator[Event]:
        """The rebuild inside a chat turn: its progress as events, then the one Notice."""
        told: list[bool] = []

        async def work(progress: ProgressFn) -> None:
            told.append(await self.rebuilder.rebuild(lost, progress))

        async for event in as_events(work):
            yield event
        self.snapshot = None
        if any(told):
            yield Notice(tr(NOTICE, lang), "warning")

    @staticmethod
    async def again(step: Callable[[], Awaitable[T]]) -> T:
        """A step after a rebuild: losing the new session too ends the job."""
        try:
            return await step()
        except SessionLostAgain:
            raise
        except SessionGone as again:
            raise SessionLostAgain(again.detail) from None


def display_draft(snapshot: StateSnapshot) -> Draft:
    """The server's draft, or — before anything is generated — the uploaded clips in a row."""
    if snapshot.draft_raw:
        draft = snapshot.draft.copy()
        for seg in draft.segments_of(AUDIO):  # cloud BGM is music; core's summary looks for the role
            seg.role = seg.role or Role.MUSIC
        return draft
    segments: list[Segment] = []
    start = 0.0
    for info in snapshot.video_infos:
        if info.get("file_type", "video") != "video":
            continue
        duration = float(info.get("duration") or 0.0)
        segments.append(Segment(start, duration, str(info.get("cdn_url") or ""),
                                meta={"name": str(info.get("filename") or "")}))
        start += duration
    return Draft(tracks=[Track(VIDEO, segments)] if segments else [])
