"""The ffmpeg runner: found, silent, reports progress, says why it failed, and dies on cancel."""

from __future__ import annotations

import asyncio
import os
import stat

import imageio_ffmpeg
import psutil
import pytest

from nemo_desktop.core.errors import DiskFull, ToolFailed
from nemo_desktop.tools.ffmpeg import find_ffmpeg, run_ffmpeg

LAVFI = ["-f", "lavfi", "-i", "testsrc2=s=160x90:r=25:d=2", "-c:v", "libx264", "-preset", "ultrafast"]


def test_lookup_order(tmp_path, monkeypatch):
    monkeypatch.delenv("NEMO_FFMPEG", raising=False)
    assert find_ffmpeg() == imageio_ffmpeg.get_ffmpeg_exe()
    fake = tmp_path / "my-ffmpeg"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("NEMO_FFMPEG", str(fake))
    assert find_ffmpeg() == str(fake)
    assert find_ffmpeg(imageio_ffmpeg.get_ffmpeg_exe()) == imageio_ffmpeg.get_ffmpeg_exe()  # setting wins
    with pytest.raises(ToolFailed, match="not found"):
        find_ffmpeg(str(tmp_path / "nope"))


async def test_progress_and_output(tmp_path):
    seen: list[tuple[str, float | None]] = []
    out = tmp_path / "a.mp4"
    await run_ffmpeg([*LAVFI, str(out)], total_seconds=2.0, progress=lambda s, f: seen.append((s, f)),
                     stage="render")
    assert out.stat().st_size > 0
    fractions = [f for _, f in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0


async def test_failure_is_one_line(tmp_path):
    with pytest.raises(ToolFailed) as caught:
        await run_ffmpeg(["-i", str(tmp_path / "missing.mp4"), str(tmp_path / "b.mp4")])
    assert "No such file" in str(caught.value) and "\n" not in str(caught.value)


async def test_enospc_is_disk_full():
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    with pytest.raises(DiskFull):
        await run_ffmpeg([*LAVFI, "-f", "mp4", "-y", "/dev/full"])


async def test_cancel_kills_the_child(tmp_path):
    part = tmp_path / "c.mp4.part"
    task = asyncio.create_task(run_ffmpeg(
        ["-re", "-f", "lavfi", "-i", "testsrc2=s=160x90:r=25:d=60", "-c:v", "libx264", "-f", "mp4", str(part)],
        cleanup=part,
    ))
    pid = None
    for _ in range(100):
        await asyncio.sleep(0.05)
        kids = [p for p in psutil.Process().children() if "ffmpeg" in p.name()]
        if kids:
            pid = kids[0].pid
            break
    assert pid is not None
    await asyncio.sleep(1.0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not psutil.pid_exists(pid)  # terminated and reaped: no zombie either
    assert not part.exists()
