"""Is the NemoVideo API reachable right now? Used by ``--engine auto`` to pick the cloud or the built-in engine.

Any HTTP answer within the time limit counts as reachable (even a 404: the server is there); a refused
connection, DNS failure or timeout does not. No token is sent.
"""

from __future__ import annotations

import asyncio
import logging

import httpx

from nemo_desktop.cloud.transport import attribution_headers, quiet_http_loggers

log = logging.getLogger(__name__)


async def reachable(api_url: str, timeout: float = 2.0) -> bool:
    quiet_http_loggers()
    try:
        async with httpx.AsyncClient(timeout=httpx.Timeout(timeout), headers=attribution_headers(),
                                     follow_redirects=False) as client:
            async with asyncio.timeout(timeout + 0.5):
                resp = await client.get(api_url.rstrip("/") + "/")
        log.debug("cloud reachable (HTTP %s)", resp.status_code)
        return True
    except (httpx.HTTPError, TimeoutError, OSError) as exc:
        log.info("cloud not reachable: %s", type(exc).__name__)
        return False
