"""Where per-clip work is kept between runs, keyed by the clip's content rather than its name.

Two things are cached: the analysis (small JSON) and the clip's sound, decoded once during analysis as
48 kHz stereo float32 so that the export reads it instead of decoding the clip a second time. Sound is
large (23 MB a minute), so the sound folder is kept under a byte budget, oldest first out.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import shutil
import time
from pathlib import Path

from nemo_desktop.core.files import STALE_AFTER_S, is_leftover

log = logging.getLogger(__name__)

KEY_VERSION = 7  # bump when what is cached under a key changes meaning
SOUND_BUDGET_BYTES = 2 << 30
SOUND_RATE = 48000  # the export's rate, so the kept sound is used as it is
SOUND_SUFFIX = ".f32"  # raw interleaved little-endian float32, stereo, SOUND_RATE


def content_key(path: Path) -> str:
    """Hash of size, mtime, the first and last MB and the key version: cheap and content-bound."""
    st = path.stat()
    h = hashlib.sha256(f"v{KEY_VERSION}:{st.st_size}:{st.st_mtime_ns}".encode())
    with path.open("rb") as fh:
        h.update(fh.read(1 << 20))
        if st.st_size > 2 << 20:
            fh.seek(-(1 << 20), 2)
            h.update(fh.read(1 << 20))
    return h.hexdigest()[:32]


def analysis_file(cache_dir: Path, path: Path) -> Path:
    return cache_dir / "analysis" / f"{content_key(path)}.json"


def sound_file(cache_dir: Path, path: Path) -> Path:
    return cache_dir / "sound" / f"{content_key(path)}{SOUND_SUFFIX}"


def cached_sound(cache_dir: Path | None, path: Path) -> Path | None:
    """The decoded sound of ``path`` when it is in the cache (touched, so it is evicted last)."""
    if cache_dir is None:
        return None
    try:
        found = sound_file(cache_dir, Path(path))
        if found.is_file() and found.stat().st_size >= 8:  # at least one stereo sample (memmap needs bytes)
            found.touch()
            return found
    except OSError:
        pass
    return None


def prune_sound(cache_dir: Path, budget: int = SOUND_BUDGET_BYTES) -> None:
    """Delete the least recently used decoded sounds until the folder fits ``budget`` bytes."""
    folder = cache_dir / "sound"
    with contextlib.suppress(OSError):
        files = [(f.stat().st_mtime, f.stat().st_size, f) for f in folder.glob(f"*{SOUND_SUFFIX}")]
        total = sum(size for _, size, _ in files)
        for _, size, f in sorted(files):
            if total <= budget:
                break
            with contextlib.suppress(OSError):
                f.unlink()
                total -= size


# Temporary work files carry the writer's pid, so what a killed run left is recognised and removed later.
_PID_NAMED = re.compile(r"^(?:mix|render|stems|preview)-(\d+)-")


def mix_file(cache_dir: Path, tag: str) -> Path:
    """A temporary mix WAV of this process (removed after the export; swept if we are killed first)."""
    return cache_dir / "mix" / f"mix-{os.getpid()}-{tag}.wav"


def render_prefix() -> str:
    """Prefix of this process's temporary render folders in the cache."""
    return f"render-{os.getpid()}-"


def sweep_leftovers(cache_dir: Path, now: float | None = None) -> list[Path]:
    """Remove temporary mixes, stems, render folders and half-decoded sounds that killed runs left behind."""
    now = time.time() if now is None else now
    removed: list[Path] = []
    candidates: list[Path] = []
    for folder in (cache_dir / "mix", cache_dir):
        with contextlib.suppress(OSError):
            candidates += list(folder.iterdir())
    for entry in candidates:
        match = _PID_NAMED.match(entry.name)
        if match and is_leftover(entry, int(match.group(1)), now):
            _remove(entry)
            removed.append(entry)
    with contextlib.suppress(OSError):
        for part in (cache_dir / "sound").glob("*.part"):  # written by a thread of a run that died
            with contextlib.suppress(OSError):
                if now - part.stat().st_mtime > STALE_AFTER_S:
                    _remove(part)
                    removed.append(part)
    if removed:
        log.info("removed %d temporary file(s) left by an earlier run", len(removed))
    return removed


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            path.unlink()
