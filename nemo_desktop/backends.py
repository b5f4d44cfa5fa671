"""The one front door to the backends: which engine serves a session, and what ``auto`` falls back to.

Both front doors (CLI and window) call ``open_session``; the whole auto/fallback policy lives here and
nowhere else. ``auto`` takes the NemoVideo cloud only when its API answers within about two seconds and
its session starts; otherwise the built-in engine, with one notice saying why. This is a composition root:
it may import both engines (lazily); nothing below the front doors imports it.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable
from enum import Enum
from pathlib import Path

from nemo_desktop.core.errors import CloudError
from nemo_desktop.core.events import EventSink
from nemo_desktop.core.ports import Backend, EngineKind
from nemo_desktop.core.session import Session
from nemo_desktop.i18n import tr
from nemo_desktop.secrets import TokenStore
from nemo_desktop.settings import Settings

log = logging.getLogger(__name__)
DEFAULT_API_URL = "https://mega-api-prod.nemovideo.ai"
REACH_TIMEOUT = 2.0

Notify = Callable[[str], None]
Reachability = Callable[[], Awaitable[bool]]
BackendMaker = Callable[[EngineKind, Settings], Awaitable[Backend]]


class EngineChoice(str, Enum):
    """What the person chose (setting, ``--engine``): one engine, or ``auto``."""

    AUTO = "auto"
    BUILTIN = "builtin"
    CLOUD = "cloud"


def api_url(settings: Settings) -> str:
    return (os.environ.get("NEMO_API_URL") or settings.api_url or DEFAULT_API_URL).rstrip("/")


def builtin(settings: Settings, seed: int | None = None) -> Backend:
    from nemo_desktop.engine.backend import LocalBackend

    return LocalBackend(settings, seed=seed)


def cloud(settings: Settings, store: TokenStore | None = None) -> Backend:
    from nemo_desktop.cloud.backend import CloudBackend

    return CloudBackend(settings, store or TokenStore(), api_url=api_url(settings))


async def cloud_reachable(settings: Settings, timeout: float = REACH_TIMEOUT) -> bool:
    try:
        from nemo_desktop.cloud.reachability import reachable
    except ImportError:  # a build without the cloud client
        return False
    return await reachable(api_url(settings), timeout=timeout)


async def make_backend(kind: EngineKind, settings: Settings) -> Backend:
    """The default maker: the built-in engine with the configured seed, or the cloud client."""
    return builtin(settings, settings.seed) if kind is EngineKind.BUILTIN else cloud(settings)


async def open_session(
    choice: EngineChoice | str,
    settings: Settings,
    sink: EventSink,
    *,
    notice: Notify = lambda text: None,
    output_dir: Callable[[], Path] | None = None,
    autosave: Path | None = None,
    reachable: Reachability | None = None,
    maker: BackendMaker = make_backend,
    restore: bool = True,
) -> Session:
    """A started Session on the engine ``choice`` asks for. With ``auto``: the cloud when it answers and
    starts, else the built-in engine, and ``notice`` hears why once. An explicit ``cloud`` that fails
    raises its CloudError."""
    choice = EngineChoice(choice)
    kind = EngineKind.CLOUD if choice is EngineChoice.CLOUD else EngineKind.BUILTIN
    if choice is EngineChoice.AUTO:
        online = await (reachable() if reachable is not None else cloud_reachable(settings))
        kind = EngineKind.CLOUD if online else EngineKind.BUILTIN
        if not online:
            notice(tr("Offline — using the built-in engine."))

    def session_on(backend: Backend) -> Session:
        return Session(backend, sink, output_dir=output_dir or settings.output_folder, autosave=autosave)

    try:
        backend = await maker(kind, settings)
    except ImportError:
        if kind is EngineKind.BUILTIN:
            raise
        log.info("the cloud client is not part of this build")
        notice(tr("The cloud engine is not available — using the built-in engine."))
        kind, backend = EngineKind.BUILTIN, await maker(EngineKind.BUILTIN, settings)
    session = session_on(backend)
    try:
        await session.start(restore=restore)
    except CloudError as err:
        await session.aclose()
        if choice is not EngineChoice.AUTO:
            raise
        log.info("cloud session did not start (%s): built-in engine", err.code)
        notice(tr("The cloud did not answer — using the built-in engine."))
        session = session_on(await maker(EngineKind.BUILTIN, settings))
        await session.start(restore=restore)
    return session
