"""The preview's picture: small raw RGB frames of the clip under the playhead, decoded by the bundled ffmpeg.

One ffmpeg per shot, started at the playhead with ``-ss`` (again on a seek, and at each shot boundary),
piping ``WIDTH`` px frames at ``FPS``; a worker thread reads the pipe and keeps only a few frames ahead of
the clock, so memory stays small and the GUI thread never waits on a pipe: it only takes the newest frame
that is due (``frame_at``) and paints it. The shots are the draft's video segments (source, in point,
length), so the preview shows the cut the export will render.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from nemo_desktop.core.draft import VIDEO, Draft
from nemo_desktop.tools.ffmpeg import FfmpegReader

log = logging.getLogger(__name__)

WIDTH = 480
FPS = 20
AHEAD = 6  # frames decoded ahead of the clock
STILLS = ("image",)


@dataclass(frozen=True)
class Shot:
    """One video segment: where it sits on the timeline and which part of which file it shows."""

    source: str
    start: float
    duration: float
    offset: float
    still: bool

    @property
    def end(self) -> float:
        return self.start + self.duration


@dataclass(frozen=True)
class Frame:
    time: float
    rgb: bytes


def shots_of(draft: Draft) -> tuple[Shot, ...]:
    """The draft's video segments that are files on this machine (a cloud draft names remote media, which
    the preview never fetches)."""
    return tuple(Shot(s.source, s.start, s.duration, s.offset, s.meta.get("kind") in STILLS)
                 for s in sorted(draft.segments_of(VIDEO), key=lambda s: s.start)
                 if s.source and s.duration > 0 and "://" not in s.source and Path(s.source).is_file())


def frame_size(draft: Draft, width: int = WIDTH) -> tuple[int, int]:
    """The preview's frame size: ``width`` px wide in the export's aspect ratio (even numbers for ffmpeg)."""
    w, h = draft.meta.get("width") or 16, draft.meta.get("height") or 9
    try:
        aspect = float(h) / float(w)
    except (TypeError, ValueError, ZeroDivisionError):
        aspect = 9 / 16
    if aspect > 1:  # portrait: keep the frame small the other way round
        return max(2, int(round(width / aspect / 2)) * 2), width
    return width, max(2, int(round(width * aspect / 2)) * 2)


def ffmpeg_args(shot: Shot, at: float, size: tuple[int, int], fps: int = FPS) -> list[str]:
    """ffmpeg arguments piping ``shot`` from timeline time ``at`` to its end as raw RGB frames of ``size``."""
    local = max(0.0, at - shot.start)
    w, h = size
    args = ["-loop", "1", "-framerate", str(fps)] if shot.still else []
    args += ["-ss", f"{shot.offset + local:.3f}"] if shot.offset + local > 0 and not shot.still else []
    args += ["-i", shot.source, "-t", f"{max(0.05, shot.duration - local):.3f}", "-map", "0:v:0", "-an",
             "-threads", "2",
             "-vf", f"fps={fps},scale={w}:{h}:force_original_aspect_ratio=decrease,pad={w}:{h}:(ow-iw)/2:(oh-ih)/2",
             "-pix_fmt", "rgb24", "-f", "rawvideo", "pipe:1"]
    return args


class _Run:
    """One decoding run (from one position): its own frames, stop flag, ffmpeg and thread, so a run that is
    being abandoned (a seek) can finish on its own without touching the next one."""

    def __init__(self, at: float) -> None:
        self.at = at
        self.frames: deque[Frame] = deque()
        self.cond = threading.Condition()
        self.stopped = threading.Event()
        self.clock = at
        self.reader: FfmpegReader | None = None
        self.thread: threading.Thread | None = None

    def stop(self) -> None:
        """Ask the run to end and kill its ffmpeg; returns at once (the thread reaps its child itself)."""
        self.stopped.set()
        with self.cond:
            self.cond.notify_all()
            reader = self.reader
        if reader is not None and reader.proc.poll() is None:
            reader.proc.kill()  # unblocks the thread's read


class FrameDecoder:
    """Decodes frames from a timeline position onwards in a worker thread; ``stop`` kills ffmpeg.

    A restart never waits on the GUI thread for the previous run (its thread may still be starting
    ffmpeg, which took up to half a second on a loaded machine); only ``close`` waits for all of them."""

    def __init__(self, shots: tuple[Shot, ...], size: tuple[int, int], fps: int = FPS) -> None:
        self.shots = shots
        self.size = size
        self.fps = fps
        self._run: _Run | None = None
        self._old: list[_Run] = []

    def start(self, at: float) -> None:
        self.stop()
        run = _Run(at)
        run.thread = threading.Thread(target=self._work, args=(run,), name="nemo-preview-frames", daemon=True)
        self._run = run
        run.thread.start()

    def frame_at(self, clock: float) -> Frame | None:
        """The newest frame due at ``clock`` (older ones are dropped); None when none is due yet."""
        run = self._run
        if run is None:
            return None
        due: Frame | None = None
        with run.cond:
            run.clock = clock
            while run.frames and run.frames[0].time <= clock + 0.5 / self.fps:
                due = run.frames.popleft()
            run.cond.notify_all()
        return due

    def stop(self) -> None:
        """End the current run without waiting for it."""
        if self._run is not None:
            self._run.stop()
            self._old.append(self._run)
            self._run = None
        self._old = [r for r in self._old if r.thread is not None and r.thread.is_alive()]

    def close(self, timeout: float = 5.0) -> None:
        """End every run and wait for their threads (and so their ffmpeg children) to finish."""
        self.stop()
        for run in self._old:
            run.stop()
            if run.thread is not None:
                run.thread.join(timeout)
        self._old = []

    # --- the worker thread -----------------------------------------------------------------------------

    def _work(self, run: _Run) -> None:
        for shot in self.shots:
            if shot.end <= run.at + 1e-6:
                continue
            if run.stopped.is_set():
                return
            try:
                self._decode(shot, max(run.at, shot.start), run)
            except Exception as exc:  # a clip ffmpeg cannot read shows no picture; the engine reports it
                log.debug("preview frames of %s: %s", shot.source, exc)

    def _decode(self, shot: Shot, at: float, run: _Run) -> None:
        w, h = self.size
        size = w * h * 3
        with FfmpegReader(ffmpeg_args(shot, at, self.size, self.fps)) as reader:
            with run.cond:
                run.reader = reader
            if run.stopped.is_set():
                return  # stopped while ffmpeg was starting: leaving the block kills it
            k = 0
            try:
                while not run.stopped.is_set():
                    data = reader.read(size)
                    if len(data) < size:
                        break
                    frame = Frame(at + k / self.fps, data)
                    k += 1
                    with run.cond:
                        while not run.stopped.is_set() and len(run.frames) >= AHEAD:
                            run.cond.wait(0.2)
                        run.frames.append(frame)
            finally:
                with run.cond:
                    run.reader = None
