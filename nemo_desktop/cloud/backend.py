"""CloudBackend: the Backend protocol over the NemoVideo processing API.

It owns one transport (two httpx clients), the token (auth.py) and the cloud session, which it keeps in
the config dir so a restart continues the same project. Every failure is raised as a NemoError subclass;
``chat`` yields Status/Reply/DraftChanged/Notice events and raises after telling what it learned.

The chat message is POSTed exactly once. If the stream drops, the state is polled to find out what the
turn did (§7.6); if the cloud stays silent, the draft is compared before/after (§7.3).
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from nemo_desktop.cloud import download, render
from nemo_desktop.cloud import session_file as saved
from nemo_desktop.cloud.api import NemoApi, StateSnapshot
from nemo_desktop.cloud.auth import Auth
from nemo_desktop.cloud.changes import describe_changes
from nemo_desktop.cloud.envelope import Links, error_for, short
from nemo_desktop.cloud.gui_phrases import GUI_REPLACEMENTS, GuiAction, translate_gui_phrases
from nemo_desktop.cloud.phrases import is_trailing_noise, tool_label
from nemo_desktop.cloud.sse import Item, StillWorking, StreamDropped, StreamError, TextPart, ToolCall, watch
from nemo_desktop.cloud.transport import Transport
from nemo_desktop.core.draft import AUDIO, VIDEO, Draft, Segment, Track
from nemo_desktop.core.errors import Busy, CloudError, NothingToDo, ServerError, SessionGone, StreamStalled
from nemo_desktop.core.events import DraftChanged, Event, Notice, ProgressFn, Reply, Status
from nemo_desktop.core.files import ensure_free_space, safe_stem, unique_path
from nemo_desktop.core.media import check_file
from nemo_desktop.core.ports import Credits
from nemo_desktop.i18n import N_, current_language, language_of, normalize, tr
from nemo_desktop.secrets import TokenStore
from nemo_desktop.settings import Settings

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://mega-api-prod.nemovideo.ai"
DEFAULT_WEB_URL = "https://nemovideo.com"
TURN_CAP_SECONDS = 900.0  # §7.5 hard cap per request
RECOVERY_READS = 5


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
        self._session: saved.SavedSession | None = None
        self._snapshot: StateSnapshot | None = None
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
        return self._session.session_id if self._session else ""

    async def connect(self) -> None:
        """Get a token, then reuse the saved session for this API and user, or create one."""
        await self.auth.token()
        if self._session is not None:
            return
        found = saved.load(self.api_url)
        if found and (not found.user_id or not self.auth.user_id or found.user_id == self.auth.user_id):
            self._session = found
            log.info("reusing cloud session %s", found.session_id)
            return
        await self._new_session()

    async def _new_session(self) -> None:
        info = await self.api.create_session("project", self.language)
        self._session = saved.SavedSession(self.api_url, info.session_id, info.task_id,
                                           info.user_id or self.auth.user_id, self.language)
        saved.save(self._session)
        self._snapshot = None
        log.info("created cloud session %s", info.session_id)

    async def _session_call(self, fn: Callable[[str], Awaitable[Any]]) -> Any:
        """Run ``fn(session_id)``; on 1002 start a new session and tell the person (SessionGone)."""
        await self.connect()
        try:
            return await fn(self.session_id)
        except SessionGone:
            log.info("cloud session gone; creating a new one")
            await self._new_session()
            raise

    async def _read_state(self) -> StateSnapshot:
        snapshot: StateSnapshot = await self._session_call(self.api.state)
        self._snapshot = snapshot
        return snapshot

    # --- Backend protocol ------------------------------------------------------------------------------

    async def state(self) -> Draft:
        return self._display_draft(await self._read_state())

    async def credits(self) -> Credits:
        await self.auth.token()
        return await self.api.credits()

    async def add_media(self, paths: list[Path], progress: ProgressFn) -> Draft:
        """Check every file first (type, size, readable: nothing is sent if one fails), then upload."""
        accepted = [check_file(Path(p)) for p in paths]
        total = sum(a.size for a in accepted) or 1
        done = 0
        for item in accepted:
            stage = tr(N_("Uploading {name}"), None).format(name=item.path.name)
            progress(stage, done / total)

            def report(fraction: float, _stage: str = stage, _done: int = done, _size: int = item.size) -> None:
                progress(_stage, min(1.0, (_done + fraction * _size) / total))

            await self._session_call(lambda sid, _p=item.path, _r=report: self.api.upload(sid, _p, _r))
            done += item.size
        progress(tr(N_("Uploaded"), None), 1.0)
        return await self.state()

    async def chat(self, text: str) -> AsyncIterator[Event]:
        """One turn. The message is sent once; afterwards the state says what changed. An empty request
        (``make`` without --prompt, "compose and export") asks for music that fits the video."""
        text = text.strip() or FIT_THE_VIDEO
        if self._turn.locked():
            raise Busy("a cloud turn is still running")
        async with self._turn:
            async for event in self._chat(text):
                yield event

    async def _chat(self, text: str) -> AsyncIterator[Event]:
        lang = language_of(text)
        before = self._snapshot or await self._read_state()
        yield Status(tr(N_("Sent to NemoVideo. This can take a few minutes…"), lang))
        replies = 0
        tools = 0
        actions: set[GuiAction] = set()
        partial: dict[str, str] = {}
        failure: StreamError | None = None
        dropped: StreamDropped | None = None
        try:
            async with self._turn_stream(text) as items:
                async for item in watch(items, notice_every=self.settings.heartbeat_notice_seconds,
                                        idle_timeout=self.settings.heartbeat_timeout_seconds,
                                        hard_cap=TURN_CAP_SECONDS, clock=self._clock):
                    if isinstance(item, StillWorking):
                        yield Status(tr(N_("Still working…"), lang))
                    elif isinstance(item, TextPart):
                        if item.partial:
                            partial[item.author] = partial.get(item.author, "") + item.text
                            continue
                        partial.pop(item.author, None)
                        reply = self._reply_text(item.text, replies + tools > 0, lang, actions)
                        if reply:
                            replies += 1
                            yield Reply(reply)
                    elif isinstance(item, ToolCall):
                        tools += 1
                        yield Status(tool_label(item.name, lang))
                    elif isinstance(item, StreamError):
                        failure = item
                        break
        except StreamDropped as exc:
            dropped = exc
        for buffered in partial.values():
            reply = self._reply_text(buffered, replies + tools > 0, lang, actions)
            if reply:
                replies += 1
                yield Reply(reply)

        if dropped is not None:
            yield Notice(tr(N_("The connection dropped during the reply. Your message was not sent again; "
                               "checking what changed…"), lang), "warning")
            async for event in self._recover(before, lang):
                yield event
            return

        after = await self._read_state()
        changes = describe_changes(before.draft, after.draft, lang)
        if after.draft_raw != before.draft_raw:
            yield DraftChanged(self._display_draft(after))
        if failure is not None:
            if changes:
                yield Reply(" ".join(changes))
            raise (error_for(200, failure.code, failure.message, links=self.transport.links)
                   if failure.code else ServerError(short(failure.message)))
        if replies == 0:
            yield Reply(" ".join(changes) if changes else
                        tr(N_("The cloud finished this step without changing the timeline."), lang))
        if GuiAction.SHOW_STATE in actions:
            yield Reply(self._display_draft(after).summary(lang))
        if GuiAction.SHOW_CREDITS in actions:
            try:
                bal = await self.api.credits()
                yield Reply(tr(N_("Credits: {available} available ({frozen} reserved)."), lang).format(
                    available=bal.available, frozen=bal.frozen))
            except CloudError as err:
                log.info("credits after a turn unavailable: %s", err.code)

    @asynccontextmanager
    async def _turn_stream(self, text: str) -> AsyncIterator[AsyncIterator[Item]]:
        """Open the stream for the current session; 1002 → a new session is made and SessionGone raised."""
        await self.connect()
        try:
            async with self.api.open_turn(self.session_id, text,
                                          idle_timeout=self.settings.heartbeat_timeout_seconds) as items:
                yield items
        except SessionGone:
            await self._new_session()
            raise

    def _reply_text(self, text: str, had_output: bool, lang: str, actions: set[GuiAction]) -> str:
        """The agent's text with its web-editor directions replaced (§7.2, core.intents' table)."""
        if had_output and is_trailing_noise(text):
            return ""
        translated = translate_gui_phrases(text)
        actions.update(translated.actions)
        extra = [tr(GUI_REPLACEMENTS[a], lang) for a in translated.actions
                 if GUI_REPLACEMENTS.get(a) and a is not GuiAction.SHOW_CREDITS]
        return " ".join(part for part in (translated.text, *extra) if part).strip()

    async def _recover(self, before: StateSnapshot, lang: str) -> AsyncIterator[Event]:
        """§7.6: wait, read state; report the first change; give up after five unchanged reads."""
        waited = 0.0
        for n in range(RECOVERY_READS):
            wait = self.poll_seconds if n == 0 else 2 * self.poll_seconds
            await self._sleep(wait)
            waited += wait
            try:
                after = await self._read_state()
            except CloudError as err:
                if isinstance(err, SessionGone):
                    raise
                log.info("state read during recovery failed: %s", err.code)
                continue
            if after.draft_raw != before.draft_raw:
                yield DraftChanged(self._display_draft(after))
                changes = describe_changes(before.draft, after.draft, lang)
                yield Reply(" ".join(changes) or tr(N_("The timeline was adjusted."), lang))
                return
            yield Status(tr(N_("No change yet; checking again…"), lang))
        raise StreamStalled(f"connection dropped; no change after {waited:.0f} s",
                            minutes=max(1, round(waited / 60)))

    async def export(self, draft: Draft, dest_dir: Path, progress: ProgressFn) -> Path:
        """§5: read state, refuse an empty timeline, render exactly the server's draft, download it."""
        snapshot = await self._read_state()
        if not snapshot.exportable or snapshot.draft_raw is None:
            raise NothingToDo("the cloud draft has no segments")
        ensure_free_space(dest_dir, 1024 * 1024)
        stage = tr(N_("Rendering in the cloud…"), None)
        progress(stage, 0.0)
        draft_raw = render.rewrite_sandbox_paths(snapshot.draft_raw, snapshot.video_infos)
        render_id = await self._session_call(lambda sid: render.submit(self.api, sid, draft_raw))
        status = await render.wait_done(self.api, render_id, interval=self.poll_seconds, sleep=self._sleep,
                                        clock=self._clock, report=lambda f: progress(stage, f))
        fetching = tr(N_("Downloading the video…"), None)
        progress(fetching, 0.0)
        final = unique_path(dest_dir, export_stem(snapshot, draft), ".mp4")
        path = await download.fetch(self.api, render_id, status.url, final, lambda f: progress(fetching, f))
        progress(fetching, 1.0)
        if self._session is not None:
            try:
                self.last_link = await self.api.claim_link(self.web_url, self._session.task_id, self.session_id)
            except CloudError:
                self.last_link = ""
        return path

    async def restore(self, draft: Draft) -> Draft | None:
        """After a restart the reused cloud session is the truth: return its draft (Session.start asks)."""
        return await self.state()

    async def aclose(self) -> None:
        await self.transport.aclose()

    # --- helpers ---------------------------------------------------------------------------------------

    @staticmethod
    def _display_draft(snapshot: StateSnapshot) -> Draft:
        """The server's draft, or — before anything is generated — the uploaded clips in a row."""
        if snapshot.draft_raw:
            draft = snapshot.draft.copy()
            for seg in draft.segments_of(AUDIO):  # cloud BGM is music; core's summary looks for the role
                seg.meta.setdefault("role", "music")
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
