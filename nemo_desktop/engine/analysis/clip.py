"""One file analysed, or its analysis read back from the cache (keyed by content, not by name)."""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path

from nemo_desktop.core.events import ProgressFn, no_progress
from nemo_desktop.core.files import write_bytes_atomic
from nemo_desktop.engine import media_cache
from nemo_desktop.engine.analysis.results import ClipAnalysis
from nemo_desktop.engine.analysis.scanner import Scanner
from nemo_desktop.engine.probe import MediaInfo

log = logging.getLogger(__name__)


def _cache_file(cache_dir: Path, path: Path) -> Path:
    return media_cache.analysis_file(cache_dir, path)


def _cache_load(file: Path) -> ClipAnalysis | None:
    try:
        return ClipAnalysis.from_json(json.loads(file.read_text("utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        return None


# --- per clip ------------------------------------------------------------------------------------------


def analyse_clip(
    info: MediaInfo,
    cache_dir: Path | None = None,
    progress: ProgressFn = no_progress,
    cancel: threading.Event | None = None,
) -> ClipAnalysis:
    """Analyse one probed file (video, image, gif or audio); reuse the cached result when there is one."""
    path = Path(info.path)
    cache = _cache_file(cache_dir, path) if cache_dir is not None else None
    if cache is not None and cache.exists():
        found = _cache_load(cache)
        if found is not None:
            progress("analyse", 1.0)
            return found
    result = Scanner(info, progress, cancel, cache_dir).run()
    progress("analyse", 1.0)
    if result.speech_problem is not None:
        log.warning("%s: no speech detection (%s)", path.name, result.speech_problem)
    elif cache is not None:  # a result without speech detection is not kept: the next run may have the model
        try:
            write_bytes_atomic(cache, json.dumps(result.to_json()).encode("utf-8"))
        except OSError:
            pass  # a full or read-only cache only costs time next run
    return result
