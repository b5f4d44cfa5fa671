"""What files we accept, before any decoding: kind by extension, the 500 MB limit, readable paths.

These checks are cheap and run before anything is uploaded or decoded, so a bad file costs nothing and
the others in the same drop are still taken. Deep checks (can it be decoded?) live in engine/probe.py.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from nemo_desktop.core.errors import FileEmpty, FileMissing, FileTooLarge, FileUnreadable, MediaError, Unsupported

MB = 1024 * 1024
MAX_BYTES = 500 * MB


class Kind(str, Enum):
    VIDEO = "video"
    IMAGE = "image"
    AUDIO = "audio"


EXTENSIONS: dict[str, Kind] = {
    **{e: Kind.VIDEO for e in ("mp4", "mov", "avi", "webm", "mkv")},
    **{e: Kind.IMAGE for e in ("jpg", "jpeg", "png", "gif", "webp")},
    **{e: Kind.AUDIO for e in ("mp3", "wav", "m4a", "aac")},
}

MIME_TYPES = {
    "mp4": "video/mp4", "mov": "video/quicktime", "avi": "video/x-msvideo", "webm": "video/webm",
    "mkv": "video/x-matroska", "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png",
    "gif": "image/gif", "webp": "image/webp", "mp3": "audio/mpeg", "wav": "audio/wav",
    "m4a": "audio/mp4", "aac": "audio/aac",
}


def kind_of(path: Path) -> Kind | None:
    """The kind a file's extension says (case-insensitive), or None for anything else."""
    return EXTENSIONS.get(path.suffix.lower().lstrip("."))


def mime_type(path: Path) -> str:
    return MIME_TYPES.get(path.suffix.lower().lstrip("."), "application/octet-stream")


@dataclass(frozen=True)
class Accepted:
    path: Path
    kind: Kind
    size: int


def check_file(path: Path, max_bytes: int = MAX_BYTES) -> Accepted:
    """Accept a file or raise the MediaError that names the reason in one sentence."""
    name = path.name or str(path)
    kind = kind_of(path)
    if not path.exists():
        raise FileMissing(str(path), name=name)
    if path.is_dir():
        raise Unsupported("a folder", name=name)
    if kind is None:
        raise Unsupported(path.suffix or "no extension", name=name)
    if not os.access(path, os.R_OK):
        raise FileUnreadable(str(path), name=name)
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            fh.read(1)
    except PermissionError as exc:
        raise FileUnreadable(str(path), name=name) from exc
    if size == 0:
        raise FileEmpty(str(path), name=name)
    if size > max_bytes:
        raise FileTooLarge(
            str(path), name=name, size_mb=round(size / MB), limit_mb=round(max_bytes / MB)
        )
    return Accepted(path, kind, size)


def expand(paths: list[Path]) -> list[Path]:
    """Folders dropped or passed on the command line become their media files, sorted by name."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted((c for c in p.iterdir() if c.is_file() and kind_of(c)), key=lambda c: c.name))
        else:
            out.append(p)
    return out


def triage(paths: list[Path], max_bytes: int = MAX_BYTES) -> tuple[list[Accepted], list[MediaError]]:
    """Split a drop into accepted files and one reason per rejected file; never raises for one bad file."""
    accepted: list[Accepted] = []
    rejected: list[MediaError] = []
    for p in expand(paths):
        try:
            accepted.append(check_file(p, max_bytes))
        except MediaError as err:
            rejected.append(err)
    return accepted, rejected
