"""A real, small MP4 for the stand-in to serve as a finished render (made once with the bundled ffmpeg)."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path


def sample_mp4(cache_dir: Path | None = None) -> bytes:
    """2 s of lavfi testsrc2 at 320×240 (H.264 when available), cached across test runs."""
    folder = cache_dir or Path(tempfile.gettempdir()) / f"nemo-fakecloud-{os.getuid() if hasattr(os, 'getuid') else 0}"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "testsrc2-2s.mp4"
    if target.exists() and target.stat().st_size > 1000:
        return target.read_bytes()
    import imageio_ffmpeg

    tmp = folder / f".testsrc2-{os.getpid()}.mp4"
    cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
           "-i", "testsrc2=duration=2:size=320x240:rate=25", "-pix_fmt", "yuv420p", "-movflags", "+faststart",
           str(tmp)]
    subprocess.run(cmd, check=True, stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
    os.replace(tmp, target)
    return target.read_bytes()
