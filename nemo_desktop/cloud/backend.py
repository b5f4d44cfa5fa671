"""CloudBackend: the Backend protocol over the NemoVideo processing API.

It owns one transport (two httpx clients), the token (auth.py) and the cloud session with what was given
to it (project.py), kept in the config dir so a restart continues the same project. Every failure is
raised as a NemoError subclass; ``chat`` yields Status/Reply/DraftChanged/Notice events and raises after
telling what it learned.

The rooms: session.py connects, reads the state and keeps a job going when the cloud has lost the
session (rebuilt once per job by recovery.py); turn.py holds a chat turn (the message sent once, the
stream, what changed); render.py and download.py do the export's submit, poll and download. This module
is the adapter between them and the Backend protocol, and it names the exported file.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

from nemo_desktop.cloud import download, render
from nemo_desktop.cloud.api import NemoApi, StateSnapshot
from nemo_desktop.cloud.auth import Auth
from nemo_desktop.cloud.envelope import Links
from nemo_desktop.cloud.project import CloudProject
from nemo_desktop.cloud.recovery import Rebuilder
from nemo_desktop.cloud.session import CloudSession, display_draft
from nemo_desktop.cloud.transport import Transport
from nemo_desktop.cloud.turn import ChatTurn, TurnTiming
from nemo_desktop.cloud.uploads import upload_one
from nemo_desktop.core.draft import VIDEO, Draft
from nemo_desktop.core.errors import Busy, NothingToDo
from nemo_desktop.core.events import Event, ProgressFn, no_progress
from nemo_desktop.core.files import ensure_free_space, safe_stem, unique_path
from nemo_desktop.core.media import check_file
from nemo_desktop.core.ports import Credits, EngineKind, NoticeFn
from nemo_desktop.i18n import N_, current_language, normalize, tr
from nemo_desktop.secrets import TokenStore
from nemo_desktop.settings import Settings

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://mega-api-prod.nemovideo.ai"
DEFAULT_WEB_URL = "https://nemovideo.com"
LINK_SECONDS = 15.0  # the browser link is a courtesy: it may not hold back a finished video for long


def env_seconds(name: str, default: float) -> float:
    """A positive number of seconds from the environment, else ``default``."""
    try:
        value = float(os.environ.get(name, ""))
    except ValueError:
        return default
    return value if value > 0 else default


def api_language(lang: str | None) -> str:
    """The ``language`` the session API wants: ``en`` or ``zh-CN``."""
    return "zh-CN" if normalize(lang) == "zh_CN" else "en"


FIT_THE_VIDEO = "Add background music that matches the mood and pace of the video."


class CloudBackend:
    kind = EngineKind.CLOUD
    name = "NemoVideo cloud"

    def __init__(self, settings: Settings, store: TokenStore, *, api_url: str | None = None,
                 web_url: str | None = None, clock: Callable[[], float] | None = None,
                 sleep: Callable[[float], Awaitable[None]] | None = None) -> None:
        self.settings = settings
        self.api_url = (api_url or settings.api_url or os.environ.get("NEMO_API_URL", "").strip()
                        or DEFAULT_API_URL).rstrip("/")
        self.web_url = (web_url or os.environ.get("NEMO_WEB_URL", "").strip() or DEFAULT_WEB_URL).rstrip("/")
        self.poll_seconds = env_seconds("NEMO_POLL_SECONDS", settings.poll_seconds)
        self.retry_seconds = env_seconds("NEMO_RETRY_SECONDS", settings.retry_seconds)
        self._clock = clock or time.monotonic
        self._sleep = sleep or asyncio.sleep
        self.transport = Transport(self.api_url, links=Links(self.credits_link, self.plan_link), sleep=self._sleep)
        self.auth = Auth(self.transport, store, retry_seconds=self.retry_seconds, sleep=self._sleep)
        self.api = NemoApi(self.transport, self.auth)
        self.project = CloudProject(self.api_url)
        self.rebuilder = Rebuilder(self.api, self.project, idle_timeout=settings.heartbeat_timeout_seconds,
                                   clock=self._clock)
        self.cloud_session = CloudSession(self.auth, self.api, self.project, self.rebuilder,
                                          language=lambda: self.language)
        self._turn = asyncio.Lock()
        self.last_link = ""
        """Browser link to the project after the last export (§7.8: deliver it with the video)."""

    def __repr__(self) -> str:
        return f"CloudBackend({self.api_url!r})"

    # --- links -----------------------------------------------------------------------------------------

    def credits_link(self) -> str:
        """Anonymous users register with ``bind`` (keeps their history); others top up on the web app."""
        if self.auth.is_anonymous:
            return f"{self.web_url}/register?bind={self.auth.user_id}"
        return self.web_url

    def plan_link(self) -> str:
        return self.credits_link()

    # --- session ---------------------------------------------------------------------------------------

    @property
    def language(self) -> str:
        return api_language(self.settings.language or current_language())

    @property
    def session_id(self) -> str:
        return self.project.session_id

    @property
    def _snapshot(self) -> StateSnapshot | None:
        """The state as last read (session.py keeps it; a chat turn starts from it)."""
        return self.cloud_session.snapshot

    @_snapshot.setter
    def _snapshot(self, snapshot: StateSnapshot | None) -> None:
        self.cloud_session.snapshot = snapshot

    _display_draft = staticmethod(display_draft)  # what a snapshot shows as a Draft (session.py)

    def listen(self, notice: NoticeFn) -> None:
        """Where "the cloud session expired; …" goes when a lost session is rebuilt outside a chat turn."""
        self.cloud_session.announce = notice

    async def connect(self) -> None:
        """Get a token, then reuse the saved session for this API and user, or create one."""
        await self.cloud_session.connect()

    # --- Backend protocol ------------------------------------------------------------------------------

    async def state(self) -> Draft:
        self.cloud_session.new_job()
        return display_draft(await self.cloud_session.step(self.cloud_session.read, no_progress))

    async def credits(self) -> Credits:
        await self.auth.token()
        return await self.api.credits()

    async def add_media(self, paths: list[Path], progress: ProgressFn) -> Draft:
        """Check every file first (type, size, readable: nothing is sent if one fails), then upload."""
        accepted = [check_file(Path(p)) for p in paths]
        self.cloud_session.new_job()
        await self.connect()
        total = sum(a.size for a in accepted)
        done = 0
        for item in accepted:
            await self.cloud_session.step(lambda _i=item, _d=done: upload_one(  # type: ignore[misc]
                self.api, self.session_id, _i.path, _i.size, progress, done=_d, total=total), progress)
            self.project.add_clip(item.path)
            done += item.size
        progress(tr(N_("Uploaded"), None), 1.0)
        return display_draft(await self.cloud_session.step(self.cloud_session.read, progress))

    async def chat(self, text: str) -> AsyncIterator[Event]:
        """One turn (turn.py). The message is sent once; afterwards the state says what changed. An empty
        request (``make`` without --prompt, "compose and export") asks for music that fits the video."""
        text = text.strip() or FIT_THE_VIDEO
        if self._turn.locked():
            raise Busy("a cloud turn is still running")
        async with self._turn:
            self.cloud_session.new_job()
            await self.connect()
            turn = ChatTurn(self.cloud_session, text, timing=self._turn_timing(), links=self.transport.links)
            async for event in turn.run():
                yield event

    def _turn_timing(self) -> TurnTiming:
        return TurnTiming(notice_every=self.settings.heartbeat_notice_seconds,
                          idle_timeout=self.settings.heartbeat_timeout_seconds, poll_seconds=self.poll_seconds,
                          clock=self._clock, sleep=self._sleep)

    async def export(self, draft: Draft, dest_dir: Path, progress: ProgressFn) -> Path:
        """§5: read state, refuse an empty timeline, render exactly the server's draft, download it, and
        get the browser link to deliver with it (§7.8)."""
        self.cloud_session.new_job()
        self.last_link = ""
        stage = tr(N_("Rendering in the cloud…"), None)
        snapshot, render_id = await self.cloud_session.step(lambda: self._submit(dest_dir, stage, progress),
                                                            progress)
        status = await render.wait_done(self.api, render_id, interval=self.poll_seconds, sleep=self._sleep,
                                        clock=self._clock, report=lambda f: progress(stage, f))
        fetching = tr(N_("Downloading the video…"), None)
        progress(fetching, 0.0)
        final = unique_path(dest_dir, export_stem(snapshot, draft), ".mp4")
        path = await download.fetch(self.api, render_id, status.url, final, lambda f: progress(fetching, f))
        progress(fetching, 1.0)
        self.last_link = await self._browser_link()
        return path

    async def _submit(self, dest_dir: Path, stage: str, progress: ProgressFn) -> tuple[StateSnapshot, str]:
        """§5 steps 1–2 (one step for recovery: a rebuilt session has a new draft to submit)."""
        snapshot = await self.cloud_session.read()
        if not snapshot.exportable or snapshot.draft_raw is None:
            raise NothingToDo("the cloud draft has no segments")
        ensure_free_space(dest_dir, 1024 * 1024)
        progress(stage, 0.0)
        draft_raw = render.rewrite_sandbox_paths(snapshot.draft_raw, snapshot.video_infos)
        return snapshot, await render.submit(self.api, self.session_id, draft_raw)

    async def _browser_link(self) -> str:
        """The claim-token link (§3.11), else the task link; "" when there is none. Never raises: the
        video is saved already and a link must not turn its delivery into a failure."""
        if not self.project.task_id:
            return ""
        try:
            return await asyncio.wait_for(self.api.claim_link(self.web_url, self.project.task_id, self.session_id),
                                          LINK_SECONDS)
        except Exception as exc:  # any failure only costs the link
            log.info("no browser link for this export: %s", type(exc).__name__)
            return ""

    async def restore(self, draft: Draft) -> Draft | None:
        """After a restart the reused cloud session is the truth: return its draft (Session.start asks)."""
        return await self.state()

    async def aclose(self) -> None:
        await self.transport.aclose()


def export_stem(snapshot: StateSnapshot, draft: Draft | None) -> str:
    """Named after the project title, else the first clip (cloud's, then ours)."""
    title = str(((snapshot.draft_raw or {}).get("m") or {}).get("title") or "")
    if not title:
        for candidate in (snapshot.draft, draft):
            clips = candidate.segments_of(VIDEO) if candidate else []
            if clips and clips[0].name:
                title = Path(clips[0].name).stem
                break
    if not title and snapshot.video_infos:
        title = Path(str(snapshot.video_infos[0].get("filename") or "")).stem
    return safe_stem(title or "nemo-video")
