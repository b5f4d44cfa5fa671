"""First-frame thumbnails for the clip list, decoded off the GUI thread.

The bundled ffmpeg decodes one frame and hands back a small PNG (tens of milliseconds, so it runs in the
loop's default executor and never stutters the window); Qt only turns those bytes into a QImage. A file
ffmpeg cannot read simply gets no thumbnail: the engine, not this helper, decides what is valid.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from PySide6.QtGui import QImage

from nemo_desktop.tools.ffmpeg import FfmpegReader

log = logging.getLogger(__name__)

_MAX_PNG_BYTES = 4 << 20


def decode_first_frame(path: Path, height: int = 54) -> bytes | None:
    """PNG bytes of the first frame scaled to ``height`` px (aspect kept; runs in a worker thread)."""
    args = ["-i", str(path), "-map", "0:v:0", "-frames:v", "1", "-vf", f"scale=-2:{int(height)}",
            "-c:v", "png", "-f", "image2pipe", "pipe:1"]
    try:
        with FfmpegReader(args) as reader:
            data = reader.read(_MAX_PNG_BYTES)
            reader.finish()
    except Exception as exc:  # no thumbnail is fine; the engine reports real problems
        log.debug("no thumbnail for %s: %s", path.name, exc)
        return None
    return data or None


async def first_frame(path: Path, height: int = 54) -> QImage | None:
    loop = asyncio.get_running_loop()
    png = await loop.run_in_executor(None, decode_first_frame, path, height)
    if png is None:
        return None
    image = QImage.fromData(png, "PNG")  # type: ignore[arg-type]  # the stubs say bytes; Qt wants str
    return None if image.isNull() else image
