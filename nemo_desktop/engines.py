"""Which engine serves a session: the built-in one, the NemoVideo cloud, or ``auto``.

This is a composition root shared by the two front doors (CLI and window), so it may import both
engines; nothing below the front doors imports it. ``auto`` takes the cloud only when its API answers
within about two seconds; otherwise the built-in engine, with a notice saying so.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from nemo_desktop.core.ports import Backend
from nemo_desktop.i18n import tr
from nemo_desktop.secrets import TokenStore
from nemo_desktop.settings import Settings

DEFAULT_API_URL = "https://mega-api-prod.nemovideo.ai"
REACH_TIMEOUT = 2.0


def api_url(settings: Settings) -> str:
    return (os.environ.get("NEMO_API_URL") or settings.api_url or DEFAULT_API_URL).rstrip("/")


def builtin(settings: Settings, seed: int | None = None) -> Backend:
    from nemo_desktop.engine.backend import LocalBackend

    return LocalBackend(settings, seed=seed)


def cloud(settings: Settings, store: TokenStore | None = None) -> Backend:
    from nemo_desktop.cloud.backend import CloudBackend

    return CloudBackend(settings, store or TokenStore(), api_url=api_url(settings))


async def cloud_reachable(settings: Settings, timeout: float = REACH_TIMEOUT) -> bool:
    from nemo_desktop.cloud.reachability import reachable

    return await reachable(api_url(settings), timeout=timeout)


async def choose_backend(
    choice: str,
    settings: Settings,
    *,
    seed: int | None = None,
    notice: Callable[[str], None] = lambda text: None,
    store: TokenStore | None = None,
) -> Backend:
    """Build the backend for ``choice`` (auto|builtin|cloud); ``notice`` hears about a fall-back."""
    if choice == "builtin":
        return builtin(settings, seed)
    if choice == "cloud":
        return cloud(settings, store)
    if await cloud_reachable(settings):
        return cloud(settings, store)
    notice(tr("Offline — using the built-in engine."))
    return builtin(settings, seed)
