"""Typed calls of the NemoVideo processing API (§3), each sent through the transport with the token.

Every call that carries the token goes through ``_call``/``_stream``: a 1001 (token expired) renews the
token once and repeats the call, which is safe because the server refused the first one before doing
any work. Nothing here retries on other errors; the transport's policy decides that.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import httpx

from nemo_desktop.cloud.auth import Auth
from nemo_desktop.cloud.envelope import unwrap
from nemo_desktop.cloud.sse import Item, items_of
from nemo_desktop.cloud.transport import JSON_TIMEOUT, UPLOAD_TIMEOUT, Transport, sse_timeout
from nemo_desktop.core.draft import Draft
from nemo_desktop.core.errors import AuthExpired, CloudError, ServerError
from nemo_desktop.core.media import mime_type
from nemo_desktop.core.ports import Credits

log = logging.getLogger(__name__)
APP = "nemo_agent"


@dataclass(frozen=True)
class SessionInfo:
    session_id: str
    task_id: str
    user_id: str = ""


@dataclass
class StateSnapshot:
    """The session's state; ``draft_raw`` is exactly what the server sent (renders submit it as is)."""

    raw: dict[str, Any]
    draft_raw: dict[str, Any] | None
    draft: Draft
    video_infos: list[dict[str, Any]] = field(default_factory=list)
    task_name: str = ""

    @property
    def exportable(self) -> bool:
        """§3.6: ``draft.t`` exists and at least one track has a non-empty ``sg``."""
        tracks = (self.draft_raw or {}).get("t")
        return isinstance(tracks, list) and any(isinstance(t, dict) and t.get("sg") for t in tracks)


@dataclass(frozen=True)
class RenderStatus:
    status: str
    progress: float | None = None
    url: str = ""
    error: str = ""


def parse_render_status(data: Any) -> RenderStatus:
    """Tolerant extraction of §3.8's three shapes: unwrap ``data`` (what sits beside it still counts, so
    a status or ``error`` outside ``data`` is not lost); URL from ``outputUrl`` then ``output.url``;
    progress 0–100; ``error`` text."""
    if isinstance(data, dict) and isinstance(data.get("data"), dict):
        outer = {k: v for k, v in data.items() if k != "data" and v not in (None, "")}
        data = {**outer, **{k: v for k, v in data["data"].items() if v not in (None, "")}}
    if not isinstance(data, dict):
        raise ServerError("render status reply was not an object")
    found = data.get("output")
    output: dict[str, Any] = found if isinstance(found, dict) else {}
    url = data.get("outputUrl") or data.get("output_url") or output.get("url") or ""
    progress = data.get("progress")
    try:
        fraction = None if progress is None else max(0.0, min(1.0, float(progress) / 100.0))
    except (TypeError, ValueError):
        fraction = None
    error = data.get("error") or ""
    if isinstance(error, dict):
        error = error.get("message") or str(error)
    return RenderStatus(str(data.get("status") or "").lower(), fraction, str(url), str(error))


class _ProgressReader:
    """A file wrapper that reports bytes handed to the HTTP layer (httpx reads it in 64 KiB chunks)."""

    def __init__(self, fh: BinaryIO, total: int, report: Callable[[float], None]) -> None:
        self._fh, self._total, self._report = fh, max(1, total), report
        self.name = getattr(fh, "name", "upload")
        self.sent = 0

    def fileno(self) -> int:
        return self._fh.fileno()

    def seek(self, offset: int, whence: int = 0) -> int:
        pos = self._fh.seek(offset, whence)
        if whence == 0:
            self.sent = pos
        return pos

    def tell(self) -> int:
        return self._fh.tell()

    def read(self, size: int = -1) -> bytes:
        chunk = self._fh.read(size)
        if chunk:
            self.sent += len(chunk)
            self._report(min(1.0, self.sent / self._total))
        return chunk


