"""Bring a finished render home: stream it into ``<name>.mp4.part`` in the target folder, check its length
against Content-Length, and commit it without ever overwriting (core.files.AtomicOutput).

The outputUrl is fetched with the plain client (no credentials; it may be a signed CDN URL). If that
fails, the authenticated route ``/api/render/proxy/<id>/download`` is tried; it may answer with the MP4
itself or with JSON naming ``output.url``. When neither brings the whole file, the failure is a
DownloadInterrupted: the render itself succeeded, so the person is told it was the download.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import httpx

from nemo_desktop.cloud.api import NemoApi
from nemo_desktop.cloud.envelope import parse_json, unwrap
from nemo_desktop.cloud.errors import DownloadInterrupted
from nemo_desktop.cloud.transport import describe_transport_error
from nemo_desktop.core.errors import AuthExpired, CloudError, DiskFull, DownloadIncomplete, NemoError, ServerError
from nemo_desktop.core.files import AtomicOutput, ensure_free_space, is_disk_full

log = logging.getLogger(__name__)
CHUNK = 256 * 1024


async def _save(resp: httpx.Response, final: Path, report: Callable[[float | None], None]) -> Path:
    """Write the response body atomically; the ``.part`` is removed on any failure."""
    if resp.status_code != 200:
        await resp.aread()
        unwrap(resp.status_code, resp.headers.get("content-type", ""), resp.content)
        raise ServerError(f"HTTP {resp.status_code} for the video file")
    length_header = resp.headers.get("content-length")
    expected = int(length_header) if length_header and length_header.isdigit() else None
    if expected:
        ensure_free_space(final.parent, int(expected * 1.05))
    received = 0
    try:
        with AtomicOutput(final) as out:
            with open(out.part, "wb") as fh:
                async for chunk in resp.aiter_bytes(CHUNK):
                    fh.write(chunk)
                    received += len(chunk)
                    report(received / expected if expected else None)
                fh.flush()
            if expected is not None and received != expected:
                raise DownloadInterrupted(f"{received} of {expected} bytes")
            if received == 0:
                raise DownloadInterrupted("the file was empty")
    except httpx.TransportError as exc:
        raise DownloadInterrupted(f"{describe_transport_error(exc)} after {received} bytes") from None
    except OSError as exc:
        if is_disk_full(exc):
            raise DiskFull(str(final.parent), folder=str(final.parent), need_mb=(expected or 0) // 2**20,
                           free_mb=0) from None
        raise
    assert out.path is not None
    return out.path


async def _from_url(api: NemoApi, url: str, final: Path, report: Callable[[float | None], None]) -> Path:
    async with api.transport.plain_stream(url) as resp:
        return await _save(resp, final, report)


async def fetch(api: NemoApi, render_id: str, url: str, final: Path,
                report: Callable[[float | None], None]) -> Path:
    """Download the render to ``final`` (or a free " (N)" sibling) and return the committed path."""
    first_error: NemoError | None = None
    if url:
        try:
            return await _from_url(api, url, final, report)
        except CloudError as err:
            log.info("outputUrl download failed (%s); trying the download route", err.code)
            first_error = err
    try:
        async with api.download_fallback(render_id) as resp:
            ctype = resp.headers.get("content-type", "")
            if 300 <= resp.status_code < 400 and resp.headers.get("location"):
                # never follow with credentials: the target gets the plain client
                return await _from_url(api, resp.headers["location"], final, report)
            if resp.status_code == 200 and ("json" in ctype or ctype.startswith("text/")):
                body = parse_json(await resp.aread())
                data = body.get("data", body) if isinstance(body, dict) else None
                output = data.get("output") if isinstance(data, dict) else None
                next_url = output.get("url") if isinstance(output, dict) else None
                if not next_url and isinstance(data, dict):
                    next_url = data.get("outputUrl")
                if not next_url:
                    raise ServerError("the download route named no file")
                return await _from_url(api, str(next_url), final, report)
            return await _save(resp, final, report)
    except (DownloadIncomplete, AuthExpired):
        raise
    except CloudError as err:
        if isinstance(first_error, DownloadIncomplete):
            raise first_error from None
        raise DownloadInterrupted(err.detail) from None
