"""The three reply shapes of the NemoVideo API (§2) and the mapping of its codes to our typed errors.

Codes may sit in the HTTP status, in the envelope's ``code``, or both, so both are checked. Bodies that are
not JSON (an HTML error page from a proxy, garbage) become a ServerError with a short, safe detail.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from nemo_desktop.core.errors import (
    AuthExpired,
    CloudError,
    ExportNotAllowed,
    NoCredits,
    RateLimited,
    ServerError,
    SessionGone,
    UploadRejected,
)
from nemo_desktop.i18n import N_


class BadRequest(CloudError):
    """HTTP 400: for the anonymous-token call it means the client id was missing or unusable."""

    code = "cloud.bad_request"


class Conflict(CloudError):
    """HTTP 409: a duplicate render id or a turn already running (both invented by the stand-in)."""

    code = "cloud.conflict"


class Transient(ServerError):
    """HTTP 408: the server timed out; safe to ask again for idempotent calls."""

    code = "cloud.timeout"


AUTH_CODES = {401, 1001, 1010, 1011}
TRANSIENT_STATUSES = {408, 429, 500, 502, 503, 504}


@dataclass(frozen=True)
class Links:
    """Browser links for errors that send the person to the web app; computed when the error happens."""

    no_credits: Callable[[], str]
    export_plan: Callable[[], str]


def _plain() -> str:
    return "https://nemovideo.com"


DEFAULT_LINKS = Links(_plain, _plain)


def short(text: str, limit: int = 160) -> str:
    """A one-line, bounded detail for an error message (server text can be long or multi-line)."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def error_for(status: int, code: int | None, message: str, *, links: Links = DEFAULT_LINKS,
              subject: str = "") -> CloudError:
    """The typed error for an HTTP status and/or an envelope code. Envelope codes win when they are
    ones we know; otherwise the HTTP status decides."""
    message = short(message) if message else ""
    for value in (code, status):
        if value is None or value in (0, 200):
            continue
        if value in AUTH_CODES:
            return AuthExpired(message or f"code {value}")
        if value == 1002:
            return SessionGone(message or "code 1002")
        if value == 2001:
            return NoCredits(message or "code 2001", link=links.no_credits())
        if value == 4001:
            return UploadRejected(N_("unsupported file type; use mp4, mov, avi, webm, mkv, jpg, png, gif, "
                                     "webp, mp3, wav, m4a or aac"), name=subject or "file")
        if value == 4002:
            return UploadRejected(N_("the file is too large; trim or compress it"), name=subject or "file")
        if value == 402:
            return ExportNotAllowed(message or "HTTP 402", link=links.export_plan())
        if value == 429:
            return RateLimited(message or "HTTP 429")
        if value == 400:
            return BadRequest(message or "HTTP 400")
        if value == 409:
            return Conflict(message or "HTTP 409")
        if value == 408:
            return Transient(message or "HTTP 408")
        if 500 <= value <= 599:
            return ServerError(f"HTTP {value}" + (f": {message}" if message else ""))
    if status >= 400:
        return CloudError(message or f"HTTP {status}")
    return CloudError(message or f"code {code}")


def parse_json(body: bytes) -> Any:
    """JSON or a sentinel; never raises."""
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return _NOT_JSON


_NOT_JSON = object()


def _describe_non_json(status: int, content_type: str, body: bytes) -> str:
    kind = (content_type.split(";")[0].strip() or "no content type")
    if not body:
        return f"HTTP {status}, empty reply"
    return f"HTTP {status}, unexpected {kind} reply"


def unwrap(status: int, content_type: str, body: bytes, *, links: Links = DEFAULT_LINKS,
           subject: str = "") -> Any:
    """Apply §2 exactly: non-2xx → error from body code/message or the status; 2xx with ``code`` →
    ``code != 0`` is an error, else ``data``; 2xx with ``success`` → false is an error, else ``data`` (or
    the body); anything else → the raw body. Non-JSON → ServerError (or the status' own error)."""
    parsed = parse_json(body)
    if parsed is _NOT_JSON:
        if 200 <= status < 300:
            raise ServerError(_describe_non_json(status, content_type, body))
        if status >= 500:
            raise ServerError(_describe_non_json(status, content_type, body))
        raise error_for(status, None, "", links=links, subject=subject)
    if not 200 <= status < 300:
        code, message = None, ""
        if isinstance(parsed, dict):
            code = _int_or_none(parsed.get("code"))
            message = str(parsed.get("message") or parsed.get("error") or parsed.get("detail") or "")
        raise error_for(status, code, message, links=links, subject=subject)
    if isinstance(parsed, dict):
        if "code" in parsed and _int_or_none(parsed.get("code")) is not None:
            code = _int_or_none(parsed.get("code"))
            if code != 0:
                raise error_for(status, code, str(parsed.get("message") or ""), links=links, subject=subject)
            return parsed.get("data")
        if "success" in parsed:
            if parsed.get("success") is False:
                err = parsed.get("error")
                code = _int_or_none(err.get("code")) if isinstance(err, dict) else None
                text = err.get("message", "") if isinstance(err, dict) else str(err or "")
                raise error_for(status, code, text or "request failed", links=links, subject=subject)
            return parsed.get("data", parsed)
    return parsed


def _int_or_none(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None
