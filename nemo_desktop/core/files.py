"""Safe names, no-clobber unique paths, atomic ``.part`` writes and free-space checks for exports.

An export is written as ``<final>.nemo-<pid>.part`` in the target folder, fsynced, then committed with a
no-overwrite link+unlink, so a crash or cancel never leaves a half MP4 and an existing file is never
replaced. Names come from the first clip ("holiday.mov" → "holiday.mp4", then "holiday (2).mp4").
"""

from __future__ import annotations

import contextlib
import errno
import glob
import logging
import os
import re
import shutil
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

from nemo_desktop.core.errors import DiskFull, OutputNotWritable

log = logging.getLogger(__name__)

_RESERVED = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_WINDOWS_DEVICES = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                    *(f"LPT{i}" for i in range(1, 10))}
MAX_NAME_BYTES = 255
PART_SUFFIX = ".part"
# Our ``.part`` files carry a marker and the writer's pid ("clip.mp4.nemo-4242.part"), so a run killed before
# it could clean up (SIGKILL, power loss) is recognised later, and a browser's or another program's ``.part``
# in the same Downloads folder is never touched.
_OUR_PART = re.compile(r"^.+\.nemo-(\d+)\.part$")
STALE_AFTER_S = 3600.0  # a .part nobody has written for an hour is dead even if its pid was reused


def safe_stem(text: str, fallback: str = "nemo-video", max_bytes: int = 200) -> str:
    """A file-name stem valid on every desktop OS, kept readable (Chinese stays Chinese)."""
    stem = unicodedata.normalize("NFC", text)
    stem = _RESERVED.sub(" ", stem)
    stem = re.sub(r"\s+", " ", stem).strip(" .")
    if stem.split(".")[0].upper() in _WINDOWS_DEVICES:
        stem = f"{stem}_"
    encoded = stem.encode("utf-8")
    if len(encoded) > max_bytes:
        stem = encoded[:max_bytes].decode("utf-8", errors="ignore").rstrip(" .")
    return stem or fallback


def unique_path(folder: Path, stem: str, suffix: str) -> Path:
    """``folder/stem.suffix``, or ``stem (2).suffix``, ``(3)``… — the first that does not exist."""
    candidate = folder / f"{stem}{suffix}"
    n = 2
    while candidate.exists() or Path(f"{candidate}{PART_SUFFIX}").exists() or _parts_of(candidate):
        candidate = folder / f"{stem} ({n}){suffix}"
        n += 1
    return candidate


def _parts_of(final: Path) -> list[Path]:
    """Our ``.part`` files (any pid) for ``final``: another run may be writing that name right now."""
    try:
        return list(final.parent.glob(f"{glob.escape(final.name)}.nemo-*{PART_SUFFIX}"))
    except OSError:
        return []


def part_path(final: Path) -> Path:
    return final.with_name(f"{final.name}.nemo-{os.getpid()}{PART_SUFFIX}")


def pid_alive(pid: int) -> bool:
    """Whether a process with this id exists (it may belong to someone else: then it counts as alive)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def is_leftover(path: Path, pid: int, now: float | None = None) -> bool:
    """A file of ours whose writer is gone: its pid no longer runs, or nobody has touched it for an hour."""
    if pid == os.getpid():
        return False
    if not pid_alive(pid):
        return True
    try:
        age = (now if now is not None else time.time()) - path.stat().st_mtime
    except OSError:
        return False
    return age > STALE_AFTER_S


def sweep_stale_parts(folder: Path) -> list[Path]:
    """Remove the ``.part`` files that killed runs of ours left in ``folder``; returns what was removed."""
    removed: list[Path] = []
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return removed
    for entry in entries:
        match = _OUR_PART.match(entry.name)
        if match and is_leftover(entry, int(match.group(1))):
            with contextlib.suppress(OSError):
                entry.unlink()
                removed.append(entry)
    if removed:
        log.info("removed %d unfinished file(s) left by an earlier run in %s", len(removed), folder)
    return removed


def commit_part(part: Path, final: Path) -> Path:
    """Move a finished ``.part`` onto a free final name without ever replacing an existing file."""
    with contextlib.suppress(OSError):
        fd = os.open(part, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    target = final
    n = 2
    while True:
        try:
            os.link(part, target)
            break
        except FileExistsError:
            target = final.with_name(f"{final.stem} ({n}){final.suffix}")
            n += 1
        except OSError as exc:  # file systems without hard links: an exclusive rename check
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV, errno.EMLINK):
                raise
            if target.exists():
                target = final.with_name(f"{final.stem} ({n}){final.suffix}")
                n += 1
                continue
            os.rename(part, target)
            return target
    os.unlink(part)
    return target


class AtomicOutput:
    """``with AtomicOutput(final) as out:`` write ``out.part``; on success ``out.path`` is the committed
    file (``final`` or a free " (N)" sibling), on any failure or cancel the ``.part`` is removed."""

    def __init__(self, final: Path) -> None:
        self.final = final
        self.part = part_path(final)
        self.path: Path | None = None

    def __enter__(self) -> AtomicOutput:
        with contextlib.suppress(FileNotFoundError):
            self.part.unlink()  # a stale .part of this very process
        sweep_stale_parts(self.final.parent)  # and those of runs that were killed before cleaning up
        return self

    def __exit__(self, exc_type: object, exc: BaseException | None, tb: object) -> None:
        if exc is not None:
            with contextlib.suppress(FileNotFoundError):
                self.part.unlink()
            return
        if not self.part.exists():
            raise FileNotFoundError(self.part)
        self.path = commit_part(self.part, self.final)


def write_bytes_atomic(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Replace a small file (settings, token, autosave) atomically with the given permission bits."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        try:
            os.fchmod(fd, mode)
        except (AttributeError, OSError):
            pass
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


DiskUsage = Callable[[str], "shutil._ntuple_diskusage"]


def ensure_free_space(folder: Path, need_bytes: int, disk_usage: DiskUsage = shutil.disk_usage) -> None:
    """Raise DiskFull before starting when the target folder cannot hold ``need_bytes``."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputNotWritable(str(exc), folder=str(folder)) from exc
    if not os.access(folder, os.W_OK):
        raise OutputNotWritable(str(folder), folder=str(folder))
    free = disk_usage(str(folder)).free
    if free < need_bytes:
        raise DiskFull(
            str(folder), folder=str(folder), need_mb=max(1, need_bytes // (1024 * 1024)),
            free_mb=free // (1024 * 1024),
        )


def is_disk_full(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT)