class NemoApi:
    def __init__(self, transport: Transport, auth: Auth) -> None:
        self.transport = transport
        self.auth = auth

    def __repr__(self) -> str:
        return f"NemoApi({self.transport.api_url!r})"

    async def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        token = await self.auth.token()
        try:
            return await self.transport.call(method, path, token=token, **kwargs)
        except AuthExpired:
            token = await self.auth.renew(token)
            return await self.transport.call(method, path, token=token, **kwargs)

    # --- sessions --------------------------------------------------------------------------------------

    async def create_session(self, task_name: str = "project", language: str = "en") -> SessionInfo:
        data = await self._call("POST", f"/api/tasks/me/with-session/{APP}",
                                json={"task_name": task_name, "language": language})
        if not isinstance(data, dict) or not data.get("session_id"):
            raise ServerError("the new session reply had no session id")
        return SessionInfo(str(data["session_id"]), str(data.get("task_id") or ""), str(data.get("user_id") or ""))

    # --- chat ------------------------------------------------------------------------------------------

    @asynccontextmanager
    async def open_turn(self, session_id: str, text: str, *,
                        idle_timeout: float = 600.0) -> AsyncIterator[AsyncIterator[Item]]:
        """POST the message once and yield the decoded items. Errors before the stream opens (1001, 1002,
        2001, 429, 5xx, HTML) are raised as typed errors; only 1001 leads to a second POST (the first was
        refused unprocessed)."""
        body = {"app_name": APP, "user_id": "me", "session_id": session_id,
                "new_message": {"parts": [{"text": text}]}}
        token = await self.auth.token()
        for attempt in range(2):
            async with self.transport.stream(
                "POST", "/run_sse", token=token, json=body, timeout=sse_timeout(idle_timeout),
                headers={"Accept": "text/event-stream", "Cache-Control": "no-store"},
            ) as resp:
                ctype = resp.headers.get("content-type", "")
                if resp.status_code == 200 and "text/event-stream" in ctype:
                    yield items_of(resp)
                    return
                try:
                    raw = await resp.aread()
                except httpx.TransportError:
                    raw = b""
                try:
                    unwrap(resp.status_code, ctype, raw, links=self.transport.links)
                except AuthExpired:
                    if attempt:
                        raise
                    token = await self.auth.renew(token)
                    continue
                raise ServerError(f"HTTP {resp.status_code}, the chat reply was not a stream")

    # --- media -----------------------------------------------------------------------------------------

    async def upload(self, session_id: str, path: Path, report: Callable[[float], None]) -> list[dict[str, Any]]:
        """One file in the multipart field ``files``; ``report(fraction)`` follows the bytes sent."""
        size = path.stat().st_size
        with path.open("rb") as fh:
            reader = _ProgressReader(fh, size, report)
            files = [("files", (path.name, reader, mime_type(path)))]
            data = await self._call("POST", f"/api/upload-video/{APP}/me/{session_id}", files=files,
                                    timeout=UPLOAD_TIMEOUT, subject=path.name)
        if isinstance(data, dict) and isinstance(data.get("files"), list):
            return [f for f in data["files"] if isinstance(f, dict)]
        return []

    async def credits(self) -> Credits:
        data = await self._call("GET", "/api/credits/balance/simple", idempotent=True)
        if not isinstance(data, dict):
            raise ServerError("the credits reply was not an object")
        try:
            return Credits(available=int(data.get("available") or 0), frozen=int(data.get("frozen") or 0))
        except (TypeError, ValueError):
            raise ServerError("the credits reply had no numbers") from None

    async def state(self, session_id: str) -> StateSnapshot:
        data = await self._call("GET", f"/api/state/{APP}/me/{session_id}/latest", idempotent=True)
        if not isinstance(data, dict):
            raise ServerError("the state reply was not an object")
        found = data.get("state")
        state: dict[str, Any] = found if isinstance(found, dict) else {}
        draft_raw = state.get("draft") if isinstance(state.get("draft"), dict) and state.get("draft") else None
        infos = [v for v in state.get("video_infos") or [] if isinstance(v, dict)]
        return StateSnapshot(data, draft_raw, Draft.from_compact(draft_raw), infos, str(data.get("task_name") or ""))

    # --- render ----------------------------------------------------------------------------------------

    async def submit_render(self, render_id: str, session_id: str, draft_raw: dict[str, Any]) -> RenderStatus:
        data = await self._call("POST", "/api/render/proxy/lambda", json={
            "id": render_id, "sessionId": session_id, "draft": draft_raw,
            "output": {"format": "mp4", "quality": "high"},
        })
        return parse_render_status(data if isinstance(data, dict) else {"status": "pending"})

    async def poll_render(self, render_id: str) -> RenderStatus:
        return parse_render_status(await self._call("GET", f"/api/render/proxy/lambda/{render_id}",
                                                    idempotent=True))

    async def cancel_render(self, render_id: str) -> None:
        try:
            await self._call("POST", f"/api/render/proxy/lambda/{render_id}/cancel")
        except CloudError as err:
            log.info("render cancel not confirmed: %s", err.code)

    @asynccontextmanager
    async def download_fallback(self, render_id: str) -> AsyncIterator[httpx.Response]:
        """The authenticated download route (§3.10): binary MP4 or JSON with ``output.url``."""
        token = await self.auth.token()
        async with self.transport.stream("GET", f"/api/render/proxy/{render_id}/download", token=token,
                                         timeout=JSON_TIMEOUT) as resp:
            yield resp

    async def claim_link(self, web_url: str, task_id: str, session_id: str) -> str:
        """A browser link to the project (§3.11); the API token never goes into a URL."""
        try:
            data = await self._call("POST", "/api/auth/claim-token",
                                    json={"task_id": task_id, "session_id": session_id})
            if isinstance(data, dict) and data.get("claim_token"):
                return f"{web_url}/workspace/claim?ct={data['claim_token']}"
        except CloudError as err:
            log.info("claim token unavailable (%s); using the task link", err.code)
        return f"{web_url}/workspace/task/{task_id}?session={session_id}"
