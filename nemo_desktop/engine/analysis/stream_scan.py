"""The pictures of a clip analysed from its compressed stream, decoding only a small part of it.

One ffmpeg pass reads every packet (stream copy: sizes and keyframe flags, no decoding) and decodes only
the keyframes (``-skip_frame nokey``): colour, and a picture to compare each keyframe with. The frames
where a shot may start (``packets``) are then decoded in short windows, each from the keyframe before it,
and ``find_cuts`` places every cut on its exact frame as the full decode would. Motion between windows is
the packet size scaled by what the windows measured. Raises ``NoSignal`` when the stream cannot be read
this way (the caller then decodes every frame).
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from nemo_desktop.core.errors import Cancelled
from nemo_desktop.engine.analysis import packets as pk
from nemo_desktop.engine.analysis.cuts import find_cuts
from nemo_desktop.engine.analysis.frames import FrameDiffs, colour, pair_change
from nemo_desktop.tools.ffmpeg import FfmpegReader

log = logging.getLogger(__name__)
MIN_FRAMES = 240  # below this a full decode costs little more than the survey
MAX_SHARE = 0.5  # decoding more than this share of the frames in windows: the full decode is as cheap
_CALIBRATION = 4  # windows opened anyway (from keyframes, cheap) to scale packet sizes to motion
_SPANS_PER_PROCESS = 4  # windows decoded side by side in one ffmpeg process …
_PROCESSES = 2  # … and two such ffmpegs at a time: one kept the second core of a 2-core laptop half idle
_SCALE_FLAGS = "flags=neighbor"


@dataclass
class StreamPictures:
    """What the picture side found, per frame of the stream (numbers, not yet a result)."""

    n: int
    first: int  # frame number of the stream's first frame from the file's start
    cuts: list[int]
    mad: np.ndarray  # per frame: measured in the windows, estimated from packet sizes elsewhere
    colour_index: list[int] = field(default_factory=list)
    colour: list[tuple[float, float, float]] = field(default_factory=list)
    frames_read: int = 0
    windows: int = 0


@dataclass
class _Span:
    first: int
    last: int
    mad: np.ndarray
    hist: np.ndarray


class StreamScan:
    """Survey, windows, and the numbers that come out of them (see the module docstring)."""

    def __init__(self, path: Path, fps: float, size: tuple[int, int], cancel: threading.Event | None,
                 progress: Callable[[float], None], colour_step: float) -> None:
        self.path, self.fps, self.size = path, fps, size
        self.cancel, self.progress, self.colour_step = cancel, progress, colour_step
        self.frames_read = 0
        self.anchor_luma: dict[int, np.ndarray] = {}
        self.anchor_colour: dict[int, tuple[float, float, float]] = {}
        self.refs: dict[int, np.ndarray] = {}  # luma of decoded frames just before a keyframe, and window ends
        self.keys = np.zeros(0, dtype=np.int64)
        self.seconds = np.zeros(0)

    def _check(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise Cancelled()

    @property
    def _frame_bytes(self) -> int:
        w, h = self.size
        return w * h * 3

    def _scale(self) -> str:
        w, h = self.size
        return f"scale={w}:{h}:{_SCALE_FLAGS},format=yuv444p"

    def run(self) -> StreamPictures:
        with tempfile.TemporaryDirectory(prefix="nemo-stream-") as tmp:
            packets = self._survey(Path(tmp))
            self.progress(0.3)
            return self._analyse(packets, Path(tmp))

    # --- the survey: every packet, keyframes decoded ------------------------------------------------

    def _survey(self, tmp: Path) -> pk.Packets:
        crc, stats = tmp / "packets.txt", tmp / "keys.txt"
        args = ["-threads", str(os.cpu_count() or 1), "-skip_frame", "nokey", "-skip_loop_filter", "all",
                "-flags2", "+fast", "-i", str(self.path),
                "-map", "0:v:0", "-c", "copy", "-f", "framecrc", "-y", str(crc),
                "-map", "0:v:0", "-vf", self._scale(), "-fps_mode", "passthrough",
                "-stats_enc_pre", str(stats), "-stats_enc_pre_fmt", "{ptsi}", "-f", "rawvideo", "pipe:1"]
        lumas: list[np.ndarray] = []  # the keyframes' luma and colour, kept small (a 30-minute clip has ~1000)
        colours: list[np.ndarray] = []
        w, h = self.size
        with FfmpegReader(args) as reader:
            while True:
                self._check()
                data = reader.read(self._frame_bytes * 16)
                k = len(data) // self._frame_bytes
                if k:
                    batch = np.frombuffer(data, np.uint8, k * self._frame_bytes).reshape(k, 3, h, w)
                    lumas.extend(batch[:, 0].copy())
                    colours.append(colour(batch))
                if len(data) < self._frame_bytes * 16:
                    break
            reader.finish()
        packets = pk.parse_framecrc(crc.read_text("ascii", "replace"))
        self.frames_read += len(lumas)
        values = np.concatenate(colours) if colours else np.zeros((0, 3))
        self._keep_anchors(packets, lumas, values, stats.read_text("ascii", "replace").split())
        return packets

    def _keep_anchors(self, packets: pk.Packets, lumas: list[np.ndarray], values: np.ndarray,
                      pts_text: list[str]) -> None:
        """The decoded keyframes by frame number (matched by timestamp, so an extra I picture is fine)."""
        if len(pts_text) != len(lumas):
            raise pk.NoSignal("keyframe timestamps missing")
        number = {int(p): i for i, p in enumerate(packets.pts.tolist())}
        found = [number.get(int(p), -1) for p in pts_text]
        if not lumas or min(found) < 0:
            raise pk.NoSignal("keyframes do not match the packets")
        for i, idx in enumerate(found):
            self.anchor_luma[idx] = lumas[i]
            self.anchor_colour[idx] = (float(values[i, 0]), float(values[i, 1]), float(values[i, 2]))

    # --- candidates and windows ---------------------------------------------------------------------

    def _analyse(self, packets: pk.Packets, tmp: Path) -> StreamPictures:
        pk.check_usable(packets, MIN_FRAMES)
        pk.frame_numbers(packets, self.fps)
        n = len(packets)
        keys = self.keys = np.flatnonzero(packets.key)
        self.seconds = packets.pts.astype(np.float64) * float(packets.time_base)
        off, on = pk.keyframe_cadence(keys)
        costs = pk.group_costs(packets.size, packets.key)
        pk.check_costs(costs)
        spikes = np.concatenate([pk.size_spikes(packets.size, packets.key),
                                 pk.level_shifts(packets.size, packets.key), pk.blind_groups(costs)])
        first = pk.windows(spikes, keys, n, exact=off)
        if len(first) < _CALIBRATION:  # a few short windows from keyframes (cheap) to scale sizes to motion
            calib = keys[np.linspace(0, keys.size - 1, _CALIBRATION + 2).astype(int)[1:-1]]
            first = sorted(set(first) | {(int(k), min(n - 1, int(k) + 9)) for k in calib})
        if pk.frames_in(first) > MAX_SHARE * n:
            raise pk.NoSignal(f"busy stream ({pk.frames_in(first)} of {n} frames would be decoded)")
        spans = self._decode(first, tmp, 0.3, 0.8)
        second = pk.windows(self._unexplained(on, spans, packets), keys, n)
        if pk.frames_in(first) + pk.frames_in(second) > 0.9 * n:
            raise pk.NoSignal("busy stream (most keyframes change the picture)")
        spans += self._decode(second, tmp, 0.8, 1.0)
        start = round(packets.seconds(0) * self.fps)
        return self._pictures(packets, spans, start)

    def _unexplained(self, regular: np.ndarray, spans: list[_Span], packets: pk.Packets) -> np.ndarray:
        """Regular keyframes where a cut may hide: no window has judged the frame, it differs like a cut
        from the last picture decoded before it (a keyframe or a window's end), and the sizes around it
        do not say a busy shot simply goes on (``packets.hides_change``), or the difference is more than the
        motion since that picture can explain (frame to frame differences estimated from packet sizes:
        the difference over many frames is at most their sum)."""
        motion = _motion_estimate(packets, self._exact(spans, len(packets)), [])
        judged = {j for s in spans for j in range(s.first + 7, s.last - 5)}
        refs = {**self.anchor_luma, **self.refs}
        order = np.array(sorted(refs))
        out = []
        for k in regular.tolist():
            if k in judged or k not in self.anchor_luma:
                continue
            before = order[order < k]
            if not before.size:
                continue
            ref = int(before[-1])
            mad, hist = pair_change(refs[ref], self.anchor_luma[k])
            if not (mad >= 12.0 and (hist >= 0.15 or mad >= 35.0)):
                continue
            moved = float(motion[ref + 1 : k].sum())  # how far the shot could have moved since ``ref``
            if ref == k - 1 or mad > 0.8 * moved + 4.0 or pk.hides_change(packets.size, packets.key, k):
                out.append(k)
        return np.array(out, dtype=np.int64)

    def _decode(self, spans: list[tuple[int, int]], tmp: Path, lo: float, hi: float) -> list[_Span]:
        """The windows, ``_SPANS_PER_PROCESS`` to an ffmpeg and ``_PROCESSES`` ffmpegs at a time; their frames
        are measured here, batch by batch in order, while the next batches decode."""
        batches = [spans[at : at + _SPANS_PER_PROCESS] for at in range(0, len(spans), _SPANS_PER_PROCESS)]
        done: list[_Span] = []
        with ThreadPoolExecutor(max_workers=_PROCESSES, thread_name_prefix="nemo-windows") as pool:
            runs = [pool.submit(self._run_batch, batch, tmp, f"{lo:.2f}-{k}") for k, batch in enumerate(batches)]
            try:
                for k, (batch, run) in enumerate(zip(batches, runs, strict=True)):
                    self._check()
                    done += self._read_batch(batch, run.result())
                    self.progress(lo + (hi - lo) * (k + 1) / len(batches))
            finally:
                for run in runs:  # cancelled or failed: the batches not yet started never start
                    run.cancel()
        return done

    def _run_batch(self, spans: list[tuple[int, int]], tmp: Path, tag: str) -> list[Path]:
        """Windows side by side in one ffmpeg: each input seeks to its keyframe, each output takes the
        window's frames (to a file each)."""
        threads = max(1, (os.cpu_count() or 1) // (len(spans) * _PROCESSES))
        args: list[str] = []
        for a, _ in spans:
            # half a frame past keyframe a: the demuxer starts on a (the last keyframe at or before), and
            # without accurate seeking nothing is dropped (the first frame is checked against the keyframe)
            seek = float(self.seconds[a]) + 0.5 / self.fps
            args += ["-threads", str(threads), "-skip_loop_filter", "all", "-flags2", "+fast",
                     "-noaccurate_seek", "-ss", f"{seek:.6f}", "-i", str(self.path)]
        outs = [tmp / f"w{tag}-{i}.raw" for i in range(len(spans))]
        for i, ((a, b), out) in enumerate(zip(spans, outs, strict=True)):
            args += ["-map", f"{i}:v:0", "-vf", self._scale(), "-fps_mode", "passthrough",
                     "-frames:v", str(b - a + 1), "-f", "rawvideo", "-y", str(out)]
        with FfmpegReader(args) as reader:
            reader.finish()
        return outs

    def _read_batch(self, spans: list[tuple[int, int]], outs: list[Path]) -> list[_Span]:
        """One batch's decoded windows measured: differences, references before keyframes, colour."""
        w, h = self.size
        result = []
        for (a, b), out in zip(spans, outs, strict=True):
            frames = np.fromfile(out, np.uint8)
            out.unlink()
            k = frames.size // self._frame_bytes
            if k != b - a + 1:
                raise pk.NoSignal(f"a window decoded {k} of {b - a + 1} frames")
            frames = frames[: k * self._frame_bytes].reshape(k, 3, h, w)
            self.frames_read += k
            anchor = self.anchor_luma.get(a)
            if anchor is not None and pair_change(anchor, frames[0, 0])[0] > 1.0:
                raise pk.NoSignal("a window did not start on its keyframe")
            mad, hist = FrameDiffs().add(frames)
            result.append(_Span(a, b, mad, hist))
            before = self.keys[(self.keys > a) & (self.keys <= b + 1)] - 1
            self.refs.update({int(i): frames[i - a, 0].copy() for i in before.tolist()})
            self.refs[b] = frames[-1, 0].copy()
            self._window_colour(a, frames)
        return result

    def _window_colour(self, first: int, frames: np.ndarray) -> None:
        step = max(1, round(self.fps * self.colour_step))
        picked = np.arange(0, frames.shape[0], step)
        values = colour(frames[picked])
        for j, i in enumerate(picked.tolist()):
            self.anchor_colour.setdefault(first + i, (float(values[j, 0]), float(values[j, 1]),
                                                      float(values[j, 2])))

    # --- numbers ------------------------------------------------------------------------------------

    @staticmethod
    def _exact(spans: list[_Span], n: int) -> np.ndarray:
        """Frame differences the windows measured (NaN elsewhere and on each window's first frame)."""
        exact = np.full(n, np.nan)
        for s in spans:
            exact[s.first + 1 : s.last + 1] = s.mad[1:]
        return exact

    def _pictures(self, packets: pk.Packets, spans: list[_Span], start: int) -> StreamPictures:
        n = len(packets)
        cuts: set[int] = set()
        for s in spans:
            length = s.last - s.first + 1
            lo = 1 if s.first == 0 else 7
            hi = length if s.last == n - 1 else length - 6
            cuts.update(s.first + j for j in find_cuts(s.mad, s.hist) if lo <= j < hi)
        mad = _motion_estimate(packets, self._exact(spans, n), sorted(cuts))
        pictures = StreamPictures(n=n, first=start, cuts=sorted(cuts), mad=mad, frames_read=self.frames_read,
                                  windows=len(spans))
        min_gap = self.colour_step * self.fps - 1e-6
        last = -np.inf
        for idx in sorted(self.anchor_colour):
            if idx - last >= min_gap:
                pictures.colour_index.append(idx)
                pictures.colour.append(self.anchor_colour[idx])
                last = idx
        return pictures


def _motion_estimate(packets: pk.Packets, exact: np.ndarray, cuts: list[int]) -> np.ndarray:
    """Frame differences where a window measured them; elsewhere the packet size times the bytes-to-
    difference ratio those windows saw (keyframes take their neighbours' value: their size is no motion)."""
    size = packets.size.astype(np.float64)
    usable = ~np.isnan(exact) & ~packets.key
    usable[cuts] = False
    total = float(size[usable].sum())
    ratio = float(exact[usable].sum()) / total if total > 0 else 0.0
    est = size * ratio
    inter = np.flatnonzero(~packets.key)
    if inter.size:
        keys = np.flatnonzero(packets.key)
        est[keys] = np.interp(keys, inter, est[inter])
    return np.where(np.isnan(exact), est, exact)
