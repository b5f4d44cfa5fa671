"""One place where HTTP happens: timeouts per kind of call, attribution headers, the retry policy.

Two httpx clients per backend:

* the API client — base URL, attribution headers, ``follow_redirects=False`` (the Bearer header must never
  follow a redirect to another host), the token added per request and never stored on the client;
* the plain client — for signed download URLs on a CDN; it never carries credentials, so it may follow
  redirects.

Retry policy (the only place it lives): idempotent calls (GET credits/state/render poll, Range GET) are
retried on connection failures and 408/429/5xx with exponential backoff and a capped Retry-After. POSTs
(chat, render submit, upload, session) are sent exactly once: repeating them can charge twice.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import os
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from nemo_desktop import __version__
from nemo_desktop.cloud.envelope import DEFAULT_LINKS, TRANSIENT_STATUSES, Links, unwrap
from nemo_desktop.core.errors import Offline
from nemo_desktop.secrets import Secret

log = logging.getLogger(__name__)

SKILL_SOURCE = "nemo-desktop"
DEFAULT_PLATFORM = "desktop"

JSON_TIMEOUT = httpx.Timeout(connect=10.0, read=45.0, write=30.0, pool=10.0)
UPLOAD_TIMEOUT = httpx.Timeout(connect=10.0, read=300.0, write=60.0, pool=10.0)
DOWNLOAD_TIMEOUT = httpx.Timeout(connect=10.0, read=60.0, write=10.0, pool=10.0)

Sleep = Callable[[float], Awaitable[None]]


def sse_timeout(idle_seconds: float) -> httpx.Timeout:
    """A stream may be quiet between heartbeats; the idle watchdog in sse.py decides, this is a backstop."""
    return httpx.Timeout(connect=10.0, read=max(30.0, idle_seconds + 30.0), write=30.0, pool=10.0)


def attribution_headers() -> dict[str, str]:
    """Sent on every request (§1.5): without them the back end refuses exports with 402."""
    return {
        "X-Skill-Source": SKILL_SOURCE,
        "X-Skill-Version": __version__,
        "X-Skill-Platform": os.environ.get("SKILL_SOURCE", "").strip() or DEFAULT_PLATFORM,
        "User-Agent": f"nemo-desktop/{__version__}",
    }


def quiet_http_loggers() -> None:
    """httpx logs full URLs at INFO and httpcore traces at DEBUG; we never want either in our logs."""
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)


def parse_retry_after(value: str | None, *, now: float | None = None, cap: float = 30.0) -> float | None:
    """Seconds to wait from a Retry-After header (delta seconds or an HTTP date), clamped to 0..cap;
    None when absent or unparseable (then the caller's own backoff applies)."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None:
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
    if seconds != seconds:  # NaN
        return None
    return max(0.0, min(cap, seconds))


def describe_transport_error(exc: BaseException) -> str:
    """A short, fixed phrase: exception texts can carry URLs, so they are never shown as they are."""
    if isinstance(exc, httpx.ConnectTimeout):
        return "connection timed out"
    if isinstance(exc, httpx.ConnectError):
        return "cannot connect"
    if isinstance(exc, httpx.ReadTimeout):
        return "no answer in time"
    if isinstance(exc, httpx.WriteTimeout):
        return "sending timed out"
    if isinstance(exc, httpx.PoolTimeout):
        return "too many open connections"
    if isinstance(exc, httpx.RemoteProtocolError):
        return "the connection was closed unexpectedly"
    if isinstance(exc, (httpx.ReadError, httpx.WriteError)):
        return "the connection was interrupted"
    return type(exc).__name__


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int = 2  # so 3 attempts in all
    backoff: float = 0.5
    backoff_cap: float = 8.0
    retry_after_cap: float = 30.0

    def delay(self, attempt: int, retry_after: str | None = None) -> float:
        parsed = parse_retry_after(retry_after, cap=self.retry_after_cap)
        if parsed is not None:
            return parsed
        base = min(self.backoff_cap, self.backoff * 2.0 ** attempt)
        return base * random.uniform(0.75, 1.0)


def bearer(token: Secret | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token.reveal()}"} if token else {}


class Transport:
    """The two clients and the retry loop. ``links`` builds browser links for NoCredits/ExportNotAllowed."""

    def __init__(self, api_url: str, *, links: Links = DEFAULT_LINKS, sleep: Sleep = asyncio.sleep,
                 policy: RetryPolicy = RetryPolicy()) -> None:
        quiet_http_loggers()
        self.api_url = api_url.rstrip("/")
        self.links = links
        self.policy = policy
        self._sleep = sleep
        self._api = httpx.AsyncClient(
            base_url=self.api_url, headers=attribution_headers(), timeout=JSON_TIMEOUT,
            follow_redirects=False, limits=httpx.Limits(max_connections=10, max_keepalive_connections=5),
        )
        self._plain = httpx.AsyncClient(headers=attribution_headers(), timeout=DOWNLOAD_TIMEOUT,
                                        follow_redirects=True)

    def __repr__(self) -> str:
        return f"Transport({self.api_url!r})"

    async def aclose(self) -> None:
        await self._api.aclose()
        await self._plain.aclose()

    def absolute(self, url: str) -> str:
        return url if "://" in url else f"{self.api_url}/{url.lstrip('/')}"

    async def call(self, method: str, path: str, *, token: Secret | None, json: Any = None,
                   files: Any = None, headers: dict[str, str] | None = None, idempotent: bool = False,
                   timeout: httpx.Timeout = JSON_TIMEOUT, subject: str = "") -> Any:
        """Send one API request and return the envelope's data; raises typed CloudErrors."""
        all_headers = {**bearer(token), **(headers or {})}
        attempt = 0
        while True:
            try:
                resp = await self._api.request(method, path, json=json, files=files, headers=all_headers,
                                               timeout=timeout)
            except httpx.TransportError as exc:
                log.debug("%s %s failed: %s", method, path, type(exc).__name__)
                if idempotent and attempt < self.policy.max_retries:
                    await self._sleep(self.policy.delay(attempt))
                    attempt += 1
                    continue
                raise Offline(describe_transport_error(exc)) from None
            log.debug("%s %s -> %s", method, path, resp.status_code)
            if idempotent and resp.status_code in TRANSIENT_STATUSES and attempt < self.policy.max_retries:
                await self._sleep(self.policy.delay(attempt, resp.headers.get("retry-after")))
                attempt += 1
                continue
            return unwrap(resp.status_code, resp.headers.get("content-type", ""), resp.content,
                          links=self.links, subject=subject)

    @asynccontextmanager
    async def stream(self, method: str, path: str, *, token: Secret | None, json: Any = None,
                     headers: dict[str, str] | None = None,
                     timeout: httpx.Timeout = JSON_TIMEOUT) -> AsyncIterator[httpx.Response]:
        """An API response whose body is read by the caller (SSE, the fallback download); always closed."""
        all_headers = {**bearer(token), **(headers or {})}
        try:
            request = self._api.build_request(method, path, json=json, headers=all_headers, timeout=timeout)
            resp = await self._api.send(request, stream=True)
        except httpx.TransportError as exc:
            log.debug("%s %s failed: %s", method, path, type(exc).__name__)
            raise Offline(describe_transport_error(exc)) from None
        log.debug("%s %s -> %s (stream)", method, path, resp.status_code)
        try:
            yield resp
        finally:
            await resp.aclose()

    @asynccontextmanager
    async def plain_stream(self, url: str, *, headers: dict[str, str] | None = None,
                           timeout: httpx.Timeout = DOWNLOAD_TIMEOUT) -> AsyncIterator[httpx.Response]:
        """GET a public or signed URL with no credentials at all (it may redirect to another host)."""
        try:
            request = self._plain.build_request("GET", self.absolute(url), headers=headers or {},
                                                timeout=timeout)
            resp = await self._plain.send(request, stream=True)
        except httpx.TransportError as exc:
            log.debug("download failed: %s", type(exc).__name__)
            raise Offline(describe_transport_error(exc)) from None
        log.debug("GET %s -> %s (download)", resp.url.host, resp.status_code)
        try:
            yield resp
        finally:
            await resp.aclose()
