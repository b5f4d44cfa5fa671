"""The pictures and the sound of one file, side by side: the pictures from the compressed stream when it
tells enough (``stream_scan``), else every frame small, for cuts, motion and colour; the sound for
loudness and speech (16 kHz mono) and, with a cache, for the export (48 kHz stereo, decoded only once)."""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from nemo_desktop.core.errors import Cancelled, Corrupt, ToolFailed
from nemo_desktop.core.events import ProgressFn
from nemo_desktop.core.media import Kind
from nemo_desktop.engine import media_cache, vad
from nemo_desktop.engine.analysis.curves import Curve, curve_of_power, hop_power
from nemo_desktop.engine.analysis.cuts import find_cuts, motion_curve
from nemo_desktop.engine.analysis.frames import FrameDiffs, colour
from nemo_desktop.engine.analysis.packets import NoSignal
from nemo_desktop.engine.analysis.results import ClipAnalysis
from nemo_desktop.engine.analysis.stream_scan import StreamPictures, StreamScan
from nemo_desktop.engine.probe import MediaInfo
from nemo_desktop.tools.ffmpeg import FfmpegReader

log = logging.getLogger(__name__)
_BATCH = 32  # frames per pipe read: numpy works on whole batches
COLOUR_FPS = 6.0  # colour samples per second
_SMALL_WIDTH = 120  # luma columns kept per frame for differences
_SOUND_BLOCK = 16000 * 60  # 16 kHz mono samples read at a time (a minute; a whole number of 100 ms hops)


