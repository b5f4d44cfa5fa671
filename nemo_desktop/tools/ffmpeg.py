"""Find ffmpeg and run it as a silent child process that reports progress and dies on cancel.

Renders write files and we read only their ``-progress`` key=value lines (for the bar) and the tail of
stderr (for the error sentence). Decoding for analysis, sound and thumbnails reads raw samples or pixels
from ffmpeg's stdout (``FfmpegReader``), so the app needs one media toolkit, the bundled binary, and no
FFmpeg libraries inside its own process. This module is the only place a child process is started.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections import deque
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from nemo_desktop.core.errors import DiskFull, ToolFailed
from nemo_desktop.core.events import ProgressFn, no_progress

log = logging.getLogger(__name__)
ENV_VAR = "NEMO_FFMPEG"
BASE_ARGS = ("-nostdin", "-hide_banner", "-loglevel", "error", "-progress", "pipe:1", "-nostats")
KILL_GRACE_S = 2.0
_ENOSPC_MARKERS = ("No space left on device", "Disk quota exceeded")


def find_ffmpeg(ffmpeg_path: str | None = None) -> str:
    """The ffmpeg to run: the setting, then ``$NEMO_FFMPEG``, then one beside a frozen app, then the
    imageio-ffmpeg static build, then PATH. A setting that points nowhere is an error, not a fallback."""
    for candidate in (ffmpeg_path, os.environ.get(ENV_VAR)):
        if candidate:
            found = shutil.which(candidate) if os.sep not in candidate else candidate
            if found and os.path.isfile(found) and os.access(found, os.X_OK):
                return found
            raise ToolFailed(f"ffmpeg not found at {candidate}")
    if getattr(sys, "frozen", False):
        exe_name = "ffmpeg.exe" if sys.platform == "win32" else "ffmpeg"
        for folder in (getattr(sys, "_MEIPASS", None), os.path.dirname(sys.executable)):
            if folder and os.path.isfile(os.path.join(folder, exe_name)):
                return os.path.join(folder, exe_name)
    with contextlib.suppress(Exception):  # a missing or broken wheel falls back to PATH
        import imageio_ffmpeg

        return str(imageio_ffmpeg.get_ffmpeg_exe())
    found = shutil.which("ffmpeg")
    if found:
        return found
    raise ToolFailed("ffmpeg not found; install ffmpeg or set its path in Settings")


def child_env() -> dict[str, str]:
    """A frozen build may have prepended its own libraries; ffmpeg must see the system's."""
    env = dict(os.environ)
    orig = env.get("LD_LIBRARY_PATH_ORIG")
    if orig is not None:
        env["LD_LIBRARY_PATH"] = orig
    elif getattr(sys, "frozen", False):
        env.pop("LD_LIBRARY_PATH", None)
    return env


def no_window() -> dict[str, Any]:
    """Keyword arguments that keep a child ffmpeg from flashing a console window on Windows."""
    if sys.platform == "win32":
        return {"creationflags": subprocess.CREATE_NO_WINDOW}  # type: ignore[attr-defined]
    return {}


_PR_SET_PDEATHSIG = 1


def _load_prctl() -> Callable[..., int] | None:  # resolved once in the parent: the child makes one foreign call
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


_prctl = _load_prctl()


def _die_with_parent() -> None:
    """In the child, before exec: the kernel kills this ffmpeg when we die, even by SIGKILL."""
    if _prctl is not None:
        _prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)


def child_options() -> dict[str, Any]:
    """How every ffmpeg child is started: no console window (Windows); on POSIX its own session, so a
    terminal's Ctrl-C reaches only us and we stop it cleanly, and (Linux) it dies with us, so no ffmpeg
    goes on writing a ``.part`` after our process was killed."""
    if sys.platform == "win32":
        return no_window()
    options: dict[str, Any] = {"start_new_session": True}
    if _prctl is not None:
        options["preexec_fn"] = _die_with_parent
    return options


async def _stop(proc: asyncio.subprocess.Process) -> None:
    """Kill at once (what it was writing is thrown away, and ffmpeg may take seconds to honour a
    SIGTERM while it finishes the file); always reaped so no zombie stays behind."""
    if proc.returncode is None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            proc.kill()
    try:
        await asyncio.wait_for(asyncio.shield(proc.wait()), KILL_GRACE_S)
    except TimeoutError:
        log.warning("ffmpeg %s did not stop within %.0f s of SIGKILL", proc.pid, KILL_GRACE_S)
    await proc.wait()


async def run_ffmpeg(
    args: Sequence[str],
    *,
    total_seconds: float | None = None,
    progress: ProgressFn = no_progress,
    stage: str = "render",
    ffmpeg_path: str | None = None,
    output_dir: Path | None = None,
    expected_bytes: int = 0,
    cleanup: Path | None = None,
) -> None:
    """Run ``ffmpeg BASE_ARGS *args`` to completion; report ``out_time_us / total`` as progress.

    Raises ToolFailed (with ffmpeg's last error line) or DiskFull (ENOSPC while writing). On
    cancellation the child is terminated/killed and reaped before CancelledError propagates. ``cleanup``
    (the ``.part`` being written) is removed on any failure or cancel.
    """
    try:
        await _run(args, total_seconds, progress, stage, ffmpeg_path, output_dir, expected_bytes)
    except BaseException:
        if cleanup is not None:
            with contextlib.suppress(OSError):
                cleanup.unlink()
        raise


