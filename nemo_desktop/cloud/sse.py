"""The ``/run_sse`` stream → a few plain items, with the "still working" rhythm and an idle watchdog.

Both dialects of §9.1 are parsed: ADK-native events (``content.parts[]`` with ``text``,
``functionCall``, ``functionResponse``; ``partial``; ``errorCode``) and the simplified ``type`` objects
(``text``, ``tool_call``, ``tool_result``, ``heartbeat``, ``error``). Heartbeats come as
``{"type":"heartbeat"}``, empty ``data:`` lines or ``:`` comments (httpx-sse drops comments; they still
keep the socket's read timeout alive). A turn ends when the server closes the stream; a close without
the final chunk is a drop (StreamDropped), which the caller must answer by polling state — never by
sending the message again.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import httpx
from httpx_sse import EventSource, ServerSentEvent

from nemo_desktop.cloud.transport import describe_transport_error
from nemo_desktop.core.errors import Offline, StreamStalled

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TextPart:
    text: str
    author: str = ""
    partial: bool = False


@dataclass(frozen=True)
class ToolCall:
    name: str


@dataclass(frozen=True)
class ToolResult:
    name: str


@dataclass(frozen=True)
class Heartbeat:
    pass


@dataclass(frozen=True)
class StreamError:
    message: str
    code: int | None = None


@dataclass(frozen=True)
class StillWorking:
    """Emitted by ``watch`` when only heartbeats (or nothing) arrived for ``notice_every`` seconds."""

    seconds: float


Item = TextPart | ToolCall | ToolResult | Heartbeat | StreamError


class StreamDropped(Offline):
    """The connection closed before the server ended the turn (reset, truncated chunk, read timeout)."""

    code = "cloud.dropped"


def _error_item(value: Any) -> StreamError:
    if isinstance(value, dict):
        code = value.get("code")
        message = value.get("message") or value.get("error") or json.dumps(value)[:200]
        return StreamError(str(message), code if isinstance(code, int) else None)
    return StreamError(str(value))


def parse_event(data: str, event: str = "") -> list[Item]:
    """One SSE event's ``data`` → items. Unknown JSON shapes are ignored (a newer server may add some)."""
    if not data.strip():
        return [Heartbeat()]
    try:
        obj = json.loads(data)
    except ValueError:
        return _not_json(data, event)
    if event == "error":
        return [_error_item(obj.get("error", obj) if isinstance(obj, dict) else obj)]
    if not isinstance(obj, dict):
        return []
    kind = obj.get("type")
    if isinstance(kind, str):
        return _parse_simple(kind, obj)
    return _parse_adk(obj)


def _not_json(data: str, event: str) -> list[Item]:
    """An ``error`` event may carry plain text; any other event that is not JSON is skipped."""
    if event == "error":
        return [StreamError(data.strip()[:200])]
    log.debug("ignoring a non-JSON SSE event (%d chars)", len(data))
    return []


# --- the simplified dialect: one ``type`` per object ----------------------------------------------------


class SimpleKind(StrEnum):
    """The ``type`` of a simplified-dialect object (§9.1)."""

    HEARTBEAT = "heartbeat"
    TEXT = "text"
    TOOL_CALL = "tool_call"
    TOOL_RESULT = "tool_result"
    ERROR = "error"


def _simple_text(obj: dict[str, Any]) -> list[Item]:
    text = obj.get("content", obj.get("text"))
    return [TextPart(text, str(obj.get("author") or ""), bool(obj.get("partial")))] if isinstance(text, str) else []


_SIMPLE: dict[SimpleKind, Callable[[dict[str, Any]], list[Item]]] = {
    SimpleKind.HEARTBEAT: lambda obj: [Heartbeat()],
    SimpleKind.TEXT: _simple_text,
    SimpleKind.TOOL_CALL: lambda obj: [ToolCall(str(obj.get("name") or ""))],
    SimpleKind.TOOL_RESULT: lambda obj: [ToolResult(str(obj.get("name") or ""))],
    SimpleKind.ERROR: lambda obj: [_error_item(obj.get("error") or obj.get("message") or obj)],
}