def check_cancel(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise Cancelled()


class Scanner:
    """Two ffmpeg processes over a file: small frames for cuts, motion and colour; the sound for loudness
    and speech (16 kHz mono) and, with a cache, for the export (48 kHz stereo, so it is decoded only once)."""

    def __init__(
        self, info: MediaInfo, progress: ProgressFn, cancel: threading.Event | None, cache_dir: Path | None
    ) -> None:
        self.info = info
        self.progress = progress
        self.cancel = cancel
        self.cache_dir = cache_dir
        self.fps = float(info.fps_exact or info.fps or 25.0)
        self.frame_times: list[float] = []
        self.mad: list[float] = []
        self.hist: list[float] = []
        self.colour_times: list[float] = []
        self.colour: list[tuple[float, float, float]] = []
        self.loudness = Curve()
        self.speech: tuple[tuple[float, float], ...] = ()
        self.speech_problem: str | None = None
        self.sound_seconds = 0.0
        self._sound_error: BaseException | None = None
        self._diffs = FrameDiffs()
        self._next_colour = 0.0
        self.stream: StreamPictures | None = None  # the pictures read from the compressed stream
        self.frames_read = 0  # small frames ffmpeg piped to us (the full decode: every frame)
        self.fallback: str | None = None  # why the compressed stream was not enough, if it was not

    def run(self) -> ClipAnalysis:
        info = self.info
        if not info.is_visual and not info.has_audio:
            return ClipAnalysis(duration=info.duration, fps=info.fps)
        keep = None
        if info.has_audio and self.cache_dir is not None:
            keep = media_cache.sound_file(self.cache_dir, info.path)
        with tempfile.TemporaryDirectory(prefix="nemo-analysis-") as tmp:
            mono_file = Path(tmp) / "mono.f32" if info.has_audio else None
            try:
                self._decode_keeping(mono_file, keep)
            except ToolFailed as exc:
                if keep is None:
                    raise Corrupt(str(info.path), name=info.path.name) from exc
                # maybe only the cache could not be written (full, read-only): a fresh scan keeps no sound
                log.debug("analysis without a sound cache: %s", exc)
                return Scanner(info, self.progress, self.cancel, None).run()
        check_cancel(self.cancel)
        return self._result()

    def _decode_keeping(self, mono_file: Path | None, keep: Path | None) -> None:
        """Decode; the 48 kHz sound goes to ``keep`` through a ``.part`` that never outlives a failure."""
        if keep is None:
            self._decode(mono_file, None)
            return
        part = keep.with_suffix(keep.suffix + ".part")
        try:
            try:
                part.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ToolFailed(str(exc)) from exc
            self._decode(mono_file, part)
            os.replace(part, keep)
        finally:
            with contextlib.suppress(OSError):
                part.unlink()
        media_cache.prune_sound(keep.parent.parent)

    def _small_size(self) -> tuple[int, int]:
        """Frames ~120 px wide, displayed aspect kept: enough for differences and colour, cheap to pipe."""
        w, h = self.info.width or 160, self.info.height or 90
        sw = min(_SMALL_WIDTH, w - w % 2) or 2
        return sw, max(2, round(h * sw / w / 2) * 2)

    def _decode(self, mono_file: Path | None, stereo_file: Path | None) -> None:
        """The pictures and the sound in two ffmpeg processes side by side: the sound decodes in a fraction
        of the pictures' time, so loudness and speech are measured while the pictures are still decoding."""
        if not self.info.is_visual:
            if mono_file is not None:
                self._decode_sound(mono_file, stereo_file, report=True)
                self._measure_sound(mono_file)
            return
        sound: threading.Thread | None = None
        if mono_file is not None:
            sound = threading.Thread(target=self._sound_job, args=(mono_file, stereo_file), name="nemo-sound",
                                     daemon=True)
            sound.start()
        try:
            self._decode_pictures()
        finally:
            if sound is not None:
                sound.join()
        if self._sound_error is not None:
            raise self._sound_error

    def _decode_pictures(self) -> None:
        """From the compressed stream when it tells enough (a small part decoded), else every frame."""
        info = self.info
        if info.kind is Kind.VIDEO and info.fps_exact:
            scan = StreamScan(info.path, self.fps, self._small_size(), self.cancel,
                              lambda f: self.progress("analyse", f), 1.0 / COLOUR_FPS)
            try:
                self.stream = scan.run()
            except (NoSignal, ToolFailed) as exc:
                self.frames_read = scan.frames_read
                self.fallback = str(exc)
            else:
                self.frames_read = self.stream.frames_read
                log.info("%s: pictures from the compressed stream (%d of %d frames decoded, %d windows)",
                         info.path.name, self.frames_read, self.stream.n, self.stream.windows)
                return
            log.info("%s: pictures from a full decode (%s)", info.path.name, self.fallback)
        self._decode_every_frame()

    def _decode_every_frame(self) -> None:
        info = self.info
        w, h = self._small_size()
        # 120 px frames do not need the deblocking filter: skipping it saves ~10 % of an H.264 decode. One
        # decoder thread per core, not ffmpeg's cores + 1: another ~10 % on a 2-core laptop (the extra
        # thread only adds switching while the pipeline's other threads want the same cores)
        args: list[str] = ["-threads", str(os.cpu_count() or 0), "-skip_loop_filter", "all", "-flags2", "+fast",
                           "-i", str(info.path), "-map", "0:v:0", "-an",
                           "-vf", f"scale={w}:{h}:flags=neighbor,format=yuv444p"]
        if info.kind is Kind.IMAGE and not info.animated:
            args += ["-frames:v", "1"]
        elif info.fps_exact:
            rate = info.fps_exact
            args += ["-fps_mode", "cfr", "-r", f"{rate.numerator}/{rate.denominator}"]
        args += ["-f", "rawvideo", "pipe:1"]
        with FfmpegReader(args) as reader:
            self._read_frames(reader, w, h)
            reader.finish()

    def _decode_sound(self, mono_file: Path, stereo_file: Path | None, report: bool = False) -> None:
        # average the channels ourselves: a plain downmix to mono adds +3 dB to a stereo source
        args = ["-progress", "pipe:1", "-nostats"] if report else []
        args += ["-i", str(self.info.path), "-vn", "-map", "0:a:0",
                "-af", "aformat=channel_layouts=stereo,pan=mono|c0=0.5*c0+0.5*c1",
                "-ar", str(vad.SAMPLE_RATE), "-c:a", "pcm_f32le", "-f", "f32le", "-y", str(mono_file)]
        if stereo_file is not None:
            args += ["-map", "0:a:0", "-ac", "2", "-ar", str(media_cache.SOUND_RATE), "-c:a", "pcm_f32le",
                     "-f", "f32le", "-y", str(stereo_file)]
        with FfmpegReader(args) as reader:
            if report:
                self._read_progress(reader)
            reader.finish()

    def _sound_job(self, mono_file: Path, stereo_file: Path | None) -> None:
        try:
            self._decode_sound(mono_file, stereo_file)
            self._measure_sound(mono_file)
        except BaseException as exc:  # handed to the analysis thread, which raises it
            self._sound_error = exc

    def _measure_sound(self, mono_file: Path) -> None:
        """Loudness curve and speech spans of the 16 kHz mono sound, read a minute at a time (a 30-minute
        clip's sound never sits in memory whole)."""
        total = mono_file.stat().st_size // 4
        if not total:
            return
        self.sound_seconds = total / vad.SAMPLE_RATE
        powers: list[np.ndarray] = []

        def blocks() -> Iterator[np.ndarray]:
            with open(mono_file, "rb") as fh:
                while True:
                    check_cancel(self.cancel)
                    block = np.fromfile(fh, dtype="<f4", count=_SOUND_BLOCK)
                    if not block.size:
                        return
                    powers.append(hop_power(block, vad.SAMPLE_RATE))
                    yield block

        try:
            if total >= vad.WINDOW:  # shorter is too short for speech: only its level
                probs = vad.block_probabilities(blocks(), self.cancel)
                self.speech = vad.spans_from_probabilities(probs, self.sound_seconds)
        except vad.SpeechModelUnavailable as exc:  # reported to the person by the engine, never silent
            self.speech, self.speech_problem = (), str(exc)
        if not powers:  # the level alone (no speech detection ran)
            for _ in blocks():
                pass
        self.loudness = curve_of_power(np.concatenate(powers) if powers else np.zeros(0))

    def _read_frames(self, reader: FfmpegReader, w: int, h: int) -> None:
        size = w * h * 3
        expected = max(1, self.info.frames or round(self.info.duration * self.fps) or 1)
        while True:
            check_cancel(self.cancel)
            data = reader.read(size * _BATCH)
            k = len(data) // size
            if k:
                self._on_frames(np.frombuffer(data, np.uint8, k * size).reshape(k, 3, h, w))
                self.progress("analyse", min(1.0, len(self.frame_times) / expected))
            if len(data) < size * _BATCH:
                return

    def _read_progress(self, reader: FfmpegReader) -> None:
        total = max(self.info.duration, 1e-6)
        for raw in reader.stdout:
            check_cancel(self.cancel)
            key, _, value = raw.decode("ascii", "replace").strip().partition("=")
            if key == "out_time_us" and value.isdigit():
                self.progress("analyse", min(1.0, int(value) / 1e6 / total))

    def _on_frames(self, frames: np.ndarray) -> None:
        """A batch of (k, 3, h, w) YUV frames: luma differences and histograms vectorised over the batch."""
        k = frames.shape[0]
        self.frames_read += k
        mad, hd = self._diffs.add(frames)
        first = len(self.frame_times)
        times = (first + np.arange(k)) / self.fps
        self.frame_times.extend(times.tolist())
        self.mad.extend(mad.tolist())
        self.hist.extend(hd.tolist())
        picked = []
        for i, t in enumerate(times):
            if t + 1e-6 >= self._next_colour:
                self._next_colour = t + 1.0 / COLOUR_FPS
                picked.append(i)
        if picked:
            self.colour_times.extend(float(times[i]) for i in picked)
            self.colour.extend((float(b), float(w), float(s)) for b, w, s in colour(frames[picked]))

    def _cuts_and_motion(self) -> tuple[tuple[float, ...], Curve]:
        duration = self.info.duration
        if self.stream is not None:
            found = self.stream
            times = (found.first + np.arange(found.n)) / self.fps
            self.colour_times = [float(times[i]) for i in found.colour_index]
            self.colour = list(found.colour)
            cuts = tuple(round(float(times[i]), 4) for i in found.cuts)
            return cuts, motion_curve(times, found.mad, found.cuts, duration)
        times = np.asarray(self.frame_times)
        mad = np.asarray(self.mad)
        cut_idx = find_cuts(mad, np.asarray(self.hist))
        return tuple(round(float(times[i]), 4) for i in cut_idx), motion_curve(times, mad, cut_idx, duration)

    def _result(self) -> ClipAnalysis:
        info = self.info
        fps = info.fps or 0.0
        duration = info.duration
        cuts, motion = self._cuts_and_motion()
        ct = self.colour_times
        bright = Curve.of(ct, (c[0] for c in self.colour))
        warm = Curve.of(ct, (c[1] for c in self.colour))
        sat = Curve.of(ct, (c[2] for c in self.colour))
        if info.kind is Kind.AUDIO and not duration and self.sound_seconds:
            duration = self.sound_seconds
        speech = self.speech
        if duration:
            speech = tuple((a, min(b, duration)) for a, b in speech if a < duration)
        return ClipAnalysis(duration=duration, fps=fps, cuts=cuts, motion=motion, brightness=bright,
                            warmth=warm, saturation=sat, loudness=self.loudness, speech=speech,
                            speech_problem=self.speech_problem)
