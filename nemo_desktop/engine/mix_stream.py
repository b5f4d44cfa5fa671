"""The mix streamed into the render: ffmpeg reads the programme from a FIFO while the limiter writes it, so
the AAC encode and the mux (another process) run beside the mix's last pass instead of after it.

The stream is a float32 WAV whose header gives the exact length, so ffmpeg reads it as a plain file. The
mix's measuring passes write nothing; its first limited pass is the stream. When limiting took enough
loudness for the mix to make another pass (``AnotherPass``, rare), or this system has no FIFOs, the
caller renders from a finished WAV instead, as before. The writing end is closed only after a failed
render was stopped, so ffmpeg never sees a cut-short stream as the end of the sound and commits it.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import os
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import numpy as np

from nemo_desktop.core.errors import Cancelled
from nemo_desktop.engine.audio_io import SAMPLE_RATE, wav_header
from nemo_desktop.engine.worker import CancelToken, Worker

_F_SETPIPE_SZ = 1031  # Linux fcntl: the pipe's buffer
_PIPE_BYTES = 1 << 20  # ffmpeg may lag a little behind the limiter without stalling it
_OPEN_POLL_S = 0.01


class AnotherPass(Exception):
    """The mix wants to write the programme again (a second loudness pass): the stream cannot be rewound."""


def available() -> bool:
    return hasattr(os, "mkfifo")


class FifoSink:
    """A ``mix_blocks.Sink`` over the FIFO's writing end: a WAV header, then the blocks as they come — all
    but the last, held until ``finish``: the mix decides on another pass only once it has written a whole
    one, and ffmpeg, which knows the length from the header, must not have finished the file by then."""

    def __init__(self, fd: int, frames: int, sample_rate: int = SAMPLE_RATE) -> None:
        self.fd = fd
        self._write(wav_header(frames, sample_rate))
        self.written = 0
        self._held: bytes | None = None

    def _write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(self.fd, view) :]

    def write(self, block: np.ndarray) -> None:
        if self._held is not None:
            self._write(self._held)
        self._held = np.ascontiguousarray(block, dtype="<f4").tobytes()
        self.written += block.shape[0]

    def rewind(self) -> None:
        if self.written:
            raise AnotherPass()

    def finish(self) -> None:
        if self._held is not None:
            self._write(self._held)
            self._held = None


def open_writer(fifo: Path, cancel: threading.Event, reader_gone: Callable[[], bool]) -> int:
    """The FIFO's writing end, once ffmpeg has opened it for reading (a blocking open could wait forever
    for an ffmpeg that failed first): polled, then made blocking so a full pipe holds the mix back."""
    import fcntl  # POSIX only, like the FIFO itself (``available``)

    while True:
        if cancel.is_set():
            raise Cancelled()
        try:
            fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        except OSError as exc:
            if exc.errno != errno.ENXIO:  # ENXIO: no reader yet
                raise
            if reader_gone():
                raise BrokenPipeError("the render stopped before it read the sound") from exc
            time.sleep(_OPEN_POLL_S)
            continue
        fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~os.O_NONBLOCK)
        with contextlib.suppress(OSError):
            fcntl.fcntl(fd, _F_SETPIPE_SZ, _PIPE_BYTES)
        return fd


async def mix_into_render(
    worker: Worker, fifo: Path, frames: int, mix: Callable[[FifoSink, CancelToken], None],
    render: Awaitable[Path],
) -> Path:
    """Run ``render`` (an ffmpeg reading ``fifo``) and ``mix`` (writing the programme into it) side by side;
    the rendered path. Raises AnotherPass when the mix needed a second pass (the render is stopped and its
    ``.part`` removed), the render's own error when it failed, or whatever stopped the mix."""
    os.mkfifo(fifo, 0o600)
    task = asyncio.ensure_future(render)
    fd: int | None = None

    def mixed(cancel: CancelToken) -> None:
        assert fd is not None
        sink = FifoSink(fd, frames)
        mix(sink, cancel)
        sink.finish()

    try:
        fd = await worker.run(lambda cancel: open_writer(fifo, cancel, task.done))
        await worker.run(mixed)
        os.close(fd)  # the end of the sound: ffmpeg finishes the file
        fd = None
        return await task
    except BaseException:
        if not task.done():
            task.cancel()  # ffmpeg is killed before it could see the end of a short stream
        with contextlib.suppress(BaseException):
            await task
        failed = None if task.cancelled() else task.exception()
        if failed is not None:
            raise failed from None  # why ffmpeg stopped reading (a full disk, a bad file)
        raise
    finally:
        if fd is not None:
            os.close(fd)