def _parse_simple(kind: str, obj: dict[str, Any]) -> list[Item]:
    """Items of a simplified object; a ``type`` this client does not know yields none."""
    try:
        handler = _SIMPLE[SimpleKind(kind)]
    except ValueError:
        return []
    return handler(obj)


# --- the ADK-native dialect: errors beside ``content.parts[]`` -------------------------------------------


def _parse_adk(obj: dict[str, Any]) -> list[Item]:
    items: list[Item] = []
    if "error" in obj and obj["error"]:
        items.append(_error_item(obj["error"]))
    if obj.get("errorCode") or obj.get("errorMessage"):
        items.append(StreamError(str(obj.get("errorMessage") or obj.get("errorCode"))))
    content = obj.get("content")
    if isinstance(content, dict):
        # text written by the person (role or author "user") is an echo of the message, never a reply
        said_by_user = content.get("role") == "user" or str(obj.get("author") or "") == "user"
        author, partial = str(obj.get("author") or ""), bool(obj.get("partial"))
        for part in content.get("parts") or []:
            if isinstance(part, dict):
                items.extend(_part_items(part, author, partial, said_by_user))
    return items


def _part_items(part: dict[str, Any], author: str, partial: bool, said_by_user: bool) -> list[Item]:
    """One of ``content.parts[]``: text (not a thought, not the person's own), a tool call, a tool result."""
    items: list[Item] = []
    if isinstance(part.get("text"), str) and not part.get("thought") and not said_by_user:
        items.append(TextPart(part["text"], author, partial))
    call = part.get("functionCall") or part.get("function_call")
    if isinstance(call, dict):
        items.append(ToolCall(str(call.get("name") or "")))
    result = part.get("functionResponse") or part.get("function_response")
    if isinstance(result, dict):
        items.append(ToolResult(str(result.get("name") or "")))
    return items


async def items_of(response: httpx.Response) -> AsyncIterator[Item]:
    """Decode an open ``text/event-stream`` response into items; transport failures → StreamDropped."""
    source = EventSource(response)
    try:
        sse: ServerSentEvent
        async for sse in source.aiter_sse():
            for item in parse_event(sse.data, sse.event):
                yield item
    except httpx.TransportError as exc:
        raise StreamDropped(describe_transport_error(exc)) from None


class _Done:
    """Put on ``watch``'s queue when the source has no more items."""


_DONE = _Done()


async def watch(source: AsyncIterator[Item], *, notice_every: float, idle_timeout: float,
                hard_cap: float = 900.0, clock: Callable[[], float] = time.monotonic,
                ) -> AsyncIterator[Item | StillWorking]:
    """Pass items through; add StillWorking while nothing but heartbeats arrives, and raise StreamStalled
    after ``idle_timeout`` seconds without a real event or ``hard_cap`` seconds in all (§7.5)."""
    queue: asyncio.Queue[Item | BaseException | _Done] = asyncio.Queue()

    async def pump() -> None:
        try:
            async for item in source:
                await queue.put(item)
            await queue.put(_DONE)
        except asyncio.CancelledError:
            raise
        except BaseException as exc:
            await queue.put(exc)

    task = asyncio.create_task(pump())
    start = last_real = last_notice = clock()
    try:
        while True:
            now = clock()
            if now - last_real >= idle_timeout or now - start >= hard_cap:
                waited = min(now - last_real, now - start) if now - start < hard_cap else now - start
                raise StreamStalled(f"idle {waited:.0f} s", minutes=max(1, round(waited / 60)))
            since = now - max(last_notice, last_real)
            if since >= notice_every:
                last_notice = now
                yield StillWorking(now - last_real)
                continue
            wait = min(idle_timeout - (now - last_real), hard_cap - (now - start), notice_every - since)
            try:
                item = await asyncio.wait_for(queue.get(), timeout=max(0.005, wait))
            except TimeoutError:
                continue
            if isinstance(item, _Done):
                return
            if isinstance(item, BaseException):
                raise item
            if isinstance(item, Heartbeat):
                continue
            last_real = clock()
            yield item
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
