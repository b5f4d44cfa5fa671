"""Recent projects: the drafts a person left behind when they started a new one, newest first.

A project is what the autosave already holds (the engine and the draft in compact form); starting a new
project keeps the old one here, so File ▸ Open Recent can bring it back through the engine's ``restore``.
Only the last few are kept. No toolkit: the window lists ``entries()`` and opens ``load(path)``.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nemo_desktop.core.draft import VIDEO, Draft
from nemo_desktop.core.files import safe_stem, write_bytes_atomic

log = logging.getLogger(__name__)
KEEP = 8


@dataclass(frozen=True)
class RecentProject:
    path: Path
    name: str  # the first clip's name, or the title
    saved: float  # seconds since the epoch
    engine: str


def project_name(draft: Draft) -> str:
    """What a person calls the project: its first clip's file name without extension, else its title."""
    for seg in sorted(draft.segments_of(VIDEO), key=lambda s: s.start):
        if seg.source:
            return Path(seg.source).stem
    sources = [s for s in draft.source_segments() if s.source]
    return Path(sources[0].source).stem if sources else str(draft.meta.get("title") or "")


def _read(path: Path) -> dict[str, Any] | None:
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return body if isinstance(body, dict) and isinstance(body.get("draft"), dict) else None


class RecentProjects:
    def __init__(self, folder: Path, keep: int = KEEP) -> None:
        self.folder = folder
        self._keep = keep

    def keep(self, draft: Draft, engine: str) -> Path | None:
        """Keep ``draft`` as a recent project (nothing for an empty draft or the same one as the newest)."""
        if draft.is_empty:
            return None
        compact = draft.to_compact()
        newest = self.entries()[:1]
        if newest and (_read(newest[0].path) or {}).get("draft") == compact:
            return newest[0].path
        name = project_name(draft) or "project"
        saved = time.time()
        body = {"engine": engine, "name": name, "saved": saved, "draft": compact}
        path = self.folder / f"{int(saved * 1000)}-{safe_stem(name)[:60]}.json"
        try:
            write_bytes_atomic(path, json.dumps(body, ensure_ascii=False).encode("utf-8"), 0o600)
        except OSError as exc:
            log.warning("recent project not kept: %s", exc)
            return None
        for old in self.entries()[self._keep:]:
            old.path.unlink(missing_ok=True)
        return path

    def keep_file(self, autosave: Path) -> Path | None:
        """Keep what an autosave file holds (before a new project overwrites it)."""
        body = _read(autosave)
        if body is None:
            return None
        return self.keep(Draft.from_compact(body["draft"]), str(body.get("engine") or ""))

    def entries(self) -> list[RecentProject]:
        out: list[RecentProject] = []
        try:
            files = list(self.folder.glob("*.json"))
        except OSError:
            return out
        for path in files:
            body = _read(path)
            if body is None:
                continue
            out.append(RecentProject(path, str(body.get("name") or path.stem), float(body.get("saved") or 0.0),
                                     str(body.get("engine") or "")))
        return sorted(out, key=lambda r: r.saved, reverse=True)

    def load(self, path: Path) -> Draft | None:
        body = _read(path)
        return None if body is None else Draft.from_compact(body["draft"])


def default_export_name(draft: Draft) -> str:
    """The name Save As offers: "<first clip> – music.mp4"."""
    return f"{safe_stem(project_name(draft) or 'nemo-video')} – music.mp4"
