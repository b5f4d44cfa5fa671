"""First-frame thumbnails for the clip list, decoded off the GUI thread.

Decoding one frame with PyAV takes tens of milliseconds, which would stutter the window if done inline,
so it runs in the loop's default executor and only the finished RGB bytes come back to build a QImage.
A file PyAV cannot read simply gets no thumbnail: the engine, not this helper, decides what is valid.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from PySide6.QtGui import QImage

log = logging.getLogger(__name__)

Frame = tuple[bytes, int, int]


def decode_first_frame(path: Path, height: int = 54) -> Frame | None:
    """RGB24 bytes of the first frame scaled to ``height`` (runs in a worker thread)."""
    try:
        import av

        with av.open(str(path)) as container:
            if not container.streams.video:
                return None
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            for frame in container.decode(stream):
                width = max(2, round(frame.width * height / max(1, frame.height)) // 2 * 2)
                rgb = frame.reformat(width=width, height=height, format="rgb24")
                plane = rgb.planes[0]
                row = width * 3
                data = bytes(plane)
                if plane.line_size != row:
                    data = b"".join(data[i * plane.line_size:i * plane.line_size + row] for i in range(height))
                return data, width, height
    except Exception as exc:  # no thumbnail is fine; the engine reports real problems
        log.debug("no thumbnail for %s: %s", path.name, exc)
    return None


async def first_frame(path: Path, height: int = 54) -> QImage | None:
    loop = asyncio.get_running_loop()
    frame = await loop.run_in_executor(None, decode_first_frame, path, height)
    if frame is None:
        return None
    data, width, h = frame
    return QImage(data, width, h, width * 3, QImage.Format.Format_RGB888).copy()
