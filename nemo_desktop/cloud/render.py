"""The render lifecycle of §5: submit with a fresh id (one retry with a new id), then poll that id.

Ids are exactly ``render_<milliseconds since the epoch>`` (§3.7): a server that checks the documented form
refuses anything else. Two ids made in the same millisecond would be duplicates, so each id is later
than the one before. A refused submission (duplicate or invalid id, or any other non-fatal failure) is
sent once more with a new id, never more.

Polling waits ``interval`` seconds between polls (settings.poll_seconds, 30 s by default — the skill's
cadence; ``NEMO_POLL_SECONDS`` shortens it) until a deadline of five minutes or ten polls, whichever is
longer. Transient poll errors (network, 408, 429, 5xx) keep polling the same id: resubmitting would start
a second render. ``failed`` is terminal.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any

from nemo_desktop.cloud.api import NemoApi, RenderStatus
from nemo_desktop.cloud.envelope import BadRequest, Conflict, Transient
from nemo_desktop.cloud.errors import RenderRefused
from nemo_desktop.core.errors import (
    AuthExpired,
    CloudError,
    ExportNotAllowed,
    NoCredits,
    Offline,
    RateLimited,
    RenderFailed,
    ServerError,
    SessionGone,
)

log = logging.getLogger(__name__)
DEADLINE_SECONDS = 300.0
MIN_POLLS = 10
_FATAL_ON_SUBMIT = (AuthExpired, ExportNotAllowed, NoCredits, SessionGone)
_TRANSIENT = (Offline, ServerError, RateLimited, Transient)


SANDBOX_PREFIX = "/mnt/userdata/"


def rewrite_sandbox_paths(draft: dict[str, Any], video_infos: list[dict[str, Any]]) -> dict[str, Any]:
    """§4.2: drafts made in the agent's sandbox may point at ``/mnt/userdata/…/<file>``; like the official
    CLI, swap such a path for the uploaded file's CDN URL when the file name is known. Everything else in
    the draft is left exactly as the state returned it."""
    by_name = {str(i.get("filename")): str(i.get("cdn_url")) for i in video_infos if i.get("cdn_url")}

    def walk(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, str) and value.startswith(SANDBOX_PREFIX):
            return by_name.get(value.rsplit("/", 1)[-1], value)
        return value

    return {k: walk(v) for k, v in draft.items()}


_last_ms = 0
_id_lock = threading.Lock()


def new_render_id(now: Callable[[], float] = time.time) -> str:
    """``render_<ms>``: the current time in milliseconds, later than every id made before in this process."""
    global _last_ms
    with _id_lock:
        _last_ms = max(int(now() * 1000), _last_ms + 1)
        return f"render_{_last_ms}"


async def submit(api: NemoApi, session_id: str, draft_raw: dict[str, Any]) -> str:
    """Submit and return the render id. A failed submission is sent once more with a new id; when the
    cloud refuses that one too (duplicate or invalid id), it is a RenderRefused."""
    render_id = new_render_id()
    try:
        await api.submit_render(render_id, session_id, draft_raw)
        return render_id
    except _FATAL_ON_SUBMIT:
        raise
    except CloudError as err:  # any other refusal or failure: one more try with a new id
        log.info("render submit failed (%s); retrying once with a new id", err.code)
    render_id = new_render_id()
    try:
        await api.submit_render(render_id, session_id, draft_raw)
    except (BadRequest, Conflict) as err:
        raise RenderRefused(err.detail) from None
    return render_id


async def wait_done(api: NemoApi, render_id: str, *, interval: float, sleep: Callable[[float], Awaitable[None]],
                    clock: Callable[[], float] = time.monotonic,
                    report: Callable[[float | None], None] = lambda f: None) -> RenderStatus:
    """Poll until ``completed`` (returned) or ``failed``/deadline (RenderFailed)."""
    interval = max(0.01, interval)
    deadline = clock() + max(DEADLINE_SECONDS, interval * MIN_POLLS)
    last_error: Exception | None = None
    while True:
        await sleep(interval)
        try:
            status = await api.poll_render(render_id)
        except _TRANSIENT as err:
            last_error = err
            log.info("render poll failed transiently (%s); polling the same id again", err.code)
        except (AuthExpired, SessionGone):
            raise
        except CloudError as err:  # {"success": false, "error": …}: the render's own failure (§3.8)
            raise RenderFailed(err.detail) from None
        else:
            last_error = None
            if status.status in ("completed", "complete", "succeeded", "success", "done"):
                if not status.url:
                    log.info("render completed without a URL; the download route will be used")
                report(1.0)
                return status
            if status.status in ("failed", "error", "cancelled", "canceled"):
                raise RenderFailed(status.error or status.status)
            report(status.progress)
        if clock() >= deadline:
            detail = f"no result after {round(DEADLINE_SECONDS / 60)} minutes"
            if last_error is not None:
                detail += f"; last error: {last_error.detail}"
            raise RenderFailed(detail)
