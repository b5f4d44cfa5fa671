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


@dataclass(frozen=True)
class _Reported:
    """What a failed reply said, as the error table sees it: the code or status being looked up, the
    (shortened) message, and what some errors name (the browser links, the file)."""

    value: int
    message: str
    links: Links
    subject: str

    def said(self, unit: str) -> str:
        """The server's message, else ``"<unit> <value>"`` ("code 1002", "HTTP 429")."""
        return self.message or f"{unit} {self.value}"


_ErrorFactory = Callable[[_Reported], CloudError]

_UNSUPPORTED_TYPE = N_("unsupported file type; use mp4, mov, avi, webm, mkv, jpg, png, gif, webp, mp3, wav, m4a "
                       "or aac")
_TOO_LARGE = N_("the file is too large; trim or compress it")


def _auth_expired(r: _Reported) -> CloudError:
    return AuthExpired(r.said("code"))


def _server_error(r: _Reported) -> CloudError:
    return ServerError(f"HTTP {r.value}" + (f": {r.message}" if r.message else ""))


_ERRORS: dict[int, _ErrorFactory] = {
    **dict.fromkeys(AUTH_CODES, _auth_expired),
    1002: lambda r: SessionGone(r.said("code")),
    2001: lambda r: NoCredits(r.said("code"), link=r.links.no_credits()),
    4001: lambda r: UploadRejected(_UNSUPPORTED_TYPE, name=r.subject or "file"),
    4002: lambda r: UploadRejected(_TOO_LARGE, name=r.subject or "file"),
    402: lambda r: ExportNotAllowed(r.said("HTTP"), link=r.links.export_plan()),
    429: lambda r: RateLimited(r.said("HTTP")),
    400: lambda r: BadRequest(r.said("HTTP")),
    409: lambda r: Conflict(r.said("HTTP")),
    408: lambda r: Transient(r.said("HTTP")),
}
"""Envelope codes and HTTP statuses → the typed error; any other 5xx is a ServerError (``_factory_for``)."""


def _factory_for(value: int) -> _ErrorFactory | None:
    """The table's entry for a code or status; None for one that says nothing (0, 200) or is unknown."""
    if value in (0, 200):
        return None
    return _ERRORS.get(value) or (_server_error if 500 <= value <= 599 else None)


def error_for(status: int, code: int | None, message: str, *, links: Links = DEFAULT_LINKS,
              subject: str = "") -> CloudError:
    """The typed error for an HTTP status and/or an envelope code. Envelope codes win when they are
    ones we know; otherwise the HTTP status decides."""
    message = short(message) if message else ""
    for value in (v for v in (code, status) if v is not None):
        factory = _factory_for(value)
        if factory is not None:
            return factory(_Reported(value, message, links, subject))
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