async def _run(
    args: Sequence[str], total_seconds: float | None, progress: ProgressFn, stage: str, ffmpeg_path: str | None,
    output_dir: Path | None, expected_bytes: int,
) -> None:
    exe = find_ffmpeg(ffmpeg_path)
    proc = await asyncio.create_subprocess_exec(
        exe, *BASE_ARGS, *args,
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        env=child_env(), **child_options(),
    )
    tail: deque[str] = deque(maxlen=8)

    async def read_progress() -> None:
        assert proc.stdout is not None
        last = -1.0
        async for raw in proc.stdout:
            key, _, value = raw.decode("utf-8", "replace").strip().partition("=")
            if key == "out_time_us" and total_seconds and value.lstrip("-").isdigit():
                frac = min(1.0, max(0.0, int(value) / 1e6 / total_seconds))
                if frac - last >= 0.005:
                    last = frac
                    progress(stage, frac)
            elif key == "progress" and value == "end":
                progress(stage, 1.0)

    async def read_errors() -> None:
        assert proc.stderr is not None
        async for raw in proc.stderr:
            line = raw.decode("utf-8", "replace").strip()
            if line:
                tail.append(line)

    readers = asyncio.gather(read_progress(), read_errors())
    try:
        await readers
        code = await proc.wait()
    except BaseException:
        readers.cancel()
        with contextlib.suppress(BaseException):
            await readers
        await _stop(proc)
        raise
    if code != 0:
        text = " ".join(tail)
        if any(m in text for m in _ENOSPC_MARKERS):
            folder = str(output_dir) if output_dir else "the output folder"
            free = 0
            with contextlib.suppress(OSError):
                free = shutil.disk_usage(output_dir or ".").free // (1024 * 1024)
            raise DiskFull(text, folder=folder, need_mb=max(1, expected_bytes // (1024 * 1024)), free_mb=free)
        raise ToolFailed(tail[-1] if tail else f"ffmpeg exited with code {code}")


_F_SETPIPE_SZ = 1031  # Linux fcntl: resize a pipe's buffer
PIPE_BYTES = 1 << 20


def _widen_pipe(fd: int) -> None:
    """Let ffmpeg run up to 1 MB ahead of us (the default pipe holds 64 KB, two small frames): while our
    thread waits for the GIL, the decoder keeps going instead of blocking on a full pipe."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, ImportError):
            import fcntl

            fcntl.fcntl(fd, _F_SETPIPE_SZ, PIPE_BYTES)


def transcode(args: Sequence[str], data: bytes, *, ffmpeg_path: str | None = None) -> bytes:
    """Run ffmpeg on ``data`` given on its stdin and return its whole stdout: small in-memory jobs, such as
    decoding one compressed sample of an .sf3 sound bank. A failure raises ToolFailed."""
    done = subprocess.run(
        [find_ffmpeg(ffmpeg_path), "-nostdin", "-hide_banner", "-loglevel", "error", *args],
        input=data, capture_output=True, env=child_env(), check=False, **no_window(),
    )
    if done.returncode != 0:
        tail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ToolFailed(tail[-1] if tail else f"ffmpeg exited with code {done.returncode}")
    out: bytes = done.stdout
    return out


class FfmpegReader:
    """ffmpeg writing raw data to its stdout, read by a worker thread (blocking reads, no event loop).

    Used as a context manager: leaving it early (an exception, a cancel) kills and reaps the child, so no
    ffmpeg outlives the work it was started for. ``finish`` waits for a normal end and turns a failure
    into ToolFailed with ffmpeg's last error lines.
    """

    def __init__(self, args: Sequence[str], *, ffmpeg_path: str | None = None) -> None:
        self._err = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [find_ffmpeg(ffmpeg_path), "-nostdin", "-hide_banner", "-loglevel", "error", *args],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self._err, env=child_env(),
            **child_options(),
        )
        assert self.proc.stdout is not None
        self.stdout = self.proc.stdout
        _widen_pipe(self.stdout.fileno())

    def read(self, size: int) -> bytes:
        """Up to ``size`` bytes; fewer only at the end of the stream."""
        chunks, got = [], 0
        while got < size:
            chunk = self.stdout.read(size - got)
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)

    def errors(self) -> str:
        """ffmpeg's last few error lines, joined (the cause often sits above the final line)."""
        self._err.seek(0)
        lines = [ln.strip() for ln in self._err.read().decode("utf-8", "replace").splitlines() if ln.strip()]
        return " ".join(lines[-3:])

    def finish(self) -> None:
        self.stdout.read()  # drain, so a child blocked on a full pipe can exit
        code = self.proc.wait()
        if code != 0:
            raise ToolFailed(self.errors() or f"ffmpeg exited with code {code}")

    def close(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self.proc.kill()
        self.stdout.close()
        self.proc.wait()
        self._err.close()

    def __enter__(self) -> FfmpegReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
