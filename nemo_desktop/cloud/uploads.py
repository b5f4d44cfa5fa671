"""One clip into the cloud session with progress by bytes, as part of a batch of ``total`` bytes."""

from __future__ import annotations

from pathlib import Path

from nemo_desktop.cloud.api import NemoApi
from nemo_desktop.core.events import ProgressFn
from nemo_desktop.i18n import N_, tr


async def upload_one(api: NemoApi, session_id: str, path: Path, size: int, progress: ProgressFn, *,
                     done: int, total: int) -> None:
    """Upload ``path``; progress runs from ``done/total`` to ``(done+size)/total`` under its own stage."""
    total = max(1, total)
    stage = tr(N_("Uploading {name}"), None).format(name=path.name)
    progress(stage, done / total)

    def report(fraction: float) -> None:
        progress(stage, min(1.0, (done + fraction * size) / total))

    await api.upload(session_id, path, report)
